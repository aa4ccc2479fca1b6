// AWS Signature Version 4 signing of an http::request: in the Authorization header (sign) or in the
// query string (presign). Templated on the crypto provider (crypto/crypto.hpp); the signing time is
// a parameter, nothing reads a clock. The signing key is cached per (date, region, service, secret),
// so a steady-state signature costs one SHA-256 of the canonical request and one HMAC (plus the
// payload hash when there is a body), and re-signing a request object allocates nothing.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/authorization.hpp>
#include <appconfigdata/sigv4/canonical.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace sigv4 {

struct signing_params {
    std::string_view region;                 // e.g. "us-east-1"
    std::string_view service;                // signing name: "appconfig" for AppConfig Data
    time_point time;                         // the signing time; nothing reads a clock
    bool normalize_path = true;              // remove dot segments and merge '//' (all services but S3)
    bool double_encode_path = true;          // percent-encode the (already encoded) path again (all but S3)
    bool add_content_sha256_header = false;  // add and sign x-amz-content-sha256 (S3 style); off for AppConfig
    bool omit_session_token = false;         // add the session token after signing, unsigned (rare services)
};

// What a signature was computed from; for people debugging a mismatch. Holds no secret.
struct signing_details {
    std::string canonical_request, string_to_sign, signature, authorization;

    friend bool operator==(const signing_details& a, const signing_details& b) {
        return a.canonical_request == b.canonical_request && a.string_to_sign == b.string_to_sign && a.signature == b.signature &&
               a.authorization == b.authorization;
    }
    friend bool operator!=(const signing_details& a, const signing_details& b) { return !(a == b); }
    // Prints every step; the session token (a credential that the canonical request carries) is redacted.
    friend std::ostream& operator<<(std::ostream& os, const signing_details& d) {
        os << "canonical request:\n";
        print_redacted(os, d.canonical_request);
        return os << "\n\nstring to sign:\n" << d.string_to_sign << "\n\nsignature: " << d.signature;
    }

    // Writes a canonical request with the values of x-amz-security-token (header line) and
    // X-Amz-Security-Token (query parameter) replaced by "<redacted>".
    static void print_redacted(std::ostream& os, std::string_view canonical) {
        constexpr std::string_view header = "x-amz-security-token:";
        constexpr std::string_view param = "X-Amz-Security-Token=";
        std::size_t pos = 0;
        while (pos < canonical.size()) {
            auto end = canonical.find('\n', pos);
            if (end == std::string_view::npos) end = canonical.size();
            std::string_view line = canonical.substr(pos, end - pos);
            if (line.substr(0, header.size()) == header) {
                os << header << "<redacted>";
            } else {
                for (auto at = line.find(param); at != std::string_view::npos && (at == 0 || line[at - 1] == '&'); at = line.find(param)) {
                    const auto stop = line.find('&', at);
                    os << line.substr(0, at + param.size()) << "<redacted>";
                    line = stop == std::string_view::npos ? std::string_view{} : line.substr(stop);
                }
                os << line;
            }
            if (end < canonical.size()) os << '\n';
            pos = end + 1;
        }
    }
};

inline constexpr std::int64_t max_presign_expires = 604800; // 7 days, the SigV4 limit

template <class Crypto>
class signer {
    static_assert(crypto::check_provider<Crypto>());

public:
    explicit signer(Crypto crypto = Crypto{}) : crypto_(std::move(crypto)) {}
    signer(const signer&) = default;
    signer(signer&&) = default;
    signer& operator=(const signer&) = default;
    signer& operator=(signer&&) = default;
    ~signer() { forget_key(); }

