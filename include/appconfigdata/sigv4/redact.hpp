// Redaction of what a service says back: an AWS signature-mismatch answer quotes the canonical
// request it expected, `x-amz-security-token:<the session token>` included, and a proxy may echo
// the headers it received. Before such text becomes diagnostics, an event or a log line it goes
// through a `redactor` that knows the request's secrets:
//   - every known secret (session token, secret access key, the request's Authorization signature,
//     bearer tokens, presigned X-Amz-Security-Token / X-Amz-Signature values), raw or percent-encoded,
//     anywhere in the text, and a cut-off copy of one at the very end of the text;
//   - whatever value follows a label that names a secret, known or not: `x-amz-security-token:`,
//     `X-Amz-Security-Token=`, `X-Amz-Signature=`, `Signature=`, `x-amz-sso_bearer_token:`,
//     `WebIdentityToken=`.
// Each becomes `<redacted, N chars>`, so `x-amz-security-token:<redacted, 44 chars>` still shows
// where the token was and how long it was: the quoted canonical request stays useful for debugging.
// Only error paths call it; nothing here runs for a successful response.
//
//   sigv4::redact(diag, request, &creds);   // diag.message, error_type and request_id
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/http/headers.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace sigv4 {

// Secrets shorter than this are not searched for as free text (a one-letter "token" would redact
// every such letter); the labelled forms above still catch their values.
inline constexpr std::size_t min_redacted_secret = 8;

namespace detail {

// The label names whose value is secret; the value starts after ':' or '=' (or "%3D"), spaces allowed.
inline constexpr std::string_view redaction_labels[] = {"x-amz-security-token", "x-amz-sso_bearer_token", "x-amz-signature",
                                                        "webidentitytoken", "signature"};

// True for the bytes that end a labelled value: space, control, quotes, backslash and separators.
constexpr bool ends_redacted_value(char c) noexcept {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\' || c == ',' || c == '&' ||
           c == ';' || c == '<' || c == '>' || c == '`';
}

inline void append_redacted(std::string& out, std::size_t n) {
    out += "<redacted, ";
    out += std::to_string(n);
    out += n == 1 ? " char>" : " chars>";
}

inline bool equals_at(std::string_view text, std::size_t at, std::string_view s, bool fold) noexcept {
    if (at > text.size() || text.size() - at < s.size()) return false;
    if (!fold) return text.compare(at, s.size(), s) == 0;
    return appconfigdata::detail::iequals(text.substr(at, s.size()), s);
}

// Replaces every occurrence of `secret` in `text` (ASCII case folded when `fold`), and a prefix of
// at least min_redacted_secret bytes of it that ends the text (a copy cut by a length limit).
inline bool redact_secret(std::string& text, std::string_view secret, bool fold) {
    if (secret.size() < min_redacted_secret || text.size() < min_redacted_secret) return false;
    std::string out;
    bool changed = false;
    std::size_t copied = 0;
    std::size_t i = 0;
    while (i + min_redacted_secret <= text.size()) {
        const std::size_t left = text.size() - i;
        const bool whole = equals_at(text, i, secret, fold);
        const bool tail = !whole && left < secret.size() && equals_at(text, i, secret.substr(0, left), fold);
        if (!whole && !tail) {
            ++i;
            continue;
        }
        const std::size_t n = whole ? secret.size() : left;
        if (!changed) out.reserve(text.size());
        out.append(text, copied, i - copied);
        append_redacted(out, n);
        changed = true;
        i += n;
        copied = i;
    }
    if (!changed) return false;
    out.append(text, copied, std::string::npos);
    text.swap(out);
    return true;
}

// Replaces the value after each secret-naming label (see redaction_labels).
inline void redact_labelled(std::string& text) {
    std::string out;
    bool changed = false;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = appconfigdata::detail::ascii_lower(text[i]);
        if (c != 'x' && c != 'w' && c != 's') continue;
        // A label starts a word: "Signature=" but not "X-Amz-Signature=" seen from its middle
        // (that one was matched as a whole at its own start).
        if (i > 0 && (appconfigdata::detail::is_ascii_alnum(text[i - 1]) || text[i - 1] == '-' || text[i - 1] == '_')) continue;
        std::size_t label_end = 0;
        bool header_form = true; // "name: value" as well as "name=value"
        for (std::string_view label : redaction_labels)
            if (equals_at(text, i, label, true)) {
                label_end = i + label.size();
                header_form = label != "signature"; // "the signature: ..." is prose
                break;
            }
        if (label_end == 0) continue;
        std::size_t v = label_end;
        while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
        if (v < text.size() && (text[v] == '=' || (header_form && text[v] == ':'))) ++v;
        else if (equals_at(text, v, "%3d", true)) v += 3;
        else continue;
        while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
        std::size_t end = v;
        while (end < text.size() && !ends_redacted_value(text[end])) ++end;
        if (end == v) continue; // empty, or already "<redacted, ...>"
        if (!changed) out.reserve(text.size());
        out.append(text, copied, v - copied);
        append_redacted(out, end - v);
        changed = true;
        copied = end;
        i = end - 1;
    }
    if (!changed) return;
    out.append(text, copied, std::string::npos);
    text.swap(out);
}

} // namespace detail

