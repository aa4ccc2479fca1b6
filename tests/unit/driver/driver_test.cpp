#include "test_crypto.hpp"
#include <appconfigdata/driver/blocking_driver.hpp>
#include <appconfigdata/driver/tick_driver.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

using namespace appconfigdata;
using namespace std::chrono_literals;

namespace {

const time_point t0 = clock_type::from_time_t(1764140000);

// A tiny machine that follows action.hpp: waits, sends `sends` requests, then is done (or failed).
struct counting_machine {
    enum class state { working };
    int sends = 2;
    bool fail_at_end = false;
    int responses = 0, transport_errors = 0;
    time_point wake{};
    http::request req;
    appconfigdata::outcome<no_value> result = error_outcome(outcome_status::failed, errc::credential_provider_failed, "counting machine");
    const appconfigdata::outcome<no_value>& outcome() const { return result; }
    state current_state() const { return state::working; }
    action next(time_point now) {
        if (responses + transport_errors >= sends) return fail_at_end ? action::fail() : action::finished();
        if (now < wake) return action::wait(wake);
        req.path = "/step" + std::to_string(responses + transport_errors);
        return action::send(req);
    }
    std::error_code on_response(const http::response&, time_point now) {
        ++responses;
        wake = now + 5s;
        return {};
    }
    std::error_code on_transport_error(std::error_code, time_point now) {
        ++transport_errors;
        wake = now + 5s;
        return {};
    }
};

session::session_config make_config() {
    session::session_config c;
    c.application = "app";
    c.environment = "env";
    c.configuration_profile = "prof";
    c.endpoint_url = "http://127.0.0.1:9/base";
    c.region = "us-east-1";
    c.options.fleet_jitter = 0;
    c.options.jitter_seed = 1;
    return c;
}

struct virtual_world {
    time_point now = t0;
    std::vector<time_point> sleeps;
    std::deque<http::response> responses;
    std::vector<http::request> sent;
    driver::blocking_hooks hooks() {
        driver::blocking_hooks h;
        h.clock = [this] { return now; };
        h.sleep_until = [this](time_point t) {
            sleeps.push_back(t);
            if (t > now) now = t;
        };
        h.transport = [this](const http::request& r, http::response& out) -> std::error_code {
            sent.push_back(r);
            if (responses.empty()) return errc::transport_failed;
            out = responses.front();
            responses.pop_front();
            return {};
        };
        return h;
    }
};

http::response start_ok() {
    http::response r;
    r.status = 201;
    r.body = R"({"InitialConfigurationToken":"a+b/c="})";
    return r;
}

http::response poll_ok(std::string body, int n) {
    http::response r;
    r.status = 200;
    r.headers.add("Next-Poll-Configuration-Token", "next" + std::to_string(n));
    r.headers.add("Next-Poll-Interval-In-Seconds", "30");
    r.headers.add("Version-Label", "v1");
    r.body = std::move(body);
    return r;
}

credentials creds() {
    credentials c;
    c.access_key_id = "AKID";
    c.secret_access_key = "secret";
    return c;
}

} // namespace

TEST_CASE("blocking driver runs a generic machine to done, sleeping between steps") {
    virtual_world w;
    w.responses = {http::response{200, {}, ""}};
    counting_machine m;
    CHECK_FALSE(driver::run(m, w.hooks()));
    CHECK(m.responses == 1);
    CHECK(m.transport_errors == 1);
    REQUIRE(w.sleeps.size() == 1);
    CHECK(w.sleeps[0] == t0 + 5s);
    CHECK(w.sent.size() == 2);
    CHECK(w.sent[1].path == "/step1");
}

TEST_CASE("blocking driver reports a failed machine's error, missing hooks and stop") {
    virtual_world w;
    counting_machine m;
    m.sends = 0;
    m.fail_at_end = true;
    CHECK(driver::run(m, w.hooks()) == errc::credential_provider_failed);
    driver::blocking_hooks empty;
    CHECK(driver::run(m, empty) == errc::invalid_argument);
    auto h = w.hooks();
    h.stop = [] { return true; };
    counting_machine m2;
    CHECK(driver::run(m2, h) == errc::cancelled);
    CHECK(m2.responses == 0);
}

