// The SigV4 Authorization header value, taken apart:
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>".
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/sigv4/canonical.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace sigv4 {

struct authorization_parts {
    std::string access_key_id, date, region, service, signed_headers, signature;

    friend bool operator==(const authorization_parts& a, const authorization_parts& b) {
        return a.access_key_id == b.access_key_id && a.date == b.date && a.region == b.region && a.service == b.service &&
               a.signed_headers == b.signed_headers && a.signature == b.signature;
    }
    friend bool operator!=(const authorization_parts& a, const authorization_parts& b) { return !(a == b); }
    // Everything here is public on the wire (the signature is single-use), so all of it prints.
    friend std::ostream& operator<<(std::ostream& os, const authorization_parts& p) {
        return os << "authorization{access_key_id=" << p.access_key_id << ", scope=" << p.date << "/" << p.region << "/" << p.service
                  << ", signed_headers=" << p.signed_headers << ", signature=" << p.signature << "}";
    }
};

// Parses an Authorization header value into `out`. Returns errc::invalid_signature when it is not a
// well-formed AWS4-HMAC-SHA256 authorization (wrong algorithm, missing or repeated Credential /
// SignedHeaders / Signature, a scope that is not date/region/service/aws4_request, a signature that
// is not 64 lower-case hex digits). Never throws (except std::bad_alloc).
inline std::error_code parse_authorization(std::string_view header_value, authorization_parts& out) {
    out = authorization_parts{};
    std::string_view v = appconfigdata::detail::trim(header_value);
    if (v.size() <= algorithm.size() || v.substr(0, algorithm.size()) != algorithm || v[algorithm.size()] != ' ')
        return errc::invalid_signature;
    v.remove_prefix(algorithm.size());
    bool have_credential = false, have_signed = false, have_signature = false;
    while (!v.empty()) {
        const auto comma = v.find(',');
        const std::string_view item = appconfigdata::detail::trim(v.substr(0, comma));
        v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) return errc::invalid_signature;
        const std::string_view key = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (key == "Credential" && !have_credential) {
            have_credential = true;
            // access key id / date / region / service / aws4_request, taken from the right
            std::string_view rest = value;
            std::string_view parts[4];
            for (int i = 3; i >= 0; --i) {
                const auto slash = rest.rfind('/');
                if (slash == std::string_view::npos) return errc::invalid_signature;
                parts[i] = rest.substr(slash + 1);
                rest = rest.substr(0, slash);
            }
            if (rest.empty() || parts[3] != scope_terminator || parts[0].size() != 8 || parts[1].empty() || parts[2].empty())
                return errc::invalid_signature;
            for (char c : parts[0])
                if (!appconfigdata::detail::is_ascii_digit(c)) return errc::invalid_signature;
            out.access_key_id.assign(rest.data(), rest.size());
            out.date.assign(parts[0].data(), parts[0].size());
            out.region.assign(parts[1].data(), parts[1].size());
            out.service.assign(parts[2].data(), parts[2].size());
        } else if (key == "SignedHeaders" && !have_signed) {
            have_signed = true;
            if (value.empty()) return errc::invalid_signature;
            for (char c : value)
                if (!(c == ';' || (detail::is_tchar(c) && !(c >= 'A' && c <= 'Z')))) return errc::invalid_signature;
            out.signed_headers.assign(value.data(), value.size());
        } else if (key == "Signature" && !have_signature) {
            have_signature = true;
            if (value.size() != 64) return errc::invalid_signature;
            for (char c : value)
                if (appconfigdata::detail::hex_value(c) < 0 || (c >= 'A' && c <= 'F')) return errc::invalid_signature;
            out.signature.assign(value.data(), value.size());
        } else {
            return errc::invalid_signature;
        }
    }
    if (!have_credential || !have_signed || !have_signature) return errc::invalid_signature;
    return {};
}

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
