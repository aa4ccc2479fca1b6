// Cognito identity pools: cognito_identity_provider against a Cognito Identity stand-in written for
// these tests (it checks every request: target header, JSON body, Host, no Authorization).
#include "remote_test_support.hpp"

#include <appconfigdata/credentials/cognito.hpp>
#include <appconfigdata/credentials/default_chain.hpp>
#include <appconfigdata/driver/machine.hpp>

#include <boost/json/parse.hpp>

#include <deque>
#include <set>

using namespace appconfigdata;
using namespace remote_test;
using test_support::drive;

static_assert(driver::check_machine<cognito_identity_provider>());
static_assert(driver::is_machine_v<cognito_identity_provider>);

namespace {

constexpr const char* pool = "eu-west-1:0123abcd-4567-89ef-0123-456789abcdef";
constexpr const char* login_token = "LOGINTOKEN-zyxwv-0004";

// A small Cognito Identity: GetId creates identities, GetCredentialsForIdentity issues credentials that
// live `lifetime` from the virtual `clock`. `forced` answers go first (status, body), in order.
struct cognito_standin {
    std::string expected_host = "cognito-identity.eu-west-1.amazonaws.com";
    std::set<std::string> identities;     // the ids the pool knows
    seconds lifetime{3600};
    const time_point* clock = nullptr;
    std::deque<std::pair<int, std::string>> forced;
    std::deque<std::pair<int, std::string>> forced_credentials; // only for GetCredentialsForIdentity, before `forced`
    std::deque<std::error_code> transport_failures;
    std::map<std::string, std::string> expected_logins; // checked on every call
    std::string expected_role;                           // CustomRoleArn expected on GetCredentialsForIdentity
    int get_id = 0, get_credentials = 0, next_id = 1;
    std::vector<time_point> issued_at, expires_at;
    std::vector<acd::http::request> sent;
    std::vector<std::string> targets;
    // The basic flow: GetOpenIdToken issues open_id_token; STS (sts_host) takes it in AssumeRoleWithWebIdentity.
    std::string open_id_token = "OPENIDTOKEN-zyxwv-0005";
    std::string sts_host = "sts.eu-west-1.amazonaws.com";
    std::string expected_role_arn = "arn:aws:iam::123456789012:role/Cognito_PoolUnauth";
    std::deque<std::pair<int, std::string>> forced_sts;
    int get_token = 0, assume = 0;
    acd::file_reader read_file;           // login token files (driven by test_support::drive)
    acd::process_runner run_process;      // never used: Cognito runs no process
    int processes_run = 0;
    std::vector<std::string> files_read;

    std::error_code sts(const acd::http::request& r, acd::http::response& out) {
        ++assume;
        CHECK(r.method == "POST");
        CHECK(r.headers.find("authorization") == nullptr); // AssumeRoleWithWebIdentity is unsigned
        CHECK(r.body.find("Action=AssumeRoleWithWebIdentity") != std::string::npos);
        std::string role;
        acd::http::append_percent_encoded(role, expected_role_arn);
        CHECK(r.body.find("RoleArn=" + role) != std::string::npos);
        CHECK(r.body.find("WebIdentityToken=" + open_id_token) != std::string::npos);
        out = acd::http::response{};
        if (take_forced(forced_sts, out)) return {};
        const time_point now = clock ? *clock : at(1700000000);
        const time_point exp = now + lifetime;
        issued_at.push_back(now);
        expires_at.push_back(exp);
        out.status = 200;
        out.body = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult>"
                   "<Credentials><AccessKeyId>ASIABASIC" + std::to_string(assume) + "</AccessKeyId><SecretAccessKey>" + secret_key +
                   "</SecretAccessKey><SessionToken>" + session_token + "</SessionToken><Expiration>" + acd::http::format_iso8601(exp) +
                   "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
        return {};
    }

