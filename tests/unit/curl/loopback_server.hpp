// A tiny HTTP/1.1 server for tests: 127.0.0.1 only, an ephemeral port, one thread, plain sockets.
// For each complete request (head + Content-Length body) it records the raw bytes and asks the
// handler for the raw response; an empty answer means "never answer" (for timeout tests).
// Connections stay open (keep-alive) until the client closes them or the server stops.
// set_reply_delay(d) holds every answer back for d without stopping the server (several requests
// in flight are each answered d after they arrived).
#pragma once
#include <cstdlib>
#include <cstdio>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

// A test server that cannot listen stops the test (without exceptions too).
[[noreturn]] inline void die(const char* what) {
#if defined(__cpp_exceptions)
    throw std::runtime_error(what);
#else
    std::fprintf(stderr, "loopback_server: %s\n", what);
    std::abort();
#endif
}

class loopback_server {
public:
    using handler = std::function<std::string(const std::string& raw_request)>;

    explicit loopback_server(handler h) : handler_(std::move(h)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (listen_fd_ < 0) die("socket failed");
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 8) != 0) {
            ::close(listen_fd_);
            die("bind/listen failed");
        }
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~loopback_server() {
        stop_ = true;
        thread_.join();
        for (auto& c : conns_) ::close(c.fd);
        ::close(listen_fd_);
    }

    loopback_server(const loopback_server&) = delete;
    loopback_server& operator=(const loopback_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::vector<std::string> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    int connections() const { return accepted_.load(); }
    int closed_connections() const { return closed_.load(); } // connections the client closed
    void set_reply_delay(std::chrono::milliseconds d) { delay_ms_ = d.count(); }

    // A port on 127.0.0.1 that nothing listens on (bound, then closed).
    static std::uint16_t closed_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        ::close(fd);
        return ntohs(addr.sin_port);
    }

private:
    struct connection {
        int fd;
        std::string in;
        bool hanging = false;
    };

    static std::size_t content_length(const std::string& head) {
        std::size_t pos = 0;
        while ((pos = head.find("\r\n", pos)) != std::string::npos) {
            pos += 2;
            if (head.size() - pos >= 15 && strncasecmp(head.c_str() + pos, "content-length:", 15) == 0)
                return static_cast<std::size_t>(std::strtoul(head.c_str() + pos + 15, nullptr, 10));
        }
        return 0;
    }

    static void send_all(int fd, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    void serve(connection& c) {
        for (;;) {
            const auto head_end = c.in.find("\r\n\r\n");
            if (head_end == std::string::npos) return;
            const std::size_t total = head_end + 4 + content_length(c.in.substr(0, head_end + 2));
            if (c.in.size() < total) return;
            const std::string raw = c.in.substr(0, total);
            c.in.erase(0, total);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(raw);
            }
            const std::string reply = handler_(raw);
            if (reply.empty()) {
                c.hanging = true;
                return;
            }
            const auto delay = delay_ms_.load();
            if (delay > 0)
                delayed_.push_back({c.fd, std::chrono::steady_clock::now() + std::chrono::milliseconds(delay), reply});
            else
                send_all(c.fd, reply);
        }
    }

    void send_due() {
        const auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < delayed_.size();) {
            if (delayed_[i].due > now) {
                ++i;
                continue;
            }
            send_all(delayed_[i].fd, delayed_[i].data);
            delayed_.erase(delayed_.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }

    void run() {
        while (!stop_) {
            std::vector<pollfd> fds;
            fds.push_back({listen_fd_, POLLIN, 0});
            for (auto& c : conns_) fds.push_back({c.fd, POLLIN, 0});
            const int ready = ::poll(fds.data(), fds.size(), delayed_.empty() ? 20 : 2);
            send_due();
            if (ready <= 0) continue;
            if (fds[0].revents & POLLIN) {
                const int fd = ::accept(listen_fd_, nullptr, nullptr);
                if (fd >= 0) {
                    ++accepted_;
                    conns_.push_back({fd, {}, false});
                }
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                connection& c = conns_[i - 1];
                char buf[4096];
                const auto n = ::recv(c.fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    ++closed_;
                    for (std::size_t d = 0; d < delayed_.size();)
                        if (delayed_[d].fd == c.fd) delayed_.erase(delayed_.begin() + static_cast<std::ptrdiff_t>(d));
                        else ++d;
                    ::close(c.fd);
                    c.fd = -1;
                    continue;
                }
                if (c.hanging) continue;
                c.in.append(buf, static_cast<std::size_t>(n));
                serve(c);
            }
            std::vector<connection> open;
            for (auto& c : conns_)
                if (c.fd >= 0) open.push_back(std::move(c));
            conns_ = std::move(open);
        }
    }

    handler handler_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::atomic<int> closed_{0};
    std::atomic<long long> delay_ms_{0};
    struct delayed_reply {
        int fd;
        std::chrono::steady_clock::time_point due;
        std::string data;
    };
    std::vector<delayed_reply> delayed_; // server thread only
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::vector<connection> conns_;
    std::thread thread_;
};

} // namespace test_support
