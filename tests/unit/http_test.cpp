#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/http/url.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace appconfigdata;

TEST_CASE("headers: case-insensitive lookup, duplicates kept in order") {
    http::headers h;
    h.add("X-Amz-Date", "1");
    h.add("My-Header", "a");
    h.add("my-header", "b");
    CHECK(*h.find("x-amz-date") == "1");
    CHECK(h.count("MY-HEADER") == 2);
    CHECK(h.values("my-header") == std::vector<std::string>{"a", "b"});
    h.set("My-Header", "c");
    CHECK(h.values("my-header") == std::vector<std::string>{"c"});
    CHECK(h.erase("x-amz-date") == 1);
    CHECK(h.find("x-amz-date") == nullptr);
    CHECK(h.size() == 1);
}

TEST_CASE("headers print with secrets redacted") {
    http::headers h;
    h.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/..., Signature=deadbeef");
    h.add("X-Amz-Security-Token", "TOKEN");
    h.add("Host", "example.com");
    std::ostringstream os;
    os << h;
    CHECK(os.str().find("deadbeef") == std::string::npos);
    CHECK(os.str().find("TOKEN") == std::string::npos);
    CHECK(os.str().find("Host: example.com") != std::string::npos);
}

TEST_CASE("responses print without their body") {
    http::response r;
    r.status = 200;
    r.body = "{\"secret-config\":1}";
    std::ostringstream os;
    os << r;
    CHECK(os.str().find("secret-config") == std::string::npos);
    CHECK(os.str().find("19 bytes") != std::string::npos);
}

TEST_CASE("percent-encoding follows SigV4: unreserved set only, upper-case hex") {
    CHECK(http::percent_encode("AYADe+ab/cd==") == "AYADe%2Bab%2Fcd%3D%3D");
    CHECK(http::percent_encode("a b~c-d_e.f") == "a%20b~c-d_e.f");
    CHECK(http::percent_encode("/a b/c", http::encode_slash::no) == "/a%20b/c");
    CHECK(http::percent_encode("\xe1\x88\xb4") == "%E1%88%B4");
    CHECK(http::percent_decode("AYADe%2Bab%2fcd%3D%3D") == "AYADe+ab/cd==");
    CHECK(http::percent_decode("a+b") == "a+b");
    CHECK(http::percent_decode("100%") == "100%");
    CHECK(http::percent_decode("%zz%4") == "%zz%4");
}