    std::error_code operator()(const acd::http::request& r, acd::http::response& out) {
        if (r.host == sts_host) return sts(r, out);
        sent.push_back(r);
        CHECK(acd::http::framing_problem(r).value_or("") == "");
        CHECK(r.method == "POST");
        CHECK(r.path == "/");
        CHECK(r.host == expected_host);
        CHECK(r.headers.find("authorization") == nullptr);
        CHECK(r.headers.find("x-amz-security-token") == nullptr);
        REQUIRE(r.headers.find("content-type"));
        CHECK(*r.headers.find("content-type") == "application/x-amz-json-1.1");
        REQUIRE(r.headers.find("x-amz-target"));
        const std::string target = *r.headers.find("x-amz-target");
        targets.push_back(target);
        boost::json::error_code jec;
        boost::json::value v = boost::json::parse(r.body, jec);
        REQUIRE(!jec);
        REQUIRE(v.is_object());
        const boost::json::object& body = v.as_object();
        check_logins(body);
        if (!transport_failures.empty()) {
            const auto ec = transport_failures.front();
            transport_failures.pop_front();
            return ec;
        }
        out = acd::http::response{};
        out.headers.add("x-amzn-RequestId", "req-" + std::to_string(sent.size()));
        if (target == "AWSCognitoIdentityService.GetId") {
            ++get_id;
            CHECK(body.size() == (expected_logins.empty() ? 1u : 2u));
            REQUIRE(body.if_contains("IdentityPoolId"));
            CHECK(body.at("IdentityPoolId").as_string() == pool);
            if (take_forced(forced, out)) return {};
            const std::string id = "eu-west-1:id-" + std::to_string(next_id++);
            identities.insert(id);
            out.status = 200;
            out.body = "{\"IdentityId\":\"" + id + "\"}";
            return {};
        }
        if (target == "AWSCognitoIdentityService.GetCredentialsForIdentity") {
            ++get_credentials;
            REQUIRE(body.if_contains("IdentityId"));
            const std::string id(body.at("IdentityId").as_string().c_str());
            if (expected_role.empty()) CHECK(!body.if_contains("CustomRoleArn"));
            else {
                REQUIRE(body.if_contains("CustomRoleArn"));
                CHECK(body.at("CustomRoleArn").as_string() == expected_role.c_str());
            }
            if (take_forced(forced_credentials, out) || take_forced(forced, out)) return {};
            if (!identities.count(id)) {
                out.status = 400;
                out.body = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Identity '" + id + "' not found.\"}";
                return {};
            }
            const time_point now = clock ? *clock : at(1700000000);
            const time_point exp = now + lifetime;
            issued_at.push_back(now);
            expires_at.push_back(exp);
            out.status = 200;
            out.body = "{\"IdentityId\":\"" + id + "\",\"Credentials\":{\"AccessKeyId\":\"ASIACOGNITO" + std::to_string(get_credentials) +
                       "\",\"SecretKey\":\"" + secret_key + "\",\"SessionToken\":\"" + session_token +
                       "\",\"Expiration\":" + std::to_string(std::chrono::duration_cast<seconds>(exp.time_since_epoch()).count()) + "}}";
            return {};
        }
        if (target == "AWSCognitoIdentityService.GetOpenIdToken") {
            ++get_token;
            REQUIRE(body.if_contains("IdentityId"));
            const std::string id(body.at("IdentityId").as_string().c_str());
            if (take_forced(forced_credentials, out) || take_forced(forced, out)) return {};
            if (!identities.count(id)) {
                out.status = 400;
                out.body = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Identity '" + id + "' not found.\"}";
                return {};
            }
            out.status = 200;
            out.body = "{\"IdentityId\":\"" + id + "\",\"Token\":\"" + open_id_token + "\"}";
            return {};
        }
        FAIL("unexpected X-Amz-Target " << target);
        return acd::errc::transport_failed;
    }

    static bool take_forced(std::deque<std::pair<int, std::string>>& q, acd::http::response& out) {
        if (q.empty()) return false;
        out.status = q.front().first;
        out.body = q.front().second;
        q.pop_front();
        return true;
    }

    void check_logins(const boost::json::object& body) const {
        if (expected_logins.empty()) {
            CHECK(!body.if_contains("Logins"));
            return;
        }
        REQUIRE(body.if_contains("Logins"));
        REQUIRE(body.at("Logins").is_object());
        const auto& l = body.at("Logins").as_object();
        CHECK(l.size() == expected_logins.size());
        for (const auto& e : expected_logins) {
            REQUIRE(l.if_contains(e.first));
            CHECK(l.at(e.first).as_string() == e.second.c_str());
        }
    }
};

cognito_options options() {
    cognito_options o;
    o.identity_pool_id = pool;
    return o;
}

std::string err(const char* type, const std::string& message) {
    return std::string("{\"__type\":\"") + type + "\",\"message\":\"" + message + "\"}";
}

} // namespace

