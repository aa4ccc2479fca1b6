#include "auth.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/sigv4/authorization.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <memory>

namespace emulator {

namespace acd = appconfigdata;

authenticator make_sigv4_authenticator(std::vector<key_pair> keys, std::string region, bool any_session_token) {
    struct state {
        std::vector<acd::credentials> creds;
        std::string region;
        bool any_session_token = false;
        acd::adapters::botan_crypto crypto;
    };
    auto st = std::make_shared<state>();
    for (auto& k : keys) {
        acd::credentials c;
        c.access_key_id = k.access_key_id;
        c.secret_access_key = k.secret_access_key;
        c.session_token = k.session_token;
        c.provider = "emulator";
        st->creds.push_back(std::move(c));
    }
    st->region = std::move(region);
    st->any_session_token = any_session_token;

    return [st](const acd::http::request& req, acd::time_point now) -> auth_outcome {
        auth_outcome out;
        // The region rule needs the credential scope: the library's parser takes the header apart (a
        // malformed one is left to the verifier, which names the problem).
        if (!st->region.empty()) {
            acd::sigv4::authorization_parts parts;
            const std::string* authorization = req.headers.find("Authorization");
            if (authorization && !acd::sigv4::parse_authorization(*authorization, parts) && parts.region != st->region) {
                out.ec = acd::errc::invalid_signature;
                out.diag.http_status = 403;
                out.diag.error_type = "InvalidSignatureException";
                out.diag.message = "Credential should be scoped to a valid region, not '" + parts.region + "'. ";
                return out;
            }
        }
        // With --any-session-token the verifier is shown the pair with the token the request carries,
        // so the comparison passes whatever it is; the signature is checked all the same.
        acd::credentials presented;
        auto lookup = [&](std::string_view access_key_id) -> const acd::credentials* {
            for (const auto& c : st->creds) {
                if (c.access_key_id != access_key_id) continue;
                if (!st->any_session_token) return &c;
                presented = c;
                const std::string* token = req.headers.find("x-amz-security-token");
                presented.session_token = token ? *token : std::string();
                return &presented;
            }
            return nullptr;
        };
        out.ec = acd::sigv4::verify(st->crypto, req, lookup, "appconfig", now, std::chrono::minutes(5), out.diag);
        return out;
    };
}

} // namespace emulator
