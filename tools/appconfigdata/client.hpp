// What `appconfigdata get` and `watch` share: options, region / endpoint / credentials resolution
// through the library's default chains, the libcurl transport, the real clock with a Ctrl-C-aware
// sleep, the last-known-good cache file and the messages that say what to do about an AWS error.
#pragma once

#include "args.hpp"
#include "crypto_choice.hpp"

#include <appconfigdata/adapters/curl_transport.hpp>
#include <appconfigdata/adapters/environment_reader.hpp>
#include <appconfigdata/adapters/file_backup_store.hpp>
#include <appconfigdata/adapters/file_reader.hpp>
#include <appconfigdata/adapters/process_runner.hpp>
#include <appconfigdata/adapters/system_random.hpp>
#include <appconfigdata/credentials/cognito.hpp>
#include <appconfigdata/credentials/sso_cache.hpp>
#include <appconfigdata/credentials/default_chain.hpp>
#include <appconfigdata/credentials/imds.hpp>
#include <appconfigdata/credentials/profile_files.hpp>
#include <appconfigdata/credentials/region.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/driver/blocking_driver.hpp>
#include <appconfigdata/endpoint/environment.hpp>
#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/feature_flags/document.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include <atomic>
#include <chrono>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>

namespace cli {

namespace acd = appconfigdata;

// Set by SIGINT / SIGTERM: loops end cleanly at their next check.
inline std::atomic<bool>& stop_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

inline void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = [](int) { stop_requested().store(true); };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

struct client_options {
    std::string application, environment, configuration_profile;
    std::string region;         // --region ("" → the region chain)
    std::string endpoint_url;   // --endpoint-url
    std::string aws_profile;    // --profile
    bool fips = false, dualstack = false;
    std::optional<int> min_poll_interval;
    std::string cache_file;     // --cache-file
    std::string flag;           // --flag
    std::string cognito_pool;   // --cognito-identity-pool-id / APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID
    std::map<std::string, std::string> cognito_logins; // --cognito-login PROVIDER=TOKEN_FILE (repeatable)
    std::string cognito_role_arn;        // --cognito-role-arn: the basic (classic) flow with this role
    std::string cognito_custom_role_arn; // --cognito-custom-role-arn: CustomRoleArn of the enhanced flow
    crypto_backend crypto = crypto_backend::botan; // --crypto
    bool many_configurations = false; // the agent: no session of its own, session_config_for() per configuration
};

// The options that say where credentials, the region and endpoints come from (every command that calls AWS).
inline const std::set<std::string>& credential_valued_options() {
    static const std::set<std::string> names = {"region", "endpoint-url", "profile", "crypto", "cognito-identity-pool-id",
                                                "cognito-login", "cognito-role-arn", "cognito-custom-role-arn"};
    return names;
}

inline const std::set<std::string>& common_valued_options() {
    static const std::set<std::string> names = [] {
        std::set<std::string> n = credential_valued_options();
        n.insert({"application", "environment", "configuration-profile", "min-poll-interval", "cache-file", "flag"});
        return n;
    }();
    return names;
}

inline std::string cognito_usage() {
    return "  --cognito-identity-pool-id ID  credentials from this Amazon Cognito identity pool (\"region:uuid\"; also\n"
           "                              APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID) instead of the default chain; endpoint from\n"
           "                              AWS_ENDPOINT_URL_COGNITO_IDENTITY or the profile's [services] cognito_identity; the\n"
           "                              identity id is kept in $XDG_CACHE_HOME (or ~/.cache)/appconfigdata/cognito-<pool id>.id\n"
           "  --cognito-login P=FILE      an authenticated identity: the login token of provider P (e.g. accounts.google.com,\n"
           "                              cognito-idp.<region>.amazonaws.com/<user pool id>) is read from FILE at every refresh\n"
           "                              (repeatable; tokens never go on the command line)\n"
           "  --cognito-role-arn ARN      the basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity for ARN\n"
           "  --cognito-custom-role-arn ARN  the enhanced flow's CustomRoleArn (a role the pool's rules allow)\n";
}

inline std::string common_usage() {
    return "  --application A             application name or ID (required)\n"
           "  --environment E             environment name or ID (required)\n"
           "  --configuration-profile P   configuration profile name or ID (required)\n"
           "  --region R                  AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's region, IMDS)\n"
           "  --endpoint-url URL          use this endpoint (else AWS_ENDPOINT_URL_APPCONFIGDATA, AWS_ENDPOINT_URL)\n"
           "  --fips, --dualstack         FIPS / dual-stack endpoints (also AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT)\n"
           "  --min-poll-interval N       RequiredMinimumPollIntervalInSeconds, 15..86400\n"
           "  --profile NAME              shared config/credentials profile (else AWS_PROFILE, else default)\n"
           "  --cache-file F              keep the last good configuration in F; serve it when the service cannot be reached\n"
           "  --flag NAME                 print this feature flag's JSON object instead of the whole configuration\n" +
           cognito_usage() + crypto_usage() +
           "Credentials come from the AWS default chain: environment, profile (static keys, credential_process,\n"
           "SSO, assume role, web identity), web identity, container (ECS/EKS), EC2 instance metadata (IMDSv2).\n";
}

// Where credentials, the region and the endpoints come from: --region, --endpoint-url, --profile, --fips,
// --dualstack, --crypto and the Cognito options (credential_valued_options()).
inline void parse_credential_options(const args& a, client_options& o) {
    o.region = a.get("region").value_or("");
    o.endpoint_url = a.get("endpoint-url").value_or("");
    o.aws_profile = a.get("profile").value_or("");
    o.fips = a.flag("fips");
    o.dualstack = a.flag("dualstack");
    o.crypto = parse_crypto(a);
    o.cognito_pool = a.get("cognito-identity-pool-id").value_or("");
    if (o.cognito_pool.empty())
        if (const char* v = std::getenv("APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID")) o.cognito_pool = v;
    if (!o.cognito_pool.empty()) {
        std::string region, why;
        if (acd::cognito_pool_region(o.cognito_pool, region, why)) throw usage_error(why);
    }
    for (const std::string& login : a.all("cognito-login")) {
        const auto eq = login.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == login.size())
            throw usage_error("--cognito-login wants PROVIDER=TOKEN_FILE (the token is read from the file), e.g. accounts.google.com=/run/google.token");
        if (!o.cognito_logins.emplace(login.substr(0, eq), login.substr(eq + 1)).second)
            throw usage_error("--cognito-login names provider '" + login.substr(0, eq) + "' twice");
    }
    o.cognito_role_arn = a.get("cognito-role-arn").value_or("");
    o.cognito_custom_role_arn = a.get("cognito-custom-role-arn").value_or("");
    if (o.cognito_pool.empty() && (!o.cognito_logins.empty() || !o.cognito_role_arn.empty() || !o.cognito_custom_role_arn.empty()))
        throw usage_error("--cognito-login, --cognito-role-arn and --cognito-custom-role-arn need --cognito-identity-pool-id");
    if (!o.cognito_role_arn.empty() && !o.cognito_custom_role_arn.empty())
        throw usage_error("--cognito-role-arn (the basic flow) and --cognito-custom-role-arn (the enhanced flow) exclude each other");
}

