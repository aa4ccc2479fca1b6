#include <appconfigdata/protocol/protocol.hpp>

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <sstream>
#include <string>

using namespace appconfigdata;
using namespace appconfigdata::protocol;

namespace {

start_configuration_session_input sample_input() {
    start_configuration_session_input in;
    in.application_identifier = "my app";
    in.environment_identifier = "prod";
    in.configuration_profile_identifier = "flags \"quoted\"";
    return in;
}

http::response ok_poll(std::string token, std::string interval, std::string body = "") {
    http::response r;
    r.status = 200;
    r.headers.add("Next-Poll-Configuration-Token", token);
    r.headers.add("Next-Poll-Interval-In-Seconds", interval);
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Version-Label", "v1");
    r.headers.add("x-amzn-RequestId", "req-1");
    r.body = std::move(body);
    return r;
}

} // namespace

TEST_CASE("validation follows the service model") {
    CHECK_FALSE(validate_identifier("a"));
    CHECK_FALSE(validate_identifier(std::string(128, 'x')));
    CHECK(validate_identifier("") == errc::invalid_identifier);
    CHECK(validate_identifier(std::string(129, 'x')) == errc::invalid_identifier);
    CHECK(validate_identifier(std::string("a\nb")) == errc::invalid_identifier);
    CHECK_FALSE(validate_poll_interval(15));
    CHECK_FALSE(validate_poll_interval(86400));
    CHECK(validate_poll_interval(14) == errc::invalid_poll_interval);
    CHECK(validate_poll_interval(86401) == errc::invalid_poll_interval);
    CHECK(validate_poll_interval(-1) == errc::invalid_poll_interval);
    CHECK_FALSE(validate_token("AYADe+ab/cd=="));
    CHECK_FALSE(validate_token(std::string(8192, 't')));
    CHECK(validate_token("") == errc::invalid_token);
    CHECK(validate_token(std::string(8193, 't')) == errc::invalid_token);
    CHECK(validate_token("ab cd") == errc::invalid_token);
    CHECK(validate_token("ab\tcd") == errc::invalid_token);
    CHECK(validate_token("abcd\n") == errc::invalid_token);
}

TEST_CASE("StartConfigurationSession request: POST, JSON body, content type") {
    http::request req;
    auto in = sample_input();
    in.required_minimum_poll_interval_in_seconds = 60;
    REQUIRE_FALSE(build_start_configuration_session("https://appconfigdata.us-east-1.amazonaws.com", in, req));
    CHECK(req.method == "POST");
    CHECK(req.scheme == "https");
    CHECK(req.host == "appconfigdata.us-east-1.amazonaws.com");
    CHECK(req.path == "/configurationsessions");
    CHECK(req.query.empty());
    REQUIRE(req.headers.find("content-type"));
    CHECK(*req.headers.find("content-type") == "application/json");
    const auto doc = boost::json::parse(req.body).as_object();
    CHECK(doc.at("ApplicationIdentifier").as_string() == "my app");
    CHECK(doc.at("EnvironmentIdentifier").as_string() == "prod");
    CHECK(doc.at("ConfigurationProfileIdentifier").as_string() == "flags \"quoted\"");
    CHECK(doc.at("RequiredMinimumPollIntervalInSeconds").as_int64() == 60);

    SECTION("optional interval omitted, not null") {
        REQUIRE_FALSE(build_start_configuration_session("https://h.example", sample_input(), req));
        CHECK(boost::json::parse(req.body).as_object().if_contains("RequiredMinimumPollIntervalInSeconds") == nullptr);
    }
    SECTION("base path and port") {
        REQUIRE_FALSE(build_start_configuration_session("http://127.0.0.1:8080/base/", sample_input(), req));
        CHECK(req.scheme == "http");
        CHECK(req.host == "127.0.0.1:8080");
        CHECK(req.path == "/base/configurationsessions");
    }
    SECTION("invalid inputs are typed and leave the request alone") {
        const auto before = req;
        auto bad = sample_input();
        bad.application_identifier = "";
        CHECK(build_start_configuration_session("https://h", bad, req) == errc::invalid_identifier);
        bad = sample_input();
        bad.environment_identifier = std::string(129, 'e');
        CHECK(build_start_configuration_session("https://h", bad, req) == errc::invalid_identifier);
        bad = sample_input();
        bad.configuration_profile_identifier = "";
        CHECK(build_start_configuration_session("https://h", bad, req) == errc::invalid_identifier);
        bad = sample_input();
        bad.required_minimum_poll_interval_in_seconds = 5;
        CHECK(build_start_configuration_session("https://h", bad, req) == errc::invalid_poll_interval);
        CHECK(build_start_configuration_session("ftp://h", sample_input(), req) == errc::invalid_url);
        CHECK(build_start_configuration_session("https://h/?x=1", sample_input(), req) == errc::invalid_url);
        CHECK(req == before);
    }
}

