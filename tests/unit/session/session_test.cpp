#include "test_crypto.hpp"
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace appconfigdata;
using namespace appconfigdata::session;
using namespace std::chrono_literals;

namespace {

using test_session = configuration_session<test_crypto>;

const time_point t0 = clock_type::from_time_t(1764140000); // 2025-11-26

session_config make_config() {
    session_config c;
    c.application = "app";
    c.environment = "env";
    c.configuration_profile = "prof";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.fleet_jitter = 0.0;
    c.options.jitter_seed = 7;
    return c;
}

credentials make_credentials() {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    return c;
}

http::response start_ok(const std::string& token) {
    http::response r;
    r.status = 201;
    r.body = "{\"InitialConfigurationToken\":\"" + token + "\"}";
    return r;
}

http::response poll_ok(const std::string& next, int interval, const std::string& body = "", const std::string& label = "v1",
                       const std::string& type = "application/json") {
    http::response r;
    r.status = 200;
    r.headers.add("Next-Poll-Configuration-Token", next);
    r.headers.add("Next-Poll-Interval-In-Seconds", std::to_string(interval));
    r.headers.add("Content-Type", type);
    r.headers.add("Version-Label", label);
    r.body = body;
    return r;
}

http::response error_response(int status, const std::string& type, const std::string& extra = "") {
    http::response r;
    r.status = status;
    r.headers.add("X-Amzn-ErrorType", type);
    r.headers.add("x-amzn-RequestId", "rid");
    r.body = "{\"message\":\"m\"" + extra + "}";
    return r;
}

http::response bad_request(const char* problem) {
    return error_response(400, "BadRequestException",
                          std::string(",\"Reason\":\"InvalidParameters\",\"Details\":{\"InvalidParameters\":{\"ConfigurationToken\":{\"Problem\":\"") +
                              problem + "\"}}}");
}

std::string token_of(const http::request& r) {
    const std::string prefix = "configuration_token=";
    REQUIRE(r.query.compare(0, prefix.size(), prefix) == 0);
    return http::percent_decode(r.query.substr(prefix.size()));
}

std::vector<event> drain(test_session& s) {
    std::vector<event> out;
    while (auto e = s.poll_event()) out.push_back(*e);
    return out;
}

// Runs start + first poll; returns the time after the first poll response.
time_point establish(test_session& s, time_point now, const std::string& body = "{\"v\":1}") {
    auto a = s.next(now);
    REQUIRE(a.kind == action_kind::send);
    REQUIRE(a.request->method == "POST");
    REQUIRE_FALSE(s.on_response(start_ok("tok+0/=="), now));
    a = s.next(now);
    REQUIRE(a.kind == action_kind::send);
    REQUIRE(a.request->method == "GET");
    CHECK(token_of(*a.request) == "tok+0/==");
    REQUIRE_FALSE(s.on_response(poll_ok("tok1", 30, body), now));
    return now;
}

} // namespace

