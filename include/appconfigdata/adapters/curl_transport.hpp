// libcurl transport adapter: sends http::request values with libcurl's easy interface and fills
// http::response values. Opt-in: include this header and link libcurl.
//
//   adapters::curl_transport t;                 // or curl_transport(curl_options{...})
//   http::transport send = t;                   // usable wherever an http::transport is wanted
//   std::error_code ec = send(request, response);
//
// - HTTPS verifies the peer and host name against the system CA store (libcurl's default), or
//   against options.ca_file when given.
// - Proxies come from the usual environment variables (http_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY):
//   libcurl reads them by default and this adapter never overrides them.
// - Keep-alive: one easy handle is reused, so its connection cache keeps connections open between
//   requests. Copies of a curl_transport share that handle: do not call copies from several threads
//   at once (give each thread its own curl_transport).
// - Response header names and values are kept as received, duplicates in order; the body is the
//   raw bytes (no content decoding: no Accept-Encoding is sent). Redirects are not followed.
//
// Errors (std::error_code holding appconfigdata::errc; last_error() has a one-line explanation that
// never contains header values or bodies):
//   errc::invalid_url          scheme other than http/https, or an empty host;
//   errc::invalid_header       a request header name or value with CR, LF or NUL (or a bad name);
//   errc::timeout              connect_timeout or request_timeout elapsed;
//   errc::response_too_large   body over max_response_body, or headers over the count / byte limits;
//   errc::transport_failed     everything else (DNS, refused, TLS, reset, malformed HTTP, ...).
// An HTTP error status is not an error here: it is a response. Calls never throw but for allocation.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/version.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

struct curl_options {
    std::chrono::milliseconds connect_timeout{3100};  // DNS + TCP connect + TLS handshake
    std::chrono::milliseconds request_timeout{30000}; // the whole exchange, connect included
    std::optional<std::string> ca_file;               // PEM bundle to trust instead of the system store
    std::size_t max_response_body = default_limits.max_response_body;
    std::size_t max_header_count = default_limits.max_header_count;
    std::size_t max_header_bytes = default_limits.max_header_bytes;
    bool verify_peer = true;                          // false only for tests against self-signed servers
    std::string user_agent = std::string("appconfigdata-cpp/") + APPCONFIGDATA_VERSION_STRING;

    // Default options with the response limits of `l` (body, header count, header bytes).
    static curl_options with_limits(const limits& l) {
        curl_options o;
        o.max_response_body = l.max_response_body;
        o.max_header_count = l.max_header_count;
        o.max_header_bytes = l.max_header_bytes;
        return o;
    }
};

namespace curl_detail {

// curl_global_init once per process (thread-safe through the function-local static).
inline bool global_init() noexcept {
    static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return ok;
}

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

struct exchange {
    http::response* response = nullptr;
    const curl_options* options = nullptr;
    std::size_t header_bytes = 0;
    bool too_large = false;
};

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
        if (fields.size() + 1 > x->options->max_header_count) {
            x->too_large = true;
            return 0;
        }
        x->response->headers.add(name, value);
    }
    x->header_bytes += line.size();
    if (x->header_bytes > x->options->max_header_bytes) {
        x->too_large = true;
        return 0;
    }
    return n;
}

inline std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    const std::size_t n = size * count;
    if (x->response->body.size() + n > x->options->max_response_body) {
        x->too_large = true;
        return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    x->response->body.append(data, n);
    return n;
}

struct state {
    CURL* handle = nullptr;
    std::string last_error;
    std::string url;     // reused buffers
    std::string scratch;
    char error_buffer[CURL_ERROR_SIZE] = {};

    state() noexcept {
        if (global_init()) handle = curl_easy_init();
    }
    ~state() {
        if (handle) curl_easy_cleanup(handle);
    }
    state(const state&) = delete;
    state& operator=(const state&) = delete;
};

struct slist_guard {
    curl_slist* list = nullptr;
    ~slist_guard() {
        if (list) curl_slist_free_all(list);
    }
    bool append(const char* s) {
        curl_slist* next = curl_slist_append(list, s);
        if (!next) return false;
        list = next;
        return true;
    }
};

} // namespace curl_detail

class curl_transport {
public:
    // Creates the easy handle (and initialises libcurl once per process). If that fails, every call
    // returns errc::transport_failed. Never throws but for allocation.
    explicit curl_transport(curl_options options = {}) : options_(std::move(options)), state_(std::make_shared<curl_detail::state>()) {}

