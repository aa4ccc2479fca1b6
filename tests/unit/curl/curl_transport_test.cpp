#include "loopback_server.hpp"

#include <appconfigdata/adapters/curl_transport.hpp>
#include <appconfigdata/http/transport.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>
#include <string>

using namespace appconfigdata;
using test_support::loopback_server;

namespace {

std::string reply(const std::string& status_line, const std::string& headers, const std::string& body) {
    return status_line + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

http::request request_to(const loopback_server& server, const std::string& method, const std::string& target) {
    http::request r;
    REQUIRE_FALSE(r.set_url(server.base_url() + target));
    r.method = method;
    return r;
}

bool has_line(const std::string& raw, const std::string& line) { return raw.find("\r\n" + line + "\r\n") != std::string::npos; }

adapters::curl_options fast() {
    adapters::curl_options o;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.request_timeout = std::chrono::milliseconds(5000);
    return o;
}

} // namespace

TEST_CASE("method, path, query, headers and body round-trip", "[curl]") {
    const std::string response_body = std::string("{\"a\":1}\0binary\xff", 15);
    loopback_server server([&](const std::string&) {
        return reply("HTTP/1.1 201 Created",
                     "Content-Type: application/json\r\nX-Dup: one\r\nx-dup: two\r\nNext-Poll-Configuration-Token: a+b/c==\r\n"
                     "X-Spaces:   padded value  \r\nX-Empty:\r\n",
                     response_body);
    });
    adapters::curl_transport transport(fast());
    http::transport send = transport; // usable as the library's transport type

    http::request req = request_to(server, "POST", "/configurationsessions?configuration_token=a%2Bb%2F%3D&x=1");
    req.headers.add("Content-Type", "application/json");
    req.headers.add("X-Amz-Date", "20251126T080000Z");
    req.headers.add("X-Repeat", "first");
    req.headers.add("X-Repeat", "second");
    req.headers.add("X-Empty-Request", "");
    req.body = "{\"ApplicationIdentifier\":\"app\"}";

    http::response res;
    res.body = "stale";
    REQUIRE_FALSE(send(req, res));
    CHECK(transport.last_error().empty());
    CHECK(res.status == 201);
    CHECK(res.body == response_body);
    REQUIRE(res.headers.size() >= 6);
    CHECK(res.headers.values("x-dup") == std::vector<std::string>{"one", "two"});
    CHECK(*res.headers.find("Next-Poll-Configuration-Token") == "a+b/c==");
    CHECK(*res.headers.find("x-spaces") == "padded value");
    CHECK(*res.headers.find("x-empty") == "");
    // Names keep their case and order.
    CHECK(res.headers.fields()[0].name == "Content-Type");
    CHECK(res.headers.fields()[1] == http::header_field{"X-Dup", "one"});
    CHECK(res.headers.fields()[2] == http::header_field{"x-dup", "two"});

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const std::string& raw = requests[0];
    CHECK(raw.rfind("POST /configurationsessions?configuration_token=a%2Bb%2F%3D&x=1 HTTP/1.1\r\n", 0) == 0);
    CHECK(has_line(raw, "Host: 127.0.0.1:" + std::to_string(server.port())));
    CHECK(has_line(raw, "Content-Type: application/json"));
    CHECK(has_line(raw, "X-Amz-Date: 20251126T080000Z"));
    CHECK(has_line(raw, "X-Repeat: first"));
    CHECK(has_line(raw, "X-Repeat: second"));
    CHECK(raw.find("X-Repeat: first") < raw.find("X-Repeat: second"));
    CHECK(has_line(raw, "X-Empty-Request:"));
    CHECK(has_line(raw, "Content-Length: " + std::to_string(req.body.size())));
    CHECK(raw.find("Expect:") == std::string::npos);
    CHECK(raw.find("Accept:") == std::string::npos);
    CHECK(raw.size() >= req.body.size());
    CHECK(raw.substr(raw.size() - req.body.size()) == req.body);
}

TEST_CASE("GET without body; HTTP error statuses are responses; keep-alive reuses the connection", "[curl]") {
    int n = 0;
    loopback_server server([&](const std::string& raw) {
        ++n;
        if (raw.rfind("GET /configuration?", 0) == 0 && n == 1) return reply("HTTP/1.1 200 OK", "Version-Label: v1\r\n", "");
        return reply("HTTP/1.1 500 Internal Server Error", "X-Amzn-ErrorType: InternalServerException\r\n", "{\"Message\":\"boom\"}");
    });
    adapters::curl_transport transport(fast());
    http::response res;
    REQUIRE_FALSE(transport(request_to(server, "GET", "/configuration?configuration_token=t1"), res));
    CHECK(res.status == 200);
    CHECK(res.body.empty());
    CHECK(*res.headers.find("version-label") == "v1");

    REQUIRE_FALSE(transport(request_to(server, "GET", "/configuration?configuration_token=t2"), res));
    CHECK(res.status == 500);
    CHECK(res.body == "{\"Message\":\"boom\"}");
    CHECK_FALSE(res.headers.contains("version-label")); // replaced, not merged

    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].rfind("GET /configuration?configuration_token=t1 HTTP/1.1\r\n", 0) == 0);
    CHECK(requests[0].find("Content-Length") == std::string::npos);
    CHECK(server.connections() == 1);

    // A copy shares the handle and its connection.
    adapters::curl_transport copy = transport;
    REQUIRE_FALSE(copy(request_to(server, "PUT", "/x"), res));
    CHECK(server.requests().back().rfind("PUT /x HTTP/1.1\r\n", 0) == 0);
    CHECK(server.connections() == 1);
}

