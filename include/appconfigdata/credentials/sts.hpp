// AWS STS as credential providers (state machines): AssumeRoleWithWebIdentity (unsigned) and
// AssumeRole (signed with source credentials). Both POST a form to the STS regional endpoint
// (https://sts.{region}.{partition suffix}/) and read the XML reply with detail/xml.hpp.
//
//   web identity: role_arn + web_identity_token_file (+ role_session_name) from AWS_ROLE_ARN /
//                 AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_SESSION_NAME or from profile keys;
//                 the token file is read through the injected file_reader on every fetch.
//   assume role:  answers need_credentials first; give it the source credentials with
//                 set_credentials(), then it signs (through the injected request_signer) and sends.
// Retries (3 attempts): 5xx, 429, transport errors, and the STS codes Throttling,
// IDPCommunicationError and (STS quirk) InternalFailure. Other STS errors fail with the STS error
// code, message and request id in the diagnostics, mapped to an errc (AccessDenied ->
// access_denied, ExpiredToken* -> expired_token, others -> service_error).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/detail/xml.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/sigv4/redact.hpp>
#include <appconfigdata/sigv4/signer.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

// Signs `request` in place with SigV4 for (region, service) at `now`. Returns an error code when
// it cannot. make_sigv4_request_signer<Crypto>() builds one over sigv4::signer<Crypto>.
using request_signer = std::function<std::error_code(http::request& request, const credentials& source, std::string_view region,
                                                     std::string_view service, time_point now)>;

// A request_signer over sigv4::signer<Crypto> (e.g. adapters::botan_crypto). The signer and its
// signing-key cache are shared by copies of the returned function; use it from one thread at a time.
template <class Crypto>
request_signer make_sigv4_request_signer(Crypto crypto = Crypto{}) {
    auto s = std::make_shared<sigv4::signer<Crypto>>(std::move(crypto));
    return [s](http::request& request, const credentials& source, std::string_view region, std::string_view service, time_point now) {
        sigv4::signing_params p;
        p.region = region;
        p.service = service;
        p.time = now;
        return s->sign(request, source, p);
    };
}

// How to reach STS.
struct sts_endpoint_options {
    std::string region;               // "" -> us-east-1
    bool use_fips = false;            // AWS_USE_FIPS_ENDPOINT / use_fips_endpoint
    bool use_dual_stack = false;      // AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint
    std::string endpoint_url;         // an explicit endpoint (AWS_ENDPOINT_URL_STS, ...); wins when set
};

// The DNS suffix of the partition `region` belongs to (endpoint/partition.hpp, the one table):
// amazonaws.com for the commercial partition, or the partition's dual-stack suffix.
inline std::string_view partition_dns_suffix(std::string_view region, bool dual_stack) noexcept {
    const endpoint::partition& p = endpoint::find_partition(region);
    return dual_stack ? p.dual_stack_dns_suffix : p.dns_suffix;
}

// Resolves the STS endpoint into `out`: endpoint_url when set, else
// https://sts[-fips].{region}.{suffix}/ (endpoint::resolve_service_endpoint). Returns
// errc::invalid_region / errc::invalid_url with `why`.
inline std::error_code resolve_sts_endpoint(const sts_endpoint_options& o, http::url& out, std::string& why) {
    const std::string_view region = o.region.empty() ? std::string_view("us-east-1") : std::string_view(o.region);
    const std::error_code ec = endpoint::resolve_service_endpoint("sts", region, o.use_fips, o.use_dual_stack, o.endpoint_url, out);
    if (ec == errc::invalid_url) why = "the STS endpoint URL is not a valid http(s) URI";
    else if (ec) why = "region is not a valid host label";
    return ec;
}

struct web_identity_options {
    std::string role_arn;
    std::string web_identity_token_file;
    secret_string web_identity_token;  // the token itself, when it is not in a file (Cognito's GetOpenIdToken): no read
    std::string role_session_name;    // "" -> "appconfigdata-<unix seconds>"
    sts_endpoint_options endpoint;
    milliseconds timeout{5000};
    int max_attempts = 3;
    limits bounds = default_limits;

