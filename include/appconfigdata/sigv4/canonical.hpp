// The pieces of an AWS Signature Version 4 canonical request, written into caller-owned buffers:
// canonical URI (optional RFC 3986 dot-segment removal and '//' merging, single or double
// percent-encoding), canonical query (decoded, re-encoded, sorted by name then value), canonical
// headers (lower-cased names, trimmed values with whitespace runs collapsed, duplicates joined with
// ',' in order) and the signing-key derivation. Shared by the signer and the verifier.
// Nothing here throws except std::bad_alloc from the buffers; nothing reads a clock.
#pragma once

#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

// True when `s` has no byte below 0x20 and no DEL. The signer checks every header value (a 400-byte
// session token among them) on every signature, so the scan goes 16 bytes at a time.
inline bool has_no_control_bytes(std::string_view s) noexcept {
    return appconfigdata::detail::find_control_byte(s.data(), s.size()) == s.size();
}

// A header value SigV4 can sign: visible ASCII, space, tab, bytes >= 0x80, and obs-fold line breaks
// ("\n" or "\r\n" followed by a space or tab, as the suite's multiline case has). No other control bytes.
inline bool is_valid_header_value(std::string_view v) noexcept {
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
inline bool is_valid_target_text(std::string_view s) noexcept { return has_no_control_bytes(s); }

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

// Writes `name` lower-cased at `p` (room for name.size() bytes): one copy, then a branch-free pass.
inline char* write_lowercase(char* p, std::string_view name) noexcept {
    std::memcpy(p, name.data(), name.size());
    char* const last = p + name.size();
    for (; p != last; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        *p = static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0)); // branch-free ASCII lower
    }
    return last;
}

// Copies the n bytes (W <= n <= 2*W) at `src` to `p` as two fixed-size moves of W bytes that overlap
// in the middle: a head and a tail, both read before either is written.
template <std::size_t W>
inline void copy_head_tail(char* p, const char* src, std::size_t n) noexcept {
    char head[W], tail[W];
    std::memcpy(head, src, W);
    std::memcpy(tail, src + n - W, W);
    std::memcpy(p, head, W);
    std::memcpy(p + n - W, tail, W);
}

