// A consumer of the libcurl adapter: it must link through the package's curl target / pkg-config file
// alone (curl_easy_* come from libcurl, which that target carries). It sends one request to a port
// nobody listens on and expects a typed transport error, not a crash.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_curl.hpp>

#include <curl/curl.h>

#include <iostream>

int main() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    appconfigdata::adapters::curl_options options;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.request_timeout = std::chrono::milliseconds(3000);
    appconfigdata::adapters::curl_transport transport(options);
    appconfigdata::http::request req;
    if (req.set_url("http://127.0.0.1:1/configuration?configuration_token=abc")) return 1;
    appconfigdata::http::add_framing_headers(req);
    appconfigdata::http::response res;
    const std::error_code ec = transport(req, res);
    curl_global_cleanup();
    if (ec != appconfigdata::errc::transport_failed && ec != appconfigdata::errc::timeout) {
        std::cerr << "consumer_curl: expected a transport error, got " << ec.message() << "\n";
        return 1;
    }
    std::cout << "consumer_curl OK: " << ec.message() << "\n";
    return 0;
}
