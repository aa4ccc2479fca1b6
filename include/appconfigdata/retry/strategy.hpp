// The standard retry mode for one operation: how many attempts, how long to wait between them
// (exponential backoff with full jitter), and when the shared retry quota says stop. Also the 2026
// variant ("retry behavior 2.1", opt-in through AWS_NEW_RETRIES_2026=true in the SDKs).
//
//   retry::retry_quota quota;                      // shared, owned by the caller
//   retry::retry_strategy s(config, quota);
//   s.begin_operation();
//   for (;;) {
//       send with headers amz-sdk-invocation-id (same for all attempts) and amz-sdk-request (format_request_header)
//       if (ok) { s.on_success(); break; }
//       auto d = s.on_failure(retry::classify(status, error_type), jitter01, retry_after_hint(response.headers));
//       if (!d) { report the error (d.reason says why when not empty); break; }
//       wait d.delay (the caller's clock; this class never sleeps)
//   }
//
// Time and randomness are arguments: `jitter01` is a number in [0, 1) the caller drew.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/retry/classify.hpp>
#include <appconfigdata/retry/quota.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace retry {

enum class retry_mode {
    standard,      // the cross-SDK standard mode: base 1 s, costs 5 / 10 (timeout)
    standard_2026, // the 2026 update: base 50 ms (1 s when throttled), costs 14 / 5 (throttling), x-amz-retry-after
};

inline constexpr std::string_view to_string(retry_mode m) noexcept { return m == retry_mode::standard ? "standard" : "standard_2026"; }
inline std::ostream& operator<<(std::ostream& os, retry_mode m) { return os << to_string(m); }

struct retry_config {
    retry_mode mode = retry_mode::standard;
    unsigned max_attempts = 3;                         // first attempt included; 1 means never retry
    duration max_backoff = std::chrono::seconds(20);   // cap before the jitter is applied
    unsigned quota_capacity = retry_quota::default_capacity; // for the retry_quota the caller makes

    friend bool operator==(const retry_config& a, const retry_config& b) noexcept {
        return a.mode == b.mode && a.max_attempts == b.max_attempts && a.max_backoff == b.max_backoff &&
               a.quota_capacity == b.quota_capacity;
    }
    friend bool operator!=(const retry_config& a, const retry_config& b) noexcept { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const retry_config& c) {
        return os << "retry_config{mode=" << c.mode << ", max_attempts=" << c.max_attempts << ", max_backoff="
                  << std::chrono::duration_cast<std::chrono::milliseconds>(c.max_backoff).count() << "ms, quota=" << c.quota_capacity << "}";
    }
};

// Quota costs and increments.
inline constexpr unsigned retry_cost = 5;              // standard: any retry but a timeout
inline constexpr unsigned timeout_retry_cost = 10;     // standard: retry after a timeout
inline constexpr unsigned no_retry_increment = 1;      // success at the first attempt
inline constexpr unsigned retry_cost_2026 = 14;        // 2026: non-throttling retry
inline constexpr unsigned throttling_retry_cost_2026 = 5; // 2026: throttling retry
inline constexpr auto max_retry_after_extension = std::chrono::seconds(5); // 2026: x-amz-retry-after may add at most this

// Tokens a retry of class `c` takes from the quota in `mode`.
inline constexpr unsigned cost_of_retry(retry_mode mode, error_class c) noexcept {
    if (mode == retry_mode::standard) return c == error_class::timeout ? timeout_retry_cost : retry_cost;
    return c == error_class::throttling ? throttling_retry_cost_2026 : retry_cost_2026;
}

// The base of the exponential backoff for class `c` in `mode`.
inline constexpr duration backoff_base(retry_mode mode, error_class c) noexcept {
    if (mode == retry_mode::standard || c == error_class::throttling) return std::chrono::seconds(1);
    return std::chrono::milliseconds(50);
}

// Full-jitter exponential backoff after failed attempt number `attempt` (1-based):
// jitter01 × min(base × 2^(attempt−1), max_backoff). `jitter01` is clamped to [0, 1]
// (NaN counts as 0). Pure; never throws.
inline duration backoff(retry_mode mode, error_class c, unsigned attempt, double jitter01, duration max_backoff) noexcept {
    if (!(jitter01 >= 0.0)) jitter01 = 0.0; // also catches NaN
    if (jitter01 > 1.0) jitter01 = 1.0;
    if (max_backoff < duration::zero()) max_backoff = duration::zero();
    const double base = std::chrono::duration<double>(backoff_base(mode, c)).count();
    const unsigned exponent = attempt == 0 ? 0 : std::min(attempt - 1, 62u);
    const double cap = std::chrono::duration<double>(max_backoff).count();
    const double seconds = jitter01 * std::min(base * std::ldexp(1.0, static_cast<int>(exponent)), cap);
    return std::chrono::duration_cast<duration>(std::chrono::duration<double>(seconds));
}

