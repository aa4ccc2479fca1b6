// What an error was about, beside its std::error_code: the AWS error type, the service's message,
// the request id, the HTTP status and a human-readable detail. Never holds secrets.
#pragma once

#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN

struct diagnostics {
    int http_status = 0;        // 0 when no HTTP response was involved
    std::string error_type;     // sanitised AWS error code, e.g. "BadRequestException"
    std::string message;        // the service's message, or the library's explanation
    std::string request_id;     // x-amzn-RequestId when present

    bool empty() const noexcept { return http_status == 0 && error_type.empty() && message.empty() && request_id.empty(); }
    void clear() { *this = diagnostics{}; }

    friend bool operator==(const diagnostics& a, const diagnostics& b) {
        return a.http_status == b.http_status && a.error_type == b.error_type && a.message == b.message &&
               a.request_id == b.request_id;
    }
    friend bool operator!=(const diagnostics& a, const diagnostics& b) { return !(a == b); }

    friend std::ostream& operator<<(std::ostream& os, const diagnostics& d) {
        os << (d.error_type.empty() ? "error" : d.error_type);
        if (d.http_status != 0) os << " (HTTP " << d.http_status << ")";
        if (!d.message.empty()) os << ": " << d.message;
        if (!d.request_id.empty()) os << " [request id " << d.request_id << "]";
        return os;
    }
};

APPCONFIGDATA_NAMESPACE_END
