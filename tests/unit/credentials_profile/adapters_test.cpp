// The file reader, environment and process-runner adapters, against the real OS.
#include <appconfigdata/adapters/environment_reader.hpp>
#include <appconfigdata/adapters/file_reader.hpp>
#include <appconfigdata/adapters/process_runner.hpp>
#include <appconfigdata/adapters/system_random.hpp>

#include <catch2/catch.hpp>

#include "secrets.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace appconfigdata;

namespace {

std::string temp_path(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/appconfigdata-profile-test-" + std::to_string(::getpid()) + "-" + name;
}

} // namespace

TEST_CASE("file reader: content, not found, too large, not a file", "[adapters]") {
    const std::string path = temp_path("file");
    {
        std::ofstream f(path, std::ios::binary);
        f << "[default]\nregion = x\n";
    }
    std::string text;
    diagnostics d;
    REQUIRE_FALSE(adapters::read_file(path, text));
    CHECK(text == "[default]\nregion = x\n");

    CHECK(adapters::read_file(path, text, 5, &d) == errc::limit_exceeded);
    CHECK(text.empty());
    CHECK(d.message.find(path) != std::string::npos);
    CHECK_FALSE(adapters::read_file(path, text, 21)); // exactly at the limit

    CHECK(adapters::read_file(path + ".missing", text) == errc::file_not_found);
    CHECK(adapters::read_file(path + "/below-a-file", text) == errc::file_not_found);
    CHECK(adapters::read_file("", text) == errc::file_not_found);
    CHECK(adapters::read_file("/tmp", text, 100, &d) == errc::io_failed);

    const file_reader reader = adapters::make_file_reader(100);
    CHECK_FALSE(reader(path, text));
    CHECK(reader(path + ".missing", text) == errc::file_not_found);
    std::remove(path.c_str());
}

TEST_CASE("environment adapter reads the process environment", "[adapters]") {
    ::setenv("APPCONFIGDATA_PROFILE_TEST_VAR", "value", 1);
    const environment_lookup env = adapters::system_environment();
    CHECK(env("APPCONFIGDATA_PROFILE_TEST_VAR") == std::optional<std::string>("value"));
    ::unsetenv("APPCONFIGDATA_PROFILE_TEST_VAR");
    CHECK_FALSE(env("APPCONFIGDATA_PROFILE_TEST_VAR"));
    CHECK_FALSE(env(""));
    CHECK_FALSE(env("A=B"));
}

TEST_CASE("process runner: stdout, exit status, stderr kept out", "[adapters][process]") {
    process_request r;
    r.argv = {"printf", "%s", "hello"};
    process_outcome o;
    REQUIRE_FALSE(adapters::run_process(r, o));
    CHECK(o.exited);
    CHECK(o.exit_code == 0);
    CHECK(o.stdout_text == "hello");

    r.argv = {"sh", "-c", std::string("echo ") + secrets::secret_key + " >&2; exit 3"};
    REQUIRE_FALSE(adapters::run_process(r, o));
    CHECK(o.exit_code == 3);
    CHECK(o.stderr_bytes == std::string(secrets::secret_key).size() + 1);
    CHECK_FALSE(secrets::leaks(secrets::printed(o)));

    // No shell: metacharacters are plain arguments.
    r.argv = {"printf", "%s", "$HOME|x;y"};
    REQUIRE_FALSE(adapters::run_process(r, o));
    CHECK(o.stdout_text == "$HOME|x;y");
}

TEST_CASE("process runner: not found, too much output, timeout", "[adapters][process]") {
    process_request r;
    process_outcome o;
    r.argv = {"/nonexistent/credential-tool"};
    CHECK(adapters::run_process(r, o) == std::errc::no_such_file_or_directory);
    r.argv = {};
    CHECK(adapters::run_process(r, o) == errc::invalid_argument);

    r.argv = {"head", "-c", "100000", "/dev/zero"};
    r.max_stdout = 1000;
    REQUIRE_FALSE(adapters::run_process(r, o));
    CHECK(o.stdout_too_large);
    CHECK(o.stdout_text.empty());
    CHECK(o.exit_code == 0);

    r.argv = {"sleep", "30"};
    r.timeout = std::chrono::milliseconds(200);
    REQUIRE_FALSE(adapters::run_process(r, o));
    CHECK(o.timed_out);
    CHECK_FALSE(o.exited);
}

