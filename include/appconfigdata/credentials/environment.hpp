// Credentials from environment variables, read through an `environment_lookup` (provider.hpp), never
// from the process directly: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN
// and AWS_ACCOUNT_ID. A value that is empty or only whitespace counts as unset (as the AWS SDKs do).
#pragma once

#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/detail/environment.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

// An environment_lookup over a fixed map (tests, and callers that snapshot the environment). The lookup
// owns a copy of the map and never throws; building it throws only std::bad_alloc.
inline environment_lookup environment_from_map(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

inline environment_lookup environment_from_map(const std::map<std::string, std::string>& vars) {
    return environment_from_map(std::map<std::string, std::string, std::less<>>(vars.begin(), vars.end()));
}

// The variable's text as the lookup gives it (untrimmed), or nullopt when unset, when `env` is empty or
// when it throws. Never throws. Settings are read with env_nonblank.
inline std::optional<std::string> env_value(const environment_lookup& env, std::string_view name) noexcept {
    return detail::env_raw(env, name);
}

// The variable's value with surrounding whitespace trimmed, or nullopt when unset, empty or blank: the
// library's one rule for settings (detail/environment.hpp). Never throws except std::bad_alloc.
inline std::optional<std::string> env_nonblank(const environment_lookup& env, std::string_view name) {
    return detail::env_setting(env, name);
}

inline constexpr std::string_view environment_provider_name = "environment";

// The environment provider. Returns status ready with credentials (provider "environment", no expiry);
// not_applicable + errc::no_credentials when AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is unset or
// blank (the message names the missing variable, never a value). Never throws except std::bad_alloc.
inline provider_result credentials_from_environment(const environment_lookup& env) {
    auto key = env_nonblank(env, "AWS_ACCESS_KEY_ID");
    auto secret = env_nonblank(env, "AWS_SECRET_ACCESS_KEY");
    if (!key && !secret)
        return error_result(provider_status::not_applicable, errc::no_credentials,
                            "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    if (!key) return error_result(provider_status::not_applicable, errc::no_credentials, "environment: AWS_ACCESS_KEY_ID is not set");
    if (!secret)
        return error_result(provider_status::not_applicable, errc::no_credentials, "environment: AWS_SECRET_ACCESS_KEY is not set");
    credentials c;
    c.access_key_id = std::move(*key);
    c.secret_access_key = secret_string(std::move(*secret));
    if (auto token = env_nonblank(env, "AWS_SESSION_TOKEN")) c.session_token = secret_string(std::move(*token));
    if (auto account = env_nonblank(env, "AWS_ACCOUNT_ID")) c.account_id = std::move(*account);
    c.provider = std::string(environment_provider_name);
    return ready_result(std::move(c));
}

APPCONFIGDATA_NAMESPACE_END