TEST_CASE("happy path: start, poll, change, wait the interval, unchanged") {
    test_session s(make_config());
    auto a = s.next(t0);
    CHECK(a.kind == action_kind::need_credentials);
    s.set_credentials(make_credentials());
    a = s.next(t0);
    REQUIRE(a.kind == action_kind::send);
    const http::request& start = *a.request;
    CHECK(start.method == "POST");
    CHECK(start.path == "/configurationsessions");
    CHECK(start.headers.contains("authorization"));
    CHECK(start.headers.find("authorization")->find("/us-east-1/appconfig/aws4_request") != std::string::npos);
    REQUIRE(start.headers.contains("amz-sdk-invocation-id"));
    CHECK(start.headers.find("amz-sdk-invocation-id")->size() == 36);
    CHECK(*start.headers.find("amz-sdk-request") == "attempt=1; max=3");
    CHECK(s.state() == session_state::start_in_flight);
    // A second next() while the request is out hands out nothing.
    CHECK(s.next(t0).kind == action_kind::wait_until);
    CHECK(s.next(t0).when == (time_point::max)());

    REQUIRE_FALSE(s.on_response(start_ok("AYADe+ab/cd=="), t0 + 1s));
    a = s.next(t0 + 1s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(a.request->method == "GET");
    CHECK(a.request->query == "configuration_token=AYADe%2Bab%2Fcd%3D%3D");
    CHECK_FALSE(a.request->headers.contains("content-type"));
    CHECK_FALSE(a.request->headers.contains("amz-sdk-request"));
    REQUIRE_FALSE(s.on_response(poll_ok("tok1", 30, "{\"a\":1}", "v1"), t0 + 2s));

    auto events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::changed);
    CHECK(events[0].content == "{\"a\":1}");
    CHECK(events[0].content_type == "application/json");
    CHECK(events[0].version_label == "v1");
    CHECK(s.latest().content == "{\"a\":1}");
    CHECK(s.latest().received_at == t0 + 2s);

    a = s.next(t0 + 3s);
    REQUIRE(a.kind == action_kind::wait_until);
    CHECK(a.when == t0 + 32s);
    CHECK(s.next(t0 + 31s).kind == action_kind::wait_until);
    a = s.next(t0 + 32s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(token_of(*a.request) == "tok1");
    REQUIRE_FALSE(s.on_response(poll_ok("tok2", 30), t0 + 33s));
    events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::unchanged);
    CHECK(s.latest().content == "{\"a\":1}"); // empty body keeps the configuration
    CHECK(s.stats().polls_succeeded == 2);
    CHECK(s.stats().changes == 1);
}

TEST_CASE("calls in the wrong state return invalid_state and change nothing") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    CHECK(s.on_response(start_ok("x"), t0) == errc::invalid_state);
    CHECK(s.on_transport_error(errc::timeout, t0) == errc::invalid_state);
    CHECK(s.state() == session_state::start_due);
    CHECK(s.pending_events() == 0);
    auto a = s.next(t0);
    CHECK(a.kind == action_kind::send);
}

TEST_CASE("invalid construction input makes a failed session with a typed error") {
    auto c = make_config();
    c.application = "";
    test_session s1(c);
    CHECK(s1.next(t0).kind == action_kind::failed);
    CHECK(s1.last_error() == errc::invalid_identifier);
    c = make_config();
    c.options.min_poll_interval = 5s;
    test_session s2(c);
    CHECK(s2.last_error() == errc::invalid_poll_interval);
    c = make_config();
    c.endpoint_url = "not a url";
    test_session s3(c);
    CHECK(s3.last_error() == errc::invalid_url);
    c = make_config();
    c.region = "";
    test_session s4(c);
    CHECK(s4.last_error() == errc::invalid_region);
}

TEST_CASE("min poll interval is sent and enforced") {
    auto c = make_config();
    c.options.min_poll_interval = 60s;
    test_session s(c);
    s.set_credentials(make_credentials());
    auto a = s.next(t0);
    CHECK(a.request->body.find("\"RequiredMinimumPollIntervalInSeconds\":60") != std::string::npos);
    REQUIRE_FALSE(s.on_response(start_ok("t0"), t0));
    a = s.next(t0);
    REQUIRE_FALSE(s.on_response(poll_ok("t1", 15, "x"), t0));
    CHECK(s.next(t0).when == t0 + 60s);
}

TEST_CASE("fleet jitter only lengthens the wait and is reproducible by seed") {
    auto c = make_config();
    c.options.fleet_jitter = 0.5;
    std::vector<time_point> whens;
    for (int run = 0; run < 2; ++run) {
        test_session s(c);
        s.set_credentials(make_credentials());
        establish(s, t0);
        const auto w = s.next(t0).when;
        CHECK(w >= t0 + 30s);
        CHECK(w <= t0 + 45s);
        whens.push_back(w);
    }
    CHECK(whens[0] == whens[1]);
}