TEST_CASE("cognito: unauthenticated identity, GetId then GetCredentialsForIdentity", "[cognito]") {
    cognito_standin s;
    std::vector<std::string> stored;
    cognito_options o = options();
    o.store_identity_id = [&](const std::string& id) { stored.push_back(id); };
    cognito_identity_provider p(std::move(o));
    time_point now = at(1700000000);
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.get_id == 1);
    CHECK(s.get_credentials == 1);
    CHECK(s.targets == std::vector<std::string>{"AWSCognitoIdentityService.GetId", "AWSCognitoIdentityService.GetCredentialsForIdentity"});
    const credentials& c = p.outcome().value;
    CHECK(c.access_key_id == "ASIACOGNITO1");
    CHECK(c.secret_access_key.reveal() == secret_key);
    CHECK(c.session_token.reveal() == session_token);
    REQUIRE(c.expiration);
    CHECK(*c.expiration == now + seconds(3600));
    CHECK(c.provider == "cognito");
    CHECK(p.identity_id() == "eu-west-1:id-1");
    CHECK(stored == std::vector<std::string>{"eu-west-1:id-1"});
    CHECK(p.current_state() == cognito_identity_provider::state::finished);
    check_no_secrets(p.outcome());

    // A refresh keeps the identity id: only GetCredentialsForIdentity.
    p.restart();
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.get_id == 1);
    CHECK(s.get_credentials == 2);
    CHECK(p.outcome().value.access_key_id == "ASIACOGNITO2");
}

TEST_CASE("cognito: authenticated identity sends Logins and CustomRoleArn; a stored id skips GetId", "[cognito]") {
    cognito_standin s;
    s.expected_logins = {{"accounts.google.com", login_token}, {"graph.facebook.com", std::string(login_token) + "-fb"}};
    s.expected_role = "arn:aws:iam::123456789012:role/Players";
    s.identities.insert("eu-west-1:stored");
    cognito_options o = options();
    o.logins = {{"accounts.google.com", login_token}, {"graph.facebook.com", std::string(login_token) + "-fb"}};
    o.custom_role_arn = s.expected_role;
    o.identity_id = "eu-west-1:stored";
    int stores = 0;
    o.store_identity_id = [&](const std::string&) { ++stores; };
    cognito_identity_provider p(std::move(o));
    time_point now = at(1700000000);
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.get_id == 0);
    CHECK(s.get_credentials == 1);
    CHECK(stores == 0); // the id did not change
    CHECK(p.identity_id() == "eu-west-1:stored");

    SECTION("and with GetId when no id is stored") {
        cognito_options o2 = options();
        o2.logins = {{"accounts.google.com", login_token}, {"graph.facebook.com", std::string(login_token) + "-fb"}};
        o2.custom_role_arn = s.expected_role;
        cognito_identity_provider p2(std::move(o2));
        REQUIRE(drive(p2, s, now).kind == action_kind::done);
        CHECK(s.get_id == 1);
        CHECK(s.sent.back().body.find("\"CustomRoleArn\"") != std::string::npos);
    }
}

TEST_CASE("cognito: a stored id the pool does not know is dropped, GetId once more (once)", "[cognito]") {
    for (const char* type : {"ResourceNotFoundException", "NotAuthorizedException"}) {
        DYNAMIC_SECTION(type) {
            cognito_standin s;
            s.forced.emplace_back(400, err(type, "Identity 'eu-west-1:gone' not found."));
            std::vector<std::string> stored;
            cognito_options o = options();
            o.identity_id = "eu-west-1:gone";
            o.store_identity_id = [&](const std::string& id) { stored.push_back(id); };
            cognito_identity_provider p(std::move(o));
            time_point now = at(1700000000);
            REQUIRE(drive(p, s, now).kind == action_kind::done);
            CHECK(s.get_id == 1);
            CHECK(s.get_credentials == 2);
            CHECK(p.identity_id() == "eu-west-1:id-1");
            CHECK(stored == std::vector<std::string>{"", "eu-west-1:id-1"});
        }
    }
    SECTION("not twice: a fresh id refused as well fails") {
        cognito_standin s;
        s.forced_credentials.emplace_back(400, err("NotAuthorizedException", "Access to Identity is forbidden"));
        s.forced_credentials.emplace_back(400, err("NotAuthorizedException", "Access to Identity is forbidden"));
        cognito_options o = options();
        o.identity_id = "eu-west-1:stored";
        cognito_identity_provider p(std::move(o));
        time_point now = at(1700000000);
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(s.get_id == 1);
        CHECK(s.get_credentials == 2);
        CHECK(p.outcome().error == errc::access_denied);
        CHECK(p.outcome().diag.error_type == "NotAuthorizedException");
    }
}

