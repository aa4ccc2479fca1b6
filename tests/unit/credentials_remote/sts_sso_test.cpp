// STS (web identity, AssumeRole), the bounded XML reader, and SSO.
#include "remote_test_support.hpp"

#include "test_crypto.hpp"
#include <appconfigdata/credentials/sso_cache.hpp>
#include <appconfigdata/credentials/detail/xml.hpp>
#include <appconfigdata/credentials/sso.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/sigv4/authorization.hpp>

using namespace appconfigdata;
using namespace remote_test;
using test_support::drive;

namespace {

std::string sts_reply(const char* op, const char* arn = "arn:aws:sts::123456789012:assumed-role/r/s") {
    return std::string("<") + op + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <" + op + "Result>\n" +
           "    <AssumedRoleUser><Arn>" + arn + "</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\n" +
           "    <Credentials>\n      <AccessKeyId>ASIASTS</AccessKeyId>\n      <SecretAccessKey>" + secret_key +
           "</SecretAccessKey>\n      <SessionToken>" + session_token + "</SessionToken>\n      <Expiration>2030-01-01T00:00:00Z</Expiration>\n" +
           "    </Credentials>\n  </" + op + "Result>\n  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\n</" + op + "Response>\n";
}

std::string sts_error(const char* code, const char* message) {
    return std::string("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>") + code +
           "</Code><Message>" + message + "</Message></Error><RequestId>req-err</RequestId></ErrorResponse>";
}

web_identity_options wi_options() {
    web_identity_options o;
    o.role_arn = "arn:aws:iam::123456789012:role/web role";
    o.web_identity_token_file = "/var/run/token";
    o.role_session_name = "my-session";
    o.endpoint.region = "eu-west-1";
    test_files() = files({{"/var/run/token", std::string("JWT.") + bearer + "\n"}});
    return o;
}

assume_role_options ar_options() {
    assume_role_options o;
    o.role_arn = "arn:aws:iam::123456789012:role/RoleA";
    o.role_session_name = "sess";
    o.external_id = "ext-1";
    o.duration = seconds(900);
    o.endpoint.region = "us-west-2";
    o.sign = make_sigv4_request_signer<test_crypto>();
    return o;
}

credentials source_credentials() {
    credentials c;
    c.access_key_id = "AKIASOURCE";
    c.secret_access_key = std::string(secret_key) + "-source";
    c.session_token = std::string(session_token) + "-source";
    return c;
}

} // namespace

// ---------------------------------------------------------------- XML

TEST_CASE("xml: leaves with paths, entities, CDATA, namespaces", "[xml]") {
    detail::xml::document d;
    std::string why;
    REQUIRE_FALSE(detail::xml::parse("<?xml version=\"1.0\"?><!-- c --><a:R xmlns:a=\"x\"><B k='v&gt;'><C>1 &lt;&amp;&gt; &#65;&#x42;</C>"
                                     "<D/><E><![CDATA[<raw>]]></E></B></a:R>",
                                     d, why));
    CHECK(d.root == "R");
    REQUIRE(d.find("B/C"));
    CHECK(*d.find("B/C") == "1 <&> AB");
    CHECK(*d.find("R/B/C") == "1 <&> AB");
    CHECK(d.find("C"));
    CHECK(d.find("X/C") == nullptr);
    CHECK(*d.find("D") == "");
    CHECK(*d.find("E") == "<raw>");
}

TEST_CASE("xml: strict and bounded", "[xml]") {
    detail::xml::document d;
    std::string why;
    for (const std::string& bad :
         {std::string(""), std::string("text"), std::string("<a>"), std::string("<a></b>"), std::string("<a><b></a></b>"),
          std::string("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"), std::string("<a>&unknown;</a>"), std::string("<a>&#0;</a>"),
          std::string("<a>&#xD800;</a>"), std::string("<a></a><b></b>"), std::string("<a>x<b>y</b></a>"), std::string("<a b=\"<\"></a>"),
          std::string("<a><?pi x?></a>"), std::string("<a><!-- unterminated</a>"), std::string("< a></a>")}) {
        INFO(bad);
        CHECK(detail::xml::parse(bad, d, why) == errc::malformed_response);
        CHECK_FALSE(why.empty());
    }
    std::string deep;
    for (int i = 0; i < 20; ++i) deep += "<a>";
    for (int i = 0; i < 20; ++i) deep += "</a>";
    CHECK(detail::xml::parse(deep, d, why) == errc::malformed_response);
    detail::xml::xml_limits small;
    small.max_size = 10;
    CHECK(detail::xml::parse("<a>0123456789</a>", d, why, small) == errc::response_too_large);
}

