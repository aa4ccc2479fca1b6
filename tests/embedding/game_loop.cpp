// A game loop as an outsider writes it from the README: the two single headers (the core and the
// OpenSSL backend), its own non-blocking HTTP/1.1 client over plain TCP sockets, a 60 frames/s loop
// that pumps that client once per frame and drives the session through driver::tick_driver.
// Built with -fno-exceptions -fno-rtti: there is no try, throw, catch, typeid or dynamic_cast here.
//
//   game_loop APPLICATION ENVIRONMENT PROFILE SECONDS [FIRST_POLL_FALLBACK_SECONDS]
//
// FIRST_POLL_FALLBACK_SECONDS is session_options::default_poll_interval: the poll interval the session
// assumes before the service has given one (default: the library's 60 s).
//
// Environment: AWS_ENDPOINT_URL_APPCONFIGDATA (http://host:port), AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN]. Output, one line each:
//   changed <version_label> <content>           for every `changed` event
//   latest <version_label> <content>            at the end: session.latest()
//   summary frames=.. worst_frame_ms=.. requests=.. changes=.. errors=.. restarts=.. retries=.. timeouts=..
// Exit 0 when the run ended with a configuration, 1 when the session stopped, 2 on bad usage.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_openssl.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>

namespace acd = appconfigdata;

// Boost asks the application for these under -fno-exceptions (README, "Without exceptions and RTTI").
namespace boost {
void throw_exception(const std::exception&) { std::abort(); }
void throw_exception(const std::exception&, const boost::source_location&) { std::abort(); }
} // namespace boost

namespace {

std::optional<std::string> from_environment(std::string_view name) {
    const char* value = std::getenv(std::string(name).c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// One request at a time, one connection per request, never blocking: start() opens a non-blocking
// socket and begins connecting; pump() (once per frame) advances connect / send / receive with
// poll(..., 0) and reports done or failed. Plain http:// only; responses framed by Content-Length.
class nonblocking_http_client {
public:
    enum class state { idle, busy, done, failed };

    nonblocking_http_client() = default;
    nonblocking_http_client(const nonblocking_http_client&) = delete;
    nonblocking_http_client& operator=(const nonblocking_http_client&) = delete;
    ~nonblocking_http_client() { close_socket(); }

    // Starts `r` (copied out: the driver reuses its buffer). timeout 0: this client's own 5 s.
    void start(const acd::http::request& r, std::chrono::milliseconds timeout) {
        close_socket();
        response_ = acd::http::response{};
        in_.clear();
        out_.clear();
        sent_ = 0;
        head_end_ = std::string::npos;
        content_length_ = 0;
        error_ = {};
        why_.clear();
        deadline_ = std::chrono::steady_clock::now() + (timeout.count() > 0 ? timeout : std::chrono::milliseconds(5000));
        state_ = state::busy;

        if (r.scheme != "http") return fail(acd::errc::transport_failed, "only http:// is supported by this client");
        std::string host;
        std::string port = "80";
        if (!split_authority(r.host, host, port)) return fail(acd::errc::transport_failed, "bad host '" + r.host + "'");

        // The request exactly as given: method, target, every header in order, body.
        out_ = r.method + " " + r.target() + " HTTP/1.1\r\n";
        for (const auto& f : r.headers) out_ += f.name + ": " + f.value + "\r\n";
        out_ += "\r\n";
        out_ += r.body;

        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found)
            return fail(acd::errc::transport_failed, "cannot resolve " + host);
        fd_ = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
        if (fd_ < 0) {
            ::freeaddrinfo(found);
            return fail(acd::errc::transport_failed, std::string("socket: ") + std::strerror(errno));
        }
        const int flags = ::fcntl(fd_, F_GETFL, 0);
        if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK) < 0) {
            ::freeaddrinfo(found);
            return fail(acd::errc::transport_failed, std::string("fcntl: ") + std::strerror(errno));
        }
        const int rc = ::connect(fd_, found->ai_addr, found->ai_addrlen);
        const int connect_errno = errno;
        ::freeaddrinfo(found);
        if (rc == 0) phase_ = phase::sending;
        else if (connect_errno == EINPROGRESS) phase_ = phase::connecting;
        else return fail(acd::errc::transport_failed, std::string("connect: ") + std::strerror(connect_errno));
    }

