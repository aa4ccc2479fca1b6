// The one reader of environment variables. Every setting the library takes from the environment
// (AWS_REGION, AWS_PROFILE, AWS_CONFIG_FILE, HOME, AWS_ROLE_ARN, ...) goes through env_setting, with
// one rule, the AWS SDKs': surrounding ASCII white space is trimmed, and a value that is then empty
// counts as unset. The environment itself is a lookup function given by the caller (an
// environment_lookup, credentials/provider.hpp); nothing here reads the process environment.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

// The variable's text exactly as `lookup` gives it, or nullopt when it is unset or `lookup` is
// empty. `Lookup` is callable as std::optional<std::string>(std::string_view) and tests true when
// usable (std::function does). A lookup must not throw (the library builds without exceptions):
// one that cannot read a variable answers nullopt. Never throws except std::bad_alloc.
template <class Lookup>
std::optional<std::string> env_raw(const Lookup& lookup, std::string_view name) {
    if (!lookup) return std::nullopt;
    return lookup(name);
}

// The variable's value with surrounding white space trimmed, or nullopt when it is unset, empty or
// blank. Never throws except std::bad_alloc.
template <class Lookup>
std::optional<std::string> env_setting(const Lookup& lookup, std::string_view name) {
    std::optional<std::string> v = env_raw(lookup, name);
    if (!v) return std::nullopt;
    const std::string_view t = trim(*v);
    if (t.empty()) return std::nullopt;
    if (t.size() != v->size()) *v = std::string(t);
    return v;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
