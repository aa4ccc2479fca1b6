// Botan backend of the crypto interface (crypto/crypto.hpp). Works with Botan 2 (2.19) and 3.
// Link with Botan: meson `dependency('botan-2')` (or 'botan-3'), pkg-config botan-2.
//
// It keeps one SHA-256 object and one HMAC object, and the HMAC's key schedule for the last
// key used, so the steady-state signature (same day, same signing key) costs no key setup and
// no allocation. Not thread-safe: one object per signer / per thread.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/version.hpp>

#include <botan/hash.h>
#include <botan/mac.h>

#include <cstring>
#include <memory>
#include <stdexcept>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

class botan_crypto {
public:
    // Throws std::runtime_error if this Botan build lacks SHA-256 or HMAC(SHA-256).
    botan_crypto() : hash_(Botan::HashFunction::create("SHA-256")), mac_(Botan::MessageAuthenticationCode::create("HMAC(SHA-256)")) {
        if (!hash_ || !mac_) throw std::runtime_error("appconfigdata: Botan lacks SHA-256 or HMAC(SHA-256)");
    }
    botan_crypto(const botan_crypto& other) : botan_crypto() { (void)other; }
    botan_crypto& operator=(const botan_crypto&) { key_size_ = 0; return *this; }
    botan_crypto(botan_crypto&&) noexcept = default;
    botan_crypto& operator=(botan_crypto&&) noexcept = default;
    ~botan_crypto() { std::memset(key_, 0, sizeof key_); }

    void sha256(std::string_view data, crypto::digest& out) {
        hash_->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        hash_->final(out.data());
    }

    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) {
        if (key.size != key_size_ || key.size > sizeof key_ || std::memcmp(key.data, key_, key.size) != 0) {
            mac_->set_key(key.data, key.size);
            if (key.size <= sizeof key_) {
                std::memcpy(key_, key.data, key.size);
                key_size_ = key.size;
            } else {
                key_size_ = 0; // long keys are not remembered; the next call sets the key again
            }
        }
        mac_->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        mac_->final(out.data()); // Botan keeps the key after final(): the next MAC needs no set_key
    }

private:
    std::unique_ptr<Botan::HashFunction> hash_;
    std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
    std::uint8_t key_[64] = {};
    std::size_t key_size_ = static_cast<std::size_t>(-1);
};

static_assert(crypto::check_provider<botan_crypto>());

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
