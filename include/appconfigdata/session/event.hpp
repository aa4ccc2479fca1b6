// What a configuration session reports: a new configuration, an unchanged poll, a retry being
// scheduled, a session restart, or an error. Read them with configuration_session::poll_event().
// Printing never shows the configuration content.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <ostream>
#include <string>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace session {

enum class event_kind {
    changed,           // a new configuration: content, content_type, version_label
    unchanged,         // a poll succeeded and the configuration is the same (latest() has its label and type)
    retrying,          // a failed request is retried after `delay`; `error` says why
    session_restarted, // a new StartConfigurationSession follows; `reason` says why
    error,             // a failure that is not retried (now); `error` + `diag`, `detail` = why retries stopped
    warning,           // something the application should fix, once: `diag.message` says what (e.g. no jitter seed)
};

inline const char* to_string(event_kind k) noexcept {
    constexpr const char* names[] = {"changed", "unchanged", "retrying", "session_restarted", "error", "warning"};
    return appconfigdata::detail::enum_name<event_kind::warning>(k, names);
}

inline std::ostream& operator<<(std::ostream& os, event_kind k) { return os << to_string(k); }

enum class restart_reason {
    none,
    session_age,                 // the session neared the 24 h token lifetime (options.max_session_age)
    token_expired,               // BadRequestException, problem Expired
    token_rejected,              // BadRequestException, problem Corrupted (also for a token retried after a 429/5xx)
    poll_interval_not_satisfied, // BadRequestException, problem PollIntervalNotSatisfied: waited a full interval
    no_response,                 // a poll got no response (transport error, timeout): the service may have used the token
    unreadable_response,         // a poll's 2xx response could not be read: its next token is lost
    request_rejected,            // a poll answered with another 4xx (403, 404, ...): the session starts again
};

inline const char* to_string(restart_reason r) noexcept {
    constexpr const char* names[] = {
        "none", "session_age", "token_expired", "token_rejected", "poll_interval_not_satisfied", "no_response",
        "unreadable_response", "request_rejected"};
    return appconfigdata::detail::enum_name<restart_reason::request_rejected>(r, names);
}

inline std::ostream& operator<<(std::ostream& os, restart_reason r) { return os << to_string(r); }

struct event {
    event_kind kind = event_kind::unchanged;
    time_point at{};                 // the `now` of the call that produced the event
    std::string content;             // changed: the new configuration bytes
    std::string content_type;        // changed
    std::string version_label;       // changed
    std::error_code error;           // retrying / error / session_restarted: the failure behind it (may be empty)
    std::error_code detail;          // error: errc::retries_exhausted / retry_quota_exceeded when retries stopped
    diagnostics diag;                // retrying / error / session_restarted: service details
    duration delay{};                // retrying: the backoff before the next attempt
    restart_reason reason = restart_reason::none; // session_restarted

    friend bool operator==(const event& a, const event& b) {
        return a.kind == b.kind && a.at == b.at && a.content == b.content && a.content_type == b.content_type &&
               a.version_label == b.version_label && a.error == b.error && a.detail == b.detail && a.diag == b.diag &&
               a.delay == b.delay && a.reason == b.reason;
    }
    friend bool operator!=(const event& a, const event& b) { return !(a == b); }

    friend std::ostream& operator<<(std::ostream& os, const event& e) {
        os << to_string(e.kind);
        switch (e.kind) {
        case event_kind::changed:
            os << " (" << e.content.size() << " bytes, content_type=" << e.content_type << ", version_label=" << e.version_label << ")";
            break;
        case event_kind::unchanged: break;
        case event_kind::retrying:
            os << " in " << std::chrono::duration_cast<std::chrono::milliseconds>(e.delay).count() << "ms after " << e.error.message();
            break;
        case event_kind::session_restarted: os << " (" << to_string(e.reason) << ")"; break;
        case event_kind::error:
            os << ": " << e.error.message();
            if (e.detail) os << " (" << e.detail.message() << ")";
            break;
        case event_kind::warning: break; // the message is in diag
        }
        if (!e.diag.empty()) os << " [" << e.diag << "]";
        return os;
    }
};

} // namespace session
APPCONFIGDATA_NAMESPACE_END
