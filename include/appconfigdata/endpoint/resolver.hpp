// Endpoint resolution for AppConfig Data: region + FIPS + dual-stack + custom endpoint URL → the
// URL to send to and the SigV4 signing region and name. The rules are those of the service's
// endpoint rule set (endpoint-rule-set-1.json), evaluated top to bottom:
//   1. a custom endpoint URL wins, but not together with FIPS or dual-stack (errors);
//   2. with a region: its partition decides the host
//        FIPS + dual-stack  https://appconfigdata-fips.{region}.{dualStackDnsSuffix}
//        FIPS               https://appconfigdata-fips.{region}.{dnsSuffix}
//                           (aws-us-gov: https://appconfigdata.{region}.amazonaws.com — GovCloud's
//                            regular endpoint is already FIPS)
//        dual-stack         https://appconfigdata.{region}.{dualStackDnsSuffix}
//        neither            https://appconfigdata.{region}.{dnsSuffix}
//      and a partition without FIPS / dual-stack support gives the rule set's error;
//   3. no region and no custom endpoint: "Invalid Configuration: Missing Region".
// Before the rules, like the SDKs, the region must be a valid DNS host label. Pure; no I/O.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/endpoint/partition.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace endpoint {

inline constexpr std::string_view signing_name = "appconfig";
inline constexpr std::string_view endpoint_prefix = "appconfigdata";

struct params {
    std::optional<std::string> region;
    bool use_fips = false;
    bool use_dual_stack = false;
    std::optional<std::string> endpoint_url; // custom endpoint ("http://127.0.0.1:8080"), used as given

    friend bool operator==(const params& a, const params& b) {
        return a.region == b.region && a.use_fips == b.use_fips && a.use_dual_stack == b.use_dual_stack && a.endpoint_url == b.endpoint_url;
    }
    friend bool operator!=(const params& a, const params& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const params& p) {
        os << "endpoint::params{region=" << (p.region ? *p.region : std::string("<unset>")) << ", fips=" << p.use_fips
           << ", dualstack=" << p.use_dual_stack;
        if (p.endpoint_url) os << ", endpoint_url=" << *p.endpoint_url;
        return os << "}";
    }
};

struct resolved {
    std::string url;            // "https://appconfigdata.us-east-1.amazonaws.com" (no trailing '/'), or the custom URL as given
    std::string signing_region; // the region; empty for a custom endpoint resolved without a region
    std::string signing_name = std::string(endpoint::signing_name);

    friend bool operator==(const resolved& a, const resolved& b) {
        return a.url == b.url && a.signing_region == b.signing_region && a.signing_name == b.signing_name;
    }
    friend bool operator!=(const resolved& a, const resolved& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const resolved& r) {
        return os << r.url << " (signing " << r.signing_name << "/" << (r.signing_region.empty() ? "<no region>" : r.signing_region) << ")";
    }
};

// The rule set's error texts, exactly.
inline constexpr std::string_view error_fips_custom = "Invalid Configuration: FIPS and custom endpoint are not supported";
inline constexpr std::string_view error_dual_stack_custom = "Invalid Configuration: Dualstack and custom endpoint are not supported";
inline constexpr std::string_view error_fips_dual_stack_unsupported = "FIPS and DualStack are enabled, but this partition does not support one or both";
inline constexpr std::string_view error_fips_unsupported = "FIPS is enabled but this partition does not support FIPS";
inline constexpr std::string_view error_dual_stack_unsupported = "DualStack is enabled but this partition does not support DualStack";
inline constexpr std::string_view error_missing_region = "Invalid Configuration: Missing Region";

// True when `region` is a valid DNS host label, as botocore checks it
// (^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$) and additionally not empty: 1 to 63 letters, digits
// and '-', not all digits, not starting or ending with '-'.
constexpr bool is_valid_region(std::string_view region) noexcept {
    if (region.empty() || region.size() > 63 || region.front() == '-' || region.back() == '-') return false;
    bool all_digits = true;
    for (char c : region) {
        if (!appconfigdata::detail::is_ascii_alnum(c) && c != '-') return false;
        if (!appconfigdata::detail::is_ascii_digit(c)) all_digits = false;
    }
    return !all_digits;
}

namespace detail {
inline std::error_code fail(std::error_code ec, std::string_view message, std::string* error_message) {
    if (error_message) error_message->assign(message.data(), message.size());
    return ec;
}
} // namespace detail

