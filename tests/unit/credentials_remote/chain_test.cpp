// The default chain, the profile plan runner, the refresh-ahead cache and the region chain.
#include "remote_test_support.hpp"

#include "test_crypto.hpp"
#include <appconfigdata/credentials/default_chain.hpp>

using namespace appconfigdata;
using namespace remote_test;
using test_support::drive;

namespace {

default_chain_options chain_options(std::map<std::string, std::string> env, std::map<std::string, std::string> fs = {}) {
    if (!env.count("HOME")) env["HOME"] = "/home/u";
    default_chain_options o;
    o.environment = environment_from_map(std::move(env));
    test_files() = files(std::move(fs));
    o.sign = make_sigv4_request_signer<test_crypto>();
    o.sso_cache_file = [](std::string_view key) { return "/home/u/.aws/sso/cache/" + std::string(key.size() > 3 ? "url" : "ses") + ".json"; };
    o.platform = os_platform::posix;
    return o;
}

std::string sts_assume_role_reply() {
    return std::string("<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/R/s</Arn>"
                       "</AssumedRoleUser><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>") +
           secret_key + "</SecretAccessKey><SessionToken>" + session_token +
           "</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
}

} // namespace

TEST_CASE("chain: environment first", "[chain]") {
    default_credentials_chain chain(chain_options({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", secret_key}},
                                                  {{"/home/u/.aws/credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n"}}));
    io_transport t;
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(chain.outcome().value.access_key_id == "AKIAENV");
    CHECK(chain.answered_by() == "environment");
    CHECK(t.sent.empty());
    check_no_secrets(chain.outcome());
}

TEST_CASE("chain: named profile beside a wrong [default]", "[chain]") {
    default_credentials_chain chain(chain_options(
        {{"AWS_PROFILE", "dev"}},
        {{"/home/u/.aws/credentials", "[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n"
                                      "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n"}}));
    io_transport t;
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(chain.outcome().value.access_key_id == "AKIADEV");
    CHECK(chain.answered_by() == "profile");
}

TEST_CASE("chain: explicit --profile and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE", "[chain]") {
    auto o = chain_options({{"AWS_CONFIG_FILE", "/etc/aws/config"}, {"AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/creds"}},
                           {{"/etc/aws/creds", "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = s\n"},
                            {"/home/u/.aws/credentials", "[ops]\naws_access_key_id = AKIAHOME\naws_secret_access_key = s\n"}});
    o.profile_name = "ops";
    default_credentials_chain chain(o);
    io_transport t;
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(chain.outcome().value.access_key_id == "AKIAOPS");
}

TEST_CASE("chain: a profile that names a missing profile fails instead of falling through", "[chain]") {
    default_credentials_chain chain(chain_options({{"AWS_PROFILE", "nope"}}, {{"/home/u/.aws/config", "[default]\nregion = us-east-1\n"}}));
    io_transport t;
    time_point now = at(1700000000);
    CHECK(drive(chain, t, now).kind == action_kind::failed);
    CHECK(chain.outcome().error == errc::profile_not_found);
    CHECK(t.sent.empty());
}

TEST_CASE("chain: credential_process through the injected runner", "[chain]") {
    auto o = chain_options({}, {{"/home/u/.aws/config", "[default]\ncredential_process = /usr/bin/get-creds --json\n"}});
    std::vector<std::string> argv;
    test_processes() = [&argv](const process_request& r, process_outcome& out) -> std::error_code {
        argv = r.argv;
        out.stdout_text = std::string(R"({"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":")") + secret_key + "\"}";
        return {};
    };
    default_credentials_chain chain(o);
    io_transport t;
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(chain.outcome().value.access_key_id == "AKIAPROC");
    CHECK(argv == std::vector<std::string>{"/usr/bin/get-creds", "--json"});
}

TEST_CASE("chain: nothing anywhere fails within seconds and names every provider", "[chain]") {
    default_credentials_chain chain(chain_options({}));
    io_transport t;
    for (int i = 0; i < 3; ++i) t.fail(errc::timeout); // no IMDS on this laptop
    time_point now = at(1700000000);
    const time_point start = now;
    CHECK(drive(chain, t, now).kind == action_kind::failed);
    const provider_result& r = chain.outcome();
    CHECK(r.status == provider_status::failed);
    CHECK(r.error == errc::no_credentials);
    for (const char* name : {"environment", "profile", "web-identity", "container", "imds"}) {
        INFO(name << " in: " << r.diag.message);
        CHECK(r.diag.message.find(std::string(name) + ":") != std::string::npos);
    }
    CHECK(t.sent.size() == 1); // one IMDS token attempt, bounded by its 1 s timeout
    CHECK(now == start);
}

TEST_CASE("chain: nothing anywhere while something at the IMDS address refuses the token (403)", "[chain]") {
    default_credentials_chain chain(chain_options({}));
    io_transport t;
    t.respond(403);
    time_point now = at(1700000000);
    CHECK(drive(chain, t, now).kind == action_kind::failed);
    CHECK(chain.outcome().error == errc::no_credentials);
    CHECK(chain.current_state() == default_credentials_chain::state::finished);
    CHECK(chain.outcome().diag.message.find("imds: request forbidden") != std::string::npos);
}

TEST_CASE("chain: role from a profile, assumed with static source keys (signed)", "[chain]") {
    default_credentials_chain chain(chain_options(
        {{"AWS_PROFILE", "admin"}, {"AWS_REGION", "eu-north-1"}},
        {{"/home/u/.aws/config", "[profile admin]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nexternal_id = E\n"},
         {"/home/u/.aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n"}}));
    io_transport t;
    t.respond(200, sts_assume_role_reply());
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    REQUIRE(t.sent.size() == 1);
    CHECK(t.sent[0].host == "sts.eu-north-1.amazonaws.com");
    CHECK(t.sent[0].headers.find("Authorization")->find("Credential=AKIABASE/20231114/eu-north-1/sts/aws4_request") != std::string::npos);
    CHECK(t.sent[0].body.find("ExternalId=E") != std::string::npos);
    CHECK(chain.outcome().value.access_key_id == "ASIAROLE");
    CHECK(chain.outcome().value.account_id == "111122223333");
    // Where they came from, for `appconfigdata credentials`: the profile, its name and kind, never a secret.
    CHECK(chain.outcome().value.provider == "profile");
    CHECK(chain.outcome().value.provider_detail == "admin (assume-role arn:aws:iam::111122223333:role/R via static)");
}

TEST_CASE("chain: container before IMDS; a broken container configuration stops the chain", "[chain]") {
    time_point now = at(1700000000);
    {
        default_credentials_chain chain(chain_options({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}}));
        io_transport t;
        t.respond(200, credential_json());
        REQUIRE(drive(chain, t, now).kind == action_kind::done);
        CHECK(chain.answered_by() == "container");
    }
    {
        default_credentials_chain chain(chain_options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example/"}}));
        io_transport t;
        CHECK(drive(chain, t, now).kind == action_kind::failed);
        CHECK(chain.outcome().error == errc::invalid_url);
        CHECK(chain.outcome().diag.message.rfind("container:", 0) == 0);
        CHECK(t.sent.empty());
    }
}

TEST_CASE("chain: IMDSv2 on a loopback endpoint", "[chain]") {
    default_credentials_chain chain(chain_options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338"}}));
    io_transport t;
    t.respond(200, "TOK").respond(200, "role").respond(200, credential_json());
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(t.sent[0].url_string() == "http://127.0.0.1:1338/latest/api/token");
    CHECK(chain.answered_by() == "imds");
}

TEST_CASE("chain: restart refreshes through the provider that answered", "[chain]") {
    default_credentials_chain chain(chain_options({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}}));
    io_transport t;
    t.respond(200, credential_json("2030-01-01T00:00:00Z")).respond(200, credential_json("2031-01-01T00:00:00Z"));
    time_point now = at(1700000000);
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    chain.restart();
    REQUIRE(drive(chain, t, now).kind == action_kind::done);
    CHECK(t.sent.size() == 2);
    CHECK(chain.outcome().value.expiration == at(1924992000));
}

TEST_CASE("chain: transport fails at each step of a profile role chain over IMDS", "[chain][sweep]") {
    auto make = [] {
        return std::make_unique<default_credentials_chain>(
            chain_options({{"AWS_REGION", "us-east-1"}},
                          {{"/home/u/.aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Ec2InstanceMetadata\n"}}));
    };
    auto good = [](int step) {
        switch (step) {
        case 0: return response(200, "TOK");
        case 1: return response(200, "role");
        case 2: return response(200, credential_json());
        default: return response(200, sts_assume_role_reply());
        }
    };
    transport_failure_sweep(4, make, good, [](int step, const provider_result& r) {
        CHECK(r.status == provider_status::failed);
        CHECK(r.error == errc::timeout);
        CHECK(r.diag.message.find(step < 3 ? "imds" : "assume-role") != std::string::npos);
    });
}

// ---------------------------------------------------------------- cache

namespace {

// A provider that answers from a queue, counting fetches.
class fake_provider final : public credentials_provider {
public:
    std::vector<provider_result> answers;
    int fetches = 0;
    std::string_view name() const noexcept override { return "fake"; }
    action next(time_point) override {
        if (!started_) {
            started_ = true;
            result_ = answers.at(static_cast<std::size_t>(fetches++));
        }
        return result_.status == provider_status::ready ? action::finished() : action::fail();
    }
    std::error_code on_response(const http::response&, time_point) override { return errc::invalid_state; }
    std::error_code on_transport_error(std::error_code, time_point) override { return errc::invalid_state; }
    const provider_result& outcome() const noexcept override { return result_; }
    void restart() override { started_ = false; }

private:
    bool started_ = false;
    provider_result result_;
};

provider_result creds_until(time_point expiry, const char* id) {
    credentials c;
    c.access_key_id = id;
    c.secret_access_key = secret_key;
    c.expiration = expiry;
    return ready_result(c);
}

} // namespace

TEST_CASE("cache: serves cached credentials, refreshes ahead of expiry, keeps serving while refreshing", "[cache]") {
    const time_point t0 = at(1700000000);
    auto inner = std::make_unique<fake_provider>();
    fake_provider* fake = inner.get();
    fake->answers = {creds_until(t0 + std::chrono::hours(1), "A"), creds_until(t0 + std::chrono::hours(2), "B")};
    cached_credentials_provider cache(std::move(inner));
    CHECK(cache.current(t0) == nullptr);
    REQUIRE(cache.next(t0).kind == action_kind::done);
    REQUIRE(cache.current(t0));
    CHECK(cache.current(t0)->access_key_id == "A");
    CHECK(cache.refresh_at() == t0 + std::chrono::minutes(55));
    // Before the window: no fetch.
    CHECK(cache.next(t0 + std::chrono::minutes(30)).kind == action_kind::done);
    CHECK(fake->fetches == 1);
    // In the window: refresh; the old credentials were served up to that moment.
    CHECK(cache.current(t0 + std::chrono::minutes(56))->access_key_id == "A");
    CHECK(cache.next(t0 + std::chrono::minutes(56)).kind == action_kind::done);
    CHECK(fake->fetches == 2);
    CHECK(cache.current(t0 + std::chrono::minutes(56))->access_key_id == "B");
}

TEST_CASE("cache: a failed refresh keeps the valid credentials and retries later", "[cache]") {
    const time_point t0 = at(1700000000);
    auto inner = std::make_unique<fake_provider>();
    fake_provider* fake = inner.get();
    fake->answers = {creds_until(t0 + std::chrono::hours(1), "A"),
                     error_result(provider_status::failed, errc::timeout, "down"),
                     creds_until(t0 + std::chrono::hours(2), "B")};
    cached_credentials_provider cache(std::move(inner));
    REQUIRE(cache.next(t0).kind == action_kind::done);
    const time_point t1 = t0 + std::chrono::minutes(56);
    CHECK(cache.next(t1).kind == action_kind::done); // refresh failed, still serving A
    CHECK(cache.current(t1)->access_key_id == "A");
    CHECK(cache.last_refresh_error().error == errc::timeout);
    CHECK(cache.refresh_at() == t1 + std::chrono::seconds(30));
    CHECK(cache.next(t1 + std::chrono::seconds(10)).kind == action_kind::done);
    CHECK(fake->fetches == 2);
    CHECK(cache.next(t1 + std::chrono::seconds(30)).kind == action_kind::done);
    CHECK(fake->fetches == 3);
    CHECK(cache.current(t1 + std::chrono::seconds(30))->access_key_id == "B");
}

TEST_CASE("cache: credentials without expiry are cached for good; expired answers and hard failures fail", "[cache]") {
    const time_point t0 = at(1700000000);
    {
        auto inner = std::make_unique<fake_provider>();
        fake_provider* fake = inner.get();
        credentials c;
        c.access_key_id = "STATIC";
        c.secret_access_key = secret_key;
        fake->answers = {ready_result(c)};
        cached_credentials_provider cache(std::move(inner));
        REQUIRE(cache.next(t0).kind == action_kind::done);
        CHECK(cache.next(t0 + std::chrono::hours(24 * 365)).kind == action_kind::done);
        CHECK(fake->fetches == 1);
        CHECK(cache.refresh_at() == time_point::max());
    }
    {
        auto inner = std::make_unique<fake_provider>();
        inner->answers = {creds_until(t0 - std::chrono::seconds(1), "OLD")};
        cached_credentials_provider cache(std::move(inner));
        CHECK(cache.next(t0).kind == action_kind::failed);
        CHECK(cache.outcome().error == errc::credentials_expired);
        CHECK(cache.current(t0) == nullptr);
    }
    {
        auto inner = std::make_unique<fake_provider>();
        inner->answers = {error_result(provider_status::failed, errc::access_denied, "no")};
        cached_credentials_provider cache(std::move(inner));
        CHECK(cache.next(t0).kind == action_kind::failed);
        CHECK(cache.outcome().error == errc::access_denied);
    }
    {
        // Short-lived credentials: refresh at half their remaining life, not before they are fetched.
        auto inner = std::make_unique<fake_provider>();
        inner->answers = {creds_until(t0 + std::chrono::minutes(4), "SHORT")};
        cached_credentials_provider cache(std::move(inner));
        REQUIRE(cache.next(t0).kind == action_kind::done);
        CHECK(cache.refresh_at() == t0 + std::chrono::minutes(2));
    }
}

TEST_CASE("cache: over the real chain, refresh sends while current() keeps serving", "[cache]") {
    const time_point t0 = at(1700000000);
    cached_credentials_provider cache(std::make_unique<default_credentials_chain>(chain_options({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}})));
    io_transport t;
    t.respond(200, credential_json("2023-11-14T23:13:20Z")); // t0 + 1 h
    time_point now = t0;
    REQUIRE(drive(cache, t, now).kind == action_kind::done);
    const time_point t1 = t0 + std::chrono::minutes(57);
    const action a = cache.next(t1);
    REQUIRE(a.kind == action_kind::send);   // the refresh request
    REQUIRE(cache.current(t1));            // ...while the old credentials are still served
    CHECK(cache.refreshing());
    cache.on_response(response(200, credential_json("2023-11-15T00:13:20Z")), t1);
    CHECK(cache.next(t1).kind == action_kind::done);
    CHECK(cache.current(t1)->expiration == t0 + std::chrono::hours(2));
}

