// The crypto interface SigV4 needs: SHA-256 and HMAC-SHA-256, nothing else.
//
// A crypto provider is any type `C` with these two member functions:
//
//   void sha256(std::string_view data, crypto::digest& out);
//   void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out);
//
// They must not throw for any input. A provider may keep state (a keyed HMAC object, say), so
// one provider object is used by one thread at a time; give each signer its own.
// Backends: `adapters/botan_crypto.hpp`, `adapters/openssl_crypto.hpp`, `adapters/mbedtls_crypto.hpp`.
// Each also has `std::error_code init_error() const noexcept` (empty when usable; otherwise every
// digest it writes is all zeros); tests use whatever they like.
#pragma once

#include <appconfigdata/crypto/detail/last_key.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace crypto {

inline constexpr std::size_t digest_size = 32;
using digest = std::array<std::uint8_t, digest_size>;

struct byte_view {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;

    constexpr byte_view() = default;
    constexpr byte_view(const std::uint8_t* d, std::size_t n) : data(d), size(n) {}
    byte_view(const digest& d) : data(d.data()), size(d.size()) {} // NOLINT: implicit on purpose
    byte_view(std::string_view s) : data(reinterpret_cast<const std::uint8_t*>(s.data())), size(s.size()) {} // NOLINT
};

namespace detail {
template <class C, class = void>
struct has_sha256 : std::false_type {};
template <class C>
struct has_sha256<C, std::void_t<decltype(std::declval<C&>().sha256(std::declval<std::string_view>(), std::declval<digest&>()))>>
    : std::true_type {};

template <class C, class = void>
struct has_hmac : std::false_type {};
template <class C>
struct has_hmac<C, std::void_t<decltype(std::declval<C&>().hmac_sha256(std::declval<byte_view>(), std::declval<std::string_view>(),
                                                                         std::declval<digest&>()))>> : std::true_type {};
} // namespace detail

// Checks `C` against the interface above with readable messages; use in templates taking `C`.
template <class C>
constexpr bool check_provider() {
    static_assert(detail::has_sha256<C>::value,
                  "crypto provider needs: void sha256(std::string_view data, appconfigdata::crypto::digest& out)");
    static_assert(detail::has_hmac<C>::value, "crypto provider needs: void hmac_sha256(appconfigdata::crypto::byte_view key, "
                                              "std::string_view data, appconfigdata::crypto::digest& out)");
    return true;
}

template <class C>
inline constexpr bool is_provider_v = detail::has_sha256<C>::value && detail::has_hmac<C>::value;

} // namespace crypto
APPCONFIGDATA_NAMESPACE_END
