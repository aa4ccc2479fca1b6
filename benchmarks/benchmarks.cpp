// appconfigdata-benchmarks: what a signed poll costs, next to its cryptographic floor.
//
//   build/benchmarks/appconfigdata-benchmarks [--benchmark_format=json]
//
// Every benchmark reports `allocs`: heap allocations per iteration, counted by the global
// operator new replaced in alloc_counter.hpp. After the run, the ratio of
// sign_get_latest_configuration to crypto_floor_get_latest_configuration is printed on stderr.
#include "alloc_counter.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/feature_flags/document.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/protocol/protocol.hpp>
#include <appconfigdata/session/configuration_session.hpp>
#include <appconfigdata/sigv4/signer.hpp>

#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace appconfigdata;
using botan_signer = sigv4::signer<adapters::botan_crypto>;

constexpr const char* endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";

std::string random_text(std::size_t n, std::uint32_t seed) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    std::mt19937 rng(seed);
    std::string s(n, 'A');
    for (auto& c : s) c = alphabet[rng() % (sizeof alphabet - 1)];
    return s;
}

const std::string& token300() {
    static const std::string t = random_text(300, 1);
    return t;
}

credentials bench_credentials() {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.session_token = random_text(400, 2);
    return c;
}

time_point fixed_time() {
    time_point t;
    (void)http::parse_amz_date("20261126T061314Z", t);
    return t;
}

// Counts allocations across the timed loop and reports them per iteration.
struct alloc_scope {
    benchmark::State& state;
    std::size_t start = bench::allocation_count.load();
    ~alloc_scope() {
        const auto n = bench::allocation_count.load() - start;
        state.counters["allocs"] = benchmark::Counter(static_cast<double>(n) / static_cast<double>(state.iterations() ? state.iterations() : 1));
    }
};

void sign_get_latest_configuration(benchmark::State& state) {
    botan_signer signer;
    const credentials creds = bench_credentials();
    sigv4::signing_params params{"us-east-1", "appconfig", fixed_time()};
    params.query_is_canonical = true; // as the session signs what the protocol builder wrote
    http::request req;
    // Warm-up: buffers sized, signing key derived and cached; the second signature sees the header
    // layout every later one has (the first adds Host, X-Amz-Date, X-Amz-Security-Token, Authorization).
    for (int i = 0; i < 2; ++i) {
        (void)protocol::build_get_latest_configuration(endpoint_url, token300(), req);
        (void)signer.sign(req, creds, params);
    }
    http::url endpoint;
    (void)http::parse_url(endpoint_url, endpoint);
    alloc_scope allocs{state};
    for (auto _ : state) {
        (void)protocol::build_get_latest_configuration(endpoint, token300(), req);
        if (signer.sign(req, creds, params)) state.SkipWithError("sign failed");
        benchmark::DoNotOptimize(req.headers.size());
    }
}

// The two halves of sign_get_latest_configuration, to see where its time goes: building the
// request (percent-encoding the token) and signing an already built request, the latter without
// query_is_canonical: the signer checks every escape of the query itself, as it does for a request
// it knows nothing about.
void build_get_latest_configuration(benchmark::State& state) {
    http::request req;
    (void)protocol::build_get_latest_configuration(endpoint_url, token300(), req);
    http::url endpoint;
    (void)http::parse_url(endpoint_url, endpoint);
    alloc_scope allocs{state};
    for (auto _ : state) {
        if (protocol::build_get_latest_configuration(endpoint, token300(), req)) state.SkipWithError("build failed");
        benchmark::DoNotOptimize(req.query.data());
    }
}

void resign_get_latest_configuration(benchmark::State& state) {
    botan_signer signer;
    const credentials creds = bench_credentials();
    const sigv4::signing_params params{"us-east-1", "appconfig", fixed_time()};
    http::request req;
    (void)protocol::build_get_latest_configuration(endpoint_url, token300(), req);
    (void)signer.sign(req, creds, params);
    (void)signer.sign(req, creds, params); // the header layout of every later signature
    alloc_scope allocs{state};
    for (auto _ : state) {
        if (signer.sign(req, creds, params)) state.SkipWithError("sign failed");
        benchmark::DoNotOptimize(req.headers.size());
    }
}

