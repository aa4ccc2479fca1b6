#include <appconfigdata/retry/invocation_id.hpp>
#include <appconfigdata/retry/strategy.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>

using namespace appconfigdata;
using namespace std::chrono_literals;
using retry::error_class;
using retry::retry_config;
using retry::retry_decision;
using retry::retry_mode;
using retry::retry_quota;
using retry::retry_strategy;

namespace {
duration ms(long long n) { return std::chrono::duration_cast<duration>(std::chrono::milliseconds(n)); }
retry_config mode_2026() {
    retry_config c;
    c.mode = retry_mode::standard_2026;
    return c;
}
} // namespace

TEST_CASE("standard backoff: jitter x min(2^(n-1) s, 20 s)", "[retry][backoff]") {
    const auto cap = duration(20s);
    using retry::backoff;
    CHECK(backoff(retry_mode::standard, error_class::transient, 1, 0.0, cap) == duration::zero());
    CHECK(backoff(retry_mode::standard, error_class::transient, 1, 0.5, cap) == ms(500));
    CHECK(backoff(retry_mode::standard, error_class::transient, 2, 0.5, cap) == ms(1000));
    CHECK(backoff(retry_mode::standard, error_class::throttling, 3, 0.5, cap) == ms(2000));
    CHECK(backoff(retry_mode::standard, error_class::timeout, 4, 0.5, cap) == ms(4000));
    // 0.999 × 1 s, within a microsecond (floating point).
    const auto d = backoff(retry_mode::standard, error_class::transient, 1, 0.999, cap);
    CHECK(d > ms(998));
    CHECK(d < ms(1000));
    // Cap at 20 s: attempt 6 would be 32 s.
    CHECK(backoff(retry_mode::standard, error_class::transient, 5, 1.0, cap) == ms(16000));
    CHECK(backoff(retry_mode::standard, error_class::transient, 6, 1.0, cap) == ms(20000));
    CHECK(backoff(retry_mode::standard, error_class::transient, 6, 0.5, cap) == ms(10000));
    CHECK(backoff(retry_mode::standard, error_class::transient, 1000, 0.5, cap) == ms(10000)); // no overflow
    const auto near_cap = backoff(retry_mode::standard, error_class::transient, 30, 0.999, cap);
    CHECK(near_cap < duration(20s));
    CHECK(near_cap > ms(19970));
}

TEST_CASE("backoff clamps bad jitter", "[retry][backoff]") {
    using retry::backoff;
    CHECK(backoff(retry_mode::standard, error_class::transient, 2, -1.0, 20s) == duration::zero());
    CHECK(backoff(retry_mode::standard, error_class::transient, 2, 7.0, 20s) == ms(2000));
    CHECK(backoff(retry_mode::standard, error_class::transient, 2, std::nan(""), 20s) == duration::zero());
    CHECK(backoff(retry_mode::standard, error_class::transient, 2, 1.0, ms(300)) == ms(300)); // custom cap
}

TEST_CASE("2026 backoff: 50 ms base, 1 s when throttled", "[retry][backoff][2026]") {
    using retry::backoff;
    CHECK(backoff(retry_mode::standard_2026, error_class::transient, 1, 1.0, 20s) == ms(50));
    CHECK(backoff(retry_mode::standard_2026, error_class::timeout, 2, 1.0, 20s) == ms(100));
    CHECK(backoff(retry_mode::standard_2026, error_class::transient, 3, 0.5, 20s) == ms(100));
    CHECK(backoff(retry_mode::standard_2026, error_class::throttling, 1, 1.0, 20s) == ms(1000));
    CHECK(backoff(retry_mode::standard_2026, error_class::throttling, 3, 0.5, 20s) == ms(2000));
    CHECK(backoff(retry_mode::standard_2026, error_class::transient, 20, 1.0, 20s) == ms(20000));
}

