// The pieces of an AWS Signature Version 4 canonical request, written into caller-owned buffers:
// canonical URI (optional RFC 3986 dot-segment removal and '//' merging, single or double
// percent-encoding), canonical query (decoded, re-encoded, sorted by name then value), canonical
// headers (lower-cased names, trimmed values with whitespace runs collapsed, duplicates joined with
// ',' in order) and the signing-key derivation. Shared by the signer and the verifier.
// Nothing here throws except std::bad_alloc from the buffers; nothing reads a clock.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace sigv4 {

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view scope_terminator = "aws4_request";
// Hex SHA-256 of the empty string: the payload hash of every request without a body.
inline constexpr std::string_view empty_payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

namespace detail {

constexpr appconfigdata::detail::byte_class_table make_tchar_table() noexcept {
    appconfigdata::detail::byte_class_table t{};
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        t.flag[c] = appconfigdata::detail::is_ascii_alnum(ch) || std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
    }
    return t;
}

// RFC 7230 token characters (header names, methods).
inline constexpr appconfigdata::detail::byte_class_table tchar_bytes = make_tchar_table();

constexpr bool is_tchar(char c) noexcept { return tchar_bytes[c]; }

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

// True when `s` has no byte below 0x20 and no DEL. A branch-free scan, so that compilers vectorize
// it: the signer checks every header value (a 400-byte session token among them) on every signature.
constexpr bool has_no_control_bytes(std::string_view s) noexcept {
    unsigned char bad = 0; // byte-wide, so that a vector register checks 16 or 32 bytes at a time
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        bad |= static_cast<unsigned char>((c < 0x20) | (c == 0x7f));
    }
    return bad == 0;
}

// A header value SigV4 can sign: visible ASCII, space, tab, bytes >= 0x80, and obs-fold line breaks
// ("\n" or "\r\n" followed by a space or tab, as the suite's multiline case has). No other control bytes.
constexpr bool is_valid_header_value(std::string_view v) noexcept {
    if (has_no_control_bytes(v)) return true; // the usual case; tabs and folds take the loop below
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) continue;
        if (c == '\r' && i + 1 < v.size() && v[i + 1] == '\n') ++i;
        else if (c != '\n') return false;
        if (i + 1 >= v.size() || (v[i + 1] != ' ' && v[i + 1] != '\t')) return false;
    }
    return true;
}

// Path or query text: no control bytes (a raw space or raw UTF-8 is accepted, as the suite's inputs have).
constexpr bool is_valid_target_text(std::string_view s) noexcept { return has_no_control_bytes(s); }

// A credential-scope element (region, service, date): non-empty, no '/', no whitespace or control bytes,
// no ',' (it would end the Credential parameter of the Authorization header).
constexpr bool is_scope_element(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f || c == '/' || c == ',') return false;
    }
    return true;
}

// Appends `name` lower-cased: one append, then an in-place pass (no byte-by-byte push_back).
inline void append_lowercase(std::string& out, std::string_view name) {
    out.append(name.data(), name.size());
    char* const last = &out[0] + out.size(); // taken once: stores through char* may alias the size
    for (char* p = last - name.size(); p != last; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        *p = static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0)); // branch-free ASCII lower
    }
}

constexpr bool is_header_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Headers never signed (hop-by-hop or rewritten by proxies), as botocore's SigV4 signer skips them,
// plus Authorization itself.
inline bool is_unsigned_header(std::string_view name) noexcept {
    using appconfigdata::detail::iequals;
    switch (name.size()) {
    case 2: return iequals(name, "te");
    case 6: return iequals(name, "expect");
    case 7: return iequals(name, "trailer") || iequals(name, "upgrade");
    case 10: return iequals(name, "connection") || iequals(name, "keep-alive") || iequals(name, "user-agent");
    case 13: return iequals(name, "authorization");
    case 15: return iequals(name, "x-amzn-trace-id");
    case 17: return iequals(name, "transfer-encoding");
    case 18: return iequals(name, "proxy-authenticate");
    case 19: return iequals(name, "proxy-authorization");
    default: return false;
    }
}

