// SigV4 canonicalisation of arbitrary requests. Input: one flags byte, then lines
//   method \n host \n path \n query \n region \n access key id \n session token \n
//   Name: value \n ... \n \n body
// Invariants: sign() returns {} or one of its documented errc values (and leaves the request
// untouched); on success the signature is 64 lower-case hex digits, signing the same request again
// (same signer, fresh signer, a signer that signed the previous input, with query_is_canonical when the
// query is canonical) gives the same request, and sigv4::verify accepts what sign() made.
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/sigv4/signer.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <string>

namespace {
using namespace appconfigdata;

bool is_lower_hex64(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    std::string_view in = fuzz::as_text(data + 1, size - 1);
    std::string_view method, host, path, query, region, key_id, token;
    fuzz::next_line(in, method);
    fuzz::next_line(in, host);
    fuzz::next_line(in, path);
    fuzz::next_line(in, query);
    fuzz::next_line(in, region);
    fuzz::next_line(in, key_id);
    fuzz::next_line(in, token);

    http::request req;
    req.method = std::string(method);
    req.host = std::string(host);
    req.path = std::string(path);
    req.query = std::string(query);
    std::string_view line;
    while (fuzz::next_line(in, line) && !line.empty()) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) req.headers.add(line, "");
        else req.headers.add(line.substr(0, colon), line.substr(colon + 1));
    }
    req.body = std::string(in);

    credentials creds;
    creds.access_key_id = key_id.empty() ? std::string("AKIDEXAMPLE") : std::string(key_id);
    creds.secret_access_key = std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if (flags & 1) creds.session_token = std::string(token.empty() ? std::string_view("TOKEN") : token);

    sigv4::signing_params p;
    p.region = region.empty() ? std::string_view("us-east-1") : region;
    p.service = "appconfig";
    p.time = time_point{} + std::chrono::seconds(1795680000); // 2026-11-26T08:00:00Z
    p.omit_session_token = (flags & 4) != 0;
    const bool presign = (flags & 2) != 0;

    sigv4::signer<adapters::botan_crypto> a;
    http::request first = req;
    const std::error_code ec = presign ? a.presign(first, creds, p, std::chrono::seconds(900)) : a.sign(first, creds, p);
    if (ec) {
        fuzz::check_typed(ec,
                          {errc::no_credentials, errc::invalid_credentials, errc::invalid_region, errc::invalid_argument, errc::invalid_url,
                           errc::invalid_header, errc::invalid_time},
                          "sign: untyped or undocumented error");
        fuzz::check(first == req, "sign: request changed on error");
        return 0;
    }
    fuzz::check(is_lower_hex64(a.signature()), "sign: signature is not 64 lower-case hex digits");
    const std::string signature(a.signature());

    http::request again = req;
    fuzz::check(!(presign ? a.presign(again, creds, p, std::chrono::seconds(900)) : a.sign(again, creds, p)), "sign: second signing failed");
    fuzz::check(again == first && a.signature() == signature, "sign: same signer, same request, different result");
    sigv4::signer<adapters::botan_crypto> b;
    http::request fresh = req;
    fuzz::check(!(presign ? b.presign(fresh, creds, p, std::chrono::seconds(900)) : b.sign(fresh, creds, p)), "sign: fresh signer failed");
    fuzz::check(fresh == first && b.signature() == signature, "sign: fresh signer gave a different result");

    // What a signer remembers between signatures (header layout, URI lines, date text, checked key id /
    // region / service) must never change a result: this signer lives across inputs, so it signs each
    // request right after some other one.
    static sigv4::signer<adapters::botan_crypto> shared;
    http::request remembered = req;
    fuzz::check(!(presign ? shared.presign(remembered, creds, p, std::chrono::seconds(900)) : shared.sign(remembered, creds, p)),
                "sign: long-lived signer failed");
    fuzz::check(remembered == first && shared.signature() == signature, "sign: long-lived signer gave a different result");
    // A query that is its own canonical form may be promised as such: same result.
    if (!presign && sigv4::detail::is_canonical_query(req.query)) {
        sigv4::signing_params promised = p;
        promised.query_is_canonical = true;
        http::request hinted = req;
        fuzz::check(!shared.sign(hinted, creds, promised), "sign: query_is_canonical refused a canonical query");
        fuzz::check(hinted == first && shared.signature() == signature, "sign: query_is_canonical changed the result");
    }

    // verify() recomputes the payload hash itself; a caller-made x-amz-content-sha256 is not sign()'s.
    if (!presign && !p.omit_session_token && !req.headers.find("x-amz-content-sha256")) {
        adapters::botan_crypto crypto;
        diagnostics diag;
        auto lookup = [&](const std::string& id) -> const credentials* { return id == creds.access_key_id ? &creds : nullptr; };
        const std::error_code vec = sigv4::verify(crypto, first, lookup, "appconfig", p.time, std::chrono::seconds(300), diag);
        if (vec) {
            std::fprintf(stderr, "verify: %s (%s)\n", vec.message().c_str(), diag.message.c_str());
            fuzz::fail("verify rejected what sign produced");
        }
    }
    return 0;
}