    // Advances the outstanding request without waiting. Returns the state after this step.
    state pump() {
        if (state_ != state::busy) return state_;
        if (std::chrono::steady_clock::now() >= deadline_) {
            fail(acd::errc::timeout, "deadline passed");
            return state_;
        }
        pollfd p{};
        p.fd = fd_;
        p.events = static_cast<short>(phase_ == phase::receiving ? POLLIN : POLLOUT);
        const int n = ::poll(&p, 1, 0);
        if (n < 0) {
            if (errno != EINTR) fail(acd::errc::transport_failed, std::string("poll: ") + std::strerror(errno));
            return state_;
        }
        if (n == 0) return state_;
        if (phase_ == phase::connecting) {
            int so_error = 0;
            socklen_t len = sizeof so_error;
            if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
                fail(acd::errc::transport_failed, std::string("connect: ") + std::strerror(so_error ? so_error : errno));
                return state_;
            }
            phase_ = phase::sending;
        }
        if (phase_ == phase::sending) {
            while (sent_ < out_.size()) {
                const ssize_t k = ::send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
                if (k < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) return state_;
                    if (errno == EINTR) continue;
                    fail(acd::errc::transport_failed, std::string("send: ") + std::strerror(errno));
                    return state_;
                }
                sent_ += static_cast<std::size_t>(k);
            }
            phase_ = phase::receiving;
            return state_; // the answer is read on a later frame
        }
        char buf[16384];
        for (;;) {
            const ssize_t k = ::recv(fd_, buf, sizeof buf, 0);
            if (k < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) continue;
                fail(acd::errc::transport_failed, std::string("recv: ") + std::strerror(errno));
                return state_;
            }
            if (k == 0) {
                fail(acd::errc::transport_failed, "connection closed before the whole response");
                return state_;
            }
            in_.append(buf, static_cast<std::size_t>(k));
            if (in_.size() > max_response) {
                fail(acd::errc::transport_failed, "response too large");
                return state_;
            }
            if (head_end_ == std::string::npos && !parse_head()) return state_;
            if (head_end_ != std::string::npos && in_.size() >= head_end_ + content_length_) {
                response_.body = in_.substr(head_end_, content_length_);
                close_socket();
                state_ = state::done;
                return state_;
            }
        }
        return state_;
    }

    bool busy() const noexcept { return state_ == state::busy; }
    const acd::http::response& response() const noexcept { return response_; }
    std::error_code error() const noexcept { return error_; }
    const std::string& why() const noexcept { return why_; }
    void reset() noexcept {
        close_socket();
        state_ = state::idle;
    }