TEST_CASE("quota costs per mode", "[retry][quota]") {
    CHECK(retry::cost_of_retry(retry_mode::standard, error_class::transient) == 5);
    CHECK(retry::cost_of_retry(retry_mode::standard, error_class::throttling) == 5);
    CHECK(retry::cost_of_retry(retry_mode::standard, error_class::timeout) == 10);
    CHECK(retry::cost_of_retry(retry_mode::standard_2026, error_class::transient) == 14);
    CHECK(retry::cost_of_retry(retry_mode::standard_2026, error_class::timeout) == 14);
    CHECK(retry::cost_of_retry(retry_mode::standard_2026, error_class::throttling) == 5);
}

TEST_CASE("retry_quota is a bounded token bucket", "[retry][quota]") {
    retry_quota q(12);
    CHECK(q.available() == 12);
    CHECK(q.acquire(5));
    CHECK(q.acquire(5));
    CHECK(q.available() == 2);
    CHECK_FALSE(q.acquire(5)); // takes nothing
    CHECK(q.available() == 2);
    q.release(5);
    CHECK(q.available() == 7);
    q.release(100);
    CHECK(q.available() == 12);
    q.release(1);
    CHECK(q.available() == 12);
    CHECK(q.acquire(12));
    CHECK(q.available() == 0);
    q.refill();
    CHECK(q == retry_quota(12));
    std::ostringstream os;
    os << q;
    CHECK(os.str() == "retry_quota{12/12}");
    CHECK(retry_quota().capacity() == 500);
}

TEST_CASE("three attempts then retries_exhausted", "[retry][strategy]") {
    retry_quota quota;
    retry_strategy s(retry_config{}, quota);
    s.begin_operation();
    CHECK(s.attempt() == 1);
    CHECK(s.max_attempts() == 3);
    CHECK(s.request_header() == "attempt=1; max=3");

    auto d1 = s.on_failure(error_class::transient, 0.5);
    REQUIRE(d1);
    CHECK(d1.delay == ms(500));
    CHECK(s.attempt() == 2);
    CHECK(s.request_header() == "attempt=2; max=3");
    CHECK(quota.available() == 495);

    auto d2 = s.on_failure(error_class::timeout, 0.5);
    REQUIRE(d2);
    CHECK(d2.delay == ms(1000));
    CHECK(s.attempt() == 3);
    CHECK(quota.available() == 485);

    auto d3 = s.on_failure(error_class::throttling, 0.5);
    CHECK_FALSE(d3);
    CHECK(d3.reason == errc::retries_exhausted);
    CHECK(quota.available() == 485); // nothing taken for a retry that does not happen
    CHECK(s.finished());
    CHECK(s.on_failure(error_class::transient, 0.5).reason == errc::invalid_state);
}

TEST_CASE("non-retryable errors stop at once with an empty reason", "[retry][strategy]") {
    retry_quota quota;
    retry_strategy s(retry_config{}, quota);
    auto d = s.on_failure(error_class::non_retryable, 0.5);
    CHECK_FALSE(d);
    CHECK_FALSE(d.reason);
    CHECK(quota.available() == 500);

    s.begin_operation();
    auto skew = s.on_failure(error_class::clock_skew, 0.5); // clock skew goes through on_clock_skew
    CHECK_FALSE(skew);
    CHECK_FALSE(skew.reason);
}

TEST_CASE("success refunds the last retry's cost, or adds one", "[retry][strategy][quota]") {
    retry_quota quota(500);
    retry_strategy s(retry_config{}, quota);

    s.begin_operation();
    s.on_success();
    CHECK(quota.available() == 500); // capped at capacity

    REQUIRE(quota.acquire(100));
    s.begin_operation();
    s.on_success();
    CHECK(quota.available() == 401); // +1 for a first-attempt success
    s.on_success();                  // second call: no effect
    CHECK(quota.available() == 401);

    s.begin_operation();
    REQUIRE(s.on_failure(error_class::timeout, 0.1));
    CHECK(quota.available() == 391);
    REQUIRE(s.on_failure(error_class::transient, 0.1));
    CHECK(quota.available() == 386);
    s.on_success();
    CHECK(quota.available() == 391); // the last retry's 5 come back, not the timeout's 10
}

