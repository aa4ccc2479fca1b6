// What the libcurl adapters share: checking a request, turning it into an easy handle's options
// (URL, method, body, the header list), collecting the response head and body within limits, and
// naming a libcurl failure as an appconfigdata::errc with a one-line message. Used by
// curl_transport.hpp (easy interface, blocking) and curl_multi_transport.hpp (multi interface,
// polled). Internal: not a public interface.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/version.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {
namespace curl_detail {

inline bool valid_header_name(std::string_view n) noexcept {
    if (n.empty()) return false;
    for (char c : n) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == ':') return false;
    }
    return true;
}

inline bool valid_header_value(std::string_view v) noexcept {
    for (char c : v)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

// An error and the one line that explains it (never header values or bodies).
struct failure {
    errc code = errc::transport_failed;
    std::string message;
};

// The response being received and the limits it must stay within.
struct exchange {
    http::response* response = nullptr;
    std::size_t max_body = 0;
    std::size_t max_header_count = 0;
    std::size_t max_header_bytes = 0;
    std::size_t header_bytes = 0;
    bool too_large = false;
};

// CURLOPT_HEADERFUNCTION: one header line. Names and values are kept as received, duplicates in order.
inline std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
        // A new response head (after 100 Continue, or a proxy's CONNECT reply): start over.
        x->response->headers.clear();
        x->header_bytes = 0;
        return n;
    }
    if (line.empty()) return n; // end of a head
    auto& fields = x->response->headers.fields();
    if ((line.front() == ' ' || line.front() == '\t') && !fields.empty()) {
        // obsolete line folding: continues the previous value
        fields.back().value.push_back(' ');
        const auto folded = appconfigdata::detail::trim(line);
        fields.back().value.append(folded.data(), folded.size());
    } else {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return n; // not a header field: ignore
        const auto name = line.substr(0, colon);
        const auto value = appconfigdata::detail::trim(line.substr(colon + 1));
        if (fields.size() + 1 > x->max_header_count) {
            x->too_large = true;
            return 0;
        }
        x->response->headers.add(name, value);
    }
    x->header_bytes += line.size();
    if (x->header_bytes > x->max_header_bytes) {
        x->too_large = true;
        return 0;
    }
    return n;
}

// CURLOPT_WRITEFUNCTION: body bytes, refused past the limit (which aborts the transfer).
inline std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    const std::size_t n = size * count;
    if (x->response->body.size() + n > x->max_body) {
        x->too_large = true;
        return 0; // CURLE_WRITE_ERROR
    }
    x->response->body.append(data, n);
    return n;
}

// Owns a curl_slist (the request headers) and frees it.
struct slist_guard {
    curl_slist* list = nullptr;
    slist_guard() = default;
    slist_guard(const slist_guard&) = delete;
    slist_guard& operator=(const slist_guard&) = delete;
    ~slist_guard() { reset(); }
    void reset() noexcept {
        if (list) curl_slist_free_all(list);
        list = nullptr;
    }
    bool append(const char* s) {
        curl_slist* next = curl_slist_append(list, s);
        if (!next) return false;
        list = next;
        return true;
    }
};

// Refuses what cannot be sent: a scheme other than http/https, no host, a bad method.
inline bool check_target(const http::request& req, failure& f) {
    if (!appconfigdata::detail::iequals(req.scheme, "http") && !appconfigdata::detail::iequals(req.scheme, "https")) {
        f = {errc::invalid_url, "only http and https URLs are supported"};
        return false;
    }
    if (req.host.empty()) {
        f = {errc::invalid_url, "the request has no host"};
        return false;
    }
    if (req.method.empty() || !valid_header_name(req.method)) {
        f = {errc::invalid_url, "invalid HTTP method"};
        return false;
    }
    return true;
}

// scheme://host/path?query into `url` (its buffer reused).
inline void build_url(const http::request& req, std::string& url) {
    url.assign(req.scheme);
    url.append("://");
    url.append(req.host);
    url.append(req.path.empty() ? std::string_view("/") : std::string_view(req.path));
    if (!req.query.empty()) {
        url.push_back('?');
        url.append(req.query);
    }
}

