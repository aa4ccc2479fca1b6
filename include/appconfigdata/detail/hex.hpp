// Lower-case hexadecimal encoding, appended in place.
#pragma once

#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

inline constexpr char hex_lower_digits[] = "0123456789abcdef";
inline constexpr char hex_upper_digits[] = "0123456789ABCDEF";

#if APPCONFIGDATA_HAVE_SSE2
namespace simd {
// Nibbles 0..15 -> '0'..'9', 'a'..'f'.
inline __m128i hex_digits(__m128i nibbles) noexcept {
    const __m128i letter = _mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9));
    return _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')), _mm_and_si128(letter, _mm_set1_epi8(static_cast<char>('a' - '0' - 10))));
}
} // namespace simd
#endif

// Writes 2 * size lower-case hex digits at `p`; returns the end. 16 bytes at a time with SSE2 (every
// signature writes two 32-byte digests).
inline char* write_hex(char* p, const std::uint8_t* data, std::size_t size) noexcept {
    std::size_t i = 0;
#if APPCONFIGDATA_HAVE_SSE2
    for (; i + 16 <= size; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        const __m128i low_nibbles = _mm_set1_epi8(0x0f);
        const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low_nibbles);
        const __m128i lo = _mm_and_si128(v, low_nibbles);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), simd::hex_digits(_mm_unpacklo_epi8(hi, lo)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 16), simd::hex_digits(_mm_unpackhi_epi8(hi, lo)));
        p += 32;
    }
#endif
    for (; i < size; ++i) {
        *p++ = hex_lower_digits[data[i] >> 4];
        *p++ = hex_lower_digits[data[i] & 0x0f];
    }
    return p;
}

inline void append_hex(std::string& out, const std::uint8_t* data, std::size_t size) {
    const std::size_t start = out.size();
    out.resize(start + 2 * size);
    write_hex(&out[start], data, size);
}

template <class Bytes>
std::string to_hex(const Bytes& bytes) {
    std::string out;
    append_hex(out, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return out;
}

constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
