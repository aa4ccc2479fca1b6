// Conformance: the remote credential providers and the default chain against AWS's public data in
// ../shared/conformance/aws-config (read in place, never copied):
//   default-provider-chain/<scenario>  29 whole-chain runs with recorded HTTP traffic (replayed)
//   credentials/ecs-tests.json         11 container endpoint selections
//   credentials/assume-role-tests.json 28 profile -> provider-chain resolutions
//   imds/imds-endpoint-tests.json      14 IMDS endpoint configurations
// Prints one count line per suite. Every scenario whose providers exist must pass.
#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/credentials/sso_cache.hpp>
#include <appconfigdata/credentials/container.hpp>
#include <appconfigdata/credentials/default_chain.hpp>
#include <appconfigdata/credentials/imds.hpp>
#include <appconfigdata/credentials/profile_chain.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <conformance.hpp>
#include <scripted_transport.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace appconfigdata;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::value load_json(const std::string& path) {
    std::string text;
    REQUIRE(test_support::read_file(path, text));
    return json::parse(text);
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::map<std::string, std::string> string_map(const json::object& o) {
    std::map<std::string, std::string> m;
    for (const auto& kv : o) m[std::string(kv.key())] = str(kv.value());
    return m;
}

file_reader reader_over(std::map<std::string, std::string> files) {
    return [files = std::move(files)](std::string_view path, std::string& out) -> std::error_code {
        auto it = files.find(std::string(path));
        if (it == files.end()) return errc::file_not_found;
        out = it->second;
        return {};
    };
}

// One recorded exchange of http-traffic.json.
struct recorded {
    std::string method, uri;
    std::map<std::string, std::vector<std::string>> request_headers;
    int status = 0;
    http::headers response_headers;
    std::string response_body;
};

std::vector<recorded> load_traffic(const std::string& path) {
    const json::value doc = load_json(path);
    std::map<std::int64_t, recorded> by_id;
    for (const auto& ev : doc.at("events").as_array()) {
        const auto id = ev.at("connection_id").to_number<std::int64_t>();
        const json::object& action = ev.at("action").as_object();
        recorded& r = by_id[id];
        if (auto* req = action.if_contains("Request")) {
            const json::object& q = req->at("request").as_object();
            r.method = str(q.at("method"));
            r.uri = str(q.at("uri"));
            for (const auto& h : q.at("headers").as_object())
                for (const auto& v : h.value().as_array()) r.request_headers[std::string(h.key())].push_back(str(v));
        } else if (auto* resp = action.if_contains("Response")) {
            const json::object& ok = resp->at("response").at("Ok").as_object();
            r.status = static_cast<int>(ok.at("status").to_number<std::int64_t>());
            for (const auto& h : ok.at("headers").as_object())
                for (const auto& v : h.value().as_array())
                    if (h.key() != "content-length") r.response_headers.add(std::string(h.key()), str(v));
        } else if (auto* data = action.if_contains("Data")) {
            if (str(data->at("direction")) == "Response") r.response_body += str(data->at("data").at("Utf8"));
        }
    }
    std::vector<recorded> out;
    for (auto& kv : by_id) out.push_back(std::move(kv.second));
    for (auto& r : out) r.response_headers.add("content-length", std::to_string(r.response_body.size()));
    return out;
}

