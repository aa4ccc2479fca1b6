// The configuration session: a sans-IO state machine that keeps one AppConfig Data configuration
// up to date. It starts a session, polls with each single-use token exactly once, never polls before
// the service's interval, keeps the last good configuration, retries a throttled or failed poll with
// the same token within a bounded budget, and restarts the session only when the token expired, was
// rejected, or may have been consumed by a request that got no answer.
//
//   session::configuration_session<adapters::botan_crypto> s(config);
//   s.set_credentials(creds);
//   for (;;) {
//       action a = s.next(now);
//       if (a.kind == action_kind::send)   { response or error from the transport; s.on_response(resp, now) / s.on_transport_error(ec, now); }
//       if (a.kind == action_kind::wait_until) sleep until a.when;
//       if (a.kind == action_kind::need_credentials) s.set_credentials(fresh, now);
//       if (a.kind == action_kind::failed)  s.last_error() says why; stop.
//       while (auto e = s.poll_event()) handle *e;   // changed / unchanged / retrying / session_restarted / error
//   }
//
// States (closed set): start_due → start_in_flight → poll_due → poll_in_flight → poll_due ...,
// a poll answered 429/5xx → poll_due with the same token, any other failure → start_due, `failed`
// only for a non-retryable error of the very first StartConfigurationSession
// (options.fail_on_initial_error) or bad construction input.
//
// Decisions, documented:
// - A token is used again only when the service answered it with 429 (throttling) or a 5xx: it did
//   not consume it, and every AWS SDK retries that way. Once a token was answered with success it is
//   never sent again. A poll that got no response (transport error, timeout) may have consumed its
//   token: the session starts again (restart_reason::no_response); so it does for a 2xx it cannot read
//   (unreadable_response), for BadRequest Expired / Corrupted (token_expired / token_rejected, also when
//   a retried token comes back Corrupted) and for any other 4xx (request_rejected).
// - Throttling, 5xx, timeouts and transport errors are retried with the retry layer's backoff inside
//   one retry budget per operation (retry_config.max_attempts, the shared quota). Past the budget an
//   `error` event is reported and the next attempt follows one poll interval later (with the same
//   token when it was answered 429/5xx), or, until the session holds its first configuration, after
//   the backoff capped at options.first_configuration_retry_cap. Once an operation has spent its
//   budget, later operations make one attempt each (no retries) until something succeeds: in an
//   outage a fleet sends one request per host per poll interval, not max_attempts. The first request
//   of a new session is never sent before the previous session's poll time.
// - Randomness: the session owns a small deterministic generator seeded by options.jitter_seed
//   (splitmix64). It never reads a clock or an entropy source, and the same seed and inputs always
//   give the same schedule.
// - Credential errors (ExpiredTokenException, UnrecognizedClientException, a signature error that a
//   clock-skew correction does not explain) drop the credentials: next() answers need_credentials.
//
// Not thread-safe: one thread drives a session (driver/ has the loops and the shared holder).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/outcome.hpp>
#include <appconfigdata/protocol/get_latest_configuration.hpp>
#include <appconfigdata/protocol/request_target.hpp>
#include <appconfigdata/protocol/service_error.hpp>
#include <appconfigdata/protocol/start_configuration_session.hpp>
#include <appconfigdata/retry/classify.hpp>
#include <appconfigdata/retry/clock_skew.hpp>
#include <appconfigdata/retry/invocation_id.hpp>
#include <appconfigdata/retry/quota.hpp>
#include <appconfigdata/retry/strategy.hpp>
#include <appconfigdata/session/configuration.hpp>
#include <appconfigdata/session/event.hpp>
#include <appconfigdata/session/options.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/sigv4/redact.hpp>
#include <appconfigdata/sigv4/signer.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace session {

enum class session_state { start_due, start_in_flight, poll_due, poll_in_flight, failed };

inline const char* to_string(session_state s) noexcept {
    constexpr const char* names[] = {"start_due", "start_in_flight", "poll_due", "poll_in_flight", "failed"};
    return appconfigdata::detail::enum_name<session_state::failed>(s, names);
}

