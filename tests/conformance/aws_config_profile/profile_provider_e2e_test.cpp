// Conformance, end to end: the 18 profile-provider scenarios through the shared-config provider alone
// (profile_plan_provider: our plan, then the STS / SSO machines), with each scenario's recorded HTTP
// traffic replayed, its virtual filesystem and environment, and credential_process commands mapped to
// canned outcomes (README §5; our runner never uses a shell). Kept in its own executable because it
// builds on the remote-credential machines (default_chain.hpp, sts.hpp, sso.hpp).
#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/credentials/sso_cache.hpp>
#include <appconfigdata/credentials/default_chain.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <conformance.hpp>
#include <scripted_transport.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace appconfigdata;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::value read_json(const std::string& path) {
    std::string text;
    REQUIRE(test_support::read_file(path, text));
    return json::parse(text);
}

std::string text_of(const json::value& v) { return std::string(v.as_string()); }

// One exchange of a recording ("dvr" V0 format, README §4).
struct exchange {
    std::string method, uri;
    std::map<std::string, std::string> request_headers; // first value of each recorded header
    int status = 0;
    http::headers response_headers;
    std::string body;
};

std::vector<exchange> read_recording(const std::string& path) {
    const json::value doc = read_json(path);
    std::map<std::int64_t, exchange> by_connection;
    for (const auto& event : doc.at("events").as_array()) {
        exchange& x = by_connection[event.at("connection_id").to_number<std::int64_t>()];
        const json::object& a = event.at("action").as_object();
        if (const json::value* req = a.if_contains("Request")) {
            x.method = text_of(req->at("request").at("method"));
            x.uri = text_of(req->at("request").at("uri"));
            for (const auto& h : req->at("request").at("headers").as_object())
                if (!h.value().as_array().empty()) x.request_headers[std::string(h.key())] = text_of(h.value().as_array().front());
        } else if (const json::value* resp = a.if_contains("Response")) {
            const json::object& ok = resp->at("response").at("Ok").as_object();
            x.status = static_cast<int>(ok.at("status").to_number<std::int64_t>());
            for (const auto& h : ok.at("headers").as_object())
                if (h.key() != "content-length")
                    for (const auto& v : h.value().as_array()) x.response_headers.add(std::string(h.key()), text_of(v));
        } else if (const json::value* data = a.if_contains("Data")) {
            if (text_of(data->at("direction")) == "Response") x.body += text_of(data->at("data").at("Utf8"));
        }
    }
    std::vector<exchange> out;
    for (auto& kv : by_connection) {
        kv.second.response_headers.add("content-length", std::to_string(kv.second.body.size())); // recorded values are stale
        out.push_back(std::move(kv.second));
    }
    return out;
}

std::multiset<std::string> query_params(std::string_view q) {
    std::multiset<std::string> out;
    while (!q.empty()) {
        const auto amp = q.find('&');
        out.insert(std::string(q.substr(0, amp)));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return out;
}

// The n-th request must target the n-th recorded URI (scheme, host, port, path, query as a set) with its
// method; it then gets the recorded response.
struct replay {
    std::vector<exchange> recording;
    std::size_t sent = 0;
    std::vector<std::string> mismatches;
    file_reader read_file;             // the scenario's fs/ (test_support::drive answers action::read with it)
    process_runner run_process;        // what `sh -c` would have printed
    std::vector<std::string> files_read;
    int processes_run = 0;

    std::error_code operator()(const http::request& request, http::response& response) {
        if (sent >= recording.size()) {
            mismatches.push_back("request beyond the recording: " + request.method + " " + request.url_string());
            return errc::transport_failed;
        }
        const exchange& x = recording[sent++];
        http::url want, got;
        const bool parsed = !http::parse_url(x.uri, want) && !http::parse_url(request.url_string(), got);
        if (!parsed || got.scheme != want.scheme || got.host != want.host || got.effective_port() != want.effective_port() ||
            got.path != want.path || query_params(got.query) != query_params(want.query))
            mismatches.push_back("sent " + request.url_string() + " where " + x.uri + " was recorded");
        if (request.method != x.method) mismatches.push_back("method " + request.method + " where " + x.method + " was recorded");
        if (auto it = x.request_headers.find("content-type"); it != x.request_headers.end()) {
            const std::string* v = request.headers.find("content-type");
            if (!v || *v != it->second) mismatches.push_back("content-type differs on " + x.uri);
        }
        response = http::response{};
        response.status = x.status;
        response.headers = x.response_headers;
        response.body = x.body;
        return {};
    }
};

std::string decode_base64(std::string_view in) {
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        if (v < 0) continue;
        acc = ((acc << 6) | static_cast<unsigned>(v)) & 0xffffffu;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xffu));
        }
    }
    return out;
}

// What `sh -c` would have produced for the scenarios' three commands.
std::error_code canned_shell(const process_request& r, process_outcome& o) {
    o = process_outcome{};
    const auto& a = r.argv;
    if (a.size() == 5 && a[0] == "echo" && a[2] == "|" && a[3] == "base64" && a[4] == "--decode") o.stdout_text = decode_base64(a[1]);
    else if (a.size() == 2 && a[0] == "exit") o.exit_code = std::stoi(a[1]);
    else if (a.size() == 2 && a[0] == "echo") o.stdout_text = a[1] + "\n";
    else return std::make_error_code(std::errc::no_such_file_or_directory);
    return {};
}

