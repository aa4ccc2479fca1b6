// Where the AWS CLI keeps SSO access tokens: <home>/.aws/sso/cache/<lower-case hex SHA-1 of the
// sso-session name, or of the start URL for legacy profiles>.json. Pure: the home directory comes
// from the environment lookup, the hash from detail/sha1.hpp (no crypto library, no file access).
// The default chain uses sso_token_cache_path when default_chain_options::sso_cache_file is not set.
#pragma once

#include <appconfigdata/credentials/profile_files.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/detail/sha1.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN

// The token cache path for `key` (see sso_token_cache_key), or "" when no home directory is known.
inline std::string sso_token_cache_path(std::string_view key, const environment_lookup& env, os_platform platform = host_platform) {
    auto home = home_directory(env, platform);
    if (!home) return {};
    const char sep = path_separator(platform);
    std::string path = *home;
    if (!path.empty() && path.back() != sep && path.back() != '/') path += sep;
    for (const char* part : {".aws", "sso", "cache"}) {
        path += part;
        path += sep;
    }
    path += detail::sha1_hex(key);
    path += ".json";
    return path;
}

// A locator for default_chain_options::sso_cache_file: key -> path.
inline std::function<std::string(std::string_view)> sso_cache_locator(environment_lookup env, os_platform platform = host_platform) {
    return [env = std::move(env), platform](std::string_view key) { return sso_token_cache_path(key, env, platform); };
}

APPCONFIGDATA_NAMESPACE_END
