#include "server.hpp"

#include <appconfigdata/http/message.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <optional>
#include <unordered_set>

namespace emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace acd = appconfigdata;
using tcp = asio::ip::tcp;

class connection;

struct server::impl : std::enable_shared_from_this<server::impl> {
    impl(asio::io_context& c, const options& o, service& s) : ioc(c), opts(o), svc(s), acceptor(c), accept_pause(c) {}

    asio::io_context& ioc;
    const options& opts;
    service& svc;
    tcp::acceptor acceptor;
    asio::steady_timer accept_pause;            // while out of descriptors: accepting waits for it
    std::chrono::milliseconds pause{0};         // the current back-off (0: accepting normally)
    std::unordered_set<connection*> connections;
    std::ofstream log;
    bool stopping = false;

    void write_log(const request_log& rec, acd::time_point now, double duration_ms) {
        if (!log.is_open()) return;
        log << format_log_line(rec, now, duration_ms) << '\n';
        log.flush();
    }

    void accept();
    void pause_accepting(const beast::error_code& ec);
};

// True for the accept() failures that mean "no descriptor or memory for a new socket now"
// (EMFILE, ENFILE, ENOBUFS, ENOMEM): retrying at once would spin; they pass when others close.
bool out_of_resources(const beast::error_code& ec) {
    namespace errc = boost::system::errc;
    return ec == errc::too_many_files_open || ec == errc::too_many_files_open_in_system || ec == errc::no_buffer_space ||
           ec == errc::not_enough_memory;
}

// An http::response as Beast's.
void to_beast(acd::http::response&& out, bhttp::response<bhttp::string_body>& res) {
    res = {};
    res.version(11);
    res.result(static_cast<unsigned>(out.status));
    for (const auto& f : out.headers) res.insert(f.name, f.value);
    res.set(bhttp::field::server, "appconfigdata-emulator");
    res.body() = std::move(out.body);
}

// One client connection. Owned by shared_ptrs held in its pending handlers; registered in
// impl::connections (raw pointers, single thread) so that stop() can close it.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(std::shared_ptr<server::impl> srv, tcp::socket socket)
        : srv_(std::move(srv)), stream_(std::move(socket)), delay_(stream_.get_executor()) {
        srv_->connections.insert(this);
    }
    ~connection() { srv_->connections.erase(this); }

    void start() { read(); }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
        delay_.cancel();
    }

