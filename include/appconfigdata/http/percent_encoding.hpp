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
namespace http {

constexpr bool is_unreserved(char c) noexcept { return detail::is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

enum class encode_slash : bool { no = false, yes = true };

// Appends the encoding of `in` to `out`. With encode_slash::no, '/' is copied as is (paths).
inline void append_percent_encoded(std::string& out, std::string_view in, encode_slash slash = encode_slash::yes) {
    for (char c : in) {
        if (is_unreserved(c) || (c == '/' && slash == encode_slash::no)) {
            out.push_back(c);
        } else {
            const auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(detail::hex_upper_digits[b >> 4]);
            out.push_back(detail::hex_upper_digits[b & 0x0f]);
        }
    }
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
