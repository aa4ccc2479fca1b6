// Container (ECS / EKS Pod Identity) and IMDSv2 provider machines.
#include "remote_test_support.hpp"

#include <appconfigdata/credentials/container.hpp>
#include <appconfigdata/credentials/imds.hpp>

using namespace appconfigdata;
using namespace remote_test;
using test_support::drive;

// ---------------------------------------------------------------- container

namespace {
container_options container_env(std::map<std::string, std::string> env, std::map<std::string, std::string> fs = {}) {
    container_options o;
    o.environment = environment_from_map(std::move(env));
    test_files() = files(std::move(fs));
    return o;
}
} // namespace

TEST_CASE("container: relative URI, success with account id and expiry", "[container]") {
    container_provider p(container_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}}));
    io_transport t;
    t.respond(200, credential_json("2030-01-01T00:00:00Z", ",\"AccountId\":\"123456789012\""));
    time_point now = at(1700000000);
    const action a = drive(p, t, now);
    REQUIRE(a.kind == action_kind::done);
    REQUIRE(t.sent.size() == 1);
    CHECK(t.sent[0].method == "GET");
    CHECK(t.sent[0].url_string() == "http://169.254.170.2/v2/credentials/abc");
    CHECK_FALSE(t.sent[0].headers.contains("Authorization"));
    const credentials& c = p.outcome().value;
    CHECK(c.access_key_id == "ASIAEXAMPLE");
    CHECK(c.secret_access_key.reveal() == secret_key);
    CHECK(c.session_token.reveal() == session_token);
    CHECK(c.account_id == "123456789012");
    REQUIRE(c.expiration);
    CHECK(*c.expiration == at(1893456000));
    CHECK(c.provider == "container");
    check_no_secrets(p.outcome());
}

TEST_CASE("container: authorization token file is preferred over the token variable and re-read on restart", "[container]") {
    std::map<std::string, std::string> fs{{"/var/token", "  file-token-1\n"}};
    auto reads = std::make_shared<int>(0);
    container_options o = container_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/token"},
                                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"}});
    test_files() = [reads](std::string_view path, std::string& out) -> std::error_code {
        ++*reads;
        if (path != "/var/token") return errc::file_not_found;
        out = *reads == 1 ? "  file-token-1\n" : "file-token-2";
        return {};
    };
    container_provider p(o);
    io_transport t;
    t.respond(200, credential_json()).respond(200, credential_json());
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    CHECK(*t.sent[0].headers.find("Authorization") == "file-token-1");
    p.restart();
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    CHECK(*t.sent[1].headers.find("Authorization") == "file-token-2");
    CHECK(*reads == 2);
    std::ostringstream s;
    s << t.sent[0];
    CHECK(s.str().find("file-token-1") == std::string::npos); // the Authorization value is redacted when printed
}

TEST_CASE("container: token from the environment variable", "[container]") {
    container_provider p(container_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/creds"},
                                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"}}));
    io_transport t;
    t.respond(200, credential_json());
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    CHECK(t.sent[0].url_string() == "http://127.0.0.1:8080/creds");
    CHECK(*t.sent[0].headers.find("Authorization") == "env-token");
}

TEST_CASE("container: endpoint rules", "[container]") {
    auto resolve = [](std::map<std::string, std::string> env, std::string& why) {
        http::url u;
        auto ec = resolve_container_endpoint(environment_from_map(std::move(env)), u, why);
        return ec ? std::string("error") : u.to_string();
    };
    std::string why;
    CHECK(resolve({}, why) == "error");
    CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost/x"}}, why) == "http://localhost/x");
    CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.1.2.3/x"}}, why) == "http://127.1.2.3/x");
    CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[::1]:9/x"}}, why) == "http://[::1]:9/x");
    CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[fd00:ec2::23]/x"}}, why) == "http://[fd00:ec2::23]/x");
    CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://anything.example/x"}}, why) == "https://anything.example/x");
    // Plain http to other hosts is refused.
    for (const char* bad : {"http://example.com/x", "http://10.0.0.1/x", "http://128.0.0.1/x", "http://169.254.170.3/x",
                            "http://127.0.0.1.evil.com/x", "http://[fd00:ec2::24]/x", "ftp://localhost/x", "/relative"}) {
        INFO(bad);
        why.clear();
        CHECK(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", bad}}, why) == "error");
        CHECK_FALSE(why.empty());
    }
}

TEST_CASE("container: not applicable without configuration; disallowed host and missing token file fail without a request", "[container]") {
    time_point now = at(1700000000);
    {
        container_provider p(container_env({}));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(p.outcome().error == errc::no_credentials);
        CHECK(t.sent.empty());
    }
    {
        container_provider p(container_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example/creds"}}));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::failed);
        CHECK(p.outcome().error == errc::invalid_url);
        CHECK(t.sent.empty());
    }
    {
        container_provider p(container_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nope"}}));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::io_failed);
        CHECK(p.outcome().diag.message.find("/nope") != std::string::npos);
        CHECK(t.sent.empty());
    }
    {
        container_provider p(container_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}}));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_header);
        CHECK(t.sent.empty());
    }
}

