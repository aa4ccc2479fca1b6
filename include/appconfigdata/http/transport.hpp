// The boundary to the user's HTTP stack: a callable that sends one request and fills in the
// response, or returns an error_code when no response arrived. Only drivers (driver/) call it;
// state machines never do. The contract, for anyone writing one:
//
// - Send the request verbatim: `method`, `scheme://host` + `target()`, every header in `headers`
//   in order, and `body`. Every request the library hands out already carries `Host` and, when it
//   has a body (or is a POST/PUT), `Content-Length` (http::add_framing_headers), so a stack that
//   writes exactly what it is given is correct. Do not add, drop, reorder or re-case signed headers
//   (SignedHeaders in `Authorization` lists them); adding unsigned ones (User-Agent, Accept-Encoding)
//   is harmless. Do not follow redirects.
// - Any HTTP status is a response: fill `status`, every response header (names as received) and the
//   whole body, and return {}. A 4xx/5xx is not a transport error; the machines read it.
// - Return an error only when no complete response arrived: errc::timeout when a deadline passed
//   (connect or whole request), errc::transport_failed for everything else (refused, reset, TLS,
//   name resolution, a truncated body). The library then decides whether to retry.
// - Timeouts: the tick driver hands out each request with the machine's timeout
//   (tick_result::timeout); 0 means "no opinion": use the transport's own deadline. This blocking
//   callable gets none and always uses its own. Either way it must have one (a request must never
//   hang forever), and a deadline it hits is reported as errc::timeout.
// - Credentials are not the transport's business: requests arrive signed. Where they come from is
//   the credential providers' (credentials/provider.hpp, default_chain.hpp).
// - It must not throw (the library builds with -fno-exceptions), and must not keep a reference to the
//   request after it returns (the machine reuses the buffer for the next request).
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
