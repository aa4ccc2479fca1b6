// Endpoint resolution. Input: one flags byte (fips, dual-stack, region set, custom URL set), then
//   region \n endpoint URL
// Invariants: resolve() gives a URL starting with https:// or http:// (the custom URL exactly as
// given; a resolved one parses as a URL with no query) or one of its typed errors with a message and
// `out` untouched; the same input always gives the same answer.
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/http/url.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    std::string_view in = fuzz::as_text(data + 1, size - 1);
    std::string_view region;
    fuzz::next_line(in, region);

    endpoint::params p;
    p.use_fips = (flags & 1) != 0;
    p.use_dual_stack = (flags & 2) != 0;
    if (flags & 4) p.region = std::string(region);
    if (flags & 8) p.endpoint_url = std::string(in);

    endpoint::resolved out;
    out.url = "untouched";
    std::string message;
    const std::error_code ec = endpoint::resolve(p, out, &message);
    if (ec) {
        fuzz::check_typed(ec, {errc::invalid_region, errc::invalid_url, errc::endpoint_resolution_failed}, "resolve: untyped error");
        fuzz::check(!message.empty(), "resolve: error without a message");
        fuzz::check(out.url == "untouched", "resolve: out changed on error");
        if (p.endpoint_url) {
            // The message never depends on the URL (it is not repeated): another bad URL, same text.
            endpoint::params q = p;
            q.endpoint_url = std::string("\x01not a url");
            endpoint::resolved unused;
            std::string other;
            if (endpoint::resolve(q, unused, &other) == ec) fuzz::check(other == message, "resolve: message depends on the URL");
        }
    } else {
        // The scheme of a custom URL is kept as written; schemes are case-insensitive (RFC 3986).
        std::string url = out.url.substr(0, 8);
        for (char& ch : url) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        fuzz::check(url == "https://" || url.substr(0, 7) == "http://", "resolve: URL is not http(s)");
        if (!p.endpoint_url) fuzz::check(out.url.compare(0, 8, "https://") == 0, "resolve: a resolved URL is not lower-case https://");
        fuzz::check(out.signing_name == "appconfig", "resolve: signing name");
        if (p.endpoint_url) {
            fuzz::check(out.url == *p.endpoint_url, "resolve: custom URL not used as given");
        } else {
            http::url u;
            fuzz::check(!http::parse_url(out.url, u), "resolve: resolved URL does not parse");
            fuzz::check(u.query.empty() && out.signing_region == *p.region, "resolve: resolved URL has a query or wrong region");
        }
    }
    endpoint::resolved again;
    again.url = "untouched";
    std::string message2;
    fuzz::check(endpoint::resolve(p, again, &message2) == ec && message2 == message && (ec || again == out), "resolve: not deterministic");
    return 0;
}
