// Explicit bounds on everything read from the network or from disk. Exceeding one is a typed
// error (errc::limit_exceeded / errc::response_too_large), never a crash or a silent cut.
#pragma once

#include <appconfigdata/version.hpp>

#include <cstddef>

APPCONFIGDATA_NAMESPACE_BEGIN

struct limits {
    std::size_t max_response_body = 16u * 1024u * 1024u;  // bytes of any response body
    std::size_t max_configuration = 16u * 1024u * 1024u;  // bytes of one configuration
    std::size_t max_header_count = 128;                   // headers in one response
    std::size_t max_header_bytes = 64u * 1024u;           // name + value of all headers together
    std::size_t max_token_length = 8192;                  // configuration token (service model)
    std::size_t max_profile_file = 4u * 1024u * 1024u;    // bytes of one shared config/credentials file
    std::size_t max_credential_document = 64u * 1024u;    // IMDS / container / process / STS replies
};

inline constexpr limits default_limits{};

APPCONFIGDATA_NAMESPACE_END
