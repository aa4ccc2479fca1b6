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
#include <appconfigdata/adapters/detail/curl_easy.hpp>
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
        curl_detail::failure f;
        curl_detail::slist_guard header_list;
        if (!curl_detail::check_target(req, f) || !curl_detail::build_header_list(req, header_list, s.scratch, f))
            return fail(f.code, std::move(f.message));
        curl_detail::build_url(req, s.url);

        CURL* h = s.handle;
        curl_easy_reset(h); // keeps the connection cache (keep-alive), DNS cache and TLS sessions
        curl_detail::exchange x;
        x.response = &res;
        x.max_body = options_.max_response_body;
        x.max_header_count = options_.max_header_count;
        x.max_header_bytes = options_.max_header_bytes;
        curl_detail::easy_setup setup;
        setup.url = &s.url;
        setup.headers = header_list.list;
        setup.x = &x;
        setup.error_buffer = s.error_buffer;
        setup.connect_timeout = options_.connect_timeout;
        setup.request_timeout = options_.request_timeout;
        setup.ca_file = options_.ca_file ? &*options_.ca_file : nullptr;
        setup.verify_peer = options_.verify_peer;
        setup.user_agent = &options_.user_agent;
        if (!curl_detail::set_options(h, req, setup, f)) return fail(f.code, std::move(f.message));

        const CURLcode rc = curl_easy_perform(h);
        if (rc != CURLE_OK) {
            f = curl_detail::describe(rc, x, s.error_buffer);
            res.status = 0;
            res.headers.clear();
            res.body.clear();
            return fail(f.code, std::move(f.message));
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