inline std::ostream& operator<<(std::ostream& os, session_state s) { return os << to_string(s); }

// Counters, for tools and tests.
struct session_stats {
    std::uint64_t starts_sent = 0;    // StartConfigurationSession requests handed out
    std::uint64_t polls_sent = 0;     // GetLatestConfiguration requests handed out
    std::uint64_t polls_succeeded = 0; // 2xx GetLatestConfiguration responses parsed
    std::uint64_t changes = 0;        // `changed` events
    std::uint64_t restarts = 0;       // `session_restarted` events
    std::uint64_t retries = 0;        // `retrying` events
    std::uint64_t errors = 0;         // `error` events
    // The cost meter. AppConfig bills per configuration request made through the API and per
    // configuration received. Counted here: requests the service answered with success (either
    // operation; throttled and failed ones are assumed not billed), and polls whose body held a
    // configuration (non-empty).
    std::uint64_t billable_requests = 0;
    std::uint64_t configurations_received = 0;

    friend bool operator==(const session_stats& a, const session_stats& b) {
        return a.starts_sent == b.starts_sent && a.polls_sent == b.polls_sent && a.polls_succeeded == b.polls_succeeded &&
               a.changes == b.changes && a.restarts == b.restarts && a.retries == b.retries && a.errors == b.errors &&
               a.billable_requests == b.billable_requests && a.configurations_received == b.configurations_received;
    }
    friend bool operator!=(const session_stats& a, const session_stats& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const session_stats& s) {
        return os << "session_stats{starts=" << s.starts_sent << ", polls=" << s.polls_sent << ", ok=" << s.polls_succeeded
                  << ", changes=" << s.changes << ", restarts=" << s.restarts << ", retries=" << s.retries << ", errors=" << s.errors
                  << ", billable=" << s.billable_requests << ", received=" << s.configurations_received << "}";
    }
};

namespace detail {

// splitmix64: a tiny, well-mixed deterministic generator (public-domain algorithm by S. Vigna).
struct splitmix64 {
    std::uint64_t state = 0;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double uniform01() noexcept { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

} // namespace detail

template <class Crypto>
class configuration_session {
public:
    // Validates `config` (identifiers, poll interval, endpoint URL, region). On bad input the session
    // is `failed` from the start: next() returns action::fail() and last_error() holds
    // errc::invalid_identifier / invalid_poll_interval / invalid_url / invalid_region. Throws only std::bad_alloc.
    explicit configuration_session(session_config config, Crypto crypto = Crypto{})
        : config_(std::move(config)), signer_(std::move(crypto)), quota_(config_.options.retry.quota_capacity),
          strategy_(config_.options.retry, quota_), skew_(config_.options.clock_skew) {
        rng_.state = config_.options.jitter_seed.value_or(0);
        input_.application_identifier = config_.application;
        input_.environment_identifier = config_.environment;
        input_.configuration_profile_identifier = config_.configuration_profile;
        if (config_.options.min_poll_interval)
            input_.required_minimum_poll_interval_in_seconds = static_cast<int>(std::min<long long>(config_.options.min_poll_interval->count(), 1LL << 30));
        std::error_code ec = input_.validate();
        if (!ec) ec = protocol::parse_endpoint(config_.endpoint_url, endpoint_);
        if (!ec && config_.region.empty()) ec = errc::invalid_region;
        if (ec) {
            set_failed_state();
            outcome_.error = ec;
            outcome_.diag.message = "invalid session configuration: " + ec.message();
        }
        current_interval_ = config_.options.min_poll_interval ? *config_.options.min_poll_interval : config_.options.default_poll_interval;
        if (current_interval_ < std::chrono::seconds(1)) current_interval_ = std::chrono::seconds(1);
        if (!(config_.options.fleet_jitter >= 0.0)) config_.options.fleet_jitter = 0.0;
        if (config_.options.fleet_jitter > 1.0) config_.options.fleet_jitter = 1.0;
        events_.reserve(16);
        if (!config_.options.jitter_seed && state_ != session_state::failed) {
            event e;
            e.kind = event_kind::warning;
            e.diag.message = "session_options::jitter_seed is not set: this host's polls and retries are not jittered against "
                             "other hosts' (seed it from adapters::system_random_seed() or the platform's entropy)";
            push(std::move(e));
        }
    }

