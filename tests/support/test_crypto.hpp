// The crypto backend a test executable runs with. Tests that must pass on every backend (the SigV4
// suites, the botocore differential cases, the session tests, ...) name `test_crypto` instead of a
// backend; the build compiles them once per backend it has, with one of these macros:
//
//   APPCONFIGDATA_TEST_CRYPTO_OPENSSL   adapters::openssl_crypto  (OpenSSL 3 / AWS-LC libcrypto)
//   APPCONFIGDATA_TEST_CRYPTO_MBEDTLS   adapters::mbedtls_crypto  (mbedTLS 2.28+)
//   APPCONFIGDATA_TEST_CRYPTO_CNG       adapters::cng_crypto      (Windows BCrypt)
//   (none)                              adapters::botan_crypto    (the default)
//
// `test_crypto_name` says which one, for test names and messages.
#pragma once

#if defined(APPCONFIGDATA_TEST_CRYPTO_OPENSSL)
#include <appconfigdata/adapters/openssl_crypto.hpp>
using test_crypto = appconfigdata::adapters::openssl_crypto;
inline constexpr const char* test_crypto_name = "openssl";
#elif defined(APPCONFIGDATA_TEST_CRYPTO_MBEDTLS)
#include <appconfigdata/adapters/mbedtls_crypto.hpp>
using test_crypto = appconfigdata::adapters::mbedtls_crypto;
inline constexpr const char* test_crypto_name = "mbedtls";
#elif defined(APPCONFIGDATA_TEST_CRYPTO_CNG)
#include <appconfigdata/adapters/windows/cng_crypto.hpp>
using test_crypto = appconfigdata::adapters::cng_crypto;
inline constexpr const char* test_crypto_name = "cng";
#else
#include <appconfigdata/adapters/botan_crypto.hpp>
using test_crypto = appconfigdata::adapters::botan_crypto;
inline constexpr const char* test_crypto_name = "botan";
#endif