TEST_CASE("blocking driver drives a session: credentials source, events, predicate") {
    virtual_world w;
    w.responses = {start_ok(), poll_ok("{\"x\":1}", 1), poll_ok("", 2)};
    session::configuration_session<test_crypto> s(make_config());
    auto h = w.hooks();
    int credential_calls = 0;
    h.credentials_source = [&](credentials& c) {
        ++credential_calls;
        c = creds();
        return std::error_code{};
    };
    std::vector<session::event_kind> kinds;
    auto ec = driver::run_until(s, h, [&](const session::event& e) {
        kinds.push_back(e.kind);
        return e.kind == session::event_kind::unchanged;
    });
    CHECK_FALSE(ec);
    CHECK(credential_calls == 1);
    REQUIRE(kinds.size() == 2);
    CHECK(kinds[0] == session::event_kind::changed);
    CHECK(kinds[1] == session::event_kind::unchanged);
    REQUIRE(w.sent.size() == 3);
    CHECK(w.sent[0].path == "/base/configurationsessions");
    CHECK(w.sent[0].host == "127.0.0.1:9");
    CHECK(w.sent[1].query == "configuration_token=a%2Bb%2Fc%3D");
    CHECK(w.sent[2].query == "configuration_token=next1");
    CHECK(w.now == t0 + 30s); // slept exactly the interval
    CHECK(s.latest().content == "{\"x\":1}");
}

TEST_CASE("blocking driver without a credentials source stops with no_credentials") {
    virtual_world w;
    session::configuration_session<test_crypto> s(make_config());
    CHECK(driver::run_until(s, w.hooks(), [](const session::event&) { return false; }) == errc::no_credentials);
    auto h = w.hooks();
    h.credentials_source = [](credentials&) { return std::error_code(errc::credential_provider_failed); };
    CHECK(driver::run_until(s, h, [](const session::event&) { return false; }) == errc::credential_provider_failed);
}

TEST_CASE("blocking driver returns the session's error when it fails") {
    virtual_world w;
    http::response nf;
    nf.status = 404;
    nf.body = R"({"__type":"ResourceNotFoundException","Message":"Application not found"})";
    w.responses = {nf};
    session::configuration_session<test_crypto> s(make_config());
    s.set_credentials(creds());
    std::vector<session::event> events;
    auto ec = driver::run_until(s, w.hooks(), [&](const session::event& e) {
        events.push_back(e);
        return false;
    });
    CHECK(ec == errc::resource_not_found);
    REQUIRE(events.size() == 1);
    CHECK(events[0].diag.error_type == "ResourceNotFoundException");
}

TEST_CASE("tick driver: one request at a time, completions in any order of ticks") {
    session::configuration_session<test_crypto> s(make_config());
    driver::tick_driver<decltype(s)> d(s);
    auto t = d.tick(t0);
    CHECK(t.need_credentials);
    CHECK(t.request == nullptr);
    s.set_credentials(creds());
    t = d.tick(t0);
    REQUIRE(t.request);
    CHECK(t.request->method == "POST");
    CHECK(d.in_flight());
    CHECK(d.tick(t0).request == nullptr);
    CHECK(d.tick(t0).wake_at == (time_point::max)());
    CHECK_FALSE(d.complete(start_ok(), t0 + 1s));
    CHECK(d.complete(start_ok(), t0 + 1s) == errc::invalid_state);
    CHECK(d.fail(errc::timeout, t0 + 1s) == errc::invalid_state);
    t = d.tick(t0 + 1s);
    REQUIRE(t.request);
    CHECK(t.request->method == "GET");
    CHECK_FALSE(d.complete(poll_ok("cfg", 1), t0 + 2s));
    t = d.tick(t0 + 2s);
    CHECK(t.request == nullptr);
    CHECK(t.wake_at == t0 + 32s);
    auto e = s.poll_event();
    REQUIRE(e);
    CHECK(e->kind == session::event_kind::changed);
    // A failed poll restarts the session through the same driver.
    t = d.tick(t0 + 32s);
    REQUIRE(t.request);
    CHECK_FALSE(d.fail(errc::timeout, t0 + 33s));
    t = d.tick(t0 + 40s);
    REQUIRE(t.request);
    CHECK(t.request->method == "POST");
}

TEST_CASE("tick driver reports done and failed machines") {
    counting_machine m;
    m.sends = 0;
    driver::tick_driver<counting_machine> d(m);
    CHECK(d.tick(t0).done);
    m.fail_at_end = true;
    auto t = d.tick(t0);
    CHECK(t.failed);
    CHECK(t.error == errc::credential_provider_failed);
}