// Copies `s` to `p` and returns the end. A signature is assembled from some thirty pieces, most of
// them a few bytes long: those are copied with fixed-size moves (two overlapping ones), without a
// call into the C library; only long pieces go to memcpy.
inline char* write_text(char* p, std::string_view s) noexcept {
    const std::size_t n = s.size();
    const char* src = s.data();
    if (n > 32) std::memcpy(p, src, n);
    else if (n >= 16) copy_head_tail<16>(p, src, n);
    else if (n >= 8) copy_head_tail<8>(p, src, n);
    else if (n >= 4) copy_head_tail<4>(p, src, n);
    else
        for (std::size_t i = 0; i < n; ++i) p[i] = src[i];
    return p + n;
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

inline char* write_encoded_byte(char* p, unsigned char b) noexcept {
    if (!http::is_unreserved(static_cast<char>(b))) return http::write_escape(p, b);
    *p = static_cast<char>(b);
    return p + 1;
}

constexpr std::array<std::uint8_t, 256> make_upper_hex_table() noexcept {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[static_cast<std::size_t>(c)] = c >= '0' && c <= '9' ? static_cast<std::uint8_t>(c - '0')
                                         : c >= 'A' && c <= 'F' ? static_cast<std::uint8_t>(c - 'A' + 10)
                                                                : std::uint8_t{0x10};
    return t;
}

// Value of an upper-case hex digit; 0x10 for every other byte.
inline constexpr std::array<std::uint8_t, 256> upper_hex_value = make_upper_hex_table();

// Non-zero unless the '%' at in[i] starts "%XX" with upper-case hex XX of a byte that the encoder
// escapes. Computed without a branch on the digits, so that a run of escapes costs no mispredictions.
inline unsigned escape_fault(std::string_view in, std::size_t i, const appconfigdata::detail::byte_class_table& keep) noexcept {
    if (i + 2 >= in.size()) return 1;
    const unsigned h = upper_hex_value[static_cast<unsigned char>(in[i + 1])];
    const unsigned l = upper_hex_value[static_cast<unsigned char>(in[i + 2])];
    return ((h | l) & 0x10u) | static_cast<unsigned>(keep[static_cast<char>(((h << 4) | l) & 0xffu)]);
}

// True when in[i] starts "%XX" with upper-case hex XX of a byte that the encoder escapes: text that
// decoding and re-encoding gives back unchanged.
inline bool is_canonical_escape(std::string_view in, std::size_t i, const appconfigdata::detail::byte_class_table& keep) noexcept {
    return in[i] == '%' && escape_fault(in, i, keep) == 0;
}

// True when `in` is already canonical: every byte unreserved (or '/', with keep_slash) and every '%'
// the start of an upper-case escape of a byte that is escaped. With SSE2 one pass classifies 16 bytes
// at a time and looks only at the '%' signs.
inline bool is_canonical_encoded(std::string_view in, bool keep_slash) noexcept {
    const unsigned extra = keep_slash ? appconfigdata::detail::extra_slash : appconfigdata::detail::extra_none;
    const auto& keep = keep_slash ? appconfigdata::detail::unreserved_or_slash_bytes : appconfigdata::detail::unreserved_bytes;
    std::size_t i = 0;
    const std::size_t n = in.size();
#if APPCONFIGDATA_HAVE_SSE2
    for (; i + 16 <= n; i += 16) {
        const char* block = in.data() + i;
        unsigned percent = appconfigdata::detail::simd::byte_mask(block, '%');
        if (((appconfigdata::detail::simd::unreserved_mask(block, extra) | percent) & 0xffffu) != 0xffffu) return false;
        unsigned bad = 0; // collected without a branch per escape
        for (; percent != 0; percent &= percent - 1) bad |= escape_fault(in, i + appconfigdata::detail::simd::lowest_bit(percent), keep);
        if (bad != 0) return false;
    }
#endif
    while (i < n) {
        i += appconfigdata::detail::find_not_unreserved(in.data() + i, n - i, extra);
        if (i == n) break;
        if (!is_canonical_escape(in, i, keep)) return false;
        i += 3;
    }
    return true;
}

// True when `query` is one "name=value" parameter that is already canonical (as every AppConfig
// request has): its canonical query string is the text itself, and it has no control bytes.
inline bool is_canonical_query(std::string_view query) noexcept {
    const auto eq = query.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view name = query.substr(0, eq);
    return !name.empty() && is_canonical_encoded(name, false) && is_canonical_encoded(query.substr(eq + 1), false);
}

// Decodes `in` ("%XX" -> byte; '+' stays '+'; a stray '%' is data) and encodes the result with the
// SigV4 unreserved set, in one pass, writing at `p` (room for 3 * in.size() bytes); '/' is kept when
// keep_slash. Text that is already canonical (unreserved bytes and upper-case escapes of the other
// bytes, as a request built by this library has) is copied in runs, found 16 bytes at a time.
inline char* write_reencoded(char* p, std::string_view in, bool keep_slash) noexcept {
    if (is_canonical_encoded(in, keep_slash)) return write_text(p, in);
    const unsigned extra = keep_slash ? appconfigdata::detail::extra_slash : appconfigdata::detail::extra_none;
    const auto& keep = keep_slash ? appconfigdata::detail::unreserved_or_slash_bytes : appconfigdata::detail::unreserved_bytes;
    std::size_t i = 0;
    std::size_t run = 0; // start of the canonical text not yet copied
    const std::size_t n = in.size();
    while (i < n) {
        i += appconfigdata::detail::find_not_unreserved(in.data() + i, n - i, extra);
        if (i == n) break;
        if (is_canonical_escape(in, i, keep)) {
            i += 3;
            continue;
        }
        p = write_text(p, in.substr(run, i - run));
        auto b = static_cast<unsigned char>(in[i]);
        if (b == '%' && i + 2 < n) {
            const int hi = appconfigdata::detail::hex_value(in[i + 1]);
            const int lo = appconfigdata::detail::hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                b = static_cast<unsigned char>((hi << 4) | lo);
                i += 2;
            }
        }
        if (b == '/' && keep_slash) *p++ = '/';
        else p = write_encoded_byte(p, b);
        run = ++i;
    }
    return write_text(p, in.substr(run));
}

