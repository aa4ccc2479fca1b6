#include <appconfigdata/driver/scheduler.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace appconfigdata;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point(1764140400s);

// A scripted machine: sends "GET /<name>" every `interval`, wants credentials, treats HTTP 403
// as "credentials rejected" and HTTP 404 as a permanent failure.
struct fake_machine {
    fake_machine(std::string n, duration every, bool wants_credentials = true)
        : name(std::move(n)), interval(every), needs_credentials(wants_credentials) {
        req.path = "/" + name;
    }

    action next(time_point now) {
        ++next_calls;
        if (failed) return action::fail();
        if (in_flight) return action::wait((time_point::max)());
        if (needs_credentials && (creds.empty() || rejected)) return action::credentials_needed();
        if (now < due) return action::wait(due);
        in_flight = true;
        sent.push_back(now);
        return action::send(req);
    }
    std::error_code on_response(const http::response& r, time_point now) {
        if (!in_flight) return errc::invalid_state;
        in_flight = false;
        if (r.status == 403) rejected = true;
        if (r.status == 404) failed = true;
        due = now + interval;
        return {};
    }
    std::error_code on_transport_error(std::error_code, time_point now) {
        if (!in_flight) return errc::invalid_state;
        in_flight = false;
        due = now + interval;
        return {};
    }
    std::error_code set_credentials(const credentials& c, time_point) {
        creds = c;
        rejected = false;
        ++credential_sets;
        return {};
    }
    enum class state { running, failed };
    state current_state() const { return failed ? state::failed : state::running; }
    const appconfigdata::outcome<no_value>& outcome() const { return result; }
    appconfigdata::outcome<no_value> result;

    std::string name;
    duration interval;
    bool needs_credentials;
    http::request req;
    credentials creds;
    bool rejected = false, failed = false, in_flight = false;
    time_point due{};
    std::vector<time_point> sent;
    int credential_sets = 0;
    int next_calls = 0;
};

// A machine with no credentials at all (a timer, a credential provider's own clock...).
struct plain_machine {
    int sends = 0;
    bool busy = false;
    http::request req;
    action next(time_point) {
        if (busy) return action::wait((time_point::max)());
        busy = true;
        ++sends;
        return sends > 2 ? action::finished() : action::send(req);
    }
    std::error_code on_response(const http::response&, time_point) {
        busy = false;
        return {};
    }
    std::error_code on_transport_error(std::error_code, time_point) {
        busy = false;
        return {};
    }
    enum class state { running };
    state current_state() const { return state::running; }
    const appconfigdata::outcome<no_value>& outcome() const { return result; }
    appconfigdata::outcome<no_value> result;
};

credentials creds(std::string id) {
    credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = "secret";
    return c;
}

http::response ok() {
    http::response r;
    r.status = 200;
    return r;
}

} // namespace

TEST_CASE("scheduler: many machines, one timer") {
    driver::scheduler<fake_machine> s;
    const auto a = s.emplace("a", 10s);
    const auto b = s.emplace("b", 15s);
    const auto c = s.emplace("c", 30s);
    s.set_credentials(creds("AKID"));
    CHECK(s.size() == 3);

    time_point now = t0;
    int steps = 0;
    while (now <= t0 + 100s && ++steps < 10000) {
        const driver::scheduled_action step = s.next(now);
        if (step.act.kind == action_kind::send) {
            CHECK(step.act.request->path == "/" + s.at(step.machine).name);
            REQUIRE(s.on_response(step.machine, ok(), now) == std::error_code());
            continue;
        }
        REQUIRE(step.act.kind == action_kind::wait_until);
        REQUIRE(step.act.when > now); // the one timer never asks to wake in the past
        now = step.act.when;          // virtual time: jump straight to the next wake
    }
    CHECK(s.at(a).sent.size() == 11); // t = 0, 10, ..., 100
    CHECK(s.at(b).sent.size() == 7);  // t = 0, 15, ..., 90
    CHECK(s.at(c).sent.size() == 4);  // t = 0, 30, 60, 90
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto& sent = s.at(i).sent;
        for (std::size_t k = 1; k < sent.size(); ++k) CHECK(sent[k] - sent[k - 1] == s.at(i).interval); // never early, never late
    }
}