TEST_CASE("quota exhaustion stops retries until successes refill it", "[retry][strategy][quota]") {
    retry_quota quota(12);
    retry_config cfg;
    cfg.max_attempts = 10;
    retry_strategy s(cfg, quota);

    s.begin_operation();
    REQUIRE(s.on_failure(error_class::transient, 0.0));
    REQUIRE(s.on_failure(error_class::transient, 0.0));
    CHECK(quota.available() == 2);
    auto d = s.on_failure(error_class::transient, 0.0);
    CHECK_FALSE(d);
    CHECK(d.reason == errc::retry_quota_exceeded);
    CHECK(quota.available() == 2);

    // Another operation sharing the quota is also refused.
    retry_strategy other(cfg, quota);
    other.begin_operation();
    CHECK(other.on_failure(error_class::throttling, 0.0).reason == errc::retry_quota_exceeded);

    // Three first-attempt successes: 2 + 3 = 5 tokens, enough for one more retry.
    for (int i = 0; i < 3; ++i) {
        other.begin_operation();
        other.on_success();
    }
    CHECK(quota.available() == 5);
    other.begin_operation();
    CHECK(other.on_failure(error_class::throttling, 0.0));
    CHECK(quota.available() == 0);
}

TEST_CASE("max_attempts 1 never retries; 0 is treated as 1", "[retry][strategy]") {
    retry_quota quota;
    retry_config cfg;
    cfg.max_attempts = 0;
    retry_strategy s(cfg, quota);
    CHECK(s.max_attempts() == 1);
    CHECK(s.on_failure(error_class::throttling, 0.5).reason == errc::retries_exhausted);
    CHECK(s.request_header() == "attempt=1; max=1");
}

TEST_CASE("2026 costs and x-amz-retry-after clamping", "[retry][strategy][2026]") {
    retry_quota quota;
    retry_config cfg = mode_2026();
    cfg.max_attempts = 5;
    retry_strategy s(cfg, quota);

    s.begin_operation();
    auto d1 = s.on_failure(error_class::transient, 1.0); // t = 50 ms
    REQUIRE(d1);
    CHECK(d1.delay == ms(50));
    CHECK(quota.available() == 486);

    auto d2 = s.on_failure(error_class::throttling, 0.5, ms(1500)); // t = 1 s; hint within [1, 6] s
    REQUIRE(d2);
    CHECK(d2.delay == ms(1500));
    CHECK(quota.available() == 481);

    auto d3 = s.on_failure(error_class::transient, 1.0, ms(10)); // t = 200 ms; hint too small
    REQUIRE(d3);
    CHECK(d3.delay == ms(200));

    auto d4 = s.on_failure(error_class::transient, 1.0, ms(60000)); // t = 400 ms; at most t + 5 s
    REQUIRE(d4);
    CHECK(d4.delay == ms(5400));
    CHECK(quota.available() == 481 - 14 - 14);

    s.on_success();
    CHECK(quota.available() == 481 - 14); // refund of the last retry's 14
}

TEST_CASE("standard mode ignores x-amz-retry-after", "[retry][strategy]") {
    retry_quota quota;
    retry_strategy s(retry_config{}, quota);
    auto d = s.on_failure(error_class::throttling, 0.5, ms(3000));
    REQUIRE(d);
    CHECK(d.delay == ms(500));
}

TEST_CASE("retry_after_hint parses whole milliseconds", "[retry][2026]") {
    http::headers h;
    CHECK_FALSE(retry::retry_after_hint(h));
    h.set("x-amz-retry-after", "1500");
    REQUIRE(retry::retry_after_hint(h));
    CHECK(*retry::retry_after_hint(h) == ms(1500));
    h.set("X-Amz-Retry-After", " 0 ");
    CHECK(*retry::retry_after_hint(h) == ms(0));
    for (auto bad : {"", "-5", "1.5", "abc", "99999999999999999999", "86400001"}) {
        INFO(bad);
        h.set("x-amz-retry-after", bad);
        CHECK_FALSE(retry::retry_after_hint(h));
    }
}

