// Amazon Cognito identity pools as a credential provider (state machine), for programs that ship
// without AWS keys (games, desktop apps, devices). Two flows:
//
// enhanced (the default; "simplified" authflow):
//   1. GetId {"IdentityPoolId", "Logins"?}                  -> {"IdentityId"}   (skipped when an id is known)
//   2. GetCredentialsForIdentity {"IdentityId", "Logins"?, "CustomRoleArn"?}
//                                -> {"IdentityId", "Credentials": {AccessKeyId, SecretKey, SessionToken,
//                                                                  Expiration (epoch seconds, a number)}}
// basic (the "classic" authflow, for pools that require it; cognito_options::flow = cognito_flow::basic):
//   1. GetId as above
//   2. GetOpenIdToken {"IdentityId", "Logins"?}               -> {"IdentityId", "Token"}
//   3. STS AssumeRoleWithWebIdentity {RoleArn = cognito_options::role_arn, WebIdentityToken = Token}
//      through web_identity_provider (sts.hpp; unsigned; STS in the pool's region unless sts says otherwise)
// The Cognito calls are unsigned JSON 1.1 calls: POST / with Content-Type application/x-amz-json-1.1 and
// X-Amz-Target AWSCognitoIdentityService.<operation>, to https://cognito-identity[-fips].{region}.{suffix}/
// where the region is the pool id's prefix ("us-east-1:<uuid>") and the suffix comes from the one
// partition table (endpoint/partition.hpp), or to an explicit endpoint_url.
//
// The identity id: give a stored one in cognito_options::identity_id to skip GetId; the id in use is
// identity_id() and every change is reported to cognito_options::store_identity_id (so the caller
// persists it; "" means "forget the stored one"). A stored id answered NotAuthorizedException or
// ResourceNotFoundException is dropped and GetId is called once more (once per fetch). restart()
// keeps the id: a refresh calls only GetCredentialsForIdentity.
//
// Retries (max_attempts, short capped backoff): 5xx, TooManyRequestsException, transport errors.
// Other errors fail with the service's __type and message (login tokens redacted) in the
// diagnostics: NotAuthorizedException -> access_denied, ResourceNotFoundException ->
// resource_not_found, InvalidParameterException -> bad_request, TooManyRequestsException ->
// throttling, InternalErrorException -> internal_server, others -> service_error.
// Wrap it in cached_credentials_provider (default_chain.hpp) to refresh ahead of expiry.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/endpoint/resolver.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/sigv4/redact.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json/serialize.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class cognito_flow { enhanced, basic };

struct cognito_options {
    std::string identity_pool_id;                  // "us-east-1:0123abcd-..." (required)
    cognito_flow flow = cognito_flow::enhanced;
    std::map<std::string, secret_string> logins;   // provider name -> token (authenticated identities); never printed
    // provider name -> a file holding its token, read through the driver (action::read) at the start of
    // every fetch, so a token the application renews in the file is used on the next refresh.
    std::map<std::string, std::string> login_token_files;
    std::string custom_role_arn;                   // optional CustomRoleArn
    std::string identity_id;                       // a stored identity id: skips GetId
    std::function<void(const std::string& identity_id)> store_identity_id; // called when the id in use changes ("" = drop it)
    bool use_fips = false;                         // AWS_USE_FIPS_ENDPOINT
    bool use_dual_stack = false;                   // AWS_USE_DUALSTACK_ENDPOINT
    std::string endpoint_url;                      // explicit endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY); wins when set
    milliseconds timeout{5000};
    int max_attempts = 3;
    limits bounds = default_limits;
    // The basic flow only: the role to assume with the pool's OpenID token (required), the session name
    // ("" -> "appconfigdata-<unix seconds>") and STS (region "" -> the pool's region).
    std::string role_arn;
    std::string role_session_name;
    sts_endpoint_options sts;
};