std::set<std::string> query_set(std::string_view q) {
    std::set<std::string> s;
    while (!q.empty()) {
        auto amp = q.find('&');
        s.insert(std::string(q.substr(0, amp)));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return s;
}

// Replays a recording: the n-th request gets connection n's response after its target is checked.
struct replay_transport {
    std::vector<recorded> script;
    std::size_t next = 0;
    std::vector<std::string> problems;
    file_reader read_file;             // the scenario's fs/ (test_support::drive answers action::read with it)
    process_runner run_process;        // no processes in these scenarios
    std::vector<std::string> files_read;
    int processes_run = 0;

    std::error_code operator()(const http::request& req, http::response& resp) {
        if (next >= script.size()) {
            problems.push_back("unexpected extra request " + req.method + " " + req.url_string());
            return errc::transport_failed;
        }
        const recorded& r = script[next++];
        http::url want;
        if (http::parse_url(r.uri, want)) problems.push_back("bad recorded uri " + r.uri);
        http::url got;
        if (http::parse_url(req.url_string(), got)) problems.push_back("bad request url " + req.url_string());
        if (got.scheme != want.scheme || got.host != want.host || got.effective_port() != want.effective_port() || got.path != want.path ||
            query_set(got.query) != query_set(want.query))
            problems.push_back("request " + std::to_string(next - 1) + ": sent " + req.url_string() + ", recorded " + r.uri);
        if (req.method != r.method) problems.push_back("method " + req.method + " != recorded " + r.method);
        for (const char* h : {"content-type", "x-aws-ec2-metadata-token", "x-aws-ec2-metadata-token-ttl-seconds"}) {
            auto it = r.request_headers.find(h);
            if (it == r.request_headers.end()) continue;
            const std::string* v = req.headers.find(h);
            if (!v || *v != it->second.front()) problems.push_back(std::string("header ") + h + " differs on " + r.uri);
        }
        resp = http::response{};
        resp.status = r.status;
        resp.headers = r.response_headers;
        resp.body = r.response_body;
        return {};
    }
};

std::map<std::string, std::string> load_fs(const std::string& scenario_dir) {
    std::map<std::string, std::string> files;
    const fs::path root = fs::path(scenario_dir) / "fs";
    if (!fs::exists(root)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::string text;
        REQUIRE(test_support::read_file(entry.path().string(), text));
        files["/" + fs::relative(entry.path(), root).generic_string()] = text;
    }
    return files;
}

struct scenario_outcome {
    bool pass = false;
    std::string detail;
};

scenario_outcome run_scenario(const std::string& dir, const std::string& name) {
    scenario_outcome out;
    const auto env = string_map(load_json(dir + "/env.json").as_object());
    const json::value tc = load_json(dir + "/test-case.json");
    replay_transport transport;
    transport.script = load_traffic(dir + "/http-traffic.json");

    default_chain_options o;
    o.environment = environment_from_map(env);
    transport.read_file = reader_over(load_fs(dir));
    o.sign = make_sigv4_request_signer<adapters::botan_crypto>();
    o.sso_cache_file = sso_cache_locator(o.environment, os_platform::posix);
    o.platform = os_platform::posix;
    transport.run_process = [](const process_request&, process_outcome&) -> std::error_code { return std::make_error_code(std::errc::operation_not_permitted); };
    // Rust runs this one scenario with retries disabled (README, section 4).
    if (name == "sso_server_error") o.sso_max_attempts = 1;

    default_credentials_chain chain(std::move(o));
    time_point now{}; // the Unix epoch: recorded credentials expired long ago and must still be returned
    const action last = test_support::drive(chain, transport, now);
    const provider_result& r = chain.outcome();

    std::ostringstream why;
    for (const auto& p : transport.problems) why << p << "; ";
    if (transport.next != transport.script.size())
        why << "only " << transport.next << " of " << transport.script.size() << " recorded requests were sent; ";

    const json::object& expected = tc.at("result").as_object();
    if (auto* ok = expected.if_contains("Ok")) {
        const json::object& c = ok->as_object();
        if (last.kind != action_kind::done || r.status != provider_status::ready) {
            why << "expected credentials, got " << r;
        } else {
            auto field = [&](const char* k) { return c.contains(k) ? str(c.at(k)) : std::string(); };
            if (r.value.access_key_id != field("access_key_id")) why << "access_key_id " << r.value.access_key_id << "; ";
            if (r.value.secret_access_key.reveal() != field("secret_access_key")) why << "secret_access_key differs; ";
            if (r.value.session_token.reveal() != field("session_token")) why << "session_token differs; ";
            if (r.value.account_id != field("account_id")) why << "account_id '" << r.value.account_id << "'; ";
            if (c.contains("expiry")) {
                const auto want = c.at("expiry").to_number<std::int64_t>();
                if (!r.value.expiration || std::chrono::duration_cast<seconds>(r.value.expiration->time_since_epoch()).count() != want)
                    why << "expiry differs; ";
            } else if (r.value.expiration) {
                why << "unexpected expiry; ";
            }
        }
    } else {
        if (last.kind != action_kind::failed || r.status != provider_status::failed) why << "expected an error, got " << r;
        // The message must never carry a secret from the scenario.
        std::ostringstream printed;
        printed << r;
        for (const char* secret : {"TESTSECRET", "secretkeycorrect", "testsecret", "a-token", "tokencorrect"})
            if (printed.str().find(secret) != std::string::npos) why << "error output contains a secret; ";
    }
    out.detail = why.str();
    out.pass = out.detail.empty();
    if (!out.pass) out.detail += " [result: " + [&] { std::ostringstream s; s << r; return s.str(); }() + "]";
    return out;
}

} // namespace