TEST_CASE("credential_process end to end through the real runner", "[adapters][process]") {
    const std::string script = temp_path("creds.sh");
    {
        std::ofstream f(script);
        f << "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"%s\", \"Expiration\": "
             "\"2030-01-01T00:00:00Z\"}' \"$1\"\n";
    }
    ::chmod(script.c_str(), 0700);
    auto r = credentials_from_process("\"" + script + "\" " + secrets::secret_key, adapters::make_process_runner(), "123");
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.access_key_id == "AKIDPROC");
    CHECK(r.value.secret_access_key.reveal() == secrets::secret_key);
    CHECK(r.value.account_id == "123");
    CHECK(r.value.expiration);

    r = credentials_from_process("false", adapters::make_process_runner());
    CHECK(r.error == errc::process_failed);
    CHECK(r.diag.message.find("exited with code 1") != std::string::npos);
    std::remove(script.c_str());
}

#include <appconfigdata/credentials/profile_chain.hpp>
#include <appconfigdata/credentials/profile_files.hpp>

#include <sys/stat.h>

namespace {

void write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

// Files -> plan -> credentials, with the real file reader, as far as static keys go.
provider_result profile_credentials(const environment_lookup& env, std::string_view explicit_profile = {}) {
    profile_set set;
    diagnostics d;
    if (auto ec = load_profile_set(resolve_profile_file_locations(env, os_platform::posix), adapters::make_file_reader(), set, &d))
        return error_result(provider_status::failed, ec, d.message);
    profile_plan p;
    const bool named = !explicit_profile.empty() || env_nonblank(env, "AWS_PROFILE");
    if (auto ec = resolve_profile_plan(set, select_profile_name(env, explicit_profile), p, &d))
        return error_result(profile_error_status(ec, named), ec, d.message);
    const auto* keys = std::get_if<plan::static_keys>(&p.base);
    REQUIRE(keys);
    return ready_result(keys->value);
}

} // namespace

TEST_CASE("real files: a named profile in ~/.aws beside a wrong [default]; overrides by environment", "[adapters][profile]") {
    const std::string home = temp_path("home");
    ::mkdir(home.c_str(), 0700);
    ::mkdir((home + "/.aws").c_str(), 0700);
    write_file(home + "/.aws/config", "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n");
    write_file(home + "/.aws/credentials", "[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n"
                                           "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = " + std::string(secrets::secret_key) + "\n");
    std::map<std::string, std::string> vars{{"HOME", home}, {"AWS_PROFILE", "dev"}};
    auto r = profile_credentials(environment_from_map(vars));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.access_key_id == "AKIADEV");
    CHECK(profile_credentials(environment_from_map(vars), "default").value.access_key_id == "WRONG");

    // AWS_PROFILE naming a profile that does not exist fails (it must not fall back to [default]).
    vars["AWS_PROFILE"] = "nope";
    r = profile_credentials(environment_from_map(vars));
    CHECK(r.status == provider_status::failed);
    CHECK(r.error == errc::profile_not_found);

    // AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE point elsewhere.
    write_file(home + "/other-creds", "[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = s\n");
    write_file(home + "/other-config", "[profile ci]\nregion = ap-south-1\n");
    vars = {{"HOME", home}, {"AWS_PROFILE", "ci"}, {"AWS_SHARED_CREDENTIALS_FILE", home + "/other-creds"}, {"AWS_CONFIG_FILE", "~/other-config"}};
    r = profile_credentials(environment_from_map(vars));
    REQUIRE(r.status == provider_status::ready);
    CHECK(r.value.access_key_id == "AKIACI");

    // No files anywhere: the default profile is simply not there (a chain moves on).
    vars = {{"HOME", home + "/empty"}};
    r = profile_credentials(environment_from_map(vars));
    CHECK(r.status == provider_status::not_applicable);

    for (const char* f : {"/.aws/config", "/.aws/credentials", "/other-creds", "/other-config"}) std::remove((home + f).c_str());
    ::rmdir((home + "/.aws").c_str());
    ::rmdir(home.c_str());
}

TEST_CASE("system_random_seed: from /dev/urandom, different every call", "[adapter][random]") {
    bool ok = false;
    const std::uint64_t a = adapters::system_random_seed(&ok);
    CHECK(ok);
    const std::uint64_t b = adapters::system_random_seed();
    const std::uint64_t c = adapters::system_random_seed();
    // Three equal 64-bit draws from the kernel's generator would mean it is not being read.
    CHECK_FALSE((a == b && b == c));
}