TEST_CASE("cognito: TooManyRequestsException, 5xx and transport errors are retried", "[cognito]") {
    cognito_standin s;
    s.forced.emplace_back(400, err("TooManyRequestsException", "Rate exceeded"));
    s.forced.emplace_back(503, "");
    cognito_options o = options();
    cognito_identity_provider p(std::move(o));
    time_point now = at(1700000000);
    const time_point start = now;
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.get_id == 3); // TooManyRequests, 503, then the answer
    CHECK(s.get_credentials == 1);
    CHECK(now > start);            // the backoff waited

    SECTION("until the attempts run out") {
        cognito_standin s2;
        for (int i = 0; i < 3; ++i) s2.forced.emplace_back(400, err("TooManyRequestsException", "Rate exceeded"));
        cognito_identity_provider p2(options());
        REQUIRE(drive(p2, s2, now).kind == action_kind::failed);
        CHECK(s2.get_id == 3);
        CHECK(p2.outcome().error == errc::throttling);
        CHECK(p2.outcome().diag.error_type == "TooManyRequestsException");
        CHECK(p2.outcome().diag.message == "Rate exceeded");
        CHECK(p2.outcome().diag.http_status == 400);
    }
    SECTION("transport errors") {
        cognito_standin s3;
        s3.transport_failures = {errc::timeout, errc::timeout};
        cognito_identity_provider p3(options());
        REQUIRE(drive(p3, s3, now).kind == action_kind::done);
        cognito_standin s4;
        s4.transport_failures = {errc::timeout, errc::timeout, errc::timeout};
        cognito_identity_provider p4(options());
        REQUIRE(drive(p4, s4, now).kind == action_kind::failed);
        CHECK(p4.outcome().error == errc::timeout);
        CHECK(p4.outcome().diag.message.find("GetId") != std::string::npos);
    }
}

TEST_CASE("cognito: service errors are typed with __type and message, login tokens redacted", "[cognito]") {
    struct row {
        int status;
        std::string body;
        errc code;
        const char* type;
    };
    const row rows[] = {
        {400, err("com.amazonaws.cognito.identity.model#InvalidParameterException", "bad pool"), errc::bad_request, "InvalidParameterException"},
        {400, err("NotAuthorizedException", std::string("Invalid login token ") + login_token), errc::access_denied, "NotAuthorizedException"},
        {400, err("ResourceNotFoundException", "IdentityPool 'x' not found."), errc::resource_not_found, "ResourceNotFoundException"},
        {400, err("LimitExceededException", "too many identities"), errc::service_error, "LimitExceededException"},
        {403, "not json", errc::unexpected_status, ""},
    };
    for (const auto& r : rows) {
        DYNAMIC_SECTION(r.status << " " << r.type) {
            cognito_standin s;
            s.expected_logins = {{"accounts.google.com", login_token}};
            s.forced.emplace_back(r.status, r.body);
            cognito_options o = options();
            o.logins = {{"accounts.google.com", login_token}};
            cognito_identity_provider p(std::move(o));
            time_point now = at(1700000000);
            REQUIRE(drive(p, s, now).kind == action_kind::failed);
            CHECK(s.get_id == 1);
            CHECK(p.outcome().status == provider_status::failed);
            CHECK(p.outcome().error == r.code);
            CHECK(p.outcome().diag.error_type == r.type);
            CHECK(p.outcome().diag.http_status == r.status);
            CHECK(p.outcome().diag.request_id == "req-1");
            const std::string text = printed(p.outcome());
            INFO(text);
            CHECK(text.find(login_token) == std::string::npos);
            check_no_secrets(p.outcome());
        }
    }
    SECTION("the type from the x-amzn-ErrorType header when the body has none") {
        // The header form "Code:http://..." names the code before ':'.
        cognito_identity_provider p(options());
        time_point now = at(1700000000);
        REQUIRE(p.next(now).kind == action_kind::send);
        acd::http::response r = response(400, "{}");
        r.headers.add("x-amzn-ErrorType", "NotAuthorizedException:http://internal.amazon.com/coral/");
        REQUIRE(!p.on_response(r, now));
        REQUIRE(p.next(now).kind == action_kind::failed);
        CHECK(p.outcome().diag.error_type == "NotAuthorizedException");
        CHECK(p.outcome().error == errc::access_denied);
    }
}

