// Helpers shared by the remote-credentials unit tests.
#pragma once

#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/provider.hpp>

#include <catch2/catch.hpp>
#include <scripted_transport.hpp>

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

namespace remote_test {

namespace acd = appconfigdata;

// Recognisable fake secrets: they must never show up in printed results, errors or diagnostics.
inline constexpr const char* secret_key = "SECRETKEY-zyxwv-0001";
inline constexpr const char* session_token = "SESSIONTOKEN-zyxwv-0002";
inline constexpr const char* bearer = "BEARER-zyxwv-0003";

inline acd::time_point at(long long unix_seconds) { return acd::time_point(std::chrono::seconds(unix_seconds)); }

inline acd::file_reader files(std::map<std::string, std::string> m) {
    return [m = std::move(m)](std::string_view path, std::string& out) -> std::error_code {
        auto it = m.find(std::string(path));
        if (it == m.end()) return acd::errc::file_not_found;
        out = it->second;
        return {};
    };
}

// The file reader and process runner the next machine built in a test reads through: set them where
// a test used to put them into the provider's options; the next io_transport takes them over (and
// clears them, so nothing leaks into the next test). The machines hand reads and runs out as actions;
// test_support::drive answers them with the transport's read_file / run_process.
inline acd::file_reader& test_files() {
    static acd::file_reader f;
    return f;
}
inline acd::process_runner& test_processes() {
    static acd::process_runner p;
    return p;
}
struct io_transport : test_support::scripted_transport {
    io_transport() {
        read_file = std::exchange(test_files(), acd::file_reader{});
        run_process = std::exchange(test_processes(), acd::process_runner{});
    }
};

inline std::string printed(const acd::provider_result& r) {
    std::ostringstream s;
    s << r << " | " << r.diag << " | " << r.error.message() << " | " << r.value;
    return s.str();
}

// Fails the test when any recognisable secret appears in what `r` prints.
inline void check_no_secrets(const acd::provider_result& r) {
    const std::string text = printed(r);
    INFO(text);
    CHECK(text.find(secret_key) == std::string::npos);
    CHECK(text.find(session_token) == std::string::npos);
    CHECK(text.find(bearer) == std::string::npos);
}

// A credential document (container / IMDS shape) with the fake secrets.
inline std::string credential_json(const std::string& expiration = "2030-01-01T00:00:00Z", const std::string& extra = "") {
    return std::string("{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"") + secret_key + "\",\"Token\":\"" +
           session_token + "\",\"Expiration\":\"" + expiration + "\"" + extra + "}";
}

// "The transport fails at step i" sweep: builds a fresh machine, answers the first `i` requests with
// `good(i)` responses and fails the i-th (and every retry of it) with a transport error. Calls `check`
// with the machine's result for every i from 0 to `steps - 1`.
template <class Make, class Good, class Check>
void transport_failure_sweep(int steps, Make make, Good good, Check check) {
    for (int fail_at = 0; fail_at < steps; ++fail_at) {
        DYNAMIC_SECTION("transport fails at step " << fail_at) {
            auto machine = make();
            io_transport t;
            for (int i = 0; i < fail_at; ++i) {
                auto r = good(i);
                t.respond(r.status, r.body, r.headers);
            }
            for (int k = 0; k < 10; ++k) t.fail(acd::errc::timeout);
            acd::time_point now = at(1700000000);
            const acd::action a = test_support::drive(*machine, t, now);
            CHECK(a.kind == acd::action_kind::failed);
            check(fail_at, machine->outcome());
            check_no_secrets(machine->outcome());
        }
    }
}

inline acd::http::response response(int status, std::string body, acd::http::headers h = {}) {
    acd::http::response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(h);
    return r;
}

} // namespace remote_test