// The region of an identity pool id "region:uuid" into `region`. Returns errc::invalid_argument with
// `why` when the id is malformed (the pattern is [\w-]+:[0-9a-f-]+, at most 55 characters) or
// errc::invalid_region when its prefix is not a valid region.
inline std::error_code cognito_pool_region(std::string_view pool_id, std::string& region, std::string& why) {
    const auto colon = pool_id.find(':');
    const auto bad = [&](std::string what) {
        why = "Cognito identity pool id " + std::move(what) + " (expected \"region:uuid\", e.g. \"us-east-1:0123abcd-...\")";
        return std::error_code(errc::invalid_argument);
    };
    if (pool_id.empty()) return bad("is empty");
    if (pool_id.size() > 55) return bad("is longer than 55 characters");
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == pool_id.size()) return bad("has no region prefix and id");
    for (std::size_t i = colon + 1; i < pool_id.size(); ++i) {
        const char c = pool_id[i];
        if (!detail::is_ascii_digit(c) && !(c >= 'a' && c <= 'f') && c != '-') return bad("has a character other than 0-9, a-f and '-' after the ':'");
    }
    const std::string_view r = pool_id.substr(0, colon);
    if (!endpoint::is_valid_region(r)) {
        why = "the region prefix of the Cognito identity pool id is not a valid region";
        return errc::invalid_region;
    }
    region = std::string(r);
    return {};
}

class cognito_identity_provider final : public credentials_provider {
public:
    enum class state { start, reading_logins, getting_id, getting_credentials, getting_token, assuming_role, finished };

    explicit cognito_identity_provider(cognito_options options) : options_(std::move(options)), identity_id_(options_.identity_id) {
        retry_.max_attempts = options_.max_attempts;
    }

    std::string_view name() const noexcept override { return "cognito"; }

    action next(time_point now) override {
        switch (state_) {
        case state::start: return begin(now);
        case state::assuming_role: return assume_role_next(now);
        case state::reading_logins:
            if (reading_) return action::wait(time_point::max()); // the read is outstanding
            reading_ = true;
            return action::read(login_file_);
        case state::getting_id:
        case state::getting_credentials:
        case state::getting_token:
            if (sent_) return action::wait(time_point::max()); // a response is outstanding
            if (now < resume_) return action::wait(resume_);
            ++retry_.used;
            sent_ = true;
            return action::send(request_, options_.timeout);
        case state::finished: break;
        }
        return result_.ready() ? action::finished() : action::fail();
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        if (state_ == state::assuming_role) return sts_->on_response(r, now);
        if (!sent_ || !calling_cognito()) return errc::invalid_state;
        sent_ = false;
        const std::string_view op = operation();
        if (r.body.size() > options_.bounds.max_credential_document) {
            fail(errc::response_too_large, "Cognito " + std::string(op) + " reply of " + std::to_string(r.body.size()) + " bytes is too large", &r);
            return {};
        }
        if (r.status != 200) {
            on_error_status(r, now);
            return {};
        }
        boost::json::object o;
        std::string why;
        if (!detail::remote::parse_json_object(r.body, options_.bounds.max_credential_document, o, why)) {
            fail(errc::malformed_response, "Cognito " + std::string(op) + " reply: " + why, &r);
            return {};
        }
        const auto* id = detail::remote::json_string(o, "IdentityId");
        if (state_ == state::getting_id) {
            if (!id || id->empty()) {
                fail(errc::malformed_response, "Cognito GetId reply has no IdentityId", &r);
                return {};
            }
            set_identity_id(std::string(detail::remote::sv(*id)));
            fresh_id_ = true;
            prepare_second_call();
            return {};
        }
        if (state_ == state::getting_token) {
            const auto* token = detail::remote::json_string(o, "Token");
            if (!token || token->empty()) {
                fail(errc::malformed_response, "Cognito GetOpenIdToken reply has no Token", &r);
                return {};
            }
            if (id && !id->empty() && detail::remote::sv(*id) != identity_id_) set_identity_id(std::string(detail::remote::sv(*id)));
            start_assume_role(std::string(detail::remote::sv(*token)));
            return {};
        }
        credentials c;
        if (auto ec = read_credentials(o, now, c, why)) {
            fail(ec, "Cognito GetCredentialsForIdentity reply: " + why, &r);
            return {};
        }
        if (id && !id->empty() && detail::remote::sv(*id) != identity_id_) set_identity_id(std::string(detail::remote::sv(*id)));
        result_ = ready_result(std::move(c));
        state_ = state::finished;
        return {};
    }

