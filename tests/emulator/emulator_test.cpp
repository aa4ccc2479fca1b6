// The emulator's service rules in-process (virtual time, real SigV4 from the library's signer),
// its file naming and options; then the Beast transport adapter against the emulator binary.
#include "emulator_process.hpp"

#include "auth.hpp"
#include "config_store.hpp"
#include "options.hpp"
#include "service.hpp"

#include <appconfigdata/adapters/beast_transport.hpp>
#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/signer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace acd = appconfigdata;
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const char* const key_id = "AKIDEXAMPLE";
const char* const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// A fresh directory under the system temp dir, removed at the end of the test.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string tmpl = (fs::temp_directory_path() / "acd-emulator-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& content) const {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << content;
    }
};

acd::time_point t0() {
    acd::time_point t;
    REQUIRE_FALSE(acd::http::parse_amz_date("20261126T080000Z", t));
    return t;
}

acd::http::request make_request(const std::string& method, const std::string& url, std::string body, acd::time_point now,
                                const std::string& key = key_id, const std::string& sec = secret, const std::string& region = "us-east-1",
                                const std::string& session_token = {}) {
    acd::http::request req;
    req.method = method;
    REQUIRE_FALSE(req.set_url(url));
    req.body = std::move(body);
    if (!req.body.empty()) req.headers.set("Content-Type", "application/json");
    acd::credentials creds;
    creds.access_key_id = key;
    creds.secret_access_key = sec;
    creds.session_token = session_token;
    acd::sigv4::signer<acd::adapters::botan_crypto> signer;
    acd::sigv4::signing_params p;
    p.region = region;
    p.service = "appconfig";
    p.time = now;
    REQUIRE_FALSE(signer.sign(req, creds, p));
    return req;
}

std::string session_body(const std::string& app, const std::string& env, const std::string& profile, int min_interval = 0) {
    json::object o{{"ApplicationIdentifier", app}, {"EnvironmentIdentifier", env}, {"ConfigurationProfileIdentifier", profile}};
    if (min_interval) o["RequiredMinimumPollIntervalInSeconds"] = min_interval;
    return json::serialize(o);
}

const std::string base = "http://127.0.0.1:4567";

std::string error_type(const acd::http::response& r) {
    const std::string* t = r.headers.find("X-Amzn-ErrorType");
    return t ? t->substr(0, t->find(':')) : std::string();
}

std::string problem(const acd::http::response& r) {
    json::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return {};
    const auto* d = v.as_object().if_contains("Details");
    if (!d) return {};
    const auto* p = d->as_object().if_contains("InvalidParameters");
    if (!p || !p->is_object() || p->as_object().empty()) return {};
    return std::string(p->as_object().begin()->value().as_object().at("Problem").as_string());
}

std::string message(const acd::http::response& r) {
    json::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return {};
    for (const char* k : {"Message", "message"})
        if (const auto* m = v.as_object().if_contains(k)) return std::string(m->as_string());
    return {};
}

// The emulator's service with the SigV4 authenticator, at virtual time.
struct harness {
    temp_dir dir;
    emulator::service svc;
    acd::time_point now = t0();
    emulator::request_log log;

    explicit harness(int poll_interval = 10, double throttle = 0, double error = 0, std::string region = {},
                     std::chrono::seconds token_lifetime = std::chrono::hours(24))
        : svc(settings(dir, poll_interval, throttle, error, token_lifetime),
              emulator::make_sigv4_authenticator({{key_id, secret}}, std::move(region))) {
        dir.write("app/env/prof.json", "{\"a\":1}");
    }

    static emulator::service_settings settings(const temp_dir& d, int poll, double throttle, double error,
                                               std::chrono::seconds token_lifetime) {
        emulator::service_settings s;
        s.token_lifetime = token_lifetime;
        s.config_dir = d.path.string();
        s.poll_interval = poll;
        s.throttle_rate = throttle;
        s.error_rate = error;
        s.seed = 42;
        return s;
    }

    acd::http::response send(const acd::http::request& r) { return svc.handle(r, now, log); }

    acd::http::response start(const std::string& app = "app", const std::string& env = "env", const std::string& prof = "prof",
                              int min_interval = 0) {
        return send(make_request("POST", base + "/configurationsessions", session_body(app, env, prof, min_interval), now));
    }

    acd::http::response get(const std::string& token) {
        return send(make_request("GET", base + "/configuration?configuration_token=" + acd::http::percent_encode(token), "", now));
    }

    std::string start_token(const std::string& app = "app", const std::string& env = "env", const std::string& prof = "prof") {
        auto r = start(app, env, prof);
        REQUIRE(r.status == 201);
        return std::string(json::parse(r.body).as_object().at("InitialConfigurationToken").as_string());
    }
};

std::string next_token(const acd::http::response& r) {
    const std::string* t = r.headers.find("Next-Poll-Configuration-Token");
    REQUIRE(t != nullptr);
    return *t;
}

} // namespace

