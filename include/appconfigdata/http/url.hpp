// A minimal absolute-URL splitter for http(s) URLs: scheme, host, port, path and raw query.
// It does not decode anything: path and query stay exactly as written (percent-encoded text).
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

struct url {
    std::string scheme;    // "https" or "http", lower-case
    std::string host;      // lower-case; IPv6 literals keep their brackets: "[::1]"
    std::uint16_t port = 0; // 0 when the URL has none (the scheme's default applies)
    std::string path;      // starts with '/', "/" when the URL has none
    std::string query;     // without the '?', as written

    std::uint16_t effective_port() const noexcept { return port != 0 ? port : (scheme == "http" ? 80 : 443); }
    bool default_port() const noexcept { return port == 0 || port == (scheme == "http" ? 80 : 443); }

    // host[:port] as it belongs in a Host header (the port only when it is not the default).
    std::string authority() const {
        std::string out = host;
        if (!default_port()) {
            out += ':';
            out += std::to_string(port);
        }
        return out;
    }

    std::string to_string() const {
        std::string out = scheme + "://" + authority() + path;
        if (!query.empty()) out += "?" + query;
        return out;
    }

    friend bool operator==(const url& a, const url& b) {
        return a.scheme == b.scheme && a.host == b.host && a.port == b.port && a.path == b.path && a.query == b.query;
    }
    friend std::ostream& operator<<(std::ostream& os, const url& u) { return os << u.to_string(); }
};

// Splits `text` into `out`. Returns errc::invalid_url for anything but http(s)://host[:port][/path][?query]
// (no user-info, no fragment, no spaces or control characters, port 1..65535).
inline std::error_code parse_url(std::string_view text, url& out) {
    out = url{};
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return errc::invalid_url;
    out.scheme = detail::to_lower(text.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https") return errc::invalid_url;
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return errc::invalid_url;
    std::string_view rest = text.substr(sep + 3);
    if (rest.find('#') != std::string_view::npos) return errc::invalid_url;
    const auto authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return errc::invalid_url;

    std::string_view host = authority;
    std::string_view port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return errc::invalid_url;
        host = authority.substr(0, close + 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return errc::invalid_url;
            port = after.substr(1);
            if (port.empty()) return errc::invalid_url;
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) return errc::invalid_url;
    }
    if (host.empty() || host == "[]") return errc::invalid_url;
    for (char c : host)
        if (!(detail::is_ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':' || c == '%'))
            return errc::invalid_url;
    out.host = detail::to_lower(host);
    if (!port.empty()) {
        unsigned p = 0;
        if (!detail::parse_unsigned(port, p) || p == 0 || p > 65535) return errc::invalid_url;
        out.port = static_cast<std::uint16_t>(p);
    }
    const auto q = rest.find('?');
    out.path = std::string(rest.substr(0, q));
    if (out.path.empty()) out.path = "/";
    if (out.path.front() != '/') return errc::invalid_url;
    if (q != std::string_view::npos) out.query = std::string(rest.substr(q + 1));
    return {};
}

} // namespace http
APPCONFIGDATA_NAMESPACE_END
