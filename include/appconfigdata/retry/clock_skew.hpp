// Clock-skew correction: SigV4 signatures are only accepted within ±5 minutes of the server's
// clock. From each response's `Date` header and the times the request was sent and its response
// received, this keeps an offset to add to the local time when signing. Cross-SDK rules: skew =
// server time − midpoint(sent, received); ignore cached responses (an `Age` header) and round trips
// longer than 15 minutes; correct only when the skew reaches the threshold (4 minutes).
//
//   time_point signing_time = skew.corrected(now);     // sign with this
//   ... send at `sent`, response at `received`
//   bool corrected = skew.on_response(response.headers, sent, received);
//   if (retry::classify(status, type) == error_class::clock_skew) decision = strategy.on_clock_skew(corrected);
//
// Pure value: no clock, no I/O. Not thread-safe.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <ostream>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace retry {

struct clock_skew_config {
    bool enabled = true;                                   // false: offset() stays zero (opt-out)
    duration threshold = std::chrono::minutes(4);          // smaller skews are not corrected
    duration max_round_trip = std::chrono::minutes(15);    // longer round trips are not trusted
};

class clock_skew {
public:
    clock_skew() = default;
    explicit clock_skew(const clock_skew_config& config) noexcept : config_(config) {}

    // Feeds one response (any status) received at `received` for a request sent at `sent` (both
    // local, uncorrected times). Ignored (returns false) when disabled, when `Date` is absent or not
    // an RFC 7231 IMF-fixdate, when an `Age` header is present, when received < sent or the round
    // trip exceeds max_round_trip. Otherwise, when the server's time differs from the corrected
    // midpoint by at least the threshold, stores the new offset (the measured skew, or zero when the
    // measured skew itself is below the threshold) and returns true: a request that failed with a
    // clock-skew error deserves one retry signed with the new offset. Returns false when the current
    // offset already explains the server's time. Never throws.
    bool on_response(const http::headers& response_headers, time_point sent, time_point received) noexcept {
        if (!config_.enabled) return false;
        if (response_headers.contains("age")) return false;
        const std::string* date = response_headers.find("date");
        if (!date) return false;
        time_point server{};
        if (http::parse_http_date(*date, server)) return false;
        if (received < sent || received - sent > config_.max_round_trip) return false;
        const time_point midpoint = sent + (received - sent) / 2;
        const duration skew = server - midpoint;
        if (abs(skew - offset_) < config_.threshold) return false;
        offset_ = abs(skew) >= config_.threshold ? skew : duration::zero();
        return true;
    }

    // What to add to the local time when signing (zero until a correction happened).
    duration offset() const noexcept { return offset_; }

    // `local_now` corrected by offset(): the time to sign with.
    time_point corrected(time_point local_now) const noexcept { return local_now + offset_; }

    // Forgets the offset (e.g. after the system clock was fixed).
    void reset() noexcept { offset_ = duration::zero(); }

    const clock_skew_config& config() const noexcept { return config_; }

    friend bool operator==(const clock_skew& a, const clock_skew& b) noexcept { return a.offset_ == b.offset_; }
    friend bool operator!=(const clock_skew& a, const clock_skew& b) noexcept { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const clock_skew& c) {
        return os << "clock_skew{offset=" << std::chrono::duration_cast<std::chrono::seconds>(c.offset_).count() << "s}";
    }

private:
    static duration abs(duration d) noexcept { return d < duration::zero() ? -d : d; }

    clock_skew_config config_;
    duration offset_ = duration::zero();
};

} // namespace retry
APPCONFIGDATA_NAMESPACE_END
