// beast_transport over HTTPS against a local TLS server with a throw-away self-signed certificate
// for DNS:localhost (made by the `openssl` command; the test is skipped loudly without it):
// trust through ca_file, SNI, host name verification, and refusal of an untrusted certificate.
#include <appconfigdata/adapters/beast_transport.hpp>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace acd = appconfigdata;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

// A TLS server answering `connections` connections (one request each) on a thread; records the SNI names seen.
class tls_server {
public:
    tls_server(const std::string& cert, const std::string& key, int connections) : ctx_(asio::ssl::context::tls_server) {
        ctx_.use_certificate_chain_file(cert);
        ctx_.use_private_key_file(key, asio::ssl::context::pem);
        acceptor_.open(tcp::v4());
        acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this, connections] { run(connections); });
    }
    ~tls_server() {
        beast::error_code ec;
        acceptor_.close(ec);
        if (thread_.joinable()) thread_.join();
    }
    unsigned short port() const { return port_; }
    std::vector<std::string> server_names() {
        if (thread_.joinable()) thread_.join();
        return names_;
    }

private:
    void run(int connections) {
        for (int i = 0; i < connections; ++i) {
            beast::error_code ec;
            tcp::socket socket(ioc_);
            acceptor_.accept(socket, ec);
            if (ec) return;
            beast::ssl_stream<tcp::socket> stream(std::move(socket), ctx_);
            stream.handshake(asio::ssl::stream_base::server, ec);
            const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
            names_.push_back(sni ? sni : "");
            if (ec) continue;
            beast::flat_buffer buffer;
            bhttp::request<bhttp::string_body> req;
            bhttp::read(stream, buffer, req, ec);
            if (ec) continue;
            bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
            res.set(bhttp::field::content_type, "text/plain");
            res.body() = "hello over tls: " + std::string(req.target());
            res.keep_alive(false);
            res.prepare_payload();
            bhttp::write(stream, res, ec);
            stream.shutdown(ec);
        }
    }

    asio::io_context ioc_;
    asio::ssl::context ctx_;
    tcp::acceptor acceptor_{ioc_};
    unsigned short port_ = 0;
    std::thread thread_;
    std::vector<std::string> names_;
};

acd::http::request get(const std::string& host) {
    acd::http::request req;
    req.method = "GET";
    req.scheme = "https";
    req.host = host;
    req.path = "/configuration";
    req.query = "configuration_token=abc";
    return req;
}

} // namespace

TEST_CASE("beast_transport: HTTPS with SNI, host name verification and a trusted CA file") {
    const fs::path dir = fs::temp_directory_path() / ("acd-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost "
                            "-addext subjectAltName=DNS:localhost -days 1 -keyout '" + key + "' -out '" + cert + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0 || !fs::exists(cert)) {
        std::cout << "\n*** SKIPPED: the `openssl` command could not make a test certificate; HTTPS test not run ***\n\n";
        fs::remove_all(dir);
        return;
    }
    tls_server server(cert, key, 4);
    const std::string port = std::to_string(server.port());
    acd::http::response res;

    acd::adapters::beast_options trusted;
    trusted.ca_file = cert;
    {
        acd::adapters::beast_transport t(trusted);
        REQUIRE_FALSE(t(get("localhost:" + port), res));
        CHECK(res.status == 200);
        CHECK(res.body == "hello over tls: /configuration?configuration_token=abc");
    }
    {
        acd::adapters::beast_transport t; // system store only: the self-signed certificate is not trusted
        CHECK(t(get("localhost:" + port), res) == acd::errc::transport_failed);
    }
    {
        acd::adapters::beast_transport t(trusted); // trusted, but issued for "localhost", not "127.0.0.1"
        CHECK(t(get("127.0.0.1:" + port), res) == acd::errc::transport_failed);
    }
    {
        acd::adapters::beast_options insecure;
        insecure.verify_peer = false;
        acd::adapters::beast_transport t(insecure);
        REQUIRE_FALSE(t(get("127.0.0.1:" + port), res));
        CHECK(res.status == 200);
    }
    const auto names = server.server_names();
    REQUIRE(names.size() == 4);
    CHECK(names[0] == "localhost"); // SNI sent for a name
    CHECK(names[3].empty());        // and not for an IP address
    fs::remove_all(dir);
}
