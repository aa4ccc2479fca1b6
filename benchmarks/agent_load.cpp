// appconfigdata-agent-load: many concurrent callers against a running `appconfigdata agent` (or the AWS
// Agent): C connections on loopback, each sending R keep-alive GETs of one path one after the other.
// Prints the latency percentiles (each request, send to last byte), the throughput and the statuses.
// A benchmark, not a test: it asserts nothing. See benchmarks/README.md for the command.
//
//   appconfigdata-agent-load --port 2772 --path /applications/a/environments/e/configurations/p
//                            [--connections 1000] [--requests 20]
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct results {
    std::vector<double> latencies_ms;
    std::map<int, long> statuses;
    long failures = 0;
};

class caller : public std::enable_shared_from_this<caller> {
public:
    caller(asio::io_context& ioc, tcp::endpoint where, std::string path, int requests, results& out)
        : stream_(ioc), where_(where), path_(std::move(path)), left_(requests), out_(out) {}

    void start() {
        stream_.async_connect(where_, [self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->fail();
            self->send();
        });
    }

private:
    void send() {
        if (left_-- <= 0) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return;
        }
        req_ = {bhttp::verb::get, path_, 11};
        req_.set(bhttp::field::host, "127.0.0.1");
        started_ = clock_type::now();
        bhttp::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->fail();
            self->res_ = {};
            bhttp::async_read(self->stream_, self->buffer_, self->res_, [self](beast::error_code ec2, std::size_t) {
                if (ec2) return self->fail();
                self->out_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - self->started_).count());
                ++self->out_.statuses[static_cast<int>(self->res_.result_int())];
                self->send();
            });
        });
    }
    void fail() { out_.failures += std::max(left_ + 1, 1); }

    beast::tcp_stream stream_;
    tcp::endpoint where_;
    std::string path_;
    int left_;
    results& out_;
    beast::flat_buffer buffer_;
    bhttp::request<bhttp::empty_body> req_;
    bhttp::response<bhttp::string_body> res_;
    clock_type::time_point started_;
};

int main(int argc, char** argv) {
    int port = 2772, connections = 1000, requests = 20;
    std::string path;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--port") port = std::atoi(argv[i + 1]);
        else if (a == "--connections") connections = std::atoi(argv[i + 1]);
        else if (a == "--requests") requests = std::atoi(argv[i + 1]);
        else if (a == "--path") path = argv[i + 1];
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    if (path.empty() || port <= 0 || connections <= 0 || requests <= 0) {
        std::cerr << "usage: appconfigdata-agent-load --port N --path /applications/A/environments/E/configurations/P "
                     "[--connections 1000] [--requests 20]\n";
        return 2;
    }
    asio::io_context ioc(1);
    results out;
    out.latencies_ms.reserve(static_cast<std::size_t>(connections) * static_cast<std::size_t>(requests));
    const tcp::endpoint where(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    for (int c = 0; c < connections; ++c) std::make_shared<caller>(ioc, where, path, requests, out)->start();
    const auto start = clock_type::now();
    ioc.run();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    std::sort(out.latencies_ms.begin(), out.latencies_ms.end());
    const auto pct = [&](double p) {
        if (out.latencies_ms.empty()) return 0.0;
        return out.latencies_ms[std::min(out.latencies_ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(out.latencies_ms.size())))];
    };
    std::printf("%d connections x %d requests: %zu answered in %.2f s = %.0f requests/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f; failures %ld;",
                connections, requests, out.latencies_ms.size(), seconds, static_cast<double>(out.latencies_ms.size()) / seconds, pct(0.50), pct(0.90),
                pct(0.99), out.latencies_ms.empty() ? 0.0 : out.latencies_ms.back(), out.failures);
    for (const auto& s : out.statuses) std::printf(" %d: %ld", s.first, s.second);
    std::printf("\n");
    return 0;
}
