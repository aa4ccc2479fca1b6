// Following configurations from a 60 frames/s loop with libcurl's multi interface: no thread, no
// blocking call. Each frame polls the transport once (zero wait), hands finished responses to the
// tick drivers, and starts whatever request a driver asks for; the rest of the frame is the game's.
//
//   curl_multi_frame_loop [--changes N] [--seconds S] APPLICATION ENVIRONMENT PROFILE [PROFILE...]
//
// One session (and tick driver) per profile, all sharing one curl_multi_transport: their requests
// are in flight together. Prints one line per configuration received and exits 0 once N of them
// arrived (default: one per profile), 1 if that did not happen within S seconds (default 30).
// Credentials, region and endpoint come from the environment as the AWS CLI reads them:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), AWS_REGION, and
// AWS_ENDPOINT_URL_APPCONFIGDATA (e.g. a local appconfigdata-emulator).
//
// Build with the single headers only:
//   g++ -std=c++17 -Isingle_include curl_multi_frame_loop.cpp -lcurl -lboost_json $(pkg-config --cflags --libs botan-2)
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>
#include <appconfigdata/appconfigdata_curl.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace acd = appconfigdata;
using session_type = acd::session::configuration_session<acd::adapters::botan_crypto>;
using http_transport = acd::adapters::curl_multi_transport;

namespace {

// The process environment, read where the program starts (nothing else changes it meanwhile).
std::optional<std::string> from_environment(std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
}

// What the game keeps per configuration it follows.
struct follower {
    explicit follower(const acd::session::session_config& c) : session(c), driver(session) {}
    session_type session;
    acd::driver::tick_driver<session_type> driver;
    http_transport::ticket pending; // the request in flight, if any
};

int usage() {
    std::cerr << "usage: curl_multi_frame_loop [--changes N] [--seconds S] APPLICATION ENVIRONMENT PROFILE [PROFILE...]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    int wanted = 0, seconds = 30;
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--changes" || a == "--seconds") && i + 1 < argc) (a == "--changes" ? wanted : seconds) = std::atoi(argv[++i]);
        else args.push_back(a);
    }
    if (args.size() < 3 || seconds <= 0 || wanted < 0) return usage();
    if (wanted == 0) wanted = static_cast<int>(args.size() - 2);

    // Endpoint and credentials, as every AWS SDK finds them.
    const acd::environment_lookup env = from_environment;
    acd::endpoint::params p;
    p.region = from_environment("AWS_REGION");
    acd::endpoint::resolved endpoint;
    std::string why;
    if (acd::endpoint::params_from_environment(env, p, &why) || acd::endpoint::resolve(p, endpoint, &why)) {
        std::cerr << "endpoint: " << why << "\n";
        return 2;
    }
    const acd::provider_result creds = acd::credentials_from_environment(env);
    if (!creds.ready()) {
        std::cerr << "credentials: " << creds.diag.message << "\n";
        return 2;
    }

    curl_global_init(CURL_GLOBAL_DEFAULT); // libcurl's process-wide setup is the application's job
    int received = 0;
    {
        http_transport http; // 0 timeouts (the sessions' default) mean its 30 s deadline
        std::random_device seed;
        std::vector<std::unique_ptr<follower>> followers;
        for (std::size_t i = 2; i < args.size(); ++i) {
            acd::session::session_config c;
            c.application = args[0];
            c.environment = args[1];
            c.configuration_profile = args[i];
            c.endpoint_url = endpoint.url;
            c.region = endpoint.signing_region.empty() ? std::string("us-east-1") : endpoint.signing_region;
            c.options.jitter_seed = seed();
            followers.push_back(std::make_unique<follower>(c));
        }

        const auto frame = std::chrono::microseconds(16667); // 60 frames/s
        const long frames = static_cast<long>(seconds) * 60;
        auto next_frame = std::chrono::steady_clock::now();
        long n = 0;
        for (; n < frames && received < wanted; ++n) {
            const acd::time_point now = acd::clock_type::now();

            // The whole network part of a frame: one poll, then per follower the five lines of glue.
            http.poll();
            for (auto& f : followers) {
                if (auto done = http.take(f->pending)) done->error ? f->driver.fail(done->error, now) : f->driver.complete(done->response, now);
                const acd::driver::tick_result t = f->driver.tick(now);
                if (t.need_credentials) f->session.set_credentials(creds.value, now); // refresh from your provider here
                if (t.request) f->pending = http.start(*t.request, t.timeout);
                if (t.failed) {
                    std::cerr << f->session.config().configuration_profile << " failed: " << t.error.message() << " " << f->session.last_diagnostics() << "\n";
                    return 1;
                }
                // What the session made of it.
                while (auto e = f->session.poll_event()) {
                    if (e->kind == acd::session::event_kind::changed) {
                        const auto& c = f->session.latest();
                        ++received;
                        std::cout << "frame " << n << ": " << f->session.config().configuration_profile << " version "
                                  << (c.version_label.empty() ? "(none)" : c.version_label) << ", " << c.content.size() << " bytes, "
                                  << c.content_type << std::endl;
                    } else if (e->kind == acd::session::event_kind::error || e->kind == acd::session::event_kind::retrying) {
                        std::cout << "frame " << n << ": " << *e << std::endl;
                    }
                }
            }

            // ... the game's own frame work goes here ...
            next_frame += frame;
            std::this_thread::sleep_until(next_frame);
        }
        std::cout << n << " frames, " << received << " configuration(s) received, " << http.in_flight() << " request(s) still in flight"
                  << std::endl;
    } // the transport cancels what is still in flight
    curl_global_cleanup();
    return received >= wanted ? 0 : 1;
}