TEST_CASE("cognito: bad input gets typed errors", "[cognito]") {
    SECTION("malformed pool ids, before any request") {
        for (const char* id : {"", "no-colon", ":0123", "us-east-1:", "us-east-1:XYZ", "-bad-:0123",
                               "us-east-1:0123abcd-4567-89ef-0123-456789abcdef-0123456789abcdef"}) {
            DYNAMIC_SECTION("pool id '" << id << "'") {
                cognito_standin s;
                cognito_options o;
                o.identity_pool_id = id;
                cognito_identity_provider p(std::move(o));
                time_point now = at(1700000000);
                REQUIRE(drive(p, s, now).kind == action_kind::failed);
                CHECK(s.sent.empty());
                CHECK((p.outcome().error == errc::invalid_argument || p.outcome().error == errc::invalid_region));
                CHECK(!p.outcome().diag.message.empty());
            }
        }
    }
    SECTION("an empty login token") {
        cognito_standin s;
        cognito_options o = options();
        o.logins = {{"accounts.google.com", ""}};
        cognito_identity_provider p(std::move(o));
        time_point now = at(1700000000);
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_argument);
        CHECK(s.sent.empty());
    }
    SECTION("replies") {
        const time_point t0 = at(1700000000);
        struct row {
            const char* what;
            std::string get_credentials_body;
            errc code;
        };
        const std::string good_creds = std::string("\"AccessKeyId\":\"ASIA\",\"SecretKey\":\"") + secret_key + "\",\"SessionToken\":\"" + session_token + "\"";
        const row rows[] = {
            {"not JSON", "{\"IdentityId\":", errc::malformed_response},
            {"not an object", "[1,2]", errc::malformed_response},
            {"no Credentials", "{\"IdentityId\":\"eu-west-1:id-1\"}", errc::malformed_response},
            {"Credentials not an object", "{\"Credentials\":\"x\"}", errc::malformed_response},
            {"no SecretKey", "{\"Credentials\":{\"AccessKeyId\":\"ASIA\",\"SessionToken\":\"t\",\"Expiration\":1800000000}}", errc::malformed_response},
            {"no Expiration", "{\"Credentials\":{" + good_creds + "}}", errc::malformed_response},
            {"Expiration as a string", "{\"Credentials\":{" + good_creds + ",\"Expiration\":\"2030-01-01T00:00:00Z\"}}", errc::malformed_response},
            {"Expiration negative", "{\"Credentials\":{" + good_creds + ",\"Expiration\":-5}}", errc::malformed_response},
            {"Expiration huge", "{\"Credentials\":{" + good_creds + ",\"Expiration\":1e300}}", errc::malformed_response},
            {"Expiration in the past", "{\"Credentials\":{" + good_creds + ",\"Expiration\":1600000000}}", errc::credentials_expired},
        };
        for (const auto& r : rows) {
            DYNAMIC_SECTION(r.what) {
                cognito_standin s;
                s.identities.insert("eu-west-1:id-1");
                s.forced.emplace_back(200, r.get_credentials_body);
                cognito_options o = options();
                o.identity_id = "eu-west-1:id-1";
                cognito_identity_provider p(std::move(o));
                time_point now = t0;
                REQUIRE(drive(p, s, now).kind == action_kind::failed);
                CHECK(p.outcome().error == r.code);
                CHECK(p.outcome().diag.message.find("GetCredentialsForIdentity") != std::string::npos);
                check_no_secrets(p.outcome());
            }
        }
        SECTION("a GetId reply without IdentityId") {
            cognito_standin s;
            s.forced.emplace_back(200, "{\"Other\":1}");
            cognito_identity_provider p(options());
            time_point now = t0;
            REQUIRE(drive(p, s, now).kind == action_kind::failed);
            CHECK(p.outcome().error == errc::malformed_response);
        }
        SECTION("a fractional Expiration is read") {
            cognito_standin s;
            s.identities.insert("eu-west-1:id-1");
            s.forced.emplace_back(200, "{\"Credentials\":{" + good_creds + ",\"Expiration\":1.8e9}}");
            cognito_options o = options();
            o.identity_id = "eu-west-1:id-1";
            cognito_identity_provider p(std::move(o));
            time_point now = t0;
            REQUIRE(drive(p, s, now).kind == action_kind::done);
            CHECK(*p.outcome().value.expiration == at(1800000000));
        }
    }
    SECTION("inputs the machine was not waiting for") {
        cognito_identity_provider p(options());
        const time_point now = at(1700000000);
        CHECK(p.on_response(response(200, "{}"), now) == errc::invalid_state);
        CHECK(p.on_transport_error(errc::timeout, now) == errc::invalid_state);
        CHECK(p.current_state() == cognito_identity_provider::state::start);
    }
}