// Resolves `in` against the partition table `table` (any range of `partition`; tests pass synthetic
// ones). On success fills `out` and returns {}. Errors (out unchanged; *error_message set when given):
//   errc::invalid_region             the region is set but not a valid host label;
//   errc::invalid_url                the custom endpoint is not http(s)://host[:port][/path] (no query,
//                                    user-info or fragment); the message does not repeat the URL;
//   errc::endpoint_resolution_failed a rule-set error; the message is the rule set's exact text.
// Never throws but for allocation.
template <class Table>
std::error_code resolve(const params& in, const Table& table, resolved& out, std::string* error_message = nullptr) {
    if (in.region && !is_valid_region(*in.region))
        return detail::fail(errc::invalid_region,
                            "Invalid region: a region must be 1 to 63 letters, digits and '-', not all digits, and may not start or end with '-'",
                            error_message);
    if (in.endpoint_url) {
        if (in.use_fips) return detail::fail(errc::endpoint_resolution_failed, error_fips_custom, error_message);
        if (in.use_dual_stack) return detail::fail(errc::endpoint_resolution_failed, error_dual_stack_custom, error_message);
        http::url u;
        if (http::parse_url(*in.endpoint_url, u) || !u.query.empty() || in.endpoint_url->find('?') != std::string::npos)
            return detail::fail(errc::invalid_url,
                                "Invalid custom endpoint URL: expected http(s)://host[:port][/path] without user-info, query or fragment",
                                error_message);
        out.url = *in.endpoint_url;
        out.signing_region = in.region.value_or(std::string());
        out.signing_name = std::string(signing_name);
        return {};
    }
    if (!in.region) return detail::fail(errc::endpoint_resolution_failed, error_missing_region, error_message);
    const std::string& region = *in.region;
    const partition* p = find_partition(table, region);
    if (!p) return detail::fail(errc::endpoint_resolution_failed, "No partition table to resolve the region with", error_message);

    std::string url = "https://";
    url += endpoint_prefix;
    std::string_view suffix = p->dns_suffix;
    if (in.use_fips && in.use_dual_stack) {
        if (!p->supports_fips || !p->supports_dual_stack)
            return detail::fail(errc::endpoint_resolution_failed, error_fips_dual_stack_unsupported, error_message);
        url += "-fips";
        suffix = p->dual_stack_dns_suffix;
    } else if (in.use_fips) {
        if (!p->supports_fips) return detail::fail(errc::endpoint_resolution_failed, error_fips_unsupported, error_message);
        if (p->id == "aws-us-gov")
            suffix = "amazonaws.com";
        else
            url += "-fips";
    } else if (in.use_dual_stack) {
        if (!p->supports_dual_stack) return detail::fail(errc::endpoint_resolution_failed, error_dual_stack_unsupported, error_message);
        suffix = p->dual_stack_dns_suffix;
    }
    url += '.';
    url += region;
    url += '.';
    url.append(suffix.data(), suffix.size());
    out.url = std::move(url);
    out.signing_region = region;
    out.signing_name = std::string(signing_name);
    return {};
}

// Resolves `in` against the built-in partition table (see the template above for the errors).
inline std::error_code resolve(const params& in, resolved& out, std::string* error_message = nullptr) {
    return resolve(in, partitions, out, error_message);
}

// The endpoint of another AWS service the credential providers call (STS, the SSO portal), from the
// same partition table: `endpoint_url` when not empty (used as given), else
// https://{service}[-fips].{region}.{suffix}/ with the partition's DNS suffix, or its dual-stack suffix
// when `use_dual_stack`. Errors (out unspecified): errc::invalid_url when endpoint_url does not parse,
// errc::invalid_region when `region` is not a valid host label (is_valid_region). Never throws but for
// allocation.
inline std::error_code resolve_service_endpoint(std::string_view service, std::string_view region, bool use_fips, bool use_dual_stack,
                                                std::string_view endpoint_url, http::url& out) {
    if (!endpoint_url.empty()) return http::parse_url(endpoint_url, out) ? std::error_code(errc::invalid_url) : std::error_code();
    if (!is_valid_region(region)) return errc::invalid_region;
    const partition& p = find_partition(region);
    const std::string_view suffix = use_dual_stack ? p.dual_stack_dns_suffix : p.dns_suffix;
    std::string url = "https://";
    url.append(service.data(), service.size());
    if (use_fips) url += "-fips";
    url += '.';
    url.append(region.data(), region.size());
    url += '.';
    url.append(suffix.data(), suffix.size());
    url += '/';
    return http::parse_url(url, out);
}

} // namespace endpoint
APPCONFIGDATA_NAMESPACE_END