void crypto_floor_get_latest_configuration(benchmark::State& state) {
    // The exact canonical request and string to sign of the signature above, and its signing key.
    botan_signer signer;
    const credentials creds = bench_credentials();
    const sigv4::signing_params params{"us-east-1", "appconfig", fixed_time()};
    http::request req;
    (void)protocol::build_get_latest_configuration(endpoint_url, token300(), req);
    sigv4::signing_details details;
    (void)signer.sign(req, creds, params, &details);
    // Derive the signing key the textbook way, once.
    adapters::botan_crypto crypto;
    crypto::digest k{};
    const std::string secret = "AWS4" + creds.secret_access_key.reveal();
    crypto.hmac_sha256(std::string_view(secret), "20261126", k);
    crypto::digest k2{};
    crypto.hmac_sha256(k, "us-east-1", k2);
    crypto.hmac_sha256(k2, "appconfig", k);
    crypto::digest signing_key{};
    crypto.hmac_sha256(k, "aws4_request", signing_key);
    crypto::digest out{};
    crypto.hmac_sha256(signing_key, details.string_to_sign, out); // keyed HMAC object now holds the signing key
    alloc_scope allocs{state};
    for (auto _ : state) {
        crypto.sha256(details.canonical_request, out);
        benchmark::DoNotOptimize(out);
        crypto.hmac_sha256(signing_key, details.string_to_sign, out);
        benchmark::DoNotOptimize(out);
    }
}

void sign_start_configuration_session(benchmark::State& state) {
    botan_signer signer;
    const credentials creds = bench_credentials();
    const sigv4::signing_params params{"us-east-1", "appconfig", fixed_time()};
    protocol::start_configuration_session_input in;
    in.application_identifier = "my-application";
    in.environment_identifier = "production";
    in.configuration_profile_identifier = "feature-flags";
    in.required_minimum_poll_interval_in_seconds = 60;
    http::request req;
    alloc_scope allocs{state};
    for (auto _ : state) {
        (void)protocol::build_start_configuration_session(endpoint_url, in, req);
        if (signer.sign(req, creds, params)) state.SkipWithError("sign failed");
        benchmark::DoNotOptimize(req.body.size());
    }
}

void sign_get_latest_configuration_cold_key(benchmark::State& state) {
    // A new day every iteration: the signing key is derived each time (4 extra HMACs).
    botan_signer signer;
    const credentials creds = bench_credentials();
    time_point t = fixed_time();
    http::request req;
    (void)protocol::build_get_latest_configuration(endpoint_url, token300(), req);
    for (int i = 0; i < 2; ++i) { // buffers sized, header layout settled
        t += std::chrono::hours(24);
        (void)signer.sign(req, creds, sigv4::signing_params{"us-east-1", "appconfig", t});
    }
    alloc_scope allocs{state};
    for (auto _ : state) {
        t += std::chrono::hours(24);
        const sigv4::signing_params params{"us-east-1", "appconfig", t};
        if (signer.sign(req, creds, params)) state.SkipWithError("sign failed");
        benchmark::DoNotOptimize(req.headers.size());
    }
}

void parse_error_response(benchmark::State& state) {
    http::response r;
    r.status = 400;
    r.headers.add("X-Amzn-ErrorType", "BadRequestException:http://internal.amazon.com/coral/com.amazon.coral.service/");
    r.headers.add("x-amzn-RequestId", "0a1b2c3d-0000-1111-2222-333344445555");
    r.body = R"({"Message":"Request too early","Reason":"InvalidParameters","Details":{"InvalidParameters":{"ConfigurationToken":{"Problem":"PollIntervalNotSatisfied"}}}})";
    protocol::service_error err;
    alloc_scope allocs{state};
    for (auto _ : state) {
        benchmark::DoNotOptimize(protocol::parse_service_error(r, err));
    }
}

void parse_configuration_change_100kb(benchmark::State& state) {
    http::response r;
    r.status = 200;
    r.headers.add("Next-Poll-Configuration-Token", token300());
    r.headers.add("Next-Poll-Interval-In-Seconds", "60");
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Version-Label", "v42");
    r.body = "{\"blob\":\"" + random_text(100 * 1024, 3) + "\"}";
    protocol::get_latest_configuration_output out;
    protocol::service_error err;
    alloc_scope allocs{state};
    for (auto _ : state) {
        benchmark::DoNotOptimize(protocol::parse_get_latest_configuration(r, out, err));
        benchmark::DoNotOptimize(out.configuration.size());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * r.body.size()));
}

void resolve_endpoint(benchmark::State& state) {
    endpoint::params p;
    p.region = "eu-central-1";
    p.use_fips = true;
    endpoint::resolved out;
    alloc_scope allocs{state};
    for (auto _ : state) {
        benchmark::DoNotOptimize(endpoint::resolve(p, out));
    }
}

// A "200, unchanged" GetLatestConfiguration answer carrying a fresh 300-character token.
http::response unchanged_response(std::uint32_t seed) {
    http::response r;
    r.status = 200;
    r.headers.add("Next-Poll-Configuration-Token", random_text(300, seed));
    r.headers.add("Next-Poll-Interval-In-Seconds", "30");
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Version-Label", "v1");
    r.headers.add("x-amzn-RequestId", "0a1b2c3d-0000-1111-2222-333344445555");
    r.headers.add("Date", "Thu, 26 Nov 2026 06:13:14 GMT");
    return r;
}

