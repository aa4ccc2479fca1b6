// Windows CNG (BCrypt) backend of the crypto interface (crypto/crypto.hpp). Link with bcrypt
// (MinGW-w64: -lbcrypt; MSVC: bcrypt.lib). Windows 7 and later; Wine 8 works too.
//
//   adapters::cng_crypto crypto;
//   if (crypto.init_error()) { /* this system's CNG lacks SHA-256 or HMAC-SHA-256 */ }
//   sigv4::signer<adapters::cng_crypto> signer;
//
// The two algorithm providers (SHA-256, HMAC-SHA-256) are opened once per object. Where CNG has
// reusable hash objects (BCRYPT_HASH_REUSABLE_FLAG, Windows 8 and later) the object keeps one SHA-256
// hash object and one HMAC hash object keyed with the last key used, so the steady-state signature
// (same day, same signing key) creates no CNG object and allocates nothing; on older systems each
// digest creates and destroys a hash object. Not thread-safe: one object per signer / per thread.
//
// Never throws. If a provider cannot be opened, init_error() says so (errc::not_supported; the
// NTSTATUS is in init_status()) and every digest comes out as 32 zero bytes, so signatures fail
// visibly instead of the program stopping. A CNG call that fails later (it should not) also gives a
// zero digest and is remembered in last_error().
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <bcrypt.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

class cng_crypto {
public:
    cng_crypto() noexcept { open(); }
    cng_crypto(const cng_crypto& other) noexcept : cng_crypto() { (void)other; } // fresh handles, nothing shared
    cng_crypto& operator=(const cng_crypto& other) noexcept {
        if (this != &other) {
            cng_crypto fresh(other);
            swap(fresh);
        }
        return *this;
    }
    cng_crypto(cng_crypto&& other) noexcept { swap(other); }
    cng_crypto& operator=(cng_crypto&& other) noexcept {
        if (this != &other) {
            close();
            swap(other);
        }
        return *this;
    }
    ~cng_crypto() { close(); }

    // errc::not_supported when the SHA-256 or HMAC-SHA-256 provider could not be opened, else empty.
    std::error_code init_error() const noexcept { return init_error_; }
    // The NTSTATUS of the failed BCryptOpenAlgorithmProvider (0 when init_error() is empty).
    long init_status() const noexcept { return static_cast<long>(init_status_); }
    // Empty, or errc::io_failed when a CNG call failed during a digest (that digest was zero).
    std::error_code last_error() const noexcept { return last_error_; }
    // True when the reusable hash objects are in use (Windows 8 and later).
    bool reusable() const noexcept { return reusable_; }

    void sha256(std::string_view data, crypto::digest& out) noexcept {
        if (init_error_) return zero(out);
        if (reusable_) {
            if (!sha_hash_ && !ok(::BCryptCreateHash(sha_alg_, &sha_hash_, nullptr, 0, nullptr, 0, BCRYPT_HASH_REUSABLE_FLAG))) {
                sha_hash_ = nullptr;
                return fail(out);
            }
            if (!update(sha_hash_, data) || !finish(sha_hash_, out)) {
                destroy(sha_hash_); // its state is unknown now: start again with a new object next time
                return fail(out);
            }
            return;
        }
        BCRYPT_HASH_HANDLE h = nullptr;
        if (!ok(::BCryptCreateHash(sha_alg_, &h, nullptr, 0, nullptr, 0, 0))) return fail(out);
        const bool good = update(h, data) && finish(h, out);
        destroy(h);
        if (!good) fail(out);
    }

    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        if (init_error_) return zero(out);
        if (key.size > ULONG_MAX) return fail(out);
        const ULONG key_size = static_cast<ULONG>(key.size);
        PUCHAR secret = const_cast<PUCHAR>(key.data); // NOLINT: BCrypt does not write the secret
        if (reusable_) {
            const bool same_key = mac_hash_ && key.size == key_size_ && (key.size == 0 || std::memcmp(key.data, key_, key.size) == 0);
            if (!same_key) {
                destroy(mac_hash_);
                forget_key();
                if (!ok(::BCryptCreateHash(mac_alg_, &mac_hash_, nullptr, 0, secret, key_size, BCRYPT_HASH_REUSABLE_FLAG))) {
                    mac_hash_ = nullptr;
                    return fail(out);
                }
                if (key.size <= sizeof key_) { // long keys are not remembered: the next call keys a new object
                    if (key.size) std::memcpy(key_, key.data, key.size);
                    key_size_ = key.size;
                }
            }
            // A reusable HMAC object starts again with the same key after BCryptFinishHash.
            if (!update(mac_hash_, data) || !finish(mac_hash_, out)) {
                destroy(mac_hash_);
                forget_key();
                return fail(out);
            }
            return;
        }
        BCRYPT_HASH_HANDLE h = nullptr;
        if (!ok(::BCryptCreateHash(mac_alg_, &h, nullptr, 0, secret, key_size, 0))) return fail(out);
        const bool good = update(h, data) && finish(h, out);
        destroy(h);
        if (!good) fail(out);
    }

    void swap(cng_crypto& o) noexcept {
        std::swap(sha_alg_, o.sha_alg_);
        std::swap(mac_alg_, o.mac_alg_);
        std::swap(sha_hash_, o.sha_hash_);
        std::swap(mac_hash_, o.mac_hash_);
        std::swap(reusable_, o.reusable_);
        std::swap(init_error_, o.init_error_);
        std::swap(init_status_, o.init_status_);
        std::swap(last_error_, o.last_error_);
        std::uint8_t k[sizeof key_];
        std::memcpy(k, key_, sizeof key_);
        std::memcpy(key_, o.key_, sizeof key_);
        std::memcpy(o.key_, k, sizeof key_);
        ::SecureZeroMemory(k, sizeof k);
        std::swap(key_size_, o.key_size_);
    }

