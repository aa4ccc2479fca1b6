// AWS partitions: which DNS suffixes a region's endpoints use and whether FIPS and dual-stack
// endpoints exist. The table holds the facts of botocore's partitions.json (version 1.1); the
// region patterns, all of the form ^(P1|P2|...)\-\w+\-\d+$, are matched by hand (no regex library).
// Lookup follows the SDKs: an explicitly listed region first, then the first pattern that matches,
// else the `aws` partition.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <iterator>
#include <ostream>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace endpoint {

struct partition {
    std::string_view id;                    // "aws", "aws-cn", ...
    std::string_view region_prefixes;       // the regex's alternatives, '|'-separated: "us|eu|ap" for ^(us|eu|ap)\-\w+\-\d+$
    std::string_view regions;               // explicitly listed regions, ','-separated
    std::string_view dns_suffix;            // "amazonaws.com"
    std::string_view dual_stack_dns_suffix; // "api.aws"
    bool supports_fips = true;
    bool supports_dual_stack = true;
    std::string_view implicit_global_region;

    friend bool operator==(const partition& a, const partition& b) noexcept {
        return a.id == b.id && a.region_prefixes == b.region_prefixes && a.regions == b.regions && a.dns_suffix == b.dns_suffix &&
               a.dual_stack_dns_suffix == b.dual_stack_dns_suffix && a.supports_fips == b.supports_fips &&
               a.supports_dual_stack == b.supports_dual_stack && a.implicit_global_region == b.implicit_global_region;
    }
    friend bool operator!=(const partition& a, const partition& b) noexcept { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const partition& p) {
        return os << "partition{" << p.id << ", " << p.dns_suffix << ", " << p.dual_stack_dns_suffix << (p.supports_fips ? ", fips" : "")
                  << (p.supports_dual_stack ? ", dualstack" : "") << "}";
    }
};

// partitions.json 1.1, in its order (the first entry is the fallback for unknown regions).
inline constexpr std::array<partition, 8> partitions = {{
    {"aws", "us|eu|ap|sa|ca|me|af|il|mx",
     "af-south-1,ap-east-1,ap-east-2,ap-northeast-1,ap-northeast-2,ap-northeast-3,ap-south-1,ap-south-2,ap-southeast-1,"
     "ap-southeast-2,ap-southeast-3,ap-southeast-4,ap-southeast-5,ap-southeast-6,ap-southeast-7,aws-global,ca-central-1,"
     "ca-west-1,eu-central-1,eu-central-2,eu-north-1,eu-south-1,eu-south-2,eu-west-1,eu-west-2,eu-west-3,il-central-1,"
     "me-central-1,me-south-1,mx-central-1,sa-east-1,us-east-1,us-east-2,us-west-1,us-west-2",
     "amazonaws.com", "api.aws", true, true, "us-east-1"},
    {"aws-cn", "cn", "aws-cn-global,cn-north-1,cn-northwest-1", "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true,
     "cn-northwest-1"},
    {"aws-eusc", "eusc-de", "eusc-de-east-1", "amazonaws.eu", "api.amazonwebservices.eu", true, true, "eusc-de-east-1"},
    {"aws-iso", "us-iso", "aws-iso-global,us-iso-east-1,us-iso-west-1", "c2s.ic.gov", "api.aws.ic.gov", true, true, "us-iso-east-1"},
    {"aws-iso-b", "us-isob", "aws-iso-b-global,us-isob-east-1,us-isob-west-1", "sc2s.sgov.gov", "api.aws.scloud", true, true,
     "us-isob-east-1"},
    {"aws-iso-e", "eu-isoe", "aws-iso-e-global,eu-isoe-west-1", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true, "eu-isoe-west-1"},
    {"aws-iso-f", "us-isof", "aws-iso-f-global,us-isof-east-1,us-isof-south-1", "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true,
     "us-isof-south-1"},
    {"aws-us-gov", "us-gov", "aws-us-gov-global,us-gov-east-1,us-gov-west-1", "amazonaws.com", "api.aws", true, true, "us-gov-west-1"},
}};

namespace detail {

// Calls f(item) for each `sep`-separated item of `list` until f returns true; returns whether it did.
template <class F>
constexpr bool any_item(std::string_view list, char sep, F f) {
    while (!list.empty()) {
        const auto cut = list.find(sep);
        if (f(list.substr(0, cut))) return true;
        if (cut == std::string_view::npos) break;
        list.remove_prefix(cut + 1);
    }
    return false;
}

constexpr bool is_word_char(char c) noexcept { return appconfigdata::detail::is_ascii_alnum(c) || c == '_'; }

// rest matches \w+\-\d+$ (\w has no '-', so exactly one '-' splits a word from a number).
constexpr bool matches_word_dash_number(std::string_view rest) noexcept {
    const auto dash = rest.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash + 1 == rest.size()) return false;
    for (std::size_t i = 0; i < dash; ++i)
        if (!is_word_char(rest[i])) return false;
    for (std::size_t i = dash + 1; i < rest.size(); ++i)
        if (!appconfigdata::detail::is_ascii_digit(rest[i])) return false;
    return true;
}

} // namespace detail

// True when `region` matches the partition's pattern ^(prefixes)\-\w+\-\d+$.
constexpr bool matches_region_pattern(const partition& p, std::string_view region) noexcept {
    return detail::any_item(p.region_prefixes, '|', [&](std::string_view prefix) {
        return !prefix.empty() && region.size() > prefix.size() + 1 && region.substr(0, prefix.size()) == prefix &&
               region[prefix.size()] == '-' && detail::matches_word_dash_number(region.substr(prefix.size() + 1));
    });
}

// True when the partition lists `region` explicitly.
constexpr bool lists_region(const partition& p, std::string_view region) noexcept {
    return detail::any_item(p.regions, ',', [&](std::string_view r) { return r == region; });
}

// The partition of `region` within `table`: explicit listing, else first pattern match, else the
// entry with id "aws", else the first entry. Returns nullptr only for an empty table. Never throws.
template <class Table>
const partition* find_partition(const Table& table, std::string_view region) noexcept {
    for (const partition& p : table)
        if (lists_region(p, region)) return &p;
    for (const partition& p : table)
        if (matches_region_pattern(p, region)) return &p;
    for (const partition& p : table)
        if (p.id == "aws") return &p;
    auto first = std::begin(table);
    return first == std::end(table) ? nullptr : &*first;
}

// The partition of `region` in the built-in table (never nullptr).
inline const partition& find_partition(std::string_view region) noexcept { return *find_partition(partitions, region); }

} // namespace endpoint
APPCONFIGDATA_NAMESPACE_END