TEST_CASE("a lost poll never reuses its token: the session restarts") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    auto a = s.next(t0 + 30s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(token_of(*a.request) == "tok1");
    REQUIRE_FALSE(s.on_transport_error(errc::timeout, t0 + 31s));
    auto events = drain(s);
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == event_kind::retrying);
    CHECK(events[0].error == errc::timeout);
    CHECK(events[1].kind == event_kind::session_restarted);
    CHECK(events[1].reason == restart_reason::no_response);
    a = s.next(t0 + 60s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(a.request->method == "POST");
    CHECK(*a.request->headers.find("amz-sdk-request") == "attempt=2; max=3");
    REQUIRE_FALSE(s.on_response(start_ok("fresh"), t0 + 60s));
    a = s.next(t0 + 60s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(token_of(*a.request) == "fresh");
    // The full configuration comes again after the restart: not a change.
    REQUIRE_FALSE(s.on_response(poll_ok("t2", 30, "{\"v\":1}"), t0 + 60s));
    events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::unchanged);
    CHECK(s.stats().changes == 1);
}

TEST_CASE("after a restart the same content with another label or type is a change") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    s.next(t0 + 30s);
    s.on_response(bad_request("Expired"), t0 + 30s);
    s.next(t0 + 30s);
    s.on_response(start_ok("s2"), t0 + 30s);
    s.next(t0 + 30s);
    s.on_response(poll_ok("t2", 30, "{\"v\":1}", "v2"), t0 + 30s);
    auto events = drain(s);
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == event_kind::changed);
    CHECK(events[1].version_label == "v2");
}

TEST_CASE("BadRequest Expired and Corrupted restart the session at once") {
    for (const char* problem : {"Expired", "Corrupted"}) {
        test_session s(make_config());
        s.set_credentials(make_credentials());
        establish(s, t0);
        drain(s);
        s.next(t0 + 30s);
        REQUIRE_FALSE(s.on_response(bad_request(problem), t0 + 30s));
        auto events = drain(s);
        REQUIRE(events.size() == 1);
        CHECK(events[0].kind == event_kind::session_restarted);
        CHECK(events[0].reason == (std::string(problem) == "Expired" ? restart_reason::token_expired : restart_reason::token_rejected));
        CHECK(events[0].error == errc::bad_request);
        auto a = s.next(t0 + 30s);
        REQUIRE(a.kind == action_kind::send);
        CHECK(a.request->method == "POST");
        CHECK(s.latest().content == "{\"v\":1}");
    }
}

TEST_CASE("repeatedly rejected tokens back off instead of looping") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    time_point now = t0 + 30s;
    int rejected = 0, seq = 0;
    while (rejected < 8) {
        auto a = s.next(now);
        if (a.kind == action_kind::wait_until) {
            now = a.when;
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        if (a.request->method == "POST") {
            s.on_response(start_ok("s" + std::to_string(seq++)), now);
        } else {
            s.on_response(bad_request("Corrupted"), now);
            ++rejected;
        }
    }
    CHECK(now > t0 + 30s); // some restarts waited
    CHECK(s.stats().restarts == 8);
    CHECK(s.stats().errors == 0);
}

TEST_CASE("PollIntervalNotSatisfied waits a full interval, without an error event") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    s.next(t0 + 30s);
    REQUIRE_FALSE(s.on_response(bad_request("PollIntervalNotSatisfied"), t0 + 30s));
    auto events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::session_restarted);
    CHECK(events[0].reason == restart_reason::poll_interval_not_satisfied);
    auto a = s.next(t0 + 31s);
    REQUIRE(a.kind == action_kind::wait_until);
    CHECK(a.when == t0 + 60s);
    CHECK(s.stats().errors == 0);
}