    // From AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME. Returns nullopt (and
    // sets `why`) when the token file or the role ARN is not set: the provider does not apply.
    static std::optional<web_identity_options> from_environment(const environment_lookup& env, std::string& why) {
        web_identity_options o;
        o.web_identity_token_file = detail::remote::env_value(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
        o.role_arn = detail::remote::env_value(env, "AWS_ROLE_ARN");
        o.role_session_name = detail::remote::env_value(env, "AWS_ROLE_SESSION_NAME");
        if (o.web_identity_token_file.empty()) {
            why = "AWS_WEB_IDENTITY_TOKEN_FILE is not set";
            return std::nullopt;
        }
        if (o.role_arn.empty()) {
            why = "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not";
            return std::nullopt;
        }
        return o;
    }
};

struct assume_role_options {
    std::string role_arn;
    std::string role_session_name;    // "" -> "appconfigdata-<unix seconds>"
    std::string external_id;          // optional
    std::optional<seconds> duration;  // DurationSeconds; STS default (1 h) when empty
    sts_endpoint_options endpoint;
    request_signer sign;              // required
    milliseconds timeout{5000};
    int max_attempts = 3;
    limits bounds = default_limits;
};

namespace detail {

inline void append_form(std::string& body, std::string_view key, std::string_view value) {
    if (!body.empty()) body.push_back('&');
    body.append(key.data(), key.size());
    body.push_back('=');
    http::append_percent_encoded(body, value);
}

inline std::string default_session_name(time_point now) {
    return "appconfigdata-" + std::to_string(std::chrono::duration_cast<seconds>(now.time_since_epoch()).count());
}

// The request/response core shared by both STS providers.
class sts_exchange {
public:
    void configure(milliseconds timeout, int max_attempts, std::size_t max_body) {
        timeout_ = timeout;
        retry_.max_attempts = max_attempts;
        max_body_ = max_body;
    }

    // Prepares the POST of `form` to `endpoint`; the caller may sign request() before next().
    void prepare(const http::url& endpoint, std::string form) {
        request_ = http::request{};
        request_.method = "POST";
        request_.scheme = endpoint.scheme;
        request_.host = endpoint.authority();
        request_.path = endpoint.path;
        request_.query = endpoint.query;
        request_.headers.add("Content-Type", "application/x-www-form-urlencoded");
        request_.body = std::move(form);
        http::add_framing_headers(request_);
        retry_.reset();
        sent_ = waiting_ = false;
    }

    http::request& request() noexcept { return request_; }

    // send (the same request again on a retry: a signing caller signs it afresh before sending) or
    // wait_until (a response is outstanding, or the backoff before a retry).
    action next(time_point now) {
        if (sent_) return action::wait(time_point::max());
        if (waiting_ && now < resume_) return action::wait(resume_);
        waiting_ = false;
        ++retry_.used;
        sent_ = true;
        return action::send(request_, timeout_);
    }

    enum class verdict { ok, retry, error };

    // Classifies a response; on ok `doc` holds the parsed reply; on error `ec`/`diag` are set.
    verdict on_response(const http::response& r, time_point now, std::string_view operation, xml::document& doc, std::error_code& ec,
                        diagnostics& diag) {
        sent_ = false;
        diag.clear();
        std::string why;
        if (r.body.size() > max_body_) {
            ec = errc::response_too_large;
            remote::status_diagnostics(diag, r, "STS " + std::string(operation) + " reply of " + std::to_string(r.body.size()) + " bytes is too large");
            return verdict::error;
        }
        xml::xml_limits lim;
        lim.max_size = max_body_;
        const std::error_code parse_ec = xml::parse(r.body, doc, why, lim);
        if (r.status == 200) {
            if (parse_ec) {
                ec = parse_ec;
                remote::status_diagnostics(diag, r, "STS " + std::string(operation) + " reply: " + why);
                return verdict::error;
            }
            return verdict::ok;
        }
        std::string code, message, request_id;
        if (!parse_ec) {
            if (const auto* c = doc.find("Error/Code")) code = c->substr(0, 128);
            if (const auto* m = doc.find("Error/Message")) message = m->substr(0, 1024);
            if (const auto* id = doc.find("RequestId")) request_id = id->substr(0, 128);
        }
        const bool retryable = remote::is_retryable_status(r.status) || code == "Throttling" || code == "ThrottlingException" ||
                               code == "IDPCommunicationError" || code == "InternalFailure";
        if (retryable && retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            waiting_ = true;
            return verdict::retry;
        }
        remote::status_diagnostics(diag, r, message.empty() ? "STS " + std::string(operation) + " answered HTTP " + std::to_string(r.status) : message);
        diag.error_type = code;
        if (!request_id.empty()) diag.request_id = request_id;
        if (code == "AccessDenied") ec = errc::access_denied;
        else if (code == "ExpiredToken" || code == "ExpiredTokenException") ec = errc::expired_token;
        else if (code == "Throttling" || code == "ThrottlingException") ec = errc::throttling;
        else if (!code.empty()) ec = errc::service_error;
        else ec = r.status >= 500 ? errc::service_unavailable : errc::unexpected_status;
        return verdict::error;
    }

