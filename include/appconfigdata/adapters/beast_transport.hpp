// Boost.Beast / Asio transport adapter: sends http::request values over HTTP/1.1 or HTTPS
// (OpenSSL through Boost.Asio ssl: the system CA store, SNI, host name verification, TLS >= 1.2).
//
//   adapters::beast_transport        synchronous; usable as http::transport (a callable
//                                    `std::error_code(const http::request&, http::response&)`);
//                                    keeps one idle keep-alive connection per scheme://host:port.
//   adapters::beast_async_transport  asynchronous on the user's executor:
//                                    async_send(request, handler(std::error_code, http::response)).
//
// Errors (std::error_code holding appconfigdata::errc): errc::invalid_url (no host, bad port,
// scheme other than http/https), errc::timeout (connect or exchange took longer than the
// options say), errc::response_too_large (response head or body over the limits),
// errc::transport_failed (resolve, connect, TLS handshake or certificate, socket errors,
// malformed HTTP). An HTTP error status is not an error here: it is a response.
//
// Needs Boost (Beast, Asio; header-only) and OpenSSL (-lssl -lcrypto) plus threads.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/transport.hpp>
#include <appconfigdata/version.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

struct beast_options {
    std::chrono::milliseconds connect_timeout{3100};     // resolve + TCP connect + TLS handshake
    std::chrono::milliseconds request_timeout{30000};    // write the request and read the whole response
    std::size_t max_response_body = default_limits.max_response_body;
    std::size_t max_header_bytes = default_limits.max_header_bytes;
    std::size_t max_idle_connections_per_host = 4;       // kept for reuse (keep-alive)
    bool verify_peer = true;                             // HTTPS: check the certificate chain and the host name
    std::string ca_file;                                 // HTTPS: an extra PEM bundle to trust (besides the system store)
};

namespace beast_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Where a request goes: scheme, host (without brackets) and port, parsed from request::host.
struct endpoint_key {
    bool tls = true;
    std::string host;
    std::string port;

    std::string key() const { return std::string(tls ? "https://" : "http://") + host + ":" + port; }
};

// Parses req.scheme and req.host ("name", "name:port", "[v6]", "[v6]:port"). errc::invalid_url when malformed.
inline std::error_code parse_endpoint(const http::request& req, endpoint_key& out) {
    if (req.scheme == "https") out.tls = true;
    else if (req.scheme == "http") out.tls = false;
    else return errc::invalid_url;
    const std::string& h = req.host;
    std::string port;
    if (!h.empty() && h[0] == '[') {
        const auto close = h.find(']');
        if (close == std::string::npos) return errc::invalid_url;
        out.host = h.substr(1, close - 1);
        if (close + 1 < h.size()) {
            if (h[close + 1] != ':') return errc::invalid_url;
            port = h.substr(close + 2);
        }
    } else {
        const auto colon = h.rfind(':');
        out.host = h.substr(0, colon);
        if (colon != std::string::npos) port = h.substr(colon + 1);
    }
    if (out.host.empty()) return errc::invalid_url;
    for (char c : out.host)
        if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@' || c == 0x7f) return errc::invalid_url;
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        if (port.size() > 5) return errc::invalid_url;
        unsigned long n = 0;
        for (char c : port) {
            if (c < '0' || c > '9') return errc::invalid_url;
            n = n * 10 + static_cast<unsigned long>(c - '0');
        }
        if (n == 0 || n > 65535) return errc::invalid_url;
        out.port = port;
    }
    return {};
}

// Maps Asio / Beast errors to the library's codes.
inline std::error_code map_error(const beast::error_code& ec) {
    if (ec == beast::error::timeout || ec == asio::error::timed_out) return errc::timeout;
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        return errc::response_too_large;
    return errc::transport_failed;
}

// One connection, plain or TLS, with its read buffer.
struct connection {
    std::string key;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    void close() {
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close();
    }
};

// Idle keep-alive connections by endpoint key. Thread-safe.
class pool {
public:
    explicit pool(std::size_t per_host) : per_host_(per_host) {}

    std::unique_ptr<connection> take(const std::string& key) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end() || it->second.empty()) return nullptr;
        auto c = std::move(it->second.back());
        it->second.pop_back();
        return c;
    }

    void give_back(std::unique_ptr<connection> c) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto& list = idle_[c->key];
        if (list.size() < per_host_) list.push_back(std::move(c));
    }

