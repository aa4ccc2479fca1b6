// Locale-independent ASCII helpers (std::tolower and friends depend on the C locale).
#pragma once

#include <appconfigdata/version.hpp>

#include <cstdint>
#include <cstring>
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

// Eight bytes from `p` as one word (one unaligned load; the byte order does not matter to the
// comparisons below, which treat every byte alike).
inline std::uint64_t load_word(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Four bytes, zero-extended (the zero bytes are no letters, so ascii_lower8 leaves them alone).
inline std::uint64_t load_half(const char* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// ascii_lower on the eight bytes of a word at once; bytes >= 0x80 are left alone.
constexpr std::uint64_t ascii_lower8(std::uint64_t x) noexcept {
    constexpr std::uint64_t high = 0x8080808080808080ull;
    const std::uint64_t low7 = x & ~high;                      // no carry between bytes below
    const std::uint64_t at_least_a = low7 + 0x3f3f3f3f3f3f3f3full; // high bit set where byte >= 'A'
    const std::uint64_t above_z = low7 + 0x2525252525252525ull;    // high bit set where byte > 'Z'
    const std::uint64_t upper = at_least_a & ~above_z & ~x & high;
    return x | (upper >> 2); // 0x80 >> 2 == 0x20: 'A' -> 'a'
}

// Equality of `a` and `b` after `fold` (applied alike to every byte of a word, so that it serves for
// 8-byte words, zero-extended 4-byte words and single bytes): overlapping word loads, no library call.
template <class Fold>
inline bool words_equal(std::string_view a, std::string_view b, Fold fold) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 <= n; i += 8)
            if (fold(load_word(a.data() + i)) != fold(load_word(b.data() + i))) return false;
        return fold(load_word(a.data() + n - 8)) == fold(load_word(b.data() + n - 8)); // the tail, overlapping
    }
    if (n >= 4) return fold(load_half(a.data())) == fold(load_half(b.data())) && fold(load_half(a.data() + n - 4)) == fold(load_half(b.data() + n - 4));
    for (std::size_t i = 0; i < n; ++i)
        if (fold(static_cast<unsigned char>(a[i])) != fold(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

// Byte equality for short strings (names, dates, regions) without a library call.
inline bool equals_short(std::string_view a, std::string_view b) noexcept {
    return words_equal(a, b, [](std::uint64_t w) { return w; });
}

// ASCII case-insensitive equality (header names are compared on every signature).
inline bool iequals(std::string_view a, std::string_view b) noexcept { return words_equal(a, b, ascii_lower8); }

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

// Calls f(piece) for each `sep`-separated piece of `text` in order, empty pieces included ("" is one
// empty piece, "a;" is "a" and ""), until f returns false. Returns false when f did, else true.
template <class F>
constexpr bool for_each_piece(std::string_view text, char sep, F&& f) {
    std::size_t pos = 0;
    for (;;) {
        const std::size_t end = text.find(sep, pos);
        if (end == std::string_view::npos) return f(text.substr(pos));
        if (!f(text.substr(pos, end - pos))) return false;
        pos = end + 1;
    }
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
