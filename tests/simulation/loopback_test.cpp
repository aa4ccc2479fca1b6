// The session and the blocking driver over real HTTP on loopback: libcurl transport against the
// appconfigdata-emulator process (real SigV4 checks, tokens with + / =, 1 s poll interval, injected
// throttling and 5xx). Real time: a few seconds.
#include "test_crypto.hpp"
#include <appconfigdata/adapters/curl_transport.hpp>
#include <appconfigdata/driver/blocking_driver.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include "../emulator/emulator_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <sys/stat.h>
#include <thread>

using namespace appconfigdata;
using namespace std::chrono_literals;

namespace {

using session_t = session::configuration_session<test_crypto>;

std::string make_config_dir() {
    char tmpl[] = "/tmp/acd-loopback-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    REQUIRE(dir != nullptr);
    const std::string root(dir);
    ::mkdir((root + "/shop").c_str(), 0700);
    ::mkdir((root + "/shop/prod").c_str(), 0700);
    return root;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
}

session::session_config config_for(const std::string& url, const std::string& app) {
    session::session_config c;
    c.application = app;
    c.environment = "prod";
    c.configuration_profile = "flags";
    c.endpoint_url = url;
    c.region = "us-east-1";
    c.options.fleet_jitter = 0.0;
    c.options.jitter_seed = 1;
    c.options.retry.max_attempts = 5;
    return c;
}

driver::blocking_hooks real_hooks(adapters::curl_transport& curl, std::set<std::string>& tokens) {
    driver::blocking_hooks h;
    h.clock = [] { return clock_type::now(); };
    h.sleep_until = [](time_point t) { std::this_thread::sleep_until(t); };
    h.credentials_source = [](credentials& c) {
        c.access_key_id = "AKIDEXAMPLE";
        c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        return std::error_code{};
    };
    h.transport = [&curl, &tokens](const http::request& req, http::response& res) {
        // A token goes again only after the service answered it 429 or 5xx.
        if (req.method == "GET") CHECK(tokens.insert(req.query).second);
        const std::error_code ec = curl(req, res);
        if (req.method == "GET" && !ec && (res.status == 429 || res.status >= 500)) tokens.erase(req.query);
        return ec;
    };
    return h;
}

} // namespace

TEST_CASE("loopback: session + blocking driver + curl against the emulator") {
    const std::string dir = make_config_dir();
    write_file(dir + "/shop/prod/flags.json", "{\"v\":1}");
    write_file(dir + "/shop/prod/flags.json.version", "1");
    test_support::emulator_process emu({"--config-dir", dir, "--poll-interval", "1", "--throttle-rate", "0.1", "--error-rate", "0.1",
                                        "--seed", "7"});
    adapters::curl_transport curl;
    std::set<std::string> tokens;
    auto hooks = real_hooks(curl, tokens);

    session_t s(config_for(emu.url(), "shop"));
    std::vector<std::string> labels;
    int polls = 0;
    const auto deadline = clock_type::now() + 60s;
    auto ec = driver::run_until(s, hooks, [&](const session::event& e) {
        if (e.kind == session::event_kind::changed) {
            labels.push_back(e.version_label);
            if (labels.size() == 1) {
                write_file(dir + "/shop/prod/flags.json", "{\"v\":2}");
                write_file(dir + "/shop/prod/flags.json.version", "2");
            }
        }
        if (e.kind == session::event_kind::changed || e.kind == session::event_kind::unchanged) ++polls;
        return (labels.size() == 2 && polls >= 4) || clock_type::now() > deadline;
    });
    CHECK_FALSE(ec);
    REQUIRE(labels.size() == 2);
    CHECK(labels[0] == "1");
    CHECK(labels[1] == "2");
    CHECK(s.latest().content == "{\"v\":2}");
    CHECK(s.latest().content_type == "application/json");
    CHECK(emu.stop() == 0);
    CHECK(std::system(("rm -rf '" + dir + "'").c_str()) == 0);
}

TEST_CASE("loopback: an unknown application fails naming ResourceNotFoundException") {
    const std::string dir = make_config_dir();
    test_support::emulator_process emu({"--config-dir", dir, "--poll-interval", "1"});
    adapters::curl_transport curl;
    std::set<std::string> tokens;
    session_t s(config_for(emu.url(), "no-such-app"));
    std::vector<session::event> errors;
    auto ec = driver::run_until(s, real_hooks(curl, tokens), [&](const session::event& e) {
        if (e.kind == session::event_kind::error) errors.push_back(e);
        return false;
    });
    CHECK(ec == errc::resource_not_found);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].diag.error_type == "ResourceNotFoundException");
    CHECK(errors[0].diag.http_status == 404);
    CHECK(s.last_service_error().resource_type == "Application");
    CHECK(emu.stop() == 0);
    CHECK(std::system(("rm -rf '" + dir + "'").c_str()) == 0);
}