    // Returns true when a retry was scheduled; otherwise fills ec/diag.
    bool on_transport_error(std::error_code error, time_point now, std::string_view operation, std::error_code& ec, diagnostics& diag) {
        sent_ = false;
        if (retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            waiting_ = true;
            return true;
        }
        ec = error ? error : make_error_code(errc::transport_failed);
        diag.clear();
        diag.message = remote::transport_message("STS " + std::string(operation) + " to " + request_.host + " got no response", error, retry_.used);
        return false;
    }

    bool sent() const noexcept { return sent_; }
    bool waiting() const noexcept { return waiting_; }

private:
    http::request request_;
    milliseconds timeout_{5000};
    std::size_t max_body_ = default_limits.max_credential_document;
    remote::retry_budget retry_;
    time_point resume_{};
    bool sent_ = false, waiting_ = false;
};

// Reads <Credentials> and <AssumedRoleUser><Arn> from a successful reply.
inline std::error_code read_sts_credentials(const xml::document& doc, std::string_view result_element, std::string_view provider,
                                            credentials& out, std::string& why) {
    const std::string prefix = std::string(result_element) + "/";
    const auto* akid = doc.find(prefix + "Credentials/AccessKeyId");
    const auto* secret = doc.find(prefix + "Credentials/SecretAccessKey");
    const auto* token = doc.find(prefix + "Credentials/SessionToken");
    const auto* expiration = doc.find(prefix + "Credentials/Expiration");
    if (!akid || akid->empty() || !secret || secret->empty() || !token || token->empty()) {
        why = "the reply has no complete Credentials element";
        return errc::malformed_response;
    }
    credentials c;
    c.access_key_id = trim(*akid);
    c.secret_access_key = std::string(trim(*secret));
    c.session_token = std::string(trim(*token));
    if (expiration) {
        time_point t;
        if (http::parse_iso8601(trim(*expiration), t)) {
            why = "the reply has an invalid Credentials/Expiration";
            return errc::malformed_response;
        }
        c.expiration = t;
    }
    if (const auto* arn = doc.find(prefix + "AssumedRoleUser/Arn")) c.account_id = remote::account_from_arn(trim(*arn));
    c.provider = std::string(provider);
    out = std::move(c);
    return {};
}

} // namespace detail

namespace detail {

// What the two STS providers share: one exchange, the outcome, reading the reply into credentials.
class sts_provider_base : public credentials_provider {
public:
    enum class state { start, need_source, reading_token, exchanging, finished };

    std::error_code on_response(const http::response& r, time_point now) final {
        if (state_ != state::exchanging || !exchange_.sent()) return errc::invalid_state;
        detail::xml::document doc;
        std::error_code ec;
        diagnostics diag;
        switch (exchange_.on_response(r, now, operation_, doc, ec, diag)) {
        case detail::sts_exchange::verdict::retry: return {};
        case detail::sts_exchange::verdict::error: set_failed(ec, std::move(diag)); return {};
        case detail::sts_exchange::verdict::ok: break;
        }
        credentials c;
        std::string why;
        if (auto e = detail::read_sts_credentials(doc, std::string(operation_) + "Result", name(), c, why)) {
            diagnostics d;
            detail::remote::status_diagnostics(d, r, "STS " + std::string(operation_) + " reply: " + why);
            set_failed(e, std::move(d));
            return {};
        }
        result_ = ready_result(std::move(c));
        state_ = state::finished;
        return {};
    }

