// OpenSSL backend of the crypto interface (crypto/crypto.hpp): OpenSSL 3 libcrypto, or AWS-LC /
// BoringSSL / OpenSSL 1.1 through their HMAC_CTX. Link with -lcrypto (meson `dependency('openssl')`,
// pkg-config libcrypto).
//
// It fetches SHA-256 once per object (EVP_MD_fetch on OpenSSL 3, EVP_sha256() elsewhere) and keeps
// one digest context and one HMAC context (EVP_MAC "HMAC" with digest "SHA256" on OpenSSL 3,
// HMAC_CTX elsewhere). The HMAC context stays keyed with the last key (up to 64 bytes), so the
// steady-state signature (same day, same signing key) costs no key setup and makes no allocation of
// its own. (OpenSSL 3.0 itself re-creates its provider's digest state on every init; 3.1 and later
// reuse the digest's.)
//
// Nothing here throws. When the library lacks SHA-256 or HMAC, or a context cannot be created,
// `init_error()` says so (errc::not_supported) and both functions produce an all-zero digest, so a
// signature made with it fails visibly at the service instead of crashing the caller. A call that
// fails inside OpenSSL gives an all-zero digest as well. Not thread-safe: one object per signer /
// per thread. Copies start with fresh contexts; a moved-from object gives zero digests.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <openssl/evp.h>
#include <openssl/opensslv.h>

#if defined(OPENSSL_VERSION_MAJOR) && OPENSSL_VERSION_MAJOR >= 3 && !defined(OPENSSL_IS_AWSLC) && !defined(OPENSSL_IS_BORINGSSL)
#define APPCONFIGDATA_DETAIL_OPENSSL_EVP_MAC 1
#include <openssl/core_names.h>
#include <openssl/params.h>
#else
#include <openssl/hmac.h>
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

class openssl_crypto {
public:
    openssl_crypto() noexcept { open(); }
    openssl_crypto(const openssl_crypto&) noexcept : openssl_crypto() {}
    openssl_crypto& operator=(const openssl_crypto& other) noexcept {
        if (this != &other) {
            close();
            open();
        }
        return *this;
    }
    openssl_crypto(openssl_crypto&& other) noexcept { swap(other); }
    openssl_crypto& operator=(openssl_crypto&& other) noexcept {
        if (this != &other) {
            close();
            swap(other);
        }
        return *this;
    }
    ~openssl_crypto() { close(); }

    // Empty when both algorithms are ready; errc::not_supported when this libcrypto lacks SHA-256 or
    // HMAC-SHA-256 or a context could not be made (every digest is then all zeros). A moved-from
    // object reports errc::invalid_state.
    std::error_code init_error() const noexcept { return error_; }

