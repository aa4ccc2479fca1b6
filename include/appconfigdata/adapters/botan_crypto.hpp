// Botan backend of the crypto interface (crypto/crypto.hpp). Works with Botan 2 (2.19) and 3.
// Link with Botan: meson `dependency('botan-2')` (or 'botan-3'), pkg-config botan-2.
//
// It keeps one SHA-256 object and one HMAC object, and the HMAC's key schedule for the last
// key used (up to 64 bytes), so the steady-state signature (same day, same signing key) costs no
// key setup and no allocation.
//
// Nothing here throws. The objects come from Botan's non-throwing create(); when this Botan build
// lacks SHA-256 or HMAC(SHA-256), `init_error()` says so (errc::not_supported) and both functions
// produce an all-zero digest, so a signature made with it fails visibly at the service instead of
// crashing the caller. Keys longer than a SHA-256 block are hashed first (what HMAC does with them
// anyway), so no key length reaches Botan's key-length check. Not thread-safe: one object per signer
// / per thread. Copies start with fresh objects; a moved-from object gives zero digests.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <botan/hash.h>
#include <botan/mac.h>

#include <memory>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

class botan_crypto {
public:
    botan_crypto() { open(); }
    botan_crypto(const botan_crypto&) : botan_crypto() {}
    botan_crypto& operator=(const botan_crypto& other) {
        if (this != &other) {
            key_.forget();
            open();
        }
        return *this;
    }
    botan_crypto(botan_crypto&& other) noexcept
        : hash_(std::move(other.hash_)), mac_(std::move(other.mac_)), key_(other.key_), error_(other.error_) {
        other.key_.forget();
        other.error_ = make_error_code(errc::invalid_state);
    }
    botan_crypto& operator=(botan_crypto&& other) noexcept {
        if (this != &other) {
            hash_ = std::move(other.hash_);
            mac_ = std::move(other.mac_);
            key_ = other.key_;
            error_ = other.error_;
            other.key_.forget();
            other.error_ = make_error_code(errc::invalid_state);
        }
        return *this;
    }
    ~botan_crypto() = default;

    // Empty when SHA-256 and HMAC(SHA-256) are ready; errc::not_supported when this Botan build
    // lacks one (every digest is then all zeros). A moved-from object reports errc::invalid_state.
    std::error_code init_error() const noexcept { return error_; }

    void sha256(std::string_view data, crypto::digest& out) noexcept {
        if (error_) {
            out.fill(0);
            return;
        }
        hash_->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        hash_->final(out.data());
    }

    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (error_) {
            out.fill(0);
            return;
        }
        if (!key_.is(key.data, key.size)) {
            key_.forget();
            if (key.size > crypto::detail::last_key::capacity) {
                crypto::digest hashed; // HMAC keys longer than the block are replaced by their hash
                sha256(std::string_view(reinterpret_cast<const char*>(key.data), key.size), hashed);
                mac_->set_key(hashed.data(), hashed.size());
                crypto::detail::wipe(hashed.data(), hashed.size());
            } else {
                mac_->set_key(crypto::detail::key_bytes(key.data), key.size);
                key_.remember(key.data, key.size);
            }
        }
        mac_->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        mac_->final(out.data()); // Botan keeps the key after final(): the next MAC needs no set_key
    }

private:
    void open() {
        hash_ = Botan::HashFunction::create("SHA-256");
        mac_ = Botan::MessageAuthenticationCode::create("HMAC(SHA-256)");
        const bool ok = hash_ && mac_ && hash_->output_length() == crypto::digest_size && mac_->output_length() == crypto::digest_size;
        error_ = ok ? std::error_code() : make_error_code(errc::not_supported);
    }

    std::unique_ptr<Botan::HashFunction> hash_;
    std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
    crypto::detail::last_key key_;
    std::error_code error_ = make_error_code(errc::invalid_state);
};

static_assert(crypto::check_provider<botan_crypto>());

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
