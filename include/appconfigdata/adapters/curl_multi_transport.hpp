// libcurl multi transport: sends http::request values without blocking, for a frame loop that pumps
// it once per frame on its own thread. Opt-in: include this header (or appconfigdata_curl.hpp) and
// link libcurl.
//
//   curl_global_init(CURL_GLOBAL_DEFAULT);          // once, in main(): the application's job
//   adapters::curl_multi_transport http;            // or curl_multi_transport(curl_multi_options{...})
//   adapters::curl_multi_transport::ticket pending;
//   // every frame, with the tick driver (driver/tick_driver.hpp):
//   auto t = driver.tick(now);
//   if (t.request) pending = http.start(*t.request, t.timeout);
//   http.poll();
//   if (auto done = http.take(pending)) done->error ? driver.fail(done->error, now) : driver.complete(done->response, now);
//
// - start() copies what it needs from the request (the library reuses its request for the next
//   one) and returns at once; poll() runs curl_multi_perform and curl_multi_info_read and never
//   waits (no curl_multi_wait / poll): it moves whatever finished to the completed list, which
//   take() / take_next() hand out. Any number of requests may be in flight at once (one per machine
//   of a scheduler, say); each ticket is taken exactly once.
// - The request goes out as it is: its headers in order (Host and Content-Length included; libcurl
//   adds Host or, for a body, Content-Length only when the request lacks them), nothing added: no
//   User-Agent, and libcurl's own Expect: 100-continue, Accept: */* and form Content-Type are
//   switched off. Redirects are not followed; no Accept-Encoding, the body is raw bytes.
// - Timeouts: start(req, timeout) with timeout > 0 is that request's whole deadline (connect
//   included); 0 means curl_multi_options::default_timeout (30 s unless changed). A request still
//   running at its deadline completes with errc::timeout: libcurl enforces it during poll(), and
//   poll() itself finishes any request past its deadline that libcurl has not (so the deadline holds
//   to within one poll() of it).
// - Response headers and limits as in curl_transport.hpp (names and values as received, duplicates
//   in order; body, header count and header bytes limited).
// - No global state, no threads, no exceptions: curl_global_init is not called here (call it once
//   before the first transport, and curl_global_cleanup after the last; libcurl's documentation says
//   why that belongs to the application). The transport is not thread-safe: one thread drives it.
//   (A libcurl built with the threaded resolver runs name lookups on its own helper threads.)
// - Cancellation: cancel(ticket) removes the transfer and frees its easy handle; the destructor does
//   the same for every transfer still running. Connections are kept alive in the multi handle's
//   cache between requests.
//
// Errors of a completion (std::error_code holding appconfigdata::errc; completion::message has one
// line that never contains header values or bodies):
//   errc::invalid_url          scheme other than http/https, no host, or a bad method;
//   errc::invalid_header       a request header name or value with CR, LF or NUL (or a bad name);
//   errc::timeout              the request's deadline (or connect_timeout) passed;
//   errc::response_too_large   body over max_response_body, or headers over the count / byte limits;
//   errc::transport_failed     everything else (DNS, refused, TLS, reset, malformed HTTP, libcurl that
//                              could not be initialised, ...).
// An HTTP error status is not an error here: it is a response. Nothing throws but allocation.
#pragma once

#include <appconfigdata/adapters/detail/curl_easy.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/version.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

struct curl_multi_options {
    std::chrono::milliseconds default_timeout{30000}; // the deadline of a request started with timeout 0
    std::chrono::milliseconds connect_timeout{3100};  // DNS + TCP connect + TLS handshake (within the deadline)
    std::optional<std::string> ca_file;               // PEM bundle to trust instead of the system store
    std::size_t max_response_body = default_limits.max_response_body;
    std::size_t max_header_count = default_limits.max_header_count;
    std::size_t max_header_bytes = default_limits.max_header_bytes;
    bool verify_peer = true;                          // false only for tests against self-signed servers
    long max_total_connections = 0;                   // CURLMOPT_MAX_TOTAL_CONNECTIONS (0: no limit)

    // Default options with the response limits of `l` (body, header count, header bytes).
    static curl_multi_options with_limits(const limits& l) {
        curl_multi_options o;
        o.max_response_body = l.max_response_body;
        o.max_header_count = l.max_header_count;
        o.max_header_bytes = l.max_header_bytes;
        return o;
    }
};

