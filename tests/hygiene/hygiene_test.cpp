// Secret hygiene: scripted failures (and successes) through every layer with recognisable secret
// values; no secret key, session token or configuration body may appear in an error_code message,
// diagnostics, provider result, what() or operator<< output. (The CLI is checked by cli_hygiene.sh.)
#include <catch2/catch.hpp>

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/backup/format.hpp>
#include <appconfigdata/credentials/container.hpp>
#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/imds.hpp>
#include <appconfigdata/credentials/process.hpp>
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/sso.hpp>
#include <appconfigdata/credentials/static_provider.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/feature_flags/document.hpp>
#include <appconfigdata/protocol/protocol.hpp>
#include <appconfigdata/session/configuration_session.hpp>
#include <appconfigdata/sigv4/signer.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <boost/json.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace appconfigdata;

namespace {

const std::string secret_key = "SECRETKEY-DO-NOT-LEAK-1234";
const std::string session_token = "SESSIONTOKEN-DO-NOT-LEAK-5678";
const std::string config_body = "CONFIGBODY-DO-NOT-LEAK-9999";
const time_point t0 = time_point{} + std::chrono::seconds(1795680000); // 2026-11-26T08:00:00Z

template <class T>
std::string print(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

// Everything a caller could show about a failure: none of it may hold a secret or the body.
void require_clean(const std::string& text) {
    INFO(text);
    CHECK(text.find(secret_key) == std::string::npos);
    CHECK(text.find(session_token) == std::string::npos);
    CHECK(text.find(config_body) == std::string::npos);
    // Pieces of them, as a truncated copy would show.
    CHECK(text.find("DO-NOT-LEAK") == std::string::npos);
}

void require_clean(std::error_code ec, const diagnostics& d) {
    require_clean(ec.message());
    require_clean(print(d));
    require_clean(d.message + d.error_type + d.request_id);
}

void require_clean(const provider_result& r) {
    require_clean(print(r));
    require_clean(r.error, r.diag);
    require_clean(print(r.value));
}

credentials secret_credentials() {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = secret_key;
    c.session_token = session_token;
    return c;
}

http::response reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::response r;
    r.status = status;
    for (auto& h : headers) r.headers.add(h.first, h.second);
    r.body = std::move(body);
    return r;
}

// What every file a provider reads in these tests holds: the SSO cache text set by the test, else the
// session token (a web identity token is a secret too).
std::string& sso_cache_text() {
    static std::string text;
    return text;
}

// Runs a provider machine, answering its requests with `replies` in order (then transport errors)
// and its file reads with sso_cache_text() (or the session token). Returns the result; every request
// it made is printed and checked on the way.
const provider_result& drive(credentials_provider& p, std::vector<http::response> replies) {
    time_point now = t0;
    std::size_t next_reply = 0;
    for (int step = 0; step < 100; ++step) {
        const action a = p.next(now);
        if (a.kind == action_kind::done || a.kind == action_kind::failed) break;
        if (a.kind == action_kind::wait_until) {
            REQUIRE(a.when > now);
            now = a.when;
            continue;
        }
        if (a.kind == action_kind::read_file) {
            file_result f;
            f.contents = sso_cache_text().empty() ? session_token : sso_cache_text();
            p.on_file(f, now);
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        require_clean(print(*a.request)); // a request may carry a token; printing redacts it
        if (next_reply < replies.size()) {
            p.on_response(replies[next_reply++], now);
        } else {
            p.on_transport_error(errc::transport_failed, now);
        }
    }
    require_clean(p.outcome());
    return p.outcome();
}

std::string leaky_json() {
    return "{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"" + secret_key + "\", \"Token\": \"" + session_token + "\", \"SessionToken\": \"" +
           session_token + "\"";
}

} // namespace

TEST_CASE("printing credentials and secret strings never shows a secret") {
    const credentials c = secret_credentials();
    require_clean(print(c));
    require_clean(print(c.secret_access_key));
    require_clean(print(c.session_token));
    CHECK(print(c).find("AKIDEXAMPLE") != std::string::npos);
}

TEST_CASE("signing: bad inputs and successes hold no secret") {
    sigv4::signer<adapters::botan_crypto> signer;
    sigv4::signing_params p;
    p.region = "us-east-1";
    p.service = "appconfig";
    p.time = t0;
    SECTION("a session token with a control byte") {
        credentials c = secret_credentials();
        c.session_token = session_token + "\n";
        http::request req;
        req.host = "appconfigdata.us-east-1.amazonaws.com";
        const auto ec = signer.sign(req, c, p);
        CHECK(ec == errc::invalid_credentials);
        require_clean(ec.message());
    }
    SECTION("bad region, header, URL") {
        for (int i = 0; i < 3; ++i) {
            http::request req;
            req.host = i == 2 ? "" : "h.example";
            sigv4::signing_params q = p;
            if (i == 0) q.region = "bad region";
            if (i == 1) req.headers.add("Bad Name", session_token);
            const auto ec = signer.sign(req, secret_credentials(), q);
            CHECK(ec);
            require_clean(ec.message());
        }
    }
    SECTION("success: details, request and verifier failures") {
        http::request req;
        req.host = "appconfigdata.us-east-1.amazonaws.com";
        req.path = "/configuration";
        req.query = "configuration_token=abc";
        sigv4::signing_details details;
        REQUIRE_FALSE(signer.sign(req, secret_credentials(), p, &details));
        require_clean(print(details));
        require_clean(print(req));
        CHECK(req.headers.find("x-amz-security-token") != nullptr);
        // The verifier's answers to a wrong token / wrong secret.
        adapters::botan_crypto crypto;
        credentials other = secret_credentials();
        other.session_token = "other";
        diagnostics diag;
        auto ec = sigv4::verify(crypto, req, [&](const std::string&) { return &other; }, "appconfig", t0, std::chrono::seconds(300), diag);
        CHECK(ec == errc::unrecognized_client);
        require_clean(ec, diag);
        other = secret_credentials();
        other.secret_access_key = "wrong";
        ec = sigv4::verify(crypto, req, [&](const std::string&) { return &other; }, "appconfig", t0, std::chrono::seconds(300), diag);
        CHECK(ec == errc::invalid_signature);
        require_clean(ec, diag);
        http::request presigned = req;
        presigned.headers = http::headers{};
        REQUIRE_FALSE(signer.presign(presigned, secret_credentials(), p, std::chrono::seconds(60), &details));
        require_clean(print(details));
    }
}

TEST_CASE("environment provider") {
    std::map<std::string, std::string> vars{{"AWS_SECRET_ACCESS_KEY", secret_key}, {"AWS_SESSION_TOKEN", session_token}};
    auto r = credentials_from_environment(environment_from_map(vars));
    CHECK(r.status == provider_status::not_applicable);
    require_clean(r);
    vars["AWS_ACCESS_KEY_ID"] = "AKID";
    r = credentials_from_environment(environment_from_map(vars));
    CHECK(r.status == provider_status::ready);
    CHECK(r.value.secret_access_key.reveal() == secret_key);
    require_clean(r);
}

TEST_CASE("profile files and static keys") {
    const std::string good = "[default]\naws_access_key_id = AKID\naws_secret_access_key = " + secret_key +
                             "\naws_session_token = " + session_token + "\ncredential_process = get-creds --key " + secret_key + "\n";
    profile_set set;
    diagnostics diag;
    REQUIRE_FALSE(parse_profile_files("", good, set, &diag));
    require_clean(print(set));
    const profile* p = set.find_profile("default");
    REQUIRE(p);
    require_clean(print(*p));
    auto r = credentials_from_profile_keys(*p);
    CHECK(r.status == provider_status::ready);
    require_clean(r);

    profile missing = *p;
    missing.properties.erase("aws_access_key_id");
    r = credentials_from_profile_keys(missing);
    CHECK(r.status == provider_status::failed);
    require_clean(r);

    // Syntax errors on lines that hold secrets.
    for (const std::string& bad : {"[default\naws_secret_access_key = " + secret_key + "\n",
                                   "[default]\naws_secret_access_key " + secret_key + "\n",
                                   "aws_session_token = " + session_token + "\n[default]\n",
                                   "[default]\n  continued " + session_token + "\n",
                                   "[default]\n= " + secret_key + "\n"}) {
        profile_set s;
        diagnostics d;
        const auto ec = parse_profile_files(bad, bad, s, &d);
        INFO(bad);
        CHECK(ec);
        require_clean(ec, d);
    }
}

TEST_CASE("credential_process: errors and output parsing") {
    auto runner = [](std::string stdout_text, int exit_code, std::size_t stderr_bytes, bool timed_out = false) -> process_runner {
        return [=](const process_request&, process_outcome& o) -> std::error_code {
            o.exit_code = exit_code;
            o.stdout_text = stdout_text;
            o.stderr_bytes = stderr_bytes;
            o.timed_out = timed_out;
            return {};
        };
    };
    const std::string command = "/usr/bin/get-creds --secret " + secret_key + " --token " + session_token;
    const std::vector<std::string> outputs = {
        leaky_json(),                                           // cut JSON
        "{\"Version\": 2, " + leaky_json().substr(1) + "}",     // wrong version
        "{\"Version\": 1, \"SecretAccessKey\": \"" + secret_key + "\"}",
        "{\"Version\": 1, \"AccessKeyId\": \"" + secret_key + "x\" " + "}", // bad JSON around a secret
        "{\"Version\": 1, " + leaky_json().substr(1) + ", \"Expiration\": \"" + session_token + "\"}",
        "{\"Version\": 1, " + leaky_json().substr(1) + ", \"Expiration\": 5}",
        secret_key + "\n" + session_token,
        "{\"Version\": 1, " + leaky_json().substr(1) + "}", // success
    };
    for (const auto& out : outputs) {
        INFO(out);
        require_clean(credentials_from_process(command, runner(out, 0, 0)));
        require_clean(credentials_from_process(command, runner(out, 1, 50)));
        require_clean(credentials_from_process(command, runner(out, 0, 0, true)));
        credentials c;
        diagnostics d;
        if (auto ec = parse_credential_process_output(out, c, &d)) require_clean(ec, d);
    }
    auto cannot_start = [](const process_request&, process_outcome&) -> std::error_code { return std::make_error_code(std::errc::no_such_file_or_directory); };
    require_clean(credentials_from_process(command, cannot_start));
    require_clean(credentials_from_process("\"unterminated " + secret_key, cannot_start));
    process_request req;
    req.argv = {"/usr/bin/get-creds", secret_key, session_token};
    require_clean(print(req));
    process_outcome o;
    o.stdout_text = leaky_json();
    require_clean(print(o));
}

namespace {
std::vector<http::response> credential_failures() {
    return {
        reply(200, leaky_json()),                                                       // cut JSON
        reply(200, "{\"Code\": \"Failure\", " + leaky_json().substr(1) + "}"),          // Code not Success
        reply(200, "{\"Code\": \"Success\", \"SecretAccessKey\": \"" + secret_key + "\"}"),
        reply(200, "{" + leaky_json().substr(1) + ", \"Expiration\": \"" + session_token + "\"}"),
        reply(200, secret_key + session_token),
        reply(403, "{\"message\": \"denied\", \"Token\": \"" + session_token + "\", \"SecretAccessKey\": \"" + secret_key + "\"}"),
        reply(404, secret_key),
        reply(400, "{" + leaky_json().substr(1) + "}"),
    };
}
} // namespace

TEST_CASE("container provider") {
    auto env = environment_from_map(std::map<std::string, std::string>{
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/creds"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", session_token}});
    for (const auto& failure : credential_failures()) {
        INFO(failure.body);
        container_options o;
        o.environment = env;
        o.max_attempts = 1;
        container_provider p(o);
        CHECK(drive(p, {failure}).status != provider_status::ready);
    }
    container_options o;
    o.environment = env;
    container_provider p(o);
    CHECK(drive(p, {reply(200, "{" + leaky_json().substr(1) + "}")}).status == provider_status::ready);
    container_provider silent(o);
    CHECK(drive(silent, {}).status == provider_status::failed);
}