// The value of an `x-amz-retry-after` header (whole milliseconds) as a duration, or nullopt when
// absent or not a non-negative integer. Never throws.
inline std::optional<duration> retry_after_hint(const http::headers& response_headers) noexcept {
    const std::string* v = response_headers.find("x-amz-retry-after");
    if (!v) return std::nullopt;
    unsigned long long ms = 0;
    if (!appconfigdata::detail::parse_unsigned(appconfigdata::detail::trim(*v), ms) || ms > 86400ull * 1000ull) return std::nullopt;
    return std::chrono::duration_cast<duration>(std::chrono::milliseconds(static_cast<long long>(ms)));
}

// What to do after a failed attempt. `retry` true: wait `delay`, then send the next attempt.
// `retry` false: stop and report; `reason` is errc::retries_exhausted, errc::retry_quota_exceeded,
// errc::invalid_state (operation already finished), or empty when the error itself is final
// (non-retryable): report the original error then.
struct retry_decision {
    bool retry = false;
    duration delay{};
    std::error_code reason;

    explicit operator bool() const noexcept { return retry; }

    static retry_decision retry_after(duration d) { return {true, d, {}}; }
    static retry_decision give_up(std::error_code why = {}) { return {false, duration::zero(), why}; }

    friend bool operator==(const retry_decision& a, const retry_decision& b) noexcept {
        return a.retry == b.retry && a.delay == b.delay && a.reason == b.reason;
    }
    friend bool operator!=(const retry_decision& a, const retry_decision& b) noexcept { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const retry_decision& d) {
        if (d.retry) return os << "retry after " << std::chrono::duration_cast<std::chrono::milliseconds>(d.delay).count() << "ms";
        os << "give up";
        if (d.reason) os << " (" << d.reason.message() << ")";
        return os;
    }
};

// One operation's attempts. Holds a reference to the shared quota, which must outlive it.
// Not thread-safe. No call throws.
class retry_strategy {
public:
    retry_strategy(const retry_config& config, retry_quota& quota) noexcept : config_(config), quota_(&quota) {
        if (config_.max_attempts == 0) config_.max_attempts = 1;
    }

    // Starts a new operation: attempt 1, nothing acquired, clock-skew retry unused. Legal any time.
    void begin_operation() noexcept {
        attempt_ = 1;
        acquired_ = 0;
        skew_retry_used_ = false;
        finished_ = false;
    }

    // The number of the attempt about to be sent (or in flight), from 1.
    unsigned attempt() const noexcept { return attempt_; }
    unsigned max_attempts() const noexcept { return config_.max_attempts; }
    const retry_config& config() const noexcept { return config_; }
    bool finished() const noexcept { return finished_; }

    // After attempt() failed with class `c`: retry (delay = backoff, or in standard_2026 the
    // `retry_after_hint` clamped to [backoff, backoff + 5 s]; the hint is ignored in standard mode)
    // and take the retry's cost from the quota; or give up: non-retryable class (incl. clock_skew,
    // see on_clock_skew) → empty reason; last attempt → errc::retries_exhausted; quota too low →
    // errc::retry_quota_exceeded. Giving up finishes the operation. After the operation finished →
    // give_up(errc::invalid_state).
    retry_decision on_failure(error_class c, double jitter01, std::optional<duration> retry_after_hint = {}) noexcept {
        if (finished_) return retry_decision::give_up(errc::invalid_state);
        if (!is_retryable(c)) return stop({});
        if (attempt_ >= config_.max_attempts) return stop(errc::retries_exhausted);
        const unsigned cost = cost_of_retry(config_.mode, c);
        if (!quota_->acquire(cost)) return stop(errc::retry_quota_exceeded);
        acquired_ = cost;
        duration delay = backoff(config_.mode, c, attempt_, jitter01, config_.max_backoff);
        if (config_.mode == retry_mode::standard_2026 && retry_after_hint)
            delay = std::clamp(*retry_after_hint, delay, delay + std::chrono::duration_cast<duration>(max_retry_after_extension));
        ++attempt_;
        return retry_decision::retry_after(delay);
    }