    std::error_code on_transport_error(std::error_code error, time_point now) final {
        if (state_ != state::exchanging || !exchange_.sent()) return errc::invalid_state;
        std::error_code ec;
        diagnostics diag;
        if (!exchange_.on_transport_error(error, now, operation_, ec, diag)) set_failed(ec, std::move(diag));
        return {};
    }

    const provider_result& outcome() const noexcept final { return result_; }
    state current_state() const noexcept { return state_; }

protected:
    sts_provider_base(std::string_view operation, milliseconds timeout, int max_attempts, const limits& bounds) : operation_(operation) {
        exchange_.configure(timeout, max_attempts, bounds.max_credential_document);
    }

    action finished_action() const { return result_.ready() ? action::finished() : action::fail(); }

    // The credentials the request was signed with (their secrets are redacted from STS's answers).
    virtual const credentials* source_credentials() const noexcept { return nullptr; }

    action finish_error(std::error_code ec) {
        result_ = error_result(provider_status::failed, ec, std::move(why_));
        state_ = state::finished;
        return action::fail();
    }

    void set_failed(std::error_code ec, diagnostics diag) {
        result_ = provider_result{};
        result_.status = provider_status::failed;
        result_.error = ec;
        result_.diag = std::move(diag);
        sigv4::redact(result_.diag, exchange_.request(), source_credentials()); // STS may quote the (signed) request and the web identity token
        state_ = state::finished;
    }

    // Starts the exchange: the form for `endpoint` (Action and Version first).
    void prepare(const http::url& endpoint, std::string form) {
        exchange_.prepare(endpoint, std::move(form));
        state_ = state::exchanging;
    }

    void reset(state s) {
        state_ = s;
        result_ = provider_result{};
    }

    std::string_view operation_;
    detail::sts_exchange exchange_;
    state state_ = state::start;
    std::string why_;
    provider_result result_;
};

} // namespace detail

// STS AssumeRoleWithWebIdentity. not_applicable never happens here (the caller decides whether web
// identity is configured, e.g. with web_identity_options::from_environment). The token file is read
// through the driver (action::read) on every fetch; an unreadable one fails with errc::io_failed
// before any request.
class web_identity_provider final : public detail::sts_provider_base {
public:
    explicit web_identity_provider(web_identity_options options)
        : sts_provider_base("AssumeRoleWithWebIdentity", options.timeout, options.max_attempts, options.bounds), options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "web-identity"; }

    action next(time_point now) override {
        switch (state_) {
        case state::start:
            if (options_.role_arn.empty()) {
                why_ = "web identity: `web_identity_token_file` was specified but `role_arn` was missing";
                return finish_error(errc::invalid_argument);
            }
            if (!options_.web_identity_token.empty()) {
                if (auto ec = exchange(options_.web_identity_token.reveal(), "the web identity token", now)) return finish_error(ec);
                return next(now);
            }
            token_file_.path = options_.web_identity_token_file;
            token_file_.max_size = options_.bounds.max_credential_document;
            state_ = state::reading_token;
            return action::read(token_file_);
        case state::reading_token: return action::wait(time_point::max()); // the read is outstanding
        case state::exchanging: return exchange_.next(now);
        case state::need_source:
        case state::finished: break;
        }
        return finished_action();
    }

    std::error_code on_file(const file_result& f, time_point now) override {
        if (state_ != state::reading_token) return errc::invalid_state;
        if (auto ec = begin(f, now)) finish_error(ec);
        return {};
    }

    void restart() override { reset(state::start); }

private:
    std::error_code begin(const file_result& f, time_point now) {
        if (f.error) {
            why_ = "web identity: cannot read the token file " + options_.web_identity_token_file + ": " + f.error.message();
            return f.error == errc::not_supported ? f.error : make_error_code(errc::io_failed);
        }
        return exchange(f.contents, "the token file " + options_.web_identity_token_file, now);
    }

