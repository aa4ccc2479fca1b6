// curl_multi_transport against the loopback server: requests in flight together, deadlines (given
// and default), refused connections, large bodies both ways, headers sent exactly as given,
// cancellation, and poll() that never waits for the network.
#include "loopback_server.hpp"

#include <appconfigdata/adapters/curl_multi_transport.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace appconfigdata;
using test_support::loopback_server;
using multi = adapters::curl_multi_transport;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

// libcurl's process-wide setup is the application's job (the transport never calls it): here once
// for the executable, before the first transport.
struct curl_global {
    curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~curl_global() { curl_global_cleanup(); }
};
const curl_global& global_curl() {
    static const curl_global g;
    return g;
}

std::string reply(const std::string& status_line, const std::string& headers, const std::string& body) {
    return status_line + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

http::request request_to(const loopback_server& server, const std::string& method, const std::string& target) {
    http::request r;
    REQUIRE_FALSE(r.set_url(server.base_url() + target));
    r.method = method;
    r.headers.add("Host", r.host); // as the library hands requests out: Host first
    return r;
}

adapters::curl_multi_options fast() {
    (void)global_curl();
    adapters::curl_multi_options o;
    o.connect_timeout = milliseconds(2000);
    o.default_timeout = milliseconds(5000);
    return o;
}

// Polls (1 ms apart, like a fast frame loop) until `t` completes or `limit` passes.
std::optional<multi::completion> wait_for(multi& http, multi::ticket t, milliseconds limit = milliseconds(10000)) {
    const auto end = steady::now() + limit;
    while (steady::now() < end) {
        http.poll();
        if (auto c = http.take(t)) return c;
        std::this_thread::sleep_for(milliseconds(1));
    }
    return std::nullopt;
}

// The header lines of a raw request (between the request line and the blank line), split at ": ".
std::vector<http::header_field> header_lines(const std::string& raw) {
    std::vector<http::header_field> out;
    const auto head_end = raw.find("\r\n\r\n");
    std::size_t pos = raw.find("\r\n") + 2;
    while (pos < head_end + 2) {
        const auto eol = raw.find("\r\n", pos);
        const std::string line = raw.substr(pos, eol - pos);
        const auto colon = line.find(':');
        std::string value = colon + 1 < line.size() ? line.substr(colon + 1) : std::string();
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        out.push_back({line.substr(0, colon), value});
        pos = eol + 2;
    }
    return out;
}

} // namespace

TEST_CASE("multi: a response is handed out once, after polls", "[curl][multi]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 200 OK", "Version-Label: v1\r\nX-Dup: a\r\nx-dup: b\r\n", "hello"); });
    multi http(fast());
    REQUIRE_FALSE(http.init_error());
    const auto t = http.start(request_to(server, "GET", "/configuration?configuration_token=t1"), milliseconds(0));
    REQUIRE(t);
    CHECK(http.in_flight() == 1);
    CHECK_FALSE(http.take(t)); // nothing has happened yet
    auto c = wait_for(http, t);
    REQUIRE(c);
    CHECK(c->id == t);
    CHECK_FALSE(c->error);
    CHECK(c->message.empty());
    CHECK(c->response.status == 200);
    CHECK(c->response.body == "hello");
    CHECK(*c->response.headers.find("version-label") == "v1");
    CHECK(c->response.headers.values("x-dup") == std::vector<std::string>{"a", "b"});
    CHECK(http.in_flight() == 0);
    CHECK(http.completed() == 0);
    CHECK_FALSE(http.take(t)); // taken once
    CHECK_FALSE(http.take(multi::ticket{}));
    CHECK_FALSE(http.cancel(t));

    // The next request reuses the kept-alive connection.
    auto c2 = wait_for(http, http.start(request_to(server, "GET", "/again")));
    REQUIRE(c2);
    CHECK(c2->response.status == 200);
    CHECK(server.connections() == 1);
}

TEST_CASE("multi: two requests in flight at once", "[curl][multi]") {
    loopback_server server([](const std::string& raw) {
        return reply("HTTP/1.1 200 OK", "", raw.rfind("GET /a ", 0) == 0 ? "body-a" : "body-b");
    });
    server.set_reply_delay(milliseconds(300));
    multi http(fast());
    const auto a = http.start(request_to(server, "GET", "/a"));
    const auto b = http.start(request_to(server, "GET", "/b"));
    CHECK(a != b);
    CHECK(http.in_flight() == 2);

    std::optional<multi::completion> first;
    std::size_t received_when_first_came = 0;
    std::vector<multi::completion> done;
    const auto end = steady::now() + milliseconds(10000);
    while (done.size() < 2 && steady::now() < end) {
        http.poll();
        while (auto c = http.take_next()) {
            if (done.empty()) received_when_first_came = server.requests().size();
            done.push_back(std::move(*c));
        }
        std::this_thread::sleep_for(milliseconds(1));
    }
    REQUIRE(done.size() == 2);
    // Both requests had reached the server before either answer came back: they were in flight together.
    CHECK(received_when_first_came == 2);
    CHECK(server.connections() == 2);
    for (const auto& c : done) {
        CHECK_FALSE(c.error);
        CHECK(c.response.status == 200);
        CHECK(c.response.body == (c.id == a ? "body-a" : "body-b"));
    }
    CHECK((done[0].id == a || done[0].id == b));
    CHECK(done[0].id != done[1].id);
}

