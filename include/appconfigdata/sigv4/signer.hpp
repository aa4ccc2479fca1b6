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
#include <cstring>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
    // The caller vouches that req.query is already its own canonical form (parameters sorted, each name
    // and value percent-encoded with the unreserved set and upper-case hex), as the protocol builders
    // write it: sign() then copies it instead of re-checking every escape (it still refuses control
    // bytes). A wrong promise gives a signature the service rejects, nothing worse. presign() ignores it.
    bool query_is_canonical = false;
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
        const std::string& token = creds.session_token.reveal();
        const bool sign_token = !token.empty() && !p.omit_session_token;
        char amz_date[16];
        const bool time_ok = format_time(p.time, amz_date);
        const std::string_view amz(amz_date, 16);
        // A request with the same header names as the last one signed (every poll of a session) keeps
        // the last selection and slots; only the values are checked again.
        const bool same_layout = layout_matches(req.headers, p, sign_token);
        header_slots slots = same_layout ? layout_slots_ : header_slots{};
        if (!same_layout) layout_valid_ = false;
        // A query that is already canonical (the library's requests) is copied as it is; one found so
        // here is also known to have no control bytes.
        const bool query_checked = !p.query_is_canonical && detail::is_canonical_query(req.query);
        const bool query_canonical = p.query_is_canonical || query_checked;
        // Key id, region and service equal to the last ones checked need no second look.
        using appconfigdata::detail::equals_short;
        const bool scope_known =
            equals_short(creds.access_key_id, checked_key_id_) && equals_short(p.region, checked_region_) && equals_short(p.service, checked_service_);
        // A session token without spaces or control bytes (the usual) needs neither check nor trimming;
        // secret_string worked that out when the token was stored.
        const bool token_plain = creds.session_token.is_plain();
        validation known;
        known.time_ok = time_ok;
        known.slots = &slots;
        known.sign_token = sign_token;
        known.known_layout = same_layout;
        known.query_checked = query_checked;
        known.scope_known = scope_known;
        known.token_plain = token_plain;
        if (auto ec = validate(req, creds, p, known)) return ec;
        if (!scope_known) {
            checked_key_id_.assign(creds.access_key_id);
            checked_region_.assign(p.region.data(), p.region.size());
            checked_service_.assign(p.service.data(), p.service.size());
        }
        const header_slots before = slots;
        if (!same_layout) save_names(req.headers);
        if (slots.host == header_slots::none) insert_host(req, slots);
        set_field(req, slots, slots.date, "X-Amz-Date", amz);
        if (sign_token) set_field(req, slots, slots.token, "X-Amz-Security-Token", token);
        payload_hash(req.body);
        if (p.add_content_sha256_header) set_field(req, slots, slots.sha, "x-amz-content-sha256", payload_hash());
        if (!same_layout) {
            canon_.select_signable(req.headers, p.omit_session_token ? std::string_view("x-amz-security-token") : std::string_view{});
            if (!slots.repeated) remember_layout(before, p, sign_token);
        }
        // The values sign() just wrote need no trimming: the date, and a plain session token.
        const std::size_t plain_date = slots.repeated ? canonicalizer::no_field : slots.date;
        const std::size_t plain_token = slots.repeated || !sign_token || !token_plain ? canonicalizer::no_field : slots.token;
        build_canonical_request(req, p, query_canonical, plain_date, plain_token);
        finish(creds, p, amz);

        const std::string_view date = amz.substr(0, 8);
        char* a = grow(authorization_, algorithm.size() + 12 + creds.access_key_id.size() + 1 + scope_size(date, p.region, p.service) +
                                           16 + canon_.signed_headers().size() + 12 + signature_size);
        char* const begin = a;
        a = detail::write_text(a, algorithm);
        a = detail::write_text(a, " Credential=");
        a = detail::write_text(a, creds.access_key_id);
        *a++ = '/';
        a = write_scope(a, date, p.region, p.service);
        a = detail::write_text(a, ", SignedHeaders=");
        a = detail::write_text(a, canon_.signed_headers());
        a = detail::write_text(a, ", Signature=");
        a = detail::write_text(a, signature());
        authorization_len_ = static_cast<std::size_t>(a - begin);
        set_field(req, slots, slots.auth, "Authorization", authorization());
        if (!token.empty() && p.omit_session_token) set_field(req, slots, slots.token, "X-Amz-Security-Token", token);
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
        char amz_date[16];
        const bool time_ok = format_time(p.time, amz_date);
        const std::string_view amz(amz_date, 16);
        validation known;
        known.time_ok = time_ok;
        if (auto ec = validate(req, creds, p, known)) return ec;
        if (expires.count() < 1 || expires.count() > max_presign_expires) return errc::invalid_argument;
        layout_valid_ = false; // the selection below is not the one sign() remembered
        if (!req.headers.contains("host")) {
            header_slots slots;
            insert_host(req, slots);
        }
        payload_hash(req.body);
        canon_.select_signable(req.headers);

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
        http::append_percent_encoded(q, canon_.signed_headers());
        q.append("&X-Amz-Expires=");
        q.append(std::to_string(expires.count()));
        const std::string& token = creds.session_token.reveal();
        const auto append_token = [&] {
            q.append("&X-Amz-Security-Token=");
            http::append_percent_encoded(q, token);
        };
        if (!token.empty() && !p.omit_session_token) append_token();
        build_canonical_request(req, p, false, canonicalizer::no_field, canonicalizer::no_field);
        finish(creds, p, amz);
        if (!token.empty() && p.omit_session_token) append_token();
        q.append("&X-Amz-Signature=");
        q.append(signature().data(), signature_size);
        authorization_len_ = 0;
        fill(details, false);
        return {};
    }

    Crypto& crypto() noexcept { return crypto_; }

    // How many times a signing key was derived (the cache holds one key per date/region/service/secret).
    std::uint64_t signing_keys_derived() const noexcept { return keys_derived_; }

    // The last canonical request, string to sign and signature (views into reused buffers, valid
    // until the next call).
    std::string_view canonical_request() const noexcept { return {canonical_.data(), canonical_len_}; }
    std::string_view string_to_sign() const noexcept { return {string_to_sign_.data(), string_to_sign_len_}; }
    std::string_view signature() const noexcept { return {signature_, signature_len_}; }

