// Deterministic simulation: the configuration session, driven by the blocking driver on virtual
// time, against the simulated service with injected faults, over many seeds x 48 simulated hours.
// Invariants per seed: no token used twice, no poll before the interval, exactly one `changed`
// event per delivered new version (none lost, none twice), bounded retries, recovery after the
// faults stop. A failing seed prints itself; rerun it alone with SIM_SEED=<n> (SIM_SEEDS=<count>,
// SIM_HOURS=<h> change the sweep).
#include <appconfigdata/credentials/default_chain.hpp>
#include <appconfigdata/driver/blocking_driver.hpp>
#include <appconfigdata/driver/tick_driver.hpp>
#include <appconfigdata/session/configuration_session.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <simulated_service.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

using namespace appconfigdata;
using namespace std::chrono_literals;

namespace {

// A fast stand-in for SHA-256 / HMAC (the simulated service does not check signatures): keeps the
// sweep quick while the signer still builds every canonical request.
struct sim_crypto {
    static void mix(std::string_view data, std::uint64_t seed, crypto::digest& out) noexcept {
        std::uint64_t h = 1469598103934665603ull ^ seed;
        for (char c : data) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        for (std::size_t i = 0; i < out.size(); ++i) {
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9ull;
            out[i] = static_cast<std::uint8_t>(h >> 56);
        }
    }
    void sha256(std::string_view data, crypto::digest& out) noexcept { mix(data, 0, out); }
    void hmac_sha256(crypto::byte_view key, std::string_view data, crypto::digest& out) noexcept {
        std::uint64_t seed = 0;
        for (std::size_t i = 0; i < key.size; ++i) seed = seed * 131 + key.data[i];
        mix(data, seed, out);
    }
};

using sim_session = session::configuration_session<sim_crypto>;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    return std::strtoull(v, nullptr, 10);
}

struct seed_result {
    std::vector<std::string> failures;
    std::uint64_t requests = 0, polls = 0, changes = 0, restarts = 0, errors = 0, token_retries = 0;
};