TEST_CASE("cognito: endpoints from the pool's region, the partition table, FIPS, dual-stack, endpoint_url", "[cognito]") {
    struct row {
        const char* pool_id;
        bool fips, dual;
        const char* url;
        const char* host;
    };
    const row rows[] = {
        {"us-east-1:0123", false, false, "", "cognito-identity.us-east-1.amazonaws.com"},
        {"cn-north-1:0123", false, false, "", "cognito-identity.cn-north-1.amazonaws.com.cn"},
        {"us-east-1:0123", true, false, "", "cognito-identity-fips.us-east-1.amazonaws.com"},
        {"us-east-1:0123", false, true, "", "cognito-identity.us-east-1.api.aws"},
        {"us-east-1:0123", false, false, "http://127.0.0.1:4566", "127.0.0.1:4566"},
    };
    for (const auto& r : rows) {
        DYNAMIC_SECTION(r.pool_id << " fips=" << r.fips << " dual=" << r.dual << " " << r.url) {
            cognito_options o;
            o.identity_pool_id = r.pool_id;
            o.use_fips = r.fips;
            o.use_dual_stack = r.dual;
            o.endpoint_url = r.url;
            cognito_identity_provider p(std::move(o));
            const action a = p.next(at(1700000000));
            REQUIRE(a.kind == action_kind::send);
            CHECK(a.request->host == r.host);
            CHECK(a.request->path == "/");
            CHECK(a.request->scheme == (std::string(r.url).empty() ? "https" : "http"));
        }
    }
    SECTION("a bad endpoint_url") {
        cognito_options o = options();
        o.endpoint_url = "not a url";
        cognito_identity_provider p(std::move(o));
        CHECK(p.next(at(1700000000)).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_url);
    }
}

TEST_CASE("cognito: a virtual hour under cached_credentials_provider with 90 s credentials", "[cognito][cache]") {
    time_point now = at(1700000000);
    const time_point end = now + std::chrono::hours(1);
    cognito_standin s;
    s.lifetime = seconds(90);
    s.clock = &now;
    std::vector<std::string> stored;
    cognito_options o = options();
    o.store_identity_id = [&](const std::string& id) { stored.push_back(id); };
    cached_credentials_provider cache(std::make_unique<cognito_identity_provider>(std::move(o)));
    int served = 0;
    while (now < end) {
        REQUIRE(drive(cache, s, now).kind == action_kind::done);
        const credentials* c = cache.current(now);
        REQUIRE(c);
        CHECK(c->provider == "cognito");
        ++served;
        now += seconds(5);
    }
    CHECK(served == 720);
    CHECK(s.get_id == 1);
    CHECK(stored.size() == 1);
    // Refreshed in the second half of each lifetime (45 s before expiry, polled every 5 s): ~80 times.
    CHECK(s.get_credentials >= 75);
    CHECK(s.get_credentials <= 85);
    REQUIRE(s.issued_at.size() == static_cast<std::size_t>(s.get_credentials));
    for (std::size_t i = 1; i < s.issued_at.size(); ++i) {
        INFO("refresh " << i);
        CHECK(s.issued_at[i] < s.expires_at[i - 1]);                 // before the previous credentials expired
        CHECK(s.issued_at[i] >= s.expires_at[i - 1] - seconds(45)); // not earlier than the refresh window
    }
    check_no_secrets(cache.outcome());
}

