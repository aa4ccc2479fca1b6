// SHA-1 (FIPS 180-4), for one thing only: the AWS SSO token cache names its files by the SHA-1 of
// the sso-session name or start URL. It is not used for anything that needs collision resistance
// (signatures use SHA-256 through the crypto backend), and it keeps the core free of a crypto library.
#pragma once

#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

class sha1 {
public:
    using digest_type = std::array<std::uint8_t, 20>;

    void update(std::string_view data) noexcept {
        for (const char c : data) {
            block_[fill_++] = static_cast<std::uint8_t>(c);
            if (fill_ == block_.size()) {
                compress();
                fill_ = 0;
            }
        }
        length_ += static_cast<std::uint64_t>(data.size());
    }

    digest_type finish() noexcept {
        const std::uint64_t bits = length_ * 8u;
        block_[fill_++] = 0x80;
        if (fill_ > 56) {
            while (fill_ < block_.size()) block_[fill_++] = 0;
            compress();
            fill_ = 0;
        }
        while (fill_ < 56) block_[fill_++] = 0;
        for (int i = 7; i >= 0; --i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
        compress();
        fill_ = 0;
        digest_type out{};
        for (std::size_t i = 0; i < 5; ++i) {
            for (std::size_t b = 0; b < 4; ++b) out[4 * i + b] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * b));
        }
        return out;
    }

private:
    static constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept {
        return static_cast<std::uint32_t>((x << n) | (x >> (32 - n)));
    }

    void compress() noexcept {
        std::uint32_t w[80];
        for (std::size_t i = 0; i < 16; ++i) {
            w[i] = static_cast<std::uint32_t>(block_[4 * i]) << 24 | static_cast<std::uint32_t>(block_[4 * i + 1]) << 16 |
                   static_cast<std::uint32_t>(block_[4 * i + 2]) << 8 | static_cast<std::uint32_t>(block_[4 * i + 3]);
        }
        for (std::size_t i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
        for (std::size_t i = 0; i < 80; ++i) {
            std::uint32_t f = 0, k = 0;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999u;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1u;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDCu;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6u;
            }
            const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotl(b, 30);
            b = a;
            a = t;
        }
        state_[0] += a;
        state_[1] += b;
        state_[2] += c;
        state_[3] += d;
        state_[4] += e;
    }

    std::array<std::uint32_t, 5> state_{{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u}};
    std::array<std::uint8_t, 64> block_{};
    std::size_t fill_ = 0;
    std::uint64_t length_ = 0;
};

// Lower-case hex SHA-1 of `text`. Never throws except std::bad_alloc.
inline std::string sha1_hex(std::string_view text) {
    sha1 h;
    h.update(text);
    const auto d = h.finish();
    std::string out;
    append_hex(out, d.data(), d.size());
    return out;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