// ---------------------------------------------------------------- STS endpoints

TEST_CASE("sts: regional endpoints per partition, FIPS, dual-stack, override", "[sts]") {
    auto host = [](std::string region, bool fips = false, bool dual = false, std::string url = "") {
        sts_endpoint_options o;
        o.region = std::move(region);
        o.use_fips = fips;
        o.use_dual_stack = dual;
        o.endpoint_url = std::move(url);
        http::url u;
        std::string why;
        if (resolve_sts_endpoint(o, u, why)) return std::string("error");
        return u.to_string();
    };
    CHECK(host("us-east-1") == "https://sts.us-east-1.amazonaws.com/");
    CHECK(host("") == "https://sts.us-east-1.amazonaws.com/");
    CHECK(host("eu-west-1") == "https://sts.eu-west-1.amazonaws.com/");
    CHECK(host("cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn/");
    CHECK(host("us-gov-west-1") == "https://sts.us-gov-west-1.amazonaws.com/");
    CHECK(host("us-iso-east-1") == "https://sts.us-iso-east-1.c2s.ic.gov/");
    CHECK(host("us-isob-east-1") == "https://sts.us-isob-east-1.sc2s.sgov.gov/");
    // The partition table of endpoint/partition.hpp, not a second copy of it.
    CHECK(host("eusc-de-east-1") == "https://sts.eusc-de-east-1.amazonaws.eu/");
    CHECK(host("-us-east-1") == "error");
    for (const char* dual_stack : {"eusc-de-east-1 api.amazonwebservices.eu", "us-iso-east-1 api.aws.ic.gov", "us-isob-east-1 api.aws.scloud",
                                   "us-isof-south-1 api.aws.hci.ic.gov", "eu-isoe-west-1 api.cloud-aws.adc-e.uk",
                                   "cn-north-1 api.amazonwebservices.com.cn"}) {
        const std::string region_suffix = dual_stack;
        const std::string region = region_suffix.substr(0, region_suffix.find(' '));
        CHECK(host(region, false, true) == "https://sts." + region + "." + region_suffix.substr(region.size() + 1) + "/");
    }
    CHECK(host("us-east-1", true) == "https://sts-fips.us-east-1.amazonaws.com/");
    CHECK(host("us-east-1", true, true) == "https://sts-fips.us-east-1.api.aws/");
    CHECK(host("us-east-1", false, true) == "https://sts.us-east-1.api.aws/");
    CHECK(host("us-east-1", false, false, "http://localhost:4566") == "http://localhost:4566/");
    CHECK(host("bad region") == "error");
    CHECK(host("a.b") == "error");
}

// ---------------------------------------------------------------- web identity

TEST_CASE("web identity: unsigned form POST, XML reply, account from the role ARN", "[sts][web-identity]") {
    web_identity_provider p(wi_options());
    io_transport t;
    t.respond(200, sts_reply("AssumeRoleWithWebIdentity"));
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 1);
    const http::request& r = t.sent[0];
    CHECK(r.method == "POST");
    CHECK(r.url_string() == "https://sts.eu-west-1.amazonaws.com/");
    CHECK(*r.headers.find("Content-Type") == "application/x-www-form-urlencoded");
    CHECK_FALSE(r.headers.contains("Authorization"));
    CHECK(r.body == std::string("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb%20role"
                                "&RoleSessionName=my-session&WebIdentityToken=JWT.") +
                        bearer);
    const credentials& c = p.outcome().value;
    CHECK(c.access_key_id == "ASIASTS");
    CHECK(c.secret_access_key.reveal() == secret_key);
    CHECK(c.session_token.reveal() == session_token);
    CHECK(c.account_id == "123456789012");
    CHECK(c.expiration == at(1893456000));
    CHECK(c.provider == "web-identity");
    check_no_secrets(p.outcome());
    std::ostringstream s;
    s << r;
    CHECK(s.str().find(bearer) == std::string::npos); // the body (with the JWT) is never printed
}