TEST_CASE("emulator: session, first configuration, empty repeat, edit served on the next poll") {
    harness h;
    auto s = h.start();
    REQUIRE(s.status == 201);
    CHECK(*s.headers.find("Content-Type") == "application/json");
    CHECK(s.headers.contains("x-amzn-RequestId"));
    const std::string token = std::string(json::parse(s.body).as_object().at("InitialConfigurationToken").as_string());
    CHECK(token.find('+') != std::string::npos);
    CHECK(token.find('/') != std::string::npos);
    CHECK(token.find('=') != std::string::npos);
    CHECK(h.log.session.size() == 7);

    auto r1 = h.get(token);
    REQUIRE(r1.status == 200);
    CHECK(r1.body == "{\"a\":1}");
    CHECK(*r1.headers.find("Content-Type") == "application/json");
    CHECK(*r1.headers.find("Next-Poll-Interval-In-Seconds") == "10");
    CHECK(r1.headers.find("Version-Label")->size() == 12);
    CHECK(r1.headers.contains("x-amzn-RequestId"));
    const auto t1 = next_token(r1);
    CHECK(t1 != token);

    h.now += 10s;
    auto r2 = h.get(t1);
    REQUIRE(r2.status == 200);
    CHECK(r2.body.empty());
    CHECK_FALSE(r2.headers.contains("Version-Label"));

    h.dir.write("app/env/prof.json", "{\"a\":2}");
    h.dir.write("app/env/prof.json.version", "v2\n");
    h.now += 10s;
    auto r3 = h.get(next_token(r2));
    REQUIRE(r3.status == 200);
    CHECK(r3.body == "{\"a\":2}");
    CHECK(*r3.headers.find("Version-Label") == "v2");
}

TEST_CASE("emulator: tokens are single use, expire after 24 h, garbage is Corrupted") {
    harness h;
    const auto token = h.start_token();
    auto r1 = h.get(token);
    REQUIRE(r1.status == 200);

    h.now += 60s;
    auto reused = h.get(token);
    CHECK(reused.status == 400);
    CHECK(error_type(reused) == "BadRequestException");
    CHECK(problem(reused) == "Corrupted");
    CHECK(reused.body.find("\"Reason\":\"InvalidParameters\"") != std::string::npos);

    auto garbage = h.get("not-a-token");
    CHECK(garbage.status == 400);
    CHECK(problem(garbage) == "Corrupted");

    auto missing = h.send(make_request("GET", base + "/configuration", "", h.now));
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "BadRequestException");

    const auto t1 = next_token(r1);
    h.now += 24h;
    auto expired = h.get(t1);
    CHECK(expired.status == 400);
    CHECK(problem(expired) == "Expired");
}

TEST_CASE("emulator: early polls are refused and the token stays valid") {
    harness h(30);
    auto r1 = h.get(h.start_token());
    REQUIRE(r1.status == 200);
    const auto t1 = next_token(r1);
    h.now += 29s;
    auto early = h.get(t1);
    CHECK(early.status == 400);
    CHECK(problem(early) == "PollIntervalNotSatisfied");
    CHECK(message(early) == "Request too early");
    CHECK(h.log.problem == "PollIntervalNotSatisfied");
    h.now += 1s;
    auto ok = h.get(t1);
    CHECK(ok.status == 200);
}

TEST_CASE("emulator: RequiredMinimumPollIntervalInSeconds raises the interval and is validated") {
    harness h(20);
    auto s = h.start("app", "env", "prof", 45);
    REQUIRE(s.status == 201);
    auto r = h.get(std::string(json::parse(s.body).as_object().at("InitialConfigurationToken").as_string()));
    CHECK(*r.headers.find("Next-Poll-Interval-In-Seconds") == "45");
    auto low = h.start("app", "env", "prof", 14);
    CHECK(low.status == 400);
    CHECK(error_type(low) == "BadRequestException");
    auto high = h.start("app", "env", "prof", 86401);
    CHECK(high.status == 400);
    auto smaller = h.start("app", "env", "prof", 15);
    REQUIRE(smaller.status == 201);
    auto r2 = h.get(std::string(json::parse(smaller.body).as_object().at("InitialConfigurationToken").as_string()));
    CHECK(*r2.headers.find("Next-Poll-Interval-In-Seconds") == "20");
}

TEST_CASE("emulator: validation errors are BadRequestException") {
    harness h;
    for (const std::string body : {"", "not json", "[]", "{\"EnvironmentIdentifier\":\"env\",\"ConfigurationProfileIdentifier\":\"prof\"}",
                                   "{\"ApplicationIdentifier\":1,\"EnvironmentIdentifier\":\"env\",\"ConfigurationProfileIdentifier\":\"prof\"}",
                                   "{\"ApplicationIdentifier\":\"app\",\"EnvironmentIdentifier\":\"env\",\"ConfigurationProfileIdentifier\":\"prof\","
                                   "\"RequiredMinimumPollIntervalInSeconds\":\"60\"}"}) {
        INFO(body);
        auto r = h.send(make_request("POST", base + "/configurationsessions", body, h.now));
        CHECK(r.status == 400);
        CHECK(error_type(r) == "BadRequestException");
        CHECK_FALSE(message(r).empty());
    }
    auto long_id = h.start(std::string(129, 'a'));
    CHECK(long_id.status == 400);
    auto empty_id = h.start("");
    CHECK(empty_id.status == 400);
}