    std::error_code on_file(const file_result& f, time_point now) override {
        if (state_ != state::reading_logins || !reading_) return errc::invalid_state;
        reading_ = false;
        const std::string& provider = login_it_->first;
        if (f.error) {
            fail(f.error == errc::not_supported ? f.error : make_error_code(errc::io_failed),
                 "cannot read the Cognito login token file " + login_it_->second + " (provider " + provider + "): " + f.error.message(), nullptr);
            return {};
        }
        const std::string_view token = detail::trim(f.contents);
        if (token.empty()) {
            fail(errc::invalid_credentials, "the Cognito login token file " + login_it_->second + " (provider " + provider + ") is empty", nullptr);
            return {};
        }
        logins_[provider] = std::string(token);
        if (++login_it_ != options_.login_token_files.end()) {
            login_file_.path = login_it_->second;
            return {};
        }
        start_calls();
        (void)now;
        return {};
    }

    std::error_code on_transport_error(std::error_code error, time_point now) override {
        if (state_ == state::assuming_role) return sts_->on_transport_error(error, now);
        if (!sent_ || !calling_cognito()) return errc::invalid_state;
        sent_ = false;
        if (retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            return {};
        }
        fail(error ? error : make_error_code(errc::transport_failed),
             detail::remote::transport_message("Cognito " + std::string(operation()) + " to " + request_.host + " got no response", error,
                                               retry_.used),
             nullptr);
        return {};
    }

    const provider_result& outcome() const noexcept override { return result_; }
    state current_state() const noexcept { return state_; }

    // Starts over for fresh credentials; keeps the identity id (a refresh does not call GetId).
    void restart() override {
        state_ = state::start;
        result_ = provider_result{};
        sent_ = false;
        reading_ = false;
        retry_.reset();
        sts_.reset();
    }

    // The identity id in use ("" before the first GetId when none was stored).
    const std::string& identity_id() const noexcept { return identity_id_; }
    // The resolved endpoint (after the first next()).
    const http::url& endpoint() const noexcept { return endpoint_; }

private:
    std::string_view operation() const noexcept {
        switch (state_) {
        case state::getting_id: return "GetId";
        case state::getting_token: return "GetOpenIdToken";
        default: return "GetCredentialsForIdentity";
        }
    }
    bool calling_cognito() const noexcept {
        return state_ == state::getting_id || state_ == state::getting_credentials || state_ == state::getting_token;
    }

    action begin(time_point now) {
        std::string why;
        std::string region;
        if (auto ec = cognito_pool_region(options_.identity_pool_id, region, why)) {
            fail(ec, std::move(why), nullptr);
            return action::fail();
        }
        if (auto ec = endpoint::resolve_service_endpoint("cognito-identity", region, options_.use_fips, options_.use_dual_stack,
                                                         options_.endpoint_url, endpoint_)) {
            fail(ec, ec == errc::invalid_url ? "the Cognito Identity endpoint URL is not a valid http(s) URI" : "region is not a valid host label",
                 nullptr);
            return action::fail();
        }
        for (const auto& login : options_.logins) {
            if (login.first.empty() || login.second.empty()) {
                fail(errc::invalid_argument, "a Cognito login has an empty provider name or token", nullptr);
                return action::fail();
            }
        }
        for (const auto& login : options_.login_token_files) {
            if (login.first.empty() || login.second.empty()) {
                fail(errc::invalid_argument, "a Cognito login token file has an empty provider name or path", nullptr);
                return action::fail();
            }
        }
        if (options_.flow == cognito_flow::basic && options_.role_arn.empty()) {
            fail(errc::invalid_argument, "the basic Cognito flow needs the role to assume (cognito_options::role_arn)", nullptr);
            return action::fail();
        }
        region_ = std::move(region);
        logins_ = options_.logins;
        if (!options_.login_token_files.empty()) {
            login_it_ = options_.login_token_files.begin();
            login_file_.path = login_it_->second;
            login_file_.max_size = options_.bounds.max_credential_document;
            state_ = state::reading_logins;
        } else {
            start_calls();
        }
        return next(now);
    }

    void start_calls() {
        dropped_once_ = false;
        fresh_id_ = false;
        if (identity_id_.empty()) prepare_get_id();
        else prepare_second_call();
    }

    // After GetId: GetCredentialsForIdentity (enhanced) or GetOpenIdToken (basic).
    void prepare_second_call() {
        if (options_.flow == cognito_flow::basic) prepare_get_token();
        else prepare_get_credentials();
    }

    void prepare_get_token() {
        boost::json::object body;
        body["IdentityId"] = identity_id_;
        add_logins(body);
        prepare("GetOpenIdToken", boost::json::serialize(body));
        state_ = state::getting_token;
    }