TEST_CASE("a throttled poll is retried with the same token within the budget, then reported, then tried again an interval later") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    time_point now = t0 + 30s;
    int sends = 0;
    for (;;) {
        auto a = s.next(now);
        if (a.kind == action_kind::wait_until) {
            now = a.when;
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        ++sends;
        REQUIRE(a.request->method == "GET"); // never a new session for a throttle
        CHECK(token_of(*a.request) == "tok1");
        s.on_response(error_response(429, "ThrottlingException"), now);
        if (s.stats().errors > 0) break;
        REQUIRE(sends < 20);
    }
    CHECK(sends == 3); // the retry budget: max_attempts
    auto events = drain(s);
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == event_kind::retrying);
    CHECK(events[1].kind == event_kind::retrying);
    const event& err = events[2];
    CHECK(err.kind == event_kind::error);
    CHECK(err.error == errc::throttling);
    CHECK(err.detail == errc::retries_exhausted);
    CHECK(err.diag.error_type == "ThrottlingException");
    CHECK(s.stats().retries == 2);
    CHECK(s.stats().restarts == 0);
    CHECK(s.stats().starts_sent == 1);
    // Next attempt one interval later, with the same token (it was never answered with success).
    auto a = s.next(now);
    REQUIRE(a.kind == action_kind::wait_until);
    CHECK(a.when >= now + 30s);
    now = a.when;
    a = s.next(now);
    REQUIRE(a.kind == action_kind::send);
    REQUIRE(a.request->method == "GET");
    CHECK(token_of(*a.request) == "tok1");
    s.on_response(poll_ok("t9", 30, "{\"v\":2}", "v2"), now);
    events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::changed);
    CHECK(s.latest().version_label == "v2");
    // Answered with success: that token never goes again.
    a = s.next(now + 30s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(token_of(*a.request) == "t9");
}

TEST_CASE("after a spent retry budget, one attempt per interval until the service answers again") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    time_point now = t0 + 30s;
    // An outage: every request answered 500.
    auto fail_until_error = [&] {
        int sends = 0;
        for (;;) {
            auto a = s.next(now);
            if (a.kind == action_kind::wait_until) {
                now = a.when;
                continue;
            }
            REQUIRE(a.kind == action_kind::send);
            ++sends;
            const auto errors = s.stats().errors;
            s.on_response(error_response(500, "InternalServerException"), now);
            if (s.stats().errors > errors) return sends;
            REQUIRE(sends < 10);
        }
    };
    CHECK(fail_until_error() == 3); // the first operation: the full budget
    for (int interval = 0; interval < 5; ++interval) CHECK(fail_until_error() == 1); // then one request per interval
    CHECK(s.stats().starts_sent == 1);
    // The service is back: the next attempt succeeds, and retries are allowed again.
    for (;;) {
        auto a = s.next(now);
        if (a.kind == action_kind::send) break;
        now = a.when;
    }
    s.on_response(poll_ok("t5", 30, "{\"v\":2}", "v2"), now);
    CHECK(s.latest().version_label == "v2");
    now += 30s;
    CHECK(fail_until_error() == 3);
}

TEST_CASE("5xx and proxy pages are retried with the same token; a malformed 2xx restarts (its next token is lost)") {
    struct poll_case {
        http::response response;
        bool same_token;
    };
    const poll_case cases[] = {
        {error_response(500, "InternalServerException"), true},
        {error_response(503, "ServiceUnavailableException"), true},
        {[] {
             http::response r;
             r.status = 502;
             r.body = "<html>bad gateway</html>";
             return r;
         }(),
         true},
        {[] {
             auto r = poll_ok("x", 30);
             r.headers.erase("Next-Poll-Configuration-Token");
             return r;
         }(),
         false},
    };
    for (const auto& c : cases) {
        INFO(c.response.status);
        test_session s(make_config());
        s.set_credentials(make_credentials());
        establish(s, t0);
        drain(s);
        s.next(t0 + 30s);
        s.on_response(c.response, t0 + 30s);
        auto events = drain(s);
        CHECK(events[0].kind == event_kind::retrying);
        if (c.same_token) {
            REQUIRE(events.size() == 1);
            auto a = s.next(t0 + 1h);
            REQUIRE(a.kind == action_kind::send);
            REQUIRE(a.request->method == "GET");
            CHECK(token_of(*a.request) == "tok1");
        } else {
            REQUIRE(events.size() == 2);
            CHECK(events[1].kind == event_kind::session_restarted);
            CHECK(events[1].reason == restart_reason::unreadable_response);
            CHECK(s.next(t0 + 1h).request->method == "POST");
        }
        CHECK(s.latest().content == "{\"v\":1}");
    }
}

TEST_CASE("a retried token that comes back Corrupted restarts the session (token_rejected)") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    s.next(t0 + 30s);
    s.on_response(error_response(429, "ThrottlingException"), t0 + 30s);
    auto a = s.next(t0 + 40s);
    REQUIRE(a.kind == action_kind::send);
    CHECK(token_of(*a.request) == "tok1");
    s.on_response(bad_request("Corrupted"), t0 + 40s);
    auto events = drain(s);
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == event_kind::session_restarted);
    CHECK(events[1].reason == restart_reason::token_rejected);
    CHECK(s.next(t0 + 40s).request->method == "POST");
}

