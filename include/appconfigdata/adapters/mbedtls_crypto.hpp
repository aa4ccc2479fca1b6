// mbedTLS backend of the crypto interface (crypto/crypto.hpp): mbedTLS 2.28 (Debian 12's
// libmbedtls-dev) and 3.x, through the generic message-digest API (mbedtls_md_*). Link with
// -lmbedcrypto.
//
// It keeps one SHA-256 context and one HMAC-SHA-256 context (set up once per object), and the HMAC
// context stays keyed with the last key (up to 64 bytes): the steady-state signature (same day,
// same signing key) costs no key setup and allocates nothing.
//
// Nothing here throws. When this mbedTLS lacks SHA-256, or its contexts cannot be set up,
// `init_error()` says so (errc::not_supported) and both functions produce an all-zero digest, so a
// signature made with it fails visibly at the service instead of crashing the caller. A call that
// fails inside mbedTLS gives an all-zero digest as well. Not thread-safe: one object per signer /
// per thread. Copies start with fresh contexts; a moved-from object gives zero digests.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <mbedtls/md.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

class mbedtls_crypto {
public:
    mbedtls_crypto() : state_(new contexts) { open(); }
    mbedtls_crypto(const mbedtls_crypto&) : mbedtls_crypto() {}
    mbedtls_crypto& operator=(const mbedtls_crypto& other) {
        if (this != &other) *this = mbedtls_crypto();
        return *this;
    }
    mbedtls_crypto(mbedtls_crypto&& other) noexcept : state_(std::move(other.state_)), key_(other.key_), error_(other.error_) {
        other.key_.forget();
        other.error_ = make_error_code(errc::invalid_state);
    }
    mbedtls_crypto& operator=(mbedtls_crypto&& other) noexcept {
        if (this != &other) {
            state_ = std::move(other.state_);
            key_ = other.key_;
            error_ = other.error_;
            other.key_.forget();
            other.error_ = make_error_code(errc::invalid_state);
        }
        return *this;
    }
    ~mbedtls_crypto() = default;

    // Empty when SHA-256 and HMAC-SHA-256 are ready; errc::not_supported when this mbedTLS lacks
    // SHA-256 or a context could not be set up (every digest is then all zeros). A moved-from
    // object reports errc::invalid_state.
    std::error_code init_error() const noexcept { return error_; }

    void sha256(std::string_view data, crypto::digest& out) noexcept {
        if (error_ || mbedtls_md_starts(&state_->hash) != 0 || mbedtls_md_update(&state_->hash, bytes(data), data.size()) != 0 ||
            mbedtls_md_finish(&state_->hash, out.data()) != 0)
            out.fill(0);
    }

    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (error_ || !mac(key, data, out)) {
            key_.forget();
            out.fill(0);
        }
    }

private:
    struct contexts {
        mbedtls_md_context_t hash;
        mbedtls_md_context_t hmac;
        contexts() noexcept {
            mbedtls_md_init(&hash);
            mbedtls_md_init(&hmac);
        }
        contexts(const contexts&) = delete;
        contexts& operator=(const contexts&) = delete;
        ~contexts() {
            mbedtls_md_free(&hmac); // mbedTLS zeroes the HMAC pads before freeing them
            mbedtls_md_free(&hash);
        }
    };

    static const unsigned char* bytes(std::string_view s) noexcept { return reinterpret_cast<const unsigned char*>(s.data()); }

    void open() noexcept {
        const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
        const bool ok = info != nullptr && mbedtls_md_setup(&state_->hash, info, 0) == 0 && mbedtls_md_setup(&state_->hmac, info, 1) == 0;
        error_ = ok ? std::error_code() : make_error_code(errc::not_supported);
    }

    bool mac(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (key_.is(key.data, key.size)) {
            if (mbedtls_md_hmac_reset(&state_->hmac) != 0) return false; // same key: restart only
        } else {
            key_.forget();
            if (mbedtls_md_hmac_starts(&state_->hmac, crypto::detail::key_bytes(key.data), key.size) != 0) return false;
            key_.remember(key.data, key.size);
        }
        return mbedtls_md_hmac_update(&state_->hmac, bytes(data), data.size()) == 0 && mbedtls_md_hmac_finish(&state_->hmac, out.data()) == 0;
    }

    std::unique_ptr<contexts> state_;
    crypto::detail::last_key key_;
    std::error_code error_ = make_error_code(errc::invalid_state);
};

static_assert(crypto::check_provider<mbedtls_crypto>());

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