TEST_CASE("no answer in time is errc::timeout", "[curl]") {
    loopback_server server([](const std::string&) { return std::string(); }); // never answers
    auto o = fast();
    o.request_timeout = std::chrono::milliseconds(300);
    adapters::curl_transport transport(o);
    http::response res;
    const auto ec = transport(request_to(server, "GET", "/slow"), res);
    CHECK(ec == errc::timeout);
    CHECK_FALSE(transport.last_error().empty());
    CHECK(res.status == 0);
}

TEST_CASE("connection refused is errc::transport_failed", "[curl]") {
    adapters::curl_transport transport(fast());
    http::request req;
    REQUIRE_FALSE(req.set_url("http://127.0.0.1:" + std::to_string(loopback_server::closed_port()) + "/"));
    http::response res;
    CHECK(transport(req, res) == errc::transport_failed);
    CHECK_FALSE(transport.last_error().empty());
    INFO(transport.last_error());
}

TEST_CASE("oversized responses are errc::response_too_large", "[curl][limits]") {
    const std::string big(1000, 'x');
    loopback_server server([&](const std::string& raw) {
        if (raw.rfind("GET /chunked", 0) == 0)
            return std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n") + big + "\r\n0\r\n\r\n";
        if (raw.rfind("GET /many-headers", 0) == 0) {
            std::string h;
            for (int i = 0; i < 20; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
            return reply("HTTP/1.1 200 OK", h, "");
        }
        if (raw.rfind("GET /long-header", 0) == 0) return reply("HTTP/1.1 200 OK", "X-Long: " + std::string(500, 'h') + "\r\n", "");
        return reply("HTTP/1.1 200 OK", "", big);
    });
    limits l;
    l.max_response_body = 100;
    l.max_header_count = 10;
    l.max_header_bytes = 300;
    auto o = adapters::curl_options::with_limits(l);
    CHECK(o.max_response_body == 100);
    CHECK(o.connect_timeout == std::chrono::milliseconds(3100));
    o.request_timeout = std::chrono::milliseconds(5000);
    adapters::curl_transport transport(o);
    http::response res;
    CHECK(transport(request_to(server, "GET", "/sized"), res) == errc::response_too_large);
    CHECK(res.body.empty());
    CHECK(transport(request_to(server, "GET", "/chunked"), res) == errc::response_too_large);
    CHECK(transport(request_to(server, "GET", "/many-headers"), res) == errc::response_too_large);
    CHECK(transport(request_to(server, "GET", "/long-header"), res) == errc::response_too_large);
    CHECK(transport.last_error() == "the response exceeds the configured size limits");

    adapters::curl_transport roomy(fast());
    REQUIRE_FALSE(roomy(request_to(server, "GET", "/chunked"), res));
    CHECK(res.body == big);
}

TEST_CASE("bad requests are refused before anything is sent", "[curl]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 200 OK", "", ""); });
    adapters::curl_transport transport(fast());
    http::response res;

    http::request injected = request_to(server, "GET", "/");
    injected.headers.add("X-Evil", "a\r\nInjected: yes");
    CHECK(transport(injected, res) == errc::invalid_header);
    http::request bad_name = request_to(server, "GET", "/");
    bad_name.headers.add("Bad Name", "v");
    CHECK(transport(bad_name, res) == errc::invalid_header);

    http::request ftp = request_to(server, "GET", "/");
    ftp.scheme = "ftp";
    CHECK(transport(ftp, res) == errc::invalid_url);
    http::request no_host = request_to(server, "GET", "/");
    no_host.host.clear();
    CHECK(transport(no_host, res) == errc::invalid_url);
    http::request bad_method = request_to(server, "G T", "/");
    CHECK(transport(bad_method, res) == errc::invalid_url);

    CHECK(server.requests().empty());
    // The transport still works afterwards.
    REQUIRE_FALSE(transport(request_to(server, "GET", "/"), res));
    CHECK(res.status == 200);
}