    // The basic flow's last step: STS AssumeRoleWithWebIdentity with the pool's OpenID token.
    void start_assume_role(std::string token) {
        web_identity_options w;
        w.role_arn = options_.role_arn;
        w.web_identity_token = std::move(token);
        w.role_session_name = options_.role_session_name;
        w.endpoint = options_.sts;
        if (w.endpoint.region.empty()) w.endpoint.region = region_;
        w.timeout = options_.timeout;
        w.max_attempts = options_.max_attempts;
        w.bounds = options_.bounds;
        token_ = w.web_identity_token;
        sts_.emplace(std::move(w));
        state_ = state::assuming_role;
    }

    action assume_role_next(time_point now) {
        action a = sts_->next(now);
        if (a.kind != action_kind::done && a.kind != action_kind::failed) return a;
        result_ = sts_->outcome();
        if (result_.ready()) {
            result_.value.provider = std::string(name());
        } else {
            if (!result_.error) result_.error = errc::credential_provider_failed;
            result_.diag.message = "Cognito basic flow (STS AssumeRoleWithWebIdentity for " + options_.role_arn +
                                   "): " + (result_.diag.message.empty() ? result_.error.message() : result_.diag.message);
            redact();
        }
        token_ = secret_string{};
        sts_.reset();
        state_ = state::finished;
        return result_.ready() ? action::finished() : action::fail();
    }

    void add_logins(boost::json::object& body) const {
        if (logins_.empty()) return;
        boost::json::object logins;
        for (const auto& login : logins_) logins[login.first] = login.second.reveal();
        body["Logins"] = std::move(logins);
    }

    void prepare_get_id() {
        boost::json::object body;
        body["IdentityPoolId"] = options_.identity_pool_id;
        add_logins(body);
        prepare("GetId", boost::json::serialize(body));
        state_ = state::getting_id;
    }

    void prepare_get_credentials() {
        boost::json::object body;
        body["IdentityId"] = identity_id_;
        add_logins(body);
        if (!options_.custom_role_arn.empty()) body["CustomRoleArn"] = options_.custom_role_arn;
        prepare("GetCredentialsForIdentity", boost::json::serialize(body));
        state_ = state::getting_credentials;
    }

    void prepare(std::string_view op, std::string body) {
        request_ = http::request{};
        request_.method = "POST";
        request_.scheme = endpoint_.scheme;
        request_.host = endpoint_.authority();
        request_.path = endpoint_.path.empty() ? std::string("/") : endpoint_.path;
        request_.query = endpoint_.query;
        request_.headers.add("Content-Type", "application/x-amz-json-1.1");
        request_.headers.add("X-Amz-Target", "AWSCognitoIdentityService." + std::string(op));
        request_.body = std::move(body);
        http::add_framing_headers(request_);
        retry_.reset();
        resume_ = time_point{};
        sent_ = false;
    }

    void set_identity_id(std::string id) {
        identity_id_ = std::move(id);
        if (options_.store_identity_id) options_.store_identity_id(identity_id_);
    }

    std::error_code read_credentials(const boost::json::object& o, time_point now, credentials& out, std::string& why) const {
        const auto it = o.find("Credentials");
        if (it == o.end() || !it->value().is_object()) {
            why = "no Credentials object";
            return errc::malformed_response;
        }
        const boost::json::object& c = it->value().as_object();
        const auto* akid = detail::remote::json_string(c, "AccessKeyId");
        const auto* secret = detail::remote::json_string(c, "SecretKey");
        const auto* token = detail::remote::json_string(c, "SessionToken");
        if (!akid || akid->empty() || !secret || secret->empty() || !token || token->empty()) {
            why = "Credentials lacks AccessKeyId, SecretKey or SessionToken";
            return errc::malformed_response;
        }
        const auto e = c.find("Expiration");
        if (e == c.end() || !e->value().is_number()) {
            why = "Credentials has no numeric Expiration (epoch seconds)";
            return errc::malformed_response;
        }
        boost::json::error_code ec;
        const double seconds_since_epoch = e->value().to_number<double>(ec);
        if (ec || !std::isfinite(seconds_since_epoch) || seconds_since_epoch < 0 || seconds_since_epoch > 253402300799.0) {
            why = "Credentials has an Expiration out of range";
            return errc::malformed_response;
        }
        const time_point expiration{std::chrono::duration_cast<time_point::duration>(std::chrono::duration<double>(seconds_since_epoch))};
        if (expiration <= now) {
            why = "the credentials expired at " + http::format_iso8601(expiration) + ", before they arrived";
            return errc::credentials_expired;
        }
        credentials cr;
        cr.access_key_id = std::string(detail::remote::sv(*akid));
        cr.secret_access_key = std::string(detail::remote::sv(*secret));
        cr.session_token = std::string(detail::remote::sv(*token));
        cr.expiration = expiration;
        cr.provider = std::string(name());
        out = std::move(cr);
        return {};
    }