TEST_CASE("web identity: default session name, missing token file, STS errors typed, retries", "[sts][web-identity]") {
    time_point now = at(1700000000);
    SECTION("default session name from the time") {
        auto o = wi_options();
        o.role_session_name.clear();
        web_identity_provider p(o);
        io_transport t;
        t.respond(200, sts_reply("AssumeRoleWithWebIdentity"));
        REQUIRE(drive(p, t, now).kind == action_kind::done);
        CHECK(t.sent[0].body.find("RoleSessionName=appconfigdata-1700000000") != std::string::npos);
    }
    SECTION("missing token file: no request") {
        auto o = wi_options();
        test_files() = files({});
        web_identity_provider p(o);
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::io_failed);
        CHECK(t.sent.empty());
    }
    SECTION("InvalidIdentityToken is not retried and keeps the STS code, message and request id") {
        web_identity_provider p(wi_options());
        io_transport t;
        t.respond(400, sts_error("InvalidIdentityToken", "No OpenIDConnect provider found in your account"));
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(t.sent.size() == 1);
        CHECK(p.outcome().error == errc::service_error);
        CHECK(p.outcome().diag.error_type == "InvalidIdentityToken");
        CHECK(p.outcome().diag.message == "No OpenIDConnect provider found in your account");
        CHECK(p.outcome().diag.request_id == "req-err");
        CHECK(p.outcome().diag.http_status == 400);
    }
    SECTION("AccessDenied and ExpiredToken map to errc values") {
        for (auto pair : {std::make_pair("AccessDenied", errc::access_denied), std::make_pair("ExpiredTokenException", errc::expired_token)}) {
            web_identity_provider p(wi_options());
            io_transport t;
            t.respond(403, sts_error(pair.first, "no"));
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().error == pair.second);
        }
    }
    SECTION("IDPCommunicationError and 503 are retried") {
        web_identity_provider p(wi_options());
        io_transport t;
        t.respond(400, sts_error("IDPCommunicationError", "later")).respond(503, "").respond(200, sts_reply("AssumeRoleWithWebIdentity"));
        CHECK(drive(p, t, now).kind == action_kind::done);
        CHECK(t.sent.size() == 3);
    }
    SECTION("malformed success replies") {
        for (const std::string& body : {std::string("<x"), std::string("<AssumeRoleWithWebIdentityResponse/>"),
                                       std::string("<!DOCTYPE x><x/>")}) {
            web_identity_provider p(wi_options());
            io_transport t;
            t.respond(200, body);
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().error == errc::malformed_response);
        }
    }
}

TEST_CASE("web identity: from the environment", "[sts][web-identity]") {
    std::string why;
    CHECK_FALSE(web_identity_options::from_environment(environment_from_map(std::map<std::string, std::string>{}), why));
    CHECK(why.find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos);
    CHECK_FALSE(web_identity_options::from_environment(
        environment_from_map(std::map<std::string, std::string>{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}}), why));
    CHECK(why.find("AWS_ROLE_ARN") != std::string::npos);
    auto o = web_identity_options::from_environment(
        environment_from_map(std::map<std::string, std::string>{
            {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}, {"AWS_ROLE_ARN", "arn:aws:iam::1:role/x"}, {"AWS_ROLE_SESSION_NAME", "s"}}),
        why);
    REQUIRE(o);
    CHECK(o->web_identity_token_file == "/t");
    CHECK(o->role_session_name == "s");
}

TEST_CASE("web identity: transport fails at each step", "[sts][sweep]") {
    transport_failure_sweep(
        1, [] { return std::make_unique<web_identity_provider>(wi_options()); },
        [](int) { return response(200, sts_reply("AssumeRoleWithWebIdentity")); },
        [](int, const provider_result& r) {
            CHECK(r.status == provider_status::failed);
            CHECK(r.error == errc::timeout);
        });
}

// ---------------------------------------------------------------- assume role

TEST_CASE("assume role: asks for source credentials, then signs and sends", "[sts][assume-role]") {
    assume_role_provider p(ar_options());
    time_point now = at(1700000000);
    CHECK(p.next(now).kind == action_kind::need_credentials);
    p.set_credentials(source_credentials(), now);
    io_transport t;
    t.respond(200, sts_reply("AssumeRole", "arn:aws:sts::210987654321:assumed-role/RoleA/sess"));
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 1);
    const http::request& r = t.sent[0];
    CHECK(r.url_string() == "https://sts.us-west-2.amazonaws.com/");
    CHECK(r.body == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FRoleA&RoleSessionName=sess"
                    "&ExternalId=ext-1&DurationSeconds=900");
    REQUIRE(r.headers.find("Authorization"));
    sigv4::authorization_parts parts;
    REQUIRE_FALSE(sigv4::parse_authorization(*r.headers.find("Authorization"), parts));
    CHECK(parts.access_key_id == "AKIASOURCE");
    CHECK(parts.region == "us-west-2");
    CHECK(parts.service == "sts");
    CHECK(*r.headers.find("X-Amz-Security-Token") == std::string(session_token) + "-source");
    CHECK(*r.headers.find("X-Amz-Date") == "20231114T221320Z");
    CHECK(p.outcome().value.account_id == "210987654321");
    CHECK(p.outcome().value.provider == "assume-role");
    check_no_secrets(p.outcome());
}

