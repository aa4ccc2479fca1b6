// Percent-encoding as SigV4 defines it: every byte except the RFC 3986 unreserved set
// (A-Z a-z 0-9 - _ . ~) becomes %XX with upper-case hex. '+' is data, never a space.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <cstring>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

constexpr bool is_unreserved(char c) noexcept { return detail::unreserved_bytes[c]; }

enum class encode_slash : bool { no = false, yes = true };

// Writes "%XY" (upper-case hex) for byte `b` at `p`; returns the end. The one place an escape is spelled.
constexpr char* write_escape(char* p, unsigned char b) noexcept {
    p[0] = '%';
    p[1] = detail::hex_upper_digits[b >> 4];
    p[2] = detail::hex_upper_digits[b & 0x0f];
    return p + 3;
}

// Writes the encoding of `in` at `p` (room for 3 * in.size() bytes) and returns the end. With
// slash == detail::extra_slash, '/' is copied as is. With SSE2, 16 input bytes are classified and
// copied at a time, and only the bytes to escape are handled one by one; elsewhere runs of bytes that
// stay as they are are copied in one piece.
inline char* write_percent_encoded(char* p, std::string_view in, unsigned slash = detail::extra_none) noexcept {
    const char* src = in.data();
    std::size_t left = in.size();
#if APPCONFIGDATA_HAVE_SSE2
    // "%XY" for every byte, four bytes apart, so that an escape is one 4-byte copy (inside the
    // blocks, where there is always room for the extra byte).
    struct escape_table {
        char text[256][4];
        constexpr escape_table() : text{} {
            for (int b = 0; b < 256; ++b) write_escape(text[b], static_cast<unsigned char>(b));
        }
    };
    static constexpr escape_table escapes{};
    // Every 16-byte load below starts inside the current block and ends at most 31 bytes past its
    // start, so blocks are taken while 32 bytes remain; every store lands inside the output's room
    // (3 bytes per input byte not yet written).
    while (left >= 32) {
        unsigned bad = ~detail::simd::unreserved_mask(src, slash) & 0xffffu;
        std::size_t pos = 0; // bytes of the block written so far
        for (;;) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + pos)));
            if (bad == 0) {
                p += 16 - pos;
                break;
            }
            const std::size_t j = detail::simd::lowest_bit(bad);
            bad &= bad - 1;
            p += j - pos;
            std::memcpy(p, escapes.text[static_cast<unsigned char>(src[j])], 4);
            p += 3;
            pos = j + 1;
        }
        src += 16;
        left -= 16;
    }
#endif
    while (left != 0) {
        const std::size_t run = detail::find_not_unreserved(src, left, slash);
        std::memcpy(p, src, run);
        p += run;
        if (run == left) break;
        p = write_escape(p, static_cast<unsigned char>(src[run]));
        src += run + 1;
        left -= run + 1;
    }
    return p;
}

// Appends the encoding of `in` to `out`. With encode_slash::no, '/' is copied as is (paths).
// Writes into the string's own storage (sized for the worst case, then trimmed): once `out` has the
// capacity, it does not allocate.
inline void append_percent_encoded(std::string& out, std::string_view in, encode_slash slash = encode_slash::yes) {
    const std::size_t start = out.size();
    out.resize(start + 3 * in.size());
    char* const first = &out[0];
    char* const end = write_percent_encoded(first + start, in, slash == encode_slash::no ? detail::extra_slash : detail::extra_none);
    out.resize(static_cast<std::size_t>(end - first));
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
