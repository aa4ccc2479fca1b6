// What a configuration session is told when it is made: which configuration, where, how to sign,
// and how to schedule (poll interval floor, fleet jitter, retries, limits).
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/retry/clock_skew.hpp>
#include <appconfigdata/retry/strategy.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <functional>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace session {

struct session_options {
    // Sent as RequiredMinimumPollIntervalInSeconds (15..86400) when set; the session also never polls
    // more often than this, whatever the service says.
    std::optional<std::chrono::seconds> min_poll_interval;
    // Added to every poll delay: interval × fleet_jitter × u, u uniform in [0, 1) from the session's
    // seeded generator. Only ever lengthens the wait (never polls early). 0 disables; clamped to [0, 1].
    double fleet_jitter = 0.1;
    // Seed of the session's deterministic generator (fleet and backoff jitter, invocation ids). The
    // core draws no randomness: give each process its own seed from the platform's entropy
    // (adapters::system_random_seed() in appconfigdata_posix.hpp / appconfigdata_windows.hpp, or
    // std::random_device). Unset, the session uses 0 and reports one `warning` event, because every
    // host without a seed would then poll in lockstep with every other.
    std::optional<std::uint64_t> jitter_seed;
    // Restart the session (new StartConfigurationSession) before tokens reach the service's 24 h limit.
    duration max_session_age = std::chrono::hours(23);
    // Credentials that expire are asked for again (need_credentials) this long before their
    // expiration, at most half their remaining life (refresh_time(), sigv4/credentials.hpp; the
    // credentials cache uses the same window). If the same credentials come back, they are used
    // until they expire; expired credentials are never used.
    duration credentials_refresh_window = std::chrono::minutes(5);
    // The poll interval assumed before the service has given one, when min_poll_interval is unset.
    std::chrono::seconds default_poll_interval{60};
    // Until the session holds a configuration, a failure past the retry budget is tried again after
    // the retry layer's backoff capped at this (not after a poll interval): start-up is not held
    // hostage to one throttled request. Each such attempt is a new operation of the retry layer
    // (its quota applies).
    duration first_configuration_retry_cap = std::chrono::seconds(5);
    // The retry layer's standard mode; one retry budget per poll (or start) operation.
    retry::retry_config retry{};
    retry::clock_skew_config clock_skew{};
    // Timeout handed to the transport with every request (0: the transport's default).
    std::chrono::milliseconds request_timeout{0};
    // Send amz-sdk-invocation-id / amz-sdk-request on StartConfigurationSession.
    bool sdk_request_headers = true;
    // A non-retryable error of the very first StartConfigurationSession (ResourceNotFound,
    // AccessDenied, ...) makes the session `failed` (next() returns action::fail()). When false, or
    // once a configuration was received, such errors are reported and retried at the poll interval.
    bool fail_on_initial_error = true;
    limits size_limits{};
    // How many unread events are kept; beyond it the oldest is dropped (latest() is never affected).
    std::size_t max_queued_events = 1024;

    friend bool operator==(const session_options& a, const session_options& b) {
        return a.min_poll_interval == b.min_poll_interval && std::equal_to<double>()(a.fleet_jitter, b.fleet_jitter) && a.jitter_seed == b.jitter_seed &&
               a.max_session_age == b.max_session_age && a.credentials_refresh_window == b.credentials_refresh_window && a.default_poll_interval == b.default_poll_interval &&
               a.first_configuration_retry_cap == b.first_configuration_retry_cap && a.retry == b.retry &&
               a.clock_skew.enabled == b.clock_skew.enabled && a.clock_skew.threshold == b.clock_skew.threshold &&
               a.clock_skew.max_round_trip == b.clock_skew.max_round_trip && a.request_timeout == b.request_timeout &&
               a.sdk_request_headers == b.sdk_request_headers && a.fail_on_initial_error == b.fail_on_initial_error &&
               a.size_limits.max_response_body == b.size_limits.max_response_body &&
               a.size_limits.max_configuration == b.size_limits.max_configuration &&
               a.size_limits.max_header_count == b.size_limits.max_header_count &&
               a.size_limits.max_header_bytes == b.size_limits.max_header_bytes &&
               a.size_limits.max_token_length == b.size_limits.max_token_length && a.max_queued_events == b.max_queued_events;
    }
    friend bool operator!=(const session_options& a, const session_options& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const session_options& o) {
        os << "session_options{min_poll_interval=";
        if (o.min_poll_interval) os << o.min_poll_interval->count() << "s";
        else os << "unset";
        return os << ", fleet_jitter=" << o.fleet_jitter << ", jitter_seed=" << (o.jitter_seed ? std::to_string(*o.jitter_seed) : std::string("unset"))
                  << ", max_session_age=" << std::chrono::duration_cast<std::chrono::seconds>(o.max_session_age).count() << "s, " << o.retry
                  << ", request_timeout=" << o.request_timeout.count() << "ms}";
    }
};

struct session_config {
    std::string application;            // ApplicationIdentifier (ID or name)
    std::string environment;            // EnvironmentIdentifier
    std::string configuration_profile;  // ConfigurationProfileIdentifier
    std::string endpoint_url;           // e.g. "https://appconfigdata.us-east-1.amazonaws.com" (endpoint/ resolves it)
    std::string region;                 // the SigV4 signing region
    std::string signing_name = "appconfig";
    session_options options{};

    friend bool operator==(const session_config& a, const session_config& b) {
        return a.application == b.application && a.environment == b.environment && a.configuration_profile == b.configuration_profile &&
               a.endpoint_url == b.endpoint_url && a.region == b.region && a.signing_name == b.signing_name && a.options == b.options;
    }
    friend bool operator!=(const session_config& a, const session_config& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const session_config& c) {
        return os << "session_config{application=" << c.application << ", environment=" << c.environment
                  << ", configuration_profile=" << c.configuration_profile << ", endpoint=" << c.endpoint_url << ", region=" << c.region << "}";
    }
};

} // namespace session
APPCONFIGDATA_NAMESPACE_END