private:
    enum class phase { connecting, sending, receiving };
    static constexpr std::size_t max_response = 32u * 1024u * 1024u;

    static bool split_authority(const std::string& authority, std::string& host, std::string& port) {
        if (!authority.empty() && authority.front() == '[') {
            const auto close = authority.find(']');
            if (close == std::string::npos) return false;
            host = authority.substr(1, close - 1);
            if (close + 1 < authority.size()) {
                if (authority[close + 1] != ':') return false;
                port = authority.substr(close + 2);
            }
        } else {
            const auto colon = authority.rfind(':');
            host = authority.substr(0, colon);
            if (colon != std::string::npos) port = authority.substr(colon + 1);
        }
        return !host.empty() && !port.empty();
    }

    // Parses the status line and headers once "\r\n\r\n" has arrived. False on a malformed head
    // (the request has failed then); true otherwise (head_end_ set when the head is complete).
    bool parse_head() {
        const auto end = in_.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (in_.size() > 65536) fail(acd::errc::transport_failed, "response head too large");
            return state_ == state::busy;
        }
        std::string_view head(in_.data(), end);
        auto line_end = head.find("\r\n");
        std::string_view status_line = head.substr(0, line_end);
        if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") {
            fail(acd::errc::transport_failed, "malformed status line");
            return false;
        }
        const auto sp = status_line.find(' ');
        int status = 0;
        for (std::size_t i = sp + 1; i < status_line.size() && i < sp + 4; ++i) {
            const char c = status_line[i];
            if (c < '0' || c > '9') {
                fail(acd::errc::transport_failed, "malformed status code");
                return false;
            }
            status = status * 10 + (c - '0');
        }
        response_.status = status;
        bool have_length = false;
        while (line_end != std::string_view::npos) {
            head.remove_prefix(line_end + 2);
            line_end = head.find("\r\n");
            const std::string_view line = head.substr(0, line_end);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) {
                fail(acd::errc::transport_failed, "malformed header line");
                return false;
            }
            const std::string_view name = line.substr(0, colon);
            const std::string_view value = trim(line.substr(colon + 1));
            if (iequals(name, "Transfer-Encoding")) {
                fail(acd::errc::transport_failed, "Transfer-Encoding is not supported by this client");
                return false;
            }
            if (iequals(name, "Content-Length")) {
                std::size_t n = 0;
                if (value.empty() || value.size() > 9) {
                    fail(acd::errc::transport_failed, "bad Content-Length");
                    return false;
                }
                for (const char c : value) {
                    if (c < '0' || c > '9') {
                        fail(acd::errc::transport_failed, "bad Content-Length");
                        return false;
                    }
                    n = n * 10 + static_cast<std::size_t>(c - '0');
                }
                content_length_ = n;
                have_length = true;
            }
            response_.headers.add(name, value);
        }
        if (!have_length) content_length_ = 0; // the emulator always frames; no body otherwise
        head_end_ = end + 4;
        return true;
    }

    void fail(acd::errc e, std::string why) {
        close_socket();
        error_ = e;
        why_ = std::move(why);
        state_ = state::failed;
    }

    void close_socket() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    int fd_ = -1;
    state state_ = state::idle;
    phase phase_ = phase::connecting;
    std::string out_;
    std::size_t sent_ = 0;
    std::string in_;
    std::size_t head_end_ = std::string::npos;
    std::size_t content_length_ = 0;
    std::chrono::steady_clock::time_point deadline_{};
    acd::http::response response_;
    std::error_code error_;
    std::string why_;
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr, "usage: game_loop APPLICATION ENVIRONMENT PROFILE SECONDS [FIRST_POLL_FALLBACK_SECONDS]\n");
        return 2;
    }
    const long seconds = std::strtol(argv[4], nullptr, 10);
    const long fallback = argc == 6 ? std::strtol(argv[5], nullptr, 10) : 60;
    if (seconds <= 0 || seconds > 86400 || fallback <= 0 || fallback > 86400) {
        std::fprintf(stderr, "game_loop: SECONDS and FIRST_POLL_FALLBACK_SECONDS must be from 1 to 86400\n");
        return 2;
    }

    acd::endpoint::params where;
    acd::endpoint::resolved endpoint;
    std::string why;
    if (acd::endpoint::params_from_environment(from_environment, where, &why) || acd::endpoint::resolve(where, endpoint, &why)) {
        std::fprintf(stderr, "game_loop: no endpoint: %s\n", why.c_str());
        return 1;
    }
    acd::session::session_config config;
    config.application = argv[1];
    config.environment = argv[2];
    config.configuration_profile = argv[3];
    config.endpoint_url = endpoint.url;
    config.region = endpoint.signing_region;
    config.options.jitter_seed = std::random_device{}();
    config.options.default_poll_interval = std::chrono::seconds(fallback);
    acd::session::configuration_session<acd::adapters::openssl_crypto> session(config);
    acd::driver::tick_driver<decltype(session)> driver(session);
    nonblocking_http_client http;

    long long frames = 0, requests = 0, changes = 0, errors = 0, restarts = 0, retries = 0, timeouts = 0;
    double worst_frame_ms = 0.0;
    using steady = std::chrono::steady_clock;
    const auto frame = std::chrono::nanoseconds(1000000000 / 60);
    const auto end = steady::now() + std::chrono::seconds(seconds);
    auto next_frame = steady::now();

    while (steady::now() < end) {
        const auto frame_start = steady::now();
        ++frames;

        // 1. Pump the HTTP client; hand a finished request back to the driver.
        if (http.busy()) {
            const auto st = http.pump();
            if (st == nonblocking_http_client::state::done) {
                driver.complete(http.response(), acd::clock_type::now());
                http.reset();
            } else if (st == nonblocking_http_client::state::failed) {
                if (http.error() == acd::errc::timeout) ++timeouts;
                std::fprintf(stderr, "game_loop: request failed: %s (%s)\n", http.error().message().c_str(), http.why().c_str());
                driver.fail(http.error(), acd::clock_type::now());
                http.reset();
            }
        }

        // 2. Tick: start what the session wants (at most one request is outstanding).
        if (!driver.in_flight()) {
            const acd::time_point now = acd::clock_type::now();
            acd::driver::tick_result t = driver.tick(now);
            if (t.need_credentials) {
                const acd::provider_result creds = acd::credentials_from_environment(from_environment);
                if (!creds.ready()) {
                    std::fprintf(stderr, "game_loop: no credentials: %s\n", creds.diag.message.c_str());
                    return 1;
                }
                session.set_credentials(creds.value, now);
                t = driver.tick(now);
            }
            if (t.request) {
                ++requests;
                http.start(*t.request, t.timeout);
            } else if (t.file || t.process) {
                // The session asks for neither; answer "not supported" rather than leave it waiting.
                if (t.file) {
                    acd::file_result r;
                    r.error = acd::errc::not_supported;
                    driver.complete_file(r, now);
                } else {
                    acd::process_result r;
                    r.error = acd::errc::not_supported;
                    driver.complete_process(r, now);
                }
            }
            if (t.failed) {
                std::fprintf(stderr, "game_loop: session stopped: %s\n", t.error.message().c_str());
                return 1;
            }
        }

        // 3. The session's events.
        while (const std::optional<acd::session::event> e = session.poll_event()) {
            switch (e->kind) {
            case acd::session::event_kind::changed:
                ++changes;
                std::printf("changed %s %s\n", e->version_label.c_str(), e->content.c_str());
                std::fflush(stdout);
                break;
            case acd::session::event_kind::error:
                ++errors;
                std::fprintf(stderr, "game_loop: error: %s\n", e->error.message().c_str());
                break;
            case acd::session::event_kind::session_restarted:
                ++restarts;
                std::fprintf(stderr, "game_loop: session restarted: %s\n", acd::session::to_string(e->reason));
                break;
            case acd::session::event_kind::retrying:
                ++retries;
                std::fprintf(stderr, "game_loop: retrying: %s\n", e->error.message().c_str());
                break;
            case acd::session::event_kind::warning:
                std::fprintf(stderr, "game_loop: warning: %s\n", e->diag.message.c_str());
                break;
            case acd::session::event_kind::unchanged: break;
            }
        }

        // 4. The rest of the frame.
        const double ms = std::chrono::duration<double, std::milli>(steady::now() - frame_start).count();
        worst_frame_ms = std::max(worst_frame_ms, ms);
        next_frame += frame;
        const auto now_steady = steady::now();
        if (next_frame < now_steady) next_frame = now_steady; // fell behind: do not try to catch up
        std::this_thread::sleep_until(next_frame);
    }

    const acd::session::configuration& latest = session.latest();
    std::printf("latest %s %s\n", latest.version_label.c_str(), latest.content.c_str());
    std::printf("summary frames=%lld worst_frame_ms=%.3f requests=%lld changes=%lld errors=%lld restarts=%lld retries=%lld timeouts=%lld\n",
                frames, worst_frame_ms, requests, changes, errors, restarts, retries, timeouts);
    return latest.empty() ? 1 : 0;
}