    std::error_code exchange(std::string_view token, const std::string& what, time_point now) {
        const std::string_view jwt = detail::trim(token);
        if (jwt.empty()) {
            why_ = "web identity: " + what + " is empty";
            return errc::invalid_credentials;
        }
        http::url endpoint;
        if (auto e = resolve_sts_endpoint(options_.endpoint, endpoint, why_)) return e;
        std::string form;
        detail::append_form(form, "Action", "AssumeRoleWithWebIdentity");
        detail::append_form(form, "Version", "2011-06-15");
        detail::append_form(form, "RoleArn", options_.role_arn);
        detail::append_form(form, "RoleSessionName",
                            options_.role_session_name.empty() ? detail::default_session_name(now) : options_.role_session_name);
        detail::append_form(form, "WebIdentityToken", jwt);
        prepare(endpoint, std::move(form));
        return {};
    }

    web_identity_options options_;
    file_request token_file_;
};

// STS AssumeRole, signed with source credentials given through set_credentials (the machine answers
// need_credentials until then). Each retry is signed again (fresh X-Amz-Date).
class assume_role_provider final : public detail::sts_provider_base {
public:
    explicit assume_role_provider(assume_role_options options)
        : sts_provider_base("AssumeRole", options.timeout, options.max_attempts, options.bounds), options_(std::move(options)) {
        state_ = state::need_source;
    }

    std::string_view name() const noexcept override { return "assume-role"; }

    action next(time_point now) override {
        switch (state_) {
        case state::need_source: return action::credentials_needed();
        case state::exchanging: break;
        case state::start:
        case state::reading_token:
        case state::finished: return finished_action();
        }
        if (!exchange_.sent()) {
            action a = exchange_.next(now); // may be a wait
            if (a.kind != action_kind::send) return a;
            // Sign right before sending (each attempt gets its own date).
            exchange_.request().headers.erase("Authorization");
            exchange_.request().headers.erase("X-Amz-Date");
            exchange_.request().headers.erase("X-Amz-Security-Token");
            exchange_.request().headers.erase("X-Amz-Content-Sha256");
            if (!options_.sign) {
                why_ = "assume role: no request signer was configured";
                return finish_error(errc::invalid_argument);
            }
            if (auto ec = options_.sign(exchange_.request(), source_, region_, "sts", now)) {
                why_ = "assume role: signing the AssumeRole request failed: " + ec.message();
                return finish_error(ec);
            }
            return a;
        }
        return exchange_.next(now);
    }

    // The source credentials (legal in state need_source; later calls replace them for the next
    // restart and return errc::invalid_state).
    std::error_code set_credentials(const credentials& source, time_point now) override {
        source_ = source;
        if (state_ != state::need_source) return errc::invalid_state;
        if (source_.empty()) {
            why_ = "assume role: the source credentials are empty";
            finish_error(errc::invalid_credentials);
            return {};
        }
        http::url endpoint;
        if (auto ec = resolve_sts_endpoint(options_.endpoint, endpoint, why_)) {
            finish_error(ec);
            return {};
        }
        region_ = options_.endpoint.region.empty() ? std::string("us-east-1") : options_.endpoint.region;
        std::string form;
        detail::append_form(form, "Action", "AssumeRole");
        detail::append_form(form, "Version", "2011-06-15");
        detail::append_form(form, "RoleArn", options_.role_arn);
        detail::append_form(form, "RoleSessionName",
                            options_.role_session_name.empty() ? detail::default_session_name(now) : options_.role_session_name);
        if (!options_.external_id.empty()) detail::append_form(form, "ExternalId", options_.external_id);
        if (options_.duration) detail::append_form(form, "DurationSeconds", std::to_string(options_.duration->count()));
        prepare(endpoint, std::move(form));
        return {};
    }

    // Starts over: asks for (possibly refreshed) source credentials again.
    void restart() override { reset(state::need_source); }

    const std::string& role_arn() const noexcept { return options_.role_arn; }

private:
    const credentials* source_credentials() const noexcept override { return &source_; }

    assume_role_options options_;
    credentials source_;
    std::string region_;
};

APPCONFIGDATA_NAMESPACE_END
