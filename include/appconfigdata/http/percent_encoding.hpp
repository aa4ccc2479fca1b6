// Percent-encoding as SigV4 defines it: every byte except the RFC 3986 unreserved set
// (A-Z a-z 0-9 - _ . ~) becomes %XX with upper-case hex. '+' is data, never a space.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

// One flag per byte value; built at compile time, looked up on the hot paths (signing, encoding).
struct byte_class_table {
    bool flag[256];
    constexpr bool operator[](char c) const noexcept { return flag[static_cast<unsigned char>(c)]; }
};

constexpr byte_class_table make_unreserved_table(bool with_slash) noexcept {
    byte_class_table t{};
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        t.flag[c] = is_ascii_alnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (with_slash && ch == '/');
    }
    return t;
}

// The unreserved set, and the same plus '/' (what a path keeps as is).
inline constexpr byte_class_table unreserved_bytes = make_unreserved_table(false);
inline constexpr byte_class_table unreserved_or_slash_bytes = make_unreserved_table(true);

} // namespace detail

namespace http {

constexpr bool is_unreserved(char c) noexcept { return detail::unreserved_bytes[c]; }

enum class encode_slash : bool { no = false, yes = true };

// Appends the encoding of `in` to `out`. With encode_slash::no, '/' is copied as is (paths).
// Writes into the string's own storage (sized for the worst case, then trimmed): once `out` has the
// capacity, it does not allocate.
inline void append_percent_encoded(std::string& out, std::string_view in, encode_slash slash = encode_slash::yes) {
    const auto& keep = slash == encode_slash::no ? detail::unreserved_or_slash_bytes : detail::unreserved_bytes;
    const std::size_t start = out.size();
    out.resize(start + 3 * in.size());
    char* const first = &out[0];
    char* p = first + start;
    for (char c : in) {
        if (keep[c]) {
            *p++ = c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            p[0] = '%';
            p[1] = detail::hex_upper_digits[b >> 4];
            p[2] = detail::hex_upper_digits[b & 0x0f];
            p += 3;
        }
    }
    out.resize(static_cast<std::size_t>(p - first));
}

inline std::string percent_encode(std::string_view in, encode_slash slash = encode_slash::yes) {
    std::string out;
    out.reserve(in.size() * 3);
    append_percent_encoded(out, in, slash);
    return out;
}

// Appends the decoding of `in` to `out`: "%XX" becomes the byte; '+' stays '+'. A '%' not
// followed by two hex digits is kept literally (as browsers and AWS's signers do).
inline void append_percent_decoded(std::string& out, std::string_view in) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size()) {
            const int hi = detail::hex_value(in[i + 1]);
            const int lo = detail::hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>((hi << 4) | lo));
                i += 2;
                continue;
            }
        }
        out.push_back(in[i]);
    }
}

inline std::string percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    append_percent_decoded(out, in);
    return out;
}

} // namespace http
APPCONFIGDATA_NAMESPACE_END
