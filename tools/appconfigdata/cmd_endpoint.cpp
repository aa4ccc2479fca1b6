// appconfigdata endpoint: prints the AppConfig Data endpoint URL the library resolves for a region,
// FIPS / dual-stack choice or custom endpoint URL. Settings come from the options, else from the
// environment (AWS_REGION / AWS_DEFAULT_REGION, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
// AWS_ENDPOINT_URL_APPCONFIGDATA / AWS_ENDPOINT_URL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
// Exit codes: 0 resolved, 1 the endpoint rules reject the combination, 2 bad arguments or settings.
#include "args.hpp"
#include "commands.hpp"

#include <appconfigdata/endpoint/environment.hpp>
#include <appconfigdata/endpoint/resolver.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

void print_endpoint_usage(std::ostream& os) {
    os << "usage: appconfigdata endpoint [--region R] [--fips] [--dualstack] [--endpoint-url URL] [--verbose]\n"
          "\n"
          "Prints the AppConfig Data endpoint URL for a region.\n"
          "  --region R          AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION)\n"
          "  --fips              use the FIPS endpoint (default: AWS_USE_FIPS_ENDPOINT)\n"
          "  --dualstack         use the dual-stack (IPv6) endpoint (default: AWS_USE_DUALSTACK_ENDPOINT)\n"
          "  --endpoint-url URL  custom endpoint (default: AWS_ENDPOINT_URL_APPCONFIGDATA, then AWS_ENDPOINT_URL)\n"
          "  --verbose           also print the signing region and name to stderr\n";
}

} // namespace

int cli::cmd_endpoint(int argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            print_endpoint_usage(std::cout);
            return 0;
        }
    }
    const args a(argc, argv, 2, {"region", "endpoint-url"}, {"fips", "dualstack", "verbose"});

    namespace ep = appconfigdata::endpoint;
    ep::params p;
    p.region = a.get("region");
    p.endpoint_url = a.get("endpoint-url");
    std::string message;
    const ep::environment_lookup lookup = [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
    if (ep::params_from_environment(lookup, p, &message)) throw usage_error(message);
    if (a.flag("fips")) p.use_fips = true;
    if (a.flag("dualstack")) p.use_dual_stack = true;

    ep::resolved out;
    if (auto ec = ep::resolve(p, out, &message)) {
        if (ec == appconfigdata::errc::invalid_region || ec == appconfigdata::errc::invalid_url) throw usage_error(message);
        std::cerr << "appconfigdata endpoint: " << message << "\n";
        return 1;
    }
    std::cout << out.url << "\n";
    if (a.flag("verbose"))
        std::cerr << "signing region: " << (out.signing_region.empty() ? "(none)" : out.signing_region) << "\nsigning name: " << out.signing_name
                  << "\n";
    return 0;
}
