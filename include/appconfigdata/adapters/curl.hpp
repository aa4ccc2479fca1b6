// Everything that needs libcurl: the blocking curl transport. Generates
// single_include/appconfigdata/appconfigdata_curl.hpp. Link with libcurl (pkg-config libcurl).
#pragma once

#include <appconfigdata/adapters/curl_transport.hpp>