private:
    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(srv_->opts.max_header_bytes));
        parser_->body_limit(srv_->opts.max_body_bytes);
        stream_.expires_after(srv_->opts.idle_timeout);
        bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            // Framing errors get an AWS-shaped answer and a close; a timeout or a vanished peer just a close.
            if (ec == bhttp::error::body_limit)
                return reject(413, "RequestEntityTooLargeException",
                              "Request body exceeds the limit of " + std::to_string(srv_->opts.max_body_bytes) + " bytes");
            if (ec == bhttp::error::header_limit)
                return reject(431, "RequestHeaderFieldsTooLargeException",
                              "Request line and headers exceed the limit of " + std::to_string(srv_->opts.max_header_bytes) + " bytes");
            if (&ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
                ec != bhttp::error::partial_message)
                return reject(400, "BadRequestException", "Malformed HTTP request: " + ec.message());
            return close();
        }
        started_ = std::chrono::steady_clock::now();
        if (srv_->opts.latency_ms > 0) {
            delay_.expires_after(std::chrono::milliseconds(srv_->opts.latency_ms));
            delay_.async_wait([self = shared_from_this()](beast::error_code wec) {
                if (!wec) self->respond();
            });
        } else {
            respond();
        }
    }

    void respond() {
        const auto& in = parser_->get();
        acd::http::request req;
        req.method = std::string(in.method_string());
        req.scheme = "http";
        const std::string target(in.target());
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        req.query = q == std::string::npos ? std::string() : target.substr(q + 1);
        for (const auto& f : in) req.headers.add(f.name_string(), f.value());
        if (const auto* host = req.headers.find("Host")) req.host = *host;
        req.body = in.body();

        request_log rec;
        const auto now = acd::clock_type::now();
        acd::http::response out = srv_->svc.handle(req, now, rec);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
        srv_->write_log(rec, now, ms);

        to_beast(std::move(out), res_);
        res_.keep_alive(in.keep_alive() && !srv_->stopping);
        res_.prepare_payload();
        write();
    }

    // Answers a request the parser refused, then closes (after draining what the client still sends,
    // so that it reads the answer instead of a reset).
    void reject(int status, const char* type, const std::string& message) {
        request_log rec;
        const auto now = acd::clock_type::now();
        to_beast(srv_->svc.reject(status, type, message, now, rec), res_);
        res_.keep_alive(false);
        res_.prepare_payload();
        if (const auto* in = parser_ ? &parser_->get() : nullptr) {
            rec.method = std::string(in->method_string());
            rec.path = std::string(in->target().substr(0, in->target().find('?')));
        }
        srv_->write_log(rec, now, 0.0);
        lingering_ = true;
        write();
    }

    void write() {
        stream_.expires_after(srv_->opts.idle_timeout);
        bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec && self->lingering_) return self->drain();
            if (ec || !self->res_.keep_alive()) return self->close();
            self->read();
        });
    }

    // After a rejection: half-close, then read and drop what the client still sends (at most
    // drain_limit bytes, at most drain_time) before closing.
    void drain() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(drain_time);
        drain_more();
    }
    void drain_more() {
        stream_.async_read_some(asio::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ > drain_limit) return self->close();
            self->drain_more();
        });
    }

    static constexpr std::chrono::seconds drain_time{3};
    static constexpr std::size_t drain_limit = 64u * 1024u * 1024u;

    std::shared_ptr<server::impl> srv_;
    beast::tcp_stream stream_;
    asio::steady_timer delay_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> res_;
    std::chrono::steady_clock::time_point started_{};
    bool lingering_ = false;
    std::size_t drained_ = 0;
    std::array<char, 16 * 1024> drain_buffer_{};
};

void server::impl::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping || !self->acceptor.is_open()) return;
        if (ec && out_of_resources(ec)) return self->pause_accepting(ec);
        if (self->pause.count() > 0) {
            std::cerr << "appconfigdata-emulator: accepting connections again" << std::endl;
            self->pause = std::chrono::milliseconds(0);
        }
        if (!ec) {
            if (self->connections.size() >= self->opts.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                beast::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                std::make_shared<connection>(self, std::move(socket))->start();
            }
        }
        self->accept();
    });
}

// Out of descriptors: stop accepting for a while (10 ms, doubling up to 250 ms while it lasts)
// instead of retrying at once; the waiting clients stay in the listen backlog.
void server::impl::pause_accepting(const beast::error_code& ec) {
    if (pause.count() == 0)
        std::cerr << "appconfigdata-emulator: cannot accept a connection (" << ec.message() << ", " << connections.size()
                  << " open); pausing accept" << std::endl;
    pause = pause.count() == 0 ? std::chrono::milliseconds(10) : std::min(pause * 2, std::chrono::milliseconds(250));
    accept_pause.expires_after(pause);
    accept_pause.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec && !self->stopping) self->accept();
    });
}

server::server(asio::io_context& ioc, const options& opts, service& svc) : impl_(std::make_shared<impl>(ioc, opts, svc)) {}

server::~server() { stop(); }

std::string server::listen() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(impl_->opts.host, ec);
    if (ec) return "invalid --host '" + impl_->opts.host + "' (an IP address is expected)";
    const tcp::endpoint ep(address, impl_->opts.port);
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) + ": " + ec.message();
    if (!impl_->opts.log_file.empty()) {
        impl_->log.open(impl_->opts.log_file, std::ios::out | std::ios::app);
        if (!impl_->log) return "cannot open --log file " + impl_->opts.log_file;
    }
    return {};
}

std::uint16_t server::port() const {
    beast::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

void server::start() { impl_->accept(); }

void server::stop() {
    if (!impl_ || impl_->stopping) return;
    impl_->stopping = true;
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->accept_pause.cancel();
    // Closing cancels their pending operations; they go away when their handlers have run.
    std::vector<connection*> open(impl_->connections.begin(), impl_->connections.end());
    for (auto* c : open) c->close();
}

} // namespace emulator
