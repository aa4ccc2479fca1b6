#include "test_crypto.hpp"
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/detail/environment.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/sigv4/credentials.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace appconfigdata;

TEST_CASE("errc values are error codes of the appconfigdata category") {
    std::error_code ec = errc::bad_request;
    CHECK(ec.category().name() == std::string("appconfigdata"));
    CHECK(ec.message() == "BadRequestException");
    CHECK(ec == errc::bad_request);
    CHECK(ec != errc::throttling);
    CHECK(std::error_code(errc::invalid_token).message().find("8192") != std::string::npos);
}

TEST_CASE("diagnostics print type, status, message and request id") {
    diagnostics d;
    CHECK(d.empty());
    d.http_status = 404;
    d.error_type = "ResourceNotFoundException";
    d.message = "Application not found";
    d.request_id = "abc";
    std::ostringstream os;
    os << d;
    CHECK(os.str() == "ResourceNotFoundException (HTTP 404): Application not found [request id abc]");
}

TEST_CASE("credentials never print their secrets") {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.session_token = "SESSIONTOKENVALUE";
    std::ostringstream os;
    os << c << " " << c.secret_access_key << " " << c.session_token;
    const std::string text = os.str();
    CHECK(text.find("AKIDEXAMPLE") != std::string::npos);
    CHECK(text.find("wJalr") == std::string::npos);
    CHECK(text.find("SESSIONTOKEN") == std::string::npos);
    CHECK(text.find("<redacted>") != std::string::npos);
    CHECK(c.secret_access_key.reveal() == "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    CHECK_FALSE(c.empty());
    CHECK_FALSE(c.expired(time_point{}));
}

TEST_CASE("Botan SHA-256 and HMAC-SHA-256 match published vectors") {
    test_crypto crypto;
    crypto::digest d{};
    crypto.sha256("", d);
    CHECK(detail::to_hex(d) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    crypto.sha256("abc", d);
    CHECK(detail::to_hex(d) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2
    crypto.hmac_sha256(std::string_view("Jefe"), "what do ya want for nothing?", d);
    CHECK(detail::to_hex(d) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // same key again (cached key schedule), then a different key, then back
    crypto.hmac_sha256(std::string_view("Jefe"), "what do ya want for nothing?", d);
    CHECK(detail::to_hex(d) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    crypto.hmac_sha256(std::string_view("key"), "The quick brown fox jumps over the lazy dog", d);
    CHECK(detail::to_hex(d) == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    // RFC 4231 test case 6: a 131-byte key (longer than the block size)
    std::string long_key(131, '\xaa');
    crypto.hmac_sha256(std::string_view(long_key), "Test Using Larger Than Block-Size Key - Hash Key First", d);
    CHECK(detail::to_hex(d) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    crypto.hmac_sha256(std::string_view(long_key), "Test Using Larger Than Block-Size Key - Hash Key First", d);
    CHECK(detail::to_hex(d) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

namespace {
enum class colour { red, green, blue };
} // namespace

TEST_CASE("detail::enum_name names values from a table in declaration order") {
    constexpr const char* names[] = {"red", "green", "blue"};
    static_assert(std::string_view(detail::enum_name<colour::blue>(colour::green, names)) == "green");
    CHECK(std::string(detail::enum_name<colour::blue>(colour::red, names)) == "red");
    CHECK(std::string(detail::enum_name<colour::blue>(colour::blue, names)) == "blue");
    CHECK(std::string(detail::enum_name<colour::blue>(static_cast<colour>(7), names)) == "?");
    CHECK(std::string(detail::enum_name<colour::blue>(static_cast<colour>(7), names, "unknown")) == "unknown");
}

TEST_CASE("detail::for_each_piece splits on a separator, empty pieces included, and stops when asked") {
    auto pieces = [](std::string_view text) {
        std::vector<std::string> out;
        detail::for_each_piece(text, ';', [&](std::string_view p) {
            out.emplace_back(p);
            return true;
        });
        return out;
    };
    CHECK(pieces("") == std::vector<std::string>{""});
    CHECK(pieces("a") == std::vector<std::string>{"a"});
    CHECK(pieces("a;bc;") == std::vector<std::string>{"a", "bc", ""});
    CHECK(pieces(";;") == std::vector<std::string>{"", "", ""});
    int calls = 0;
    CHECK_FALSE(detail::for_each_piece("a;b;c", ';', [&](std::string_view p) {
        ++calls;
        return p != "b";
    }));
    CHECK(calls == 2);
}

TEST_CASE("detail::env_setting: one rule for every setting, trimmed, blank is unset") {
    using lookup = std::function<std::optional<std::string>(std::string_view)>;
    const lookup env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "SET") return std::string("value");
        if (name == "PADDED") return std::string(" \tvalue \r\n");
        if (name == "BLANK") return std::string(" \t ");
        if (name == "EMPTY") return std::string();
        return std::nullopt;
    };
    CHECK(detail::env_setting(env, "SET") == std::optional<std::string>("value"));
    CHECK(detail::env_setting(env, "PADDED") == std::optional<std::string>("value"));
    CHECK_FALSE(detail::env_setting(env, "BLANK"));
    CHECK_FALSE(detail::env_setting(env, "EMPTY"));
    CHECK_FALSE(detail::env_setting(env, "UNSET"));
    CHECK_FALSE(detail::env_setting(lookup{}, "SET"));
    // The raw text, for callers that want it exactly.
    CHECK(detail::env_raw(env, "PADDED") == std::optional<std::string>(" \tvalue \r\n"));
    CHECK(detail::env_raw(env, "BLANK") == std::optional<std::string>(" \t "));
    CHECK_FALSE(detail::env_raw(env, "THROWS"));
}

TEST_CASE("error conditions: one decision for unreachable, throttled, server errors, no answer, rejected credentials") {
    using appconfigdata::condition;
    using appconfigdata::errc;
    CHECK(std::error_code(errc::timeout) == condition::unreachable);
    CHECK(std::error_code(errc::transport_failed) == condition::unreachable);
    CHECK(std::make_error_code(std::errc::connection_refused) == condition::unreachable);
    CHECK_FALSE(std::error_code(errc::throttling) == condition::unreachable);
    CHECK_FALSE(std::error_code() == condition::unreachable);
    CHECK(std::error_code(errc::throttling) == condition::throttled);
    CHECK(std::error_code(errc::internal_server) == condition::server_error);
    CHECK(std::error_code(errc::service_unavailable) == condition::server_error);
    CHECK_FALSE(std::error_code(errc::bad_request) == condition::server_error);
    for (errc e : {errc::timeout, errc::transport_failed, errc::throttling, errc::internal_server, errc::service_unavailable, errc::unexpected_status,
                   errc::retries_exhausted, errc::retry_quota_exceeded})
        CHECK(std::error_code(e) == condition::unanswered);
    for (errc e : {errc::bad_request, errc::resource_not_found, errc::access_denied, errc::invalid_signature, errc::malformed_response})
        CHECK_FALSE(std::error_code(e) == condition::unanswered);
    for (errc e : {errc::expired_token, errc::unrecognized_client, errc::invalid_signature}) CHECK(std::error_code(e) == condition::credentials_rejected);
    CHECK_FALSE(std::error_code(errc::access_denied) == condition::credentials_rejected);
    CHECK(std::error_condition(condition::throttled).message() == "the service throttled the request");
}