// ---------------------------------------------------------------- region chain

TEST_CASE("region chain: pure sources first, then IMDS", "[region]") {
    time_point now = at(1700000000);
    {
        auto o = chain_options({{"AWS_DEFAULT_REGION", "ap-south-1"}});
        region_chain r = region_chain::from(o);
        io_transport t;
        CHECK(drive(r, t, now).kind == action_kind::done);
        CHECK(r.choice().region == "ap-south-1");
        CHECK(r.choice().source == region_source::aws_default_region);
        CHECK(t.sent.empty());
    }
    {
        auto o = chain_options({}, {{"/home/u/.aws/config", "[default]\nregion = sa-east-1\n"}});
        region_chain r = region_chain::from(o);
        io_transport t;
        CHECK(drive(r, t, now).kind == action_kind::done);
        CHECK(r.choice().region == "sa-east-1");
    }
    {
        region_chain r = region_chain::from(chain_options({}));
        io_transport t;
        t.respond(200, "TOK").respond(200, "ca-central-1");
        CHECK(drive(r, t, now).kind == action_kind::done);
        CHECK(r.choice().region == "ca-central-1");
        CHECK(r.choice().source == region_source::imds);
    }
    {
        region_chain r = region_chain::from(chain_options({}));
        io_transport t;
        t.fail().fail().fail();
        CHECK(drive(r, t, now).kind == action_kind::failed);
        CHECK(r.outcome().error == errc::invalid_region);
        CHECK(r.outcome().diag.message.find("AWS_REGION") != std::string::npos);
    }
}
