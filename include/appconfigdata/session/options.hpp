// What a configuration session is told when it is made: which configuration, where, how to sign,
// and how to schedule (poll interval floor, fleet jitter, retries, limits).
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/retry/clock_skew.hpp>
#include <appconfigdata/retry/strategy.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
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
    // core draws no randomness: give each process its own seed (e.g. from adapters/system_random).
    std::uint64_t jitter_seed = 0;
    // Restart the session (new StartConfigurationSession) before tokens reach the service's 24 h limit.
    duration max_session_age = std::chrono::hours(23);
    // Wait used before the service has said anything (first retry-after-error cycle) when
    // min_poll_interval is unset.
    std::chrono::seconds default_poll_interval{60};
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
};

struct session_config {
    std::string application;            // ApplicationIdentifier (ID or name)
    std::string environment;            // EnvironmentIdentifier
    std::string configuration_profile;  // ConfigurationProfileIdentifier
    std::string endpoint_url;           // e.g. "https://appconfigdata.us-east-1.amazonaws.com" (endpoint/ resolves it)
    std::string region;                 // the SigV4 signing region
    std::string signing_name = "appconfig";
    session_options options{};

    friend std::ostream& operator<<(std::ostream& os, const session_config& c) {
        return os << "session_config{application=" << c.application << ", environment=" << c.environment
                  << ", configuration_profile=" << c.configuration_profile << ", endpoint=" << c.endpoint_url << ", region=" << c.region << "}";
    }
};

} // namespace session
APPCONFIGDATA_NAMESPACE_END