TEST_CASE("the first configuration comes as fast as the service allows: no poll interval between attempts") {
    auto c = make_config();
    test_session s(c);
    s.set_credentials(make_credentials());
    time_point now = t0;
    auto a = s.next(now);
    REQUIRE(a.request->method == "POST");
    s.on_response(start_ok("first"), now);
    // Every poll throttled for a while: attempts keep coming within the cap, with the same token, and
    // no session is started again.
    int polls = 0;
    while (now < t0 + 60s) {
        a = s.next(now);
        if (a.kind == action_kind::wait_until) {
            CHECK(a.when - now <= c.options.first_configuration_retry_cap);
            now = a.when;
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        REQUIRE(a.request->method == "GET");
        CHECK(token_of(*a.request) == "first");
        ++polls;
        s.on_response(error_response(429, "ThrottlingException"), now);
    }
    CHECK(polls >= 12); // at least one attempt per 5 s cap
    CHECK(s.stats().starts_sent == 1);
    CHECK(s.stats().restarts == 0);
    // The service lets one through: the configuration, and from then on the service's interval rules.
    for (;;) {
        a = s.next(now);
        if (a.kind == action_kind::send) break;
        now = a.when;
    }
    s.on_response(poll_ok("t2", 45, "{\"v\":1}"), now);
    CHECK(s.has_configuration());
    const time_point got = now;
    a = s.next(now);
    REQUIRE(a.kind == action_kind::wait_until);
    CHECK(a.when == got + 45s);
}

TEST_CASE("restart reasons say what happened: no response, another 4xx") {
    {
        test_session s(make_config());
        s.set_credentials(make_credentials());
        establish(s, t0);
        drain(s);
        s.next(t0 + 30s);
        s.on_transport_error(errc::transport_failed, t0 + 30s);
        auto events = drain(s);
        REQUIRE(events.size() == 2);
        CHECK(events[1].reason == restart_reason::no_response);
    }
    {
        test_session s(make_config());
        s.set_credentials(make_credentials());
        establish(s, t0);
        drain(s);
        s.next(t0 + 30s);
        s.on_response(error_response(404, "ResourceNotFoundException"), t0 + 30s);
        auto events = drain(s);
        REQUIRE(events.size() == 2);
        CHECK(events[0].kind == event_kind::error);
        CHECK(events[1].reason == restart_reason::request_rejected);
    }
    CHECK(std::string(to_string(restart_reason::no_response)) == "no_response");
    CHECK(std::string(to_string(restart_reason::token_rejected)) == "token_rejected");
}

TEST_CASE("a session without a jitter seed says so once; the cost meter counts billable calls") {
    auto c = make_config();
    c.options.jitter_seed.reset();
    test_session s(c);
    auto events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::warning);
    CHECK(events[0].diag.message.find("jitter_seed") != std::string::npos);
    s.set_credentials(make_credentials());
    establish(s, t0);
    events = drain(s);
    for (const auto& e : events) CHECK(e.kind != event_kind::warning); // once only
    CHECK(s.stats().billable_requests == 2);       // the start and the poll, both answered with success
    CHECK(s.stats().configurations_received == 1);
    s.next(t0 + 30s);
    s.on_response(error_response(429, "ThrottlingException"), t0 + 30s);
    s.next(t0 + 40s);
    s.on_response(poll_ok("t2", 30), t0 + 40s); // empty body: billed, nothing received
    CHECK(s.stats().billable_requests == 3);
    CHECK(s.stats().configurations_received == 1);
    // A seeded session has no warning.
    test_session seeded(make_config());
    CHECK(seeded.pending_events() == 0);
}