TEST_CASE("container: error replies are typed; 5xx retried; malformed bodies rejected", "[container]") {
    auto env = [] { return container_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}}); };
    time_point now = at(1700000000);
    SECTION("403 with a JSON message") {
        container_provider p(env());
        io_transport t;
        t.respond(403, R"({"code":"AccessDenied","message":"role not assumable"})");
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::access_denied);
        CHECK(p.outcome().diag.http_status == 403);
        CHECK(p.outcome().diag.message.find("role not assumable") != std::string::npos);
        CHECK(t.sent.size() == 1);
    }
    SECTION("500 then 200") {
        container_provider p(env());
        io_transport t;
        t.respond(500).respond(200, credential_json());
        CHECK(drive(p, t, now).kind == action_kind::done);
        CHECK(t.sent.size() == 2);
    }
    SECTION("503 three times: gives up after 3 attempts") {
        container_provider p(env());
        io_transport t;
        t.respond(503).respond(503).respond(503).respond(200, credential_json());
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::unexpected_status);
        CHECK(t.sent.size() == 3);
    }
    SECTION("malformed documents") {
        for (const std::string& body : {std::string("not json"), std::string("[]"), std::string(R"({"AccessKeyId":"A"})"),
                                       std::string(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"})"),
                                       std::string(R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"S"})"),
                                       std::string(70000, '{')}) {
            container_provider p(env());
            io_transport t;
            t.respond(200, body);
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().status == provider_status::failed);
            CHECK(p.outcome().diag.message.find("container") != std::string::npos);
        }
    }
}

TEST_CASE("container: transport fails at each step", "[container][sweep]") {
    transport_failure_sweep(
        1, [] { return std::make_unique<container_provider>(container_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}})); },
        [](int) { return response(200, credential_json()); },
        [](int, const provider_result& r) {
            CHECK(r.status == provider_status::failed);
            CHECK(r.error == errc::timeout);
            CHECK(r.diag.message.find("3 attempts") != std::string::npos);
        });
}

// ---------------------------------------------------------------- IMDS

namespace {
imds_options imds_env(std::map<std::string, std::string> env = {}, std::map<std::string, std::string> profile = {}) {
    return imds_options::from(environment_from_map(std::move(env)), [profile](std::string_view k) -> std::optional<std::string> {
        auto it = profile.find(std::string(k));
        if (it == profile.end()) return std::nullopt;
        return it->second;
    });
}

http::headers ttl_header(const char* ttl = "21600") { return http::headers{{"x-aws-ec2-metadata-token-ttl-seconds", ttl}}; }

http::response imds_good(int step) {
    switch (step) {
    case 0: return response(200, "IMDSTOKEN", ttl_header());
    case 1: return response(200, "my-role\n");
    default: return response(200, credential_json("2030-01-01T00:00:00Z"));
    }
}
} // namespace

