// The region chain, as the AWS CLI and SDKs walk it: an explicit value (--region), AWS_REGION,
// AWS_DEFAULT_REGION, the selected profile's `region`, then IMDS (/latest/meta-data/placement/region).
// The first four are pure and resolved here; the IMDS step is a machine of its own (imds.hpp): when
// resolve_region() answers region_source::none, a caller that allows IMDS runs it next.
#pragma once

#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class region_source { explicit_value, aws_region, aws_default_region, profile, imds, none };

inline const char* to_string(region_source s) noexcept {
    switch (s) {
    case region_source::explicit_value: return "explicit";
    case region_source::aws_region: return "AWS_REGION";
    case region_source::aws_default_region: return "AWS_DEFAULT_REGION";
    case region_source::profile: return "profile";
    case region_source::imds: return "IMDS";
    case region_source::none: return "none";
    }
    return "?";
}

struct region_choice {
    std::string region;                        // "" when source == none
    region_source source = region_source::none;

    bool found() const noexcept { return source != region_source::none; }
    friend bool operator==(const region_choice& a, const region_choice& b) { return a.region == b.region && a.source == b.source; }
    friend bool operator!=(const region_choice& a, const region_choice& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const region_choice& r) {
        return os << "region{" << (r.region.empty() ? "<none>" : r.region) << " from " << to_string(r.source) << "}";
    }
};

// The region from the first non-blank source: `explicit_region`, AWS_REGION, AWS_DEFAULT_REGION,
// `selected_profile`'s region (nullptr: no profile). Values are trimmed; their syntax is checked where the
// region is used (endpoint resolution). source == none means "not found yet: IMDS is next". Never throws
// except std::bad_alloc.
inline region_choice resolve_region(std::string_view explicit_region, const environment_lookup& env, const profile* selected_profile) {
    const std::string_view explicit_trimmed = detail::trim(explicit_region);
    if (!explicit_trimmed.empty()) return {std::string(explicit_trimmed), region_source::explicit_value};
    if (auto r = env_nonblank(env, "AWS_REGION")) return {*r, region_source::aws_region};
    if (auto r = env_nonblank(env, "AWS_DEFAULT_REGION")) return {*r, region_source::aws_default_region};
    if (selected_profile) {
        const std::string_view r = detail::trim(selected_profile->get("region"));
        if (!r.empty()) return {std::string(r), region_source::profile};
    }
    return {};
}

// The last step, for a caller that ran the IMDS region request: wraps its answer (trimmed; blank is none).
inline region_choice region_from_imds(std::string_view imds_answer) {
    const std::string_view r = detail::trim(imds_answer);
    if (r.empty()) return {};
    return {std::string(r), region_source::imds};
}

APPCONFIGDATA_NAMESPACE_END