    // Gives the session credentials to sign with. Legal in every state (returns {}); takes effect at
    // the next send. `now` is when they were received: credentials that expire are asked for again
    // ahead of expiry (session_options::credentials_refresh_window). Never throws but for allocation.
    std::error_code set_credentials(const credentials& creds, time_point now) {
        const bool same = creds == creds_;
        creds_ = creds;
        credentials_rejected_ = false;
        if (!same) {
            // time_point::min(): received at an unknown time; the next next(now) sets the refresh time.
            credentials_refresh_at_ = now == (time_point::min)() ? now : refresh_time(creds_, now, config_.options.credentials_refresh_window);
            refresh_asked_ = false;
        }
        return {};
    }
    // The same, for callers without a time at hand: the refresh time is set by the next next(now).
    void set_credentials(const credentials& creds) { (void)set_credentials(creds, (time_point::min)()); }

    // What to do at `now`:
    // - send: perform *request (valid until the next call on this session) within `timeout`, then call
    //   on_response or on_transport_error. While a request is outstanding next() returns
    //   wait_until(time_point::max()) and never hands out a second request.
    // - wait_until: call again at `when` (or earlier; nothing is sent before `when`).
    // - need_credentials: no credentials, expired ones, or ones the service rejected: set_credentials.
    // - failed: a permanent error (last_error()); the session stays failed. Never throws but for allocation.
    action next(time_point now) {
        switch (state_) {
        case session_state::failed: return action::fail();
        case session_state::start_in_flight:
        case session_state::poll_in_flight: return action::wait((time_point::max)());
        case session_state::start_due:
        case session_state::poll_due: break;
        }
        if (now < due_) return action::wait(due_);
        if (state_ == session_state::poll_due && session_started_at_ != time_point{} && now - session_started_at_ >= config_.options.max_session_age) {
            push_restart(now, restart_reason::session_age, {}, nullptr);
            state_ = session_state::start_due;
        }
        if (creds_.empty() || credentials_rejected_ || creds_.expired(skew_.corrected(now))) return action::credentials_needed();
        if (credentials_refresh_at_ == (time_point::min)())
            credentials_refresh_at_ = refresh_time(creds_, skew_.corrected(now), config_.options.credentials_refresh_window);
        if (!refresh_asked_ && skew_.corrected(now) >= credentials_refresh_at_) {
            refresh_asked_ = true; // once per credentials: the same ones back are used until they expire
            return action::credentials_needed();
        }
        if (!operation_active_) begin_operation();

        std::error_code ec;
        if (state_ == session_state::start_due) {
            ec = protocol::build_start_configuration_session(endpoint_, input_, request_);
            if (!ec && config_.options.sdk_request_headers) {
                request_.headers.set("amz-sdk-invocation-id", invocation_id_);
                sdk_request_value_.clear();
                strategy_.format_request_header(sdk_request_value_);
                request_.headers.set("amz-sdk-request", sdk_request_value_);
            }
        } else {
            ec = protocol::build_get_latest_configuration(endpoint_, token_, request_);
        }
        if (!ec) {
            if (creds_.session_token.empty()) request_.headers.erase("x-amz-security-token");
            sigv4::signing_params p;
            p.region = config_.region;
            p.service = config_.signing_name;
            p.time = skew_.corrected(now);
            p.query_is_canonical = true; // the protocol builders write the query in canonical form
            ec = signer_.sign(request_, creds_, p);
            if (ec && ec != errc::no_credentials && ec != errc::invalid_credentials)
                return fail_permanently(ec, now, "could not sign the request: " + ec.message());
            if (ec) {
                // Credentials the signer cannot use: report and ask for other credentials.
                event e = make_event(event_kind::error, now);
                e.error = ec;
                e.diag.message = "could not sign the request: " + ec.message();
                push(std::move(e));
                credentials_rejected_ = true;
                return action::credentials_needed();
            }
        }
        if (ec) return fail_permanently(ec, now, "could not build the request: " + ec.message());
        sent_at_ = now;
        if (state_ == session_state::start_due) {
            state_ = session_state::start_in_flight;
            ++stats_.starts_sent;
        } else {
            state_ = session_state::poll_in_flight;
            sent_token_.swap(token_); // in flight: back only if the service answers 429 / 5xx
            token_.clear();
            ++stats_.polls_sent;
        }
        return action::send(request_, config_.options.request_timeout);
    }