private:
    std::mutex mutex_;
    std::size_t per_host_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
};

inline std::shared_ptr<asio::ssl::context> make_ssl_context(const beast_options& opts) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                     asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    ctx->set_default_verify_paths(ec); // a missing system store shows up as a failed verification later
    if (!opts.ca_file.empty()) ctx->load_verify_file(opts.ca_file, ec);
    ctx->set_verify_mode(opts.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
    return ctx;
}

using completion = std::function<void(std::error_code, http::response)>;

// One request/response exchange: (take an idle connection | resolve, connect, TLS handshake),
// write, read; a reused connection that fails before any response byte is replaced once by a
// fresh one (the server closed it while it was idle). Owned by the shared_ptrs in its handlers.
class exchange : public std::enable_shared_from_this<exchange> {
public:
    exchange(asio::any_io_executor ex, std::shared_ptr<asio::ssl::context> ssl, std::shared_ptr<pool> idle, const beast_options& opts,
             const http::request& req, completion done)
        : ex_(std::move(ex)), ssl_(std::move(ssl)), pool_(std::move(idle)), opts_(opts), resolver_(ex_), timer_(ex_),
          done_(std::move(done)) {
        if (auto ec = parse_endpoint(req, where_)) {
            bad_request_ = ec;
            return;
        }
        out_.version(11);
        const auto verb = bhttp::string_to_verb(req.method);
        if (verb == bhttp::verb::unknown) out_.method_string(req.method);
        else out_.method(verb);
        out_.target(req.target());
        for (const auto& f : req.headers) out_.insert(f.name, f.value);
        if (!req.headers.contains("host")) out_.set(bhttp::field::host, req.host);
        out_.body() = req.body;
        out_.keep_alive(true);
        out_.prepare_payload();
    }

    void start() {
        if (bad_request_) return asio::post(ex_, [self = shared_from_this()] { self->finish(self->bad_request_); });
        conn_ = pool_->take(where_.key());
        reused_ = conn_ != nullptr;
        if (reused_) return write();
        connect();
    }

private:
    void connect() {
        conn_ = std::make_unique<connection>();
        conn_->key = where_.key();
        if (where_.tls) conn_->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, *ssl_);
        else conn_->plain = std::make_unique<beast::tcp_stream>(ex_);
        timer_.expires_after(opts_.connect_timeout);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) {
                self->resolve_timed_out_ = true;
                self->resolver_.cancel();
            }
        });
        resolver_.async_resolve(where_.host, where_.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
            self->timer_.cancel();
            if (ec) return self->finish(self->resolve_timed_out_ ? std::error_code(errc::timeout) : std::error_code(errc::transport_failed));
            self->conn_->lowest().expires_after(self->opts_.connect_timeout);
            self->conn_->lowest().async_connect(r, [self](beast::error_code cec, const tcp::endpoint&) {
                if (cec) return self->finish(map_error(cec));
                beast::error_code ignored;
                self->conn_->lowest().socket().set_option(tcp::no_delay(true), ignored);
                if (self->conn_->tls) return self->handshake();
                self->write();
            });
        });
    }

    void handshake() {
        auto* native = conn_->tls->native_handle();
        beast::error_code ec;
        asio::ip::make_address(where_.host, ec);
        const bool is_ip = !ec;
        if (!is_ip && !SSL_set_tlsext_host_name(native, where_.host.c_str())) return finish(errc::transport_failed); // SNI
        if (opts_.verify_peer) conn_->tls->set_verify_callback(asio::ssl::host_name_verification(where_.host));
        conn_->lowest().expires_after(opts_.connect_timeout);
        conn_->tls->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](beast::error_code hec) {
            if (hec) return self->finish(hec == beast::error::timeout ? std::error_code(errc::timeout) : std::error_code(errc::transport_failed));
            self->write();
        });
    }

    template <class F>
    void on_stream(F&& f) {
        if (conn_->tls) f(*conn_->tls);
        else f(*conn_->plain);
    }

    void write() {
        conn_->lowest().expires_after(opts_.request_timeout);
        on_stream([&](auto& stream) {
            bhttp::async_write(stream, out_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->failed_before_response(ec);
                self->read();
            });
        });
    }

    void read() {
        parser_.emplace();
        parser_->body_limit(opts_.max_response_body);
        parser_->header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes > 0xffffffffu ? 0xffffffffu : opts_.max_header_bytes));
        on_stream([&](auto& stream) {
            bhttp::async_read(stream, conn_->buffer, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) {
                    if (!self->parser_->got_some()) return self->failed_before_response(ec);
                    return self->finish(map_error(ec));
                }
                self->deliver();
            });
        });
    }

    // A kept-alive connection may have been closed by the server while idle: try once more on a new one.
    void failed_before_response(const beast::error_code& ec) {
        if (reused_ && ec != beast::error::timeout) {
            reused_ = false;
            conn_->close();
            return connect();
        }
        finish(map_error(ec));
    }

    void deliver() {
        auto& in = parser_->get();
        http::response res;
        res.status = static_cast<int>(in.result_int());
        for (const auto& f : in) res.headers.add(f.name_string(), f.value());
        res.body = std::move(in.body());
        if (in.keep_alive() && !parser_->need_eof()) {
            conn_->lowest().expires_never();
            pool_->give_back(std::move(conn_));
        } else {
            conn_->close();
            conn_.reset();
        }
        auto done = std::move(done_);
        done(std::error_code{}, std::move(res));
    }

    void finish(std::error_code ec) {
        if (conn_) {
            conn_->close();
            conn_.reset();
        }
        auto done = std::move(done_);
        done(ec, http::response{});
    }

    asio::any_io_executor ex_;
    std::shared_ptr<asio::ssl::context> ssl_;
    std::shared_ptr<pool> pool_;
    beast_options opts_;
    tcp::resolver resolver_;
    asio::steady_timer timer_;
    completion done_;
    endpoint_key where_;
    std::error_code bad_request_;
    bhttp::request<bhttp::string_body> out_;
    std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
    std::unique_ptr<connection> conn_;
    bool reused_ = false;
    bool resolve_timed_out_ = false;
};

} // namespace beast_detail