TEST_CASE("imds: token, role name, credentials; never a request without the session token", "[imds]") {
    imds_credentials_provider p(imds_env());
    io_transport t;
    for (int i = 0; i < 3; ++i) {
        auto r = imds_good(i);
        t.respond(r.status, r.body, r.headers);
    }
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 3);
    CHECK(t.sent[0].method == "PUT");
    CHECK(t.sent[0].url_string() == "http://169.254.169.254/latest/api/token");
    CHECK(*t.sent[0].headers.find("x-aws-ec2-metadata-token-ttl-seconds") == "21600");
    CHECK(t.sent[1].method == "GET");
    CHECK(t.sent[1].url_string() == "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    CHECK(t.sent[2].url_string() == "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role");
    for (int i = 1; i < 3; ++i) CHECK(*t.sent[i].headers.find("x-aws-ec2-metadata-token") == "IMDSTOKEN");
    CHECK(p.outcome().value.access_key_id == "ASIAEXAMPLE");
    CHECK(p.outcome().value.account_id.empty());
    CHECK(p.outcome().value.expiration == at(1893456000));
    check_no_secrets(p.outcome());
}

TEST_CASE("imds: the session token is reused on refresh until near expiry, and fetched again on 401", "[imds]") {
    imds_credentials_provider p(imds_env());
    io_transport t;
    t.respond(200, "TOKEN1", ttl_header("600")).respond(200, "role").respond(200, credential_json());
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    // Refresh 5 minutes later: no new token.
    now += std::chrono::minutes(5);
    p.restart();
    t.respond(200, "role").respond(200, credential_json());
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 5);
    CHECK(t.sent[3].method == "GET");
    CHECK(*t.sent[3].headers.find("x-aws-ec2-metadata-token") == "TOKEN1");
    // 9 minutes later the 600 s token is within a minute of expiry: a new one is fetched.
    now += std::chrono::minutes(4);
    p.restart();
    t.respond(200, "TOKEN2", ttl_header("600")).respond(200, "role").respond(200, credential_json());
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 8);
    CHECK(t.sent[5].method == "PUT");
    CHECK(*t.sent[7].headers.find("x-aws-ec2-metadata-token") == "TOKEN2");
    // IMDS rejects the token (401): one new token, then success.
    p.restart();
    t.respond(401).respond(200, "TOKEN3", ttl_header()).respond(200, "role").respond(200, credential_json());
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 12);
    CHECK(t.sent[9].method == "PUT");
    CHECK(*t.sent[10].headers.find("x-aws-ec2-metadata-token") == "TOKEN3");
}

