// A simulated AppConfig Data service for deterministic simulation tests: virtual time, single-use
// tokens (with '+', '/' and '='), per-session poll intervals, 24 h token expiry, deployments, a
// skewable server clock and injected faults (throttling, 5xx, lost requests, lost responses after
// the token was consumed, expired and corrupted tokens, slow responses). It records every
// violation of the client rules it can see from its side (token reuse, early polls).
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace test_support {

namespace acd = appconfigdata;

struct sim_faults {
    double throttle = 0;            // 429 ThrottlingException (token consumed on polls)
    double server_error = 0;        // 500 InternalServerException before any processing
    double bad_gateway = 0;         // 502 with an HTML body (a proxy)
    double lost_request = 0;        // never reaches the service: the client times out
    double lost_response = 0;       // processed (token consumed, next token issued), response lost
    double expired = 0;             // poll answered BadRequest Expired
    double corrupted = 0;           // poll answered BadRequest Corrupted
    double slow = 0;                // response takes 2..30 s
};

struct sim_outcome {
    bool delivered = false;         // false: the client sees `transport_error`
    std::error_code transport_error;
    acd::http::response response;
    acd::duration latency{};
};

class simulated_service {
public:
    explicit simulated_service(std::uint64_t seed) : rng_(seed) {}

    sim_faults faults;                          // current fault probabilities (change them any time)
    acd::duration clock_offset{};               // server clock = virtual time + offset
    int base_interval_seconds = 60;             // interval when the client asks for less
    acd::duration token_lifetime = std::chrono::hours(24);
    acd::duration timeout = std::chrono::seconds(10); // what a lost request or response costs the client

    // Optional signature check (e.g. sigv4::verify): returns an error and fills the diagnostics
    // status and error type for a request the service must reject. Without it only the X-Amz-Date
    // skew (5 minutes) is checked.
    std::function<std::error_code(const acd::http::request&, acd::time_point server_now, acd::diagnostics&)> verifier;

    std::vector<std::string> violations;        // rule breaks seen by the service
    std::uint64_t requests = 0, polls_ok = 0, starts_ok = 0;

    int current_version() const noexcept { return version_; }
    std::string label_of(int v) const { return "v" + std::to_string(v); }
    std::string content_of(int v) const { return "{\"version\":" + std::to_string(v) + ",\"pad\":\"" + std::string(static_cast<std::size_t>(v % 7), 'x') + "\"}"; }
    void deploy() { ++version_; }

    // Handles one request sent at virtual time `now`.
    sim_outcome handle(const acd::http::request& req, acd::time_point now) {
        ++requests;
        if (auto problem = acd::http::framing_problem(req)) violations.push_back("request not sendable verbatim: " + *problem);
        sim_outcome out;
        out.latency = std::chrono::milliseconds(20 + static_cast<int>(uniform() * 80));
        if (chance(faults.slow)) out.latency = std::chrono::seconds(2 + static_cast<int>(uniform() * 28));
        if (chance(faults.lost_request)) {
            out.transport_error = acd::errc::timeout;
            out.latency = timeout;
            return out;
        }
        const acd::time_point server_now = now + out.latency / 2 + clock_offset;
        out.response = process(req, server_now);
        out.response.headers.add("Date", acd::http::format_http_date(server_now));
        out.response.headers.add("x-amzn-RequestId", "req-" + std::to_string(requests));
        if (chance(faults.lost_response)) {
            out.transport_error = acd::errc::timeout;
            out.latency = timeout;
            out.response = {};
            return out;
        }
        out.delivered = true;
        return out;
    }

private:
    struct session_state {
        int interval = 60;
        acd::time_point next_allowed{};
        int last_version_sent = -1;
    };
    struct token_state {
        std::uint64_t session = 0;
        acd::time_point issued{};
        bool used = false;
    };

    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
    bool chance(double p) { return p > 0 && uniform() < p; }

    std::string new_token() {
        static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string t = "AYAD";
        for (int i = 0; i < 40; ++i) t.push_back(alphabet[rng_() % 64]);
        t += std::to_string(++token_counter_); // unique
        t += "==";
        return t;
    }

    static acd::http::response error(int status, const std::string& type, const std::string& extra = "") {
        acd::http::response r;
        r.status = status;
        r.headers.add("X-Amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.coral.service/");
        r.headers.add("Content-Type", "application/json");
        r.body = "{\"Message\":\"simulated\"" + extra + "}";
        return r;
    }
    static acd::http::response bad_request(const char* problem, const char* message = "simulated") {
        auto r = error(400, "BadRequestException",
                       std::string(",\"Reason\":\"InvalidParameters\",\"Details\":{\"InvalidParameters\":{\"ConfigurationToken\":{\"Problem\":\"") +
                           problem + "\"}}}");
        (void)message;
        return r;
    }

    acd::http::response process(const acd::http::request& req, acd::time_point server_now) {
        if (verifier) {
            acd::diagnostics diag;
            if (verifier(req, server_now, diag)) return error(diag.http_status, diag.error_type);
        }
        if (!req.headers.contains("authorization")) return error(403, "MissingAuthenticationTokenException");
        const std::string* date = req.headers.find("x-amz-date");
        acd::time_point signed_at{};
        if (!date || acd::http::parse_amz_date(*date, signed_at)) return error(400, "IncompleteSignatureException");
        const auto skew = signed_at > server_now ? signed_at - server_now : server_now - signed_at;
        if (skew > std::chrono::minutes(5)) return error(403, "InvalidSignatureException");
        if (chance(faults.server_error)) return error(500, "InternalServerException");
        if (chance(faults.bad_gateway)) {
            acd::http::response r;
            r.status = 502;
            r.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            return r;
        }
        if (req.method == "POST" && req.path == "/configurationsessions") return start(server_now);
        if (req.method == "GET" && req.path == "/configuration") return poll(req, server_now);
        return error(404, "UnknownOperationException");
    }

    acd::http::response start(acd::time_point server_now) {
        if (chance(faults.throttle)) return error(429, "ThrottlingException");
        const std::uint64_t id = ++session_counter_;
        session_state s;
        s.interval = base_interval_seconds;
        s.next_allowed = server_now; // the first poll may follow at once
        sessions_[id] = s;
        const std::string token = new_token();
        tokens_[token] = token_state{id, server_now, false};
        ++starts_ok;
        acd::http::response r;
        r.status = 201;
        r.headers.add("Content-Type", "application/json");
        r.body = "{\"InitialConfigurationToken\":\"" + token + "\"}";
        return r;
    }

    acd::http::response poll(const acd::http::request& req, acd::time_point server_now) {
        const std::string prefix = "configuration_token=";
        if (req.query.compare(0, prefix.size(), prefix) != 0) return bad_request("Corrupted");
        const std::string token = acd::http::percent_decode(req.query.substr(prefix.size()));
        auto it = tokens_.find(token);
        if (it == tokens_.end()) {
            violations.push_back("unknown token polled");
            return bad_request("Corrupted");
        }
        if (it->second.used) {
            violations.push_back("token used again after it was answered (success, Expired or Corrupted): " + token);
            return bad_request("Corrupted");
        }
        // A throttled request does not consume its token (nor does a 5xx, answered in process());
        // every other answer does.
        if (chance(faults.throttle)) return error(429, "ThrottlingException");
        it->second.used = true;
        if (server_now - it->second.issued >= token_lifetime) return bad_request("Expired");
        if (chance(faults.expired)) return bad_request("Expired");
        if (chance(faults.corrupted)) return bad_request("Corrupted");
        session_state& s = sessions_[it->second.session];
        if (server_now < s.next_allowed) {
            violations.push_back("poll before the interval");
            return bad_request("PollIntervalNotSatisfied", "Request too early");
        }
        s.next_allowed = server_now + std::chrono::seconds(s.interval);
        const std::string next = new_token();
        tokens_[next] = token_state{it->second.session, server_now, false};
        ++polls_ok;
        acd::http::response r;
        r.status = 200;
        r.headers.add("Next-Poll-Configuration-Token", next);
        r.headers.add("Next-Poll-Interval-In-Seconds", std::to_string(s.interval));
        r.headers.add("Content-Type", "application/json");
        if (s.last_version_sent != version_) {
            r.headers.add("Version-Label", label_of(version_));
            r.body = content_of(version_);
            s.last_version_sent = version_;
        }
        return r;
    }

    std::mt19937_64 rng_;
    int version_ = 1;
    std::uint64_t session_counter_ = 0, token_counter_ = 0;
    std::map<std::uint64_t, session_state> sessions_;
    std::map<std::string, token_state> tokens_;
};

} // namespace test_support