    void sha256(std::string_view data, crypto::digest& out) noexcept {
        unsigned int size = 0;
        if (error_ || EVP_DigestInit_ex(md_ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(md_ctx_, data.data(), data.size()) != 1 ||
            EVP_DigestFinal_ex(md_ctx_, out.data(), &size) != 1 || size != out.size())
            out.fill(0);
    }

    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (error_ || !mac(key, data, out)) {
            key_.forget();
            out.fill(0);
        }
    }

private:
#ifdef APPCONFIGDATA_DETAIL_OPENSSL_EVP_MAC
    void open() noexcept {
        md_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        md_ctx_ = EVP_MD_CTX_new();
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        mac_ctx_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
        bool ok = md_ != nullptr && md_ctx_ != nullptr && mac_ctx_ != nullptr;
        if (ok) {
            char digest_name[] = "SHA256";
            const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_construct_end()};
            ok = EVP_MAC_CTX_set_params(mac_ctx_, params) == 1;
        }
        error_ = ok ? std::error_code() : make_error_code(errc::not_supported);
    }

    void close() noexcept {
        EVP_MAC_CTX_free(mac_ctx_);
        EVP_MAC_free(mac_);
        EVP_MD_CTX_free(md_ctx_);
        EVP_MD_free(md_);
        mac_ctx_ = nullptr;
        mac_ = nullptr;
        md_ctx_ = nullptr;
        md_ = nullptr;
        key_.forget();
        error_ = make_error_code(errc::invalid_state);
    }

    void swap(openssl_crypto& other) noexcept {
        std::swap(md_, other.md_);
        std::swap(md_ctx_, other.md_ctx_);
        std::swap(mac_, other.mac_);
        std::swap(mac_ctx_, other.mac_ctx_);
        std::swap(key_, other.key_);
        std::swap(error_, other.error_);
    }

    bool mac(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (key_.is(key.data, key.size)) {
            if (EVP_MAC_init(mac_ctx_, nullptr, 0, nullptr) != 1) return false; // same key: restart only
        } else {
            key_.forget();
            if (EVP_MAC_init(mac_ctx_, crypto::detail::key_bytes(key.data), key.size, nullptr) != 1) return false;
            key_.remember(key.data, key.size);
        }
        std::size_t size = 0;
        return EVP_MAC_update(mac_ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
               EVP_MAC_final(mac_ctx_, out.data(), &size, out.size()) == 1 && size == out.size();
    }

    EVP_MD* md_ = nullptr;
    EVP_MD_CTX* md_ctx_ = nullptr;
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* mac_ctx_ = nullptr;
#else
    void open() noexcept {
        md_ = EVP_sha256();
        md_ctx_ = EVP_MD_CTX_new();
        hmac_ctx_ = HMAC_CTX_new();
        const bool ok = md_ != nullptr && md_ctx_ != nullptr && hmac_ctx_ != nullptr;
        error_ = ok ? std::error_code() : make_error_code(errc::not_supported);
    }

    void close() noexcept {
        HMAC_CTX_free(hmac_ctx_);
        EVP_MD_CTX_free(md_ctx_);
        hmac_ctx_ = nullptr;
        md_ctx_ = nullptr;
        md_ = nullptr;
        key_.forget();
        error_ = make_error_code(errc::invalid_state);
    }

    void swap(openssl_crypto& other) noexcept {
        std::swap(md_, other.md_);
        std::swap(md_ctx_, other.md_ctx_);
        std::swap(hmac_ctx_, other.hmac_ctx_);
        std::swap(key_, other.key_);
        std::swap(error_, other.error_);
    }

    bool mac(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (key_.is(key.data, key.size)) {
            if (HMAC_Init_ex(hmac_ctx_, nullptr, 0, nullptr, nullptr) != 1) return false; // same key: restart only
        } else {
            key_.forget();
#if defined(OPENSSL_IS_AWSLC) || defined(OPENSSL_IS_BORINGSSL)
            const std::size_t size_arg = key.size; // their HMAC_Init_ex takes a size_t
#else
            if (key.size > static_cast<std::size_t>(INT_MAX)) return false; // OpenSSL 1.1 takes an int
            const int size_arg = static_cast<int>(key.size);
#endif
            if (HMAC_Init_ex(hmac_ctx_, crypto::detail::key_bytes(key.data), size_arg, md_, nullptr) != 1) return false;
            key_.remember(key.data, key.size);
        }
        unsigned int size = 0;
        return HMAC_Update(hmac_ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
               HMAC_Final(hmac_ctx_, out.data(), &size) == 1 && size == out.size();
    }

    const EVP_MD* md_ = nullptr;
    EVP_MD_CTX* md_ctx_ = nullptr;
    HMAC_CTX* hmac_ctx_ = nullptr;
#endif
    crypto::detail::last_key key_;
    std::error_code error_ = make_error_code(errc::invalid_state);
};

static_assert(crypto::check_provider<openssl_crypto>());

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END

#undef APPCONFIGDATA_DETAIL_OPENSSL_EVP_MAC
