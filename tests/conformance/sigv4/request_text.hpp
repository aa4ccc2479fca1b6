// Reads the HTTP/1.1 text form the SigV4 suites use (request.txt, .req, .sreq, *-signed-request.txt):
// "METHOD target HTTP/1.1", then "Name:value" lines (everything after the first ':' is the value; a
// line starting with whitespace continues the previous value), a blank line, then the body.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/http/message.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigv4_conformance {

struct request_text {
    std::string method, target;
    std::vector<std::pair<std::string, std::string>> headers; // as written
    std::string body;
    bool ok = false;
};

inline request_text parse_request_text(std::string_view text) {
    request_text out;
    const auto first_end = text.find('\n');
    std::string_view line = text.substr(0, first_end);
    const auto sp = line.find(' ');
    const auto version = line.rfind(" HTTP/1.1");
    if (sp == std::string_view::npos || version == std::string_view::npos || version <= sp) return out;
    out.method = std::string(line.substr(0, sp));
    out.target = std::string(line.substr(sp + 1, version - sp - 1));
    std::size_t pos = first_end == std::string_view::npos ? text.size() : first_end + 1;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty()) {
            if (pos < text.size()) out.body = std::string(text.substr(pos));
            break;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (out.headers.empty()) return out;
            out.headers.back().second += "\n";
            out.headers.back().second += std::string(line);
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return out;
        out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    }
    out.ok = true;
    return out;
}

// The request to sign: path and query split at the first '?', Host taken from the Host header.
inline appconfigdata::http::request to_request(const request_text& t) {
    appconfigdata::http::request r;
    r.method = t.method;
    const auto q = t.target.find('?');
    r.path = t.target.substr(0, q);
    r.query = q == std::string::npos ? std::string() : t.target.substr(q + 1);
    for (const auto& h : t.headers) {
        r.headers.add(h.first, h.second);
        if (appconfigdata::detail::iequals(h.first, "host")) r.host = std::string(appconfigdata::detail::trim(h.second));
    }
    r.body = t.body;
    return r;
}

// Headers as a sorted list of (lower-case name, trimmed value): order and name case do not affect
// a signature, and the suites write them as their signer happened to.
inline std::vector<std::pair<std::string, std::string>> normalized_headers(const appconfigdata::http::headers& h,
                                                                           std::string_view skip = {}) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : h)
        if (skip.empty() || !appconfigdata::detail::iequals(f.name, skip))
            out.emplace_back(appconfigdata::detail::to_lower(f.name), std::string(appconfigdata::detail::trim(f.value)));
    std::stable_sort(out.begin(), out.end());
    return out;
}

inline std::vector<std::pair<std::string, std::string>> normalized_headers(const request_text& t, std::string_view skip = {}) {
    appconfigdata::http::headers h;
    for (const auto& p : t.headers) h.add(p.first, p.second);
    return normalized_headers(h, skip);
}

} // namespace sigv4_conformance