TEST_CASE("emulator: unknown names are ResourceNotFoundException with ResourceType and ReferencedBy") {
    harness h;
    struct c {
        std::string app, env, prof, type, ref;
    };
    for (const auto& x : {c{"nope", "env", "prof", "Application", "ApplicationIdentifier"},
                          c{"app", "nope", "prof", "Environment", "EnvironmentIdentifier"},
                          c{"app", "env", "nope", "ConfigurationProfile", "ConfigurationProfileIdentifier"},
                          c{"..", "env", "prof", "Application", "ApplicationIdentifier"},
                          c{"app/env", "prof", "x", "Application", "ApplicationIdentifier"}}) {
        INFO(x.app << " " << x.env << " " << x.prof);
        auto r = h.start(x.app, x.env, x.prof);
        CHECK(r.status == 404);
        CHECK(error_type(r) == "ResourceNotFoundException");
        auto body = json::parse(r.body).as_object();
        CHECK(body.at("ResourceType").as_string() == x.type.c_str());
        CHECK(body.at("ReferencedBy").as_object().contains(x.ref));
    }
}

TEST_CASE("emulator: SigV4 is checked: missing, unknown key, wrong secret, skew, region") {
    harness h(10, 0, 0, "us-east-1");
    acd::http::request unsigned_req;
    unsigned_req.method = "POST";
    REQUIRE_FALSE(unsigned_req.set_url(base + "/configurationsessions"));
    unsigned_req.body = session_body("app", "env", "prof");
    auto none = h.send(unsigned_req);
    CHECK(none.status == 403);
    CHECK(error_type(none) == "MissingAuthenticationTokenException");

    auto unknown = h.send(make_request("POST", base + "/configurationsessions", session_body("app", "env", "prof"), h.now, "AKIDUNKNOWN"));
    CHECK(unknown.status == 403);
    CHECK(error_type(unknown) == "UnrecognizedClientException");

    auto wrong = h.send(make_request("POST", base + "/configurationsessions", session_body("app", "env", "prof"), h.now, key_id, "wrong-secret"));
    CHECK(wrong.status == 403);
    CHECK(error_type(wrong) == "InvalidSignatureException");
    CHECK(wrong.headers.find("X-Amzn-ErrorType")->find(":http://internal.amazon.com/coral/") != std::string::npos);
    CHECK(wrong.body.find("wrong-secret") == std::string::npos);
    CHECK(wrong.body.find(secret) == std::string::npos);

    auto skewed = h.send(make_request("POST", base + "/configurationsessions", session_body("app", "env", "prof"), h.now - 6min));
    CHECK(skewed.status == 403);
    CHECK(error_type(skewed) == "InvalidSignatureException");
    auto within = h.send(make_request("POST", base + "/configurationsessions", session_body("app", "env", "prof"), h.now - 4min));
    CHECK(within.status == 201);

    auto region = h.send(make_request("POST", base + "/configurationsessions", session_body("app", "env", "prof"), h.now, key_id, secret, "eu-west-1"));
    CHECK(region.status == 403);
    CHECK(error_type(region) == "InvalidSignatureException");

    // A token stolen from the query cannot be replayed by someone without the key.
    const auto token = h.start_token();
    auto replay = h.send(make_request("GET", base + "/configuration?configuration_token=" + acd::http::percent_encode(token), "", h.now, key_id, "bad"));
    CHECK(replay.status == 403);
    CHECK(h.get(token).status == 200);
}

TEST_CASE("emulator: unknown operations, injected throttling and errors") {
    {
        harness h;
        auto r = h.send(make_request("GET", base + "/configurationsessions", "", h.now));
        CHECK(r.status == 404);
        CHECK(error_type(r) == "UnknownOperationException");
        auto p = h.send(make_request("DELETE", base + "/configuration", "", h.now));
        CHECK(p.status == 404);
    }
    {
        harness h(10, 1.0, 0.0);
        auto r = h.start();
        CHECK(r.status == 429);
        CHECK(error_type(r) == "ThrottlingException");
        CHECK(h.log.injected);
    }
    {
        harness h(10, 0.0, 1.0);
        auto r = h.start();
        CHECK(r.status == 500);
        CHECK(error_type(r) == "InternalServerException");
    }
}

