// Internals shared by the providers that talk HTTP (container, IMDS, STS, SSO): the retry budget,
// bounded JSON reading of credential documents, ARN and text helpers. Not public API.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/environment.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/protocol/detail/json.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {
namespace remote {

// Attempts of one request: the first try plus retries, with a capped exponential backoff
// (base, 2*base, 4*base... up to max). No jitter: these are local endpoints or STS with few tries.
struct retry_budget {
    int max_attempts = 3;
    milliseconds base_delay{100};
    milliseconds max_delay{1000};
    int used = 0; // attempts made for the current request

    void reset() noexcept { used = 0; }
    bool can_retry() const noexcept { return used < max_attempts; }
    // When the next attempt may start, given that attempt `used` just failed at `now`.
    time_point resume_at(time_point now) const noexcept {
        milliseconds d = base_delay;
        for (int i = 1; i < used && d < max_delay; ++i) d *= 2;
        return now + std::min(d, max_delay);
    }
};

// 5xx and 429 are worth another try; other statuses are answers.
constexpr bool is_retryable_status(int status) noexcept { return status >= 500 || status == 429; }

inline bool contains_line_break(std::string_view s) noexcept {
    return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

// Account id from an ARN "arn:partition:service:region:account:resource"; "" when absent or malformed.
inline std::string account_from_arn(std::string_view arn) {
    if (arn.substr(0, 4) != "arn:") return {};
    std::size_t pos = 0;
    for (int field = 0; field < 4; ++field) {
        pos = arn.find(':', pos);
        if (pos == std::string_view::npos) return {};
        ++pos;
    }
    const auto end = arn.find(':', pos);
    if (end == std::string_view::npos) return {};
    std::string_view account = arn.substr(pos, end - pos);
    if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) { return is_ascii_digit(c); })) return {};
    return std::string(account);
}

// Parses a JSON object of at most `max_size` bytes. On failure `why` says what was wrong (never the body).
inline bool parse_json_object(std::string_view body, std::size_t max_size, boost::json::object& out, std::string& why) {
    if (body.size() > max_size) {
        why = "document of " + std::to_string(body.size()) + " bytes exceeds the limit of " + std::to_string(max_size);
        return false;
    }
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) {
        why = "document is not valid JSON (" + std::to_string(body.size()) + " bytes)";
        return false;
    }
    if (!v.is_object()) {
        why = "document is not a JSON object";
        return false;
    }
    out = std::move(v.as_object());
    return true;
}

// The string member `key`, or nullptr when missing or not a string (protocol/detail/json.hpp).
inline const boost::json::string* json_string(const boost::json::object& o, std::string_view key) noexcept {
    return protocol::detail::find_string(o, key);
}

inline std::string_view sv(const boost::json::string& s) noexcept { return protocol::detail::view(s); }

// Reads the credential document IMDS and the container endpoint both return:
// {Code?, AccessKeyId, SecretAccessKey, Token?, Expiration?, AccountId?}. Returns an empty error
// code on success; otherwise errc::malformed_response (or credential_provider_failed when Code is
// not "Success") with `why` naming the bad field (never a value).
inline std::error_code parse_credential_document(std::string_view body, std::size_t max_size, std::string_view provider_name,
                                                 credentials& out, std::string& why) {
    boost::json::object o;
    if (!parse_json_object(body, max_size, o, why)) return errc::malformed_response;
    if (const auto* code = json_string(o, "Code"); code && sv(*code) != "Success") {
        why = "credential document has Code \"" + std::string(sv(*code).substr(0, 64)) + "\"";
        return errc::credential_provider_failed;
    }
    const auto* akid = json_string(o, "AccessKeyId");
    const auto* secret = json_string(o, "SecretAccessKey");
    if (!akid || akid->empty()) {
        why = "credential document has no AccessKeyId";
        return errc::malformed_response;
    }
    if (!secret || secret->empty()) {
        why = "credential document has no SecretAccessKey";
        return errc::malformed_response;
    }
    credentials c;
    c.access_key_id = std::string(sv(*akid));
    c.secret_access_key = std::string(sv(*secret));
    if (const auto* token = json_string(o, "Token")) c.session_token = std::string(sv(*token));
    if (const auto* exp = json_string(o, "Expiration")) {
        time_point t;
        if (http::parse_iso8601(sv(*exp), t)) {
            why = "credential document has an invalid Expiration";
            return errc::malformed_response;
        }
        c.expiration = t;
    }
    if (const auto* account = json_string(o, "AccountId")) c.account_id = std::string(sv(*account));
    c.provider = std::string(provider_name);
    out = std::move(c);
    return {};
}

// Fills `d` from an HTTP response whose status was not the expected one (no body text copied
// unless `message` is given by the caller from a parsed, non-secret field).
inline void status_diagnostics(diagnostics& d, const http::response& r, std::string message) {
    d.http_status = r.status;
    d.message = std::move(message);
    if (const auto* id = r.headers.find("x-amzn-requestid")) d.request_id = id->substr(0, 128);
    else if (const auto* id2 = r.headers.find("x-amz-request-id")) d.request_id = id2->substr(0, 128);
}

inline std::string transport_message(std::string_view what, std::error_code ec, int attempts) {
    return std::string(what) + ": " + ec.message() + " (after " + std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)");
}

// Environment value by the one rule of detail/environment.hpp (trimmed; blank is unset): "" when unset.
inline std::string env_value(const environment_lookup& env, std::string_view name) {
    return env_setting(env, name).value_or(std::string());
}

} // namespace remote
} // namespace detail
APPCONFIGDATA_NAMESPACE_END