TEST_CASE("GetLatestConfiguration request percent-encodes + / =") {
    http::request req;
    REQUIRE_FALSE(build_get_latest_configuration("https://appconfigdata.us-west-2.amazonaws.com", "AYADe+ab/cd==", req));
    CHECK(req.method == "GET");
    CHECK(req.path == "/configuration");
    CHECK(req.query == "configuration_token=AYADe%2Bab%2Fcd%3D%3D");
    CHECK(req.body.empty());
    CHECK_FALSE(req.headers.contains("content-type"));
    CHECK(build_get_latest_configuration("https://h", "", req) == errc::invalid_token);
    CHECK(build_get_latest_configuration("https://h", "a b", req) == errc::invalid_token);
    CHECK(build_get_latest_configuration("https://h", std::string(8193, 'x'), req) == errc::invalid_token);
}

TEST_CASE("building the GET again reuses the request and drops stale headers") {
    http::request req;
    REQUIRE_FALSE(build_start_configuration_session("https://h", sample_input(), req));
    req.headers.set("Authorization", "AWS4-HMAC-SHA256 old");
    req.headers.set("amz-sdk-request", "attempt=1");
    http::url ep;
    REQUIRE_FALSE(parse_endpoint("https://h", ep));
    REQUIRE_FALSE(build_get_latest_configuration(ep, "tok1", req));
    CHECK_FALSE(req.headers.contains("content-type"));
    CHECK_FALSE(req.headers.contains("amz-sdk-request"));
    CHECK(req.headers.contains("authorization")); // kept for the signer to overwrite in place
    CHECK(req.body.empty());
    const auto cap = req.query.capacity();
    REQUIRE_FALSE(build_get_latest_configuration(ep, "tok2", req));
    CHECK(req.query == "configuration_token=tok2");
    CHECK(req.query.capacity() == cap);
}

TEST_CASE("StartConfigurationSession response") {
    http::response r;
    r.status = 201;
    r.headers.add("x-amzn-RequestId", "rid");
    r.body = R"({"InitialConfigurationToken":"AYADe+ab/cd=="})";
    start_configuration_session_output out;
    service_error err;
    REQUIRE_FALSE(parse_start_configuration_session(r, out, err));
    CHECK(out.initial_configuration_token == "AYADe+ab/cd==");
    CHECK(out.request_id == "rid");
    CHECK_FALSE(err.code);
    std::ostringstream os;
    os << out;
    CHECK(os.str().find("AYADe") == std::string::npos);

    SECTION("any 2xx is accepted") {
        r.status = 200;
        CHECK_FALSE(parse_start_configuration_session(r, out, err));
    }
    SECTION("bad bodies are malformed_response") {
        for (const char* body : {"", "not json", "[]", "{}", R"({"InitialConfigurationToken":5})", R"({"InitialConfigurationToken":""})",
                                 R"({"InitialConfigurationToken":"a b"})"}) {
            r.body = body;
            CHECK(parse_start_configuration_session(r, out, err) == errc::malformed_response);
            CHECK(err.code == errc::malformed_response);
            CHECK(err.diag.http_status == 201);
            CHECK_FALSE(err.diag.message.empty());
            CHECK(out.initial_configuration_token.empty());
        }
    }
    SECTION("limits") {
        limits lim;
        lim.max_response_body = 10;
        CHECK(parse_start_configuration_session(r, out, err, lim) == errc::response_too_large);
        lim = limits{};
        lim.max_token_length = 4;
        CHECK(parse_start_configuration_session(r, out, err, lim) == errc::malformed_response);
    }
    SECTION("errors are typed") {
        r.status = 404;
        r.body = R"({"__type":"ResourceNotFoundException","Message":"Application not found","ResourceType":"Application","ReferencedBy":{"ApplicationIdentifier":"nope"}})";
        CHECK(parse_start_configuration_session(r, out, err) == errc::resource_not_found);
        CHECK(err.diag.error_type == "ResourceNotFoundException");
        CHECK(err.diag.message == "Application not found");
        CHECK(err.diag.http_status == 404);
        CHECK(err.resource_type == "Application");
        REQUIRE(err.referenced_by.size() == 1);
        CHECK(err.referenced_by[0].first == "ApplicationIdentifier");
        CHECK(err.referenced_by[0].second == "nope");
    }
}