inline client_options parse_client_options(const args& a) {
    client_options o;
    o.application = a.required("application");
    o.environment = a.required("environment");
    o.configuration_profile = a.required("configuration-profile");
    for (const std::string* id : {&o.application, &o.environment, &o.configuration_profile})
        if (id->empty() || id->size() > 128) throw usage_error("identifiers must be 1 to 128 characters");
    parse_credential_options(a, o);
    if (auto n = a.integer("min-poll-interval", 15, 86400)) o.min_poll_interval = static_cast<int>(*n);
    o.cache_file = a.get("cache-file").value_or("");
    o.flag = a.get("flag").value_or("");
    return o;
}

// A failure the CLI reports: one line saying what went wrong and what to do.
struct client_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline std::string service_error_text(std::error_code ec, const acd::diagnostics& d) {
    std::ostringstream os;
    if (!d.error_type.empty()) os << d.error_type;
    else if (d.message.empty()) os << ec.message();
    if (d.http_status) os << (d.error_type.empty() ? "HTTP " : " (HTTP ") << d.http_status << (d.error_type.empty() ? "" : ")");
    if (!d.message.empty()) os << (d.error_type.empty() && !d.http_status ? "" : ": ") << d.message;
    if (!d.request_id.empty()) os << " [request id " << d.request_id << "]";
    return os.str();
}

