// appconfigdata-cpp: the core and the drivers in one include. Adapters (Botan, libcurl, Beast,
// files, environment, processes) are never included here: include the ones you use.
#pragma once

#include <appconfigdata/version.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/action.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/http/transport.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
