// Static keys, given in code or found in a profile (aws_access_key_id, aws_secret_access_key, optional
// aws_session_token and aws_account_id; the parser folds key case, so AWS_ACCESS_KEY_ID works too).
#pragma once

#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

inline constexpr std::string_view profile_provider_name = "profile";
inline constexpr std::string_view static_provider_name = "static";

// Credentials given in code: ready when both the key id and the secret are non-empty, otherwise failed
// with errc::invalid_credentials naming the missing part. Never throws except std::bad_alloc.
inline provider_result static_credentials(credentials c) {
    if (c.access_key_id.empty()) return error_result(provider_status::failed, errc::invalid_credentials, "static credentials: access key id is empty");
    if (c.secret_access_key.empty())
        return error_result(provider_status::failed, errc::invalid_credentials, "static credentials: secret access key is empty");
    if (c.provider.empty()) c.provider = std::string(static_provider_name);
    return ready_result(std::move(c));
}

// Whether the profile sets either static key (so it means to use static keys).
inline bool profile_has_static_keys(const profile& p) noexcept {
    return p.has("aws_access_key_id") || p.has("aws_secret_access_key");
}

// The static keys of profile `p` (provider "profile"). Returns ready; not_applicable + errc::no_credentials
// when the profile has neither key; failed + errc::invalid_credentials when one key is missing or empty
// ("profile missing aws_secret_access_key (profile `NAME`)"). Never prints a value. Never throws except std::bad_alloc.
inline provider_result credentials_from_profile_keys(const profile& p) {
    const std::string* key = p.find("aws_access_key_id");
    const std::string* secret = p.find("aws_secret_access_key");
    if (!key && !secret)
        return error_result(provider_status::not_applicable, errc::no_credentials, "profile `" + p.name + "` has no static keys");
    if (!key || key->empty())
        return error_result(provider_status::failed, errc::invalid_credentials, "profile missing aws_access_key_id (profile `" + p.name + "`)");
    if (!secret || secret->empty())
        return error_result(provider_status::failed, errc::invalid_credentials, "profile missing aws_secret_access_key (profile `" + p.name + "`)");
    credentials c;
    c.access_key_id = *key;
    c.secret_access_key = *secret;
    if (const std::string* token = p.find("aws_session_token"); token && !token->empty()) c.session_token = *token;
    if (const std::string* account = p.find("aws_account_id"); account && !account->empty()) c.account_id = *account;
    c.provider = std::string(profile_provider_name);
    return ready_result(std::move(c));
}

APPCONFIGDATA_NAMESPACE_END