TEST_CASE("scheduler: several requests in flight at once; a waiting machine is not asked again") {
    driver::scheduler<fake_machine> s;
    for (const char* n : {"a", "b", "c"}) s.emplace(n, 60s);
    s.set_credentials(creds("AKID"));
    std::vector<std::size_t> sending;
    for (int i = 0; i < 3; ++i) {
        const auto step = s.next(t0);
        REQUIRE(step.act.kind == action_kind::send);
        sending.push_back(step.machine);
    }
    CHECK(s.in_flight() == 3);
    const int calls_before = s.at(0).next_calls;
    const auto idle = s.next(t0 + 5s);
    CHECK(idle.act.kind == action_kind::wait_until);
    CHECK(idle.act.when == (time_point::max)()); // everyone waits for a response
    CHECK(s.at(0).next_calls == calls_before);   // in-flight machines are skipped
    // responses arrive in any order
    CHECK(s.on_transport_error(sending[1], errc::timeout, t0 + 6s) == std::error_code());
    CHECK(s.on_response(sending[2], ok(), t0 + 7s) == std::error_code());
    CHECK(s.on_response(sending[0], ok(), t0 + 8s) == std::error_code());
    const auto wake = s.next(t0 + 8s);
    REQUIRE(wake.act.kind == action_kind::wait_until);
    CHECK(wake.act.when == t0 + 66s);
    // skipped machines are not asked before their wake time
    const int calls = s.at(0).next_calls + s.at(1).next_calls + s.at(2).next_calls;
    CHECK(s.next(t0 + 30s).act.when == t0 + 66s);
    CHECK(s.at(0).next_calls + s.at(1).next_calls + s.at(2).next_calls == calls);
}

TEST_CASE("scheduler: credentials are shared per group and asked for once") {
    driver::scheduler<fake_machine> s;
    const auto a = s.emplace("a", 60s);
    const auto b = s.emplace("b", 60s);
    const auto other = s.emplace_in_group(1, "other-account", 60s);
    CHECK(s.group_of(other) == 1);

    // No credentials yet: each group is asked for once, however many machines wait.
    std::map<std::size_t, int> asked;
    for (int i = 0; i < 5; ++i) {
        const auto step = s.next(t0);
        if (step.act.kind == action_kind::need_credentials) ++asked[step.credential_group];
        else CHECK(step.act.kind == action_kind::wait_until);
    }
    CHECK(asked == std::map<std::size_t, int>{{0, 1}, {1, 1}});

    s.set_credentials(0, creds("AKID-0"));
    CHECK(s.at(a).creds.access_key_id == "AKID-0");
    CHECK(s.at(b).creds.access_key_id == "AKID-0");
    CHECK(s.at(other).creds.empty()); // another account's machine gets nothing from group 0
    s.set_credentials(1, creds("AKID-1"));
    CHECK(s.at(other).creds.access_key_id == "AKID-1");

    int sends = 0;
    for (int i = 0; i < 3; ++i) {
        const auto step = s.next(t0);
        REQUIRE(step.act.kind == action_kind::send);
        ++sends;
        http::response r = ok();
        if (step.machine != other) r.status = 403; // group 0's credentials are rejected
        s.on_response(step.machine, r, t0);
    }
    CHECK(sends == 3);
    // Both group-0 machines want new credentials: reported once, for group 0.
    asked.clear();
    for (int i = 0; i < 5; ++i) {
        const auto step = s.next(t0 + 60s);
        if (step.act.kind == action_kind::need_credentials) ++asked[step.credential_group];
        else if (step.act.kind == action_kind::send) s.on_response(step.machine, ok(), t0 + 60s);
    }
    CHECK(asked == std::map<std::size_t, int>{{0, 1}});
    s.set_credentials(0, creds("AKID-0b"));
    CHECK(s.at(a).credential_sets == 2);
    const auto step = s.next(t0 + 60s);
    CHECK(step.act.kind == action_kind::send);
}