// What the user can do about an error, by its class.
inline std::string advice(std::error_code ec, const client_options& o, const std::string& region, const std::string& endpoint) {
    using acd::errc;
    if (ec == errc::resource_not_found)
        return "check that application '" + o.application + "', environment '" + o.environment + "' and configuration profile '" +
               o.configuration_profile + "' exist in " + region + " (names or IDs) and are deployed";
    if (ec == errc::access_denied)
        return "the credentials need appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on this configuration";
    if (ec == errc::invalid_signature)
        return "check the AWS credentials (access key, secret key, session token; run 'aws sts get-caller-identity') and the system clock; "
               "to compare the canonical request quoted above (secrets redacted) with what this side signs, run 'appconfigdata sign' "
               "with the same method, URL and region";
    if (ec == errc::unrecognized_client || ec == errc::expired_token)
        return "check the AWS credentials (access key, secret key, session token; run 'aws sts get-caller-identity') and the system clock";
    if (ec == errc::throttling) return "the service is throttling this account; wait and retry, or poll less often";
    if (ec == errc::bad_request) return "the request was rejected; check the identifiers and --min-poll-interval";
    if (ec == errc::transport_failed || ec == errc::timeout || ec == errc::internal_server || ec == errc::service_unavailable ||
        ec == errc::retries_exhausted || ec == errc::unexpected_status)
        return "could not get an answer from " + endpoint + "; check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and --endpoint-url";
    return "see the message above";
}

// Everything a get/watch run is made of, resolved from options and the environment.
class client {
public:
    using session_type = acd::session::configuration_session<any_crypto>;

    explicit client(client_options o) : options_(std::move(o)), env_(acd::adapters::system_environment()) {
        install_stop_handlers();
        acd::adapters::curl_options main_opts;
        main_opts.request_timeout = std::chrono::seconds(20);
        transport_ = acd::adapters::curl_transport(main_opts);
        // Credential endpoints (IMDS, container) must fail fast where they do not exist.
        acd::adapters::curl_options cred_opts;
        cred_opts.connect_timeout = std::chrono::milliseconds(1000);
        cred_opts.request_timeout = std::chrono::milliseconds(3000);
        credentials_transport_ = acd::adapters::curl_transport(cred_opts);
        resolve_region();
        if (options_.application.empty() && !options_.many_configurations) return; // credentials only (appconfigdata credentials)
        resolve_endpoint();
        if (!options_.many_configurations) make_session();
    }

    // The session settings for one configuration (get / watch use it for theirs; the agent for each one).
    acd::session::session_config session_config_for(const std::string& application, const std::string& environment,
                                                     const std::string& profile) const {
        acd::session::session_config c;
        c.application = application;
        c.environment = environment;
        c.configuration_profile = profile;
        c.endpoint_url = endpoint_;
        c.region = signing_region_;
        if (options_.min_poll_interval) c.options.min_poll_interval = std::chrono::seconds(*options_.min_poll_interval);
        c.options.jitter_seed = acd::adapters::system_random_seed(); // each host its own jitter
        c.options.request_timeout = std::chrono::seconds(20);
        return c;
    }

    crypto_backend crypto() const noexcept { return options_.crypto; }

    const std::string& region() const noexcept { return region_; }
    const std::string& endpoint() const noexcept { return endpoint_; }
    const client_options& options() const noexcept { return options_; }
    session_type& session() noexcept { return *session_; }

    // Hooks for the blocking driver: libcurl, the real clock, a sleep that wakes for Ctrl-C, and the
    // default credential chain (cached; refreshed when the session asks again).
    acd::driver::blocking_hooks hooks() {
        acd::driver::blocking_hooks h;
        h.transport = [this](const acd::http::request& req, acd::http::response& resp) { return transport_(req, resp); };
        h.clock = [] { return acd::clock_type::now(); };
        h.sleep_until = [](acd::time_point t) {
            while (!stop_requested().load() && acd::clock_type::now() < t) {
                const auto left = t - acd::clock_type::now();
                std::this_thread::sleep_for(std::min<acd::duration>(left, std::chrono::milliseconds(100)));
            }
        };
        h.stop = [] { return stop_requested().load(); };
        h.read_file = acd::adapters::make_file_reader();
        h.run_process = acd::adapters::make_process_runner();
        h.credentials_source = [this](acd::credentials& out) { return fetch_credentials(out); };
        return h;
    }

