// Following a feature-flag configuration with your own HTTP callback and the blocking driver.
//
// The library signs and schedules; your callback only moves bytes: send request.method to
// request.scheme://request.host + request.target() with every header and the body, and fill the
// response's status, headers and body (or return an error_code when nothing came back). Here the
// "network" is an in-process stand-in for the service and the clock is virtual, so the example
// runs in milliseconds; in a program use adapters::curl_transport (see curl_get.cpp) and the real
// clock.
#include "frame_loop_fake_service.hpp"

#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>

#include <iostream>
#include <random>

namespace acd = appconfigdata;

int main() {
    example::fake_appconfig service(30);
    service.deploy("shop", "prod", "flags", R"({"new_checkout":{"enabled":false}})", "application/json", "1");

    acd::session::session_config cfg;
    cfg.application = "shop";
    cfg.environment = "prod";
    cfg.configuration_profile = "flags";
    cfg.endpoint_url = "https://appconfigdata.eu-west-1.amazonaws.com";
    cfg.region = "eu-west-1";
    cfg.options.jitter_seed = std::random_device{}(); // each host its own jitter (or adapters::system_random_seed())
    acd::session::configuration_session<acd::adapters::botan_crypto> session(cfg);

    const acd::time_point start = acd::clock_type::now();
    acd::time_point now = start;
    acd::driver::blocking_hooks hooks;
    hooks.transport = [&](const acd::http::request& req, acd::http::response& resp) -> std::error_code {
        resp = service.handle(req); // your HTTP stack goes here
        return {};
    };
    hooks.clock = [&] { return now; };
    hooks.sleep_until = [&](acd::time_point t) {
        now = t; // virtual time; a program sleeps (or does other work) until t
        if (now - start > std::chrono::minutes(2))
            service.deploy("shop", "prod", "flags", R"({"new_checkout":{"enabled":true}})", "application/json", "2");
    };
    hooks.credentials_source = [](acd::credentials& c) {
        c.access_key_id = "AKIDEXAMPLE"; // from the default chain in a program (credentials/default_chain.hpp)
        c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        return std::error_code{};
    };

    int changes = 0;
    const std::error_code ec = acd::driver::run_until(session, hooks, [&](const acd::session::event& e) {
        if (e.kind != acd::session::event_kind::changed) return false;
        acd::feature_flags::document flags;
        acd::diagnostics diag;
        if (acd::feature_flags::document::parse(e.content, flags, diag)) {
            std::cerr << "not a feature-flag document: " << diag.message << "\n";
            return true;
        }
        std::cout << "version " << e.version_label << ": new_checkout is " << (flags.is_enabled("new_checkout") ? "on" : "off") << "\n";
        return ++changes == 2;
    });
    if (ec || changes != 2) {
        std::cerr << "expected two versions, got " << changes << " (" << ec.message() << ")\n";
        return 1;
    }
    return 0;
}