    // Signs `req` in its headers: adds Host (from req.host) when absent, sets X-Amz-Date, sets
    // X-Amz-Security-Token when the credentials carry a session token (signed unless
    // p.omit_session_token), x-amz-content-sha256 when asked, then Authorization. Headers that
    // already exist are overwritten in place. Every header is signed except Authorization and the
    // ones proxies rewrite (User-Agent, Expect, Connection, Keep-Alive, TE, Trailer, Transfer-Encoding,
    // Upgrade, Proxy-Authenticate, Proxy-Authorization, X-Amzn-Trace-Id), as botocore does.
    // Fills `details` when given.
    // Errors (req untouched unless noted; never throws except std::bad_alloc): errc::no_credentials
    // (empty key id or secret), errc::invalid_credentials (key id or token with bad bytes),
    // errc::invalid_region, errc::invalid_argument (empty/bad service or method), errc::invalid_url
    // (no host, control bytes in path or query), errc::invalid_header (a header name that is not a
    // token, a value with control bytes), errc::invalid_time (year outside 0..9999).
    std::error_code sign(http::request& req, const credentials& creds, const signing_params& p, signing_details* details = nullptr) {
        if (auto ec = validate(req, creds, p)) return ec;
        char amz_date[16];
        http::format_amz_date(p.time, amz_date);
        const std::string_view amz(amz_date, 16);
        ensure_host(req);
        req.headers.set("X-Amz-Date", amz);
        const std::string& token = creds.session_token.reveal();
        if (!token.empty() && !p.omit_session_token) req.headers.set("X-Amz-Security-Token", token);
        payload_hash(req.body);
        if (p.add_content_sha256_header) req.headers.set("x-amz-content-sha256", payload_hash_);
        canon_.select_signable(req.headers, p.omit_session_token ? std::string_view("x-amz-security-token") : std::string_view{});
        signed_headers_.clear();
        canon_.append_signed_headers(signed_headers_, req.headers);
        build_canonical_request(req, p);
        finish(creds, p, amz);

        authorization_.assign(algorithm.data(), algorithm.size());
        authorization_.append(" Credential=");
        authorization_.append(creds.access_key_id);
        authorization_.push_back('/');
        append_scope(authorization_, amz.substr(0, 8), p.region, p.service);
        authorization_.append(", SignedHeaders=");
        authorization_.append(signed_headers_);
        authorization_.append(", Signature=");
        authorization_.append(signature_);
        req.headers.set("Authorization", authorization_);
        if (!token.empty() && p.omit_session_token) req.headers.set("X-Amz-Security-Token", token);
        fill(details, true);
        return {};
    }

    // Signs `req` in its query string (a presigned URL): adds Host when absent, then appends
    // X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires,
    // X-Amz-Security-Token (with a session token) and X-Amz-Signature to req.query. Signs the headers
    // the request has; adds none. Call it once per request object (it appends).
    // Errors: as sign(), plus errc::invalid_argument when `expires` is not 1..604800 seconds.
    std::error_code presign(http::request& req, const credentials& creds, const signing_params& p, std::chrono::seconds expires,
                            signing_details* details = nullptr) {
        if (auto ec = validate(req, creds, p)) return ec;
        if (expires.count() < 1 || expires.count() > max_presign_expires) return errc::invalid_argument;
        char amz_date[16];
        http::format_amz_date(p.time, amz_date);
        const std::string_view amz(amz_date, 16);
        ensure_host(req);
        payload_hash(req.body);
        canon_.select_signable(req.headers);
        signed_headers_.clear();
        canon_.append_signed_headers(signed_headers_, req.headers);

        std::string& q = req.query;
        if (!q.empty() && q.back() != '&') q.push_back('&');
        q.append("X-Amz-Algorithm=");
        q.append(algorithm.data(), algorithm.size());
        q.append("&X-Amz-Credential=");
        scratch_.assign(creds.access_key_id);
        scratch_.push_back('/');
        append_scope(scratch_, amz.substr(0, 8), p.region, p.service);
        http::append_percent_encoded(q, scratch_);
        q.append("&X-Amz-Date=");
        q.append(amz.data(), amz.size());
        q.append("&X-Amz-SignedHeaders=");
        http::append_percent_encoded(q, signed_headers_);
        q.append("&X-Amz-Expires=");
        q.append(std::to_string(expires.count()));
        const std::string& token = creds.session_token.reveal();
        const auto append_token = [&] {
            q.append("&X-Amz-Security-Token=");
            http::append_percent_encoded(q, token);
        };
        if (!token.empty() && !p.omit_session_token) append_token();
        build_canonical_request(req, p);
        finish(creds, p, amz);
        if (!token.empty() && p.omit_session_token) append_token();
        q.append("&X-Amz-Signature=");
        q.append(signature_);
        authorization_.clear();
        fill(details, false);
        return {};
    }

    Crypto& crypto() noexcept { return crypto_; }

    // How many times a signing key was derived (the cache holds one key per date/region/service/secret).
    std::uint64_t signing_keys_derived() const noexcept { return keys_derived_; }