TEST_CASE("ResourceNotFound at the first start fails the session; later it is reported and retried") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    s.next(t0);
    s.on_response(error_response(404, "ResourceNotFoundException", ",\"ResourceType\":\"Application\""), t0);
    auto events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::error);
    CHECK(events[0].error == errc::resource_not_found);
    CHECK(events[0].diag.error_type == "ResourceNotFoundException");
    CHECK(s.next(t0).kind == action_kind::failed);
    CHECK(s.last_error() == errc::resource_not_found);
    CHECK(s.last_service_error().resource_type == "Application");
    CHECK(s.on_response(start_ok("x"), t0) == errc::invalid_state);

    auto c = make_config();
    c.options.fail_on_initial_error = false;
    test_session s2(c);
    s2.set_credentials(make_credentials());
    s2.next(t0);
    s2.on_response(error_response(403, "AccessDeniedException"), t0);
    auto a = s2.next(t0);
    CHECK(a.kind == action_kind::wait_until);
    CHECK(a.when == t0 + 60s);
    CHECK(s2.last_error() == errc::access_denied);
}

TEST_CASE("credentials: missing, expired, rejected by the service") {
    test_session s(make_config());
    CHECK(s.next(t0).kind == action_kind::need_credentials);
    auto creds = make_credentials();
    creds.expiration = t0 + 10s;
    s.set_credentials(creds);
    CHECK(s.next(t0).kind == action_kind::send);
    s.on_response(start_ok("a"), t0);
    CHECK(s.next(t0 + 20s).kind == action_kind::need_credentials);
    s.set_credentials(make_credentials());
    auto a = s.next(t0 + 20s);
    REQUIRE(a.kind == action_kind::send);
    s.on_response(error_response(403, "ExpiredTokenException"), t0 + 20s);
    auto events = drain(s);
    REQUIRE_FALSE(events.empty());
    CHECK(events[0].kind == event_kind::error);
    CHECK(events[0].error == errc::expired_token);
    a = s.next(t0 + 200s);
    CHECK(a.kind == action_kind::need_credentials);
    s.set_credentials(make_credentials());
    a = s.next(t0 + 200s);
    CHECK(a.kind == action_kind::send);
    CHECK(a.request->method == "POST");
}

TEST_CASE("a session token is signed, and dropped when the credentials change") {
    test_session s(make_config());
    auto creds = make_credentials();
    creds.session_token = "FwoGZXIvYXdzE";
    s.set_credentials(creds);
    establish(s, t0);
    CHECK(s.last_request().headers.contains("x-amz-security-token"));
    s.set_credentials(make_credentials());
    auto a = s.next(t0 + 30s);
    REQUIRE(a.kind == action_kind::send);
    CHECK_FALSE(a.request->headers.contains("x-amz-security-token"));
    CHECK(a.request->headers.find("authorization")->find("x-amz-security-token") == std::string::npos);
}

TEST_CASE("clock skew: corrected once, the retry is signed with the server's time") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    s.next(t0);
    auto r = error_response(403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/");
    r.headers.add("Date", http::format_http_date(t0 + 10min));
    s.on_response(r, t0);
    auto events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::retrying);
    CHECK(events[0].delay == duration::zero());
    auto a = s.next(t0);
    REQUIRE(a.kind == action_kind::send);
    CHECK(*a.request->headers.find("x-amz-date") == http::format_amz_date(t0 + 10min));
    // The same error again, with no new correction, is final for this attempt (a credentials problem).
    s.on_response(r, t0);
    events = drain(s);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::error);
    CHECK(events[0].error == errc::invalid_signature);
    CHECK(s.state() != session_state::failed);
}

TEST_CASE("the session restarts before the 24 h token lifetime") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0);
    drain(s);
    time_point now = t0;
    std::string token = "tok1";
    int starts = 0;
    while (now < t0 + 24h) {
        auto a = s.next(now);
        if (a.kind == action_kind::wait_until) {
            now = a.when;
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        if (a.request->method == "POST") {
            ++starts;
            s.on_response(start_ok("restart"), now);
        } else {
            s.on_response(poll_ok("t" + std::to_string((now - t0).count()), 1800), now);
        }
    }
    CHECK(starts == 1);
    bool saw = false;
    for (const auto& e : drain(s)) saw = saw || (e.kind == event_kind::session_restarted && e.reason == restart_reason::session_age);
    CHECK(saw);
}

