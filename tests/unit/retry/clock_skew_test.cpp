#include <appconfigdata/retry/classify.hpp>
#include <appconfigdata/retry/clock_skew.hpp>
#include <appconfigdata/retry/strategy.hpp>
#include <appconfigdata/http/message.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace appconfigdata;
using namespace std::chrono_literals;
using retry::clock_skew;

namespace {
time_point at(long long unix_seconds) { return time_point(std::chrono::duration_cast<duration>(std::chrono::seconds(unix_seconds))); }
http::headers date_header(time_point server) {
    http::headers h;
    h.add("Date", http::format_http_date(server));
    return h;
}
constexpr long long t0 = 1764144000; // 2025-11-26T08:00:00Z
} // namespace

TEST_CASE("no correction below the 4-minute threshold", "[retry][skew]") {
    clock_skew skew;
    CHECK_FALSE(skew.on_response(date_header(at(t0 + 239)), at(t0), at(t0)));
    CHECK(skew.offset() == duration::zero());
    CHECK_FALSE(skew.on_response(date_header(at(t0 - 239)), at(t0), at(t0)));
    CHECK(skew.offset() == duration::zero());
    CHECK(skew.corrected(at(t0)) == at(t0));
}

TEST_CASE("a skew at or above the threshold is corrected (server ahead or behind)", "[retry][skew]") {
    clock_skew skew;
    CHECK(skew.on_response(date_header(at(t0 + 240)), at(t0), at(t0)));
    CHECK(skew.offset() == duration(240s));
    CHECK(skew.corrected(at(t0 + 10)) == at(t0 + 250));

    clock_skew behind;
    CHECK(behind.on_response(date_header(at(t0 - 3600)), at(t0), at(t0)));
    CHECK(behind.offset() == -duration(3600s));
}

TEST_CASE("skew is measured against the midpoint of the round trip", "[retry][skew]") {
    clock_skew skew;
    // sent t0, received t0+20 → midpoint t0+10; server says t0+310 → skew 300 s.
    CHECK(skew.on_response(date_header(at(t0 + 310)), at(t0), at(t0 + 20)));
    CHECK(skew.offset() == duration(300s));
}

TEST_CASE("an offset that already explains the server's time is kept", "[retry][skew]") {
    clock_skew skew;
    REQUIRE(skew.on_response(date_header(at(t0 + 600)), at(t0), at(t0)));
    // The next response measures 601 s: the corrected clock is 1 s off, nothing to do.
    CHECK_FALSE(skew.on_response(date_header(at(t0 + 1601)), at(t0 + 1000), at(t0 + 1000)));
    CHECK(skew.offset() == duration(600s));
    // The local clock got fixed: the measured skew is 0, the offset would now be 10 min wrong.
    CHECK(skew.on_response(date_header(at(t0 + 2000)), at(t0 + 2000), at(t0 + 2000)));
    CHECK(skew.offset() == duration::zero());
    skew.on_response(date_header(at(t0 + 9000)), at(t0), at(t0));
    skew.reset();
    CHECK(skew.offset() == duration::zero());
}

TEST_CASE("cached responses, long round trips and bad dates are ignored", "[retry][skew]") {
    clock_skew skew;
    auto h = date_header(at(t0 + 3600));
    h.add("Age", "30");
    CHECK_FALSE(skew.on_response(h, at(t0), at(t0)));
    CHECK_FALSE(skew.on_response(date_header(at(t0 + 3600)), at(t0), at(t0) + 15min + 1s));
    CHECK_FALSE(skew.on_response(date_header(at(t0 + 3600)), at(t0 + 5), at(t0))); // received before sent
    CHECK(skew.on_response(date_header(at(t0 + 3600)), at(t0), at(t0) + 15min));     // exactly 15 min is fine
    clock_skew fresh;
    http::headers bad;
    bad.add("Date", "Wed, 26 Nov 2025 08:00:00"); // no GMT
    CHECK_FALSE(fresh.on_response(bad, at(t0), at(t0)));
    CHECK_FALSE(fresh.on_response(http::headers{}, at(t0), at(t0)));
    CHECK(fresh.offset() == duration::zero());
}

TEST_CASE("correction can be disabled and the threshold configured", "[retry][skew]") {
    retry::clock_skew_config off;
    off.enabled = false;
    clock_skew disabled(off);
    CHECK_FALSE(disabled.on_response(date_header(at(t0 + 3600)), at(t0), at(t0)));
    CHECK(disabled.offset() == duration::zero());

    retry::clock_skew_config five;
    five.threshold = 5min;
    clock_skew custom(five);
    CHECK_FALSE(custom.on_response(date_header(at(t0 + 299)), at(t0), at(t0)));
    CHECK(custom.on_response(date_header(at(t0 + 300)), at(t0), at(t0)));
    std::ostringstream os;
    os << custom;
    CHECK(os.str() == "clock_skew{offset=300s}");
}

TEST_CASE("an InvalidSignatureException with a skewed Date gets one corrected retry", "[retry][skew][strategy]") {
    retry::retry_quota quota;
    retry::retry_strategy strategy(retry::retry_config{}, quota);
    clock_skew skew;
    strategy.begin_operation();

    http::response r;
    r.status = 403;
    r.headers = date_header(at(t0 + 900));
    REQUIRE(retry::classify(r.status, "InvalidSignatureException") == retry::error_class::clock_skew);
    auto d = strategy.on_clock_skew(skew.on_response(r.headers, at(t0), at(t0 + 1)));
    REQUIRE(d);
    CHECK(d.delay == duration::zero());
    CHECK(skew.corrected(at(t0 + 2)) > at(t0 + 895));

    // The corrected retry fails the same way: the offset is already right, so it is final.
    r.headers = date_header(at(t0 + 903));
    auto d2 = strategy.on_clock_skew(skew.on_response(r.headers, at(t0 + 2), at(t0 + 3)));
    CHECK_FALSE(d2);
}
