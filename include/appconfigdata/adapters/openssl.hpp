// Everything that needs OpenSSL (3.x libcrypto, or AWS-LC): the crypto backend. Generates
// single_include/appconfigdata/appconfigdata_openssl.hpp. Link with -lcrypto.
#pragma once

#include <appconfigdata/adapters/openssl_crypto.hpp>
