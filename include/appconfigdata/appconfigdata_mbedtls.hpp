// The same name as the generated single header single_include/appconfigdata/appconfigdata_mbedtls.hpp, for
// code built against this include/ tree: everything that needs this dependency.
#pragma once

#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/adapters/mbedtls.hpp>
