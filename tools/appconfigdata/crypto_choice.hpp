// --crypto NAME: which crypto backend the tool signs with, chosen at run time among the backends
// this build has (meson defines APPCONFIGDATA_CLI_HAVE_OPENSSL / _MBEDTLS when it found them;
// Botan is always there and is the default). `any_crypto` is a crypto provider that forwards to
// the chosen backend, so the signer, the session and the credential chain are built once.
#pragma once

#include "args.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#if defined(APPCONFIGDATA_CLI_HAVE_OPENSSL)
#include <appconfigdata/adapters/openssl_crypto.hpp>
#endif
#if defined(APPCONFIGDATA_CLI_HAVE_MBEDTLS)
#include <appconfigdata/adapters/mbedtls_crypto.hpp>
#endif

#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace cli {

enum class crypto_backend { botan, openssl, mbedtls };

inline constexpr bool crypto_compiled_in(crypto_backend b) {
    switch (b) {
    case crypto_backend::botan: return true;
#if defined(APPCONFIGDATA_CLI_HAVE_OPENSSL)
    case crypto_backend::openssl: return true;
#endif
#if defined(APPCONFIGDATA_CLI_HAVE_MBEDTLS)
    case crypto_backend::mbedtls: return true;
#endif
    default: return false;
    }
}

inline const char* crypto_name(crypto_backend b) {
    switch (b) {
    case crypto_backend::botan: return "botan";
    case crypto_backend::openssl: return "openssl";
    case crypto_backend::mbedtls: return "mbedtls";
    }
    return "?";
}

// "botan, openssl, mbedtls": the backends this build has.
inline std::string crypto_compiled_list() {
    std::string s;
    for (auto b : {crypto_backend::botan, crypto_backend::openssl, crypto_backend::mbedtls})
        if (crypto_compiled_in(b)) s += (s.empty() ? "" : ", ") + std::string(crypto_name(b));
    return s;
}

inline std::string crypto_usage() {
    return "  --crypto NAME               crypto backend for SigV4: botan (default), openssl or mbedtls\n"
           "                              (this build has: " +
           crypto_compiled_list() + ")\n";
}

// A crypto provider (crypto/crypto.hpp) that forwards to the backend chosen at run time.
class any_crypto {
public:
    explicit any_crypto(crypto_backend b = crypto_backend::botan) {
        switch (b) {
#if defined(APPCONFIGDATA_CLI_HAVE_OPENSSL)
        case crypto_backend::openssl: impl_.emplace<appconfigdata::adapters::openssl_crypto>(); break;
#endif
#if defined(APPCONFIGDATA_CLI_HAVE_MBEDTLS)
        case crypto_backend::mbedtls: impl_.emplace<appconfigdata::adapters::mbedtls_crypto>(); break;
#endif
        default: break; // botan (parse_crypto never asks for a backend the build lacks)
        }
    }

    std::error_code init_error() const noexcept {
        std::error_code ec;
        visit([&](const auto& c) { ec = c.init_error(); });
        return ec;
    }
    void sha256(std::string_view data, appconfigdata::crypto::digest& out) noexcept {
        visit([&](auto& c) { c.sha256(data, out); });
    }
    void hmac_sha256(appconfigdata::crypto::byte_view key, std::string_view data, appconfigdata::crypto::digest& out) noexcept {
        visit([&](auto& c) { c.hmac_sha256(key, data, out); });
    }

private:
    using variant = std::variant<appconfigdata::adapters::botan_crypto
#if defined(APPCONFIGDATA_CLI_HAVE_OPENSSL)
                                 ,
                                 appconfigdata::adapters::openssl_crypto
#endif
#if defined(APPCONFIGDATA_CLI_HAVE_MBEDTLS)
                                 ,
                                 appconfigdata::adapters::mbedtls_crypto
#endif
                                 >;

    // std::get_if rather than std::visit: nothing here can throw bad_variant_access.
    template <class F>
    void visit(F&& f) const noexcept {
        visit_at<0>(const_cast<variant&>(impl_), f);
    }
    template <class F>
    void visit(F&& f) noexcept {
        visit_at<0>(impl_, f);
    }
    template <std::size_t I, class F>
    static void visit_at(variant& v, F& f) noexcept {
        if constexpr (I < std::variant_size_v<variant>) {
            if (auto* c = std::get_if<I>(&v)) f(*c);
            else visit_at<I + 1>(v, f);
        }
    }

    variant impl_;
};

// --crypto NAME (default botan). An unknown name, a backend this build lacks, or one that cannot
// start (its library lacks SHA-256 / HMAC) is a usage error: exit 2 with a message naming the choices.
inline crypto_backend parse_crypto(const args& a) {
    const std::string name = a.get("crypto").value_or("botan");
    crypto_backend b;
    if (name == "botan") b = crypto_backend::botan;
    else if (name == "openssl") b = crypto_backend::openssl;
    else if (name == "mbedtls") b = crypto_backend::mbedtls;
    else throw usage_error("--crypto must be botan, openssl or mbedtls (this build has: " + crypto_compiled_list() + "), got '" + name + "'");
    if (!crypto_compiled_in(b))
        throw usage_error("--crypto " + name + ": this build of appconfigdata has no " + name + " backend (it has: " + crypto_compiled_list() +
                          "); rebuild with the " + name + " development files installed");
    if (any_crypto(b).init_error())
        throw usage_error("--crypto " + name + ": the backend cannot start here (its library lacks SHA-256 or HMAC-SHA-256)");
    return b;
}

} // namespace cli
