// Credential JSON: the IMDS / container credential document, credential_process output, and the
// container and IMDS provider machines fed arbitrary responses. Input: one mode byte, then either a
// document (modes 0, 1) or responses in fuzz_input.hpp's format separated by "\n\0\n" (modes 2, 3;
// a status line of "000" stands for a transport error).
// Invariants: parsers give {} with a key id and a secret, or a typed error; provider machines end
// within a bounded number of steps with ready (non-empty credentials) or a typed error; no message
// or printed result holds a secret from a document (checked for values containing '#', which no
// fixed message text does, unless the value also sits in a field that is echoed on purpose).
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/credentials/container.hpp>
#include <appconfigdata/credentials/imds.hpp>
#include <appconfigdata/credentials/process.hpp>

#include <boost/json.hpp>

#include <sstream>
#include <vector>

namespace {
using namespace appconfigdata;

// Secret-looking values in `body` (SecretAccessKey / Token / SessionToken strings with a '#'),
// minus those also present in fields that errors quote on purpose (Code, message).
void collect_secrets(std::string_view body, std::vector<std::string>& secrets, std::vector<std::string>& echoed) {
    boost::system::error_code jec;
    const boost::json::value v = boost::json::parse(boost::json::string_view(body.data(), body.size()), jec);
    if (jec || !v.is_object()) return;
    for (const auto& kv : v.get_object()) {
        if (!kv.value().is_string()) continue;
        const std::string value(kv.value().get_string().data(), kv.value().get_string().size());
        const std::string_view key(kv.key().data(), kv.key().size());
        if (key == "SecretAccessKey" || key == "Token" || key == "SessionToken") {
            if (value.size() >= 4 && value.find('#') != std::string::npos) secrets.push_back(value);
        } else {
            echoed.push_back(value);
        }
    }
}

void check_no_secret(std::string_view text, const std::vector<std::string>& secrets, const std::vector<std::string>& echoed) {
    for (const auto& s : secrets) {
        bool quoted_on_purpose = false;
        for (const auto& e : echoed)
            if (e.find(s) != std::string::npos) quoted_on_purpose = true;
        if (!quoted_on_purpose && text.find(s) != std::string_view::npos) fuzz::fail("a secret from a credential document leaked into a message");
    }
}

void drive(credentials_provider& p, std::string_view in, std::vector<std::string>& secrets, std::vector<std::string>& echoed) {
    time_point now = time_point{} + std::chrono::seconds(1795680000);
    int steps = 0;
    for (;; ++steps) {
        fuzz::check(steps < 200, "provider: no end after 200 steps");
        const action a = p.next(now);
        if (a.kind == action_kind::done || a.kind == action_kind::failed) break;
        if (a.kind == action_kind::need_credentials) fuzz::fail("provider: asks for credentials");
        if (a.kind == action_kind::wait_until) {
            fuzz::check(a.when > now && a.when != (time_point::max)(), "provider: waits for nothing");
            now = a.when;
            continue;
        }
        if (in.empty()) {
            p.on_transport_error(errc::timeout, now);
            continue;
        }
        const http::response r = fuzz::decode_response(in);
        if (r.status == 0) {
            p.on_transport_error(errc::transport_failed, now);
            continue;
        }
        collect_secrets(r.body, secrets, echoed);
        now += std::chrono::milliseconds(5);
        p.on_response(r, now);
    }
    const provider_result& res = p.outcome();
    if (res.status == provider_status::ready) {
        fuzz::check(!res.value.empty(), "provider: ready with empty credentials");
    } else {
        fuzz::check(res.status == provider_status::failed || res.status == provider_status::not_applicable, "provider: ended pending");
        fuzz::check(res.error && res.error.category() == error_category(), "provider: untyped error");
    }
    std::ostringstream os;
    os << res;
    check_no_secret(os.str(), secrets, echoed);
    check_no_secret(res.diag.message, secrets, echoed);
}

std::optional<std::string> container_env(std::string_view name) {
    if (name == "AWS_CONTAINER_CREDENTIALS_FULL_URI") return std::string("http://127.0.0.1:8080/creds");
    return std::nullopt;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int mode = data[0] % 4;
    const std::string_view in = fuzz::as_text(data + 1, size - 1);
    std::vector<std::string> secrets, echoed;
    if (mode == 0 || mode == 1) {
        collect_secrets(in, secrets, echoed);
        credentials c;
        std::error_code ec;
        std::string why;
        if (mode == 0) {
            ec = detail::remote::parse_credential_document(in, default_limits.max_credential_document, "container", c, why);
            if (ec) fuzz::check_typed(ec, {errc::malformed_response, errc::credential_provider_failed, errc::response_too_large}, "document: untyped error");
        } else {
            diagnostics diag;
            ec = parse_credential_process_output(in, c, &diag);
            why = diag.message;
            if (ec) fuzz::check_typed(ec, {errc::process_failed, errc::limit_exceeded}, "process: untyped error");
        }
        if (ec) {
            fuzz::check(!why.empty(), "credential JSON: error without a message");
            fuzz::check(c.empty(), "credential JSON: output changed on error");
            check_no_secret(why, secrets, echoed);
        } else {
            fuzz::check(!c.empty() && !c.provider.empty(), "credential JSON: success without credentials");
        }
        std::ostringstream os;
        os << c;
        for (const auto& s : secrets)
            if (s.size() >= 12 && os.str().find(s) != std::string::npos && c.access_key_id.find(s) == std::string::npos)
                fuzz::fail("credentials operator<< printed a secret");
        return 0;
    }
    if (mode == 2) {
        container_options o;
        o.environment = container_env;
        o.max_attempts = 2;
        container_provider p(o);
        drive(p, in, secrets, echoed);
    } else {
        imds_options o;
        o.max_attempts = 2;
        imds_credentials_provider p(o);
        drive(p, in, secrets, echoed);
    }
    return 0;
}
