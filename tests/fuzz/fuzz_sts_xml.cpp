// STS XML: the XML reader and an STS exchange fed one arbitrary response (fuzz_input.hpp format).
// Invariants: xml::parse gives a document within its limits or a typed error whose message holds no
// content; an exchange answers ok / retry / error with a typed error; a reply read as credentials
// has a key id, secret and token; no secret from the reply (a SecretAccessKey or SessionToken
// containing '#', which no fixed text does) appears in the diagnostics unless the reply's
// Error/Code, Error/Message or RequestId (quoted on purpose) holds it too.
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/credentials/sts.hpp>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    std::string_view in = fuzz::as_text(data, size);
    const http::response r = fuzz::decode_response(in);

    detail::xml::document doc;
    std::string why;
    const std::error_code pec = detail::xml::parse(r.body, doc, why);
    std::vector<std::string> secrets;
    std::string echoed;
    if (pec) {
        fuzz::check_typed(pec, {errc::malformed_response, errc::response_too_large}, "xml: untyped error");
        fuzz::check(!why.empty(), "xml: error without a message");
    } else {
        const detail::xml::xml_limits lim;
        fuzz::check(doc.leaves.size() <= lim.max_elements, "xml: more leaves than elements allowed");
        for (const auto& leaf : doc.leaves) {
            std::size_t depth = 1;
            for (char c : leaf.first) depth += c == '/';
            fuzz::check(depth <= lim.max_depth, "xml: leaf deeper than the limit");
            const bool secret = fuzz::contains(leaf.first, "SecretAccessKey") || fuzz::contains(leaf.first, "SessionToken");
            if (secret && leaf.second.size() >= 4 && leaf.second.find('#') != std::string::npos) secrets.push_back(leaf.second);
            if (fuzz::contains(leaf.first, "Code") || fuzz::contains(leaf.first, "Message") || fuzz::contains(leaf.first, "RequestId"))
                echoed += leaf.second + "\n";
        }
        for (const char* result : {"AssumeRoleWithWebIdentityResult", "AssumeRoleResult"}) {
            credentials c;
            std::string why2;
            const std::error_code rec = detail::read_sts_credentials(doc, result, "sts", c, why2);
            if (rec) fuzz::check_typed(rec, {errc::malformed_response}, "sts: untyped error reading credentials");
            else fuzz::check(!c.access_key_id.empty() && !c.secret_access_key.empty() && !c.session_token.empty(), "sts: incomplete credentials");
        }
    }

    detail::sts_exchange x;
    http::url endpoint;
    endpoint.scheme = "https";
    endpoint.host = "sts.us-east-1.amazonaws.com";
    endpoint.path = "/";
    x.prepare(endpoint, "Action=AssumeRole&Version=2011-06-15");
    const time_point now = time_point{} + std::chrono::seconds(1795680000);
    fuzz::check(x.next(now).kind == action_kind::send, "sts: no send");
    detail::xml::document reply;
    std::error_code ec;
    diagnostics diag;
    const auto verdict = x.on_response(r, now, "AssumeRole", reply, ec, diag);
    if (verdict == detail::sts_exchange::verdict::error) {
        fuzz::check(ec && ec.category() == error_category(), "sts: error verdict without a typed error");
        std::ostringstream os;
        os << diag;
        for (const auto& s : secrets)
            if (echoed.find(s) == std::string::npos) fuzz::check(!fuzz::contains(os.str(), s), "sts: a secret leaked into diagnostics");
    } else if (verdict == detail::sts_exchange::verdict::ok) {
        fuzz::check(r.status == 200 && !pec, "sts: ok for a non-200 or unparsable reply");
    }
    return 0;
}