    // Feeds the response to the request handed out by the last next(). Returns errc::invalid_state
    // (changing nothing) when no request is outstanding; otherwise {} — what the response meant is
    // reported through events, latest() and the next next(). Never throws but for allocation.
    std::error_code on_response(const http::response& r, time_point now) {
        if (state_ != session_state::start_in_flight && state_ != session_state::poll_in_flight) return errc::invalid_state;
        const bool corrected = skew_.on_response(r.headers, sent_at_, now);
        if (state_ == session_state::start_in_flight) {
            if (auto ec = protocol::parse_start_configuration_session(r, start_out_, error_, config_.options.size_limits)) {
                handle_failure(ec, now, false, corrected, &r.headers);
                return {};
            }
            token_.assign(start_out_.initial_configuration_token);
            ++stats_.billable_requests;
            degraded_ = false; // the service answers again
            session_started_at_ = now;
            state_ = session_state::poll_due;
            due_ = std::max(now, next_poll_at_);
            return {};
        }
        protocol::get_latest_configuration_output out;
        if (auto ec = protocol::parse_get_latest_configuration(r, out, error_, config_.options.size_limits)) {
            handle_failure(ec, now, true, corrected, &r.headers);
            return {};
        }
        on_poll_success(out, now);
        return {};
    }

    // The request handed out by the last next() got no response (`ec`: errc::transport_failed,
    // errc::timeout, a system error...). Returns errc::invalid_state when no request is outstanding.
    // A lost poll may have consumed its token: the session restarts. Never throws but for allocation.
    std::error_code on_transport_error(std::error_code ec, time_point now) {
        if (state_ != session_state::start_in_flight && state_ != session_state::poll_in_flight) return errc::invalid_state;
        if (!ec) ec = errc::transport_failed;
        error_.clear();
        error_.code = ec;
        error_.diag.message = "no response: " + ec.message();
        handle_failure(ec, now, state_ == session_state::poll_in_flight, false, nullptr);
        return {};
    }

    // The oldest unread event, or nullopt. Legal any time. Never throws but for allocation.
    std::optional<event> poll_event() {
        if (event_head_ >= events_.size()) return std::nullopt;
        std::optional<event> e(std::move(events_[event_head_++]));
        if (event_head_ == events_.size()) {
            events_.clear();
            event_head_ = 0;
        }
        return e;
    }

    // Same, into `out` (reuses its buffers); false when there is none.
    bool poll_event(event& out) {
        if (event_head_ >= events_.size()) return false;
        out = std::move(events_[event_head_++]);
        if (event_head_ == events_.size()) {
            events_.clear();
            event_head_ = 0;
        }
        return true;
    }

    std::size_t pending_events() const noexcept { return events_.size() - event_head_; }

    // The last good configuration (empty() before the first one). Never overwritten by an empty body
    // or a failure. Valid until the next on_response.
    const configuration& latest() const noexcept { return latest_; }
    bool has_configuration() const noexcept { return has_configuration_; }