TEST_CASE("GetLatestConfiguration response") {
    get_latest_configuration_output out;
    service_error err;
    auto r = ok_poll("next+/=", "30", "{\"a\":1}");
    REQUIRE_FALSE(parse_get_latest_configuration(r, out, err));
    CHECK(out.next_poll_configuration_token == "next+/=");
    CHECK(out.next_poll_interval_in_seconds == 30);
    CHECK(out.content_type == "application/json");
    CHECK(out.version_label == "v1");
    CHECK(out.configuration == "{\"a\":1}");
    CHECK(out.request_id == "req-1");
    CHECK_FALSE(out.unchanged());
    std::ostringstream os;
    os << out;
    CHECK(os.str().find("\"a\"") == std::string::npos);

    SECTION("empty body is unchanged") {
        r.body.clear();
        REQUIRE_FALSE(parse_get_latest_configuration(r, out, err));
        CHECK(out.unchanged());
    }
    SECTION("header names in any case") {
        http::response l;
        l.status = 200;
        l.headers.add("next-poll-configuration-token", "t");
        l.headers.add("next-poll-interval-in-seconds", " 15 ");
        REQUIRE_FALSE(parse_get_latest_configuration(l, out, err));
        CHECK(out.next_poll_interval_in_seconds == 15);
        CHECK(out.content_type.empty());
        CHECK(out.version_label.empty());
    }
    SECTION("missing headers") {
        auto m = r;
        m.headers.erase("Next-Poll-Configuration-Token");
        CHECK(parse_get_latest_configuration(m, out, err) == errc::missing_header);
        CHECK(err.diag.message.find("Next-Poll-Configuration-Token") != std::string::npos);
        CHECK(err.diag.request_id == "req-1");
        m = r;
        m.headers.erase("Next-Poll-Interval-In-Seconds");
        CHECK(parse_get_latest_configuration(m, out, err) == errc::missing_header);
    }
    SECTION("malformed headers") {
        for (const char* v : {"", "abc", "-5", "1.5", "99999999999999"}) {
            auto m = r;
            m.headers.set("Next-Poll-Interval-In-Seconds", v);
            CHECK(parse_get_latest_configuration(m, out, err) == errc::malformed_response);
        }
        auto m = r;
        m.headers.set("Next-Poll-Configuration-Token", "a b");
        CHECK(parse_get_latest_configuration(m, out, err) == errc::malformed_response);
        m.headers.set("Next-Poll-Configuration-Token", "");
        CHECK(parse_get_latest_configuration(m, out, err) == errc::malformed_response);
        m.headers.set("Next-Poll-Configuration-Token", std::string(8193, 'x'));
        CHECK(parse_get_latest_configuration(m, out, err) == errc::malformed_response);
    }
    SECTION("limits") {
        limits lim;
        lim.max_configuration = 3;
        CHECK(parse_get_latest_configuration(r, out, err, lim) == errc::response_too_large);
        lim = limits{};
        lim.max_header_count = 2;
        CHECK(parse_get_latest_configuration(r, out, err, lim) == errc::response_too_large);
        lim = limits{};
        lim.max_header_bytes = 10;
        CHECK(parse_get_latest_configuration(r, out, err, lim) == errc::response_too_large);
    }
    SECTION("an error after a success clears the output") {
        http::response e;
        e.status = 429;
        e.body = R"({"message":"slow down"})";
        e.headers.add("X-Amzn-ErrorType", "ThrottlingException");
        CHECK(parse_get_latest_configuration(e, out, err) == errc::throttling);
        CHECK(out.next_poll_configuration_token.empty());
        CHECK(err.diag.message == "slow down");
        REQUIRE_FALSE(parse_get_latest_configuration(r, out, err));
        CHECK_FALSE(err.code);
        CHECK(err.diag.empty());
    }
}
