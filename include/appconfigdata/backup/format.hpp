// The on-disk form of a backup record, and its integrity checks. Pure: bytes in, bytes out; the
// file I/O is in adapters/file_backup_store.hpp.
//
// Layout (text header, then the content as raw bytes, then a checksum trailer):
//
//   appconfigdata-backup 1\n
//   application: <percent-encoded>\n
//   environment: <percent-encoded>\n
//   configuration-profile: <percent-encoded>\n
//   scope: <percent-encoded>\n
//   content-type: <percent-encoded>\n
//   version-label: <percent-encoded>\n
//   saved-at: 2026-11-26T07:00:00.123Z\n
//   content-length: <decimal>\n
//   \n
//   <content-length bytes of content>
//   \nsha256: <64 lower-case hex digits>\n
//
// The SHA-256 covers every byte before the trailer (header and content), so a flipped bit, a
// cut file or an edited header is caught. Errors on decode, each with a message in diagnostics:
//   errc::backup_truncated  the bytes end early (an empty file included);
//   errc::backup_corrupt    not a backup, unknown version, bad header, checksum mismatch, extra bytes;
//   errc::limit_exceeded    larger than the limits allow;
//   errc::backup_foreign    (check_identity) a valid backup of another configuration.
#pragma once

#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace backup {

// Bounds on a backup, on save and on load.
struct backup_limits {
    std::size_t max_content = default_limits.max_configuration; // bytes of content
    std::size_t max_field = 4096;                               // bytes of one header value (decoded)
    std::size_t max_header = 64u * 1024u;                       // bytes of the whole header
};

inline constexpr std::string_view format_magic = "appconfigdata-backup";
inline constexpr std::string_view format_version = "1";

namespace detail {

inline constexpr std::string_view trailer_prefix = "\nsha256: ";
inline constexpr std::size_t trailer_size = 9 + 64 + 1; // prefix, hex digest, '\n'

inline void put_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    http::append_percent_encoded(out, value);
    out.push_back('\n');
}

// "2026-11-26T07:00:00.123Z": ISO-8601 with milliseconds.
inline std::string format_saved_at(time_point tp) {
    const auto whole = std::chrono::floor<std::chrono::seconds>(tp);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp - whole).count();
    std::string s = http::format_iso8601(whole);
    s.pop_back(); // 'Z'
    s.push_back('.');
    s.push_back(static_cast<char>('0' + (ms / 100) % 10));
    s.push_back(static_cast<char>('0' + (ms / 10) % 10));
    s.push_back(static_cast<char>('0' + ms % 10));
    s.push_back('Z');
    return s;
}

inline std::error_code fail(diagnostics& diag, errc code, std::string message) {
    diag.message = std::move(message);
    return code;
}

} // namespace detail

// Writes the file form of `r` into `out` (replacing its contents). Returns {} or
// errc::limit_exceeded (content or a header field too large; `out` untouched). The saved_at time
// is kept to the millisecond. Throws only std::bad_alloc.
template <class Crypto>
std::error_code encode(const record& r, Crypto& crypto, std::string& out, diagnostics& diag, const backup_limits& limits = {}) {
    static_assert(crypto::check_provider<Crypto>());
    diag.clear();
    if (r.content.size() > limits.max_content)
        return detail::fail(diag, errc::limit_exceeded,
                            "configuration is " + std::to_string(r.content.size()) + " bytes, over the backup limit of " +
                                std::to_string(limits.max_content));
    const std::string_view fields[] = {r.identity.application, r.identity.environment, r.identity.configuration_profile,
                                       r.identity.scope, r.content_type, r.version_label};
    for (std::string_view f : fields)
        if (f.size() > limits.max_field)
            return detail::fail(diag, errc::limit_exceeded, "a backup header field is over the limit of " + std::to_string(limits.max_field) + " bytes");

    std::string text;
    text.reserve(256 + r.content.size() + detail::trailer_size);
    text.append(format_magic);
    text.push_back(' ');
    text.append(format_version);
    text.push_back('\n');
    detail::put_field(text, "application", r.identity.application);
    detail::put_field(text, "environment", r.identity.environment);
    detail::put_field(text, "configuration-profile", r.identity.configuration_profile);
    detail::put_field(text, "scope", r.identity.scope);
    detail::put_field(text, "content-type", r.content_type);
    detail::put_field(text, "version-label", r.version_label);
    text.append("saved-at: ").append(detail::format_saved_at(r.saved_at)).push_back('\n');
    text.append("content-length: ").append(std::to_string(r.content.size())).push_back('\n');
    text.push_back('\n');
    if (text.size() > limits.max_header)
        return detail::fail(diag, errc::limit_exceeded, "backup header is over the limit of " + std::to_string(limits.max_header) + " bytes");
    text.append(r.content);
    crypto::digest sum{};
    crypto.sha256(text, sum);
    text.append(detail::trailer_prefix);
    appconfigdata::detail::append_hex(text, sum.data(), sum.size());
    text.push_back('\n');
    out = std::move(text);
    return {};
}