    // Hooks for credential machines: the fail-fast transport, files, processes; no credentials source.
    acd::driver::blocking_hooks credential_hooks() {
        acd::driver::blocking_hooks h = hooks();
        h.transport = [this](const acd::http::request& req, acd::http::response& resp) { return credentials_transport_(req, resp); };
        h.credentials_source = nullptr;
        return h;
    }

    // Resolves credentials the way get / watch do (for `appconfigdata credentials`).
    std::error_code resolve_credentials(acd::credentials& out) { return fetch_credentials(out); }

    // The credential chain's failure, for messages (never holds secrets).
    const std::string& credentials_error() const noexcept { return credentials_error_; }

    std::unique_ptr<acd::backup::store> cache_store() const {
        if (options_.cache_file.empty()) return nullptr;
        acd::backup::identity id;
        id.application = options_.application;
        id.environment = options_.environment;
        id.configuration_profile = options_.configuration_profile;
        return std::make_unique<acd::adapters::file_backup_store<acd::adapters::botan_crypto>>(options_.cache_file, id);
    }

    void save_cache(const acd::session::configuration& c) const {
        auto store = cache_store();
        if (!store) return;
        acd::backup::record r;
        r.identity.application = options_.application;
        r.identity.environment = options_.environment;
        r.identity.configuration_profile = options_.configuration_profile;
        r.content = c.content;
        r.content_type = c.content_type;
        r.version_label = c.version_label;
        r.saved_at = acd::clock_type::now();
        acd::diagnostics diag;
        if (auto ec = store->save(r, diag))
            std::cerr << "appconfigdata: warning: could not save the cache file: " << (diag.message.empty() ? ec.message() : diag.message) << "\n";
    }

private:
    acd::default_chain_options chain_options() const {
        acd::default_chain_options o;
        o.environment = env_;
        o.sign = acd::make_sigv4_request_signer(any_crypto(options_.crypto));
        o.sso_cache_file = acd::sso_cache_locator(env_);
        o.profile_name = options_.aws_profile;
        o.region = region_;
        if (!options_.cognito_pool.empty()) o.cognito = cognito_options();
        return o;
    }

    // Cognito: the pool, the logins and roles from the command line, --fips / --dualstack, the identity id kept
    // in the cache directory. The chain adds the endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY, AWS_ENDPOINT_URL,
    // the profile's [services] section) and the environment's / profile's FIPS and dual-stack settings.
    acd::cognito_options cognito_options() const {
        acd::cognito_options o;
        o.identity_pool_id = options_.cognito_pool;
        o.login_token_files = options_.cognito_logins;
        if (!options_.cognito_role_arn.empty()) {
            o.flow = acd::cognito_flow::basic;
            o.role_arn = options_.cognito_role_arn;
        }
        o.custom_role_arn = options_.cognito_custom_role_arn;
        o.use_fips = options_.fips;
        o.use_dual_stack = options_.dualstack;
        const std::string file = cognito_id_file(options_.cognito_pool);
        o.identity_id = read_identity_id(file);
        o.store_identity_id = [file](const std::string& id) { store_identity_id(file, id); };
        return o;
    }

    // $XDG_CACHE_HOME/appconfigdata/cognito-<pool id>.id, else ~/.cache/appconfigdata/...; "" when neither is known.
    std::string cognito_id_file(const std::string& pool) const {
        std::string base = acd::detail::remote::env_value(env_, "XDG_CACHE_HOME");
        if (base.empty()) {
            const std::string home = acd::detail::remote::env_value(env_, "HOME");
            if (home.empty()) return {};
            base = home + "/.cache";
        }
        return base + "/appconfigdata/cognito-" + pool + ".id";
    }

