// Locates the AWS SSO token cache file with Botan's SHA-1:
// <home>/.aws/sso/cache/<lower-case hex SHA-1 of the sso-session name, or of the start URL>.json.
// The core (credentials/sso.hpp) takes the resulting path as an argument and never hashes.
// Link with Botan (dependency('botan-2') or 'botan-3').
#pragma once

#include <appconfigdata/credentials/profile_files.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/version.hpp>

#include <botan/hash.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

// Lower-case hex SHA-1 of `text`, or "" when Botan lacks SHA-1. Never throws except std::bad_alloc.
inline std::string sha1_hex(std::string_view text) {
    std::unique_ptr<Botan::HashFunction> h;
    try {
        h = Botan::HashFunction::create("SHA-1");
    } catch (...) {
        return {};
    }
    if (!h) return {};
    h->update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    const auto digest = h->final();
    std::string out;
    detail::append_hex(out, digest.data(), digest.size());
    return out;
}

// The token cache path for `key` (see sso_token_cache_key), or "" when no home directory is known.
inline std::string sso_token_cache_path(std::string_view key, const environment_lookup& env, os_platform platform = host_platform) {
    auto home = home_directory(env, platform);
    const std::string hash = sha1_hex(key);
    if (!home || hash.empty()) return {};
    const char sep = path_separator(platform);
    std::string path = *home;
    if (!path.empty() && path.back() != sep && path.back() != '/') path += sep;
    path += ".aws";
    path += sep;
    path += "sso";
    path += sep;
    path += "cache";
    path += sep;
    path += hash;
    path += ".json";
    return path;
}

// A locator for the default chain (default_chain_options::sso_cache_file): key -> path.
inline std::function<std::string(std::string_view)> sso_cache_locator(environment_lookup env, os_platform platform = host_platform) {
    return [env = std::move(env), platform](std::string_view key) { return sso_token_cache_path(key, env, platform); };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