    session_state state() const noexcept { return state_; }
    session_state current_state() const noexcept { return state_; } // the machine concept's name for state()
    // outcome(): status failed (with the error and its diagnostics) once the session is `failed`;
    // otherwise pending, with the last failure seen (retried or reported), empty before any.
    // Configurations are reported as events and by latest(), not here.
    const appconfigdata::outcome<no_value>& outcome() const noexcept { return outcome_; }
    // Shorthands of outcome().error and outcome().diag (the README's API).
    std::error_code last_error() const noexcept { return outcome_.error; }
    const diagnostics& last_diagnostics() const noexcept { return outcome_.diag; }
    // The full details of the last service error response (BadRequest problems, ReferencedBy...).
    const protocol::service_error& last_service_error() const noexcept { return error_; }
    // When the next request may go out (meaningful in start_due / poll_due).
    time_point due() const noexcept { return due_; }
    // Earliest time of the next GetLatestConfiguration (the service's interval, plus jitter).
    time_point next_poll_at() const noexcept { return next_poll_at_; }
    std::chrono::seconds poll_interval() const noexcept { return current_interval_; }
    const session_stats& stats() const noexcept { return stats_; }
    const retry::clock_skew& clock_skew() const noexcept { return skew_; }
    const session_config& config() const noexcept { return config_; }
    // The request last handed out (for logs and tests).
    const http::request& last_request() const noexcept { return request_; }

private:
    void set_failed_state() {
        state_ = session_state::failed;
        outcome_.status = outcome_status::failed;
    }

    void begin_operation() {
        operation_active_ = true;
        strategy_.begin_operation();
        std::array<std::uint8_t, 16> bytes{};
        for (std::size_t i = 0; i < bytes.size(); i += 8) {
            const std::uint64_t v = rng_.next();
            for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
        }
        invocation_id_.clear();
        retry::format_invocation_id(bytes, invocation_id_);
    }

    void end_operation_success() {
        if (operation_active_) strategy_.on_success();
        operation_active_ = false;
        token_restarts_ = 0;
        degraded_ = false;
    }

    event make_event(event_kind k, time_point now) const {
        event e;
        e.kind = k;
        e.at = now;
        return e;
    }

    void push(event&& e) {
        switch (e.kind) {
        case event_kind::changed: ++stats_.changes; break;
        case event_kind::unchanged: break;
        case event_kind::retrying: ++stats_.retries; break;
        case event_kind::session_restarted: ++stats_.restarts; break;
        case event_kind::error: ++stats_.errors; break;
        case event_kind::warning: break;
        }
        if (pending_events() >= config_.options.max_queued_events && pending_events() > 0) ++event_head_; // drop the oldest
        if (event_head_ > 0 && event_head_ == events_.size()) {
            events_.clear();
            event_head_ = 0;
        }
        events_.push_back(std::move(e));
    }

    void push_restart(time_point now, restart_reason why, std::error_code ec, const diagnostics* d) {
        event e = make_event(event_kind::session_restarted, now);
        e.reason = why;
        e.error = ec;
        if (d) e.diag = *d;
        push(std::move(e));
    }

    void report_error(time_point now, std::error_code ec, std::error_code why_stopped) {
        outcome_.error = ec;
        outcome_.diag = error_.diag;
        event e = make_event(event_kind::error, now);
        e.error = ec;
        e.detail = why_stopped;
        e.diag = error_.diag;
        push(std::move(e));
    }

    action fail_permanently(std::error_code ec, time_point now, std::string message) {
        error_.clear();
        error_.code = ec;
        error_.diag.message = std::move(message);
        report_error(now, ec, {});
        set_failed_state();
        return action::fail();
    }

    // A poll delay: the interval plus fleet jitter (never less than the interval).
    duration jittered(std::chrono::seconds interval) {
        const double extra = config_.options.fleet_jitter * rng_.uniform01();
        return std::chrono::duration_cast<duration>(interval) +
               std::chrono::duration_cast<duration>(std::chrono::duration<double>(static_cast<double>(interval.count()) * extra));
    }

