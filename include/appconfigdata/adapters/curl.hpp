// Everything that needs libcurl: curl_transport (blocking, an http::transport for the blocking driver)
// and curl_multi_transport (polled without blocking, for the tick driver in a frame loop). Generates
// single_include/appconfigdata/appconfigdata_curl.hpp. Link with libcurl (pkg-config libcurl).
#pragma once

#include <appconfigdata/adapters/curl_multi_transport.hpp>
#include <appconfigdata/adapters/curl_transport.hpp>
