// Locale-independent ASCII helpers (std::tolower and friends depend on the C locale).
#pragma once

#include <appconfigdata/version.hpp>

#include <limits>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool is_ascii_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ascii_alnum(char c) noexcept { return is_ascii_alpha(c) || is_ascii_digit(c); }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline void append_lower(std::string& out, std::string_view s) {
    for (char c : s) out.push_back(ascii_lower(c));
}

inline std::string to_lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    append_lower(out, s);
    return out;
}

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
    return s;
}

// Parses a non-negative decimal integer that fits in `T`; false on anything else.
template <class T>
constexpr bool parse_unsigned(std::string_view s, T& out) noexcept {
    if (s.empty() || s.size() > 19) return false;
    unsigned long long v = 0;
    for (char c : s) {
        if (!is_ascii_digit(c)) return false;
        v = v * 10u + static_cast<unsigned>(c - '0');
    }
    if (v > static_cast<unsigned long long>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(v);
    return true;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
