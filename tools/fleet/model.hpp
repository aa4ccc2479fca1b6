// The service model of appconfigdata-fleet: AppConfig Data reduced to what a fleet of clients can
// feel, without sockets, in virtual time (microseconds since the start of the run).
//
// - A token bucket in front of everything: `rate_limit` requests per second, a burst of one second's
//   worth; above it a request is answered 429 ThrottlingException and not processed (its token,
//   if it carried one, stays valid).
// - An outage window: the first half of it every request is answered 500 InternalServerException,
//   the second half no request is answered at all (the client gives up after its timeout).
// - StartConfigurationSession opens a session; its tokens expire 24 h after the session started
//   (BadRequest Expired; a per-session limit, stricter than a per-token one).
// - GetLatestConfiguration: a token presented again after it was answered with success counts as a
//   token reuse (BadRequest Corrupted); a poll before the session's interval has passed counts as an
//   early poll (BadRequest PollIntervalNotSatisfied). A 429 or 5xx answer does not consume a token.
// - A deployment bumps the version; each session receives a body once per version.
//
// Signatures are not verified by the model (nor are X-Amz-Date and skew): it counts what a fleet
// does to the service, not whether each request would authenticate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleet {

inline constexpr std::int64_t us_per_s = 1000000;

enum class reply_kind {
    started,       // 201, token
    polled,        // 200, token, interval, body when `version` >= 0
    throttled,     // 429 ThrottlingException
    server_error,  // 500 InternalServerException (outage)
    no_response,   // nothing comes back (outage)
    expired,       // 400 BadRequest, problem Expired
    corrupted,     // 400 BadRequest, problem Corrupted (unknown or reused token)
    too_early,     // 400 BadRequest, problem PollIntervalNotSatisfied
};

struct reply {
    reply_kind kind = reply_kind::no_response;
    std::string token;   // started / polled: the next token
    int interval_s = 0;  // polled
    int version = -1;    // polled: the version in the body, -1 for an empty body
};

struct model_counters {
    std::uint64_t requests = 0, starts = 0, polls = 0;
    std::uint64_t throttled = 0, outage_errors = 0, outage_unanswered = 0;
    std::uint64_t early_polls = 0, token_reuses = 0, expired = 0, corrupted = 0;
    std::uint64_t configurations_received = 0; // polls answered with a body (billed per configuration)
};

class service_model {
public:
    struct settings {
        double rate_limit = 1000;          // requests per second (token bucket, burst = 1 s)
        int poll_interval_s = 60;          // Next-Poll-Interval-In-Seconds
        std::int64_t token_lifetime_us = 24LL * 3600 * us_per_s;
        std::int64_t outage_from_us = -1;  // [from, to): the outage window (none when from < 0)
        std::int64_t outage_to_us = -1;
    };

    explicit service_model(settings s) : s_(s), bucket_(s.rate_limit) { sessions_.reserve(1 << 14); }

    int version() const noexcept { return version_; }
    void deploy() noexcept { ++version_; }
    const model_counters& counters() const noexcept { return c_; }
    // Per-second request counts (index: second of the run).
    const std::vector<std::uint32_t>& per_second() const noexcept { return per_second_; }

    // StartConfigurationSession arriving at `t_us`.
    void start(std::int64_t t_us, reply& out) {
        ++c_.starts;
        if (!admit(t_us, out)) return;
        const std::uint32_t id = static_cast<std::uint32_t>(sessions_.size());
        sessions_.push_back(session{t_us, t_us, 0, -1});
        out.kind = reply_kind::started;
        format_token(id, 0, out.token);
    }

