// Environment, static profile keys and credential_process providers: success, expiry, every failure step,
// and secrets never in messages or printed output.
#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/process.hpp>
#include <appconfigdata/credentials/static_provider.hpp>

#include <catch2/catch.hpp>

#include "secrets.hpp"

#include <map>
#include <string>

using namespace appconfigdata;

namespace {

environment_lookup env_of(std::map<std::string, std::string> m) { return environment_from_map(m); }

void check_no_leak(const provider_result& r) {
    CHECK_FALSE(secrets::leaks(secrets::printed(r)));
    CHECK_FALSE(secrets::leaks(r.diag.message));
    CHECK_FALSE(secrets::leaks(r.error.message()));
}

time_point at(std::int64_t unix_seconds) { return time_point(std::chrono::seconds(unix_seconds)); }

} // namespace

// ---------------------------------------------------------------- environment

TEST_CASE("environment: keys, token and account id", "[environment]") {
    auto r = credentials_from_environment(env_of({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                 {"AWS_SECRET_ACCESS_KEY", secrets::secret_key},
                                                 {"AWS_SESSION_TOKEN", secrets::session_token},
                                                 {"AWS_ACCOUNT_ID", "123456789012"}}));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.access_key_id == "AKID");
    CHECK(r.value.secret_access_key.reveal() == secrets::secret_key);
    CHECK(r.value.session_token.reveal() == secrets::session_token);
    CHECK(r.value.account_id == "123456789012");
    CHECK(r.value.provider == "environment");
    CHECK_FALSE(r.value.expiration); // environment keys never expire
    check_no_leak(r);
}