// Reads the file form in `bytes` into `out`. Returns {} or one of the errors listed at the top of
// this file, with diag.message saying what was wrong (never the content); `out` is untouched on
// error. Does not check the identity: see check_identity. Never throws except std::bad_alloc.
template <class Crypto>
std::error_code decode(std::string_view bytes, Crypto& crypto, record& out, diagnostics& diag, const backup_limits& limits = {}) {
    static_assert(crypto::check_provider<Crypto>());
    diag.clear();
    using appconfigdata::detail::trim;
    if (bytes.empty()) return detail::fail(diag, errc::backup_truncated, "backup file is empty");
    if (bytes.size() > limits.max_header + limits.max_content + detail::trailer_size)
        return detail::fail(diag, errc::limit_exceeded, "backup file is " + std::to_string(bytes.size()) + " bytes, over the limit");

    // Magic line.
    std::string magic_line(format_magic);
    magic_line.push_back(' ');
    if (bytes.size() < magic_line.size()) {
        if (magic_line.compare(0, bytes.size(), bytes.data(), bytes.size()) == 0)
            return detail::fail(diag, errc::backup_truncated, "backup file ends inside its first line");
        return detail::fail(diag, errc::backup_corrupt, "not an appconfigdata backup file");
    }
    if (bytes.substr(0, magic_line.size()) != magic_line) return detail::fail(diag, errc::backup_corrupt, "not an appconfigdata backup file");

    // Header lines up to the empty line.
    std::size_t pos = 0;
    std::size_t header_end = std::string_view::npos;
    bool first = true;
    record r;
    bool seen_length = false, seen_saved = false, seen_app = false, seen_env = false, seen_profile = false;
    std::size_t content_length = 0;
    while (true) {
        const std::size_t eol = bytes.find('\n', pos);
        if (eol == std::string_view::npos) {
            if (bytes.size() - pos > limits.max_header)
                return detail::fail(diag, errc::backup_corrupt, "backup header is over the limit of " + std::to_string(limits.max_header) + " bytes");
            return detail::fail(diag, errc::backup_truncated, "backup file ends inside its header");
        }
        if (eol > limits.max_header)
            return detail::fail(diag, errc::backup_corrupt, "backup header is over the limit of " + std::to_string(limits.max_header) + " bytes");
        const std::string_view line = bytes.substr(pos, eol - pos);
        pos = eol + 1;
        if (first) {
            first = false;
            if (line.substr(magic_line.size()) != format_version)
                return detail::fail(diag, errc::backup_corrupt, "unsupported backup format version '" + std::string(trim(line.substr(magic_line.size(), 16))) + "'");
            continue;
        }
        if (line.empty()) {
            header_end = pos;
            break;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return detail::fail(diag, errc::backup_corrupt, "backup header has a line without ':'");
        const std::string_view name = line.substr(0, colon);
        const std::string_view raw = trim(line.substr(colon + 1));
        if (raw.size() > 3 * limits.max_field)
            return detail::fail(diag, errc::backup_corrupt, "backup header field '" + std::string(name.substr(0, 64)) + "' is too long");
        auto text_field = [&](std::string& field, bool& seen) {
            field.clear();
            http::append_percent_decoded(field, raw);
            seen = true;
        };
        bool ignored = false;
        if (name == "application") text_field(r.identity.application, seen_app);
        else if (name == "environment") text_field(r.identity.environment, seen_env);
        else if (name == "configuration-profile") text_field(r.identity.configuration_profile, seen_profile);
        else if (name == "scope") text_field(r.identity.scope, ignored);
        else if (name == "content-type") text_field(r.content_type, ignored);
        else if (name == "version-label") text_field(r.version_label, ignored);
        else if (name == "saved-at") {
            if (http::parse_iso8601(raw, r.saved_at)) return detail::fail(diag, errc::backup_corrupt, "backup header has an invalid saved-at time");
            r.saved_at = std::chrono::floor<std::chrono::milliseconds>(r.saved_at); // kept to the millisecond, as encode writes it
            seen_saved = true;
        } else if (name == "content-length") {
            if (!appconfigdata::detail::parse_unsigned(raw, content_length))
                return detail::fail(diag, errc::backup_corrupt, "backup header has an invalid content-length");
            seen_length = true;
        }
        // Unknown fields are skipped (covered by the checksum): newer writers may add some.
    }
    if (!seen_length || !seen_saved || !seen_app || !seen_env || !seen_profile)
        return detail::fail(diag, errc::backup_corrupt, "backup header lacks a required field");
    if (content_length > limits.max_content)
        return detail::fail(diag, errc::limit_exceeded,
                            "backup content is " + std::to_string(content_length) + " bytes, over the limit of " + std::to_string(limits.max_content));

    // Content and trailer.
    const std::size_t available = bytes.size() - header_end;
    if (available < content_length)
        return detail::fail(diag, errc::backup_truncated,
                            "backup file ends inside its content (" + std::to_string(available) + " of " + std::to_string(content_length) + " bytes)");
    const std::size_t covered = header_end + content_length;
    const std::string_view trailer = bytes.substr(covered);
    if (trailer.size() < detail::trailer_size) {
        // A cut inside the trailer is truncation only when what is there is a trailer's start.
        if (trailer.substr(0, detail::trailer_prefix.size()) == detail::trailer_prefix.substr(0, trailer.size()))
            return detail::fail(diag, errc::backup_truncated, "backup file ends inside its checksum");
        return detail::fail(diag, errc::backup_corrupt, "backup content does not match its content-length");
    }
    if (trailer.size() > detail::trailer_size || trailer.substr(0, detail::trailer_prefix.size()) != detail::trailer_prefix ||
        trailer.back() != '\n')
        return detail::fail(diag, errc::backup_corrupt, "backup content does not match its content-length");
    const std::string_view hex = trailer.substr(detail::trailer_prefix.size(), 64);
    crypto::digest sum{};
    crypto.sha256(bytes.substr(0, covered), sum);
    std::string expected;
    appconfigdata::detail::append_hex(expected, sum.data(), sum.size());
    if (hex != expected) return detail::fail(diag, errc::backup_corrupt, "backup checksum mismatch (the file was changed or damaged)");

    r.content.assign(bytes.data() + header_end, content_length);
    out = std::move(r);
    return {};
}

// Checks that `r` belongs to `expected`. An empty `expected` matches everything. Returns {} or
// errc::backup_foreign with diag.message naming both identities (identifiers are not secret).
inline std::error_code check_identity(const record& r, const identity& expected, diagnostics& diag) {
    if (expected.empty() || r.identity == expected) return {};
    std::string have, want;
    {
        std::ostringstream a, b;
        a << r.identity;
        b << expected;
        have = a.str();
        want = b.str();
    }
    diag.message = "backup belongs to " + have + ", not " + want;
    return errc::backup_foreign;
}

} // namespace backup
APPCONFIGDATA_NAMESPACE_END
