// restJson1 errors of AppConfig Data: the error code (from `X-Amzn-ErrorType`, else the body's
// `code`, else `__type`, sanitised), mapped to an `errc`, plus the typed members of
// BadRequestException and ResourceNotFoundException. Any non-2xx response becomes a typed error,
// also when the body is not JSON (a proxy's HTML page): then the HTTP status decides.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/protocol/detail/json.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {

// `InvalidParameterProblem` of the service model.
enum class invalid_parameter_problem { unknown, corrupted, expired, poll_interval_not_satisfied };

inline const char* to_string(invalid_parameter_problem p) noexcept {
    constexpr const char* names[] = {"Unknown", "Corrupted", "Expired", "PollIntervalNotSatisfied"};
    return appconfigdata::detail::enum_name<invalid_parameter_problem::poll_interval_not_satisfied>(p, names, "Unknown");
}

inline std::ostream& operator<<(std::ostream& os, invalid_parameter_problem p) { return os << to_string(p); }

// Maps the model's text ("Corrupted", ...) to the enum; anything else is `unknown`.
inline invalid_parameter_problem parse_invalid_parameter_problem(std::string_view s) noexcept {
    if (s == "Corrupted") return invalid_parameter_problem::corrupted;
    if (s == "Expired") return invalid_parameter_problem::expired;
    if (s == "PollIntervalNotSatisfied") return invalid_parameter_problem::poll_interval_not_satisfied;
    return invalid_parameter_problem::unknown;
}

struct invalid_parameter {
    std::string name;                  // the request parameter, e.g. "ConfigurationToken"
    invalid_parameter_problem problem = invalid_parameter_problem::unknown;
    std::string problem_text;          // as sent, also when unknown to this library

    friend bool operator==(const invalid_parameter& a, const invalid_parameter& b) {
        return a.name == b.name && a.problem == b.problem && a.problem_text == b.problem_text;
    }
    friend bool operator!=(const invalid_parameter& a, const invalid_parameter& b) { return !(a == b); }
};

// Everything an error response said. `code` is the errc; `diag` the printable summary.
struct service_error {
    std::error_code code;
    diagnostics diag;
    std::string reason;                                           // BadRequestException.Reason
    std::vector<invalid_parameter> invalid_parameters;            // BadRequestException.Details.InvalidParameters
    std::string resource_type;                                    // ResourceNotFoundException.ResourceType
    std::vector<std::pair<std::string, std::string>> referenced_by; // ResourceNotFoundException.ReferencedBy

    // True when any invalid parameter has problem `p`.
    bool has_problem(invalid_parameter_problem p) const noexcept {
        return std::any_of(invalid_parameters.begin(), invalid_parameters.end(),
                           [p](const invalid_parameter& ip) { return ip.problem == p; });
    }

    void clear() { *this = service_error{}; }

    // Calls `edit(std::string&)` on every text the service sent (diagnostics, reason, parameter
    // names and problems, resource type, references): the session passes its sigv4::redactor.
    template <class Edit>
    void edit_texts(Edit&& edit) {
        edit(diag.message);
        edit(diag.error_type);
        edit(diag.request_id);
        edit(reason);
        for (auto& p : invalid_parameters) {
            edit(p.name);
            edit(p.problem_text);
        }
        edit(resource_type);
        for (auto& r : referenced_by) {
            edit(r.first);
            edit(r.second);
        }
    }

    friend bool operator==(const service_error& a, const service_error& b) {
        return a.code == b.code && a.diag == b.diag && a.reason == b.reason && a.invalid_parameters == b.invalid_parameters &&
               a.resource_type == b.resource_type && a.referenced_by == b.referenced_by;
    }
    friend bool operator!=(const service_error& a, const service_error& b) { return !(a == b); }

    friend std::ostream& operator<<(std::ostream& os, const service_error& e) {
        os << e.diag;
        if (!e.reason.empty()) os << " reason=" << e.reason;
        for (const auto& p : e.invalid_parameters) os << " " << p.name << "=" << p.problem_text;
        if (!e.resource_type.empty()) os << " resource_type=" << e.resource_type;
        return os;
    }
};

// The restJson1 sanitising rule: keep what is before the first ':', then what is after the first '#'.
//   "ns#FooError:http://internal..." -> "FooError"
inline std::string_view sanitize_error_code(std::string_view code) noexcept {
    code = appconfigdata::detail::trim(code);
    if (const auto colon = code.find(':'); colon != std::string_view::npos) code = code.substr(0, colon);
    if (const auto hash = code.find('#'); hash != std::string_view::npos) code = code.substr(hash + 1);
    return appconfigdata::detail::trim(code);
}

// The errc for a sanitised AWS error code; errc::service_error for codes this library has no
// enumerator for. Matching is exact (AWS codes are case-sensitive names).
inline errc errc_for_error_type(std::string_view type) noexcept {
    if (type == "BadRequestException") return errc::bad_request;
    if (type == "ResourceNotFoundException") return errc::resource_not_found;
    if (type == "ThrottlingException" || type == "Throttling" || type == "ThrottledException" ||
        type == "TooManyRequestsException" || type == "RequestThrottledException" || type == "RequestLimitExceeded" ||
        type == "SlowDown" || type == "RequestThrottled" || type == "ProvisionedThroughputExceededException" ||
        type == "BandwidthLimitExceeded" || type == "TransactionInProgressException" || type == "EC2ThrottledException" ||
        type == "PriorRequestNotComplete" || type == "LimitExceededException")
        return errc::throttling;
    if (type == "InternalServerException" || type == "InternalFailure" || type == "InternalError" ||
        type == "InternalServerError")
        return errc::internal_server;
    if (type == "AccessDeniedException" || type == "AccessDenied") return errc::access_denied;
    if (type == "UnrecognizedClientException") return errc::unrecognized_client;
    if (type == "InvalidSignatureException" || type == "SignatureDoesNotMatch") return errc::invalid_signature;
    if (type == "ExpiredTokenException" || type == "ExpiredToken" || type == "RequestExpired") return errc::expired_token;
    if (type == "ServiceUnavailable" || type == "ServiceUnavailableException") return errc::service_unavailable;
    return errc::service_error;
}

