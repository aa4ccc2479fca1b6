// The libcurl adapters build and work with exceptions and RTTI off (-fno-exceptions -fno-rtti, as
// game engines build), and with -Wshadow -Wconversion. No Catch2 here (it needs exceptions): exits 1
// with a message when a check fails.
#include <appconfigdata/adapters/curl.hpp>

#include <cstdio>

namespace acd = appconfigdata;

int main() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failures = 0;
    auto check = [&](bool ok, const char* what) {
        if (!ok) {
            std::fprintf(stderr, "FAILED: %s\n", what);
            ++failures;
        }
    };
    {
        acd::adapters::curl_multi_transport http;
        check(!http.init_error(), "the multi handle is created");
        acd::http::request req;
        check(!req.set_url("http://127.0.0.1:9/"), "the URL parses");
        req.headers.add("X-Injected", "a\r\nEvil: yes");
        const auto t = http.start(req);
        http.poll();
        auto done = http.take(t);
        check(done.has_value() && done->error == acd::errc::invalid_header, "a CR LF in a header completes with errc::invalid_header");

        acd::adapters::curl_transport easy;
        acd::http::response res;
        check(easy(req, res) == acd::errc::invalid_header, "the easy transport refuses it too");
    }
    curl_global_cleanup();
    std::printf("%d passed, %d failed\n", 4 - failures, failures);
    return failures == 0 ? 0 : 1;
}