TEST_CASE("IMDS provider") {
    for (const auto& failure : credential_failures()) {
        INFO(failure.body);
        imds_options o;
        o.max_attempts = 1;
        imds_credentials_provider p(o);
        drive(p, {reply(200, session_token), reply(200, "role"), failure});
        // The IMDS session token (a secret of its own) and error replies to the role listing.
        imds_credentials_provider q(o);
        http::response role_failure = failure;
        if (role_failure.status == 200) role_failure.status = 500;
        drive(q, {reply(200, session_token), role_failure});
    }
    imds_options o;
    imds_credentials_provider p(o);
    CHECK(drive(p, {reply(200, session_token), reply(200, "role"), reply(200, "{" + leaky_json().substr(1) + "}")}).status ==
          provider_status::ready);
}

namespace {
std::string sts_ok() {
    return "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA</AccessKeyId>"
           "<SecretAccessKey>" + secret_key + "</SecretAccessKey><SessionToken>" + session_token +
           "</SessionToken><Expiration>2026-11-26T13:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
           "</AssumeRoleWithWebIdentityResponse>";
}
} // namespace

TEST_CASE("STS web identity provider") {
    const std::string ok = sts_ok();
    const std::vector<http::response> failures = {
        reply(200, ok.substr(0, ok.find("</SessionToken>"))),                              // cut XML
        reply(200, "<A><AssumeRoleWithWebIdentityResult><Credentials><SecretAccessKey>" + secret_key + "</SecretAccessKey></Credentials></AssumeRoleWithWebIdentityResult></A>"),
        reply(200, "<A><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>" + secret_key +
                       "</SecretAccessKey><SessionToken>" + session_token + "</SessionToken><Expiration>" + session_token +
                       "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></A>"),
        reply(200, "<A>&bogus;" + secret_key + "</A>"),
        reply(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message><SecretAccessKey>" + secret_key +
                       "</SecretAccessKey></Error></ErrorResponse>"),
        reply(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>" + session_token),
        reply(400, secret_key),
    };
    auto make = [&] {
        web_identity_options o;
        o.role_arn = "arn:aws:iam::123456789012:role/r";
        o.web_identity_token_file = "/token";
        o.role_session_name = "s";
        o.max_attempts = 1;
        sso_cache_text().clear();
        return web_identity_provider(o); // its token file holds session_token (see drive): a secret too
    };
    for (const auto& failure : failures) {
        INFO(failure.body);
        auto p = make();
        CHECK(drive(p, {failure}).status == provider_status::failed);
    }
    auto p = make();
    CHECK(drive(p, {reply(200, ok)}).status == provider_status::ready);
    auto silent = make();
    CHECK(drive(silent, {}).status == provider_status::failed);
}

TEST_CASE("SSO provider") {
    auto make = [](std::string cache) {
        sso_options o;
        o.sso_region = "us-east-1";
        o.sso_start_url = "https://d-123.awsapps.com/start";
        o.sso_account_id = "123456789012";
        o.sso_role_name = "role";
        o.token_cache_file = "/cache.json";
        o.max_attempts = 1;
        sso_cache_text() = cache;
        return sso_provider(o);
    };
    const std::string good_cache = "{\"accessToken\": \"" + session_token + "\", \"expiresAt\": \"2026-11-26T12:00:00Z\"}";
    for (const std::string& cache : {"{\"accessToken\": \"" + session_token + "\"}", "{\"accessToken\": \"" + session_token + "\", \"expiresAt\": \"" + secret_key + "\"}",
                                     "{\"accessToken\": \"" + session_token, "{\"accessToken\": \"" + session_token + "\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}"}) {
        INFO(cache);
        auto p = make(cache);
        CHECK(drive(p, {}).status != provider_status::ready);
    }
    const std::vector<http::response> failures = {
        reply(200, "{\"roleCredentials\": " + leaky_json()),
        reply(200, "{\"roleCredentials\": {\"secretAccessKey\": \"" + secret_key + "\", \"sessionToken\": \"" + session_token + "\"}}"),
        reply(200, "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"" + secret_key + "\", \"sessionToken\": \"" + session_token +
                       "\", \"expiration\": \"" + secret_key + "\"}}"),
        reply(401, "{\"message\": \"Session token not found or invalid\", \"accessToken\": \"" + session_token + "\"}",
              {{"x-amzn-ErrorType", "UnauthorizedException"}}),
        reply(403, secret_key),
    };
    for (const auto& failure : failures) {
        INFO(failure.body);
        auto p = make(good_cache);
        CHECK(drive(p, {failure}).status == provider_status::failed);
    }
    auto p = make(good_cache);
    CHECK(drive(p, {reply(200, "{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"" + secret_key + "\", \"sessionToken\": \"" +
                                   session_token + "\", \"expiration\": 1795700000000}}")})
              .status == provider_status::ready);
}

TEST_CASE("protocol: error bodies and malformed replies do not echo configuration bodies") {
    protocol::service_error err;
    protocol::get_latest_configuration_output out;
    // A 200 without its headers: the body is a configuration and must not appear in the error.
    auto ec = protocol::parse_get_latest_configuration(reply(200, config_body, {{"Content-Type", "application/json"}}), out, err);
    CHECK(ec);
    require_clean(ec, err.diag);
    require_clean(print(err));
    ec = protocol::parse_get_latest_configuration(
        reply(200, config_body, {{"Next-Poll-Configuration-Token", "tok"}, {"Next-Poll-Interval-In-Seconds", "x"}}), out, err);
    CHECK(ec);
    require_clean(ec, err.diag);
    // Bodies that are not the service's errors: a proxy page, cut JSON holding the body.
    for (int status : {400, 403, 500, 502}) {
        for (const std::string& body : {"<html><body>" + config_body + "</body></html>", "{\"Message\": 5, \"x\": \"" + config_body + "\"",
                                        "{\"__type\": \"BadRequestException\", \"Details\": \"" + config_body + "\"}"}) {
            INFO(status << " " << body);
            ec = protocol::parse_get_latest_configuration(reply(status, body), out, err);
            CHECK(ec);
            require_clean(ec, err.diag);
            require_clean(print(err));
            protocol::start_configuration_session_output s;
            ec = protocol::parse_start_configuration_session(reply(status, body), s, err);
            CHECK(ec);
            require_clean(ec, err.diag);
        }
    }
    protocol::start_configuration_session_output s;
    REQUIRE_FALSE(protocol::parse_start_configuration_session(reply(201, "{\"InitialConfigurationToken\": \"" + session_token + "\"}"), s, err));
    require_clean(print(s));
}

TEST_CASE("session: events, errors and printing hold no secret or body") {
    session::session_config c;
    c.application = "app";
    c.environment = "env";
    c.configuration_profile = "prof";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.fleet_jitter = 0;
    session::configuration_session<adapters::botan_crypto> s(c);
    s.set_credentials(secret_credentials());
    time_point now = t0;
    std::vector<http::response> script = {
        reply(500, "{\"Message\": \"oops\"}"),
        reply(201, "{\"InitialConfigurationToken\": \"tok-1\"}"),
        reply(200, config_body, {{"Next-Poll-Configuration-Token", "tok-2"}, {"Next-Poll-Interval-In-Seconds", "30"}, {"Content-Type", "text/plain"}}),
        reply(200, "", {{"Next-Poll-Configuration-Token", "tok-3"}, {"Next-Poll-Interval-In-Seconds", "30"}}),
        reply(403, "{\"Message\": \"The security token included in the request is invalid.\"}", {{"X-Amzn-ErrorType", "UnrecognizedClientException"}}),
        reply(200, config_body + "2", {{"Content-Type", "text/plain"}}), // no token: malformed, body not echoed
        reply(400, "{\"Message\": \"bad\", \"Details\": {\"InvalidParameters\": {\"ConfigurationToken\": {\"Problem\": \"Expired\"}}}}",
              {{"X-Amzn-ErrorType", "BadRequestException"}}),
    };
    std::size_t next = 0;
    int changed = 0;
    for (int step = 0; step < 60 && next < script.size(); ++step) {
        const action a = s.next(now);
        require_clean(print(a));
        if (a.kind == action_kind::need_credentials) {
            s.set_credentials(secret_credentials());
            continue;
        }
        if (a.kind == action_kind::wait_until) {
            now = a.when;
            continue;
        }
        REQUIRE(a.kind == action_kind::send);
        require_clean(print(*a.request));
        s.on_response(script[next++], now);
        if (next == 4) s.on_transport_error(errc::timeout, now); // invalid_state: nothing outstanding
        while (auto e = s.poll_event()) {
            if (e->kind == session::event_kind::changed) {
                ++changed;
                CHECK(e->content.find(config_body) == 0);
            }
            require_clean(print(*e));
            require_clean(e->error.message() + e->diag.message + print(e->diag));
        }
        require_clean(print(s.latest()));
        require_clean(s.last_error().message());
        require_clean(print(s.last_diagnostics()));
        require_clean(print(s.last_service_error()));
        require_clean(print(s.stats()));
        require_clean(print(s.last_request()));
    }
    CHECK(changed == 1);
    CHECK(s.latest().content == config_body);
    require_clean(print(c));
}

TEST_CASE("feature flags: parse errors and printing hold no configuration") {
    feature_flags::document doc;
    for (const std::string& text : {"{\"a\": {\"enabled\": \"" + config_body + "\"}}", "{\"a\": {\"enabled\": true, \"v\": \"" + config_body + "\"",
                                    "[\"" + config_body + "\"]", "\"" + config_body + "\"", config_body,
                                    "{\"a\": \"" + config_body + "\"}", "{\"a\": {\"enabled\": true}, \"b\": [\"" + config_body + "\"]}"}) {
        INFO(text);
        diagnostics d;
        const auto ec = feature_flags::document::parse(text, doc, d);
        CHECK(ec);
        require_clean(ec, d);
    }
    REQUIRE_FALSE(feature_flags::document::parse("{\"a\": {\"enabled\": true, \"v\": \"" + config_body + "\"}}", doc));
    require_clean(print(doc));
    std::int64_t n = 0;
    const auto ec = doc.try_get_int("a", "v", n);
    CHECK(ec);
    require_clean(ec.message());
}

TEST_CASE("backups: records, decode errors and identity checks hold no configuration") {
    adapters::botan_crypto crypto;
    backup::record r;
    r.identity = {"app", "env", "prof", ""};
    r.content = config_body;
    r.content_type = "text/plain";
    r.version_label = "v1";
    r.saved_at = t0;
    require_clean(print(r));
    std::string file;
    diagnostics diag;
    REQUIRE_FALSE(backup::encode(r, crypto, file, diag));
    const auto at = file.find(config_body);
    REQUIRE(at != std::string::npos);
    std::vector<std::string> damaged = {file.substr(0, at + 5), file.substr(0, file.size() - 3), file + config_body};
    std::string flipped = file;
    flipped[at] = 'X';
    damaged.push_back(flipped);
    std::string header_broken = file;
    header_broken.replace(header_broken.find("content-length"), 14, config_body);
    damaged.push_back(header_broken);
    std::string bad_version = file;
    bad_version.replace(bad_version.find(" 1\n"), 3, " " + config_body + "\n");
    damaged.push_back(bad_version);
    for (const auto& bytes : damaged) {
        backup::record out;
        const auto ec = backup::decode(bytes, crypto, out, diag);
        CHECK(ec);
        require_clean(ec, diag);
    }
    backup::record ok;
    REQUIRE_FALSE(backup::decode(file, crypto, ok, diag));
    const auto ec = backup::check_identity(ok, backup::identity{"other", "env", "prof", ""}, diag);
    CHECK(ec == errc::backup_foreign);
    require_clean(ec, diag);
}

// Issue 19: services that quote the request back. AWS answers a signature mismatch with the
// canonical request it expected, `x-amz-security-token:<token>` included; a proxy may echo every
// header. Whatever reaches diagnostics, events and operator<< must have lost the secrets.
namespace {

// The canonical request as an AWS service quotes it in an InvalidSignatureException, built from
// what it received, padded so that the library's 1 KiB cut of the message lands at `pad`-dependent
// places (inside the token too).
std::string quote_canonical(const http::request& req, std::size_t pad) {
    std::string m = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
                    "and signing method. Consult the service documentation for details." + std::string(pad, '.') +
                    "\n\nThe Canonical String for this request should have been\n'" + req.method + "\n" + req.path + "\n" + req.query + "\n";
    for (const auto& f : req.headers) m += appconfigdata::detail::to_lower(f.name) + ":" + f.value + "\n";
    m += "\nhost;x-amz-date;x-amz-security-token\n" + std::string(64, 'e') + "'\n(received Authorization: ";
    if (const auto* a = req.headers.find("Authorization")) m += *a;
    m += ")";
    return m;
}

http::response quoting_reply(const http::request& req, std::size_t pad, int status = 403, const char* type = "InvalidSignatureException") {
    boost::json::object o;
    o["message"] = quote_canonical(req, pad);
    return reply(status, boost::json::serialize(o), {{"X-Amzn-ErrorType", type}});
}

credentials long_token_credentials() {
    credentials c = secret_credentials();
    // Long, as real session tokens are, with the bytes they have; the 1 KiB cut falls inside it.
    std::string t = "IQoJb3JpZ2luX2VjE/+=";
    while (t.size() < 300) t += session_token + "/+=";
    c.session_token = t;
    return c;
}

} // namespace

TEST_CASE("session: a 403 that quotes the canonical request loses the token, keeps the shape") {
    session::session_config c;
    c.application = "app";
    c.environment = "env";
    c.configuration_profile = "prof";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.fleet_jitter = 0;
    int quoted_token_seen = 0;
    for (const credentials& creds : {secret_credentials(), long_token_credentials()}) {
        for (std::size_t pad = 0; pad < 700; pad += 7) {
            for (const bool on_poll : {false, true}) {
                INFO("pad " << pad << (on_poll ? " poll" : " start"));
                session::configuration_session<adapters::botan_crypto> s(c);
                s.set_credentials(creds);
                time_point now = t0;
                bool answered = false;
                for (int step = 0; step < 10 && !answered; ++step) {
                    const action a = s.next(now);
                    if (a.kind == action_kind::wait_until) {
                        now = a.when;
                        continue;
                    }
                    REQUIRE(a.kind == action_kind::send);
                    if (on_poll && a.request->path == "/configurationsessions") {
                        s.on_response(reply(201, "{\"InitialConfigurationToken\": \"tok-1\"}"), now);
                        continue;
                    }
                    s.on_response(quoting_reply(*a.request, pad), now);
                    answered = true;
                }
                REQUIRE(answered);
                bool error_seen = false;
                while (auto e = s.poll_event()) {
                    require_clean(print(*e));
                    require_clean(e->error, e->diag);
                    if (e->kind == session::event_kind::error) error_seen = true;
                    if (e->diag.message.find("x-amz-security-token:<redacted, " + std::to_string(creds.session_token.size()) + " chars>") !=
                        std::string::npos)
                        ++quoted_token_seen;
                }
                CHECK(error_seen);
                require_clean(s.last_error(), s.last_diagnostics());
                require_clean(print(s.last_service_error()));
                CHECK(s.last_diagnostics().message.find("The Canonical String for this request should have been") != std::string::npos);
            }
        }
    }
    CHECK(quoted_token_seen > 0); // the redacted line is there when the cut leaves it whole
}

TEST_CASE("STS AssumeRole and SSO: error messages that quote the request lose its secrets") {
    for (std::size_t pad = 0; pad < 1100; pad += 13) {
        INFO("pad " << pad);
        assume_role_options o;
        o.role_arn = "arn:aws:iam::123456789012:role/r";
        o.role_session_name = "s";
        o.sign = make_sigv4_request_signer<adapters::botan_crypto>();
        o.max_attempts = 1;
        assume_role_provider p(o);
        p.set_credentials(long_token_credentials(), t0);
        const action a = p.next(t0);
        REQUIRE(a.kind == action_kind::send);
        REQUIRE(a.request->headers.find("x-amz-security-token"));
        // STS quotes in XML; its messages are cut at 1 KiB too.
        const std::string quoted = quote_canonical(*a.request, pad) + " secret " + secret_key;
        p.on_response(reply(403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>" + quoted +
                                     "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"),
                      t0);
        CHECK(p.outcome().status == provider_status::failed);
        require_clean(p.outcome());
    }
    sso_options o;
    o.sso_region = "us-east-1";
    o.sso_start_url = "https://d-123.awsapps.com/start";
    o.sso_account_id = "123456789012";
    o.sso_role_name = "role";
    o.token_cache_file = "/cache.json";
    o.max_attempts = 1;
    sso_provider p(o);
    const action read = p.next(t0);
    REQUIRE(read.kind == action_kind::read_file);
    file_result cache;
    cache.contents = "{\"accessToken\": \"" + session_token + "\", \"expiresAt\": \"2026-11-26T12:00:00Z\"}";
    REQUIRE_FALSE(p.on_file(cache, t0));
    const action a = p.next(t0);
    REQUIRE(a.kind == action_kind::send);
    p.on_response(reply(401, "{\"message\": \"Session token not found or invalid: x-amz-sso_bearer_token:" + session_token + " (" + session_token +
                                 ")\"}",
                        {{"x-amzn-ErrorType", "UnauthorizedException"}}),
                  t0);
    CHECK(p.outcome().status == provider_status::failed);
    require_clean(p.outcome());
}