TEST_CASE("conformance: default credential chain scenarios (default-provider-chain)", "[conformance][chain]") {
    const std::string base = test_support::conformance_dir("aws-config");
    if (base.empty()) return;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(base + "/default-provider-chain"))
        if (e.is_directory()) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    int passed = 0;
    std::vector<std::string> not_applicable; // scenarios needing providers we do not have: none at present
    for (const auto& name : names) {
        const scenario_outcome o = run_scenario(base + "/default-provider-chain/" + name, name);
        if (o.pass) ++passed;
        else std::cout << "  FAIL default chain " << name << ": " << o.detail << "\n";
        CHECK(o.pass);
    }
    std::cout << "default chain: " << passed << "/" << names.size() << " (" << not_applicable.size() << " not applicable)\n";
    CHECK(names.size() == 29);
}

TEST_CASE("conformance: container endpoint selection (ecs-tests.json)", "[conformance][container]") {
    const std::string base = test_support::conformance_dir("aws-config");
    if (base.empty()) return;
    const json::value doc = load_json(base + "/credentials/ecs-tests.json");
    int passed = 0, total = 0;
    for (const auto& t : doc.at("tests").as_array()) {
        ++total;
        const json::object& o = t.as_object();
        http::url u;
        std::string why;
        const std::error_code ec = resolve_container_endpoint(environment_from_map(string_map(o.at("env").as_object())), u, why);
        const json::object& result = o.at("result").as_object();
        bool ok;
        if (auto* want = result.if_contains("Ok")) ok = !ec && u.to_string() == str(*want);
        else ok = static_cast<bool>(ec) && !why.empty();
        if (ok) ++passed;
        else std::cout << "  FAIL ecs: " << str(o.at("docs")) << " (" << (ec ? why : u.to_string()) << ")\n";
        CHECK(ok);
    }
    std::cout << "ecs: " << passed << "/" << total << "\n";
    CHECK(total == 11);
}

namespace {

bool plan_matches(const profile_plan& p, const json::array& chain, std::string& why) {
    std::vector<const json::object*> roles;
    for (std::size_t i = 1; i < chain.size(); ++i) roles.push_back(&chain[i].as_object().at("AssumeRole").as_object());
    const json::object& base = chain[0].as_object();
    auto opt = [](const json::object& o, const char* k) -> std::optional<std::string> {
        if (!o.contains(k)) return std::nullopt;
        return str(o.at(k));
    };
    if (auto* ak = base.if_contains("AccessKey")) {
        const auto* s = std::get_if<plan::static_keys>(&p.base);
        const json::object& k = ak->as_object();
        if (!s || s->value.access_key_id != str(k.at("access_key_id")) || s->value.secret_access_key.reveal() != str(k.at("secret_access_key")) ||
            s->value.session_token.reveal() != opt(k, "session_token").value_or("") || s->value.account_id != opt(k, "account_id").value_or(""))
            return why = "base AccessKey differs", false;
    } else if (auto* ns = base.if_contains("NamedSource")) {
        const auto* s = std::get_if<plan::source>(&p.base);
        if (!s || to_string(s->name) != str(*ns)) return why = "base NamedSource differs", false;
    } else if (auto* wi = base.if_contains("WebIdentityToken")) {
        const auto* w = std::get_if<plan::web_identity>(&p.base);
        const json::object& k = wi->as_object();
        if (!w || w->role_arn != str(k.at("role_arn")) || w->web_identity_token_file != str(k.at("web_identity_token_file")) ||
            w->role_session_name != opt(k, "role_session_name"))
            return why = "base WebIdentityToken differs", false;
    } else if (auto* so = base.if_contains("Sso")) {
        const auto* s = std::get_if<plan::sso>(&p.base);
        const json::object& k = so->as_object();
        if (!s || s->sso_region != str(k.at("sso_region")) || s->sso_start_url != str(k.at("sso_start_url")) ||
            s->sso_session != opt(k, "sso_session") || s->sso_account_id != opt(k, "sso_account_id") || s->sso_role_name != opt(k, "sso_role_name"))
            return why = "base Sso differs", false;
    } else {
        return why = "unknown base kind", false;
    }
    if (roles.size() != p.roles.size()) return why = "number of AssumeRole steps differs", false;
    for (std::size_t i = 0; i < roles.size(); ++i) {
        const json::object& r = *roles[i];
        if (p.roles[i].role_arn != str(r.at("role_arn")) || p.roles[i].external_id != opt(r, "external_id") ||
            p.roles[i].role_session_name != opt(r, "role_session_name"))
            return why = "AssumeRole step " + std::to_string(i) + " differs", false;
    }
    return true;
}

} // namespace

