// Following AppConfig configurations from a game's frame loop.
//
// The library never blocks and never calls your code: once per frame you ask the scheduler what
// to do, start the HTTP requests it hands out on your own async HTTP stack, and feed back the
// responses when they complete — a few frames later. Readers on any thread (render, audio, AI)
// read a consistent snapshot of the latest configuration from a latest_holder without waiting
// for the network.
//
// To run without AWS, this example talks to an in-process stand-in for the service
// (frame_loop_fake_service.hpp) through a pretend network that completes each request 2 to 9
// frames after it was started, and the clock is a frame counter (60 frames per second, as fast
// as the CPU goes). In a game, `now` is clock_type::now() at the top of the frame and the
// pretend network is your HTTP client (libcurl multi, Beast, the platform's HTTP API).
//
// Usage: frame_loop [seconds-to-simulate]   (default 60). Exits 0 when it saw what it expected.
#include "frame_loop_fake_service.hpp"

#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace acd = appconfigdata;
using namespace std::chrono_literals;

namespace {

using session_type = acd::session::configuration_session<acd::adapters::botan_crypto>;

// Requests in flight on the pretend network. A real program keeps its HTTP client's handles here.
struct in_flight_request {
    std::size_t machine;          // which session asked (scheduler index)
    acd::http::request request;   // a copy: the session's own request is reused for its next one
    int frames_left;
};

acd::session::session_config profile(const std::string& name, std::uint64_t seed) {
    acd::session::session_config c;
    c.application = "space-game";
    c.environment = "prod";
    c.configuration_profile = name;
    c.endpoint_url = "https://appconfigdata.eu-west-1.amazonaws.com";
    c.region = "eu-west-1";
    c.options.min_poll_interval = 15s;
    c.options.jitter_seed = seed; // fixed here to replay the run; a game seeds from adapters::system_random_seed()
    return c;
}

} // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
    if (seconds <= 0) {
        std::cerr << "usage: frame_loop [seconds-to-simulate]\n";
        return 2;
    }

    example::fake_appconfig service;
    service.deploy("space-game", "prod", "tuning", R"({"gravity": 9.81, "max_ships": 64})", "application/json", "tuning-1");
    service.deploy("space-game", "prod", "flags", R"({"dark_mode": {"enabled": false}, "new_hud": {"enabled": true, "opacity": 0.8}})",
                   "application/json", "flags-1");

    // One scheduler for every configuration the game follows: one timer, shared credentials.
    acd::driver::scheduler<session_type> scheduler;
    const std::size_t tuning = scheduler.emplace(profile("tuning", 1));
    const std::size_t flags = scheduler.emplace(profile("flags", 2));
    acd::credentials creds; // in a game: from the credentials/ providers
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    scheduler.set_credentials(creds);

    // What the rest of the game reads, from any thread.
    std::vector<std::unique_ptr<acd::driver::latest_holder>> holders;
    holders.push_back(std::make_unique<acd::driver::latest_holder>());
    holders.push_back(std::make_unique<acd::driver::latest_holder>());
    int tuning_changes = 0, flag_changes = 0;
    acd::feature_flags::document flag_doc;
    holders[tuning]->on_change([&](const acd::driver::latest_holder::snapshot_ptr& s) {
        ++tuning_changes;
        std::cout << "tuning: now " << s->configuration << "\n";
    });
    holders[flags]->on_change([&](const acd::driver::latest_holder::snapshot_ptr& s) {
        ++flag_changes;
        acd::diagnostics diag;
        if (auto ec = acd::feature_flags::document::parse(s->configuration.content, flag_doc, diag)) {
            std::cout << "flags: ignoring a malformed document: " << diag.message << "\n";
            return;
        }
        std::cout << "flags: version " << s->configuration.version_label << ", dark_mode "
                  << (flag_doc.is_enabled("dark_mode") ? "on" : "off") << ", new_hud opacity "
                  << flag_doc.get_double("new_hud", "opacity", 1.0) << "\n";
    });

    std::vector<in_flight_request> network;
    const acd::time_point start = acd::clock_type::from_time_t(1764140400);
    const long frames = static_cast<long>(seconds) * 60;
    unsigned latency_seed = 7;
    for (long frame = 0; frame < frames; ++frame) {
        const acd::time_point now = start + std::chrono::microseconds(frame * 16667); // 60 fps

        // Something happens on the service side: an operator turns dark mode on after 20 s.
        if (frame == 20 * 60)
            service.deploy("space-game", "prod", "flags", R"({"dark_mode": {"enabled": true}, "new_hud": {"enabled": true, "opacity": 0.5}})",
                           "application/json", "flags-2");

        // 1. Requests that completed this frame go back to their sessions.
        for (std::size_t i = 0; i < network.size();) {
            if (--network[i].frames_left > 0) {
                ++i;
                continue;
            }
            const acd::http::response response = service.handle(network[i].request);
            scheduler.on_response(network[i].machine, response, now);
            // 2. Read what the session made of it; publish real changes to the readers.
            session_type& s = scheduler.at(network[i].machine);
            while (auto e = s.poll_event()) {
                if (e->kind == acd::session::event_kind::error || e->kind == acd::session::event_kind::retrying)
                    std::cout << "session " << network[i].machine << ": " << *e << "\n";
            }
            holders[network[i].machine]->publish(s.latest());
            network.erase(network.begin() + static_cast<std::ptrdiff_t>(i));
        }

        // 3. Ask the scheduler what to do; start every request it hands out. Costs a comparison
        //    per session on frames where nothing is due.
        for (;;) {
            const acd::driver::scheduled_action step = scheduler.next(now);
            if (step.act.kind == acd::action_kind::send) {
                latency_seed = latency_seed * 1103515245u + 12345u;
                network.push_back({step.machine, *step.act.request, 2 + static_cast<int>((latency_seed >> 16) % 8)});
                continue;
            }
            if (step.act.kind == acd::action_kind::need_credentials) {
                scheduler.set_credentials(step.credential_group, creds); // refresh from your provider here
                continue;
            }
            if (step.act.kind == acd::action_kind::failed) {
                std::cout << "session " << step.machine << " failed: " << scheduler.at(step.machine).last_diagnostics() << "\n";
                continue;
            }
            break; // wait_until: nothing more this frame
        }

        // 4. The rest of the frame reads the configuration without touching the network.
        if (auto snapshot = holders[flags]->latest()) (void)snapshot->configuration.version_label;
    }

    std::cout << "simulated " << seconds << " s (" << frames << " frames): " << service.requests() << " requests, "
              << tuning_changes << " tuning change(s), " << flag_changes << " flag change(s), dark_mode "
              << (flag_doc.is_enabled("dark_mode") ? "on" : "off") << "\n";
    // What the test checks: each configuration arrived, the operator's change was seen exactly once.
    const bool ok = seconds < 40 || (tuning_changes == 1 && flag_changes == 2 && flag_doc.is_enabled("dark_mode"));
    return ok ? 0 : 1;
}