    void on_poll_success(const protocol::get_latest_configuration_output& out, time_point now) {
        ++stats_.polls_succeeded;
        ++stats_.billable_requests;
        if (!out.configuration.empty()) ++stats_.configurations_received;
        end_operation_success();
        initial_failures_ = 0;
        token_.assign(out.next_poll_configuration_token.data(), out.next_poll_configuration_token.size());
        auto interval = std::chrono::seconds(out.next_poll_interval_in_seconds);
        if (config_.options.min_poll_interval && interval < *config_.options.min_poll_interval) interval = *config_.options.min_poll_interval;
        if (interval < std::chrono::seconds(1)) interval = std::chrono::seconds(1);
        if (interval > std::chrono::hours(24)) interval = std::chrono::hours(24);
        current_interval_ = interval;
        next_poll_at_ = now + jittered(interval);
        state_ = session_state::poll_due;
        due_ = next_poll_at_;
        if (!out.configuration.empty() && !(has_configuration_ && latest_.same_as(out.configuration, out.content_type, out.version_label))) {
            latest_.content.assign(out.configuration.data(), out.configuration.size());
            latest_.content_type.assign(out.content_type.data(), out.content_type.size());
            latest_.version_label.assign(out.version_label.data(), out.version_label.size());
            latest_.received_at = now;
            has_configuration_ = true;
            event e = make_event(event_kind::changed, now);
            e.content = latest_.content;
            e.content_type = latest_.content_type;
            e.version_label = latest_.version_label;
            push(std::move(e));
        } else {
            push(make_event(event_kind::unchanged, now));
        }
    }

    static bool is_credentials_error(std::error_code ec) noexcept {
        return ec == condition::credentials_rejected;
    }

    // Retry-layer class of a failure: a response (status + AWS type), a malformed 2xx (transient:
    // the service or a proxy misbehaved), or a transport error.
    retry::error_class classify(std::error_code ec, bool transport) const {
        if (transport) return retry::classify_transport(ec);
        if (error_.diag.http_status >= 200 && error_.diag.http_status <= 299) return retry::error_class::transient;
        return retry::classify(error_.diag.http_status, error_.diag.error_type);
    }

    // After a failure of the request in flight. `was_poll`: a GetLatestConfiguration failed; its token
    // goes again only when the service answered 429 or 5xx (see the decisions above).
    void handle_failure(std::error_code ec, time_point now, bool was_poll, bool skew_corrected, const http::headers* response_headers) {
        const bool transport = response_headers == nullptr;
        if (!transport) error_.edit_texts(sigv4::redactor(request_, &creds_)); // the service may quote the request's secrets
        outcome_.error = ec;
        outcome_.diag = error_.diag;
        const int status = error_.diag.http_status;
        const bool keep_token = was_poll && !transport && (status == 429 || status >= 500);
        if (keep_token) {
            token_.swap(sent_token_); // not consumed: the same token goes again
            state_ = session_state::poll_due;
        } else {
            state_ = session_state::start_due; // a failed start starts again; a dead token means a new session
        }
        sent_token_.clear();

        // Token problems: restart at once (PollIntervalNotSatisfied: after a full interval).
        if (was_poll && ec == errc::bad_request && !error_.invalid_parameters.empty()) {
            restart_reason why = restart_reason::none;
            if (error_.has_problem(protocol::invalid_parameter_problem::expired)) why = restart_reason::token_expired;
            else if (error_.has_problem(protocol::invalid_parameter_problem::corrupted)) why = restart_reason::token_rejected;
            else if (error_.has_problem(protocol::invalid_parameter_problem::poll_interval_not_satisfied))
                why = restart_reason::poll_interval_not_satisfied;
            if (why != restart_reason::none) {
                push_restart(now, why, ec, &error_.diag);
                if (why == restart_reason::poll_interval_not_satisfied) {
                    next_poll_at_ = std::max(next_poll_at_, now + jittered(current_interval_));
                    due_ = next_poll_at_;
                } else {
                    // Guard against a loop of instantly rejected tokens: back off after the second one.
                    ++token_restarts_;
                    due_ = now;
                    if (token_restarts_ > 2) {
                        const auto cap = std::chrono::duration_cast<duration>(current_interval_);
                        due_ = now + std::min(cap, retry::backoff(retry::retry_mode::standard, retry::error_class::transient,
                                                                  token_restarts_ - 2, rng_.uniform01(), cap));
                    }
                }
                return;
            }
        }
        const restart_reason why_restart = !was_poll || keep_token ? restart_reason::none
                                           : transport                ? restart_reason::no_response
                                           : status >= 200 && status <= 299 ? restart_reason::unreadable_response
                                                                            : restart_reason::request_rejected;

        retry::error_class cls = classify(ec, transport);
        const bool retryable = cls == retry::error_class::throttling || cls == retry::error_class::transient || cls == retry::error_class::timeout;
        retry::retry_decision d;
        if (cls == retry::error_class::clock_skew) {
            d = strategy_.on_clock_skew(skew_corrected);
        } else if (degraded_ && retryable) {
            // The last operation already spent its whole budget on this kind of failure and nothing has
            // succeeded since: one attempt per operation until the service answers again (a fleet
            // in an outage sends no more than one request per host per poll interval).
            d = retry::retry_decision::give_up(errc::retries_exhausted);
        } else {
            d = strategy_.on_failure(cls, rng_.uniform01(), response_headers ? retry::retry_after_hint(*response_headers) : std::nullopt);
        }
        if (d.retry) {
            event e = make_event(event_kind::retrying, now);
            e.error = ec;
            e.diag = error_.diag;
            e.delay = d.delay;
            push(std::move(e));
            if (why_restart != restart_reason::none) push_restart(now, why_restart, ec, &error_.diag);
            due_ = now + d.delay; // a new session's first poll still waits for next_poll_at_
            return;
        }

        // Not retried (now): report, then carry on with the schedule.
        report_error(now, ec, d.reason);
        operation_active_ = false;
        if (retryable) degraded_ = true;
        if (is_credentials_error(ec) && cls != retry::error_class::throttling) credentials_rejected_ = true;
        if (!was_poll && !has_configuration_ && config_.options.fail_on_initial_error && !d.reason && !transport &&
            cls == retry::error_class::non_retryable && !is_credentials_error(ec)) {
            set_failed_state();
            return;
        }
        if (why_restart != restart_reason::none) push_restart(now, why_restart, ec, &error_.diag);
        if (!has_configuration_ && retryable) {
            // Start-up: the next attempt follows the backoff, capped low, not a poll interval (a
            // non-retryable error such as AccessDenied still waits the interval).
            ++initial_failures_;
            const duration cap = config_.options.first_configuration_retry_cap;
            due_ = now + std::min(cap, retry::backoff(retry::retry_mode::standard, cls == retry::error_class::throttling ? cls : retry::error_class::transient,
                                                      initial_failures_, rng_.uniform01(), cap));
            return;
        }
        next_poll_at_ = std::max(next_poll_at_, now + jittered(current_interval_));
        due_ = next_poll_at_;
    }

