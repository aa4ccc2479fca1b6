// Byte-class scans for the hot paths (percent-encoding a token, canonicalising a query, checking a
// header value): 16 bytes per step with SSE2 where the target has it (every x86-64), one byte per step
// through a compile-time table elsewhere. Both paths give the same answers (tests/unit/basics checks
// every byte value at every position of a block). Never reads outside [data, data + size).
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define APPCONFIGDATA_HAVE_SSE2 1
#else
#define APPCONFIGDATA_HAVE_SSE2 0
#endif

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

// One flag per byte value; built at compile time.
struct byte_class_table {
    bool flag[256];
    constexpr bool operator[](char c) const noexcept { return flag[static_cast<unsigned char>(c)]; }
};

// The SigV4 unreserved set (RFC 3986: A-Z a-z 0-9 - _ . ~), optionally with '/'.
enum unreserved_extra : unsigned { extra_none = 0, extra_slash = 1 };

constexpr byte_class_table make_unreserved_table(unsigned extra) noexcept {
    byte_class_table t{};
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        t.flag[c] = is_ascii_alnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ((extra & extra_slash) && ch == '/');
    }
    return t;
}

inline constexpr byte_class_table unreserved_bytes = make_unreserved_table(extra_none);
inline constexpr byte_class_table unreserved_or_slash_bytes = make_unreserved_table(extra_slash);

#if APPCONFIGDATA_HAVE_SSE2
namespace simd {

// Lanes where the unsigned byte lies in [lo, lo + count): signed compare after moving lo to -128.
inline __m128i in_range(__m128i v, unsigned char lo, unsigned char count) noexcept {
    const __m128i shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(static_cast<unsigned char>(128u - lo))));
    return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(static_cast<signed char>(-128 + count))));
}

inline __m128i equals(__m128i v, char c) noexcept { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

// Bit i set when byte i of the 16 at `p` is unreserved (or '/', with extra_slash).
inline unsigned unreserved_mask(const char* p, unsigned extra) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i letters = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26);
    __m128i m = _mm_or_si128(letters, in_range(v, '0', 10));
    m = _mm_or_si128(m, _mm_or_si128(_mm_or_si128(equals(v, '-'), equals(v, '.')), _mm_or_si128(equals(v, '_'), equals(v, '~'))));
    if (extra & extra_slash) m = _mm_or_si128(m, equals(v, '/'));
    return static_cast<unsigned>(_mm_movemask_epi8(m));
}

// Bit i set when byte i equals `c`.
inline unsigned byte_mask(const char* p, char c) noexcept {
    return static_cast<unsigned>(_mm_movemask_epi8(equals(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), c)));
}

// Lanes holding a control byte (below 0x20, or DEL); with `space`, 0x20 counts too.
inline __m128i control_lanes(const char* p, bool space) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm_or_si128(in_range(v, 0, space ? 0x21 : 0x20), equals(v, 0x7f));
}

// Bit i set when byte i is a control byte (below 0x20, or DEL); with `space`, 0x20 counts too.
inline unsigned control_mask(const char* p, bool space) noexcept {
    return static_cast<unsigned>(_mm_movemask_epi8(control_lanes(p, space)));
}

inline unsigned lowest_bit(unsigned x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctz(x));
#else
    unsigned i = 0;
    while (!(x & 1u)) {
        x >>= 1;
        ++i;
    }
    return i;
#endif
}

} // namespace simd
#endif

// Index of the first byte of data[0, size) outside the unreserved set (and not '/' with extra_slash);
// `size` when none.
inline std::size_t find_not_unreserved(const char* data, std::size_t size, unsigned extra = extra_none) noexcept {
    std::size_t i = 0;
#if APPCONFIGDATA_HAVE_SSE2
    for (; i + 16 <= size; i += 16) {
        const unsigned bad = ~simd::unreserved_mask(data + i, extra) & 0xffffu;
        if (bad != 0) return i + simd::lowest_bit(bad);
    }
#endif
    const byte_class_table& keep = (extra & extra_slash) ? unreserved_or_slash_bytes : unreserved_bytes;
    for (; i < size; ++i)
        if (!keep[data[i]]) return i;
    return size;
}

// Index of the first control byte (below 0x20, or DEL; with `space` also 0x20); `size` when none.
inline std::size_t find_control_byte(const char* data, std::size_t size, bool space = false) noexcept {
    std::size_t i = 0;
#if APPCONFIGDATA_HAVE_SSE2
    // Text is almost always clean (tokens, header values): 64 bytes per test, then 16 to find the byte.
    for (; i + 64 <= size; i += 64) {
        const __m128i any = _mm_or_si128(_mm_or_si128(simd::control_lanes(data + i, space), simd::control_lanes(data + i + 16, space)),
                                         _mm_or_si128(simd::control_lanes(data + i + 32, space), simd::control_lanes(data + i + 48, space)));
        if (_mm_movemask_epi8(any) != 0) break;
    }
    for (; i + 16 <= size; i += 16) {
        const unsigned bad = simd::control_mask(data + i, space);
        if (bad != 0) return i + simd::lowest_bit(bad);
    }
#endif
    for (; i < size; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c < 0x20 || c == 0x7f || (space && c == 0x20)) return i;
    }
    return size;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