seed_result run_seed(std::uint64_t seed, int hours) {
    seed_result result;
    auto fail = [&](const std::string& why) { result.failures.push_back(why); };
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 1);
    auto uniform = [&] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };

    test_support::simulated_service service(seed);
    const int intervals[] = {15, 30, 60, 120, 300, 600, 900};
    service.base_interval_seconds = intervals[2 + rng() % 5];
    if (seed % 50 == 0) service.base_interval_seconds = intervals[rng() % 2]; // some fast pollers
    service.token_lifetime = std::chrono::hours(24);

    session::session_config config;
    config.application = "app";
    config.environment = "env";
    config.configuration_profile = "profile";
    config.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    config.region = "us-east-1";
    config.options.min_poll_interval = std::chrono::seconds(15);
    config.options.fleet_jitter = uniform() * 0.3;
    config.options.jitter_seed = seed;
    config.options.request_timeout = 10s;
    sim_session s(config);

    const time_point start = clock_type::from_time_t(1764115200) + std::chrono::seconds(rng() % 86400);
    const time_point end = start + std::chrono::hours(hours);
    const time_point faults_end = start + std::chrono::hours(hours > 8 ? hours - 8 : hours / 2);
    const time_point deploys_end = end - std::chrono::hours(2);
    time_point now = start;

    // Fault plan: a base level, storm hours, and a clock-skew period on some seeds.
    test_support::sim_faults base;
    base.throttle = uniform() * 0.04;
    base.server_error = uniform() * 0.03;
    base.bad_gateway = uniform() * 0.01;
    base.lost_request = uniform() * 0.02;
    base.lost_response = uniform() * 0.02;
    base.expired = uniform() * 0.01;
    base.corrupted = uniform() * 0.01;
    base.slow = uniform() * 0.1;
    const bool skew_seed = seed % 3 == 0;
    const auto skew = std::chrono::minutes(6 + static_cast<int>(rng() % 20)) * (rng() % 2 ? 1 : -1);
    const time_point skew_from = start + std::chrono::hours(2 + static_cast<int>(rng() % 10));
    const time_point skew_to = skew_from + std::chrono::hours(1 + static_cast<int>(rng() % 12));
    time_point next_deploy = start + std::chrono::minutes(static_cast<int>(rng() % 240));

    std::map<std::string, bool> tokens_sent; // token -> may go again (its last answer was 429 or 5xx)
    std::uint64_t token_retries = 0;          // polls that sent a token again after a 429/5xx
    std::set<std::string> delivered_labels;     // labels of non-empty bodies the client received
    std::vector<std::string> changed_labels;
    int consecutive_retries = 0;
    time_point last_success{};
    int max_retry_run = 0;

    auto update_world = [&] {
        while (now >= next_deploy && next_deploy < deploys_end) {
            service.deploy();
            next_deploy += std::chrono::minutes(20 + static_cast<int>(rng() % 400));
        }
        const bool faulty = now < faults_end;
        service.faults = faulty ? base : test_support::sim_faults{};
        if (faulty) {
            const auto hour = std::chrono::duration_cast<std::chrono::hours>(now - start).count();
            if ((hour * 2654435761u + seed) % 11 == 0) service.faults.throttle = 0.8; // a storm hour
        }
        service.clock_offset = (skew_seed && now >= skew_from && now < skew_to) ? std::chrono::duration_cast<duration>(skew) : duration::zero();
    };

    driver::blocking_hooks hooks;
    hooks.clock = [&] { return now; };
    hooks.sleep_until = [&](time_point t) {
        if (t > now) now = std::min(t, end);
    };
    hooks.stop = [&] { return now >= end; };
    // Temporary credentials that expire every few hours; the service checks every signature.
    credentials issued;
    int credential_fetches = 0;
    hooks.credentials_source = [&](credentials& c) {
        ++credential_fetches;
        issued.access_key_id = "ASIAEXAMPLE";
        issued.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        issued.session_token = "token-" + std::to_string(credential_fetches) + "+/=";
        issued.expiration = now + std::chrono::hours(3 + static_cast<int>(rng() % 6));
        c = issued;
        return std::error_code{};
    };
    sim_crypto verify_crypto;
    if (seed % 4 == 1) // every signature on a quarter of the seeds (keeps the sweep fast)
        service.verifier = [&](const http::request& req, time_point server_now, diagnostics& diag) {
        return sigv4::verify(
            verify_crypto, req, [&](std::string_view id) { return id == issued.access_key_id ? &issued : nullptr; }, "appconfig", server_now,
            std::chrono::minutes(5), diag);
    };
    hooks.transport = [&](const http::request& req, http::response& resp) -> std::error_code {
        update_world();
        std::string token;
        if (req.method == "GET") {
            // A token goes again only after the service answered it 429 or 5xx.
            const std::string prefix = "configuration_token=";
            token = http::percent_decode(req.query.substr(prefix.size()));
            auto [it, fresh] = tokens_sent.emplace(token, false);
            if (!fresh && !it->second) fail("client sent a token again after an answer other than 429/5xx (or none)");
            it->second = false;
        }
        auto out = service.handle(req, now);
        now += out.latency;
        if (!out.delivered) return out.transport_error;
        resp = std::move(out.response);
        if (!token.empty() && (resp.status == 429 || resp.status >= 500)) {
            tokens_sent[token] = true;
            ++token_retries;
        }
        if (req.method == "GET" && resp.status == 200 && !resp.body.empty()) delivered_labels.insert(*resp.headers.find("Version-Label"));
        return {};
    };

    auto on_event = [&](const session::event& e) {
        switch (e.kind) {
        case session::event_kind::changed:
            if (!changed_labels.empty() && std::stoi(e.version_label.substr(1)) <= std::stoi(changed_labels.back().substr(1)))
                fail("changed event not newer than the previous one: " + e.version_label);
            changed_labels.push_back(e.version_label);
            consecutive_retries = 0;
            last_success = now;
            break;
        case session::event_kind::unchanged:
            consecutive_retries = 0;
            last_success = now;
            break;
        case session::event_kind::retrying:
            ++consecutive_retries;
            max_retry_run = std::max(max_retry_run, consecutive_retries);
            if (consecutive_retries > 3) fail("more retries in a row than the budget allows");
            break;
        case session::event_kind::error: consecutive_retries = 0; break;
        case session::event_kind::warning: fail("warning event: " + e.diag.message); break;
        case session::event_kind::session_restarted:
            if (e.reason == session::restart_reason::none) fail("session_restarted without a reason");
            break;
        }
        return false;
    };

    const std::error_code ec = driver::run_until(s, hooks, on_event);
    if (ec != errc::cancelled) fail("driver stopped early: " + ec.message());

    for (const auto& v : service.violations) fail("service saw: " + v);
    std::set<std::string> changed_set(changed_labels.begin(), changed_labels.end());
    if (changed_set != delivered_labels) fail("changed events do not match the delivered versions");
    if (changed_set.size() != changed_labels.size()) fail("a version was reported twice");
    // Recovery: after the faults stopped the client caught up with the last deployment.
    if (last_success < faults_end) fail("no successful poll after the faults stopped");
    if (!s.has_configuration() || s.latest().version_label != service.label_of(service.current_version()))
        fail("latest configuration is not the service's current version at the end (have " + s.latest().version_label + ", service " +
             service.label_of(service.current_version()) + ")");
    if (credential_fetches < hours / 9) fail("credentials were not refreshed when they expired");
    if (s.latest().content != service.content_of(std::stoi(s.latest().version_label.substr(1)))) fail("latest content does not match its label");

    result.requests = service.requests;
    result.polls = s.stats().polls_succeeded;
    result.changes = s.stats().changes;
    result.restarts = s.stats().restarts;
    result.errors = s.stats().errors;
    result.token_retries = token_retries;
    return result;
}

} // namespace