// True when normalising `path` changes nothing: it starts with '/', has no '.' and no "//".
inline bool is_normal_path(std::string_view path) noexcept {
    return !path.empty() && path.front() == '/' && path.find('.') == std::string_view::npos && path.find("//") == std::string_view::npos;
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
// Each piece comes in two forms: write_*(p, ...) writes at `p` (room for *_bound(...) bytes) and
// returns the end, for the signer, which sizes one buffer once; append_*(out, ...) appends to a string.
class canonicalizer {
public:
    static std::size_t uri_bound(std::string_view path) noexcept { return 3 * (path.size() + 2); }

    // Writes the canonical URI of `path` (as sent, percent-encoded text).
    // normalize: remove dot segments and merge '//'; double_encode: encode the text once more (every
    // service but S3); otherwise decode and encode once.
    char* write_uri(char* p, std::string_view path, bool normalize, bool double_encode) {
        std::string_view in = path;
        if (normalize && !detail::is_normal_path(path)) {
            path_.clear();
            detail::append_normalized_path(path_, path);
            in = path_;
        }
        if (in.empty()) in = "/";
        if (double_encode) return http::write_percent_encoded(p, in, appconfigdata::detail::extra_slash);
        return detail::write_reencoded(p, in, true);
    }

    void append_uri(std::string& out, std::string_view path, bool normalize, bool double_encode) {
        append_with(out, uri_bound(path), [&](char* p) { return write_uri(p, path, normalize, double_encode); });
    }

    // Every piece gains at most one '=' and one '&'; each byte becomes at most three.
    static std::size_t query_bound(std::string_view query) noexcept { return 5 * query.size() + 1; }

    // Writes the canonical query string of `query` (percent-encoded text, no '?'):
    // split on '&' (empty pieces skipped), name and value decoded and re-encoded, a piece without
    // '=' has an empty value, pairs sorted by encoded name then encoded value, joined with '&'.
    char* write_query(char* p, std::string_view query) {
        if (query.find('&') == std::string_view::npos) { // one parameter (every AppConfig request): nothing to sort
            if (query.empty()) return p;
            const auto eq = query.find('=');
            p = detail::write_reencoded(p, query.substr(0, eq), false);
            *p++ = '=';
            return eq == std::string_view::npos ? p : detail::write_reencoded(p, query.substr(eq + 1), false);
        }
        params_.clear();
        query_.resize(3 * query.size());
        char* const base = &query_[0];
        char* q = base;
        const auto offset = [base](const char* at) { return static_cast<std::uint32_t>(at - base); };
        appconfigdata::detail::for_each_piece(query, '&', [&](std::string_view piece) {
            if (piece.empty()) return true;
            const auto eq = piece.find('=');
            detail::query_param qp{};
            qp.name_offset = offset(q);
            q = detail::write_reencoded(q, piece.substr(0, eq), false);
            qp.name_size = offset(q) - qp.name_offset;
            qp.value_offset = offset(q);
            if (eq != std::string_view::npos) q = detail::write_reencoded(q, piece.substr(eq + 1), false);
            qp.value_size = offset(q) - qp.value_offset;
            params_.push_back(qp);
            return true;
        });
        const std::string_view buf(base, static_cast<std::size_t>(q - base));
        std::sort(params_.begin(), params_.end(), [buf](const detail::query_param& a, const detail::query_param& b) {
            const int c = buf.substr(a.name_offset, a.name_size).compare(buf.substr(b.name_offset, b.name_size));
            if (c != 0) return c < 0;
            return buf.substr(a.value_offset, a.value_size) < buf.substr(b.value_offset, b.value_size);
        });
        bool first = true;
        for (const auto& qp : params_) {
            if (!first) *p++ = '&';
            first = false;
            p = detail::write_text(p, buf.substr(qp.name_offset, qp.name_size));
            *p++ = '=';
            p = detail::write_text(p, buf.substr(qp.value_offset, qp.value_size));
        }
        return p;
    }

    void append_query(std::string& out, std::string_view query) {
        append_with(out, query_bound(query), [&](char* p) { return write_query(p, query); });
    }

    // Selects every signable header of `h` (not in the unsigned set, not named `exclude`), ordered by
    // lower-case name, duplicates in their original order. The selection holds for every header list
    // with the same names in the same order (values may differ).
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
        prepare(h);
    }

    // Selects the headers named in `signed_headers` ("a;b;c"), in that order, each name's fields in
    // their original order. Returns false when a listed name is absent or the list is malformed.
    bool select_listed(const http::headers& h, std::string_view signed_headers) {
        selected_.clear();
        if (signed_headers.empty()) return false;
        const auto& f = h.fields();
        const bool all_found = appconfigdata::detail::for_each_piece(signed_headers, ';', [&](std::string_view name) {
            bool found = false;
            for (std::size_t i = 0; i < f.size() && !name.empty(); ++i)
                if (appconfigdata::detail::iequals(f[i].name, name)) {
                    selected_.push_back(i);
                    found = true;
                }
            return found;
        });
        if (!all_found) return false;
        prepare(h);
        return true;
    }

    // Room for the canonical headers of the selection.
    std::size_t headers_bound(const http::headers& h) const noexcept {
        std::size_t n = prefixes_.size() + 1;
        for (std::size_t i : selected_) n += h.fields()[i].value.size();
        return n;
    }

    static constexpr std::size_t no_field = static_cast<std::size_t>(-1);

    // Writes "name:value\n" for each selected header name (values trimmed, whitespace runs collapsed,
    // duplicates joined with ','). `h` has the names it had when selected. The values of fields
    // `plain_a` and `plain_b` are known to hold no whitespace or control byte and are copied unscanned.
    char* write_headers(char* p, const http::headers& h, std::size_t plain_a = no_field, std::size_t plain_b = no_field) const noexcept {
        const auto& f = h.fields();
        std::size_t from = 0;
        for (std::size_t k = 0; k < selected_.size(); ++k) {
            p = detail::write_text(p, std::string_view(prefixes_).substr(from, prefix_ends_[k] - from));
            from = prefix_ends_[k];
            const std::size_t i = selected_[k];
            p = i == plain_a || i == plain_b ? detail::write_text(p, f[i].value) : write_trimmed(p, f[i].value);
        }
        if (!selected_.empty()) *p++ = '\n';
        return p;
    }

    void append_headers(std::string& out, const http::headers& h) const {
        append_with(out, headers_bound(h), [&](char* p) { return write_headers(p, h); });
    }

    // "name1;name2": the selected names, lower-case, each once.
    std::string_view signed_headers() const noexcept { return signed_; }

    std::size_t selected_count() const noexcept { return selected_.size(); }

private:
    // Lower-cases the selected names once: the signed-header list, and for each selected field the
    // text that goes before its value ("\nname:", or ',' when it repeats the previous name; selected
    // names are sorted, so equal neighbours are the only duplicates).
    void prepare(const http::headers& h) {
        const auto& f = h.fields();
        signed_.clear();
        prefixes_.clear();
        prefix_ends_.clear();
        for (std::size_t k = 0; k < selected_.size(); ++k) {
            const std::string& name = f[selected_[k]].name;
            if (k > 0 && appconfigdata::detail::iequals(f[selected_[k - 1]].name, name)) {
                prefixes_.push_back(',');
            } else {
                if (k > 0) {
                    prefixes_.push_back('\n');
                    signed_.push_back(';');
                }
                const std::size_t at = prefixes_.size();
                prefixes_.append(name);
                detail::write_lowercase(&prefixes_[at], name);
                prefixes_.push_back(':');
                signed_.append(prefixes_, at, name.size());
            }
            prefix_ends_.push_back(prefixes_.size());
        }
    }

    // Appends to `out` through a writer given room for `bound` bytes.
    template <class Write>
    static void append_with(std::string& out, std::size_t bound, Write write) {
        const std::size_t start = out.size();
        out.resize(start + bound);
        char* const first = &out[0];
        char* const end = write(first + start);
        out.resize(static_cast<std::size_t>(end - first));
    }

    static char* write_trimmed(char* p, std::string_view v) noexcept {
        // Most values (dates, tokens) have no whitespace: a 16-bytes-at-a-time scan finds them.
        if (appconfigdata::detail::find_control_byte(v.data(), v.size(), true) == v.size()) return detail::write_text(p, v);
        bool pending_space = false;
        bool any = false;
        for (char c : v) {
            if (detail::is_header_space(c)) {
                pending_space = any;
                continue;
            }
            if (pending_space) *p++ = ' ';
            pending_space = false;
            any = true;
            *p++ = c;
        }
        return p;
    }

    std::string path_;
    std::string query_;
    std::vector<detail::query_param> params_;
    std::vector<std::size_t> selected_;
    std::vector<std::size_t> prefix_ends_; // end of each selected field's prefix in prefixes_
    std::string prefixes_, signed_;
};

