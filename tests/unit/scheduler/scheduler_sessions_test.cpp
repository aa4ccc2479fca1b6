// The scheduler driving real configuration sessions against the in-process service stand-in,
// with requests that complete out of order some steps later.
#include "test_crypto.hpp"
#include <appconfigdata/driver/latest_holder.hpp>
#include <appconfigdata/driver/scheduler.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include "frame_loop_fake_service.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace appconfigdata;
using namespace std::chrono_literals;

namespace {

using session_type = session::configuration_session<test_crypto>;
const time_point t0 = time_point(1764140400s);

session::session_config config_for(const std::string& app, const std::string& profile, std::uint64_t seed) {
    session::session_config c;
    c.application = app;
    c.environment = "prod";
    c.configuration_profile = profile;
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.min_poll_interval = 15s;
    c.options.jitter_seed = seed;
    return c;
}

credentials account(const std::string& id) {
    credentials c;
    c.access_key_id = id;
    c.secret_access_key = "secret-" + id;
    return c;
}

struct pending {
    std::size_t machine;
    http::request request;
    time_point completes;
};

} // namespace

TEST_CASE("scheduler with sessions: many profiles and accounts on one timer") {
    example::fake_appconfig service(15);
    const std::vector<std::pair<std::string, std::string>> profiles = {
        {"shop", "flags"}, {"shop", "tuning"}, {"ads", "flags"}, {"billing", "limits"}, {"billing", "flags"}};
    for (const auto& p : profiles) service.deploy(p.first, "prod", p.second, "{\"" + p.first + "\":\"" + p.second + "\"}", "application/json", "v1");

    driver::scheduler<session_type> s;
    std::vector<std::unique_ptr<driver::latest_holder>> holders;
    std::map<std::string, int> changes;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        const bool other_account = profiles[i].first == "billing";
        const auto index = s.emplace_in_group(other_account ? 1 : 0, config_for(profiles[i].first, profiles[i].second, i + 1));
        REQUIRE(index == i);
        holders.push_back(std::make_unique<driver::latest_holder>());
        const std::string name = profiles[i].first + "/" + profiles[i].second;
        holders.back()->on_change([&changes, name](const driver::latest_holder::snapshot_ptr&) { ++changes[name]; });
    }

    std::vector<pending> network;
    std::map<std::size_t, int> credential_requests;
    std::map<std::string, std::vector<std::string>> signed_with; // access key ids seen per application
    time_point now = t0;
    unsigned latency = 1;
    bool redeployed = false;
    for (int step = 0; step < 100000 && now < t0 + 5min; ++step) {
        if (!redeployed && now >= t0 + 70s) {
            service.deploy("ads", "prod", "flags", "{\"ads\":\"flags-2\"}", "application/json", "v2");
            redeployed = true;
        }
        // Deliver what completed by now (in completion order, not send order).
        std::sort(network.begin(), network.end(), [](const pending& a, const pending& b) { return a.completes < b.completes; });
        while (!network.empty() && network.front().completes <= now) {
            const pending p = network.front();
            network.erase(network.begin());
            REQUIRE(s.on_response(p.machine, service.handle(p.request), now) == std::error_code());
            while (s.at(p.machine).poll_event()) {
            }
            holders[p.machine]->publish(s.at(p.machine).latest());
        }
        const driver::scheduled_action a = s.next(now);
        switch (a.act.kind) {
        case action_kind::send: {
            const std::string* auth = a.act.request->headers.find("Authorization");
            REQUIRE(auth != nullptr);
            signed_with[profiles[a.machine].first].push_back(auth->substr(auth->find("Credential=") + 11, 6));
            latency = latency * 7 % 11 + 1; // 1..11 seconds, varying
            network.push_back({a.machine, *a.act.request, now + std::chrono::seconds(latency)});
            break;
        }
        case action_kind::need_credentials:
            ++credential_requests[a.credential_group];
            s.set_credentials(a.credential_group, account(a.credential_group == 0 ? "AKIDSHOP00" : "AKIDBILL11"));
            break;
        case action_kind::wait_until: {
            time_point wake = a.act.when;
            for (const pending& p : network) wake = std::min(wake, p.completes);
            REQUIRE(wake > now);
            REQUIRE(wake != (time_point::max)());
            now = wake;
            break;
        }
        case action_kind::failed:
        case action_kind::done:
        case action_kind::read_file:
        case action_kind::run_process: FAIL("no session should stop or ask for local I/O: " << a); break;
        }
    }

    // Each account's credentials were fetched once, for all of its sessions.
    CHECK(credential_requests == std::map<std::size_t, int>{{0, 1}, {1, 1}});
    for (const auto& [app, keys] : signed_with)
        for (const std::string& k : keys) CHECK(k == (app == "billing" ? "AKIDBI" : "AKIDSH"));
    // Every configuration arrived; the redeployed one changed once more; nothing else changed.
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        const std::string name = profiles[i].first + "/" + profiles[i].second;
        INFO(name);
        REQUIRE(holders[i]->latest() != nullptr);
        CHECK(changes[name] == (name == "ads/flags" ? 2 : 1));
        const session::session_stats& st = s.at(i).stats();
        CHECK(st.restarts == 0); // no token was ever reused or rejected
        CHECK(st.errors == 0);
        CHECK(st.starts_sent == 1);
        CHECK(st.polls_sent >= 12); // ~5 min / (15 s + up to 10 % jitter + latency)
        CHECK(st.polls_sent <= 20);
    }
    CHECK(holders[2]->latest()->configuration.content == "{\"ads\":\"flags-2\"}");
}
