// Everything that needs Botan: the Botan crypto backend. Generates
// single_include/appconfigdata/appconfigdata_botan.hpp. Link with Botan (pkg-config botan-2 or botan-3).
#pragma once

#include <appconfigdata/adapters/botan_crypto.hpp>
