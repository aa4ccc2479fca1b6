// HTTP request and response value types: what the state machines hand to the user's HTTP
// callback and what the callback hands back. Printing never shows secrets or bodies.
#pragma once

#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <ostream>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

struct request {
    std::string method = "GET";
    std::string scheme = "https";
    std::string host;   // host[:port], exactly as sent in the Host header
    std::string path = "/"; // as sent on the wire (percent-encoded)
    std::string query;  // as sent on the wire, without '?'
    http::headers headers;
    std::string body;

    // Fills scheme, host (with a non-default port) and path/query from an absolute URL.
    std::error_code set_url(std::string_view text) {
        url u;
        if (auto ec = parse_url(text, u)) return ec;
        scheme = u.scheme;
        host = u.authority();
        path = u.path;
        query = u.query;
        return {};
    }

    // path?query
    std::string target() const { return query.empty() ? path : path + "?" + query; }
    std::string url_string() const { return scheme + "://" + host + target(); }

    friend bool operator==(const request& a, const request& b) {
        return a.method == b.method && a.scheme == b.scheme && a.host == b.host && a.path == b.path && a.query == b.query &&
               a.headers == b.headers && a.body == b.body;
    }
    friend bool operator!=(const request& a, const request& b) { return !(a == b); }

    // Method, URL and headers (sensitive values redacted), then the body size, never the body.
    // The query is printed, so a configuration token is visible: it is single-use, not a credential.
    friend std::ostream& operator<<(std::ostream& os, const request& r) {
        os << r.method << " " << r.url_string() << "\n" << r.headers;
        return os << "(body: " << r.body.size() << " bytes)";
    }
};

// Makes `r` sendable verbatim by a transport that writes exactly the headers it is given: adds
// `Host` (from r.host) when absent and, when the request has a body or a method that carries one
// (POST, PUT, PATCH), `Content-Length` set to the body's size. Every request the library hands out
// has been through this (the signer then signs both). Never throws except std::bad_alloc.
inline void add_framing_headers(request& r) {
    if (!r.headers.contains("host")) r.headers.add("Host", r.host);
    const bool carries_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
    if (carries_body) r.headers.set("Content-Length", std::to_string(r.body.size()));
}

// Why `r` is not sendable verbatim (no Host equal to r.host; a body without a matching
// Content-Length), or nullopt when it is. For transports and tests that want to check.
inline std::optional<std::string> framing_problem(const request& r) {
    const std::string* host = r.headers.find("host");
    if (!host) return std::string("no Host header");
    if (*host != r.host) return "Host header \"" + *host + "\" is not the request's host \"" + r.host + "\"";
    const std::string* length = r.headers.find("content-length");
    if (!r.body.empty() && !length) return "a " + std::to_string(r.body.size()) + "-byte body without Content-Length";
    if (length && *length != std::to_string(r.body.size()))
        return "Content-Length " + *length + " for a " + std::to_string(r.body.size()) + "-byte body";
    return std::nullopt;
}

struct response {
    int status = 0;
    http::headers headers;
    std::string body;

    friend bool operator==(const response& a, const response& b) { return a.status == b.status && a.headers == b.headers && a.body == b.body; }
    friend bool operator!=(const response& a, const response& b) { return !(a == b); }

    // Status and headers; the body may be a configuration (sensitive), so only its size is shown.
    friend std::ostream& operator<<(std::ostream& os, const response& r) {
        return os << "HTTP " << r.status << "\n" << r.headers << "(body: " << r.body.size() << " bytes)";
    }
};

} // namespace http
APPCONFIGDATA_NAMESPACE_END
