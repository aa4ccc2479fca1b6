#include "server.hpp"

#include <appconfigdata/http/message.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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
    impl(asio::io_context& c, const options& o, service& s) : ioc(c), opts(o), svc(s), acceptor(c) {}

    asio::io_context& ioc;
    const options& opts;
    service& svc;
    tcp::acceptor acceptor;
    std::unordered_set<connection*> connections;
    std::ofstream log;
    bool stopping = false;

    void write_log(const request_log& rec, acd::time_point now, double duration_ms) {
        if (!log.is_open()) return;
        log << format_log_line(rec, now, duration_ms) << '\n';
        log.flush();
    }

    void accept();
};

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
            // Framing errors get a short answer and a close; a timeout or a vanished peer just a close.
            if (ec == bhttp::error::body_limit) return reject(413, "Payload Too Large", "request body exceeds the emulator's limit");
            if (ec == bhttp::error::header_limit) return reject(431, "Request Header Fields Too Large", "request head exceeds the emulator's limit");
            if (&ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
                ec != bhttp::error::partial_message)
                return reject(400, "Bad Request", "malformed HTTP request");
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

        res_ = {};
        res_.version(11);
        res_.result(static_cast<unsigned>(out.status));
        for (const auto& f : out.headers) res_.insert(f.name, f.value);
        res_.set(bhttp::field::server, "appconfigdata-emulator");
        res_.body() = std::move(out.body);
        res_.keep_alive(in.keep_alive() && !srv_->stopping);
        res_.prepare_payload();
        write();
    }

    void reject(unsigned status, const char* reason, const char* message) {
        res_ = {};
        res_.version(11);
        res_.result(status);
        res_.reason(reason);
        res_.set(bhttp::field::content_type, "text/plain");
        res_.set(bhttp::field::server, "appconfigdata-emulator");
        res_.body() = std::string(message) + "\n";
        res_.keep_alive(false);
        res_.prepare_payload();
        request_log rec;
        rec.status = static_cast<int>(status);
        rec.error_type = reason;
        srv_->write_log(rec, acd::clock_type::now(), 0.0);
        write();
    }

    void write() {
        stream_.expires_after(srv_->opts.idle_timeout);
        bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || !self->res_.keep_alive()) return self->close();
            self->read();
        });
    }

    std::shared_ptr<server::impl> srv_;
    beast::tcp_stream stream_;
    asio::steady_timer delay_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> res_;
    std::chrono::steady_clock::time_point started_{};
};

void server::impl::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping || !self->acceptor.is_open()) return;
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
    // Closing cancels their pending operations; they go away when their handlers have run.
    std::vector<connection*> open(impl_->connections.begin(), impl_->connections.end());
    for (auto* c : open) c->close();
}

} // namespace emulator