private:
    static constexpr std::size_t signature_size = 2 * crypto::digest_size;

    // Where the headers the signer writes are in the request's field list.
    struct header_slots {
        static constexpr std::size_t none = static_cast<std::size_t>(-1);
        std::size_t host = none, date = none, token = none, auth = none, sha = none;
        bool repeated = false; // one of the signer's headers appears twice: headers::set merges them
    };

    static std::size_t* slot_of(std::string_view name, header_slots& s) noexcept {
        using appconfigdata::detail::iequals;
        switch (name.size()) {
        case 4: return iequals(name, "host") ? &s.host : nullptr;
        case 10: return iequals(name, "x-amz-date") ? &s.date : nullptr;
        case 13: return iequals(name, "authorization") ? &s.auth : nullptr;
        case 20: return iequals(name, "x-amz-security-token") ? &s.token : iequals(name, "x-amz-content-sha256") ? &s.sha : nullptr;
        default: return nullptr;
        }
    }

    // What validate() is told besides the request: whether the time could be formatted, where sign()
    // keeps its header slots, and what sign() already knows, so that those checks are skipped.
    // presign() sets only time_ok: everything is checked.
    struct validation {
        bool time_ok = false;          // format_time() succeeded; invalid_time otherwise
        header_slots* slots = nullptr; // sign(): find the signer's own headers into it
        bool sign_token = false;       // sign() sets X-Amz-Security-Token (so its old value is not checked)
        bool known_layout = false;     // the names were checked when the layout was remembered; slots holds it
        bool query_checked = false;    // the query is known canonical (so free of control bytes)
        bool scope_known = false;      // key id, region and service are the ones the last successful call checked
        bool token_plain = false;      // the session token holds no space or control byte
    };

    // Checks everything sign() and presign() read. With `known.slots` (sign), also finds the signer's
    // own headers; the values sign() overwrites (X-Amz-Date, Authorization, and the session token and
    // content hash when it sets them) are not checked, since they are never signed as they are.
    static std::error_code validate(const http::request& req, const credentials& creds, const signing_params& p, const validation& known) {
        if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return errc::no_credentials;
        if (!known.scope_known && !detail::is_scope_element(creds.access_key_id)) return errc::invalid_credentials;
        if (!known.token_plain && !detail::has_no_control_bytes(creds.session_token.reveal())) return errc::invalid_credentials;
        if (!known.scope_known && !detail::is_scope_element(p.region)) return errc::invalid_region;
        if (!known.scope_known && !detail::is_scope_element(p.service)) return errc::invalid_argument;
        if (!detail::is_token(req.method)) return errc::invalid_argument;
        if (req.path.empty() || !detail::is_valid_target_text(req.path)) return errc::invalid_url;
        if (!known.query_checked && !detail::is_valid_target_text(req.query)) return errc::invalid_url;
        header_slots local;
        header_slots& s = known.slots ? *known.slots : local;
        const auto& f = req.headers.fields();
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (!known.known_layout) {
                if (!detail::is_token(f[i].name)) return errc::invalid_header;
                if (std::size_t* slot = slot_of(f[i].name, s)) {
                    if (*slot != header_slots::none) s.repeated = true;
                    else *slot = i;
                }
            }
            const bool overwritten = known.slots && (i == s.date || i == s.auth || (i == s.token && known.sign_token) ||
                                                     (i == s.sha && p.add_content_sha256_header)) && !s.repeated;
            if (!overwritten && !detail::is_valid_header_value(f[i].value)) return errc::invalid_header;
        }
        if (s.host == header_slots::none) {
            if (req.host.empty()) return errc::invalid_url;
            for (char ch : req.host) {
                const auto c = static_cast<unsigned char>(ch);
                if (c <= 0x20 || c == 0x7f) return errc::invalid_url;
            }
        }
        if (!known.time_ok) return errc::invalid_time;
        return {};
    }

    // "YYYYMMDDTHHMMSSZ" of `t` into `out`; false when the year is outside 0..9999 (out is then
    // unspecified). The date part is kept for the rest of the day.
    bool format_time(time_point t, char* out) noexcept {
        const http::day_and_second split = http::split_day(t);
        const std::int64_t day = split.day;
        const std::int64_t rem = split.second_of_day;
        if (!day_valid_ || day != day_) {
            const http::civil_time civil = http::to_civil(t);
            if (civil.year < 0 || civil.year > 9999) return false;
            http::format_amz_date(civil, day_text_);
            day_ = day;
            day_valid_ = true;
        }
        std::memcpy(out, day_text_, 8);
        out[8] = 'T';
        http::detail_time::put2(out + 9, static_cast<unsigned>(rem / 3600));
        http::detail_time::put2(out + 11, static_cast<unsigned>(rem / 60 % 60));
        http::detail_time::put2(out + 13, static_cast<unsigned>(rem % 60));
        out[15] = 'Z';
        return true;
    }

    // True when `h` has exactly the header names (same bytes, same order) of the last request sign()
    // remembered, signed with the same options.
    bool layout_matches(const http::headers& h, const signing_params& p, bool sign_token) const noexcept {
        if (!layout_valid_ || layout_sign_token_ != sign_token || layout_omit_token_ != p.omit_session_token ||
            layout_content_sha256_ != p.add_content_sha256_header || h.size() != layout_names_count_)
            return false;
        const auto& f = h.fields();
        for (std::size_t i = 0; i < layout_names_count_; ++i)
            if (!appconfigdata::detail::equals_short(f[i].name, layout_names_[i])) return false;
        return true;
    }

    // Keeps the names of `h` (before sign() adds its headers) for layout_matches.
    void save_names(const http::headers& h) {
        const auto& f = h.fields();
        if (layout_names_.size() < f.size()) layout_names_.resize(f.size());
        for (std::size_t i = 0; i < f.size(); ++i) layout_names_[i].assign(f[i].name);
        layout_names_count_ = f.size();
    }

    // Completes the layout save_names began (`before`: the slots the names had).
    void remember_layout(const header_slots& before, const signing_params& p, bool sign_token) {
        layout_slots_ = before;
        layout_sign_token_ = sign_token;
        layout_omit_token_ = p.omit_session_token;
        layout_content_sha256_ = p.add_content_sha256_header;
        layout_valid_ = true;
    }

    // Adds Host (from req.host) in front; the slots found so far move one place.
    static void insert_host(http::request& req, header_slots& slots) {
        auto& f = req.headers.fields();
        f.insert(f.begin(), http::header_field{"Host", req.host});
        for (std::size_t* s : {&slots.date, &slots.token, &slots.auth, &slots.sha})
            if (*s != header_slots::none) ++*s;
        slots.host = 0;
    }

    // Sets the value of the signer's header at `slot` (appending it when absent). A repeated header
    // goes through headers::set, which keeps one field; the slots are not used again after that.
    static void set_field(http::request& req, header_slots& slots, std::size_t& slot, std::string_view name, std::string_view value) {
        if (slots.repeated) {
            req.headers.set(name, value);
            return;
        }
        auto& f = req.headers.fields();
        if (slot == header_slots::none) {
            req.headers.add(name, value);
            slot = f.size() - 1;
            return;
        }
        f[slot].value.assign(value.data(), value.size());
    }

    // Sizes `buf` to at least `n` bytes and returns its storage; the *_len_ members say how much of it
    // is in use. It only grows, with room to spare, so that a warm signer does not allocate when a
    // request gains a header (the Authorization of the first signature, say).
    static char* grow(std::string& buf, std::size_t n) {
        if (buf.size() < n) buf.resize(n + n / 2 + 64);
        return &buf[0];
    }

    void payload_hash(const std::string& body) {
        if (body.empty()) {
            std::memcpy(payload_hash_, empty_payload_hash.data(), signature_size);
            return;
        }
        crypto::digest d{};
        crypto_.sha256(body, d);
        appconfigdata::detail::write_hex(payload_hash_, d.data(), d.size());
    }

    std::string_view payload_hash() const noexcept { return {payload_hash_, signature_size}; }

    std::string_view authorization() const noexcept { return {authorization_.data(), authorization_len_}; }

    // "METHOD\ncanonical URI\n", kept while method, path and path options stay the same.
    std::string_view uri_lines(const http::request& req, const signing_params& p) {
        using appconfigdata::detail::equals_short;
        if (!uri_valid_ || !equals_short(req.method, uri_method_) || !equals_short(req.path, uri_path_) || p.normalize_path != uri_normalize_ ||
            p.double_encode_path != uri_double_encode_) {
            uri_valid_ = false;
            char* const begin = grow(uri_lines_, req.method.size() + canonicalizer::uri_bound(req.path) + 2);
            char* c = begin;
            for (char ch : req.method) *c++ = ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
            *c++ = '\n';
            c = canon_.write_uri(c, req.path, p.normalize_path, p.double_encode_path);
            *c++ = '\n';
            uri_lines_len_ = static_cast<std::size_t>(c - begin);
            uri_method_.assign(req.method);
            uri_path_.assign(req.path);
            uri_normalize_ = p.normalize_path;
            uri_double_encode_ = p.double_encode_path;
            uri_valid_ = true;
        }
        return {uri_lines_.data(), uri_lines_len_};
    }

    void build_canonical_request(const http::request& req, const signing_params& p, bool query_canonical, std::size_t plain_a,
                                 std::size_t plain_b) {
        const std::string_view head = uri_lines(req, p);
        const std::string_view signed_headers = canon_.signed_headers();
        const std::size_t bound = head.size() + canonicalizer::query_bound(req.query) + canon_.headers_bound(req.headers) +
                                  signed_headers.size() + signature_size + 3;
        char* const begin = grow(canonical_, bound);
        char* c = detail::write_text(begin, head);
        c = query_canonical ? detail::write_text(c, req.query) : canon_.write_query(c, req.query);
        *c++ = '\n';
        c = canon_.write_headers(c, req.headers, plain_a, plain_b);
        *c++ = '\n';
        c = detail::write_text(c, signed_headers);
        *c++ = '\n';
        c = detail::write_text(c, payload_hash());
        canonical_len_ = static_cast<std::size_t>(c - begin);
    }

    // String to sign, signing key (cached) and signature.
    void finish(const credentials& creds, const signing_params& p, std::string_view amz) {
        const std::string_view date = amz.substr(0, 8);
        crypto::digest hash{};
        crypto_.sha256(canonical_request(), hash);
        char* const begin = grow(string_to_sign_, string_to_sign_size(amz, date, p.region, p.service));
        string_to_sign_len_ = static_cast<std::size_t>(write_string_to_sign(begin, amz, date, p.region, p.service, hash) - begin);
        const crypto::digest& key = signing_key(creds.secret_access_key.reveal(), date, p.region, p.service);
        crypto::digest sig{};
        crypto_.hmac_sha256(key, string_to_sign(), sig);
        appconfigdata::detail::write_hex(signature_, sig.data(), sig.size());
        signature_len_ = signature_size;
    }

    const crypto::digest& signing_key(std::string_view secret, std::string_view date, std::string_view region, std::string_view service) {
        using appconfigdata::detail::equals_short;
        if (key_valid_ && equals_short(key_date_, date) && equals_short(key_region_, region) && equals_short(key_service_, service) &&
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
        d->canonical_request.assign(canonical_request());
        d->string_to_sign.assign(string_to_sign());
        d->signature.assign(signature());
        if (header) d->authorization.assign(authorization());
        else d->authorization.clear();
    }

    Crypto crypto_;
    canonicalizer canon_;
    std::string canonical_, string_to_sign_, authorization_, scratch_;
    std::size_t canonical_len_ = 0, string_to_sign_len_ = 0, authorization_len_ = 0, signature_len_ = 0;
    // What stays the same from one poll to the next (see layout_matches, uri_lines, format_time).
    std::vector<std::string> layout_names_;
    std::size_t layout_names_count_ = 0;
    header_slots layout_slots_;
    bool layout_valid_ = false, layout_sign_token_ = false, layout_omit_token_ = false, layout_content_sha256_ = false;
    std::string uri_lines_, uri_method_, uri_path_;
    std::size_t uri_lines_len_ = 0;
    bool uri_valid_ = false, uri_normalize_ = false, uri_double_encode_ = false;
    std::string checked_key_id_, checked_region_, checked_service_; // last values validate() accepted (never empty then)
    std::int64_t day_ = 0;
    char day_text_[16] = {};
    bool day_valid_ = false;
    char signature_[signature_size] = {};
    char payload_hash_[signature_size] = {};
    crypto::digest key_{};
    std::string key_date_, key_region_, key_service_, key_secret_;
    bool key_valid_ = false;
    std::uint64_t keys_derived_ = 0;
};

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