    void on_error_status(const http::response& r, time_point now) {
        std::string type, message;
        boost::json::object o;
        std::string why;
        if (!r.body.empty() && detail::remote::parse_json_object(r.body, options_.bounds.max_credential_document, o, why)) {
            if (const auto* t = detail::remote::json_string(o, "__type")) type = std::string(detail::remote::sv(*t));
            if (const auto* m = detail::remote::json_string(o, "message")) message = std::string(detail::remote::sv(*m));
            else if (const auto* m2 = detail::remote::json_string(o, "Message")) message = std::string(detail::remote::sv(*m2));
        }
        if (type.empty()) {
            if (const auto* h = r.headers.find("x-amzn-errortype")) type = *h;
        }
        // "com.amazonaws...#NotAuthorizedException" and "NotAuthorizedException:http://..." both name the code.
        if (const auto hash = type.find('#'); hash != std::string::npos) type.erase(0, hash + 1);
        if (const auto colon = type.find(':'); colon != std::string::npos) type.erase(colon);
        type = type.substr(0, 128);
        message = message.substr(0, 1024);

        if ((detail::remote::is_retryable_status(r.status) || type == "TooManyRequestsException") && retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            return;
        }
        // A stored identity id the pool no longer knows (or no longer lets in): forget it, get a new one once.
        if ((state_ == state::getting_credentials || state_ == state::getting_token) && !fresh_id_ && !dropped_once_ &&
            (type == "NotAuthorizedException" || type == "ResourceNotFoundException")) {
            dropped_once_ = true;
            set_identity_id(std::string());
            prepare_get_id();
            return;
        }
        errc code = errc::service_error;
        if (type == "NotAuthorizedException") code = errc::access_denied;
        else if (type == "ResourceNotFoundException") code = errc::resource_not_found;
        else if (type == "InvalidParameterException") code = errc::bad_request;
        else if (type == "TooManyRequestsException") code = errc::throttling;
        else if (type == "InternalErrorException") code = errc::internal_server;
        else if (type.empty()) code = r.status >= 500 ? errc::service_unavailable : errc::unexpected_status;
        fail(code, message.empty() ? "Cognito " + std::string(operation()) + " answered HTTP " + std::to_string(r.status) : std::move(message),
             &r);
        result_.diag.error_type = std::move(type);
        redact();
    }

    void fail(std::error_code ec, std::string message, const http::response* r) {
        result_ = error_result(provider_status::failed, ec, {});
        if (r) detail::remote::status_diagnostics(result_.diag, *r, std::move(message));
        else result_.diag.message = std::move(message);
        redact();
        state_ = state::finished;
        sent_ = false;
    }

    // The service may quote a login token back: none survives into the diagnostics.
    void redact() {
        if (logins_.empty() && options_.logins.empty() && token_.empty()) return;
        sigv4::redactor red;
        for (const auto& login : options_.logins) red.add_secret(login.second.reveal());
        for (const auto& login : logins_) red.add_secret(login.second.reveal());
        if (!token_.empty()) red.add_secret(token_.reveal());
        red(result_.diag);
    }

    cognito_options options_;
    std::string identity_id_;
    std::string region_;        // the pool's region
    std::optional<web_identity_provider> sts_; // the basic flow's AssumeRoleWithWebIdentity
    std::map<std::string, secret_string> logins_; // this fetch's logins: options' and those read from files
    std::map<std::string, std::string>::const_iterator login_it_;
    file_request login_file_;
    bool reading_ = false;
    secret_string token_;       // the basic flow's OpenID token while it is in use (redacted from errors)
    state state_ = state::start;
    http::url endpoint_;
    http::request request_;
    detail::remote::retry_budget retry_;
    time_point resume_{};
    bool sent_ = false;
    bool fresh_id_ = false;     // the id in use came from GetId during this fetch
    bool dropped_once_ = false; // a stored id was dropped during this fetch
    provider_result result_;
};

APPCONFIGDATA_NAMESPACE_END
