// Everything that needs mbedTLS (2.28 or 3.x): the crypto backend. Generates
// single_include/appconfigdata/appconfigdata_mbedtls.hpp. Link with -lmbedcrypto.
#pragma once

#include <appconfigdata/adapters/mbedtls_crypto.hpp>