TEST_CASE("transport fails at step i: every step of the flow recovers without reusing a token") {
    // The flow: start, poll (change), poll (unchanged), poll (change). Step i fails once.
    for (int fail_at = 0; fail_at < 8; ++fail_at) {
        INFO("fail_at " << fail_at);
        test_session s(make_config());
        s.set_credentials(make_credentials());
        time_point now = t0;
        int step = 0, version = 0, polls_ok = 0, token_seq = 0;
        std::set<std::string> used;
        int changes = 0;
        while (polls_ok < 3) {
            auto a = s.next(now);
            if (a.kind == action_kind::wait_until) {
                now = a.when;
                continue;
            }
            REQUIRE(a.kind == action_kind::send);
            const bool fail = step++ == fail_at;
            if (a.request->method == "GET") REQUIRE(used.insert(token_of(*a.request)).second);
            if (fail) {
                s.on_transport_error(errc::transport_failed, now + 1s);
                continue;
            }
            if (a.request->method == "POST") {
                s.on_response(start_ok("s" + std::to_string(token_seq++)), now);
            } else {
                ++polls_ok;
                if (polls_ok != 2) ++version;
                s.on_response(poll_ok("p" + std::to_string(token_seq++), 30, "{\"v\":" + std::to_string(version) + "}", "v" + std::to_string(version)),
                              now);
            }
            REQUIRE(step < 20);
        }
        for (const auto& e : drain(s)) changes += e.kind == event_kind::changed;
        CHECK(changes == version);
        CHECK(s.latest().version_label == "v" + std::to_string(version));
    }
}

TEST_CASE("event printing never shows the content") {
    test_session s(make_config());
    s.set_credentials(make_credentials());
    establish(s, t0, "secret-config-body");
    auto e = s.poll_event();
    REQUIRE(e);
    std::ostringstream os;
    os << *e << s.latest();
    CHECK(os.str().find("secret-config-body") == std::string::npos);
    CHECK(os.str().find("changed") != std::string::npos);
}

TEST_CASE("session configuration values compare and print without secrets") {
    auto a = make_config();
    auto b = make_config();
    CHECK(a == b);
    b.options.min_poll_interval = 60s;
    CHECK(a != b);
    b = make_config();
    b.region = "eu-west-1";
    CHECK(a != b);
    std::ostringstream os;
    os << a << " " << a.options << " " << restart_reason::token_expired << " " << event_kind::retrying;
    CHECK(os.str().find("application=app") != std::string::npos);
    CHECK(os.str().find("token_expired") != std::string::npos);
    CHECK(os.str().find("retrying") != std::string::npos);
    test_session s(a);
    CHECK(s.config() == a);
}

TEST_CASE("every error class on a poll: a token goes again only after 429/5xx, configuration kept, schedule continues") {
    struct error_case {
        int status;
        const char* type;
        event_kind first;
        bool needs_credentials;
    };
    const error_case cases[] = {
        {400, "BadRequestException", event_kind::error, false},
        {404, "ResourceNotFoundException", event_kind::error, false},
        {429, "ThrottlingException", event_kind::retrying, false},
        {500, "InternalServerException", event_kind::retrying, false},
        {503, "ServiceUnavailableException", event_kind::retrying, false},
        {403, "AccessDeniedException", event_kind::error, false},
        {403, "UnrecognizedClientException", event_kind::error, true},
        {403, "InvalidSignatureException", event_kind::error, true},
        {403, "ExpiredTokenException", event_kind::error, true},
        {400, "SomeFutureException", event_kind::error, false},
    };
    for (const auto& c : cases) {
        INFO(c.type);
        test_session s(make_config());
        s.set_credentials(make_credentials());
        establish(s, t0);
        drain(s);
        auto a = s.next(t0 + 30s);
        REQUIRE(a.kind == action_kind::send);
        CHECK_FALSE(s.on_response(error_response(c.status, c.type), t0 + 30s));
        auto events = drain(s);
        REQUIRE_FALSE(events.empty());
        CHECK(events[0].kind == c.first);
        CHECK(events[0].diag.error_type == c.type);
        const bool same_token = c.status == 429 || c.status >= 500; // answered without consuming the token
        if (same_token) {
            CHECK(s.stats().restarts == 0);
            CHECK(s.state() == session_state::poll_due);
        } else {
            CHECK(events.back().kind == event_kind::session_restarted);
            CHECK(s.state() == session_state::start_due);
        }
        CHECK(s.latest().content == "{\"v\":1}");
        a = s.next(t0 + 1h);
        if (c.needs_credentials) {
            CHECK(a.kind == action_kind::need_credentials);
            s.set_credentials(make_credentials());
            a = s.next(t0 + 1h);
        }
        REQUIRE(a.kind == action_kind::send);
        CHECK(a.request->method == (same_token ? "GET" : "POST"));
        if (same_token) CHECK(token_of(*a.request) == "tok1");
    }
}