TEST_CASE("assume role: each retry is signed again; errors typed; no signer is an error", "[sts][assume-role]") {
    time_point now = at(1700000000);
    SECTION("retry re-signs with the new time") {
        assume_role_provider p(ar_options());
        p.next(now);
        p.set_credentials(source_credentials(), now);
        io_transport t;
        t.respond(500, "").respond(200, sts_reply("AssumeRole"));
        REQUIRE(drive(p, t, now).kind == action_kind::done);
        REQUIRE(t.sent.size() == 2);
        CHECK(t.sent[0].headers.count("Authorization") == 1);
        CHECK(t.sent[1].headers.count("Authorization") == 1);
        CHECK(t.sent[1].headers.count("X-Amz-Date") == 1);
    }
    SECTION("AccessDenied") {
        assume_role_provider p(ar_options());
        p.next(now);
        p.set_credentials(source_credentials(), now);
        io_transport t;
        t.respond(403, sts_error("AccessDenied", "not authorized to perform sts:AssumeRole"));
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::access_denied);
        CHECK(p.outcome().diag.error_type == "AccessDenied");
        check_no_secrets(p.outcome());
    }
    SECTION("no signer") {
        auto o = ar_options();
        o.sign = nullptr;
        assume_role_provider p(o);
        p.next(now);
        p.set_credentials(source_credentials(), now);
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_argument);
    }
    SECTION("empty source credentials") {
        assume_role_provider p(ar_options());
        p.next(now);
        p.set_credentials(credentials{}, now);
        CHECK(p.next(now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_credentials);
    }
    SECTION("restart asks for source credentials again") {
        assume_role_provider p(ar_options());
        p.next(now);
        p.set_credentials(source_credentials(), now);
        io_transport t;
        t.respond(200, sts_reply("AssumeRole"));
        REQUIRE(drive(p, t, now).kind == action_kind::done);
        p.restart();
        CHECK(p.next(now).kind == action_kind::need_credentials);
    }
}

TEST_CASE("assume role: transport fails at each step", "[sts][sweep]") {
    transport_failure_sweep(
        1,
        [] {
            auto p = std::make_unique<assume_role_provider>(ar_options());
            p->next(at(1700000000));
            p->set_credentials(source_credentials(), at(1700000000));
            return p;
        },
        [](int) { return response(200, sts_reply("AssumeRole")); },
        [](int, const provider_result& r) {
            CHECK(r.status == provider_status::failed);
            CHECK(r.error == errc::timeout);
        });
}

// ---------------------------------------------------------------- SSO

namespace {

const char* sso_cache_path = "/home/u/.aws/sso/cache/abc.json";

std::string sso_token_json(const char* expires = "2030-01-01T00:00:00Z") {
    return std::string("{\"accessToken\":\"") + bearer + "\",\"expiresAt\":\"" + expires + "\",\"startUrl\":\"https://x.awsapps.com/start\"}";
}

sso_options sso_opts(std::string cache = sso_token_json()) {
    sso_options o;
    o.sso_region = "eu-west-1";
    o.sso_start_url = "https://x.awsapps.com/start";
    o.sso_account_id = "123456789012";
    o.sso_role_name = "Dev Role";
    o.token_cache_file = sso_cache_path;
    test_files() = files({{sso_cache_path, std::move(cache)}});
    return o;
}

std::string sso_reply() {
    return std::string("{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":\"") + secret_key + "\",\"sessionToken\":\"" +
           session_token + "\",\"expiration\":1893456000000}}";
}

} // namespace

