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
    os << "usage: appconfigdata credentials [--profile P] [--region R] [--cognito-identity-pool-id ID ...] [--json]\n"
          "Resolves AWS credentials the way get and watch would and prints their source (environment, profile NAME\n"
          "(static | process | sso | web-identity | assume-role ...), web-identity, container, imds, cognito), the\n"
          "access key id, whether a session token is present and the expiration. The secret access key and the\n"
          "session token are never printed.\n"
          "Exit 0 when credentials were found, 1 when none were (the chain says why), 2 on bad arguments.\n\n"
          "  --profile NAME              shared config/credentials profile (else AWS_PROFILE, else default)\n"
          "  --region R                  region for STS / SSO (else the region chain)\n"
          "  --fips, --dualstack         FIPS / dual-stack endpoints for the credential services\n"
       << cli::cognito_usage()
       << "  --json                      one JSON object: source, profile, profile_kind, access_key_id, session_token,\n"
          "                              expiration\n";
}

} // namespace

int cli::cmd_credentials(int argc, char** argv) {
    if (help_requested(argc, argv)) {
        usage(std::cout);
        return 0;
    }
    std::set<std::string> flags = {"fips", "dualstack", "json"};
    const args a(argc, argv, 2, credential_valued_options(), flags);
    client_options opts;
    parse_credential_options(a, opts);
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
        // A profile's detail is "NAME (kind)"; other providers have none.
        std::string profile, kind;
        if (source == "profile" && !creds.provider_detail.empty()) {
            const auto paren = creds.provider_detail.find(" (");
            profile = creds.provider_detail.substr(0, paren);
            if (paren != std::string::npos && creds.provider_detail.back() == ')')
                kind = creds.provider_detail.substr(paren + 2, creds.provider_detail.size() - paren - 3);
        }
        const std::string expiration = creds.expiration ? acd::http::format_iso8601(*creds.expiration) : std::string();
        const bool token = !creds.session_token.empty();
        if (json) {
            boost::json::object o;
            o["source"] = source;
            if (!profile.empty()) o["profile"] = profile;
            if (!kind.empty()) o["profile_kind"] = kind;
            o["access_key_id"] = creds.access_key_id;
            o["session_token"] = token;
            if (!expiration.empty()) o["expiration"] = expiration;
            else o["expiration"] = nullptr;
            std::cout << boost::json::serialize(o) << "\n";
        } else {
            std::cout << "source:        " << source << (creds.provider_detail.empty() ? "" : " " + creds.provider_detail) << "\n"
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
