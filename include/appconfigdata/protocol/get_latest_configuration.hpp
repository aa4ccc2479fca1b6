// GetLatestConfiguration: GET /configuration?configuration_token=<token> with the current token;
// the service answers 200 with the next token and poll interval in headers and the configuration
// as the body (empty when nothing changed since the last poll of this session).
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/protocol/request_target.hpp>
#include <appconfigdata/protocol/service_error.hpp>
#include <appconfigdata/protocol/validation.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {

namespace detail {

// A token validate_token accepts, checked 16 bytes at a time (every poll sends one):
// 1..max_token_length bytes, none of them a space, a control byte or DEL.
inline bool is_plain_token(std::string_view token) noexcept {
    if (token.empty() || token.size() > max_token_length) return false;
    return appconfigdata::detail::find_control_byte(token.data(), token.size(), true) == token.size();
}

} // namespace detail

// Builds the unsigned request into `out`: GET <endpoint path>/configuration?configuration_token=<token
// percent-encoded as SigV4 wants: '+' -> %2B, '/' -> %2F, '=' -> %3D>. No body, no Content-Type. Reuses the
// request's buffers, so once warm it does not allocate. Returns errc::invalid_token (and leaves `out`
// untouched) unless the token is 1..8192 non-whitespace characters. Never throws once warm.
inline std::error_code build_get_latest_configuration(const http::url& endpoint, std::string_view configuration_token,
                                                      http::request& out) {
    if (!detail::is_plain_token(configuration_token))
        if (auto ec = validate_token(configuration_token)) return ec;
    detail::set_target(out, "GET", endpoint, "/configuration");
    out.query.assign("configuration_token=");
    http::append_percent_encoded(out.query, configuration_token);
    return {};
}

// Same, from an endpoint URL text; errc::invalid_url when it does not parse.
inline std::error_code build_get_latest_configuration(std::string_view endpoint_url, std::string_view configuration_token,
                                                      http::request& out) {
    return detail::with_endpoint(endpoint_url, [&](const http::url& e) { return build_get_latest_configuration(e, configuration_token, out); });
}

// A parsed 200 response. Every view points into the response it came from and is valid while that
// response is unchanged; parsing copies nothing.
struct get_latest_configuration_output {
    std::string_view next_poll_configuration_token;
    int next_poll_interval_in_seconds = 0;
    std::string_view content_type;      // empty when absent
    std::string_view version_label;     // empty when absent
    std::string_view configuration;     // empty: unchanged since the last poll of this session
    std::string_view request_id;

    bool unchanged() const noexcept { return configuration.empty(); }

    friend bool operator==(const get_latest_configuration_output& a, const get_latest_configuration_output& b) {
        return a.next_poll_configuration_token == b.next_poll_configuration_token &&
               a.next_poll_interval_in_seconds == b.next_poll_interval_in_seconds && a.content_type == b.content_type &&
               a.version_label == b.version_label && a.configuration == b.configuration && a.request_id == b.request_id;
    }
    friend bool operator!=(const get_latest_configuration_output& a, const get_latest_configuration_output& b) { return !(a == b); }
    // Sizes only: the configuration may be sensitive.
    friend std::ostream& operator<<(std::ostream& os, const get_latest_configuration_output& o) {
        return os << "GetLatestConfiguration result{next token: " << o.next_poll_configuration_token.size()
                  << " chars, interval=" << o.next_poll_interval_in_seconds << "s, content_type=" << o.content_type
                  << ", version_label=" << o.version_label << ", configuration: " << o.configuration.size() << " bytes}";
    }
};

// Checks the response's header count and size against `lim`; errc::response_too_large when over.
inline std::error_code check_header_limits(const http::response& r, const limits& lim) noexcept {
    if (r.headers.size() > lim.max_header_count) return errc::response_too_large;
    std::size_t bytes = 0;
    for (const auto& f : r.headers) bytes += f.name.size() + f.value.size();
    if (bytes > lim.max_header_bytes) return errc::response_too_large;
    return {};
}

// Parses a GetLatestConfiguration response. Any 2xx fills `out` and returns {} when
// Next-Poll-Configuration-Token and Next-Poll-Interval-In-Seconds are present and valid. Errors, with
// `err` filled (code + diagnostics): a non-2xx response gives the typed service error
// (parse_service_error); errc::missing_header when a required header is absent; errc::malformed_response
// when the token is not a valid token or the interval is not a non-negative integer;
// errc::response_too_large over limits::max_configuration or the header limits. Does not allocate on
// success. Never throws (error paths may throw std::bad_alloc).
inline std::error_code parse_get_latest_configuration(const http::response& r, get_latest_configuration_output& out,
                                                      service_error& err, const limits& lim = default_limits) {
    out = get_latest_configuration_output{};
    if (err.code || !err.diag.empty() || !err.reason.empty() || !err.invalid_parameters.empty() || !err.resource_type.empty() ||
        !err.referenced_by.empty())
        err.clear(); // only when needed: the success path stays free of work
    if (r.status < 200 || r.status > 299) return parse_service_error(r, err, lim);
    const std::string* request_id = r.headers.find("x-amzn-RequestId");
    auto fail = [&](errc e, const char* what) {
        err.code = e;
        err.diag.http_status = r.status;
        err.diag.message = what;
        if (request_id) err.diag.request_id = *request_id;
        return err.code;
    };
    if (check_header_limits(r, lim)) return fail(errc::response_too_large, "GetLatestConfiguration response headers exceed the header limits");
    if (r.body.size() > lim.max_configuration || r.body.size() > lim.max_response_body)
        return fail(errc::response_too_large, "configuration exceeds limits::max_configuration");
    const std::string* token = r.headers.find("Next-Poll-Configuration-Token");
    if (!token) return fail(errc::missing_header, "GetLatestConfiguration response has no Next-Poll-Configuration-Token header");
    const std::string_view tok = appconfigdata::detail::trim(*token);
    if (validate_token(tok, lim.max_token_length))
        return fail(errc::malformed_response, "Next-Poll-Configuration-Token is not 1..8192 non-whitespace characters");
    const std::string* interval = r.headers.find("Next-Poll-Interval-In-Seconds");
    if (!interval) return fail(errc::missing_header, "GetLatestConfiguration response has no Next-Poll-Interval-In-Seconds header");
    int seconds = 0;
    if (!appconfigdata::detail::parse_unsigned(appconfigdata::detail::trim(*interval), seconds))
        return fail(errc::malformed_response, "Next-Poll-Interval-In-Seconds is not a non-negative integer");
    out.next_poll_configuration_token = tok;
    out.next_poll_interval_in_seconds = seconds;
    if (const auto* ct = r.headers.find("Content-Type")) out.content_type = appconfigdata::detail::trim(*ct);
    if (const auto* vl = r.headers.find("Version-Label")) out.version_label = appconfigdata::detail::trim(*vl);
    if (request_id) out.request_id = *request_id;
    out.configuration = r.body;
    return {};
}

} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