TEST_CASE("simulation: sessions survive 48 h of faults on every seed") {
    const int hours = static_cast<int>(env_number("SIM_HOURS", 48));
    std::uint64_t first = 1, count = env_number("SIM_SEEDS", 1000);
    if (const char* one = std::getenv("SIM_SEED"); one && *one) {
        first = std::strtoull(one, nullptr, 10);
        count = 1;
    }
    std::uint64_t failed = 0, requests = 0, polls = 0, changes = 0, restarts = 0, errors = 0, token_retries = 0;
    for (std::uint64_t seed = first; seed < first + count; ++seed) {
        const seed_result r = run_seed(seed, hours);
        requests += r.requests;
        polls += r.polls;
        changes += r.changes;
        restarts += r.restarts;
        errors += r.errors;
        token_retries += r.token_retries;
        if (!r.failures.empty()) {
            ++failed;
            std::cerr << "simulation seed " << seed << " FAILED (rerun: SIM_SEED=" << seed << "):\n";
            for (const auto& f : r.failures) std::cerr << "  " << f << "\n";
        }
    }
    std::cout << "simulation: " << count << " seeds x " << hours << " h: " << requests << " requests, " << polls << " polls, " << changes
              << " changes, " << restarts << " restarts, " << token_retries << " tokens sent again after a 429/5xx, " << errors
              << " error events, " << failed << " failing seeds\n";
    CHECK(token_retries > 0); // the fault plan throttles polls: the same-token retry must have happened
    CHECK(failed == 0);
}

TEST_CASE("simulation: the tick driver drives a session against the service") {
    test_support::simulated_service service(42);
    service.faults.throttle = 0.05;
    service.faults.lost_response = 0.05;
    session::session_config config;
    config.application = "app";
    config.environment = "env";
    config.configuration_profile = "profile";
    config.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    config.region = "us-east-1";
    sim_session s(config);
    driver::tick_driver<sim_session> d(s);
    time_point now = clock_type::from_time_t(1764115200);
    const time_point end = now + 6h;
    std::set<std::string> tokens;
    int changed = 0;
    while (now < end) {
        auto t = d.tick(now);
        if (t.need_credentials) {
            credentials c;
            c.access_key_id = "AKID";
            c.secret_access_key = "secret";
            s.set_credentials(c);
            continue;
        }
        REQUIRE_FALSE(t.failed);
        if (t.request) {
            const bool poll = t.request->method == "GET";
            const std::string query = t.request->query;
            if (poll) CHECK(tokens.insert(query).second); // again only after a 429 / 5xx (erased below)
            CHECK(d.tick(now).request == nullptr); // one request at a time
            auto out = service.handle(*t.request, now);
            now += out.latency;
            if (poll && out.delivered && (out.response.status == 429 || out.response.status >= 500)) tokens.erase(query);
            if (out.delivered) CHECK_FALSE(d.complete(out.response, now));
            else CHECK_FALSE(d.fail(out.transport_error, now));
            CHECK(d.complete(out.response, now) == errc::invalid_state);
        } else {
            now = std::max(now + 1ms, t.wake_at);
            if (now.time_since_epoch().count() % 7 == 0) service.deploy();
        }
        while (auto e = s.poll_event()) changed += e->kind == session::event_kind::changed;
    }
    CHECK(service.violations.empty());
    CHECK(changed >= 1);
    CHECK(s.stats().polls_succeeded > 100);
}