TEST_CASE("sso: cached token, GetRoleCredentials, expiration in milliseconds", "[sso]") {
    sso_provider p(sso_opts());
    io_transport t;
    t.respond(200, sso_reply());
    time_point now = at(1700000000);
    REQUIRE(drive(p, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 1);
    const http::request& r = t.sent[0];
    CHECK(r.method == "GET");
    CHECK(r.url_string() == "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=123456789012&role_name=Dev%20Role");
    CHECK(*r.headers.find("x-amz-sso_bearer_token") == bearer);
    const credentials& c = p.outcome().value;
    CHECK(c.access_key_id == "ASIASSO");
    CHECK(c.account_id == "123456789012");
    CHECK(c.expiration == at(1893456000));
    check_no_secrets(p.outcome());
}

TEST_CASE("sso: failures tell the user to run aws sso login", "[sso]") {
    time_point now = at(1700000000);
    SECTION("expired cached token: no request") {
        sso_provider p(sso_opts(sso_token_json("2020-01-01T00:00:00Z")));
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::expired_token);
        CHECK(p.outcome().diag.message.find("aws sso login") != std::string::npos);
        CHECK(t.sent.empty());
        check_no_secrets(p.outcome());
    }
    SECTION("missing cache file names the path") {
        auto o = sso_opts();
        test_files() = files({});
        sso_provider p(o);
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::io_failed);
        CHECK(p.outcome().diag.message.find(sso_cache_path) != std::string::npos);
        CHECK(p.outcome().diag.message.find("aws sso login") != std::string::npos);
    }
    SECTION("sso-session hint") {
        auto o = sso_opts(sso_token_json("2020-01-01T00:00:00Z"));
        o.sso_session = "my-sso";
        sso_provider p(o);
        io_transport t;
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().diag.message.find("aws sso login --sso-session my-sso") != std::string::npos);
    }
    SECTION("bad cache documents") {
        for (const std::string& doc : {std::string("nope"), std::string("{}"), std::string("{\"accessToken\":\"x\",\"expiresAt\":\"soon\"}")}) {
            sso_provider p(sso_opts(doc));
            io_transport t;
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().error == errc::malformed_document);
        }
    }
    SECTION("401 from the portal") {
        sso_provider p(sso_opts());
        io_transport t;
        t.respond(401, R"({"message":"Session token not found or invalid"})", http::headers{{"x-amzn-errortype", "UnauthorizedException:http://x"}});
        CHECK(drive(p, t, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::expired_token);
        CHECK(p.outcome().diag.error_type == "UnauthorizedException");
        CHECK(p.outcome().diag.message.find("aws sso login") != std::string::npos);
        check_no_secrets(p.outcome());
    }
    SECTION("503 retried, then success") {
        sso_provider p(sso_opts());
        io_transport t;
        t.respond(503).respond(200, sso_reply());
        CHECK(drive(p, t, now).kind == action_kind::done);
        CHECK(t.sent.size() == 2);
    }
    SECTION("malformed replies") {
        for (const std::string& body : {std::string("{}"), std::string("{\"roleCredentials\":{}}"),
                                       std::string("{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"expiration\":\"x\"}}")}) {
            sso_provider p(sso_opts());
            io_transport t;
            t.respond(200, body);
            CHECK(drive(p, t, now).kind == action_kind::failed);
            CHECK(p.outcome().error == errc::malformed_response);
        }
    }
}

TEST_CASE("sso: FIPS and dual-stack portal endpoints", "[sso]") {
    auto o = sso_opts();
    o.sso_region = "us-east-2";
    o.use_fips = true;
    o.use_dual_stack = true;
    http::url u;
    std::string why;
    REQUIRE_FALSE(resolve_sso_portal_endpoint(o, u, why));
    CHECK(u.host == "portal.sso-fips.us-east-2.api.aws");
}

TEST_CASE("sso: transport fails at each step", "[sso][sweep]") {
    transport_failure_sweep(
        1, [] { return std::make_unique<sso_provider>(sso_opts()); }, [](int) { return response(200, sso_reply()); },
        [](int, const provider_result& r) {
            CHECK(r.status == provider_status::failed);
            CHECK(r.error == errc::timeout);
        });
}

TEST_CASE("sha1: FIPS 180 examples and block boundaries", "[sso]") {
    // FIPS 180-2 appendix A examples (published digests).
    CHECK(detail::sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(detail::sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(detail::sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(detail::sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    // Fed in pieces gives the same digest as in one piece, at every split of a two-block message.
    const std::string text(119, 'x');
    const std::string whole = detail::sha1_hex(text);
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        detail::sha1 h;
        h.update(std::string_view(text).substr(0, cut));
        h.update(std::string_view(text).substr(cut));
        const auto d = h.finish();
        std::string hex;
        detail::append_hex(hex, d.data(), d.size());
        CHECK(hex == whole);
    }
}

TEST_CASE("sso cache path: SHA-1 file names", "[sso]") {
    // Published in the conformance README: SHA-1("https://ssotest.awsapps.com/start") and SHA-1("dev").
    CHECK(detail::sha1_hex("https://ssotest.awsapps.com/start") == "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12");
    CHECK(detail::sha1_hex("dev").rfind("34c6fcec", 0) == 0);
    const auto env = environment_from_map(std::map<std::string, std::string>{{"HOME", "/home/u"}});
    CHECK(sso_token_cache_path("dev", env, os_platform::posix).rfind("/home/u/.aws/sso/cache/34c6fcec", 0) == 0);
    CHECK(sso_cache_locator(environment_from_map(std::map<std::string, std::string>{}), os_platform::posix)("dev").empty());
}
