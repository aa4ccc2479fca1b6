// Error codes of the library: `errc` values inside std::error_code, with their own category.
// AWS service details (error type, message, request id) travel beside the code in `diagnostics`.
#pragma once

#include <appconfigdata/version.hpp>

#include <string>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN

// Append new values at the end of their group; never renumber (values show up in logs).
enum class errc : int {
    // Caller input (1xx)
    invalid_argument = 100,
    invalid_url,
    invalid_header,
    invalid_region,
    invalid_identifier,
    invalid_poll_interval,
    invalid_token,
    invalid_time,
    invalid_state,  // call not legal in the machine's current state
    limit_exceeded, // an explicit size limit (config.hpp) was exceeded

    // Credentials (2xx)
    no_credentials = 200,
    credentials_expired,
    invalid_credentials,
    credential_provider_failed,
    profile_parse_error,
    profile_not_found,
    process_failed,
    invalid_profile,  // a profile's settings contradict each other or form a loop (credentials/profile_chain.hpp)

    // Responses (3xx)
    malformed_response = 300,
    missing_header,
    response_too_large,
    unexpected_status,

    // Service errors, typed (4xx): the AWS error type is in diagnostics::error_type
    service_error = 400, // an AWS error type this library has no enumerator for
    bad_request,
    resource_not_found,
    throttling,
    internal_server,
    access_denied,
    unrecognized_client,
    invalid_signature,
    expired_token,
    service_unavailable,

    // Transport and retries (5xx)
    transport_failed = 500,
    timeout,
    retries_exhausted,
    retry_quota_exceeded,
    cancelled,
    not_supported,    // the driver cannot perform this kind of I/O here (no processes on this platform, no file reader)

    // Endpoint resolution (6xx)
    endpoint_resolution_failed = 600,

    // Local data (7xx)
    backup_corrupt = 700,
    backup_not_found,
    io_failed,
    malformed_document,
    feature_flag_not_found,
    feature_flag_wrong_type,
    file_not_found,   // a file_reader found no such file (adapters/file_reader.hpp)
    backup_truncated,  // the backup file ends early (or is empty)
    backup_foreign,    // a valid backup of another application / environment / profile
};

namespace detail {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "appconfigdata"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::invalid_argument: return "invalid argument";
        case errc::invalid_url: return "invalid URL";
        case errc::invalid_header: return "invalid HTTP header";
        case errc::invalid_region: return "invalid region (not a valid host label)";
        case errc::invalid_identifier: return "invalid identifier (must be 1 to 128 characters)";
        case errc::invalid_poll_interval: return "invalid poll interval (must be 15 to 86400 seconds)";
        case errc::invalid_token: return "invalid configuration token (must be 1 to 8192 non-whitespace characters)";
        case errc::invalid_time: return "invalid time";
        case errc::invalid_state: return "operation not valid in the current state";
        case errc::limit_exceeded: return "a configured size limit was exceeded";
        case errc::no_credentials: return "no AWS credentials found";
        case errc::credentials_expired: return "AWS credentials have expired";
        case errc::invalid_credentials: return "invalid AWS credentials";
        case errc::credential_provider_failed: return "credential provider failed";
        case errc::profile_parse_error: return "malformed AWS profile file";
        case errc::profile_not_found: return "AWS profile not found";
        case errc::process_failed: return "credential process failed";
        case errc::invalid_profile: return "invalid AWS profile configuration";
        case errc::malformed_response: return "malformed response";
        case errc::missing_header: return "required response header missing";
        case errc::response_too_large: return "response exceeds the size limit";
        case errc::unexpected_status: return "unexpected HTTP status";
        case errc::service_error: return "AWS service error";
        case errc::bad_request: return "BadRequestException";
        case errc::resource_not_found: return "ResourceNotFoundException";
        case errc::throttling: return "ThrottlingException";
        case errc::internal_server: return "InternalServerException";
        case errc::access_denied: return "AccessDeniedException";
        case errc::unrecognized_client: return "UnrecognizedClientException";
        case errc::invalid_signature: return "InvalidSignatureException";
        case errc::expired_token: return "ExpiredTokenException";
        case errc::service_unavailable: return "ServiceUnavailable";
        case errc::transport_failed: return "HTTP transport failed";
        case errc::timeout: return "request timed out";
        case errc::retries_exhausted: return "retries exhausted";
        case errc::retry_quota_exceeded: return "retry quota exceeded";
        case errc::cancelled: return "cancelled";
        case errc::not_supported: return "the driver does not support this operation on this platform";
        case errc::endpoint_resolution_failed: return "endpoint resolution failed";
        case errc::backup_corrupt: return "backup file is corrupt";
        case errc::backup_not_found: return "backup file not found";
        case errc::io_failed: return "I/O failed";
        case errc::malformed_document: return "malformed document";
        case errc::feature_flag_not_found: return "feature flag not found";
        case errc::feature_flag_wrong_type: return "feature flag attribute has a different type";
        case errc::backup_truncated: return "backup file is truncated";
        case errc::backup_foreign: return "backup file belongs to another application, environment or configuration profile";
        case errc::file_not_found: return "file not found";
        }
        return "unknown appconfigdata error";
    }
};

} // namespace detail

inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl category; // function-local static: one per program
    return category;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

// What kind of failure an error code is, decided once for retry, last_known_good, the CLI and the
// emulator's tests: compare with `ec == condition::unreachable` and so on.
enum class condition {
    unreachable = 1,      // no response at all: transport failure, timeout, any system / transport library error
    throttled,            // the service answered ThrottlingException (HTTP 429)
    server_error,         // the service (or a proxy) answered 5xx
    unanswered,           // no usable answer: unreachable, throttled, server_error, an unexpected status, retries spent
    credentials_rejected, // the service refused the credentials: fetch others (expired token, unknown key, bad signature)
};

namespace detail {

class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "appconfigdata-condition"; }
    std::string message(int c) const override {
        switch (static_cast<condition>(c)) {
        case condition::unreachable: return "the service could not be reached";
        case condition::throttled: return "the service throttled the request";
        case condition::server_error: return "the service failed to answer (5xx)";
        case condition::unanswered: return "the service gave no usable answer";
        case condition::credentials_rejected: return "the service rejected the credentials";
        }
        return "unknown condition";
    }
    bool equivalent(const std::error_code& ec, int c) const noexcept override {
        if (!ec) return false;
        const bool ours = ec.category() == appconfigdata::error_category();
        const auto e = static_cast<errc>(ec.value());
        const bool unreachable = ours ? (e == errc::transport_failed || e == errc::timeout)
                                      : true; // a system / transport library error
        switch (static_cast<condition>(c)) {
        case condition::unreachable: return unreachable;
        case condition::throttled: return ours && e == errc::throttling;
        case condition::server_error: return ours && (e == errc::internal_server || e == errc::service_unavailable);
        case condition::unanswered:
            return unreachable || (ours && (e == errc::throttling || e == errc::internal_server || e == errc::service_unavailable ||
                                            e == errc::unexpected_status || e == errc::retries_exhausted || e == errc::retry_quota_exceeded));
        case condition::credentials_rejected:
            return ours && (e == errc::expired_token || e == errc::unrecognized_client || e == errc::invalid_signature);
        }
        return false;
    }
};

} // namespace detail

inline const std::error_category& condition_category() noexcept {
    static const detail::condition_category_impl category; // function-local static: one per program
    return category;
}

inline std::error_condition make_error_condition(condition c) noexcept { return {static_cast<int>(c), condition_category()}; }

APPCONFIGDATA_NAMESPACE_END

namespace std {
template <>
struct is_error_code_enum<appconfigdata::errc> : true_type {};
template <>
struct is_error_condition_enum<appconfigdata::condition> : true_type {};
} // namespace std