TEST_CASE("emulator: file naming, Content-Type and version labels") {
    CHECK(emulator::content_type_for_extension("json") == "application/json");
    CHECK(emulator::content_type_for_extension("YAML") == "application/x-yaml");
    CHECK(emulator::content_type_for_extension("yml") == "application/x-yaml");
    CHECK(emulator::content_type_for_extension("txt") == "text/plain");
    CHECK(emulator::content_type_for_extension("") == "application/octet-stream");
    CHECK(emulator::content_type_for_extension("application%xml") == "application/xml");
    CHECK(emulator::content_type_for_extension("%xml") == "application/octet-stream");
    CHECK(emulator::content_type_for_extension("bin") == "application/octet-stream");
    CHECK_FALSE(emulator::is_safe_identifier(".."));
    CHECK_FALSE(emulator::is_safe_identifier("a/b"));
    CHECK_FALSE(emulator::is_safe_identifier(std::string("a\0b", 3)));
    CHECK(emulator::is_safe_identifier("my app"));

    temp_dir d;
    d.write("app:env:flags.yaml", "a: 1\n");
    d.write("app:env:raw", "raw");
    d.write("app:env:doc.application%xml", "<a/>");
    d.write("app:env:doc.application%xml.version", "  label-7 \n");
    d.write("a2/e2/p.txt", "hello");
    emulator::stored_configuration c;
    using emulator::lookup_result;
    REQUIRE(emulator::find_configuration(d.path.string(), "app", "env", "flags", 1024, c) == lookup_result::found);
    CHECK(c.content_type == "application/x-yaml");
    CHECK(c.version_label == emulator::content_version_label("a: 1\n"));
    REQUIRE(emulator::find_configuration(d.path.string(), "app", "env", "raw", 1024, c) == lookup_result::found);
    CHECK(c.content_type == "application/octet-stream");
    REQUIRE(emulator::find_configuration(d.path.string(), "app", "env", "doc", 1024, c) == lookup_result::found);
    CHECK(c.content_type == "application/xml");
    CHECK(c.version_label == "label-7");
    REQUIRE(emulator::find_configuration(d.path.string(), "a2", "e2", "p", 1024, c) == lookup_result::found);
    CHECK(c.content == "hello");
    CHECK(c.content_type == "text/plain");
    CHECK(emulator::find_configuration(d.path.string(), "a2", "e2", "p", 3, c) == lookup_result::too_large);
    CHECK(emulator::find_configuration(d.path.string(), "app", "nope", "p", 1024, c) == lookup_result::no_environment);
    CHECK(emulator::find_configuration(d.path.string(), "app", "env", "nope", 1024, c) == lookup_result::no_profile);
    CHECK(emulator::find_configuration(d.path.string(), "zzz", "env", "p", 1024, c) == lookup_result::no_application);
}