TEST_CASE("multi: a request past its deadline is errc::timeout", "[curl][multi]") {
    loopback_server server([](const std::string&) { return std::string(); }); // never answers
    multi http(fast());
    const auto started = steady::now();
    const auto t = http.start(request_to(server, "GET", "/slow"), milliseconds(250));
    auto c = wait_for(http, t);
    const auto took = steady::now() - started;
    REQUIRE(c);
    CHECK(c->error == errc::timeout);
    CHECK_FALSE(c->message.empty());
    CHECK(c->response.status == 0);
    INFO("took " << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us");
    CHECK(took >= milliseconds(245)); // libcurl counts whole milliseconds: it may fire a fraction early
    CHECK(took < milliseconds(3000));
    CHECK(server.requests().size() == 1);
}

TEST_CASE("multi: a 0 timeout is the transport's default deadline", "[curl][multi]") {
    CHECK(adapters::curl_multi_options{}.default_timeout == milliseconds(30000)); // as documented
    loopback_server server([](const std::string&) { return std::string(); });
    auto o = fast();
    o.default_timeout = milliseconds(300);
    multi http(o);
    const auto started = steady::now();
    const auto t = http.start(request_to(server, "GET", "/slow"), milliseconds(0));
    auto c = wait_for(http, t);
    const auto took = steady::now() - started;
    REQUIRE(c);
    CHECK(c->error == errc::timeout);
    CHECK(took >= milliseconds(295));
    CHECK(took < milliseconds(3000));

    // A timeout given wins over the default.
    o.default_timeout = milliseconds(60000);
    multi patient(o);
    const auto started2 = steady::now();
    auto c2 = wait_for(patient, patient.start(request_to(server, "GET", "/slow"), milliseconds(200)));
    REQUIRE(c2);
    CHECK(c2->error == errc::timeout);
    CHECK(steady::now() - started2 < milliseconds(3000));
}

TEST_CASE("multi: a refused connection is errc::transport_failed", "[curl][multi]") {
    multi http(fast());
    http::request req;
    REQUIRE_FALSE(req.set_url("http://127.0.0.1:" + std::to_string(loopback_server::closed_port()) + "/"));
    req.headers.add("Host", req.host);
    auto c = wait_for(http, http.start(req, milliseconds(3000)));
    REQUIRE(c);
    CHECK(c->error == errc::transport_failed);
    CHECK_FALSE(c->message.empty());
    CHECK(c->response.status == 0);
    INFO(c->message);
}

TEST_CASE("multi: large bodies both ways", "[curl][multi]") {
    std::string response_body(3u * 1024u * 1024u, '\0');
    for (std::size_t i = 0; i < response_body.size(); ++i) response_body[i] = static_cast<char>('a' + i % 26);
    loopback_server server([&](const std::string&) { return reply("HTTP/1.1 200 OK", "", response_body); });
    multi http(fast());
    http::request req = request_to(server, "POST", "/big");
    req.body.assign(2u * 1024u * 1024u + 7u, 'q');
    req.body[5] = '\0'; // binary-safe
    req.headers.add("Content-Length", std::to_string(req.body.size()));
    auto c = wait_for(http, http.start(req));
    REQUIRE(c);
    REQUIRE_FALSE(c->error);
    CHECK(c->response.status == 200);
    CHECK(c->response.body.size() == response_body.size());
    CHECK(c->response.body == response_body);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].size() > req.body.size());
    CHECK(requests[0].substr(requests[0].size() - req.body.size()) == req.body);
    CHECK(requests[0].find("Expect:") == std::string::npos); // no 100-continue round trip even for 2 MB

    // Over the limit: errc::response_too_large.
    limits l;
    l.max_response_body = 1000;
    auto small = adapters::curl_multi_options::with_limits(l);
    CHECK(small.max_response_body == 1000);
    multi strict(small);
    auto c2 = wait_for(strict, strict.start(request_to(server, "GET", "/big")));
    REQUIRE(c2);
    CHECK(c2->error == errc::response_too_large);
    CHECK(c2->response.body.empty());
}

