// What the crypto backends share: the copy of the last HMAC key they keyed their context with, so
// the next MAC under the same key skips the key setup (SigV4 signs every request of a day with one
// signing key). Keys up to one SHA-256 block (64 bytes) are remembered; longer ones never are, and
// the backend keys its context again each time. The copy is wiped when it is replaced or dropped.
// Included by crypto/crypto.hpp, so it is part of the core and every backend header shares one copy.
#pragma once

#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace crypto {
namespace detail {

// Zeroes `n` bytes at `p` in a way the optimiser keeps (the bytes are secret and about to go).
inline void wipe(void* p, std::size_t n) noexcept {
    volatile std::uint8_t* v = static_cast<volatile std::uint8_t*>(p);
    for (std::size_t i = 0; i < n; ++i) v[i] = 0;
}

// A pointer that is never null for an empty key: some libraries read a null key as "keep the old one".
inline const std::uint8_t* key_bytes(const std::uint8_t* key) noexcept {
    static constexpr std::uint8_t none[1] = {0};
    return key != nullptr ? key : none;
}

class last_key {
public:
    static constexpr std::size_t capacity = 64; // the SHA-256 block size

    last_key() noexcept = default;
    last_key(const last_key&) noexcept = default;
    last_key& operator=(const last_key&) noexcept = default;
    ~last_key() { forget(); }

    // True when `key` is the key remembered last (the backend's context is keyed with it).
    bool is(const std::uint8_t* key, std::size_t size) const noexcept {
        return known_ && size == size_ && (size_ == 0 || std::memcmp(key, bytes_, size_) == 0);
    }
    // Remembers `key` after the backend keyed its context with it; a key longer than `capacity` is not remembered.
    void remember(const std::uint8_t* key, std::size_t size) noexcept {
        forget();
        if (size > capacity) return;
        if (size != 0) std::memcpy(bytes_, key, size);
        size_ = size;
        known_ = true;
    }
    // The backend's context no longer holds the remembered key (or holds none).
    void forget() noexcept {
        wipe(bytes_, sizeof bytes_);
        size_ = 0;
        known_ = false;
    }

private:
    std::uint8_t bytes_[capacity] = {};
    std::size_t size_ = 0;
    bool known_ = false;
};

} // namespace detail
} // namespace crypto
APPCONFIGDATA_NAMESPACE_END