class curl_multi_transport {
public:
    // Names one started request. A default-constructed ticket names none (take() returns nullopt).
    struct ticket {
        std::uint64_t id = 0;
        explicit operator bool() const noexcept { return id != 0; }
        friend bool operator==(ticket a, ticket b) noexcept { return a.id == b.id; }
        friend bool operator!=(ticket a, ticket b) noexcept { return a.id != b.id; }
    };

    // A finished request: a response (error empty, whatever the HTTP status) or a transport error
    // (response cleared, message says why).
    struct completion {
        ticket id;
        std::error_code error;
        http::response response;
        std::string message;
    };

    // Creates the multi handle. If libcurl cannot make one, init_error() says so and every request
    // completes with errc::transport_failed. Does not call curl_global_init. Never throws but for allocation.
    explicit curl_multi_transport(curl_multi_options options = {}) : options_(std::move(options)) {
        multi_ = curl_multi_init();
        if (multi_ && options_.max_total_connections > 0)
            curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
    }

    // Cancels every request still in flight (their easy handles are freed), then the multi handle.
    ~curl_multi_transport() {
        for (auto& t : transfers_) release(*t);
        if (multi_) curl_multi_cleanup(multi_);
    }

    curl_multi_transport(const curl_multi_transport&) = delete;
    curl_multi_transport& operator=(const curl_multi_transport&) = delete;

    // errc::transport_failed when the multi handle could not be created; {} otherwise.
    std::error_code init_error() const noexcept { return multi_ ? std::error_code() : std::error_code(errc::transport_failed); }

    // Starts `req` with a deadline of `timeout` from now (0: options().default_timeout). Returns at
    // once with the request's ticket; nothing is sent before the next poll(). A request that cannot
    // be sent (bad URL, header, method, or no libcurl) gets a ticket too, already completed with its
    // error. Never throws but for allocation.
    ticket start(const http::request& req, std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
        auto t = std::make_unique<transfer>();
        t->id = ticket{++last_id_};
        const auto budget = timeout.count() > 0 ? timeout : options_.default_timeout;
        t->deadline = std::chrono::steady_clock::now() + budget;
        const ticket id = t->id;
        transfer& x = *t;
        transfers_.push_back(std::move(t));

        curl_detail::failure f;
        if (!multi_) return finish(x, {errc::transport_failed, "libcurl could not be initialised"});
        if (!curl_detail::check_target(req, f) || !curl_detail::build_header_list(req, x.headers, scratch_, f))
            return finish(x, std::move(f));
        curl_detail::build_url(req, x.url);
        x.easy = curl_easy_init();
        if (!x.easy) return finish(x, {errc::transport_failed, "libcurl could not create an easy handle"});

        x.exchange.response = &x.response;
        x.exchange.max_body = options_.max_response_body;
        x.exchange.max_header_count = options_.max_header_count;
        x.exchange.max_header_bytes = options_.max_header_bytes;
        curl_detail::easy_setup setup;
        setup.url = &x.url;
        setup.headers = x.headers.list;
        setup.x = &x.exchange;
        setup.error_buffer = x.error_buffer;
        setup.request_timeout = budget;
        setup.connect_timeout = (std::min)(options_.connect_timeout, budget);
        setup.ca_file = options_.ca_file ? &*options_.ca_file : nullptr;
        setup.verify_peer = options_.verify_peer;
        setup.user_agent = nullptr; // nothing beyond the request's own headers
        setup.copy_body = true;     // the caller's request may change before the transfer ends
        if (!curl_detail::set_options(x.easy, req, setup, f)) return finish(x, std::move(f));
        if (curl_easy_setopt(x.easy, CURLOPT_PRIVATE, static_cast<void*>(&x)) != CURLE_OK)
            return finish(x, {errc::transport_failed, "libcurl rejected an option"});
        if (curl_multi_add_handle(multi_, x.easy) != CURLM_OK)
            return finish(x, {errc::transport_failed, "libcurl refused the transfer"});
        x.added = true;
        return id;
    }