TEST_CASE("emulator: options") {
    auto parse = [](std::vector<std::string> a, emulator::options& o) {
        std::vector<char*> argv{const_cast<char*>("appconfigdata-emulator")};
        for (auto& s : a) argv.push_back(s.data());
        return emulator::parse_options(static_cast<int>(argv.size()), argv.data(), o);
    };
    emulator::options o;
    CHECK(parse({"--config-dir", "d"}, o).empty());
    REQUIRE(o.keys.size() == 1);
    CHECK(o.keys[0].access_key_id == emulator::default_access_key);
    CHECK(o.poll_interval == 60);
    CHECK(o.port == 0);
    CHECK(parse({"--config-dir=d", "--access-key", "K1", "--secret-key", "S1", "--access-key", "K2", "--secret-key", "S2",
                 "--poll-interval", "1", "--throttle-rate", "0.5", "--seed", "7", "--latency-ms", "3"}, o).empty());
    CHECK(o.keys.size() == 2);
    CHECK(o.throttle_rate == 0.5);
    CHECK(o.seed_given);
    CHECK_FALSE(parse({}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--access-key", "K"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--error-rate", "1.5"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--port", "70000"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--poll-interval", "-1"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--bogus"}, o).empty());
    CHECK(parse({"--help"}, o).empty());
    CHECK(o.help);
    CHECK(emulator::usage_text().find(emulator::default_access_key) != std::string::npos);
}

TEST_CASE("emulator: --token-lifetime: parsed in 1..86400, tokens expire after it") {
    auto parse = [](std::vector<std::string> a, emulator::options& o) {
        std::vector<char*> argv{const_cast<char*>("appconfigdata-emulator")};
        for (auto& s : a) argv.push_back(s.data());
        return emulator::parse_options(static_cast<int>(argv.size()), argv.data(), o);
    };
    emulator::options o;
    CHECK(parse({"--config-dir", "d"}, o).empty());
    CHECK(o.token_lifetime == std::chrono::seconds(86400));
    CHECK(parse({"--config-dir", "d", "--token-lifetime", "3"}, o).empty());
    CHECK(o.token_lifetime == std::chrono::seconds(3));
    CHECK(parse({"--config-dir", "d", "--token-lifetime=86400"}, o).empty());
    CHECK(o.token_lifetime == std::chrono::seconds(86400));
    for (const char* bad : {"0", "-1", "86401", "3s", "", "1e3"}) {
        INFO("--token-lifetime " << bad);
        const auto err = parse({"--config-dir", "d", "--token-lifetime", bad}, o);
        CHECK(err == "option --token-lifetime must be an integer from 1 to 86400");
    }
    CHECK(parse({"--config-dir", "d", "--token-lifetime"}, o) == "option --token-lifetime needs a value");
    CHECK(emulator::usage_text().find("--token-lifetime") != std::string::npos);

    // The service with a 3 s lifetime: a token 2 s old is served, one 3 s old is Expired, before
    // and after it was spent; the next token is valid for 3 s from its own issue.
    harness h(0, 0, 0, {}, std::chrono::seconds(3));
    const auto token = h.start_token();
    h.now += 2s;
    auto r1 = h.get(token);
    REQUIRE(r1.status == 200);
    const auto t1 = next_token(r1);
    h.now += 2s;
    auto r2 = h.get(t1);
    REQUIRE(r2.status == 200);
    const auto t2 = next_token(r2);
    h.now += 3s;
    auto expired = h.get(t2);
    CHECK(expired.status == 400);
    CHECK(error_type(expired) == "BadRequestException");
    CHECK(problem(expired) == "Expired");
    auto spent = h.get(t1);
    CHECK(spent.status == 400);
    CHECK(problem(spent) == "Expired");
}

TEST_CASE("emulator: the log line is JSON and holds no secret or configuration") {
    harness h;
    h.dir.write("app/env/prof.json", "{\"password\":\"hunter2\"}");
    const auto token = h.start_token();
    h.get(token);
    const auto line = emulator::format_log_line(h.log, h.now, 1.5);
    auto v = json::parse(line).as_object();
    CHECK(v.at("status").as_int64() == 200);
    CHECK(v.at("token").as_string() == token.c_str());
    CHECK(v.at("session").as_string().size() == 7);
    CHECK(v.at("poll_interval").as_int64() == 10);
    CHECK(line.find("hunter2") == std::string::npos);
    CHECK(line.find(secret) == std::string::npos);
    CHECK(v.at("time").as_string() == "2026-11-26T08:00:00.000Z");
}

TEST_CASE("emulator: temporary credentials: a pair's session token, strict by default, any with --any-session-token") {
    temp_dir d;
    d.write("app/env/prof.json", "{}");
    emulator::service_settings st;
    st.config_dir = d.path.string();
    const std::string body = session_body("app", "env", "prof");
    const std::string url = base + "/configurationsessions";
    const acd::time_point now = t0();
    emulator::request_log log;
    const std::vector<emulator::key_pair> keys{{"ASIATEMP", "temp-secret", "IQoJb3JpZ2luX2VjEXAMPLE+/="}, {key_id, secret}};
    auto type_of = [&](emulator::service& svc, const acd::http::request& r) {
        auto res = svc.handle(r, now, log);
        return res.status == 201 ? std::string("201") : error_type(res);
    };
    SECTION("strict") {
        emulator::service svc(st, emulator::make_sigv4_authenticator(keys, {}));
        CHECK(type_of(svc, make_request("POST", url, body, now, "ASIATEMP", "temp-secret", "us-east-1", "IQoJb3JpZ2luX2VjEXAMPLE+/=")) == "201");
        CHECK(type_of(svc, make_request("POST", url, body, now, "ASIATEMP", "temp-secret")) == "UnrecognizedClientException");
        CHECK(type_of(svc, make_request("POST", url, body, now, "ASIATEMP", "temp-secret", "us-east-1", "other")) == "UnrecognizedClientException");
        CHECK(type_of(svc, make_request("POST", url, body, now, key_id, secret)) == "201");
        CHECK(type_of(svc, make_request("POST", url, body, now, key_id, secret, "us-east-1", "a-token")) == "UnrecognizedClientException");
        auto res = svc.handle(make_request("POST", url, body, now, "ASIATEMP", "temp-secret", "us-east-1", "secret-session-token"), now, log);
        CHECK(res.body.find("secret-session-token") == std::string::npos);
        CHECK(emulator::format_log_line(log, now, 0).find("secret-session-token") == std::string::npos);
    }
    SECTION("any session token") {
        emulator::service svc(st, emulator::make_sigv4_authenticator(keys, {}, true));
        CHECK(type_of(svc, make_request("POST", url, body, now, key_id, secret, "us-east-1", "FwoGZXIvYXdzEXAMPLE")) == "201");
        CHECK(type_of(svc, make_request("POST", url, body, now, key_id, secret)) == "201");
        CHECK(type_of(svc, make_request("POST", url, body, now, "ASIATEMP", "temp-secret", "us-east-1", "anything")) == "201");
        CHECK(type_of(svc, make_request("POST", url, body, now, key_id, "wrong", "us-east-1", "FwoGZXIvYXdzEXAMPLE")) == "InvalidSignatureException");
        CHECK(type_of(svc, make_request("POST", url, body, now, "AKIDUNKNOWN", secret, "us-east-1", "x")) == "UnrecognizedClientException");
        // The token is signed: changing it after signing breaks the signature.
        auto r = make_request("POST", url, body, now, key_id, secret, "us-east-1", "FwoGZXIvYXdzEXAMPLE");
        r.headers.set("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLF");
        CHECK(type_of(svc, r) == "InvalidSignatureException");
    }
}

TEST_CASE("emulator: an expired token reads Expired at any age; one from another run reads Corrupted") {
    harness h;
    const auto spent = h.start_token();
    auto r1 = h.get(spent);
    REQUIRE(r1.status == 200);
    const auto live = next_token(r1);
    for (auto age : {24h, 48h, 49h, 24h * 30}) {
        INFO("age " << age.count() << " h");
        h.now = t0() + age;
        auto e = h.get(live);
        CHECK(e.status == 400);
        CHECK(problem(e) == "Expired");
        // A spent token is Corrupted while young, Expired once the lifetime is over.
        CHECK(problem(h.get(spent)) == "Expired");
        // Many requests prune the forgotten tokens: the answer stays the same.
        for (int i = 0; i < 1100; ++i) h.get("x");
        CHECK(problem(h.get(live)) == "Expired");
    }
    h.now = t0() + 1h;
    CHECK(problem(h.get(spent)) == "Corrupted");
    // A token of the same shape from another emulator run: its seal does not verify.
    harness other;
    const auto foreign = other.start_token();
    CHECK(foreign.size() == live.size());
    h.now = t0() + 48h;
    CHECK(problem(h.get(foreign)) == "Corrupted");
    std::string tampered = live;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    CHECK(problem(h.get(tampered)) == "Corrupted");
}

TEST_CASE("emulator: names resolve exactly: no match by extension, never a sidecar") {
    temp_dir d;
    d.write("app/env/settings.json", "{\"s\":1}");
    d.write("app/env/settings.json.version", "v1");
    d.write("app/env/flags.json", "{}");
    d.write("app/env/flags.json.version", "v9");
    d.write("app/env/my.profile.json", "{\"dotted\":true}");
    d.write("app:env.v2:prof", "agent");
    d.write("app:env:only.version", "not a configuration");
    emulator::stored_configuration c;
    using emulator::lookup_result;
    const auto dir = d.path.string();
    REQUIRE(emulator::find_configuration(dir, "app", "env", "settings", 1024, c) == lookup_result::found);
    CHECK(c.content_type == "application/json");
    CHECK(c.version_label == "v1");
    CHECK(c.labelled);
    CHECK(emulator::find_configuration(dir, "app", "env", "settings.json", 1024, c) == lookup_result::no_profile);
    CHECK(emulator::find_configuration(dir, "app", "env", "settings.json.version", 1024, c) == lookup_result::no_profile);
    CHECK(emulator::find_configuration(dir, "app", "env", "flags.json.version", 1024, c) == lookup_result::no_profile);
    CHECK(emulator::find_configuration(dir, "app", "env", "flags.json", 1024, c) == lookup_result::no_profile);
    CHECK(emulator::find_configuration(dir, "app", "env", "only", 1024, c) == lookup_result::no_profile);
    REQUIRE(emulator::find_configuration(dir, "app", "env", "my.profile", 1024, c) == lookup_result::found);
    CHECK(c.content == "{\"dotted\":true}");
    CHECK_FALSE(c.labelled);
    CHECK(emulator::find_configuration(dir, "app", "env", "my", 1024, c) == lookup_result::no_profile);
    REQUIRE(emulator::find_configuration(dir, "app", "env.v2", "prof", 1024, c) == lookup_result::found);
    CHECK(c.content == "agent");
    CHECK(c.content_type == "application/octet-stream");

    std::string profile, ext;
    CHECK(emulator::configuration_name("a.tar.gz", profile, ext));
    CHECK(profile == "a.tar");
    CHECK(ext == "gz");
    CHECK_FALSE(emulator::configuration_name("x.json.version", profile, ext));
    CHECK_FALSE(emulator::configuration_name(".json", profile, ext));
    CHECK_FALSE(emulator::configuration_name("a:b:.json", profile, ext));

    // Through the service: 404 ResourceNotFoundException as the real service would say.
    harness h;
    h.dir.write("app/env/settings.json", "{}");
    h.dir.write("app/env/settings.json.version", "v1");
    for (const char* name : {"settings.json", "settings.json.version", "prof.json"}) {
        INFO(name);
        auto r = h.start("app", "env", name);
        CHECK(r.status == 404);
        CHECK(error_type(r) == "ResourceNotFoundException");
    }
    CHECK(h.start("app", "env", "settings").status == 201);
}

TEST_CASE("emulator: --version-label sidecar-only sends Version-Label only for labelled versions") {
    temp_dir d;
    d.write("app/env/plain.json", "{}");
    d.write("app/env/labelled.json", "{}");
    d.write("app/env/labelled.json.version", "2024-01\n");
    emulator::service_settings st;
    st.config_dir = d.path.string();
    st.poll_interval = 0;
    st.sidecar_labels_only = true;
    emulator::service svc(st, emulator::make_sigv4_authenticator({{key_id, secret}}, {}));
    emulator::request_log log;
    const auto now = t0();
    auto first_poll = [&](const std::string& profile) {
        auto s = svc.handle(make_request("POST", base + "/configurationsessions", session_body("app", "env", profile), now), now, log);
        REQUIRE(s.status == 201);
        const std::string token(json::parse(s.body).as_object().at("InitialConfigurationToken").as_string());
        return svc.handle(make_request("GET", base + "/configuration?configuration_token=" + acd::http::percent_encode(token), "", now), now, log);
    };
    auto plain = first_poll("plain");
    REQUIRE(plain.status == 200);
    CHECK(plain.body == "{}");
    CHECK_FALSE(plain.headers.contains("Version-Label"));
    auto labelled = first_poll("labelled");
    REQUIRE(labelled.status == 200);
    REQUIRE(labelled.headers.contains("Version-Label"));
    CHECK(*labelled.headers.find("Version-Label") == "2024-01");
    // An edit without a label is still served (change detection does not need the label).
    d.write("app/env/plain.json", "{\"b\":2}");
    auto again = svc.handle(make_request("GET", base + "/configuration?configuration_token=" + acd::http::percent_encode(next_token(plain)), "", now),
                            now, log);
    REQUIRE(again.status == 200);
    CHECK(again.body == "{\"b\":2}");
}

TEST_CASE("emulator: log lines and error bodies are valid UTF-8 JSON whatever bytes arrive") {
    CHECK(emulator::valid_utf8("plain") == "plain");
    CHECK(emulator::valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    const std::string r = "\xEF\xBF\xBD";
    CHECK(emulator::valid_utf8("\xFF\xFE") == r + r);
    CHECK(emulator::valid_utf8("a\xC3") == "a" + r);                   // truncated at the end
    CHECK(emulator::valid_utf8("\xE2\x82x") == r + "x");               // one U+FFFD for the maximal subpart
    CHECK(emulator::valid_utf8("\xC0\xAF") == r + r);                  // overlong
    CHECK(emulator::valid_utf8("\xED\xA0\x80") == r + r + r);          // surrogate
    CHECK(emulator::valid_utf8("\xF4\x90\x80\x80") == r + r + r + r);  // above U+10FFFF
    CHECK(emulator::valid_utf8(std::string("\0x", 2)) == std::string("\0x", 2));

    harness h;
    auto res = h.send(make_request("GET", base + "/configuration?configuration_token=%FF%FE", "", h.now));
    CHECK(res.status == 400);
    CHECK(h.log.token == "\xFF\xFE");
    const auto line = emulator::format_log_line(h.log, h.now, 0.5);
    json::error_code ec;
    auto v = json::parse(line, ec); // Boost.JSON rejects invalid UTF-8
    REQUIRE_FALSE(ec);
    CHECK(v.as_object().at("token").as_string() == (r + r).c_str());

    auto odd = h.send(make_request("GET", base + "/\xFF%FE", "", h.now));
    CHECK(odd.status == 404);
    CHECK_FALSE(json::parse(odd.body, ec).is_null());
    CHECK_FALSE(ec);
    CHECK_FALSE(json::parse(emulator::format_log_line(h.log, h.now, 0.5), ec).is_null());
    CHECK_FALSE(ec);
}

TEST_CASE("emulator: rejections by the HTTP layer are AWS-shaped") {
    harness h;
    for (auto [status, type] : {std::pair<int, const char*>{413, "RequestEntityTooLargeException"}, {431, "RequestHeaderFieldsTooLargeException"},
                                {400, "BadRequestException"}}) {
        INFO(type);
        emulator::request_log log;
        auto r = h.svc.reject(status, type, "too much", h.now, log);
        CHECK(r.status == status);
        CHECK(error_type(r) == type);
        CHECK(*r.headers.find("Content-Type") == "application/json");
        REQUIRE(r.headers.contains("x-amzn-RequestId"));
        CHECK(*r.headers.find("x-amzn-RequestId") == log.request_id);
        CHECK(r.headers.contains("Date"));
        CHECK(message(r) == "too much");
        CHECK(log.status == status);
        CHECK(log.error_type == type);
    }
}

TEST_CASE("emulator: temporary-credential, version-label and connection options") {
    auto parse = [](std::vector<std::string> a, emulator::options& o) {
        std::vector<char*> argv{const_cast<char*>("appconfigdata-emulator")};
        for (auto& s : a) argv.push_back(s.data());
        return emulator::parse_options(static_cast<int>(argv.size()), argv.data(), o);
    };
    emulator::options o;
    CHECK(parse({"--config-dir", "d", "--access-key", "K1", "--secret-key", "S1", "--session-token", "T1", "--access-key", "K2",
                 "--secret-key", "S2"}, o).empty());
    REQUIRE(o.keys.size() == 2);
    CHECK(o.keys[0].session_token.reveal() == "T1");
    CHECK(o.keys[1].session_token.empty());
    CHECK_FALSE(o.any_session_token);
    CHECK(o.version_label == emulator::version_label_mode::hash);
    CHECK(o.max_connections == 0);
    CHECK(parse({"--config-dir", "d", "--any-session-token", "--version-label", "sidecar-only", "--max-connections", "10"}, o).empty());
    CHECK(o.any_session_token);
    CHECK(o.version_label == emulator::version_label_mode::sidecar_only);
    CHECK(o.max_connections == 10);
    CHECK(o.keys.size() == 1);
    CHECK_FALSE(parse({"--config-dir", "d", "--session-token", "T"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--access-key", "K", "--secret-key", "S", "--session-token", "A", "--session-token", "B"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--version-label", "content"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--max-connections", "0"}, o).empty());
    CHECK_FALSE(parse({"--config-dir", "d", "--any-session-token=yes"}, o).empty());
    CHECK(emulator::default_max_connections(0) == 4096);
    CHECK(emulator::default_max_connections(1024) == 1024 - emulator::descriptor_reserve);
    CHECK(emulator::default_max_connections(48) == 48 - emulator::descriptor_reserve);
    CHECK(emulator::default_max_connections(10) == 1);
    CHECK(emulator::default_max_connections(1u << 20) == 4096);
    CHECK(emulator::usage_text().find("--any-session-token") != std::string::npos);
}

// ---- The Beast transport against the emulator binary -------------------------------------

namespace {

struct live {
    temp_dir dir;
    std::unique_ptr<test_support::emulator_process> emu;

    explicit live(std::vector<std::string> extra = {}) {
        dir.write("app/env/prof.json", "{\"hello\":\"world\"}");
        std::vector<std::string> args{"--config-dir", dir.path.string(), "--poll-interval", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        emu = std::make_unique<test_support::emulator_process>(args);
    }

    acd::http::request start_request() const {
        return make_request("POST", emu->url() + "/configurationsessions", session_body("app", "env", "prof"), acd::clock_type::now());
    }
    acd::http::request get_request(const std::string& token) const {
        return make_request("GET", emu->url() + "/configuration?configuration_token=" + acd::http::percent_encode(token), "",
                            acd::clock_type::now());
    }
};

std::string initial_token(const acd::http::response& r) {
    return std::string(json::parse(r.body).as_object().at("InitialConfigurationToken").as_string());
}

} // namespace

TEST_CASE("beast_transport: synchronous session against the emulator, as an http::transport") {
    live l;
    acd::http::transport transport = acd::adapters::beast_transport{};
    acd::http::response res;
    REQUIRE_FALSE(transport(l.start_request(), res));
    REQUIRE(res.status == 201);
    auto token = initial_token(res);
    for (int i = 0; i < 3; ++i) {
        REQUIRE_FALSE(transport(l.get_request(token), res));
        REQUIRE(res.status == 200);
        CHECK(res.body == (i == 0 ? "{\"hello\":\"world\"}" : ""));
        token = *res.headers.find("Next-Poll-Configuration-Token");
    }
    // A service error is a response, not a transport error.
    REQUIRE_FALSE(transport(l.get_request("garbage"), res));
    CHECK(res.status == 400);
    CHECK(error_type(res) == "BadRequestException");
    CHECK(l.emu->stop() == 0);
}

TEST_CASE("beast_transport: a kept-alive connection closed by the server is replaced") {
    live l({"--idle-timeout", "1"});
    acd::adapters::beast_transport transport;
    acd::http::response res;
    REQUIRE_FALSE(transport(l.start_request(), res));
    REQUIRE(res.status == 201);
    std::this_thread::sleep_for(1500ms); // the emulator closes the idle connection
    REQUIRE_FALSE(transport(l.get_request(initial_token(res)), res));
    CHECK(res.status == 200);
}

TEST_CASE("beast_transport: limits, timeouts and failures are typed errors") {
    live l({"--latency-ms", "1500"});
    acd::http::response res;
    {
        acd::adapters::beast_options o;
        o.request_timeout = 200ms;
        acd::adapters::beast_transport t(o);
        CHECK(t(l.start_request(), res) == acd::errc::timeout);
    }
    {
        acd::adapters::beast_options o;
        o.max_response_body = 8;
        acd::adapters::beast_transport t(o);
        CHECK(t(l.start_request(), res) == acd::errc::response_too_large);
        o.max_response_body = 1 << 20;
        o.max_header_bytes = 16;
        acd::adapters::beast_transport t2(o);
        CHECK(t2(l.start_request(), res) == acd::errc::response_too_large);
    }
    {
        acd::adapters::beast_transport t;
        auto req = l.start_request();
        req.scheme = "ftp";
        CHECK(t(req, res) == acd::errc::invalid_url);
        req.scheme = "http";
        req.host = "127.0.0.1:99999";
        CHECK(t(req, res) == acd::errc::invalid_url);
        req.host = "";
        CHECK(t(req, res) == acd::errc::invalid_url);
    }
    {
        // HTTPS to a plain-HTTP port: the TLS handshake fails.
        acd::adapters::beast_options o;
        o.connect_timeout = 3000ms;
        acd::adapters::beast_transport t(o);
        auto req = l.start_request();
        req.scheme = "https";
        CHECK(t(req, res) == acd::errc::transport_failed);
    }
    const auto port = l.emu->port();
    l.emu->stop();
    acd::adapters::beast_transport t;
    auto req = make_request("POST", "http://127.0.0.1:" + std::to_string(port) + "/configurationsessions", "{}", acd::clock_type::now());
    CHECK(t(req, res) == acd::errc::transport_failed);
}

TEST_CASE("beast_transport: asynchronous, 50 concurrent sessions on one io_context") {
    live l;
    boost::asio::io_context ioc;
    acd::adapters::beast_async_transport transport(ioc.get_executor());
    std::atomic<int> sessions{0}, configurations{0}, failures{0};
    for (int i = 0; i < 50; ++i) {
        transport.async_send(l.start_request(), [&](std::error_code ec, acd::http::response r) {
            if (ec || r.status != 201) {
                ++failures;
                return;
            }
            ++sessions;
            transport.async_send(l.get_request(initial_token(r)), [&](std::error_code ec2, acd::http::response r2) {
                if (ec2 || r2.status != 200 || r2.body != "{\"hello\":\"world\"}") ++failures;
                else ++configurations;
            });
        });
    }
    ioc.run();
    CHECK(failures == 0);
    CHECK(sessions == 50);
    CHECK(configurations == 50);
}

TEST_CASE("beast_async_transport: errors arrive through the executor, never inline") {
    boost::asio::io_context ioc;
    acd::adapters::beast_async_transport transport(ioc.get_executor());
    acd::http::request req;
    req.scheme = "ftp";
    req.host = "example.com";
    std::error_code got;
    bool called = false;
    transport.async_send(req, [&](std::error_code ec, acd::http::response) {
        called = true;
        got = ec;
    });
    CHECK_FALSE(called);
    ioc.run();
    CHECK(called);
    CHECK(got == acd::errc::invalid_url);
}