TEST_CASE("clock skew: one immediate corrected retry per operation", "[retry][strategy][skew]") {
    retry_quota quota;
    retry_strategy s(retry_config{}, quota);
    s.begin_operation();
    auto d = s.on_clock_skew(true);
    REQUIRE(d);
    CHECK(d.delay == duration::zero());
    CHECK(s.attempt() == 2);
    CHECK(quota.available() == 500); // free
    auto again = s.on_clock_skew(true);
    CHECK_FALSE(again);
    CHECK_FALSE(again.reason);

    s.begin_operation();
    CHECK_FALSE(s.on_clock_skew(false)); // nothing corrected: the error is final

    retry_config one;
    one.max_attempts = 1;
    retry_strategy single(one, quota);
    CHECK(single.on_clock_skew(true).reason == errc::retries_exhausted);
}

TEST_CASE("decisions and configs compare and print", "[retry][strategy]") {
    CHECK(retry_decision::retry_after(ms(5)) == retry_decision::retry_after(ms(5)));
    CHECK(retry_decision::retry_after(ms(5)) != retry_decision::give_up());
    std::ostringstream os;
    os << retry_decision::retry_after(ms(250)) << " | " << retry_decision::give_up(errc::retry_quota_exceeded) << " | " << retry_config{};
    CHECK(os.str() == "retry after 250ms | give up (retry quota exceeded) | retry_config{mode=standard, max_attempts=3, max_backoff=20000ms, quota=500}");
    CHECK(mode_2026() != retry_config{});
}

TEST_CASE("retry settings from the environment", "[retry][config]") {
    std::map<std::string, std::string> env;
    auto lookup = [&](std::string_view name) -> std::optional<std::string> {
        auto it = env.find(std::string(name));
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    retry_config cfg;
    REQUIRE_FALSE(retry::retry_config_from_environment(lookup, cfg));
    CHECK(cfg == retry_config{});

    env = {{"AWS_MAX_ATTEMPTS", "5"}, {"AWS_RETRY_MODE", "Standard"}, {"AWS_NEW_RETRIES_2026", "TRUE"}};
    REQUIRE_FALSE(retry::retry_config_from_environment(lookup, cfg));
    CHECK(cfg.max_attempts == 5);
    CHECK(cfg.mode == retry_mode::standard_2026);

    std::string message;
    for (auto bad : std::vector<std::map<std::string, std::string>>{{{"AWS_MAX_ATTEMPTS", "0"}},
                                                                    {{"AWS_MAX_ATTEMPTS", "x"}},
                                                                    {{"AWS_RETRY_MODE", "fast"}},
                                                                    {{"AWS_NEW_RETRIES_2026", "yes"}}}) {
        env = bad;
        retry_config before = cfg;
        CHECK(retry::retry_config_from_environment(lookup, cfg, &message) == errc::invalid_argument);
        CHECK(message.find(bad.begin()->first) != std::string::npos);
        CHECK(cfg == before);
    }
}

TEST_CASE("invocation id is a lower-case UUIDv4", "[retry][invocation]") {
    std::array<std::uint8_t, 16> zero{};
    CHECK(retry::invocation_id(zero) == "00000000-0000-4000-8000-000000000000");
    std::array<std::uint8_t, 16> ones;
    ones.fill(0xff);
    CHECK(retry::invocation_id(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
    std::array<std::uint8_t, 16> seq{};
    for (std::size_t i = 0; i < seq.size(); ++i) seq[i] = static_cast<std::uint8_t>(i * 17);
    const std::string id = retry::invocation_id(seq);
    CHECK(id == "00112233-4455-4677-8899-aabbccddeeff");
    CHECK(id.size() == 36);
    std::string appended = "x";
    retry::format_invocation_id(seq, appended);
    CHECK(appended == "x" + id);
}