    // Sends `req` and fills `res` (status, headers, body; previous contents replaced, buffers reused).
    // Returns {} when a response arrived, whatever its status; otherwise one of the errors listed at
    // the top of this file, with `res` cleared. Not reentrant: one call at a time per handle.
    std::error_code operator()(const http::request& req, http::response& res) {
        res.status = 0;
        res.headers.clear();
        res.body.clear();
        curl_detail::state& s = *state_;
        s.last_error.clear();
        if (!s.handle) return fail(errc::transport_failed, "libcurl could not be initialised");
        if (!appconfigdata::detail::iequals(req.scheme, "http") && !appconfigdata::detail::iequals(req.scheme, "https"))
            return fail(errc::invalid_url, "only http and https URLs are supported");
        if (req.host.empty()) return fail(errc::invalid_url, "the request has no host");
        if (req.method.empty() || !curl_detail::valid_header_name(req.method)) return fail(errc::invalid_url, "invalid HTTP method");

        curl_detail::slist_guard header_list;
        bool has_expect = false, has_accept = false, has_content_type = false;
        for (const auto& f : req.headers) {
            if (!curl_detail::valid_header_name(f.name) || !curl_detail::valid_header_value(f.value))
                return fail(errc::invalid_header, "a request header has an invalid name or a CR, LF or NUL in its value");
            if (appconfigdata::detail::iequals(f.name, "expect")) has_expect = true;
            if (appconfigdata::detail::iequals(f.name, "accept")) has_accept = true;
            if (appconfigdata::detail::iequals(f.name, "content-type")) has_content_type = true;
            s.scratch.assign(f.name);
            // "Name;" is libcurl's way to send a header with an empty value.
            if (appconfigdata::detail::trim(f.value).empty()) {
                s.scratch.push_back(';');
            } else {
                s.scratch.append(": ");
                s.scratch.append(f.value);
            }
            if (!header_list.append(s.scratch.c_str())) return fail(errc::transport_failed, "out of memory building headers");
        }
        // No "Expect: 100-continue" round trip, no implicit "Accept: */*" and no implicit form
        // Content-Type: only what the caller set goes out (besides Host, Content-Length, User-Agent).
        if ((!has_expect && !header_list.append("Expect:")) || (!has_accept && !header_list.append("Accept:")) ||
            (!has_content_type && !header_list.append("Content-Type:")))
            return fail(errc::transport_failed, "out of memory building headers");

        s.url.assign(req.scheme);
        s.url.append("://");
        s.url.append(req.host);
        s.url.append(req.path.empty() ? std::string_view("/") : std::string_view(req.path));
        if (!req.query.empty()) {
            s.url.push_back('?');
            s.url.append(req.query);
        }

        CURL* h = s.handle;
        curl_easy_reset(h); // keeps the connection cache (keep-alive), DNS cache and TLS sessions
        curl_detail::exchange x;
        x.response = &res;
        x.options = &options_;
        s.error_buffer[0] = '\0';

        bool ok = true;
        auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
        set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s.error_buffer));
        set(curl_easy_setopt(h, CURLOPT_URL, s.url.c_str()));
        set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
        set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count())));
        set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count())));
        set(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L));
        set(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
        set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L));
        set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_peer ? 2L : 0L));
        if (options_.ca_file) set(curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file->c_str()));
        if (!options_.user_agent.empty()) set(curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str()));
        set(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_body)));
        set(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &curl_detail::on_header));
        set(curl_easy_setopt(h, CURLOPT_HEADERDATA, &x));
        set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &curl_detail::on_body));
        set(curl_easy_setopt(h, CURLOPT_WRITEDATA, &x));
        set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.list));

        if (req.method == "GET" && req.body.empty()) {
            set(curl_easy_setopt(h, CURLOPT_HTTPGET, 1L));
        } else if (req.method == "HEAD") {
            set(curl_easy_setopt(h, CURLOPT_NOBODY, 1L));
        } else {
            // POST, PUT, DELETE, ...: the body goes out with a Content-Length (possibly 0).
            set(curl_easy_setopt(h, CURLOPT_POST, 1L));
            set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size())));
            set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data()));
            if (req.method != "POST") set(curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str()));
        }
        if (!ok) return fail(errc::transport_failed, "libcurl rejected an option");

        const CURLcode rc = curl_easy_perform(h);
        if (rc != CURLE_OK) {
            errc ec = errc::transport_failed;
            if (x.too_large || rc == CURLE_FILESIZE_EXCEEDED)
                ec = errc::response_too_large;
            else if (rc == CURLE_OPERATION_TIMEDOUT)
                ec = errc::timeout;
            std::string message = curl_easy_strerror(rc);
            if (x.too_large || rc == CURLE_FILESIZE_EXCEEDED)
                message = "the response exceeds the configured size limits";
            else if (s.error_buffer[0] != '\0')
                message += std::string(": ") + s.error_buffer;
            res.status = 0;
            res.headers.clear();
            res.body.clear();
            return fail(ec, message);
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        res.status = static_cast<int>(status);
        return {};
    }

    // A one-line explanation of the last error (empty after a success). Never holds secrets.
    const std::string& last_error() const noexcept { return state_->last_error; }
    const curl_options& options() const noexcept { return options_; }

private:
    std::error_code fail(errc e, std::string message) {
        state_->last_error = std::move(message);
        return e;
    }

    curl_options options_;
    std::shared_ptr<curl_detail::state> state_;
};

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
