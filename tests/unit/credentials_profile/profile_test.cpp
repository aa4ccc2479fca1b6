// The profile file parser, file locations and load_profile_set.
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/profile_files.hpp>

#include <catch2/catch.hpp>

#include "secrets.hpp"

#include <map>
#include <string>

using namespace appconfigdata;

TEST_CASE("parser: profiles, sessions, services and merging", "[profile]") {
    const std::string config = "[default]\nregion = eu-west-1\n"
                               "[profile dev]\nregion = us-east-2 # comment\nrole_arn=arn:aws:iam::1:role/R\n"
                               "[sso-session corp]\nsso_region = us-east-1\n"
                               "[services my-services]\nsts =\n  endpoint_url = http://localhost:1234\n  Other = x\n"
                               "[unknown thing]\nkey = ignored\n";
    const std::string creds = "[dev]\naws_access_key_id = AKID\nAWS_SECRET_ACCESS_KEY = " + std::string(secrets::secret_key) +
                              "\n[default]\nregion = ap-south-1\n";
    profile_set set;
    diagnostics diag;
    REQUIRE_FALSE(parse_profile_files(config, creds, set, &diag));
    REQUIRE(set.find_profile("dev"));
    CHECK(set.find_profile("dev")->get("region") == "us-east-2");
    CHECK(set.find_profile("dev")->get("aws_secret_access_key") == secrets::secret_key); // key case folded
    CHECK(set.find_profile("default")->get("region") == "ap-south-1");                  // credentials file wins
    CHECK(set.find_sso_session("corp")->get("sso_region") == "us-east-1");
    CHECK(set.find_profile("corp") == nullptr);
    CHECK(set.profiles.size() == 2);
    CHECK(set.find_profile("nope") == nullptr);
    CHECK(set.find_profile("dev")->find("missing") == nullptr);

    profile with_services = *set.find_profile("dev");
    with_services.properties["services"] = "my-services";
    CHECK(find_service_setting(set, with_services, "sts", "endpoint_url") == std::optional<std::string>("http://localhost:1234"));
    CHECK(find_service_setting(set, with_services, "STS", "other") == std::optional<std::string>("x"));
    CHECK_FALSE(find_service_setting(set, with_services, "s3", "endpoint_url"));
    CHECK_FALSE(find_service_setting(set, *set.find_profile("default"), "sts", "endpoint_url"));
}

TEST_CASE("parser: [services] and [sso-session] are config-file sections only", "[profile]") {
    profile_set set;
    REQUIRE_FALSE(parse_profile_files("", "[services x]\na = b\n[sso-session y]\nc = d\n", set));
    CHECK(set.empty());
}

TEST_CASE("parser: sub-properties split into a map", "[profile]") {
    auto m = parse_sub_properties("\nendpoint_url = http://a\nMax_Attempts=3\nno equals\nin valid = 1");
    CHECK(m.size() == 2);
    CHECK(m["endpoint_url"] == "http://a");
    CHECK(m["max_attempts"] == "3");
}

TEST_CASE("parser: errors name the file and line, never the line's text", "[profile]") {
    profile_set set;
    set.profiles["keep"] = profile{"keep", {}};
    diagnostics diag;
    const std::string bad_creds = "[default]\naws_secret_access_key " + std::string(secrets::secret_key) + "\n";
    const auto ec = parse_profile_files("[profile ok]\n", bad_creds, set, &diag);
    CHECK(ec == errc::profile_parse_error);
    CHECK(diag.message == "credentials file, line 2: Expected an '=' sign defining a property");
    CHECK_FALSE(secrets::leaks(diag.message));
    CHECK(set.empty()); // on error the output is reset, not half-filled

    CHECK(parse_profile_files("[profile foo\n", "", set, &diag) == errc::profile_parse_error);
    CHECK(diag.message.find("config file, line 1") == 0);
    CHECK(parse_profile_files("[profile foo] junk\n", "", set, &diag) == errc::profile_parse_error);
}

TEST_CASE("parser: size limit is a typed error", "[profile]") {
    limits lim;
    lim.max_profile_file = 16;
    profile_set set;
    diagnostics diag;
    CHECK(parse_profile_files(std::string(17, 'x'), "", set, &diag, lim) == errc::limit_exceeded);
    CHECK(diag.message.find("17 bytes") != std::string::npos);
    CHECK(parse_profile_files("", std::string(17, '#'), set, &diag, lim) == errc::limit_exceeded);
    CHECK_FALSE(parse_profile_files(std::string(16, '#'), "", set, &diag, lim));
}

TEST_CASE("parser: arbitrary bytes never crash", "[profile]") {
    // Deterministic pseudo-random inputs built from the characters that matter to the grammar.
    static const char chars[] = "[]=#; \t\r\nprofile default sso-session services ab\x01\xff\0";
    const std::string alphabet(chars, sizeof chars - 1);
    std::uint32_t state = 12345;
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const int len = static_cast<int>(state % 200);
        for (int i = 0; i < len; ++i) {
            state = state * 1664525u + 1013904223u;
            text.push_back(alphabet[(state >> 16) % alphabet.size()]);
        }
        state = state * 1664525u + 1013904223u;
        profile_set set;
        diagnostics diag;
        const auto ec = parse_profile_files(text, text, set, &diag);
        if (ec) {
            CHECK(ec == errc::profile_parse_error);
            CHECK_FALSE(diag.message.empty());
        }
    }
}

TEST_CASE("parser: non-UTF-8 and NUL bytes pass through values", "[profile]") {
    profile_set set;
    const std::string value("a\xff\x00z", 4);
    REQUIRE_FALSE(parse_profile_files("[profile p]\nk = " + value + "\n", "", set));
    CHECK(set.find_profile("p")->get("k") == value);
}