TEST_CASE("environment: blank values count as unset", "[environment]") {
    auto r = credentials_from_environment(env_of({{"AWS_ACCESS_KEY_ID", " "}, {"AWS_SECRET_ACCESS_KEY", " "}}));
    CHECK(r.status == provider_status::not_applicable);
    CHECK(r.error == errc::no_credentials);

    r = credentials_from_environment(env_of({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", secrets::secret_key}, {"AWS_SESSION_TOKEN", "\t"}}));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.session_token.empty());
}

TEST_CASE("environment: each missing half is reported by name", "[environment]") {
    auto r = credentials_from_environment(env_of({{"AWS_SECRET_ACCESS_KEY", secrets::secret_key}}));
    CHECK(r.status == provider_status::not_applicable);
    CHECK(r.diag.message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
    check_no_leak(r);
    r = credentials_from_environment(env_of({{"AWS_ACCESS_KEY_ID", "AKID"}}));
    CHECK(r.status == provider_status::not_applicable);
    CHECK(r.diag.message.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
    r = credentials_from_environment(environment_lookup{});
    CHECK(r.status == provider_status::not_applicable);
}

// ---------------------------------------------------------------- static keys

TEST_CASE("static profile keys", "[static]") {
    profile p{"dev",
              {{"aws_access_key_id", "AKID"},
               {"aws_secret_access_key", secrets::secret_key},
               {"aws_session_token", secrets::session_token},
               {"aws_account_id", "111122223333"}}};
    auto r = credentials_from_profile_keys(p);
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.secret_access_key.reveal() == secrets::secret_key);
    CHECK(r.value.session_token.reveal() == secrets::session_token);
    CHECK(r.value.account_id == "111122223333");
    CHECK(r.value.provider == "profile");
    check_no_leak(r);

    p.properties.erase("aws_access_key_id");
    r = credentials_from_profile_keys(p);
    CHECK(r.status == provider_status::failed);
    CHECK(r.error == errc::invalid_credentials);
    CHECK(r.diag.message.find("aws_access_key_id") != std::string::npos);
    check_no_leak(r);

    p.properties["aws_access_key_id"] = "AKID";
    p.properties["aws_secret_access_key"] = "";
    r = credentials_from_profile_keys(p);
    CHECK(r.error == errc::invalid_credentials);
    CHECK(r.diag.message.find("aws_secret_access_key") != std::string::npos);

    r = credentials_from_profile_keys(profile{"empty", {{"region", "x"}}});
    CHECK(r.status == provider_status::not_applicable);
    CHECK(r.error == errc::no_credentials);
}

TEST_CASE("static credentials given in code", "[static]") {
    credentials c;
    c.access_key_id = "AKID";
    c.secret_access_key = secrets::secret_key;
    auto r = static_credentials(c);
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.provider == "static");
    c.secret_access_key = "";
    CHECK(static_credentials(c).error == errc::invalid_credentials);
    c.access_key_id = "";
    CHECK(static_credentials(c).error == errc::invalid_credentials);
}

// ---------------------------------------------------------------- credential_process

TEST_CASE("credential_process: command line splitting", "[process]") {
    std::vector<std::string> argv;
    REQUIRE_FALSE(split_command_line("/opt/bin/awscreds-custom --username helen", argv));
    CHECK(argv == std::vector<std::string>{"/opt/bin/awscreds-custom", "--username", "helen"});
    REQUIRE_FALSE(split_command_line("\"C:\\Path\\To\\credentials.cmd\" parameterWithoutSpaces \"parameter with spaces\"", argv));
    CHECK(argv == std::vector<std::string>{"C:\\Path\\To\\credentials.cmd", "parameterWithoutSpaces", "parameter with spaces"});
    REQUIRE_FALSE(split_command_line("  tool  'single quoted'\t\"a\\\"b\" x\"y z\"w \"\" ", argv));
    CHECK(argv == std::vector<std::string>{"tool", "single quoted", "a\"b", "xy zw", ""});
    // Shell syntax is not interpreted: it reaches the program as plain arguments.
    REQUIRE_FALSE(split_command_line("echo $HOME | cat; rm -rf ~", argv));
    CHECK(argv == std::vector<std::string>{"echo", "$HOME", "|", "cat;", "rm", "-rf", "~"});

    diagnostics diag;
    CHECK(split_command_line("tool \"unterminated " + std::string(secrets::secret_key), argv, &diag) == errc::invalid_argument);
    CHECK_FALSE(secrets::leaks(diag.message));
    CHECK(split_command_line("   ", argv, &diag) == errc::invalid_argument);
    CHECK(split_command_line("", argv, &diag) == errc::invalid_argument);
}

namespace {

std::string process_json(const std::string& extra) {
    return std::string("{\"Version\": 1, \"AccessKeyId\": \"ASIAEXAMPLE\", \"SecretAccessKey\": \"") + secrets::secret_key +
           "\", \"SessionToken\": \"" + secrets::session_token + "\"" + extra + "}";
}

process_runner canned(process_outcome outcome, std::error_code start_error = {}, process_request* seen = nullptr) {
    return [=](const process_request& r, process_outcome& o) {
        if (seen) *seen = r;
        o = outcome;
        return start_error;
    };
}

process_outcome stdout_of(std::string text) {
    process_outcome o;
    o.stdout_text = std::move(text);
    return o;
}

} // namespace

TEST_CASE("credential_process: success with expiry and account id", "[process]") {
    process_request seen;
    auto r = credentials_from_process("tool --flag \"a b\"",
                                      canned(stdout_of(process_json(", \"Expiration\": \"2030-01-02T03:04:05Z\", \"AccountId\": \"123\"")), {}, &seen),
                                      "999", process_options{std::chrono::milliseconds(1500), 1000});
    REQUIRE(r.status == provider_status::ready);
    CHECK(seen.argv == std::vector<std::string>{"tool", "--flag", "a b"});
    CHECK(seen.timeout == std::chrono::milliseconds(1500));
    CHECK(seen.max_stdout == 1000);
    CHECK(r.value.access_key_id == "ASIAEXAMPLE");
    CHECK(r.value.secret_access_key.reveal() == secrets::secret_key);
    CHECK(r.value.session_token.reveal() == secrets::session_token);
    CHECK(r.value.account_id == "123"); // the output wins over the profile's aws_account_id
    CHECK(r.value.provider == "process");
    REQUIRE(r.value.expiration);
    CHECK(*r.value.expiration == at(1893553445));
    CHECK_FALSE(r.value.expired(at(1893553444)));
    CHECK(r.value.expired(at(1893553445)));
    check_no_leak(r);
    CHECK_FALSE(secrets::leaks(secrets::printed(seen)));
}

TEST_CASE("credential_process: no expiry, fallback account id, expired credentials still returned", "[process]") {
    auto r = credentials_from_process("tool", canned(stdout_of(process_json(""))), "999");
    REQUIRE(r.status == provider_status::ready);
    CHECK_FALSE(r.value.expiration);
    CHECK(r.value.account_id == "999");

    // Already expired: returned as is; the caller (cache / chain) decides by credentials::expired(now).
    r = credentials_from_process("tool", canned(stdout_of(process_json(", \"Expiration\": \"2009-02-13T23:31:30+00:00\""))));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.expired(at(1700000000)));

    // Long-term keys: no SessionToken.
    r = credentials_from_process("tool", canned(stdout_of("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"SessionToken\":null}")));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.session_token.empty());
}

TEST_CASE("credential_process: every failure step is typed and never leaks", "[process]") {
    struct bad_case {
        const char* name;
        provider_result result;
        errc expected;
        const char* says;
    };
    process_outcome exit3 = stdout_of(process_json(""));
    exit3.exit_code = 3;
    exit3.stderr_bytes = 42;
    process_outcome killed;
    killed.exited = false;
    process_outcome timed_out;
    timed_out.timed_out = true;
    timed_out.exited = false;
    process_outcome too_large;
    too_large.stdout_too_large = true;

    const std::vector<bad_case> cases = {
        {"empty command", credentials_from_process("  ", canned({})), errc::invalid_argument, "empty"},
        {"no runner", credentials_from_process("tool", process_runner{}), errc::not_supported, "cannot run processes"},
        {"cannot start", credentials_from_process("tool " + std::string(secrets::secret_key), canned({}, std::make_error_code(std::errc::no_such_file_or_directory))),
         errc::process_failed, "could not start"},
        {"timeout", credentials_from_process("tool", canned(timed_out)), errc::process_failed, "was killed"},
        {"signal", credentials_from_process("tool", canned(killed)), errc::process_failed, "signal"},
        {"exit code", credentials_from_process("tool", canned(exit3)), errc::process_failed, "exited with code 3"},
        {"stdout too large", credentials_from_process("tool", canned(too_large)), errc::limit_exceeded, "limit"},
        {"not json", credentials_from_process("tool", canned(stdout_of(std::string("oops ") + secrets::secret_key))), errc::process_failed,
         "invalid JSON"},
        {"not an object", credentials_from_process("tool", canned(stdout_of("[1]"))), errc::process_failed, "not a JSON object"},
        {"no version", credentials_from_process("tool", canned(stdout_of("{\"AccessKeyId\":\"A\"}"))), errc::process_failed, "Version is missing"},
        {"version 2", credentials_from_process("tool", canned(stdout_of("{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}"))),
         errc::process_failed, "unsupported Version"},
        {"version string", credentials_from_process("tool", canned(stdout_of("{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}"))),
         errc::process_failed, "unsupported Version"},
        {"no key id", credentials_from_process("tool", canned(stdout_of(std::string("{\"Version\":1,\"SecretAccessKey\":\"") + secrets::secret_key + "\"}"))),
         errc::process_failed, "AccessKeyId is missing"},
        {"no secret", credentials_from_process("tool", canned(stdout_of("{\"Version\":1,\"AccessKeyId\":\"A\"}"))), errc::process_failed,
         "SecretAccessKey is missing"},
        {"secret not a string", credentials_from_process("tool", canned(stdout_of("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":5}"))),
         errc::process_failed, "SecretAccessKey is not a string"},
        {"token not a string", credentials_from_process("tool", canned(stdout_of("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"SessionToken\":7}"))),
         errc::process_failed, "SessionToken is not a string"},
        {"bad expiration", credentials_from_process("tool", canned(stdout_of(process_json(", \"Expiration\": \"tomorrow\"")))), errc::process_failed,
         "Expiration is not an ISO-8601 time"},
        {"expiration not a string", credentials_from_process("tool", canned(stdout_of(process_json(", \"Expiration\": 1700000000")))),
         errc::process_failed, "Expiration is not a string"},
        {"account not a string", credentials_from_process("tool", canned(stdout_of(process_json(", \"AccountId\": 12")))), errc::process_failed,
         "AccountId is not a string"},
    };
    for (const auto& c : cases) {
        INFO(c.name << ": " << c.result);
        CHECK(c.result.status == provider_status::failed);
        CHECK(c.result.error == c.expected);
        CHECK(c.result.diag.message.find(c.says) != std::string::npos);
        check_no_leak(c.result);
    }
    // The stderr note gives a size, never the text.
    CHECK(cases[5].result.diag.message.find("42 bytes to stderr") != std::string::npos);
}

TEST_CASE("credential_process: output parser limit", "[process]") {
    credentials c;
    diagnostics d;
    CHECK(parse_credential_process_output(process_json(""), c, &d, 10) == errc::limit_exceeded);
    CHECK_FALSE(secrets::leaks(d.message));
    CHECK_FALSE(parse_credential_process_output(process_json(""), c, &d));
}