// One whole cycle of the session machine in virtual time: next(now) (waiting until the action's
// `when` first) yields the signed GetLatestConfiguration, an "unchanged" 200 with a new token and
// Next-Poll-Interval-In-Seconds is fed back, events are drained. The responses come from a ring
// prepared up front (the transport owns them). Virtual time crosses a UTC day every ~2900 cycles, so
// the signing key is derived again then (counted).
void steady_state_poll(benchmark::State& state) {
    session::session_config config;
    config.application = "my-application";
    config.environment = "production";
    config.configuration_profile = "feature-flags";
    config.endpoint_url = endpoint_url;
    config.region = "us-east-1";
    // The renewal every 23 h (a StartConfigurationSession) is not a steady-state poll: kept out of
    // the measured loop, which would otherwise cross one every ~2800 cycles of 30 s.
    config.options.max_session_age = std::chrono::hours(24 * 365 * 100);
    session::configuration_session<adapters::botan_crypto> s(config);
    s.set_credentials(bench_credentials());
    http::response started;
    started.status = 201;
    started.body = R"({"InitialConfigurationToken":")" + token300() + R"("})";
    std::vector<http::response> ring;
    for (std::uint32_t i = 0; i < 64; ++i) ring.push_back(unchanged_response(100 + i));
    ring[0].body = R"({"feature":{"enabled":true}})"; // the first poll brings the configuration

    time_point now = fixed_time();
    std::size_t next_response = 0;
    session::event e;
    const auto cycle = [&] {
        action a = s.next(now);
        if (a.kind == action_kind::wait_until) {
            now = a.when;
            a = s.next(now);
        }
        if (a.kind != action_kind::send) return false;
        const bool start = a.request->method == "POST";
        const http::response& r = start ? started : ring[next_response++ % ring.size()];
        if (s.on_response(r, now + std::chrono::milliseconds(20))) return false;
        while (s.poll_event(e)) benchmark::DoNotOptimize(e.kind);
        return true;
    };
    for (int i = 0; i < 200; ++i) // warm-up: session started, buffers at size, signing key cached
        if (!cycle()) {
            state.SkipWithError("session did not reach the steady state");
            return;
        }
    alloc_scope allocs{state};
    for (auto _ : state)
        if (!cycle()) state.SkipWithError("poll failed");
    if (s.stats().polls_succeeded == 0) state.SkipWithError("no poll succeeded");
}

void feature_flag_lookup(benchmark::State& state) {
    std::string text = "{";
    for (int i = 0; i < 50; ++i) {
        if (i) text += ",";
        text += "\"flag_" + std::to_string(i) + "\":{\"enabled\":" + (i % 2 ? "true" : "false") + ",\"limit\":" + std::to_string(i) + "}";
    }
    text += "}";
    feature_flags::document doc;
    diagnostics diag;
    if (feature_flags::document::parse(text, doc, diag)) {
        state.SkipWithError("parse failed");
        return;
    }
    alloc_scope allocs{state};
    for (auto _ : state) {
        benchmark::DoNotOptimize(doc.is_enabled("flag_37"));
        std::int64_t v = 0;
        benchmark::DoNotOptimize(doc.try_get_int("flag_37", "limit", v));
    }
}

BENCHMARK(sign_get_latest_configuration);
BENCHMARK(crypto_floor_get_latest_configuration);
BENCHMARK(build_get_latest_configuration);
BENCHMARK(resign_get_latest_configuration);
BENCHMARK(sign_start_configuration_session);
BENCHMARK(sign_get_latest_configuration_cold_key);
BENCHMARK(steady_state_poll);
BENCHMARK(parse_error_response);
BENCHMARK(parse_configuration_change_100kb);
BENCHMARK(resolve_endpoint);
BENCHMARK(feature_flag_lookup);

// Forwards to the chosen reporter and remembers each benchmark's time, for the closing ratio.
template <class Base>
class ratio_reporter : public Base {
public:
    void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
        for (const auto& r : runs)
            if (r.run_type == benchmark::BenchmarkReporter::Run::RT_Iteration && !r.error_occurred)
                times[r.benchmark_name()] = r.GetAdjustedCPUTime();
        Base::ReportRuns(runs);
    }
    std::map<std::string, double> times;
};

template <class Reporter>
int run(Reporter& reporter) {
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const auto sign = reporter.times.find("sign_get_latest_configuration");
    const auto floor = reporter.times.find("crypto_floor_get_latest_configuration");
    if (sign != reporter.times.end() && floor != reporter.times.end() && floor->second > 0)
        std::cerr << "sign_get_latest_configuration / crypto_floor_get_latest_configuration (CPU time) = " << sign->second / floor->second
                  << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    bool json = false;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--benchmark_format=json") == 0) json = true;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    int rc = 0;
    if (json) {
        ratio_reporter<benchmark::JSONReporter> reporter;
        rc = run(reporter);
    } else {
        ratio_reporter<benchmark::ConsoleReporter> reporter;
        rc = run(reporter);
    }
    benchmark::Shutdown();
    return rc;
}