    // The last canonical request, string to sign and signature (views into reused buffers, valid
    // until the next call).
    std::string_view canonical_request() const noexcept { return canonical_; }
    std::string_view string_to_sign() const noexcept { return string_to_sign_; }
    std::string_view signature() const noexcept { return signature_; }

private:
    static std::error_code validate(const http::request& req, const credentials& creds, const signing_params& p) {
        if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return errc::no_credentials;
        if (!detail::is_scope_element(creds.access_key_id)) return errc::invalid_credentials;
        if (!detail::has_no_control_bytes(creds.session_token.reveal())) return errc::invalid_credentials;
        if (!detail::is_scope_element(p.region)) return errc::invalid_region;
        if (!detail::is_scope_element(p.service)) return errc::invalid_argument;
        if (!detail::is_token(req.method)) return errc::invalid_argument;
        if (req.path.empty() || !detail::is_valid_target_text(req.path) || !detail::is_valid_target_text(req.query)) return errc::invalid_url;
        bool has_host = false;
        for (const auto& f : req.headers) {
            if (!detail::is_token(f.name) || !detail::is_valid_header_value(f.value)) return errc::invalid_header;
            if (appconfigdata::detail::iequals(f.name, "host")) has_host = true;
        }
        if (!has_host) {
            if (req.host.empty()) return errc::invalid_url;
            for (char ch : req.host) {
                const auto c = static_cast<unsigned char>(ch);
                if (c <= 0x20 || c == 0x7f) return errc::invalid_url;
            }
        }
        const int year = http::to_civil(p.time).year;
        if (year < 0 || year > 9999) return errc::invalid_time;
        return {};
    }

    static void ensure_host(http::request& req) {
        if (!req.headers.contains("host")) {
            auto& f = req.headers.fields();
            f.insert(f.begin(), http::header_field{"Host", req.host});
        }
    }

    void payload_hash(const std::string& body) {
        payload_hash_.clear();
        if (body.empty()) {
            payload_hash_.append(empty_payload_hash.data(), empty_payload_hash.size());
            return;
        }
        crypto::digest d{};
        crypto_.sha256(body, d);
        appconfigdata::detail::append_hex(payload_hash_, d.data(), d.size());
    }

    void build_canonical_request(const http::request& req, const signing_params& p) {
        std::string& c = canonical_;
        c.clear();
        for (char ch : req.method) c.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
        c.push_back('\n');
        canon_.append_uri(c, req.path, p.normalize_path, p.double_encode_path);
        c.push_back('\n');
        canon_.append_query(c, req.query);
        c.push_back('\n');
        canon_.append_headers(c, req.headers);
        c.push_back('\n');
        c.append(signed_headers_);
        c.push_back('\n');
        c.append(payload_hash_);
    }

    // String to sign, signing key (cached) and signature.
    void finish(const credentials& creds, const signing_params& p, std::string_view amz) {
        const std::string_view date = amz.substr(0, 8);
        string_to_sign_.clear();
        append_string_to_sign(crypto_, string_to_sign_, amz, date, p.region, p.service, canonical_);
        const crypto::digest& key = signing_key(creds.secret_access_key.reveal(), date, p.region, p.service);
        crypto::digest sig{};
        crypto_.hmac_sha256(key, string_to_sign_, sig);
        signature_.clear();
        appconfigdata::detail::append_hex(signature_, sig.data(), sig.size());
    }

    const crypto::digest& signing_key(std::string_view secret, std::string_view date, std::string_view region, std::string_view service) {
        if (key_valid_ && key_date_ == date && key_region_ == region && key_service_ == service &&
            constant_time_equal(key_secret_, secret))
            return key_;
        forget_key();
        derive_signing_key(crypto_, secret, date, region, service, key_, scratch_);
        key_date_.assign(date.data(), date.size());
        key_region_.assign(region.data(), region.size());
        key_service_.assign(service.data(), service.size());
        key_secret_.assign(secret.data(), secret.size());
        key_valid_ = true;
        ++keys_derived_;
        return key_;
    }

    void forget_key() noexcept {
        volatile std::uint8_t* k = key_.data();
        for (std::size_t i = 0; i < key_.size(); ++i) k[i] = 0;
        if (!key_secret_.empty()) {
            volatile char* s = &key_secret_[0];
            for (std::size_t i = 0; i < key_secret_.size(); ++i) s[i] = 0;
        }
        key_secret_.clear();
        key_valid_ = false;
    }

    void fill(signing_details* d, bool header) const {
        if (!d) return;
        d->canonical_request.assign(canonical_);
        d->string_to_sign.assign(string_to_sign_);
        d->signature.assign(signature_);
        if (header) d->authorization.assign(authorization_);
        else d->authorization.clear();
    }

    Crypto crypto_;
    canonicalizer canon_;
    std::string canonical_, string_to_sign_, signature_, authorization_, signed_headers_, payload_hash_, scratch_;
    crypto::digest key_{};
    std::string key_date_, key_region_, key_service_, key_secret_;
    bool key_valid_ = false;
    std::uint64_t keys_derived_ = 0;
};

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