namespace {
// Sets or unsets environment variables for one test and restores them afterwards.
class scoped_env {
public:
    void set(const char* name, const char* value) {
        remember(name);
        ::setenv(name, value, 1);
    }
    void unset(const char* name) {
        remember(name);
        ::unsetenv(name);
    }
    ~scoped_env() {
        for (auto& s : saved_) {
            if (s.second)
                ::setenv(s.first.c_str(), s.second->c_str(), 1);
            else
                ::unsetenv(s.first.c_str());
        }
    }

private:
    void remember(const char* name) {
        const char* v = std::getenv(name);
        saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};
} // namespace

TEST_CASE("proxies come from the usual environment variables", "[curl][proxy]") {
    loopback_server proxy([](const std::string&) { return reply("HTTP/1.1 200 OK", "Via: test-proxy\r\n", "proxied"); });
    scoped_env env;
    env.unset("no_proxy");
    env.unset("NO_PROXY");
    env.set("http_proxy", proxy.base_url().c_str());

    adapters::curl_transport transport(fast());
    http::request req;
    REQUIRE_FALSE(req.set_url("http://appconfigdata.example.invalid/configuration?configuration_token=abc"));
    http::response res;
    REQUIRE_FALSE(transport(req, res));
    CHECK(res.status == 200);
    CHECK(res.body == "proxied");
    const auto requests = proxy.requests();
    REQUIRE(requests.size() == 1);
    // A proxied plain-HTTP request carries the absolute URL.
    CHECK(requests[0].rfind("GET http://appconfigdata.example.invalid/configuration?configuration_token=abc HTTP/1.1\r\n", 0) == 0);
    CHECK(has_line(requests[0], "Host: appconfigdata.example.invalid"));

    // NO_PROXY is honoured too: the request goes direct, and example.invalid never resolves.
    env.set("no_proxy", "example.invalid");
    CHECK(transport(req, res) == errc::transport_failed);
    CHECK(proxy.requests().size() == 1);
}

TEST_CASE("HTTPS with a CA file that does not exist fails as transport_failed", "[curl][tls]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 200 OK", "", ""); });
    auto o = fast();
    o.ca_file = "/nonexistent/appconfigdata-test-ca.pem";
    o.request_timeout = std::chrono::milliseconds(2000);
    adapters::curl_transport transport(o);
    http::request req;
    REQUIRE_FALSE(req.set_url("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
    http::response res;
    const auto ec = transport(req, res);
    CHECK(ec == errc::transport_failed);
    CHECK(server.requests().empty());
    INFO(transport.last_error());
}
