// Which failures are worth another attempt: the standard retry mode's error classes.
// Code lists follow the cross-SDK standard (botocore's ThrottledRetryableChecker and
// TransientRetryableChecker, Go's DefaultThrottleErrorCodes, js-v3's CLOCK_SKEW_ERROR_CODES).
// Pure functions: no state, no I/O, never throw.
#pragma once

#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <ostream>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace retry {

enum class error_class {
    non_retryable, // anything not listed below (BadRequestException, ResourceNotFoundException, 4xx, ...)
    throttling,    // the service asks us to slow down (ThrottlingException, HTTP 429, ...)
    transient,     // HTTP 500/502/503/504, RequestTimeout codes, a connection that failed
    timeout,       // no response in time (the standard mode charges more for it)
    clock_skew,    // our signing time is too far from the server's (see clock_skew.hpp)
};

inline constexpr std::string_view to_string(error_class c) noexcept {
    constexpr const char* names[] = {"non_retryable", "throttling", "transient", "timeout", "clock_skew"};
    return appconfigdata::detail::enum_name<error_class::clock_skew>(c, names, "unknown");
}

inline std::ostream& operator<<(std::ostream& os, error_class c) { return os << to_string(c); }

// True for the classes a retry strategy may retry with backoff (not non_retryable, not clock_skew:
// a clock-skew error is retried once, immediately, only after the offset was corrected).
inline constexpr bool is_retryable(error_class c) noexcept {
    return c == error_class::throttling || c == error_class::transient || c == error_class::timeout;
}

// The standard throttling error codes (exact, case-sensitive as the SDKs compare them).
inline constexpr std::array<std::string_view, 14> throttling_error_codes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

// Transient error codes (PriorRequestNotComplete is in both lists; it classifies as throttling).
inline constexpr std::array<std::string_view, 3> transient_error_codes = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

// HTTP statuses retried as transient whatever the error code.
inline constexpr std::array<int, 4> transient_status_codes = {500, 502, 503, 504};

// Error codes that mean "the request's signing time is off" (SigV4 allows ±5 minutes).
inline constexpr std::array<std::string_view, 6> clock_skew_error_codes = {
    "AuthFailure",
    "InvalidSignatureException",
    "RequestExpired",
    "RequestInTheFuture",
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
};

namespace detail {
template <class Array, class Value>
constexpr bool contains(const Array& a, const Value& v) noexcept {
    for (const auto& x : a)
        if (x == v) return true;
    return false;
}
} // namespace detail

// Classifies a service error response: `http_status` and the sanitised AWS error code
// ("ThrottlingException", may be empty). Order: throttling codes or HTTP 429, then clock-skew
// codes, then transient codes, then HTTP 500/502/503/504; everything else (any status below 400
// included) is non_retryable. Note InvalidSignatureException is clock_skew: the caller retries it
// only when clock_skew::on_response reports a correction, otherwise it is final.
inline constexpr error_class classify(int http_status, std::string_view error_type) noexcept {
    if (detail::contains(throttling_error_codes, error_type) || http_status == 429) return error_class::throttling;
    if (detail::contains(clock_skew_error_codes, error_type)) return error_class::clock_skew;
    if (detail::contains(transient_error_codes, error_type)) return error_class::transient;
    if (detail::contains(transient_status_codes, http_status)) return error_class::transient;
    return error_class::non_retryable;
}

// Classifies a failure where no response arrived (what an http::transport returned):
// errc::timeout or std::errc::timed_out → timeout; errc::transport_failed and any system / generic
// error (refused, reset, unreachable, ...) → transient; an empty code, errc::cancelled,
// errc::response_too_large and every other library error → non_retryable.
inline error_class classify_transport(std::error_code ec) noexcept {
    if (!ec) return error_class::non_retryable;
    if (ec.category() == error_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::timeout: return error_class::timeout;
        case errc::transport_failed: return error_class::transient;
        default: return error_class::non_retryable;
        }
    }
    if (ec == std::errc::timed_out) return error_class::timeout;
    if (ec == std::errc::operation_canceled) return error_class::non_retryable;
    if (ec.category() == std::system_category() || ec.category() == std::generic_category()) return error_class::transient;
    return error_class::non_retryable;
}

} // namespace retry
APPCONFIGDATA_NAMESPACE_END