// Every request header, in order, into `out`; then the switches that stop libcurl from adding an
// "Expect: 100-continue" round trip, an implicit "Accept: */*" and an implicit form Content-Type
// (each only when the request does not set that header itself). `scratch` is a reused buffer.
inline bool build_header_list(const http::request& req, slist_guard& out, std::string& scratch, failure& f) {
    bool has_expect = false, has_accept = false, has_content_type = false;
    for (const auto& h : req.headers) {
        if (!valid_header_name(h.name) || !valid_header_value(h.value)) {
            f = {errc::invalid_header, "a request header has an invalid name or a CR, LF or NUL in its value"};
            return false;
        }
        if (appconfigdata::detail::iequals(h.name, "expect")) has_expect = true;
        if (appconfigdata::detail::iequals(h.name, "accept")) has_accept = true;
        if (appconfigdata::detail::iequals(h.name, "content-type")) has_content_type = true;
        scratch.assign(h.name);
        // "Name;" is libcurl's way to send a header with an empty value.
        if (appconfigdata::detail::trim(h.value).empty()) {
            scratch.push_back(';');
        } else {
            scratch.append(": ");
            scratch.append(h.value);
        }
        if (!out.append(scratch.c_str())) {
            f = {errc::transport_failed, "out of memory building headers"};
            return false;
        }
    }
    if ((!has_expect && !out.append("Expect:")) || (!has_accept && !out.append("Accept:")) ||
        (!has_content_type && !out.append("Content-Type:"))) {
        f = {errc::transport_failed, "out of memory building headers"};
        return false;
    }
    return true;
}

// A duration in milliseconds as libcurl's long (0 stays 0: "no limit" to libcurl; negative is 1 ms).
inline long timeout_ms(std::chrono::milliseconds d) noexcept {
    const auto ms = d.count();
    if (ms < 0) return 1L;
    if (ms > 0x7fffffffL) return 0x7fffffffL;
    return static_cast<long>(ms);
}

// What one exchange needs besides the request. Pointers must outlive the transfer (libcurl copies
// strings it is given but the callbacks' `x` and `error_buffer` are used until the transfer ends).
struct easy_setup {
    const std::string* url = nullptr;
    curl_slist* headers = nullptr;
    exchange* x = nullptr;
    char* error_buffer = nullptr;              // CURL_ERROR_SIZE bytes
    std::chrono::milliseconds connect_timeout{0};
    std::chrono::milliseconds request_timeout{0};
    const std::string* ca_file = nullptr;      // null: the system store
    bool verify_peer = true;
    const std::string* user_agent = nullptr;   // null or empty: libcurl sends no User-Agent
    bool copy_body = false;                    // true: libcurl keeps its own copy of the body
};

// Sets every option of one exchange on `h` (freshly created or reset). False when libcurl
// refused one (f says so).
inline bool set_options(CURL* h, const http::request& req, const easy_setup& s, failure& f) {
    bool ok = true;
    auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
    s.error_buffer[0] = '\0';
    set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s.error_buffer));
    set(curl_easy_setopt(h, CURLOPT_URL, s.url->c_str()));
    set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms(s.connect_timeout)));
    set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms(s.request_timeout)));
    set(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, s.verify_peer ? 1L : 0L));
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, s.verify_peer ? 2L : 0L));
    if (s.ca_file) set(curl_easy_setopt(h, CURLOPT_CAINFO, s.ca_file->c_str()));
    if (s.user_agent && !s.user_agent->empty()) set(curl_easy_setopt(h, CURLOPT_USERAGENT, s.user_agent->c_str()));
    set(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(s.x->max_body)));
    set(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header));
    set(curl_easy_setopt(h, CURLOPT_HEADERDATA, s.x));
    set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body));
    set(curl_easy_setopt(h, CURLOPT_WRITEDATA, s.x));
    set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, s.headers));

    if (req.method == "GET" && req.body.empty()) {
        set(curl_easy_setopt(h, CURLOPT_HTTPGET, 1L));
    } else if (req.method == "HEAD") {
        set(curl_easy_setopt(h, CURLOPT_NOBODY, 1L));
    } else {
        // POST, PUT, DELETE, ...: the body goes out with a Content-Length (the request's own when it
        // has one; libcurl adds one only when it does not).
        set(curl_easy_setopt(h, CURLOPT_POST, 1L));
        set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size())));
        if (s.copy_body)
            set(curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, req.body.c_str()));
        else
            set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data()));
        if (req.method != "POST") set(curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str()));
    }
    if (!ok) f = {errc::transport_failed, "libcurl rejected an option"};
    return ok;
}

// A failed transfer as an errc and a one-line message: errc::response_too_large for the limits,
// errc::timeout for libcurl's timeouts, errc::transport_failed for everything else.
inline failure describe(CURLcode rc, const exchange& x, const char* error_buffer) {
    if (x.too_large || rc == CURLE_FILESIZE_EXCEEDED) return {errc::response_too_large, "the response exceeds the configured size limits"};
    failure f;
    f.code = rc == CURLE_OPERATION_TIMEDOUT ? errc::timeout : errc::transport_failed;
    f.message = curl_easy_strerror(rc);
    if (error_buffer && error_buffer[0] != '\0') {
        f.message += ": ";
        f.message += error_buffer;
    }
    return f;
}

} // namespace curl_detail
} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