    // After attempt() failed with a clock_skew error: when `offset_corrected` (clock_skew::on_response
    // returned true for this response), the operation has not used its one corrected retry yet and an
    // attempt remains, retry immediately (delay 0, no quota cost: the fault was local); otherwise
    // give up (empty reason, or errc::retries_exhausted when no attempt remains).
    retry_decision on_clock_skew(bool offset_corrected) noexcept {
        if (finished_) return retry_decision::give_up(errc::invalid_state);
        if (!offset_corrected || skew_retry_used_) return stop({});
        if (attempt_ >= config_.max_attempts) return stop(errc::retries_exhausted);
        skew_retry_used_ = true;
        ++attempt_;
        return retry_decision::retry_after(duration::zero());
    }

    // attempt() succeeded: a success after a retry gives back what that retry took, a first-attempt
    // success adds 1 token (never above capacity). Finishes the operation; a second call does nothing.
    void on_success() noexcept {
        if (finished_) return;
        quota_->release(acquired_ > 0 ? acquired_ : no_retry_increment);
        finished_ = true;
    }

    // Appends the amz-sdk-request header value "attempt=N; max=M" to `out`.
    void format_request_header(std::string& out) const {
        out += "attempt=";
        out += std::to_string(attempt_);
        out += "; max=";
        out += std::to_string(config_.max_attempts);
    }

    std::string request_header() const {
        std::string s;
        format_request_header(s);
        return s;
    }

private:
    retry_decision stop(std::error_code why) noexcept {
        finished_ = true;
        return retry_decision::give_up(why);
    }

    retry_config config_;
    retry_quota* quota_;
    unsigned attempt_ = 1;
    unsigned acquired_ = 0;
    bool skew_retry_used_ = false;
    bool finished_ = false;
};

// Parses "true"/"false" (any case, surrounding blanks ignored). Returns errc::invalid_argument otherwise.
inline std::error_code parse_bool_setting(std::string_view text, bool& out) noexcept {
    const std::string_view t = appconfigdata::detail::trim(text);
    if (appconfigdata::detail::iequals(t, "true")) {
        out = true;
        return {};
    }
    if (appconfigdata::detail::iequals(t, "false")) {
        out = false;
        return {};
    }
    return errc::invalid_argument;
}

// Reads AWS_MAX_ATTEMPTS (1..100), AWS_RETRY_MODE ("standard"; "legacy" and "adaptive" fall back to
// standard) and AWS_NEW_RETRIES_2026 (true/false) through `lookup` into `config`; absent variables
// leave the field alone. Returns errc::invalid_argument (and sets *error_message, naming the variable)
// for a malformed value; `config` is unchanged then. Never throws but for allocation.
inline std::error_code retry_config_from_environment(const std::function<std::optional<std::string>(std::string_view)>& lookup,
                                                     retry_config& config, std::string* error_message = nullptr) {
    retry_config c = config;
    auto fail = [&](std::string msg) {
        if (error_message) *error_message = std::move(msg);
        return std::error_code(errc::invalid_argument);
    };
    if (auto v = lookup("AWS_MAX_ATTEMPTS")) {
        unsigned n = 0;
        if (!appconfigdata::detail::parse_unsigned(appconfigdata::detail::trim(*v), n) || n < 1 || n > 100)
            return fail("AWS_MAX_ATTEMPTS must be an integer from 1 to 100");
        c.max_attempts = n;
    }
    if (auto v = lookup("AWS_RETRY_MODE")) {
        const auto t = appconfigdata::detail::trim(*v);
        if (!appconfigdata::detail::iequals(t, "standard") && !appconfigdata::detail::iequals(t, "legacy") &&
            !appconfigdata::detail::iequals(t, "adaptive"))
            return fail("AWS_RETRY_MODE must be standard, legacy or adaptive");
    }
    if (auto v = lookup("AWS_NEW_RETRIES_2026")) {
        bool on = false;
        if (parse_bool_setting(*v, on)) return fail("AWS_NEW_RETRIES_2026 must be true or false");
        c.mode = on ? retry_mode::standard_2026 : retry_mode::standard;
    }
    config = c;
    return {};
}

} // namespace retry
APPCONFIGDATA_NAMESPACE_END