TEST_CASE("arbitrary responses never crash the session, reuse a token or lose the configuration") {
    std::mt19937_64 rng(12345);
    const char* types[] = {"", "BadRequestException", "ThrottlingException", "InternalServerException", "x#Y:z", "ResourceNotFoundException"};
    const char* bodies[] = {"", "{", "null", "[]", "{\"__type\":\"BadRequestException\",\"Details\":{\"InvalidParameters\":{\"T\":{\"Problem\":\"Expired\"}}}}",
                            "{\"InitialConfigurationToken\":\"tok\"}", "{\"InitialConfigurationToken\":\"\"}", "<html>", "\x01\x02\xff"};
    for (int run = 0; run < 200; ++run) {
        auto c = make_config();
        c.options.fail_on_initial_error = (run % 2) == 0;
        test_session s(c);
        s.set_credentials(make_credentials());
        time_point now = t0;
        std::set<std::string> used;
        std::string good_content;
        int seq = 0;
        for (int step = 0; step < 40; ++step) {
            auto a = s.next(now);
            if (a.kind == action_kind::failed) break;
            if (a.kind == action_kind::need_credentials) {
                s.set_credentials(make_credentials());
                continue;
            }
            if (a.kind == action_kind::wait_until) {
                REQUIRE(a.when > now);
                now = a.when;
                continue;
            }
            REQUIRE(a.kind == action_kind::send);
            const std::string token = a.request->method == "GET" ? token_of(*a.request) : std::string();
            if (!token.empty()) REQUIRE(used.insert(token).second); // erased again after a 429 / 5xx answer
            http::response r;
            const auto pick = rng() % 4;
            if (pick == 0) {
                s.on_transport_error(rng() % 2 ? errc::timeout : errc::transport_failed, now);
                continue;
            }
            if (pick == 1 && a.request->method == "GET") {
                good_content = "{\"n\":" + std::to_string(seq + 1) + "}";
                ++seq;
                r = poll_ok("g" + std::to_string(seq), static_cast<int>(rng() % 100), good_content, "v" + std::to_string(seq));
            } else if (pick == 1) {
                r = start_ok("s" + std::to_string(seq++));
            } else {
                r.status = static_cast<int>(rng() % 600);
                if (rng() % 2) r.headers.add("X-Amzn-ErrorType", types[rng() % 6]);
                if (rng() % 3 == 0) r.headers.add("Next-Poll-Configuration-Token", rng() % 2 ? "a b" : "ok" + std::to_string(seq++));
                if (rng() % 3 == 0) r.headers.add("Next-Poll-Interval-In-Seconds", rng() % 2 ? "-1" : "20");
                r.body = bodies[rng() % 9];
                // A 2xx poll with valid headers would be a real configuration: keep this one broken.
                if (r.status >= 200 && r.status < 300 && a.request->method == "GET") r.headers.erase("Next-Poll-Configuration-Token");
            }
            s.on_response(r, now);
            if (!token.empty() && (r.status == 429 || r.status >= 500)) used.erase(token);
            if (token.empty()) used.erase("tok"); // the body list's start token: each start issues it afresh
            if (s.has_configuration()) CHECK_FALSE(s.latest().content.empty());
        }
        while (s.poll_event()) {
        }
        if (!good_content.empty()) CHECK(s.latest().content == good_content);
    }
}