TEST_CASE("cognito basic flow: GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity with the token", "[cognito][basic]") {
    cognito_standin s;
    cognito_options o = options();
    o.flow = cognito_flow::basic;
    o.role_arn = s.expected_role_arn;
    o.role_session_name = "player";
    std::vector<std::string> stored;
    o.store_identity_id = [&](const std::string& id) { stored.push_back(id); };
    cognito_identity_provider p(std::move(o));
    time_point now = at(1700000000);
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.targets == std::vector<std::string>{"AWSCognitoIdentityService.GetId", "AWSCognitoIdentityService.GetOpenIdToken"});
    CHECK(s.get_credentials == 0);
    CHECK(s.assume == 1);
    const credentials& c = p.outcome().value;
    CHECK(c.access_key_id == "ASIABASIC1");
    CHECK(c.secret_access_key.reveal() == secret_key);
    REQUIRE(c.expiration);
    CHECK(*c.expiration == now + seconds(3600));
    CHECK(c.provider == "cognito");
    CHECK(stored == std::vector<std::string>{"eu-west-1:id-1"});
    check_no_secrets(p.outcome());

    SECTION("a refresh asks for a new token, not a new identity") {
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::done);
        CHECK(s.get_id == 1);
        CHECK(s.get_token == 2);
        CHECK(s.assume == 2);
        CHECK(p.outcome().value.access_key_id == "ASIABASIC2");
    }
    SECTION("a stored id the pool forgot is dropped once") {
        cognito_options o2 = options();
        o2.flow = cognito_flow::basic;
        o2.role_arn = s.expected_role_arn;
        o2.identity_id = "eu-west-1:gone";
        cognito_identity_provider p2(std::move(o2));
        REQUIRE(drive(p2, s, now).kind == action_kind::done);
        CHECK(s.get_id == 2);
        CHECK(p2.identity_id() == "eu-west-1:id-2");
    }
    SECTION("STS refuses: the STS error, typed, named as the basic flow, the token redacted") {
        s.forced_sts.emplace_back(400, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized for token " +
                                           s.open_id_token + "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        cognito_options o2 = options();
        o2.flow = cognito_flow::basic;
        o2.role_arn = s.expected_role_arn;
        cognito_identity_provider p2(std::move(o2));
        REQUIRE(drive(p2, s, now).kind == action_kind::failed);
        CHECK(p2.outcome().error == errc::access_denied);
        CHECK(p2.outcome().diag.message.find("Cognito basic flow") != std::string::npos);
        CHECK(printed(p2.outcome()).find(s.open_id_token) == std::string::npos);
        check_no_secrets(p2.outcome());
    }
    SECTION("GetOpenIdToken without a Token is a malformed response") {
        s.forced_credentials.emplace_back(200, "{\"IdentityId\":\"eu-west-1:id-1\"}");
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::malformed_response);
        CHECK(p.outcome().diag.message.find("GetOpenIdToken") != std::string::npos);
        CHECK(s.assume == 1);
    }
    SECTION("no role_arn: refused before any call") {
        cognito_options o2 = options();
        o2.flow = cognito_flow::basic;
        cognito_identity_provider p2(std::move(o2));
        CHECK(p2.next(now).kind == action_kind::failed);
        CHECK(p2.outcome().error == errc::invalid_argument);
        CHECK(p2.outcome().diag.message.find("role_arn") != std::string::npos);
    }
}

TEST_CASE("cognito basic flow: a virtual hour under the cache with 90 s credentials", "[cognito][basic][cache]") {
    time_point now = at(1700000000);
    const time_point end = now + std::chrono::hours(1);
    cognito_standin s;
    s.lifetime = seconds(90);
    s.clock = &now;
    cognito_options o = options();
    o.flow = cognito_flow::basic;
    o.role_arn = s.expected_role_arn;
    cached_credentials_provider cache(std::make_unique<cognito_identity_provider>(std::move(o)));
    while (now < end) {
        REQUIRE(drive(cache, s, now).kind == action_kind::done);
        REQUIRE(cache.current(now));
        now += seconds(5);
    }
    CHECK(s.get_id == 1);
    CHECK(s.get_token == s.assume);
    CHECK(s.assume >= 75);
    for (std::size_t i = 1; i < s.issued_at.size(); ++i) CHECK(s.issued_at[i] < s.expires_at[i - 1]);
}

