// Endpoint parameters from the standard AWS environment variables, read through a lookup function
// the caller supplies (the core never calls getenv):
//   AWS_ENDPOINT_URL_APPCONFIGDATA, then AWS_ENDPOINT_URL     custom endpoint URL
//   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true                  ignore both of the above
//   AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT         true / false (any case)
//   AWS_REGION, then AWS_DEFAULT_REGION                       region
// An empty value counts as unset (as in the SDKs).
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace endpoint {

using environment_lookup = std::function<std::optional<std::string>(std::string_view name)>;

namespace detail {
inline std::optional<std::string> non_empty(const environment_lookup& lookup, std::string_view name) {
    auto v = lookup(name);
    if (v && appconfigdata::detail::trim(*v).empty()) return std::nullopt;
    return v;
}

inline std::error_code read_bool(const environment_lookup& lookup, std::string_view name, std::optional<bool>& out, std::string* error_message) {
    out.reset();
    auto v = non_empty(lookup, name);
    if (!v) return {};
    const std::string_view t = appconfigdata::detail::trim(*v);
    if (appconfigdata::detail::iequals(t, "true"))
        out = true;
    else if (appconfigdata::detail::iequals(t, "false"))
        out = false;
    else
        return fail(errc::invalid_argument, std::string(name) + " must be true or false", error_message);
    return {};
}
} // namespace detail

// Fills `p` from the environment, leaving explicit settings alone: region and endpoint_url only when
// not set yet; use_fips / use_dual_stack only when their variable is set (callers apply command-line
// flags afterwards). Returns errc::invalid_argument, with the variable named in *error_message and
// `p` unchanged, for a boolean that is neither true nor false. Never throws but for allocation.
inline std::error_code params_from_environment(const environment_lookup& lookup, params& p, std::string* error_message = nullptr) {
    std::optional<bool> fips, dual_stack, ignore_urls;
    if (auto ec = detail::read_bool(lookup, "AWS_USE_FIPS_ENDPOINT", fips, error_message)) return ec;
    if (auto ec = detail::read_bool(lookup, "AWS_USE_DUALSTACK_ENDPOINT", dual_stack, error_message)) return ec;
    if (auto ec = detail::read_bool(lookup, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ignore_urls, error_message)) return ec;
    if (fips) p.use_fips = *fips;
    if (dual_stack) p.use_dual_stack = *dual_stack;
    if (!p.endpoint_url && !ignore_urls.value_or(false)) {
        if (auto v = detail::non_empty(lookup, "AWS_ENDPOINT_URL_APPCONFIGDATA"))
            p.endpoint_url = std::move(v);
        else if (auto g = detail::non_empty(lookup, "AWS_ENDPOINT_URL"))
            p.endpoint_url = std::move(g);
    }
    if (!p.region) {
        if (auto r = detail::non_empty(lookup, "AWS_REGION"))
            p.region = std::move(r);
        else if (auto d = detail::non_empty(lookup, "AWS_DEFAULT_REGION"))
            p.region = std::move(d);
    }
    return {};
}

} // namespace endpoint
APPCONFIGDATA_NAMESPACE_END
