// Input checks from the AppConfig Data service model, made before anything is sent:
// identifiers 1..128 characters, poll interval 15..86400 s, tokens 1..8192 non-whitespace characters.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {

inline constexpr std::size_t min_identifier_length = 1;
inline constexpr std::size_t max_identifier_length = 128;
inline constexpr int min_poll_interval_seconds = 15;
inline constexpr int max_poll_interval_seconds = 86400;
inline constexpr std::size_t max_token_length = 8192;

// errc::invalid_identifier unless 1..128 characters (an ID or a name; counted in UTF-8 bytes, a
// conservative reading of "characters") without control characters.
inline std::error_code validate_identifier(std::string_view id) noexcept {
    if (id.size() < min_identifier_length || id.size() > max_identifier_length) return errc::invalid_identifier;
    for (char c : id)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return errc::invalid_identifier;
    return {};
}

// errc::invalid_poll_interval unless 15..86400 seconds.
inline std::error_code validate_poll_interval(long long seconds) noexcept {
    if (seconds < min_poll_interval_seconds || seconds > max_poll_interval_seconds) return errc::invalid_poll_interval;
    return {};
}

// errc::invalid_token unless 1..`max_length` (at most 8192) characters, none of them ASCII whitespace
// or a control character (the model's pattern is ^\S{1,8192}$).
inline std::error_code validate_token(std::string_view token, std::size_t max_length = max_token_length) noexcept {
    if (token.empty() || token.size() > max_length || token.size() > max_token_length) return errc::invalid_token;
    for (char c : token)
        if (appconfigdata::detail::is_ascii_space(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return errc::invalid_token;
    return {};
}

} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