    session_config config_;
    sigv4::signer<Crypto> signer_;
    retry::retry_quota quota_;
    retry::retry_strategy strategy_;
    retry::clock_skew skew_;
    detail::splitmix64 rng_;

    protocol::start_configuration_session_input input_;
    http::url endpoint_;
    credentials creds_;
    bool credentials_rejected_ = false;
    time_point credentials_refresh_at_ = (time_point::max)(); // ask for fresh credentials from then on
    bool refresh_asked_ = false;

    session_state state_ = session_state::start_due;
    time_point due_{};                 // nothing is sent before this
    time_point next_poll_at_{};        // no GetLatestConfiguration before this
    time_point sent_at_{};
    time_point session_started_at_{};
    std::chrono::seconds current_interval_{60};
    std::string token_;                // the token to send next (empty while it is in flight)
    std::string sent_token_;           // the token in flight (back to token_ after a 429 / 5xx answer)
    bool operation_active_ = false;
    unsigned token_restarts_ = 0;
    unsigned initial_failures_ = 0;    // failures past the retry budget before the first configuration
    bool degraded_ = false;            // an operation spent its retry budget; nothing succeeded since

    http::request request_;
    std::string invocation_id_;
    std::string sdk_request_value_;
    protocol::start_configuration_session_output start_out_;
    protocol::service_error error_;

    configuration latest_;
    bool has_configuration_ = false;
    std::vector<event> events_;
    std::size_t event_head_ = 0;

    appconfigdata::outcome<no_value> outcome_; // status failed once the session is; else the last failure seen
    session_stats stats_;
};

} // namespace session
APPCONFIGDATA_NAMESPACE_END