    // GetLatestConfiguration with `token` arriving at `t_us`.
    void poll(std::int64_t t_us, std::string_view token, reply& out) {
        ++c_.polls;
        if (!admit(t_us, out)) return;
        std::uint32_t id = 0, seq = 0;
        if (!parse_token(token, id, seq) || id >= sessions_.size() || seq > sessions_[id].seq) {
            ++c_.corrupted;
            out.kind = reply_kind::corrupted;
            return;
        }
        session& s = sessions_[id];
        if (seq < s.seq) { // this token was answered with success before
            ++c_.token_reuses;
            out.kind = reply_kind::corrupted;
            return;
        }
        if (t_us - s.started_us >= s_.token_lifetime_us) {
            ++c_.expired;
            out.kind = reply_kind::expired;
            return;
        }
        if (t_us < s.next_allowed_us) {
            ++c_.early_polls;
            out.kind = reply_kind::too_early;
            return;
        }
        ++s.seq;
        s.next_allowed_us = t_us + static_cast<std::int64_t>(s_.poll_interval_s) * us_per_s;
        out.kind = reply_kind::polled;
        out.interval_s = s_.poll_interval_s;
        format_token(id, s.seq, out.token);
        if (s.version_sent != version_) {
            s.version_sent = version_;
            out.version = version_;
            ++c_.configurations_received;
        } else {
            out.version = -1;
        }
    }

    // Tokens look like AppConfig's (base64 alphabet with '+', '/' and '=') so the clients
    // percent-encode them as they would a real one.
    static void format_token(std::uint32_t id, std::uint32_t seq, std::string& out) {
        out.assign("AYAD+");
        append_hex(out, id);
        out.push_back('/');
        append_hex(out, seq);
        out.append("==");
    }
    static bool parse_token(std::string_view t, std::uint32_t& id, std::uint32_t& seq) {
        if (t.size() < 9 || t.substr(0, 5) != "AYAD+" || t.substr(t.size() - 2) != "==") return false;
        t = t.substr(5, t.size() - 7);
        const auto slash = t.find('/');
        if (slash == std::string_view::npos) return false;
        return parse_hex(t.substr(0, slash), id) && parse_hex(t.substr(slash + 1), seq);
    }

private:
    struct session {
        std::int64_t started_us;
        std::int64_t next_allowed_us;
        std::uint32_t seq;      // the sequence number of the token the session may use now
        int version_sent;
    };

    bool admit(std::int64_t t_us, reply& out) {
        ++c_.requests;
        const std::size_t second = static_cast<std::size_t>(t_us / us_per_s);
        if (second >= per_second_.size()) per_second_.resize(second + 1, 0);
        ++per_second_[second];
        if (t_us > bucket_at_us_) { // the bucket refills; requests may arrive a little out of order
            bucket_ += static_cast<double>(t_us - bucket_at_us_) * s_.rate_limit / static_cast<double>(us_per_s);
            if (bucket_ > s_.rate_limit) bucket_ = s_.rate_limit;
            bucket_at_us_ = t_us;
        }
        if (bucket_ < 1.0) {
            ++c_.throttled;
            out.kind = reply_kind::throttled;
            return false;
        }
        bucket_ -= 1.0;
        if (s_.outage_from_us >= 0 && t_us >= s_.outage_from_us && t_us < s_.outage_to_us) {
            if (t_us < s_.outage_from_us + (s_.outage_to_us - s_.outage_from_us) / 2) {
                ++c_.outage_errors;
                out.kind = reply_kind::server_error;
            } else {
                ++c_.outage_unanswered;
                out.kind = reply_kind::no_response;
            }
            return false;
        }
        return true;
    }

    static void append_hex(std::string& out, std::uint32_t v) {
        char buf[8];
        int n = 0;
        do {
            buf[n++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v != 0);
        while (n > 0) out.push_back(buf[--n]);
    }
    static bool parse_hex(std::string_view s, std::uint32_t& v) {
        if (s.empty() || s.size() > 8) return false;
        v = 0;
        for (char ch : s) {
            int d;
            if (ch >= '0' && ch <= '9') d = ch - '0';
            else if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
            else return false;
            v = (v << 4) | static_cast<std::uint32_t>(d);
        }
        return true;
    }

    settings s_;
    double bucket_;
    std::int64_t bucket_at_us_ = 0;
    int version_ = 1;
    std::vector<session> sessions_;
    std::vector<std::uint32_t> per_second_;
    model_counters c_;
};

} // namespace fleet