TEST_CASE("imds: failures", "[imds]") {
    time_point now = at(1700000000);
    SECTION("disabled") {
        imds_credentials_provider p(imds_env({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(t.sent.empty());
    }
    SECTION("token forbidden: no IMDSv1 fallback") {
        imds_credentials_provider p(imds_env());
        io_transport t;
        t.respond(403);
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(p.outcome().error == errc::access_denied);
        CHECK(t.sent.size() == 1); // no GET without a token
    }
    SECTION("token PUT unsupported (405): fails, no GET") {
        imds_credentials_provider p(imds_env());
        io_transport t;
        t.respond(405);
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(p.outcome().error == errc::unexpected_status);
        CHECK(t.sent.size() == 1);
    }
    SECTION("no role attached") {
        imds_credentials_provider p(imds_env());
        io_transport t;
        t.respond(200, "T").respond(404);
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(p.outcome().error == errc::no_credentials);
    }
    SECTION("empty role list, bad role name, bad document") {
        for (const auto& script : std::vector<std::vector<std::string>>{{"T", ""}, {"T", "../etc"}, {"T", "role", "{"}}) {
            imds_credentials_provider p(imds_env());
            io_transport t;
            for (const auto& body : script) t.respond(200, body);
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().status != provider_status::ready);
        }
    }
    SECTION("unreachable: fails fast (one attempt of at most 1 s) and does not apply") {
        imds_credentials_provider p(imds_env());
        io_transport t;
        t.fail(errc::timeout).fail(errc::timeout).fail(errc::timeout);
        const time_point start = now;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().status == provider_status::not_applicable);
        CHECK(t.sent.size() == 1);
        CHECK(now == start); // no backoff waits; the one attempt is bounded by the 1 s timeout
        imds_credentials_provider fresh(imds_env());
        CHECK(fresh.next(now).timeout == std::chrono::milliseconds(1000));
    }
}

TEST_CASE("imds: 5xx retried on every step", "[imds]") {
    imds_credentials_provider p(imds_env());
    io_transport t;
    for (int i = 0; i < 3; ++i) {
        t.respond(503);
        auto r = imds_good(i);
        t.respond(r.status, r.body, r.headers);
    }
    time_point now = at(1700000000);
    CHECK(drive(p, t, now).kind == action_kind::done);
    CHECK(t.sent.size() == 6);
}

TEST_CASE("imds: attempts and timeout from AWS_METADATA_SERVICE_*; transport errors retried once IMDS answered", "[imds]") {
    time_point now = at(1700000000);
    {
        imds_credentials_provider p(imds_env({{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"}, {"AWS_METADATA_SERVICE_TIMEOUT", "5"}}));
        CHECK(p.next(now).timeout == std::chrono::milliseconds(5000));
        io_transport t;
        t.fail(errc::timeout).fail(errc::timeout);
        p.on_transport_error(errc::timeout, now);
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(t.sent.size() == 1); // 2 attempts in all
    }
    {
        imds_credentials_provider p(imds_env({}, {{"metadata_service_num_attempts", "3"}}));
        io_transport t;
        t.fail().fail().respond(200, "T").respond(200, "role").respond(200, credential_json());
        CHECK(drive(p, t, now).kind == action_kind::done);
    }
    {
        imds_credentials_provider p(imds_env());
        io_transport t;
        t.respond(200, "T").fail().respond(200, "role").fail().respond(200, credential_json());
        CHECK(drive(p, t, now).kind == action_kind::done);
        CHECK(t.sent.size() == 5);
    }
}

TEST_CASE("imds: transport fails at each step", "[imds][sweep]") {
    transport_failure_sweep(
        3, [] { return std::make_unique<imds_credentials_provider>(imds_env()); }, imds_good,
        [](int step, const provider_result& r) {
            CHECK(r.error == errc::timeout);
            CHECK(r.status == provider_status::not_applicable);
            CHECK(r.diag.message.find(step == 0 ? "not reachable" : "not reachable") != std::string::npos);
        });
}

TEST_CASE("imds: endpoint configuration", "[imds]") {
    auto first_url = [](imds_options o) {
        imds_credentials_provider p(std::move(o));
        action a = p.next(at(0));
        return a.kind == action_kind::send ? a.request->url_string() : std::string("error: ") + p.outcome().diag.message;
    };
    CHECK(first_url(imds_env()) == "http://169.254.169.254/latest/api/token");
    CHECK(first_url(imds_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6"}})) == "http://[fd00:ec2::254]/latest/api/token");
    CHECK(first_url(imds_env({}, {{"ec2_metadata_service_endpoint_mode", "IPv6"}})) == "http://[fd00:ec2::254]/latest/api/token");
    CHECK(first_url(imds_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}})) == "http://127.0.0.1:1338/latest/api/token");
    CHECK(first_url(imds_env({}, {{"ec2_metadata_service_endpoint", "http://127.0.0.1:9"}})) == "http://127.0.0.1:9/latest/api/token");
    CHECK(first_url(imds_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}})).find("`IPv5` is not a valid endpoint mode") !=
          std::string::npos);
    CHECK(first_url(imds_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "not a uri"}})).rfind("error", 0) == 0);
}

TEST_CASE("imds: region step", "[imds][region]") {
    imds_region_lookup p(imds_env());
    io_transport t;
    t.respond(200, "T", ttl_header()).respond(200, "eu-central-1\n");
    time_point now = at(1700000000);
    CHECK(drive(p, t, now).kind == action_kind::done);
    CHECK(p.outcome().value == "eu-central-1");
    CHECK(t.sent[1].url_string() == "http://169.254.169.254/latest/meta-data/placement/region");
    CHECK(*t.sent[1].headers.find("x-aws-ec2-metadata-token") == "T");

    imds_region_lookup bad(imds_env());
    io_transport t2;
    t2.respond(200, "T").respond(200, "eu central<1>");
    CHECK(drive(bad, t2, now).kind == action_kind::failed);
    CHECK(bad.outcome().error == errc::invalid_region);

    imds_region_lookup off(imds_env());
    io_transport t3;
    t3.fail().fail().fail();
    CHECK(drive(off, t3, now).kind == action_kind::failed);
    CHECK(off.outcome().status == provider_status::not_applicable);
}