inline std::size_t scope_size(std::string_view date, std::string_view region, std::string_view service) noexcept {
    return date.size() + region.size() + service.size() + 3 + scope_terminator.size();
}

// Writes "date/region/service/aws4_request" at `p` (room for scope_size(...) bytes).
inline char* write_scope(char* p, std::string_view date, std::string_view region, std::string_view service) noexcept {
    p = detail::write_text(p, date);
    *p++ = '/';
    p = detail::write_text(p, region);
    *p++ = '/';
    p = detail::write_text(p, service);
    *p++ = '/';
    return detail::write_text(p, scope_terminator);
}

// Appends "date/region/service/aws4_request".
inline void append_scope(std::string& out, std::string_view date, std::string_view region, std::string_view service) {
    const std::size_t start = out.size();
    out.resize(start + scope_size(date, region, service));
    write_scope(&out[start], date, region, service);
}

inline std::size_t string_to_sign_size(std::string_view amz_date, std::string_view date, std::string_view region,
                                       std::string_view service) noexcept {
    return algorithm.size() + 1 + amz_date.size() + 1 + scope_size(date, region, service) + 1 + 2 * crypto::digest_size;
}

// Writes the string to sign of a canonical request whose SHA-256 is `hash` at `p` (room for
// string_to_sign_size(...) bytes).
inline char* write_string_to_sign(char* p, std::string_view amz_date, std::string_view date, std::string_view region,
                                  std::string_view service, const crypto::digest& hash) noexcept {
    p = detail::write_text(p, algorithm);
    *p++ = '\n';
    p = detail::write_text(p, amz_date);
    *p++ = '\n';
    p = write_scope(p, date, region, service);
    *p++ = '\n';
    return appconfigdata::detail::write_hex(p, hash.data(), hash.size());
}

// Appends the string to sign for `canonical_request` to `out`, hashing it with `crypto`.
template <class Crypto>
void append_string_to_sign(Crypto& crypto, std::string& out, std::string_view amz_date, std::string_view date, std::string_view region,
                           std::string_view service, std::string_view canonical_request) {
    crypto::digest d{};
    crypto.sha256(canonical_request, d);
    const std::size_t start = out.size();
    out.resize(start + string_to_sign_size(amz_date, date, region, service));
    write_string_to_sign(&out[start], amz_date, date, region, service, d);
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
