// The boundary to the user's HTTP stack: a callable that sends one request and fills in the
// response, or returns an error_code when no response arrived (errc::transport_failed,
// errc::timeout). Only drivers (driver/) call it; state machines never do.
#pragma once

#include <appconfigdata/http/message.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

using transport = std::function<std::error_code(const request&, response&)>;

} // namespace http
APPCONFIGDATA_NAMESPACE_END