// The secrets of one exchange and the function that removes them from text. Build one on an error
// path, apply it, drop it: it copies the secrets into secret_strings (wiped when it goes).
class redactor {
public:
    redactor() = default;
    // The secrets of `request` (see add_request) and, when given, of `creds`.
    explicit redactor(const http::request& request, const credentials* creds = nullptr) {
        add_request(request);
        if (creds) add_credentials(*creds);
    }

    // One more secret, searched raw and percent-encoded. Ignored when shorter than min_redacted_secret.
    void add_secret(std::string_view value) {
        if (value.size() < min_redacted_secret) return;
        add_form(value, false);
        std::string encoded = http::percent_encode(value);
        if (encoded.size() != value.size()) add_form(encoded, true);
        // A token quoted inside a double-encoded query (a canonical request of a presigned URL).
        std::string twice = http::percent_encode(encoded);
        if (twice.size() != encoded.size()) add_form(twice, true);
        wipe(encoded);
        wipe(twice);
    }

    // The secret access key and the session token.
    void add_credentials(const credentials& c) {
        add_secret(c.secret_access_key.reveal());
        add_secret(c.session_token.reveal());
    }

    // The values of the request's secret headers (of a SigV4 Authorization its Signature only;
    // X-Amz-Security-Token, bearer tokens; see http::is_sensitive_header) and of the secret
    // parameters of its query and of a form body (X-Amz-Security-Token, X-Amz-Signature,
    // WebIdentityToken).
    void add_request(const http::request& r) {
        for (const auto& f : r.headers) {
            if (!http::is_sensitive_header(f.name)) continue;
            const auto at = f.value.find("Signature=");
            if (at == std::string::npos || !appconfigdata::detail::iequals(f.name, "authorization")) {
                add_secret(f.value);
                continue;
            }
            // SigV4: the credential scope and signed headers are public and help to debug a
            // mismatch; only the signature goes.
            const std::string_view rest = std::string_view(f.value).substr(at + 10);
            add_secret(rest.substr(0, rest.find_first_of(", ")));
        }
        add_parameters(r.query);
        const std::string* type = r.headers.find("content-type");
        if (type && type->find("x-www-form-urlencoded") != std::string::npos) add_parameters(r.body);
    }

    bool empty() const noexcept { return secrets_.empty(); }

    // Rewrites `text` in place: every known secret, then every labelled value, becomes
    // `<redacted, N chars>`. Text with neither is left as it is. Never throws (but bad_alloc).
    void operator()(std::string& text) const {
        if (text.empty()) return;
        for (const auto& s : secrets_) detail::redact_secret(text, s.value.reveal(), s.fold);
        detail::redact_labelled(text);
    }

    void operator()(diagnostics& d) const {
        (*this)(d.message);
        (*this)(d.error_type);
        (*this)(d.request_id);
    }

private:
    struct secret {
        secret_string value;
        bool fold = false; // percent-encoded: hex digits in either case
    };

    void add_form(std::string_view s, bool fold) {
        for (const auto& known : secrets_)
            if (known.value.reveal() == s) return;
        secret item;
        item.value = secret_string(s);
        item.fold = fold;
        // Longest first: a secret that holds another is replaced as a whole.
        const auto at = std::find_if(secrets_.begin(), secrets_.end(), [&](const secret& k) { return k.value.size() < s.size(); });
        secrets_.insert(at, std::move(item));
    }

    void add_parameters(std::string_view query) {
        while (!query.empty()) {
            const auto amp = query.find('&');
            const std::string_view pair = query.substr(0, amp);
            query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            const std::string_view name = pair.substr(0, eq);
            if (!appconfigdata::detail::iequals(name, "X-Amz-Security-Token") && !appconfigdata::detail::iequals(name, "X-Amz-Signature") &&
                !appconfigdata::detail::iequals(name, "WebIdentityToken"))
                continue;
            const std::string_view value = pair.substr(eq + 1);
            add_secret(value);
            std::string decoded = http::percent_decode(value);
            add_secret(decoded);
            wipe(decoded);
        }
    }

    static void wipe(std::string& s) noexcept {
        volatile char* p = s.data();
        for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    }

    std::vector<secret> secrets_;
};

// The same, in one call: `text` (or the texts of `d`) without the secrets of `request` and `creds`.
inline void redact(std::string& text, const http::request& request, const credentials* creds = nullptr) {
    redactor(request, creds)(text);
}

inline void redact(diagnostics& d, const http::request& request, const credentials* creds = nullptr) { redactor(request, creds)(d); }

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
