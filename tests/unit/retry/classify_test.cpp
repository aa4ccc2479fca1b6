#include <appconfigdata/retry/classify.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace appconfigdata;
using retry::classify;
using retry::error_class;

TEST_CASE("every standard throttling code classifies as throttling", "[retry][classify]") {
    for (auto code : {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
                      "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
                      "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                      "EC2ThrottledException"}) {
        INFO(code);
        CHECK(classify(400, code) == error_class::throttling);
        CHECK(classify(503, code) == error_class::throttling);
    }
    CHECK(retry::throttling_error_codes.size() == 14);
}

TEST_CASE("HTTP 429 is throttling whatever the code", "[retry][classify]") {
    CHECK(classify(429, "") == error_class::throttling);
    CHECK(classify(429, "SomethingElse") == error_class::throttling);
}

TEST_CASE("transient codes and statuses", "[retry][classify]") {
    CHECK(classify(400, "RequestTimeout") == error_class::transient);
    CHECK(classify(400, "RequestTimeoutException") == error_class::transient);
    for (int status : {500, 502, 503, 504}) {
        INFO(status);
        CHECK(classify(status, "") == error_class::transient);
        CHECK(classify(status, "InternalServerException") == error_class::transient);
    }
    CHECK(classify(501, "") == error_class::non_retryable);
    CHECK(classify(505, "") == error_class::non_retryable);
}

TEST_CASE("clock-skew codes", "[retry][classify]") {
    for (auto code : {"AuthFailure", "InvalidSignatureException", "RequestExpired", "RequestInTheFuture", "RequestTimeTooSkewed",
                      "SignatureDoesNotMatch"}) {
        INFO(code);
        CHECK(classify(403, code) == error_class::clock_skew);
        CHECK_FALSE(retry::is_retryable(classify(403, code)));
    }
}

TEST_CASE("everything else is non-retryable", "[retry][classify]") {
    CHECK(classify(400, "BadRequestException") == error_class::non_retryable);
    CHECK(classify(404, "ResourceNotFoundException") == error_class::non_retryable);
    CHECK(classify(403, "AccessDeniedException") == error_class::non_retryable);
    CHECK(classify(403, "UnrecognizedClientException") == error_class::non_retryable);
    CHECK(classify(400, "") == error_class::non_retryable);
    CHECK(classify(200, "") == error_class::non_retryable);
    CHECK(classify(0, "") == error_class::non_retryable);
    // Comparison is exact: the caller sanitises the code first.
    CHECK(classify(400, "throttlingexception") == error_class::non_retryable);
    CHECK(classify(400, "ThrottlingException:http://internal.amazon.com/") == error_class::non_retryable);
}

TEST_CASE("transport errors", "[retry][classify]") {
    using retry::classify_transport;
    CHECK(classify_transport(errc::timeout) == error_class::timeout);
    CHECK(classify_transport(errc::transport_failed) == error_class::transient);
    CHECK(classify_transport(errc::response_too_large) == error_class::non_retryable);
    CHECK(classify_transport(errc::cancelled) == error_class::non_retryable);
    CHECK(classify_transport(errc::malformed_response) == error_class::non_retryable);
    CHECK(classify_transport(std::error_code{}) == error_class::non_retryable);
    CHECK(classify_transport(std::make_error_code(std::errc::timed_out)) == error_class::timeout);
    CHECK(classify_transport(std::make_error_code(std::errc::connection_refused)) == error_class::transient);
    CHECK(classify_transport(std::make_error_code(std::errc::connection_reset)) == error_class::transient);
    CHECK(classify_transport(std::make_error_code(std::errc::operation_canceled)) == error_class::non_retryable);
    CHECK(classify_transport(std::error_code(ECONNREFUSED, std::system_category())) == error_class::transient);
}

TEST_CASE("error classes print and know whether they retry", "[retry][classify]") {
    std::ostringstream os;
    os << error_class::throttling << " " << error_class::clock_skew;
    CHECK(os.str() == "throttling clock_skew");
    CHECK(retry::is_retryable(error_class::throttling));
    CHECK(retry::is_retryable(error_class::transient));
    CHECK(retry::is_retryable(error_class::timeout));
    CHECK_FALSE(retry::is_retryable(error_class::non_retryable));
}