// Case-insensitive byte order of header names (the order of their lower-case forms).
inline int compare_lower(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(appconfigdata::detail::ascii_lower(a[i]));
        const auto y = static_cast<unsigned char>(appconfigdata::detail::ascii_lower(b[i]));
        if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

inline void append_encoded_byte(std::string& out, unsigned char b) {
    if (http::is_unreserved(static_cast<char>(b))) {
        out.push_back(static_cast<char>(b));
    } else {
        out.push_back('%');
        out.push_back(appconfigdata::detail::hex_upper_digits[b >> 4]);
        out.push_back(appconfigdata::detail::hex_upper_digits[b & 0x0f]);
    }
}

// True when in[i] starts "%XX" with upper-case hex XX of a byte that the encoder escapes: text that
// decoding and re-encoding gives back unchanged.
inline bool is_canonical_escape(std::string_view in, std::size_t i, const appconfigdata::detail::byte_class_table& keep) noexcept {
    if (in[i] != '%' || i + 2 >= in.size()) return false;
    const char h = in[i + 1], l = in[i + 2];
    const bool upper_hex = ((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')) && ((l >= '0' && l <= '9') || (l >= 'A' && l <= 'F'));
    return upper_hex && !keep[static_cast<char>((appconfigdata::detail::hex_value(h) << 4) | appconfigdata::detail::hex_value(l))];
}

// Decodes `in` ("%XX" -> byte; '+' stays '+'; a stray '%' is data) and encodes the result with the
// SigV4 unreserved set, in one pass; '/' is kept when keep_slash. Text that is already canonical
// (unreserved bytes and upper-case escapes of the other bytes, as a request built by this library
// has) is copied in runs, unchanged.
inline void append_reencoded(std::string& out, std::string_view in, bool keep_slash) {
    const auto& keep = keep_slash ? appconfigdata::detail::unreserved_or_slash_bytes : appconfigdata::detail::unreserved_bytes;
    std::size_t i = 0;
    std::size_t run = 0; // start of the canonical text not yet copied
    const std::size_t n = in.size();
    while (i < n) {
        if (keep[in[i]]) {
            ++i;
            continue;
        }
        if (is_canonical_escape(in, i, keep)) {
            i += 3;
            continue;
        }
        out.append(in.data() + run, i - run);
        auto b = static_cast<unsigned char>(in[i]);
        if (b == '%' && i + 2 < in.size()) {
            const int hi = appconfigdata::detail::hex_value(in[i + 1]);
            const int lo = appconfigdata::detail::hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                b = static_cast<unsigned char>((hi << 4) | lo);
                i += 2;
            }
        }
        if (b == '/' && keep_slash) out.push_back('/');
        else append_encoded_byte(out, b);
        run = ++i;
    }
    out.append(in.data() + run, n - run);
}

// RFC 3986 remove_dot_segments plus merging of repeated '/', as AWS normalises paths:
// "/a/./b/../c//d/" -> "/a/c/d/", "/example/.." -> "/", "//" -> "/".
inline void append_normalized_path(std::string& out, std::string_view path) {
    if (path.empty()) {
        out.push_back('/');
        return;
    }
    const std::size_t base = out.size();
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view seg = path.substr(pos, end - pos);
        if (seg == "..") {
            const auto slash = out.rfind('/');
            out.resize(slash == std::string::npos || slash < base ? base : slash);
        } else if (!seg.empty() && seg != ".") {
            out.push_back('/');
            out.append(seg.data(), seg.size());
        }
        pos = end + 1;
    }
    const bool had_segments = out.size() > base;
    if (path.back() == '/' && had_segments) out.push_back('/');
    if (path.front() == '/') {
        if (!had_segments) out.push_back('/');
    } else if (had_segments) {
        out.erase(base, 1); // relative input keeps no leading '/'
    }
}

struct query_param {
    std::uint32_t name_offset, name_size, value_offset, value_size;
};

} // namespace detail

