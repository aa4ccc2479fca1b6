// Everything that needs Boost.Beast / Asio and OpenSSL's TLS: the asynchronous Beast transport.
// Generates single_include/appconfigdata/appconfigdata_beast.hpp. Link with -lssl -lcrypto and threads.
#pragma once

#include <appconfigdata/adapters/beast_transport.hpp>