// The errc for a non-2xx status whose body named no error type (e.g. a proxy's HTML page).
inline errc errc_for_status(int status) noexcept {
    switch (status) {
    case 429: return errc::throttling;
    case 500: return errc::internal_server;
    case 502:
    case 503:
    case 504: return errc::service_unavailable;
    default: return errc::unexpected_status;
    }
}

namespace detail {

inline const boost::json::object* json_object(const boost::json::object& o, std::string_view key) noexcept {
    if (auto* v = o.if_contains(key)) return v->if_object();
    return nullptr;
}

inline void cut(std::string& s, std::size_t n) {
    if (s.size() > n) s.resize(n);
}

} // namespace detail

// Parses the error response `r` (any status outside 2xx) into `out`. Never throws; never fails:
// a body that is not JSON (or too large) still gives a typed error from the status. Returns
// out.code, which is never empty. Service messages are cut to 1 KiB.
inline std::error_code parse_service_error(const http::response& r, service_error& out, const limits& lim = default_limits) {
    out.clear();
    out.diag.http_status = r.status;
    if (const auto* id = r.headers.find("x-amzn-RequestId")) out.diag.request_id = *id;
    detail::cut(out.diag.request_id, 256);

    std::string header_type;
    if (const auto* h = r.headers.find("X-Amzn-ErrorType")) {
        // A comma-joined header (two fields folded) keeps its first entry.
        std::string_view v(*h);
        v = v.substr(0, v.find(','));
        header_type = std::string(sanitize_error_code(v));
    }

    boost::json::value doc;
    const boost::json::object* body = nullptr;
    bool body_is_json = false;
    if (!r.body.empty() && r.body.size() <= lim.max_response_body) {
        boost::system::error_code jec;
        boost::json::parse_options opt;
        opt.max_depth = 32;
        doc = boost::json::parse(r.body, jec, {}, opt);
        if (!jec && doc.is_object()) {
            body = &doc.as_object();
            body_is_json = true;
        }
    }

    std::string body_type;
    if (body) {
        std::string_view code = appconfigdata::protocol::detail::json_string(*body, "code");
        if (code.empty()) code = appconfigdata::protocol::detail::json_string(*body, "Code");
        if (code.empty()) code = appconfigdata::protocol::detail::json_string(*body, "__type");
        body_type = std::string(sanitize_error_code(code));
        std::string_view msg = appconfigdata::protocol::detail::json_string(*body, "message");
        if (msg.empty()) msg = appconfigdata::protocol::detail::json_string(*body, "Message");
        out.diag.message = std::string(msg);
        detail::cut(out.diag.message, 1024);
        out.reason = std::string(appconfigdata::protocol::detail::json_string(*body, "Reason"));
        detail::cut(out.reason, 256);
        if (const auto* details = appconfigdata::protocol::detail::json_object(*body, "Details"))
            if (const auto* params = appconfigdata::protocol::detail::json_object(*details, "InvalidParameters"))
                for (const auto& kv : *params) {
                    if (out.invalid_parameters.size() >= 64) break;
                    invalid_parameter p;
                    p.name = std::string(kv.key());
                    detail::cut(p.name, 256);
                    if (const auto* d = kv.value().if_object()) p.problem_text = std::string(appconfigdata::protocol::detail::json_string(*d, "Problem"));
                    detail::cut(p.problem_text, 256);
                    p.problem = parse_invalid_parameter_problem(p.problem_text);
                    out.invalid_parameters.push_back(std::move(p));
                }
        out.resource_type = std::string(appconfigdata::protocol::detail::json_string(*body, "ResourceType"));
        detail::cut(out.resource_type, 256);
        if (const auto* refs = appconfigdata::protocol::detail::json_object(*body, "ReferencedBy"))
            for (const auto& kv : *refs) {
                if (out.referenced_by.size() >= 64) break;
                std::string k(kv.key());
                std::string v(kv.value().is_string() ? std::string_view(kv.value().get_string()) : std::string_view{});
                detail::cut(k, 256);
                detail::cut(v, 256);
                out.referenced_by.emplace_back(std::move(k), std::move(v));
            }
    }

    out.diag.error_type = !header_type.empty() ? header_type : body_type;
    detail::cut(out.diag.error_type, 256);
    if (!out.diag.error_type.empty()) {
        out.code = errc_for_error_type(out.diag.error_type);
    } else {
        out.code = errc_for_status(r.status);
        if (out.diag.message.empty()) {
            out.diag.message = "HTTP " + std::to_string(r.status) + " with ";
            out.diag.message += body_is_json ? "a JSON body naming no error type"
                                             : (r.body.empty() ? "an empty body" : "a non-JSON body (" + std::to_string(r.body.size()) + " bytes)");
        }
    }
    return out.code;
}

} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
