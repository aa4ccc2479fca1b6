// appconfigdata credentials: resolves AWS credentials exactly as `get` and `watch` do (the default chain,
// or Cognito with --cognito-identity-pool-id) and prints where they came from, the access key id, whether
// a session token is present and when they expire. Never the secret access key or the session token.
// Exit codes: 0 found, 1 nothing found (with the chain's explanation), 2 bad arguments.
#include "args.hpp"
#include "client.hpp"
#include "commands.hpp"

#include <appconfigdata/http/time_format.hpp>

#include <boost/json.hpp>

#include <iostream>
#include <string>

namespace {

namespace acd = appconfigdata;

void usage(std::ostream& os) {
    os << "usage: appconfigdata credentials [--profile P] [--region R] [--cognito-identity-pool-id ID] [--json]\n"
          "Resolves AWS credentials the way get and watch would and prints their source (environment, profile,\n"
          "web-identity, container, imds, cognito, ...), the access key id, whether a session token is present\n"
          "and the expiration. The secret access key and the session token are never printed.\n"
          "Exit 0 when credentials were found, 1 when none were (the chain says why), 2 on bad arguments.\n\n"
          "  --profile NAME              shared config/credentials profile (else AWS_PROFILE, else default)\n"
          "  --region R                  region for STS / SSO (else the region chain)\n"
          "  --cognito-identity-pool-id ID  an Amazon Cognito identity pool (also APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID)\n"
          "  --json                      one JSON object: source, profile, access_key_id, session_token, expiration\n";
}

} // namespace

int cli::cmd_credentials(int argc, char** argv) {
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            usage(std::cout);
            return 0;
        }
    const args a(argc, argv, 2, {"profile", "region", "cognito-identity-pool-id", "endpoint-url"}, {"json"});
    // The client wants a configuration to fetch; this command never fetches one.
    std::vector<std::string> fake = {argv[0], "credentials", "--application", "credentials-check", "--environment", "none",
                                     "--configuration-profile", "none"};
    for (const char* name : {"profile", "region", "cognito-identity-pool-id", "endpoint-url"})
        if (auto v = a.get(name)) {
            fake.push_back(std::string("--") + name);
            fake.push_back(*v);
        }
    std::vector<char*> fake_argv;
    for (auto& s : fake) fake_argv.push_back(s.data());
    std::set<std::string> valued = common_valued_options();
    const args full(static_cast<int>(fake_argv.size()), fake_argv.data(), 2, valued, {"fips", "dualstack", "json"});
    const client_options opts = parse_client_options(full);
    const bool json = a.flag("json");
    try {
        client c(opts);
        acd::credentials creds;
        if (auto ec = c.resolve_credentials(creds)) {
            std::cerr << "appconfigdata credentials: no usable AWS credentials: "
                      << (c.credentials_error().empty() ? ec.message() : c.credentials_error()) << "\n";
            return 1;
        }
        const std::string source = creds.provider.empty() ? std::string("unknown") : creds.provider;
        const std::string profile = source == "profile" ? (opts.aws_profile.empty() ? std::string(std::getenv("AWS_PROFILE") ? std::getenv("AWS_PROFILE") : "default") : opts.aws_profile) : std::string();
        const std::string expiration = creds.expiration ? acd::http::format_iso8601(*creds.expiration) : std::string();
        const bool token = !creds.session_token.empty();
        if (json) {
            boost::json::object o;
            o["source"] = source;
            if (!profile.empty()) o["profile"] = profile;
            o["access_key_id"] = creds.access_key_id;
            o["session_token"] = token;
            if (!expiration.empty()) o["expiration"] = expiration;
            else o["expiration"] = nullptr;
            std::cout << boost::json::serialize(o) << "\n";
        } else {
            std::cout << "source:        " << source << (profile.empty() ? "" : " " + profile) << "\n"
                      << "access key id: " << creds.access_key_id << "\n"
                      << "session token: " << (token ? "present" : "none") << "\n"
                      << "expiration:    " << (expiration.empty() ? "none (long-term credentials)" : expiration) << "\n";
        }
        return 0;
    } catch (const usage_error&) {
        throw;
    } catch (const client_error& e) {
        std::cerr << "appconfigdata credentials: " << e.what() << "\n";
        return 1;
    }
}