TEST_CASE("conformance: profile chains (assume-role-tests.json)", "[conformance][assume-role]") {
    const std::string base = test_support::conformance_dir("aws-config");
    if (base.empty()) return;
    const json::value doc = load_json(base + "/credentials/assume-role-tests.json");
    int passed = 0, total = 0;
    for (const auto& t : doc.as_array()) {
        ++total;
        const json::object& o = t.as_object();
        const json::object& in = o.at("input").as_object();
        profile_set set;
        for (const auto& kv : in.at("profiles").as_object()) {
            profile p;
            p.name = std::string(kv.key());
            for (const auto& prop : kv.value().as_object()) p.properties[std::string(prop.key())] = str(prop.value());
            set.profiles[p.name] = p;
        }
        if (auto* sessions = in.if_contains("sso_sessions")) {
            for (const auto& kv : sessions->as_object()) {
                profile p;
                p.name = std::string(kv.key());
                for (const auto& prop : kv.value().as_object()) p.properties[std::string(prop.key())] = str(prop.value());
                set.sso_sessions[p.name] = p;
            }
        }
        profile_plan plan;
        diagnostics diag;
        const std::error_code ec = resolve_profile_plan(set, str(in.at("selected_profile")), plan, &diag);
        const json::object& out = o.at("output").as_object();
        std::string why;
        bool ok;
        if (auto* chain = out.if_contains("ProfileChain")) ok = !ec && plan_matches(plan, chain->as_array(), why);
        else ok = static_cast<bool>(ec), why = "expected an error";
        if (ok) ++passed;
        else std::cout << "  FAIL assume-role: " << str(o.at("docs")) << ": " << why << " " << diag << "\n";
        CHECK(ok);
    }
    std::cout << "assume-role: " << passed << "/" << total << "\n";
    CHECK(total == 28);
}

TEST_CASE("conformance: IMDS endpoint configuration (imds-endpoint-tests.json)", "[conformance][imds]") {
    const std::string base = test_support::conformance_dir("aws-config");
    if (base.empty()) return;
    const json::value doc = load_json(base + "/imds/imds-endpoint-tests.json");
    int passed = 0, total = 0;
    for (const auto& t : doc.at("tests").as_array()) {
        ++total;
        const json::object& o = t.as_object();
        const environment_lookup env = environment_from_map(string_map(o.at("env").as_object()));
        profile_set set;
        diagnostics diag;
        const auto where = resolve_profile_file_locations(env, os_platform::posix);
        REQUIRE_FALSE(load_profile_set(where, reader_over(string_map(o.at("fs").as_object())), set, &diag));
        const profile* selected = set.find_profile(select_profile_name(env));
        imds_options options = imds_options::from(env, [&](std::string_view key) -> std::optional<std::string> {
            if (!selected) return std::nullopt;
            if (const std::string* v = selected->find(key)) return *v;
            return std::nullopt;
        });
        if (o.contains("endpoint_override")) options.endpoint.endpoint_override = str(o.at("endpoint_override"));
        if (o.contains("mode_override")) options.endpoint.mode_override = str(o.at("mode_override"));
        imds_credentials_provider provider(options);
        const action a = provider.next(time_point{});
        const json::object& result = o.at("result").as_object();
        bool ok;
        std::string got = a.kind == action_kind::send ? a.request->url_string() : provider.outcome().diag.message;
        if (auto* want = result.if_contains("Ok"))
            ok = a.kind == action_kind::send && a.request->method == "PUT" && got == str(*want) &&
                 a.request->headers.find("x-aws-ec2-metadata-token-ttl-seconds") &&
                 *a.request->headers.find("x-aws-ec2-metadata-token-ttl-seconds") == "21600";
        else
            ok = a.kind == action_kind::failed && provider.outcome().status == provider_status::failed;
        if (ok) ++passed;
        else std::cout << "  FAIL imds: " << str(o.at("docs")) << " (" << got << ")\n";
        CHECK(ok);
    }
    std::cout << "imds endpoint config: " << passed << "/" << total << "\n";
    CHECK(total == 14);
}