TEST_CASE("profile printing redacts secret values", "[profile]") {
    profile p{"dev",
              {{"aws_access_key_id", "AKID"},
               {"aws_secret_access_key", secrets::secret_key},
               {"aws_session_token", secrets::session_token},
               {"credential_process", std::string("/bin/tool --key ") + secrets::secret_key},
               {"region", "eu-west-1"}}};
    const std::string text = secrets::printed(p);
    CHECK_FALSE(secrets::leaks(text));
    CHECK(text.find("region=eu-west-1") != std::string::npos);
    CHECK(text.find("aws_access_key_id=AKID") != std::string::npos);
    profile_set set;
    set.profiles["dev"] = p;
    CHECK_FALSE(secrets::leaks(secrets::printed(set)));
}

TEST_CASE("locations: defaults, overrides, ~ expansion and Windows homes", "[profile]") {
    auto env = environment_from_map(std::map<std::string, std::string>{{"HOME", "/home/u"}, {"AWS_CONFIG_FILE", "~/cfg/config"}});
    auto loc = resolve_profile_file_locations(env, os_platform::posix);
    CHECK(loc.config == "/home/u/cfg/config");
    CHECK(loc.config_from_environment);
    CHECK(loc.credentials == "/home/u/.aws/credentials");
    CHECK_FALSE(loc.credentials_from_environment);

    auto win = environment_from_map(std::map<std::string, std::string>{{"USERPROFILE", "C:\\Users\\u"}});
    CHECK(resolve_profile_file_locations(win, os_platform::windows).config == "C:\\Users\\u\\.aws\\config");
    // USERPROFILE is a Windows-only fallback.
    CHECK(resolve_profile_file_locations(win, os_platform::posix).config == "~/.aws/config");

    CHECK(expand_home("~", env, os_platform::posix) == "/home/u");
    CHECK(expand_home("~other/x", env, os_platform::posix) == "~other/x");
    CHECK(expand_home("/abs/~/x", env, os_platform::posix) == "/abs/~/x");
    auto slash_home = environment_from_map(std::map<std::string, std::string>{{"HOME", "/"}});
    CHECK(expand_home("~/x", slash_home, os_platform::posix) == "/x");
    CHECK_FALSE(home_directory(environment_lookup{}, os_platform::posix));
    CHECK_FALSE(home_directory(environment_from_map(std::map<std::string, std::string>{{"HOME", ""}}), os_platform::posix));
    // One rule for every variable (detail/environment.hpp): trimmed, a blank value is unset.
    CHECK_FALSE(home_directory(environment_from_map(std::map<std::string, std::string>{{"HOME", " \t"}}), os_platform::posix));
    auto padded = environment_from_map(
        std::map<std::string, std::string>{{"HOME", " /home/u\n"}, {"AWS_CONFIG_FILE", "  "}, {"AWS_SHARED_CREDENTIALS_FILE", " /k "}});
    const profile_file_locations padded_loc = resolve_profile_file_locations(padded, os_platform::posix);
    CHECK(padded_loc.config == "/home/u/.aws/config");
    CHECK_FALSE(padded_loc.config_from_environment);
    CHECK(padded_loc.credentials == "/k");
    CHECK(padded_loc.credentials_from_environment);
}

TEST_CASE("profile selection: --profile, AWS_PROFILE, default", "[profile]") {
    auto env = environment_from_map(std::map<std::string, std::string>{{"AWS_PROFILE", "dev"}});
    CHECK(select_profile_name(env) == "dev");
    CHECK(select_profile_name(env, "prod") == "prod");
    CHECK(select_profile_name(environment_from_map(std::map<std::string, std::string>{{"AWS_PROFILE", "  "}})) == "default");
    CHECK(select_profile_name(environment_lookup{}) == "default");
}

TEST_CASE("load_profile_set: missing files are empty, read errors and parse errors are typed", "[profile]") {
    std::map<std::string, std::string> files{{"/c", "[profile a]\nregion = r\n"}, {"/k", "[a]\naws_access_key_id = X\n"}};
    auto reader = [&](std::string_view path, std::string& out) -> std::error_code {
        if (path == "/locked") return errc::io_failed;
        auto it = files.find(std::string(path));
        if (it == files.end()) return errc::file_not_found;
        out = it->second;
        return {};
    };
    profile_set set;
    diagnostics diag;
    REQUIRE_FALSE(load_profile_set({"/c", "/k"}, reader, set, &diag));
    CHECK(set.find_profile("a")->get("aws_access_key_id") == "X");

    REQUIRE_FALSE(load_profile_set({"/none", "/none2"}, reader, set, &diag));
    CHECK(set.empty());

    CHECK(load_profile_set({"/c", "/locked"}, reader, set, &diag) == errc::io_failed);
    CHECK(diag.message.find("/locked") != std::string::npos);

    files["/bad"] = std::string("[profile a]\nx ") + secrets::secret_key + "\n";
    CHECK(load_profile_set({"/bad", "/k"}, reader, set, &diag) == errc::profile_parse_error);
    CHECK(diag.message.find("could not parse profile file") == 0);
    CHECK_FALSE(secrets::leaks(diag.message));
}

TEST_CASE("parser: indented whole-line comments are comments, also between sub-properties", "[profile]") {
    profile_set set;
    diagnostics diag;
    REQUIRE_FALSE(parse_profile_files("[profile p]\nregion = eu-west-1\n  # a note\ns3 =\n  ; about s3\n  max_concurrent_requests = 10\n", "", set, &diag));
    CHECK(set.find_profile("p")->get("region") == "eu-west-1");
    CHECK(set.find_profile("p")->get("s3") == "\nmax_concurrent_requests = 10");
}