TEST_CASE("multi: the server sees exactly the request's headers, in order", "[curl][multi]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 201 Created", "", "{}"); });
    multi http(fast());
    http::request req = request_to(server, "POST", "/configurationsessions");
    req.body = "{\"ApplicationIdentifier\":\"app\"}";
    req.headers.add("X-Amz-Date", "20251126T080000Z");
    req.headers.add("Content-Type", "application/json");
    req.headers.add("Content-Length", std::to_string(req.body.size()));
    req.headers.add("X-Repeat", "first");
    req.headers.add("X-Repeat", "second");
    req.headers.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251126/us-east-1/appconfig/aws4_request, "
                                     "SignedHeaders=host;x-amz-date, Signature=00");
    auto c = wait_for(http, http.start(req));
    REQUIRE(c);
    REQUIRE_FALSE(c->error);
    CHECK(c->response.status == 201);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].rfind("POST /configurationsessions HTTP/1.1\r\n", 0) == 0);
    // Nothing added (no User-Agent, Accept, Expect), nothing dropped, nothing moved.
    CHECK(header_lines(requests[0]) == req.headers.fields());

    // A GET without a body: still exactly its headers (no Content-Length appears).
    http::request get = request_to(server, "GET", "/configuration?configuration_token=abc");
    get.headers.add("X-Amz-Date", "20251126T080001Z");
    auto g = wait_for(http, http.start(get));
    REQUIRE(g);
    REQUIRE_FALSE(g->error);
    CHECK(header_lines(server.requests().back()) == get.headers.fields());
}

TEST_CASE("multi: bad requests complete at once, nothing is sent", "[curl][multi]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 200 OK", "", ""); });
    multi http(fast());
    http::request injected = request_to(server, "GET", "/");
    injected.headers.add("X-Evil", "a\r\nInjected: yes");
    const auto t1 = http.start(injected);
    http::request ftp = request_to(server, "GET", "/");
    ftp.scheme = "ftp";
    const auto t2 = http.start(ftp);
    CHECK(http.in_flight() == 0);
    CHECK(http.completed() == 2);
    auto c1 = http.take(t1); // no poll needed
    REQUIRE(c1);
    CHECK(c1->error == errc::invalid_header);
    auto c2 = http.take(t2);
    REQUIRE(c2);
    CHECK(c2->error == errc::invalid_url);
    http.poll();
    CHECK(server.requests().empty());
}

TEST_CASE("multi: cancelling mid-flight frees the transfer", "[curl][multi]") {
    loopback_server server([](const std::string&) { return std::string(); }); // never answers
    multi http(fast());
    const auto t = http.start(request_to(server, "GET", "/hang"));
    const auto keep = http.start(request_to(server, "GET", "/other"), milliseconds(200));
    const auto end = steady::now() + milliseconds(5000);
    while (server.requests().size() < 2 && steady::now() < end) {
        http.poll();
        std::this_thread::sleep_for(milliseconds(1));
    }
    REQUIRE(server.requests().size() == 2);
    CHECK(http.cancel(t));
    CHECK(http.in_flight() == 1);
    CHECK_FALSE(http.cancel(t));
    CHECK_FALSE(http.take(t));
    // Its connection is closed.
    while (server.closed_connections() < 1 && steady::now() < end) std::this_thread::sleep_for(milliseconds(2));
    CHECK(server.closed_connections() >= 1);
    // The other request goes on (to its own deadline), unaffected.
    auto c = wait_for(http, keep);
    REQUIRE(c);
    CHECK(c->error == errc::timeout);
    CHECK_FALSE(http.take(t));

    // Destroying the transport with a request in flight cleans it up too (ASan checks the rest).
    const int closed_before = server.closed_connections();
    {
        multi doomed(fast());
        const auto d = doomed.start(request_to(server, "GET", "/doomed"));
        while (server.requests().size() < 3 && steady::now() < end + milliseconds(5000)) {
            doomed.poll();
            std::this_thread::sleep_for(milliseconds(1));
        }
        REQUIRE(server.requests().size() == 3);
        CHECK(doomed.in_flight() == 1);
        (void)d;
    }
    const auto end2 = steady::now() + milliseconds(5000);
    while (server.closed_connections() <= closed_before && steady::now() < end2) std::this_thread::sleep_for(milliseconds(2));
    CHECK(server.closed_connections() > closed_before);
}

TEST_CASE("multi: poll() never waits for the network", "[curl][multi]") {
    loopback_server server([](const std::string&) { return reply("HTTP/1.1 200 OK", "", "late"); });
    const auto delay = milliseconds(500);
    server.set_reply_delay(delay);
    multi http(fast());
    const auto t = http.start(request_to(server, "GET", "/delayed"));
    const auto b = http.start(request_to(server, "GET", "/delayed-too"));
    steady::duration longest{0};
    int polls = 0;
    std::optional<multi::completion> c, cb;
    const auto end = steady::now() + milliseconds(10000);
    while ((!c || !cb) && steady::now() < end) {
        const auto before = steady::now();
        http.poll();
        longest = (std::max)(longest, steady::now() - before);
        ++polls;
        if (!c) c = http.take(t);
        if (!cb) cb = http.take(b);
        std::this_thread::sleep_for(milliseconds(1));
    }
    REQUIRE(c);
    REQUIRE(cb);
    CHECK_FALSE(c->error);
    CHECK(c->response.body == "late");
    CHECK(polls > 10); // it took many frames
    INFO("longest poll: " << std::chrono::duration_cast<std::chrono::microseconds>(longest).count() << " us");
    CHECK(longest < delay / 5); // a functional bound, far above a poll's cost and far below the delay
}