private:
    static bool ok(NTSTATUS s) noexcept { return s >= 0; } // BCRYPT_SUCCESS

    static void zero(crypto::digest& out) noexcept { out.fill(0); }
    void fail(crypto::digest& out) noexcept {
        last_error_ = errc::io_failed;
        zero(out);
    }

    static void destroy(BCRYPT_HASH_HANDLE& h) noexcept {
        if (h) ::BCryptDestroyHash(h);
        h = nullptr;
    }

    static bool update(BCRYPT_HASH_HANDLE h, std::string_view data) noexcept {
        const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
        std::size_t left = data.size();
        do { // at least one call, so that an empty input is hashed too
            const ULONG n = static_cast<ULONG>(left > 0x40000000u ? 0x40000000u : left);
            if (!ok(::BCryptHashData(h, const_cast<PUCHAR>(p), n, 0))) return false; // NOLINT: input only
            p += n;
            left -= n;
        } while (left > 0);
        return true;
    }

    static bool finish(BCRYPT_HASH_HANDLE h, crypto::digest& out) noexcept {
        return ok(::BCryptFinishHash(h, out.data(), static_cast<ULONG>(out.size()), 0));
    }

    void forget_key() noexcept {
        ::SecureZeroMemory(key_, sizeof key_);
        key_size_ = static_cast<std::size_t>(-1);
    }

    void open() noexcept {
        // Reusable providers first; without them (before Windows 8) the plain ones.
        NTSTATUS s = ::BCryptOpenAlgorithmProvider(&sha_alg_, BCRYPT_SHA256_ALGORITHM, nullptr, BCRYPT_HASH_REUSABLE_FLAG);
        if (ok(s)) s = ::BCryptOpenAlgorithmProvider(&mac_alg_, BCRYPT_SHA256_ALGORITHM, nullptr,
                                                     BCRYPT_ALG_HANDLE_HMAC_FLAG | BCRYPT_HASH_REUSABLE_FLAG);
        if (ok(s)) {
            reusable_ = true;
            return;
        }
        close_providers();
        s = ::BCryptOpenAlgorithmProvider(&sha_alg_, BCRYPT_SHA256_ALGORITHM, nullptr, 0);
        if (ok(s)) s = ::BCryptOpenAlgorithmProvider(&mac_alg_, BCRYPT_SHA256_ALGORITHM, nullptr, BCRYPT_ALG_HANDLE_HMAC_FLAG);
        if (ok(s)) return;
        close_providers();
        init_error_ = errc::not_supported;
        init_status_ = s;
    }

    void close_providers() noexcept {
        if (sha_alg_) ::BCryptCloseAlgorithmProvider(sha_alg_, 0);
        if (mac_alg_) ::BCryptCloseAlgorithmProvider(mac_alg_, 0);
        sha_alg_ = nullptr;
        mac_alg_ = nullptr;
    }

    void close() noexcept {
        destroy(sha_hash_);
        destroy(mac_hash_);
        close_providers();
        forget_key();
    }

    BCRYPT_ALG_HANDLE sha_alg_ = nullptr;
    BCRYPT_ALG_HANDLE mac_alg_ = nullptr;
    BCRYPT_HASH_HANDLE sha_hash_ = nullptr;
    BCRYPT_HASH_HANDLE mac_hash_ = nullptr;
    bool reusable_ = false;
    std::error_code init_error_;
    NTSTATUS init_status_ = 0;
    std::error_code last_error_;
    std::uint8_t key_[64] = {};
    std::size_t key_size_ = static_cast<std::size_t>(-1);
};

static_assert(crypto::check_provider<cng_crypto>());

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
