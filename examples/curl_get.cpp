// Fetch a configuration once from AWS AppConfig Data with libcurl and the default credential chain.
//   curl_get APPLICATION ENVIRONMENT PROFILE REGION
// (This is `appconfigdata get` in 50 lines; credentials, region and AWS_ENDPOINT_URL as the AWS CLI finds them.)
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>
#include <appconfigdata/appconfigdata_curl.hpp>
#include <appconfigdata/appconfigdata_posix.hpp>

#include <cstdio>
#include <iostream>
#include <thread>

namespace acd = appconfigdata;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: curl_get APPLICATION ENVIRONMENT PROFILE REGION\n";
        return 2;
    }
    acd::endpoint::params p;
    p.region = argv[4];
    acd::endpoint::resolved endpoint;
    std::string why;
    // AWS_ENDPOINT_URL_APPCONFIGDATA / AWS_ENDPOINT_URL, FIPS and dual-stack, as every AWS SDK reads them.
    if (auto ec = acd::endpoint::params_from_environment(acd::adapters::system_environment(), p, &why)) {
        std::cerr << "endpoint: " << (why.empty() ? ec.message() : why) << "\n";
        return 2;
    }
    if (auto ec = acd::endpoint::resolve(p, endpoint, &why)) {
        std::cerr << "endpoint: " << (why.empty() ? ec.message() : why) << "\n";
        return 2;
    }
    acd::session::session_config cfg;
    cfg.application = argv[1];
    cfg.environment = argv[2];
    cfg.configuration_profile = argv[3];
    cfg.endpoint_url = endpoint.url;
    cfg.region = endpoint.signing_region;
    cfg.options.jitter_seed = acd::adapters::system_random_seed(); // each host its own jitter
    acd::session::configuration_session<acd::adapters::botan_crypto> session(cfg);

    acd::default_chain_options chain;
    chain.environment = acd::adapters::system_environment();
    chain.sign = acd::make_sigv4_request_signer<acd::adapters::botan_crypto>();
    chain.region = argv[4];
    acd::cached_credentials_provider credentials(std::make_unique<acd::default_credentials_chain>(chain));

    acd::driver::blocking_hooks hooks;
    hooks.transport = acd::adapters::curl_transport();
    hooks.clock = [] { return acd::clock_type::now(); };
    hooks.sleep_until = [](acd::time_point t) { std::this_thread::sleep_until(t); };
    hooks.read_file = acd::adapters::make_file_reader();      // the chain's profile and token files
    hooks.run_process = acd::adapters::make_process_runner(); // credential_process
    hooks.credentials_source = [&](acd::credentials& out) -> std::error_code {
        acd::driver::blocking_hooks h = hooks;
        h.credentials_source = nullptr;
        if (auto ec = acd::driver::run(credentials, h)) return ec;
        out = credentials.outcome().value;
        return {};
    };
    std::error_code failure;
    const std::error_code ec = acd::driver::run_until(session, hooks, [&](const acd::session::event& e) {
        if (e.kind == acd::session::event_kind::error) failure = e.error;
        return e.kind == acd::session::event_kind::changed || e.kind == acd::session::event_kind::unchanged ||
               e.kind == acd::session::event_kind::error;
    });
    if (ec || failure) {
        std::cerr << "failed: " << (ec ? ec : failure).message() << " " << session.last_service_error().diag << "\n";
        return 1;
    }
    const auto& c = session.latest();
    std::fwrite(c.content.data(), 1, c.content.size(), stdout);
    std::cerr << "version " << c.version_label << ", " << c.content_type << "\n";
    return 0;
}