    // Moves the transfers along without waiting (curl_multi_perform, then curl_multi_info_read) and
    // finishes those past their deadline. Returns how many completions wait to be taken. Call it every
    // frame (or whenever convenient); calling it with nothing in flight costs a few comparisons.
    std::size_t poll() {
        if (multi_ && in_flight() > 0) {
            int running = 0;
            curl_multi_perform(multi_, &running);
            int left = 0;
            while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
                if (m->msg != CURLMSG_DONE) continue;
                CURL* easy = m->easy_handle;
                const CURLcode rc = m->data.result; // copied out: m dies with the handle's removal
                void* p = nullptr;
                curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p);
                if (p) complete(*static_cast<transfer*>(p), rc);
            }
            const auto now = std::chrono::steady_clock::now();
            for (auto& t : transfers_)
                if (!t->done && now >= t->deadline)
                    finish(*t, {errc::timeout, "the request's deadline passed"});
        }
        return completed();
    }

    // The completion of `t` once it finished (then the ticket is forgotten: a second take() returns
    // nullopt); nullopt while it is in flight, or for a ticket unknown, taken or cancelled.
    std::optional<completion> take(ticket t) {
        if (!t) return std::nullopt;
        for (auto it = transfers_.begin(); it != transfers_.end(); ++it)
            if ((*it)->id == t) return (*it)->done ? hand_out(it) : std::nullopt;
        return std::nullopt;
    }

    // The completion that finished first among those not taken yet, or nullopt.
    std::optional<completion> take_next() {
        auto best = transfers_.end();
        for (auto it = transfers_.begin(); it != transfers_.end(); ++it)
            if ((*it)->done && (best == transfers_.end() || (*it)->finished_order < (*best)->finished_order)) best = it;
        if (best == transfers_.end()) return std::nullopt;
        return hand_out(best);
    }

    // Abandons `t`: a transfer in flight is removed and its easy handle freed; a completion not yet
    // taken is dropped. True when `t` was known (in flight or waiting to be taken).
    bool cancel(ticket t) {
        for (auto it = transfers_.begin(); it != transfers_.end(); ++it) {
            if ((*it)->id != t) continue;
            release(**it);
            transfers_.erase(it);
            return true;
        }
        return false;
    }

    // Requests started and not finished.
    std::size_t in_flight() const noexcept {
        return static_cast<std::size_t>(std::count_if(transfers_.begin(), transfers_.end(), [](const auto& t) { return !t->done; }));
    }
    // Requests finished and not taken.
    std::size_t completed() const noexcept { return transfers_.size() - in_flight(); }

    const curl_multi_options& options() const noexcept { return options_; }

private:
    struct transfer {
        ticket id;
        CURL* easy = nullptr;
        bool added = false; // to the multi handle
        bool done = false;
        std::uint64_t finished_order = 0;
        std::chrono::steady_clock::time_point deadline;
        curl_detail::slist_guard headers; // libcurl reads the list until the transfer ends
        std::string url;
        curl_detail::exchange exchange;
        http::response response;
        std::error_code error;
        std::string message;
        char error_buffer[CURL_ERROR_SIZE] = {};
    };

    // Detaches and frees the easy handle and the header list (a transfer keeps its result).
    void release(transfer& t) noexcept {
        if (t.easy) {
            if (t.added && multi_) curl_multi_remove_handle(multi_, t.easy);
            curl_easy_cleanup(t.easy);
        }
        t.easy = nullptr;
        t.added = false;
        t.headers.reset();
    }

    // libcurl says the transfer ended with `rc`.
    void complete(transfer& t, CURLcode rc) {
        if (rc != CURLE_OK) {
            finish(t, curl_detail::describe(rc, t.exchange, t.error_buffer));
            return;
        }
        long status = 0;
        curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
        release(t);
        t.response.status = static_cast<int>(status);
        t.done = true;
        t.finished_order = ++last_finished_;
    }

    // The transfer failed with `f`: no response.
    ticket finish(transfer& t, curl_detail::failure f) {
        release(t);
        t.response = http::response{};
        t.error = f.code;
        t.message = std::move(f.message);
        t.done = true;
        t.finished_order = ++last_finished_;
        return t.id;
    }

    std::optional<completion> hand_out(std::vector<std::unique_ptr<transfer>>::iterator it) {
        transfer& t = **it;
        completion c;
        c.id = t.id;
        c.error = t.error;
        c.response = std::move(t.response);
        c.message = std::move(t.message);
        transfers_.erase(it);
        return c;
    }

    curl_multi_options options_;
    CURLM* multi_ = nullptr;
    std::vector<std::unique_ptr<transfer>> transfers_; // in flight and finished-not-taken, in start order
    std::uint64_t last_id_ = 0;
    std::uint64_t last_finished_ = 0;
    std::string scratch_;
};

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