TEST_CASE("scheduler: credentials set before a machine is added reach it at once") {
    driver::scheduler<fake_machine> s;
    s.set_credentials(creds("AKID"));
    const auto a = s.emplace("late", 10s);
    CHECK(s.at(a).creds.access_key_id == "AKID");
    CHECK(s.next(t0).act.kind == action_kind::send);
}

TEST_CASE("scheduler: a failed machine is reported once and the others go on") {
    driver::scheduler<fake_machine> s;
    const auto bad = s.emplace("bad", 10s);
    const auto good = s.emplace("good", 10s);
    s.set_credentials(creds("AKID"));
    http::response not_found;
    not_found.status = 404;
    int failures = 0;
    time_point now = t0;
    for (int i = 0; i < 20; ++i) {
        const auto step = s.next(now);
        if (step.act.kind == action_kind::send) {
            s.on_response(step.machine, step.machine == bad ? not_found : ok(), now);
        } else if (step.act.kind == action_kind::failed) {
            CHECK(step.machine == bad);
            ++failures;
        } else {
            now = step.act.when;
        }
    }
    CHECK(failures == 1);
    CHECK(s.at(bad).sent.size() == 1);
    CHECK(s.at(good).sent.size() > 5);
}

TEST_CASE("scheduler: inputs for unknown or idle machines are errors that change nothing") {
    driver::scheduler<fake_machine> s;
    const auto a = s.emplace("a", 10s);
    s.set_credentials(creds("AKID"));
    CHECK(s.on_response(7, ok(), t0) == errc::invalid_argument);
    CHECK(s.on_response(a, ok(), t0) == errc::invalid_state);
    CHECK(s.on_transport_error(a, errc::timeout, t0) == errc::invalid_state);
    const auto step = s.next(t0);
    REQUIRE(step.act.kind == action_kind::send);
    CHECK(s.on_response(a, ok(), t0) == std::error_code());
    CHECK(s.on_response(a, ok(), t0) == errc::invalid_state); // no double delivery
    CHECK(s.remove(a));
    CHECK_FALSE(s.remove(9));
    CHECK(s.on_response(a, ok(), t0) == errc::invalid_argument);
    CHECK(s.next(t0 + 1h).act.kind == action_kind::wait_until); // a removed machine is not driven
    std::ostringstream os;
    os << step;
    CHECK(os.str() == "machine 0: send GET /a");
}

TEST_CASE("scheduler: machines take turns") {
    driver::scheduler<fake_machine> s;
    for (const char* n : {"a", "b", "c", "d"}) s.emplace(n, 0s); // always due
    s.set_credentials(creds("AKID"));
    std::vector<std::size_t> order;
    for (int i = 0; i < 12; ++i) {
        const auto step = s.next(t0);
        REQUIRE(step.act.kind == action_kind::send);
        order.push_back(step.machine);
        s.on_response(step.machine, ok(), t0);
    }
    CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3});
}

TEST_CASE("scheduler: machines without credentials and with void inputs work too") {
    driver::scheduler<plain_machine> s;
    s.emplace();
    s.emplace();
    int sends = 0, done = 0;
    for (int i = 0; i < 20; ++i) {
        const auto step = s.next(t0);
        if (step.act.kind == action_kind::send) {
            ++sends;
            CHECK(s.on_response(step.machine, ok(), t0) == std::error_code());
        } else if (step.act.kind == action_kind::done) {
            ++done;
        }
    }
    CHECK(sends == 4);
    CHECK(done == 2);
    CHECK(s.next(t0).act.when == (time_point::max)());
}