TEST_CASE("cognito in the default chain: only Cognito is asked; endpoint from the profile's [services] section", "[cognito][chain]") {
    cognito_standin s;
    s.expected_host = "127.0.0.1:9911";
    std::map<std::string, std::string> env = {{"HOME", "/home/u"}, {"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}};
    default_chain_options o;
    const environment_lookup lookup = [&env](std::string_view k) -> std::optional<std::string> {
        auto it = env.find(std::string(k));
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    o.environment = lookup;
    o.profiles = profile_set{};
    profile_set& set = *o.profiles;
    set.profiles["default"].name = "default";
    set.profiles["default"].properties["services"] = "local";
    set.services["local"].name = "local";
    set.services["local"].properties["cognito_identity"] = "\nendpoint_url = http://127.0.0.1:9911\n";
    o.cognito = options();
    default_credentials_chain chain(std::move(o));
    time_point now = at(1700000000);
    REQUIRE(drive(chain, s, now).kind == action_kind::done);
    CHECK(chain.outcome().value.provider == "cognito"); // not the environment's keys: the program asked for Cognito
    CHECK(chain.answered_by() == "cognito");
    CHECK(s.get_id == 1);

    SECTION("AWS_ENDPOINT_URL_COGNITO_IDENTITY wins over the profile") {
        env["AWS_ENDPOINT_URL_COGNITO_IDENTITY"] = "http://127.0.0.1:9912";
        default_chain_options o2;
        o2.environment = lookup;
        o2.profiles = profile_set{};
        o2.cognito = options();
        default_credentials_chain c2(std::move(o2));
        const action a = c2.next(now);
        REQUIRE(a.kind == action_kind::send);
        CHECK(a.request->host == "127.0.0.1:9912");
    }
}

TEST_CASE("profile credentials name the profile and its kind", "[chain][profile]") {
    profile_plan plan;
    plan.base = plan::static_keys{};
    CHECK(plan.kind() == "static");
    plan.base = plan::process{"secret-command --key SECRET", std::nullopt};
    CHECK(plan.kind() == "process");
    plan.base = plan::sso{};
    CHECK(plan.kind() == "sso");
    plan.base = plan::source{named_source::ec2_instance_metadata};
    plan.roles.push_back(plan::assume_role{"a", "arn:aws:iam::1:role/A", std::nullopt, std::nullopt, std::nullopt});
    plan.roles.push_back(plan::assume_role{"b", "arn:aws:iam::1:role/B", std::nullopt, std::nullopt, std::nullopt});
    CHECK(plan.kind() == "assume-role arn:aws:iam::1:role/B via assume-role arn:aws:iam::1:role/A via credential_source Ec2InstanceMetadata");
}

TEST_CASE("cognito: login tokens from files are read on every fetch; a missing or empty file is a typed error", "[cognito][logins]") {
    cognito_standin s;
    std::map<std::string, std::string> disk = {{"/run/google.token", std::string(login_token) + "\n"}};
    s.read_file = [&disk](std::string_view path, std::string& out) -> std::error_code {
        auto it = disk.find(std::string(path));
        if (it == disk.end()) return acd::errc::file_not_found;
        out = it->second;
        return {};
    };
    s.expected_logins = {{"accounts.google.com", login_token}};
    cognito_options o = options();
    o.login_token_files = {{"accounts.google.com", "/run/google.token"}};
    cognito_identity_provider p(std::move(o));
    time_point now = at(1700000000);
    REQUIRE(drive(p, s, now).kind == action_kind::done);
    CHECK(s.files_read == std::vector<std::string>{"/run/google.token"});
    CHECK(s.get_id == 1);

    SECTION("the application renewed the token: the refresh sends the new one") {
        disk["/run/google.token"] = "RENEWED-zyxwv-0006";
        s.expected_logins = {{"accounts.google.com", "RENEWED-zyxwv-0006"}};
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::done);
        CHECK(s.files_read.size() == 2);
        CHECK(s.get_credentials == 2);
    }
    SECTION("the file is gone: io_failed naming the file and provider, no call") {
        disk.clear();
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::io_failed);
        CHECK(p.outcome().diag.message.find("/run/google.token") != std::string::npos);
        CHECK(p.outcome().diag.message.find("accounts.google.com") != std::string::npos);
        CHECK(s.get_credentials == 1);
    }
    SECTION("the file is blank: invalid_credentials") {
        disk["/run/google.token"] = " \n";
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::invalid_credentials);
    }
    SECTION("the service quotes the token back: redacted") {
        s.forced_credentials.emplace_back(400, err("NotAuthorizedException", std::string("Invalid login token ") + login_token));
        s.forced_credentials.emplace_back(400, err("NotAuthorizedException", std::string("Invalid login token ") + login_token));
        p.restart();
        REQUIRE(drive(p, s, now).kind == action_kind::failed);
        CHECK(p.outcome().error == errc::access_denied);
        CHECK(printed(p.outcome()).find(login_token) == std::string::npos);
    }
}
