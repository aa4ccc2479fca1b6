// Lower-case hexadecimal encoding, appended in place.
#pragma once

#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

inline constexpr char hex_lower_digits[] = "0123456789abcdef";
inline constexpr char hex_upper_digits[] = "0123456789ABCDEF";

inline void append_hex(std::string& out, const std::uint8_t* data, std::size_t size) {
    const std::size_t start = out.size();
    out.resize(start + 2 * size);
    char* p = &out[start];
    for (std::size_t i = 0; i < size; ++i) {
        *p++ = hex_lower_digits[data[i] >> 4];
        *p++ = hex_lower_digits[data[i] & 0x0f];
    }
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
