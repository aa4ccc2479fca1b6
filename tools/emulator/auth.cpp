#include "auth.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <memory>

namespace emulator {

namespace acd = appconfigdata;

namespace {

// The region of "Credential=AKID/DATE/REGION/SERVICE/aws4_request" in an Authorization header,
// or an empty string when it cannot be found (the verifier then reports the malformed header).
std::string scope_region(const std::string& authorization) {
    const auto pos = authorization.find("Credential=");
    if (pos == std::string::npos) return {};
    std::string scope = authorization.substr(pos + 11);
    scope = scope.substr(0, scope.find_first_of(", "));
    std::size_t start = 0;
    for (int i = 0; i < 2; ++i) {
        start = scope.find('/', start);
        if (start == std::string::npos) return {};
        ++start;
    }
    const auto end = scope.find('/', start);
    return end == std::string::npos ? std::string() : scope.substr(start, end - start);
}

} // namespace

authenticator make_sigv4_authenticator(std::vector<key_pair> keys, std::string region) {
    struct state {
        std::vector<acd::credentials> creds;
        std::string region;
        acd::adapters::botan_crypto crypto;
    };
    auto st = std::make_shared<state>();
    for (auto& k : keys) {
        acd::credentials c;
        c.access_key_id = k.access_key_id;
        c.secret_access_key = k.secret_access_key;
        c.provider = "emulator";
        st->creds.push_back(std::move(c));
    }
    st->region = std::move(region);

    return [st](const acd::http::request& req, acd::time_point now) -> auth_outcome {
        auth_outcome out;
        const std::string* authorization = req.headers.find("Authorization");
        if (authorization && !st->region.empty()) {
            const std::string r = scope_region(*authorization);
            if (!r.empty() && r != st->region) {
                out.ec = acd::errc::invalid_signature;
                out.diag.http_status = 403;
                out.diag.error_type = "InvalidSignatureException";
                out.diag.message = "Credential should be scoped to a valid region, not '" + r + "'. ";
                return out;
            }
        }
        auto lookup = [&](std::string_view access_key_id) -> const acd::credentials* {
            for (const auto& c : st->creds)
                if (c.access_key_id == access_key_id) return &c;
            return nullptr;
        };
        out.ec = acd::sigv4::verify(st->crypto, req, lookup, "appconfig", now, std::chrono::minutes(5), out.diag);
        return out;
    };
}

} // namespace emulator