// Reusable buffers for building canonical requests; one per signer/verifier (not thread-safe).
// After warm-up, building the canonical request of a similar request allocates nothing.
class canonicalizer {
public:
    // Appends the canonical URI of `path` (as sent, percent-encoded text) to `out`.
    // normalize: remove dot segments and merge '//'; double_encode: encode the text once more (every
    // service but S3); otherwise decode and encode once.
    void append_uri(std::string& out, std::string_view path, bool normalize, bool double_encode) {
        std::string_view p = path;
        if (normalize) {
            path_.clear();
            detail::append_normalized_path(path_, path);
            p = path_;
        }
        if (p.empty()) p = "/";
        if (double_encode) http::append_percent_encoded(out, p, http::encode_slash::no);
        else detail::append_reencoded(out, p, true);
    }

    // Appends the canonical query string of `query` (percent-encoded text, no '?') to `out`:
    // split on '&' (empty pieces skipped), name and value decoded and re-encoded, a piece without
    // '=' has an empty value, pairs sorted by encoded name then encoded value, joined with '&'.
    void append_query(std::string& out, std::string_view query) {
        params_.clear();
        query_.clear();
        std::size_t pos = 0;
        while (pos <= query.size()) {
            std::size_t end = query.find('&', pos);
            if (end == std::string_view::npos) end = query.size();
            const std::string_view piece = query.substr(pos, end - pos);
            pos = end + 1;
            if (piece.empty()) continue;
            const auto eq = piece.find('=');
            detail::query_param p{};
            p.name_offset = static_cast<std::uint32_t>(query_.size());
            detail::append_reencoded(query_, piece.substr(0, eq), false);
            p.name_size = static_cast<std::uint32_t>(query_.size() - p.name_offset);
            p.value_offset = static_cast<std::uint32_t>(query_.size());
            if (eq != std::string_view::npos) detail::append_reencoded(query_, piece.substr(eq + 1), false);
            p.value_size = static_cast<std::uint32_t>(query_.size() - p.value_offset);
            params_.push_back(p);
        }
        const std::string& buf = query_;
        std::sort(params_.begin(), params_.end(), [&buf](const detail::query_param& a, const detail::query_param& b) {
            const int c = buf.compare(a.name_offset, a.name_size, buf, b.name_offset, b.name_size);
            if (c != 0) return c < 0;
            return buf.compare(a.value_offset, a.value_size, buf, b.value_offset, b.value_size) < 0;
        });
        bool first = true;
        for (const auto& p : params_) {
            if (!first) out.push_back('&');
            first = false;
            out.append(query_, p.name_offset, p.name_size);
            out.push_back('=');
            out.append(query_, p.value_offset, p.value_size);
        }
    }

    // Selects every signable header of `h` (not in the unsigned set, not named `exclude`), ordered by
    // lower-case name, duplicates in their original order.
    void select_signable(const http::headers& h, std::string_view exclude = {}) {
        selected_.clear();
        const auto& f = h.fields();
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (detail::is_unsigned_header(f[i].name)) continue;
            if (!exclude.empty() && appconfigdata::detail::iequals(f[i].name, exclude)) continue;
            // insertion sort: stable, no allocation, header lists are short
            std::size_t j = selected_.size();
            selected_.push_back(i);
            while (j > 0 && detail::compare_lower(f[selected_[j - 1]].name, f[i].name) > 0) {
                selected_[j] = selected_[j - 1];
                --j;
            }
            selected_[j] = i;
        }
    }

    // Selects the headers named in `signed_headers` ("a;b;c"), in that order, each name's fields in
    // their original order. Returns false when a listed name is absent or the list is malformed.
    bool select_listed(const http::headers& h, std::string_view signed_headers) {
        selected_.clear();
        if (signed_headers.empty()) return false;
        const auto& f = h.fields();
        std::size_t pos = 0;
        while (pos <= signed_headers.size()) {
            std::size_t end = signed_headers.find(';', pos);
            if (end == std::string_view::npos) end = signed_headers.size();
            const std::string_view name = signed_headers.substr(pos, end - pos);
            pos = end + 1;
            if (name.empty()) return false;
            bool found = false;
            for (std::size_t i = 0; i < f.size(); ++i)
                if (appconfigdata::detail::iequals(f[i].name, name)) {
                    selected_.push_back(i);
                    found = true;
                }
            if (!found) return false;
        }
        return true;
    }

    // Appends "name:value\n" for each selected header name (values trimmed, whitespace runs collapsed,
    // duplicates joined with ',').
    void append_headers(std::string& out, const http::headers& h) const {
        const auto& f = h.fields();
        for (std::size_t k = 0; k < selected_.size(); ++k) {
            const auto& field = f[selected_[k]];
            const bool continues = k > 0 && appconfigdata::detail::iequals(f[selected_[k - 1]].name, field.name);
            if (continues) {
                out.push_back(',');
            } else {
                if (k > 0) out.push_back('\n');
                detail::append_lowercase(out, field.name);
                out.push_back(':');
            }
            append_trimmed(out, field.value);
        }
        if (!selected_.empty()) out.push_back('\n');
    }

    // Appends "name1;name2" (lower-case, each selected name once).
    void append_signed_headers(std::string& out, const http::headers& h) const {
        const auto& f = h.fields();
        for (std::size_t k = 0; k < selected_.size(); ++k) {
            const auto& name = f[selected_[k]].name;
            if (k > 0 && appconfigdata::detail::iequals(f[selected_[k - 1]].name, name)) continue;
            if (k > 0) out.push_back(';');
            detail::append_lowercase(out, name);
        }
    }

    std::size_t selected_count() const noexcept { return selected_.size(); }

