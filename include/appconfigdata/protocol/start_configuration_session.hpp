// StartConfigurationSession: POST /configurationsessions with a JSON body naming the application,
// environment and configuration profile; the service answers 201 {"InitialConfigurationToken": ...}.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/protocol/request_target.hpp>
#include <appconfigdata/protocol/service_error.hpp>
#include <appconfigdata/protocol/validation.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json.hpp>

#include <optional>
#include <ostream>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {

struct start_configuration_session_input {
    std::string application_identifier;             // ID or name, 1..128 characters
    std::string environment_identifier;             // ID or name, 1..128 characters
    std::string configuration_profile_identifier;   // ID or name, 1..128 characters
    std::optional<int> required_minimum_poll_interval_in_seconds; // 15..86400 when set

    // errc::invalid_identifier or errc::invalid_poll_interval when a member is out of range; never throws.
    std::error_code validate() const noexcept {
        if (auto ec = validate_identifier(application_identifier)) return ec;
        if (auto ec = validate_identifier(environment_identifier)) return ec;
        if (auto ec = validate_identifier(configuration_profile_identifier)) return ec;
        if (required_minimum_poll_interval_in_seconds)
            if (auto ec = validate_poll_interval(*required_minimum_poll_interval_in_seconds)) return ec;
        return {};
    }

    friend bool operator==(const start_configuration_session_input& a, const start_configuration_session_input& b) {
        return a.application_identifier == b.application_identifier && a.environment_identifier == b.environment_identifier &&
               a.configuration_profile_identifier == b.configuration_profile_identifier &&
               a.required_minimum_poll_interval_in_seconds == b.required_minimum_poll_interval_in_seconds;
    }
    friend bool operator!=(const start_configuration_session_input& a, const start_configuration_session_input& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const start_configuration_session_input& in) {
        os << "StartConfigurationSession{application=" << in.application_identifier << ", environment=" << in.environment_identifier
           << ", profile=" << in.configuration_profile_identifier;
        if (in.required_minimum_poll_interval_in_seconds) os << ", min_poll=" << *in.required_minimum_poll_interval_in_seconds << "s";
        return os << "}";
    }
};

// Builds the unsigned request into `out` (reusing its buffers): POST <endpoint path>/configurationsessions,
// Content-Type: application/json, the JSON body. Returns the validation errc (invalid_identifier,
// invalid_poll_interval) and leaves `out` untouched on error. Throws only std::bad_alloc.
inline std::error_code build_start_configuration_session(const http::url& endpoint, const start_configuration_session_input& in,
                                                         http::request& out) {
    if (auto ec = in.validate()) return ec;
    detail::set_target(out, "POST", endpoint, "/configurationsessions");
    boost::json::object body;
    body["ApplicationIdentifier"] = in.application_identifier;
    body["EnvironmentIdentifier"] = in.environment_identifier;
    body["ConfigurationProfileIdentifier"] = in.configuration_profile_identifier;
    if (in.required_minimum_poll_interval_in_seconds) body["RequiredMinimumPollIntervalInSeconds"] = *in.required_minimum_poll_interval_in_seconds;
    out.body = boost::json::serialize(body);
    out.headers.set("Content-Type", "application/json");
    http::add_framing_headers(out);
    return {};
}

// Same, from an endpoint URL text; errc::invalid_url when it does not parse.
inline std::error_code build_start_configuration_session(std::string_view endpoint_url, const start_configuration_session_input& in,
                                                         http::request& out) {
    return detail::with_endpoint(endpoint_url, [&](const http::url& e) { return build_start_configuration_session(e, in, out); });
}

struct start_configuration_session_output {
    std::string initial_configuration_token;
    std::string request_id;

    friend bool operator==(const start_configuration_session_output& a, const start_configuration_session_output& b) {
        return a.initial_configuration_token == b.initial_configuration_token && a.request_id == b.request_id;
    }
    friend bool operator!=(const start_configuration_session_output& a, const start_configuration_session_output& b) { return !(a == b); }
    // Prints the token's length, not the token.
    friend std::ostream& operator<<(std::ostream& os, const start_configuration_session_output& o) {
        return os << "StartConfigurationSession result{token: " << o.initial_configuration_token.size() << " chars}";
    }
};

// Parses a StartConfigurationSession response. Any 2xx with a JSON body holding a valid
// InitialConfigurationToken fills `out` and returns {}. Otherwise returns the error and fills `err`:
// a non-2xx response gives the typed service error (parse_service_error); a 2xx with a body over the
// limit gives errc::response_too_large; a bad body or token gives errc::malformed_response. Never throws
// (except std::bad_alloc).
inline std::error_code parse_start_configuration_session(const http::response& r, start_configuration_session_output& out,
                                                         service_error& err, const limits& lim = default_limits) {
    out = start_configuration_session_output{};
    err.clear();
    if (r.status < 200 || r.status > 299) return parse_service_error(r, err, lim);
    err.diag.http_status = r.status;
    if (const auto* id = r.headers.find("x-amzn-RequestId")) err.diag.request_id = *id;
    auto fail = [&](errc e, const char* what) {
        err.code = e;
        err.diag.message = what;
        return err.code;
    };
    if (r.body.size() > lim.max_response_body) return fail(errc::response_too_large, "StartConfigurationSession response body exceeds limits::max_response_body");
    boost::system::error_code jec;
    boost::json::parse_options opt;
    opt.max_depth = 32;
    const boost::json::value doc = boost::json::parse(r.body, jec, {}, opt);
    if (jec || !doc.is_object()) return fail(errc::malformed_response, "StartConfigurationSession response body is not a JSON object");
    const auto* tok = doc.as_object().if_contains("InitialConfigurationToken");
    if (!tok || !tok->is_string()) return fail(errc::malformed_response, "StartConfigurationSession response has no InitialConfigurationToken string");
    const auto& s = tok->get_string();
    if (validate_token(std::string_view(s.data(), s.size()), lim.max_token_length))
        return fail(errc::malformed_response, "InitialConfigurationToken is not 1..8192 non-whitespace characters");
    out.initial_configuration_token.assign(s.data(), s.size());
    out.request_id = err.diag.request_id;
    err.clear();
    return {};
}

} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