TEST_CASE("simulation: credential_process credentials that expire 40 s after each run are fetched again before each expiry") {
    // The CLI's set-up in virtual time: a session, the blocking driver, and the default chain (a
    // profile with credential_process) behind the refresh-ahead cache as the credentials source.
    test_support::simulated_service service(7);
    service.base_interval_seconds = 15;
    time_point now = clock_type::from_time_t(1764115200);
    const time_point end = now + 1h;

    std::map<std::string, time_point> expiry_of;   // access key id -> expiration
    std::vector<time_point> runs;                  // when the process ran
    default_chain_options chain;
    chain.environment = [](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME") return std::string("/home/u");
        return std::nullopt;
    };
    chain.platform = os_platform::posix;
    cached_credentials_provider cache(std::make_unique<default_credentials_chain>(chain));

    session::session_config config;
    config.application = "app";
    config.environment = "env";
    config.configuration_profile = "profile";
    config.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    config.region = "us-east-1";
    config.options.min_poll_interval = 15s;
    sim_session s(config);

    int signed_after_expiry = 0, unknown_key = 0, sends = 0;
    driver::blocking_hooks h;
    h.clock = [&] { return now; };
    h.sleep_until = [&](time_point t) { now = std::max(now, t); };
    h.read_file = [](std::string_view path, std::string& out) -> std::error_code {
        if (path != "/home/u/.aws/config") return errc::file_not_found;
        out = "[default]\ncredential_process = /usr/local/bin/issue-creds\n";
        return {};
    };
    h.run_process = [&](const process_request& r, process_outcome& o) -> std::error_code {
        CHECK(r.argv == std::vector<std::string>{"/usr/local/bin/issue-creds"});
        runs.push_back(now);
        const std::string key = "AKIDRUN" + std::to_string(runs.size());
        expiry_of[key] = now + 40s;
        o = process_outcome{};
        o.stdout_text = "{\"Version\":1,\"AccessKeyId\":\"" + key + "\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"" +
                        http::format_iso8601(now + 40s) + "\"}";
        return {};
    };
    h.transport = [&](const http::request& req, http::response& resp) -> std::error_code {
        ++sends;
        const std::string* auth = req.headers.find("Authorization");
        REQUIRE(auth != nullptr);
        const auto at = auth->find("Credential=") + 11;
        const std::string key = auth->substr(at, auth->find('/', at) - at);
        auto it = expiry_of.find(key);
        if (it == expiry_of.end()) ++unknown_key;
        else if (now >= it->second) ++signed_after_expiry;
        auto out = service.handle(req, now);
        now += out.latency;
        if (!out.delivered) return out.transport_error;
        resp = std::move(out.response);
        return {};
    };
    h.credentials_source = [&](credentials& out) -> std::error_code {
        driver::blocking_hooks inner = h;
        inner.credentials_source = nullptr;
        if (auto ec = driver::run(cache, inner)) return ec;
        const credentials* c = cache.current(now);
        if (!c) return errc::credentials_expired;
        out = *c;
        return {};
    };
    h.stop = [&] { return now >= end; };
    CHECK(driver::run_until(s, h, [](const session::event&) { return false; }) == errc::cancelled);

    std::cout << "credential refresh: " << runs.size() << " process runs in 1 virtual hour, " << sends << " requests, " << signed_after_expiry
              << " signed after expiry\n";
    CHECK(unknown_key == 0);
    CHECK(signed_after_expiry == 0);
    CHECK(runs.size() >= 3600 / 40);
    for (std::size_t i = 1; i < runs.size(); ++i) {
        INFO("run " << i);
        CHECK(runs[i] < runs[i - 1] + 40s); // before the previous credentials expired
    }
    CHECK(service.violations.empty());
    CHECK(s.stats().polls_succeeded > 100);
}
