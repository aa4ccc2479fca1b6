// Everything that needs Botan (2.19 or 3.x): the crypto backend. Generates
// single_include/appconfigdata/appconfigdata_botan.hpp. Link with Botan (pkg-config botan-2 or botan-3).
#pragma once

#include <appconfigdata/adapters/botan_crypto.hpp>