    // The stored identity id, or "" when the file is missing, unreadable or does not hold one ("region:id").
    static std::string read_identity_id(const std::string& file) {
        if (file.empty()) return {};
        std::ifstream in(file, std::ios::binary);
        if (!in) return {};
        std::string text(256, '\0');
        in.read(&text[0], static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
        const auto colon = text.find(':');
        if (text.empty() || text.size() > 55 || colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return {};
        for (char ch : text)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != ':') return {};
        return text;
    }

    // Persists `id` ("" removes the file); failures only warn: the next run gets a new identity.
    static void store_identity_id(const std::string& file, const std::string& id) {
        if (file.empty()) return;
        std::error_code ec;
        if (id.empty()) {
            std::filesystem::remove(file, ec);
            return;
        }
        std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
        const std::string tmp = file + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << id << "\n";
            if (!out) {
                std::cerr << "appconfigdata: warning: could not write the Cognito identity id to '" << file << "'\n";
                return;
            }
        }
        std::filesystem::rename(tmp, file, ec);
        if (ec) std::cerr << "appconfigdata: warning: could not write the Cognito identity id to '" << file << "': " << ec.message() << "\n";
    }


    std::error_code fetch_credentials(acd::credentials& out) {
        if (!credentials_)
            credentials_ = std::make_unique<acd::cached_credentials_provider>(std::make_unique<acd::default_credentials_chain>(chain_options()));
        auto h = credential_hooks();
        const std::error_code ec = acd::driver::run(*credentials_, h);
        const auto& r = credentials_->outcome();
        if (!ec && r.status == acd::provider_status::ready) {
            out = r.value;
            return {};
        }
        credentials_error_ = !r.diag.message.empty() ? r.diag.message : (r.error ? r.error.message() : ec.message());
        return r.error ? r.error : (ec ? ec : std::error_code(acd::errc::no_credentials));
    }

    // The library's region chain: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, IMDS.
    void resolve_region() {
        acd::default_chain_options o = chain_options();
        o.region = options_.region;
        acd::region_chain chain = acd::region_chain::from(o);
        auto h = credential_hooks();
        if (!acd::driver::run(chain, h) && chain.outcome().ready()) {
            region_ = chain.outcome().value.region;
            return;
        }
        if (!options_.cognito_pool.empty()) {
            std::string why;
            if (!acd::cognito_pool_region(options_.cognito_pool, region_, why)) return; // the pool's region
        }
        if (options_.application.empty() && !options_.many_configurations) return; // credentials only: STS and SSO fall back to their defaults
        throw client_error("no AWS region: pass --region, or set AWS_REGION / AWS_DEFAULT_REGION, or 'region' in the AWS profile");
    }

    void resolve_endpoint() {
        acd::endpoint::params p;
        p.region = region_;
        if (!options_.endpoint_url.empty()) p.endpoint_url = options_.endpoint_url;
        p.use_fips = options_.fips;
        p.use_dual_stack = options_.dualstack;
        std::string why;
        if (auto ec = acd::endpoint::params_from_environment(env_, p, &why)) throw usage_error(why.empty() ? ec.message() : why);
        acd::endpoint::resolved r;
        if (auto ec = acd::endpoint::resolve(p, r, &why)) {
            if (ec == acd::errc::invalid_region || ec == acd::errc::invalid_url) throw usage_error(why.empty() ? ec.message() : why);
            throw client_error("cannot resolve the AppConfig Data endpoint: " + (why.empty() ? ec.message() : why));
        }
        endpoint_ = r.url;
        signing_region_ = r.signing_region.empty() ? region_ : r.signing_region;
    }

    void make_session() {
        session_ = std::make_unique<session_type>(session_config_for(options_.application, options_.environment, options_.configuration_profile),
                                                  any_crypto(options_.crypto));
    }

    client_options options_;
    acd::environment_lookup env_;
    acd::adapters::curl_transport transport_;
    acd::adapters::curl_transport credentials_transport_;
    std::unique_ptr<acd::cached_credentials_provider> credentials_;
    std::string credentials_error_;
    std::string region_, endpoint_, signing_region_;
    std::unique_ptr<session_type> session_;
};

// The --flag NAME view of a configuration: the flag's JSON object, or a client_error naming it.
inline std::string flag_json(const std::string& content, const std::string& flag) {
    acd::feature_flags::document doc;
    acd::diagnostics diag;
    if (auto ec = acd::feature_flags::document::parse(content, doc, diag))
        throw client_error("the configuration is not a feature-flag document: " + (diag.message.empty() ? ec.message() : diag.message));
    std::string out;
    if (auto ec = doc.flag_json(flag, out)) {
        if (ec == acd::errc::feature_flag_not_found) throw client_error("unknown feature flag '" + flag + "'");
        throw client_error("feature flag '" + flag + "': " + ec.message());
    }
    return out;
}

} // namespace cli
