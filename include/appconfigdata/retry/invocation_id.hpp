// The amz-sdk-invocation-id header value: a UUID version 4, the same on every attempt of one
// operation, so the service can tell retries from new calls. The caller supplies the 16 random
// bytes (the core never draws random numbers).
#pragma once

#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <cstdint>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace retry {

// Appends the 36-character lower-case UUIDv4 text ("xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx", V in
// 8..b) made from `random_bytes` to `out`; the version and variant bits are forced. Never throws but
// for allocation.
inline void format_invocation_id(const std::array<std::uint8_t, 16>& random_bytes, std::string& out) {
    std::array<std::uint8_t, 16> b = random_bytes;
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    out.reserve(out.size() + 36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        appconfigdata::detail::append_hex(out, &b[i], 1);
    }
}

inline std::string invocation_id(const std::array<std::uint8_t, 16>& random_bytes) {
    std::string s;
    format_invocation_id(random_bytes, s);
    return s;
}

} // namespace retry
APPCONFIGDATA_NAMESPACE_END