// Asynchronous transport on the caller's executor (an io_context's, a strand...). Copies share
// the TLS context and the idle connections. Thread-safe.
class beast_async_transport {
public:
    // Throws std::bad_alloc only; a broken TLS setup shows up as errc::transport_failed per request.
    explicit beast_async_transport(boost::asio::any_io_executor ex, beast_options opts = {})
        : ex_(std::move(ex)), opts_(std::move(opts)), ssl_(beast_detail::make_ssl_context(opts_)),
          pool_(std::make_shared<beast_detail::pool>(opts_.max_idle_connections_per_host)) {}

    // Sends `req`; calls handler(error_code, response) exactly once, from the executor, with an empty
    // error_code and the response (any HTTP status), or an errc listed at the top of this file.
    // The handler must be copyable (it is stored in a std::function). Never throws except std::bad_alloc.
    template <class Handler>
    void async_send(const http::request& req, Handler&& handler) {
        std::make_shared<beast_detail::exchange>(ex_, ssl_, pool_, opts_, req, beast_detail::completion(std::forward<Handler>(handler)))->start();
    }

    const boost::asio::any_io_executor& get_executor() const noexcept { return ex_; }

private:
    boost::asio::any_io_executor ex_;
    beast_options opts_;
    std::shared_ptr<boost::asio::ssl::context> ssl_;
    std::shared_ptr<beast_detail::pool> pool_;
};

// Synchronous transport: runs the asynchronous exchange on a private io_context until it ends, so
// the timeouts hold. Copies share state (as std::function needs); calls are serialised by a mutex.
class beast_transport {
public:
    explicit beast_transport(beast_options opts = {}) : state_(std::make_shared<state>(std::move(opts))) {}

    // Sends `req` and fills `res` (any HTTP status). Returns {} or an errc listed at the top of
    // this file (then `res` is left empty). Blocks at most connect_timeout + request_timeout
    // (twice when a kept-alive connection turned out to be closed). Never throws except std::bad_alloc.
    std::error_code operator()(const http::request& req, http::response& res) {
        std::lock_guard<std::mutex> lock(state_->mutex);
        std::error_code result = errc::transport_failed;
        res = http::response{};
        state_->ioc.restart();
        state_->transport.async_send(req, [&](std::error_code ec, http::response r) {
            result = ec;
            if (!ec) res = std::move(r);
        });
        state_->ioc.run();
        return result;
    }

private:
    struct state {
        explicit state(beast_options opts) : transport(ioc.get_executor(), std::move(opts)) {}
        std::mutex mutex;
        boost::asio::io_context ioc{1};
        beast_async_transport transport;
    };
    std::shared_ptr<state> state_;
};

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