file_reader scenario_files(const std::string& dir) {
    std::map<std::string, std::string> files;
    const fs::path root = fs::path(dir) / "fs";
    if (fs::is_directory(root))
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file()) {
                std::string text;
                REQUIRE(test_support::read_file(e.path().string(), text));
                files["/" + fs::relative(e.path(), root).generic_string()] = text;
            }
    return [files = std::move(files)](std::string_view path, std::string& out) -> std::error_code {
        auto it = files.find(std::string(path));
        if (it == files.end()) return errc::file_not_found;
        out = it->second;
        return {};
    };
}

// Runs one scenario; "" when it passes, else what differed.
std::string run_scenario(const std::string& dir) {
    std::map<std::string, std::string> env;
    const json::value env_doc = read_json(dir + "/env.json");
    for (const auto& kv : env_doc.as_object()) env[std::string(kv.key())] = text_of(kv.value());
    const json::value test_case = read_json(dir + "/test-case.json");
    replay transport;
    transport.recording = read_recording(dir + "/http-traffic.json");

    default_chain_options o;
    o.environment = environment_from_map(env);
    transport.read_file = scenario_files(dir);
    transport.run_process = canned_shell;
    o.sign = make_sigv4_request_signer<adapters::botan_crypto>();
    o.sso_cache_file = sso_cache_locator(o.environment, os_platform::posix);
    o.platform = os_platform::posix;
    outcome<profile_set> files;
    files.error = load_profile_set(resolve_profile_file_locations(o.environment, o.platform), transport.read_file, files.value, &files.diag);
    profile_plan_provider provider(std::make_shared<const detail::chain_context>(std::move(o), files));
    time_point now{}; // recorded credentials expired long ago; a provider returns them anyway
    const action last = test_support::drive(provider, transport, now);
    const provider_result& r = provider.outcome();

    std::ostringstream why;
    for (const auto& m : transport.mismatches) why << m << "; ";
    if (transport.sent != transport.recording.size())
        why << transport.sent << " of " << transport.recording.size() << " recorded requests sent; ";
    const json::object& want = test_case.at("result").as_object();
    if (const json::value* ok = want.if_contains("Ok")) {
        const json::object& c = ok->as_object();
        auto field = [&](const char* k) { return c.contains(k) ? text_of(c.at(k)) : std::string(); };
        if (last.kind != action_kind::done || r.status != provider_status::ready) {
            why << "expected credentials; ";
        } else {
            if (r.value.access_key_id != field("access_key_id")) why << "access_key_id differs; ";
            if (r.value.secret_access_key.reveal() != field("secret_access_key")) why << "secret_access_key differs; ";
            if (r.value.session_token.reveal() != field("session_token")) why << "session_token differs; ";
            if (r.value.account_id != field("account_id")) why << "account_id '" << r.value.account_id << "'; ";
            const bool has_expiry = c.contains("expiry");
            if (has_expiry != r.value.expiration.has_value() ||
                (has_expiry && std::chrono::duration_cast<seconds>(r.value.expiration->time_since_epoch()).count() !=
                                   c.at("expiry").to_number<std::int64_t>()))
                why << "expiry differs; ";
        }
    } else {
        // Rust's "not enabled" is our not_applicable; any other error is failed (the texts are Rust's).
        const bool not_enabled = text_of(want.at("ErrorContains")).find("not enabled") != std::string::npos;
        if (last.kind != action_kind::failed || r.status != (not_enabled ? provider_status::not_applicable : provider_status::failed))
            why << "expected " << (not_enabled ? "not applicable" : "failed") << "; ";
    }
    const std::string printed = [&] {
        std::ostringstream s;
        s << r;
        return s.str();
    }();
    for (const char* secret : {"TESTSECRETKEY", "TESTSESSIONTOKEN", "secret-access-token", "FAKE\n"})
        if (printed.find(secret) != std::string::npos || r.diag.message.find(secret) != std::string::npos) why << "output shows a secret; ";
    if (!why.str().empty()) why << "[" << printed << "]";
    return why.str();
}

} // namespace

TEST_CASE("conformance: profile-provider scenarios end to end (replayed STS / SSO traffic)", "[conformance][profile]") {
    const std::string base = test_support::conformance_dir("aws-config");
    if (base.empty()) return;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(base + "/profile-provider"))
        if (e.is_directory()) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    int passed = 0;
    for (const auto& name : names) {
        const std::string problem = run_scenario(base + "/profile-provider/" + name);
        INFO(name << ": " << problem);
        CHECK(problem.empty());
        if (problem.empty()) ++passed;
        else std::cout << "  FAIL profile provider " << name << ": " << problem << "\n";
    }
    std::cout << "profile provider (end to end): " << passed << "/" << names.size() << "\n";
    CHECK(names.size() == 18);
    REQUIRE(passed == static_cast<int>(names.size()));
}
