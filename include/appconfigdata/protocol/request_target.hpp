// Where an operation's request goes: the endpoint URL (scheme, host, optional base path) plus the
// operation's path. Writes into a caller's request, reusing its buffers.
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {

// Parses an endpoint URL such as "https://appconfigdata.us-east-1.amazonaws.com" or
// "http://127.0.0.1:8080/base". Returns errc::invalid_url for anything parse_url rejects and for a
// URL with a query (an endpoint has none).
inline std::error_code parse_endpoint(std::string_view text, http::url& out) {
    if (auto ec = http::parse_url(text, out)) return ec;
    if (!out.query.empty() || text.find('?') != std::string_view::npos) return errc::invalid_url;
    return {};
}

namespace detail {

// The builders' overloads that take an endpoint URL text: parses it (parse_endpoint) and returns
// build(endpoint), or errc::invalid_url when it does not parse.
template <class Build>
std::error_code with_endpoint(std::string_view endpoint_url, Build build) {
    http::url endpoint;
    if (auto ec = parse_endpoint(endpoint_url, endpoint)) return ec;
    return build(endpoint);
}

// Headers the SigV4 signer sets on every signing (and Host, which it adds when absent): kept in
// place between polls so that the signer overwrites them without allocating. A caller that signs
// with credentials without a session token erases x-amz-security-token first.
inline bool is_signing_header(std::string_view name) noexcept {
    using appconfigdata::detail::equals_short;
    using appconfigdata::detail::iequals;
    // The spellings the signer writes are compared first (a fixed-size compare, no call).
    switch (name.size()) {
    case 4: return equals_short(name, "Host") || iequals(name, "host");
    case 10: return equals_short(name, "X-Amz-Date") || iequals(name, "x-amz-date");
    case 13: return equals_short(name, "Authorization") || iequals(name, "authorization");
    case 20:
        return equals_short(name, "X-Amz-Security-Token") || iequals(name, "x-amz-security-token") || equals_short(name, "x-amz-content-sha256") ||
               iequals(name, "x-amz-content-sha256");
    default: return false;
    }
}

// Sets method, scheme, host and path (endpoint base path + `operation_path`) and clears the query
// and the body; removes every header but the signing headers (a kept Host gets the new host).
// Reuses the request's capacity.
inline void set_target(http::request& req, std::string_view method, const http::url& endpoint, std::string_view operation_path) {
    // Assigning an equal value costs a library call each; the next poll's target is the same.
    const auto set = [](std::string& s, std::string_view v) {
        if (!appconfigdata::detail::equals_short(s, v)) s.assign(v.data(), v.size());
    };
    set(req.method, method);
    set(req.scheme, endpoint.scheme);
    req.host.assign(endpoint.host);
    if (!endpoint.default_port()) {
        req.host.push_back(':');
        char digits[8];
        int n = 0;
        unsigned p = endpoint.port;
        do {
            digits[n++] = static_cast<char>('0' + p % 10);
            p /= 10;
        } while (p != 0);
        while (n > 0) req.host.push_back(digits[--n]);
    }
    std::string_view base = endpoint.path;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    req.path.assign(base.data(), base.size());
    req.path.append(operation_path.data(), operation_path.size());
    req.query.clear();
    req.body.clear();
    auto& f = req.headers.fields();
    f.erase(std::remove_if(f.begin(), f.end(), [](const http::header_field& h) { return !is_signing_header(h.name); }), f.end());
    for (auto& h : f)
        if (h.name.size() == 4 && (appconfigdata::detail::equals_short(h.name, "Host") || appconfigdata::detail::iequals(h.name, "host"))) h.value.assign(req.host);
}

} // namespace detail
} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
