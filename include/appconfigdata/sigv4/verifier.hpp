// Server side of SigV4: checks the Authorization header of a received request, as the local
// emulator (and any test double of AWS) needs. Time is a parameter; nothing reads a clock.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/authorization.hpp>
#include <appconfigdata/sigv4/canonical.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace sigv4 {

namespace detail {
inline std::error_code verify_fail(diagnostics& diag, errc code, int status, std::string_view type, std::string message) {
    diag.http_status = status;
    diag.error_type.assign(type.data(), type.size());
    diag.message = std::move(message);
    return code;
}
} // namespace detail

// Verifies the SigV4 Authorization header of `req` (header signing; the path is normalised and
// double-encoded as for every service but S3; the payload hash is the SHA-256 of req.body).
// `lookup(access_key_id)` returns `const credentials*` (nullptr: unknown key).
// Returns {} when the signature is valid, else (with diag: HTTP status, AWS error type, message):
//   errc::invalid_signature  no Authorization (MissingAuthenticationTokenException, 403), a malformed one,
//                            a bad or missing X-Amz-Date, Host not signed, a scope date other than
//                            X-Amz-Date's, a service other than `expected_service`, a signed header absent
//                            (IncompleteSignatureException, 400); X-Amz-Date more than max_skew away from
//                            `now` ("Signature expired" / "Signature not yet current", 403); a wrong
//                            signature or x-amz-content-sha256 (InvalidSignatureException, 403)
//   errc::unrecognized_client unknown access key id, or a session token that does not match the
//                            credentials' (UnrecognizedClientException, 403)
// Messages never contain a secret. Never throws (except std::bad_alloc).
template <class Crypto, class Lookup>
std::error_code verify(Crypto& crypto, const http::request& req, Lookup&& lookup, std::string_view expected_service, time_point now,
                       std::chrono::seconds max_skew, diagnostics& diag) {
    static_assert(crypto::check_provider<Crypto>());
    diag.clear();
    const std::string* auth = req.headers.find("authorization");
    if (!auth) return detail::verify_fail(diag, errc::invalid_signature, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    authorization_parts parts;
    if (parse_authorization(*auth, parts))
        return detail::verify_fail(diag, errc::invalid_signature, 400, "IncompleteSignatureException",
                                   "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters "
                                   "in the form AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...");
    const std::string* amz_date = req.headers.find("x-amz-date");
    time_point signed_at{};
    if (!amz_date || http::parse_amz_date(*amz_date, signed_at))
        return detail::verify_fail(diag, errc::invalid_signature, 400, "IncompleteSignatureException",
                                   "Authorization header requires existence of a valid 'X-Amz-Date' header");
    if (amz_date->compare(0, 8, parts.date) != 0)
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" + parts.date +
                                       "' != '" + amz_date->substr(0, 8) + "'");
    if (parts.service != expected_service)
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "Credential should be scoped to correct service: '" + std::string(expected_service) + "'");
    bool host_signed = false;
    for (std::size_t pos = 0; pos <= parts.signed_headers.size();) {
        auto end = parts.signed_headers.find(';', pos);
        if (end == std::string::npos) end = parts.signed_headers.size();
        if (parts.signed_headers.compare(pos, end - pos, "host") == 0) host_signed = true;
        pos = end + 1;
    }
    if (!host_signed)
        return detail::verify_fail(diag, errc::invalid_signature, 400, "IncompleteSignatureException",
                                   "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    const credentials* creds = lookup(parts.access_key_id); // a std::string: converts to string_view or binds to const std::string&
    if (!creds || creds->secret_access_key.empty())
        return detail::verify_fail(diag, errc::unrecognized_client, 403, "UnrecognizedClientException",
                                   "The security token included in the request is invalid.");
    const std::string* token = req.headers.find("x-amz-security-token");
    const std::string& expected_token = creds->session_token.reveal();
    if ((token ? *token : std::string()) != expected_token)
        return detail::verify_fail(diag, errc::unrecognized_client, 403, "UnrecognizedClientException",
                                   "The security token included in the request is invalid.");

    const auto fmt = [](time_point t) { return http::format_amz_date(t); };
    const auto minutes = std::to_string(max_skew.count() / 60) + " min.";
    if (signed_at + max_skew < now)
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "Signature expired: " + *amz_date + " is now earlier than " + fmt(now - max_skew) + " (" + fmt(now) +
                                       " - " + minutes + ")");
    if (signed_at - max_skew > now)
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "Signature not yet current: " + *amz_date + " is still later than " + fmt(now + max_skew) + " (" +
                                       fmt(now) + " + " + minutes + ")");

    canonicalizer canon;
    if (!canon.select_listed(req.headers, parts.signed_headers))
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "A header listed in SignedHeaders is missing from the request.");
    std::string payload;
    crypto::digest d{};
    if (req.body.empty()) {
        payload.assign(empty_payload_hash.data(), empty_payload_hash.size());
    } else {
        crypto.sha256(req.body, d);
        appconfigdata::detail::append_hex(payload, d.data(), d.size());
    }
    if (const std::string* declared = req.headers.find("x-amz-content-sha256")) {
        if (*declared == "UNSIGNED-PAYLOAD") payload = *declared;
        else if (*declared != payload)
            return detail::verify_fail(diag, errc::invalid_signature, 400, "InvalidSignatureException",
                                       "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    std::string canonical;
    for (char ch : req.method) canonical.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
    canonical.push_back('\n');
    canon.append_uri(canonical, req.path, true, true);
    canonical.push_back('\n');
    canon.append_query(canonical, req.query);
    canonical.push_back('\n');
    canon.append_headers(canonical, req.headers);
    canonical.push_back('\n');
    canonical.append(parts.signed_headers);
    canonical.push_back('\n');
    canonical.append(payload);

    std::string sts;
    append_string_to_sign(crypto, sts, *amz_date, parts.date, parts.region, parts.service, canonical);
    crypto::digest key{};
    std::string scratch;
    derive_signing_key(crypto, creds->secret_access_key.reveal(), parts.date, parts.region, parts.service, key, scratch);
    crypto.hmac_sha256(key, sts, d);
    std::string expected;
    appconfigdata::detail::append_hex(expected, d.data(), d.size());
    for (auto& b : key) b = 0;
    if (!constant_time_equal(expected, parts.signature))
        return detail::verify_fail(diag, errc::invalid_signature, 403, "InvalidSignatureException",
                                   "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
                                   "Access Key and signing method. Consult the service documentation for details.\n\nThe String-to-Sign "
                                   "should have been\n'" + sts + "'\n");
    return {};
}

} // namespace sigv4
APPCONFIGDATA_NAMESPACE_END
