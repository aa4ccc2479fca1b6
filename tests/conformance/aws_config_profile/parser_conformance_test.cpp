// Conformance: the cross-SDK profile-parser suite (profile/profile-parser-tests.json, 65 cases) and the
// file-location suite (profile/file-location-tests.json, 9 cases). Both must pass 100 %.
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/profile_files.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <conformance.hpp>

#include <iostream>
#include <map>
#include <string>

using namespace appconfigdata;
namespace json = boost::json;

namespace {

std::map<std::string, std::map<std::string, std::string>> to_plain(const std::map<std::string, profile, std::less<>>& m) {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const auto& kv : m) {
        auto& props = out[kv.first];
        for (const auto& p : kv.second.properties) props[p.first] = p.second;
    }
    return out;
}

std::map<std::string, std::map<std::string, std::string>> expected_sections(const json::object& o) {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const auto& kv : o) {
        auto& props = out[std::string(kv.key())];
        for (const auto& p : kv.value().as_object()) props[std::string(p.key())] = std::string(p.value().as_string());
    }
    return out;
}

std::string str_or_empty(const json::object& o, const char* key) {
    auto it = o.find(key);
    return it == o.end() ? std::string() : std::string(it->value().as_string());
}

json::value load_json(const std::string& path) {
    std::string text;
    REQUIRE(test_support::read_file(path, text));
    return json::parse(text);
}

} // namespace

TEST_CASE("conformance: profile parser (profile-parser-tests.json)", "[conformance][profile]") {
    const std::string dir = test_support::conformance_dir("aws-config");
    if (dir.empty()) return;
    const json::value doc = load_json(dir + "/profile/profile-parser-tests.json");
    const json::array& tests = doc.at("tests").as_array();
    int passed = 0, total = 0;
    for (std::size_t i = 0; i < tests.size(); ++i) {
        const json::object& t = tests[i].as_object();
        const json::object& in = t.at("input").as_object();
        const json::object& out = t.at("output").as_object();
        const std::string name = std::string(t.at("name").as_string());
        ++total;
        INFO("case " << i << ": " << name);
        profile_set set;
        diagnostics diag;
        const std::error_code ec = parse_profile_files(str_or_empty(in, "configFile"), str_or_empty(in, "credentialsFile"), set, &diag);
        bool ok = false;
        if (out.contains("errorContaining")) {
            const std::string want = std::string(out.at("errorContaining").as_string());
            // We adopted the suite's wording, so the text is compared as well as the failure.
            ok = ec == errc::profile_parse_error && diag.message.find(want) != std::string::npos;
            INFO("want error containing '" << want << "', got " << ec.message() << " / " << diag.message);
            CHECK(ok);
        } else {
            const json::object& cfg = out.at("config").as_object();
            const auto want_profiles = expected_sections(cfg.at("profiles").as_object());
            std::map<std::string, std::map<std::string, std::string>> want_sso;
            if (cfg.contains("sso_sessions")) want_sso = expected_sections(cfg.at("sso_sessions").as_object());
            INFO("error: " << ec.message() << " / " << diag.message);
            ok = !ec && to_plain(set.profiles) == want_profiles && to_plain(set.sso_sessions) == want_sso;
            CHECK(!ec);
            CHECK(to_plain(set.profiles) == want_profiles);
            CHECK(to_plain(set.sso_sessions) == want_sso);
        }
        if (ok) ++passed;
    }
    std::cout << "profile parser: " << passed << "/" << total << "\n";
    CHECK(total == 65);
    REQUIRE(passed == total);
}

TEST_CASE("conformance: shared file locations (file-location-tests.json)", "[conformance][profile]") {
    const std::string dir = test_support::conformance_dir("aws-config");
    if (dir.empty()) return;
    const json::value doc = load_json(dir + "/profile/file-location-tests.json");
    const json::array& tests = doc.at("tests").as_array();
    int passed = 0, total = 0;
    for (const auto& tv : tests) {
        const json::object& t = tv.as_object();
        ++total;
        INFO(std::string(t.at("name").as_string()));
        std::map<std::string, std::string> env;
        for (const auto& kv : t.at("environment").as_object()) env[std::string(kv.key())] = std::string(kv.value().as_string());
        const os_platform platform = t.at("platform").as_string() == "windows" ? os_platform::windows : os_platform::posix;
        const profile_file_locations loc = resolve_profile_file_locations(environment_from_map(env), platform);
        const std::string selected = select_profile_name(environment_from_map(env));
        bool ok = loc.config == std::string(t.at("configLocation").as_string()) &&
                  loc.credentials == std::string(t.at("credentialsLocation").as_string());
        CHECK(loc.config == std::string(t.at("configLocation").as_string()));
        CHECK(loc.credentials == std::string(t.at("credentialsLocation").as_string()));
        if (t.contains("profile")) {
            CHECK(selected == std::string(t.at("profile").as_string()));
            ok = ok && selected == std::string(t.at("profile").as_string());
        }
        if (ok) ++passed;
    }
    std::cout << "file locations: " << passed << "/" << total << "\n";
    CHECK(total == 9);
    REQUIRE(passed == total);
}