private:
    static void append_trimmed(std::string& out, std::string_view v) {
        // Most values (dates, tokens) have no whitespace: a branch-free scan (vectorized) finds them.
        unsigned char space_or_control = 0;
        for (char c : v) space_or_control |= static_cast<unsigned char>(static_cast<unsigned char>(c) <= 0x20);
        if (space_or_control == 0) {
            out.append(v.data(), v.size());
            return;
        }
        bool pending_space = false;
        bool any = false;
        for (char c : v) {
            if (detail::is_header_space(c)) {
                pending_space = any;
                continue;
            }
            if (pending_space) out.push_back(' ');
            pending_space = false;
            any = true;
            out.push_back(c);
        }
    }

    std::string path_;
    std::string query_;
    std::vector<detail::query_param> params_;
    std::vector<std::size_t> selected_;
};

// Appends "date/region/service/aws4_request".
inline void append_scope(std::string& out, std::string_view date, std::string_view region, std::string_view service) {
    out.append(date.data(), date.size());
    out.push_back('/');
    out.append(region.data(), region.size());
    out.push_back('/');
    out.append(service.data(), service.size());
    out.push_back('/');
    out.append(scope_terminator.data(), scope_terminator.size());
}

// Appends the string to sign for `canonical_request` to `out`, hashing it with `crypto`.
template <class Crypto>
void append_string_to_sign(Crypto& crypto, std::string& out, std::string_view amz_date, std::string_view date, std::string_view region,
                           std::string_view service, std::string_view canonical_request) {
    crypto::digest d{};
    crypto.sha256(canonical_request, d);
    out.append(algorithm.data(), algorithm.size());
    out.push_back('\n');
    out.append(amz_date.data(), amz_date.size());
    out.push_back('\n');
    append_scope(out, date, region, service);
    out.push_back('\n');
    appconfigdata::detail::append_hex(out, d.data(), d.size());
}

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
// `scratch` holds "AWS4" + secret for a moment and is wiped before returning.
template <class Crypto>
void derive_signing_key(Crypto& crypto, std::string_view secret, std::string_view date, std::string_view region, std::string_view service,
                        crypto::digest& out, std::string& scratch) {
    scratch.assign("AWS4");
    scratch.append(secret.data(), secret.size());
    crypto::digest k{};
    crypto.hmac_sha256(crypto::byte_view(std::string_view(scratch)), date, k);
    volatile char* p = &scratch[0];
    for (std::size_t i = 0; i < scratch.size(); ++i) p[i] = 0;
    scratch.clear();
    crypto::digest k2{};
    crypto.hmac_sha256(k, region, k2);
    crypto.hmac_sha256(k2, service, k);
    crypto.hmac_sha256(k, scope_terminator, out);
}

// Compares two strings in time that depends only on their lengths.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
    return diff == 0;
}

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