TEST_CASE("time formats round-trip") {
    time_point t;
    REQUIRE_FALSE(http::parse_amz_date("20150830T123600Z", t));
    CHECK(http::format_amz_date(t) == "20150830T123600Z");
    CHECK(http::format_date_stamp(t) == "20150830");
    CHECK(http::format_iso8601(t) == "2015-08-30T12:36:00Z");
    CHECK(http::format_http_date(t) == "Sun, 30 Aug 2015 12:36:00 GMT");
    time_point u;
    REQUIRE_FALSE(http::parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT", u));
    CHECK(u == t);
    REQUIRE_FALSE(http::parse_iso8601("2015-08-30T12:36:00Z", u));
    CHECK(u == t);
    REQUIRE_FALSE(http::parse_iso8601("2015-08-30T14:36:00+02:00", u));
    CHECK(u == t);
    REQUIRE_FALSE(http::parse_iso8601("2015-08-30T12:36:00.500Z", u));
    CHECK(u - t == std::chrono::milliseconds(500));
    CHECK(http::format_amz_date(time_point{}) == "19700101T000000Z");
    CHECK(http::format_http_date(time_point{}) == "Thu, 01 Jan 1970 00:00:00 GMT");
    REQUIRE_FALSE(http::parse_amz_date("20240229T235959Z", u));
    CHECK(http::format_iso8601(u) == "2024-02-29T23:59:59Z");
}

TEST_CASE("bad time text is a typed error") {
    time_point t;
    CHECK(http::parse_amz_date("20150830T123600", t) == errc::invalid_time);
    CHECK(http::parse_amz_date("20150230T123600Z", t) == errc::invalid_time);
    CHECK(http::parse_amz_date("2015083OT123600Z", t) == errc::invalid_time);
    CHECK(http::parse_iso8601("2015-08-30", t) == errc::invalid_time);
    CHECK(http::parse_iso8601("2015-08-30T25:00:00Z", t) == errc::invalid_time);
    CHECK(http::parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT", t) == errc::invalid_time);
}

TEST_CASE("URLs split into scheme, host, port, path and raw query") {
    http::url u;
    REQUIRE_FALSE(http::parse_url("https://AppConfigData.us-east-1.amazonaws.com/configuration?configuration_token=a%2Bb", u));
    CHECK(u.scheme == "https");
    CHECK(u.host == "appconfigdata.us-east-1.amazonaws.com");
    CHECK(u.port == 0);
    CHECK(u.path == "/configuration");
    CHECK(u.query == "configuration_token=a%2Bb");
    REQUIRE_FALSE(http::parse_url("http://127.0.0.1:8080", u));
    CHECK(u.authority() == "127.0.0.1:8080");
    CHECK(u.path == "/");
    REQUIRE_FALSE(http::parse_url("http://[::1]:2772/x", u));
    CHECK(u.host == "[::1]");
    CHECK(u.port == 2772);
    REQUIRE_FALSE(http::parse_url("https://example.com:443/", u));
    CHECK(u.authority() == "example.com");
    CHECK(http::parse_url("ftp://x", u) == errc::invalid_url);
    CHECK(http::parse_url("https://", u) == errc::invalid_url);
    CHECK(http::parse_url("https://user@host/", u) == errc::invalid_url);
    CHECK(http::parse_url("https://host:0/", u) == errc::invalid_url);
    CHECK(http::parse_url("https://host:99999/", u) == errc::invalid_url);
    CHECK(http::parse_url("https://host/a b", u) == errc::invalid_url);
    CHECK(http::parse_url("https://host/#frag", u) == errc::invalid_url);
    CHECK(http::parse_url("example.com", u) == errc::invalid_url);
}

TEST_CASE("http: add_framing_headers makes a request sendable verbatim", "[http]") {
    http::request r;
    r.method = "POST";
    r.host = "appconfigdata.us-east-1.amazonaws.com";
    r.body = R"({"a":1})";
    CHECK(http::framing_problem(r) == std::optional<std::string>("no Host header"));
    http::add_framing_headers(r);
    CHECK_FALSE(http::framing_problem(r));
    CHECK(*r.headers.find("Host") == r.host);
    CHECK(*r.headers.find("Content-Length") == "7");
    // Idempotent: a second call neither repeats nor changes anything.
    const auto before = r.headers;
    http::add_framing_headers(r);
    CHECK(r.headers == before);
    // A body that changed afterwards is caught.
    r.body += "x";
    CHECK(http::framing_problem(r) == std::optional<std::string>("Content-Length 7 for a 8-byte body"));
    http::add_framing_headers(r);
    CHECK(*r.headers.find("content-length") == "8");

    http::request get;
    get.host = "example.com:8443";
    http::add_framing_headers(get);
    CHECK_FALSE(get.headers.contains("content-length")); // a GET without a body carries no length
    CHECK(*get.headers.find("host") == "example.com:8443");
    http::request put;
    put.method = "PUT";
    put.host = "169.254.169.254";
    http::add_framing_headers(put);
    CHECK(*put.headers.find("content-length") == "0"); // a PUT says its empty body is empty
    http::request wrong_host;
    wrong_host.host = "a.example";
    wrong_host.headers.add("Host", "b.example");
    CHECK(http::framing_problem(wrong_host).value_or("").find("is not the request's host") != std::string::npos);
}
