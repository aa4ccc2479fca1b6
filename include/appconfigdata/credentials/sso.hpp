// IAM Identity Center (SSO) role credentials as a state machine.
//
// 1. Read the cached SSO access token: ~/.aws/sso/cache/<sha1 hex of the sso-session name, or of the
//    start URL for legacy profiles>.json = {"accessToken", "expiresAt", ...}. The path is given in
//    sso_options::token_cache_file (credentials/sso_cache.hpp computes it) and
//    read through the injected file_reader. A missing file or an expired token fails with a message
//    telling the user to run `aws sso login`.
// 2. GET https://portal.sso.{sso_region}.{partition DNS suffix}/federation/credentials?account_id=..&role_name=..
//    with header x-amz-sso_bearer_token, reply {"roleCredentials": {accessKeyId, secretAccessKey,
//    sessionToken, expiration (epoch milliseconds)}}.
// 5xx, 429 and transport errors are retried (3 attempts); 401/403 mean the SSO session is no longer
// valid (errc::expired_token / access_denied, again with the `aws sso login` hint).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/sigv4/redact.hpp>
#include <appconfigdata/version.hpp>

#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

struct sso_options {
    std::string sso_region;        // required
    std::string sso_start_url;     // informational (and the cache key of legacy profiles)
    std::string sso_session;       // the [sso-session NAME] when used (the cache key then)
    std::string sso_account_id;    // required
    std::string sso_role_name;     // required
    std::string token_cache_file;  // path of the cached token (see sso_token_cache_key)
    bool use_fips = false;
    bool use_dual_stack = false;
    std::string endpoint_url;      // explicit portal endpoint (wins when set)
    milliseconds timeout{5000};
    int max_attempts = 3;
    limits bounds = default_limits;
};

// The text whose lower-case hex SHA-1 names the token cache file: the session name when the
// profile uses sso_session, else the start URL.
inline std::string_view sso_token_cache_key(const sso_options& o) noexcept {
    return o.sso_session.empty() ? std::string_view(o.sso_start_url) : std::string_view(o.sso_session);
}

// Resolves the portal endpoint: endpoint_url when set, else https://portal.sso[-fips].{region}.{suffix}/
// (endpoint::resolve_service_endpoint). Returns errc::invalid_region / errc::invalid_url with `why`.
inline std::error_code resolve_sso_portal_endpoint(const sso_options& o, http::url& out, std::string& why) {
    const std::error_code ec =
        endpoint::resolve_service_endpoint("portal.sso", o.sso_region, o.use_fips, o.use_dual_stack, o.endpoint_url, out);
    if (ec == errc::invalid_url) why = "the SSO portal endpoint URL is not a valid http(s) URI";
    else if (ec) why = "sso_region is missing or not a valid region";
    return ec;
}

class sso_provider final : public credentials_provider {
public:
    enum class state { start, reading_cache, waiting, sent, finished };

    explicit sso_provider(sso_options options) : options_(std::move(options)) { retry_.max_attempts = options_.max_attempts; }

    std::string_view name() const noexcept override { return "sso"; }

    action next(time_point now) override {
        switch (state_) {
        case state::start: return begin();
        case state::waiting:
            if (now < resume_) return action::wait(resume_);
            return send();
        case state::reading_cache:
        case state::sent: return action::wait(time_point::max()); // an answer is outstanding
        case state::finished: return result_.status == provider_status::ready ? action::finished() : action::fail();
        }
        return action::fail();
    }

    std::error_code on_file(const file_result& f, time_point now) override {
        if (state_ != state::reading_cache) return errc::invalid_state;
        on_cache(f, now);
        return {};
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        if (state_ != state::sent) return errc::invalid_state;
        on_reply(r, now);
        return {};
    }

    std::error_code on_transport_error(std::error_code ec, time_point now) override {
        if (state_ != state::sent) return errc::invalid_state;
        if (retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            state_ = state::waiting;
            return {};
        }
        fail(ec ? ec : make_error_code(errc::transport_failed),
             detail::remote::transport_message("SSO portal " + request_.host + " did not answer", ec, retry_.used), nullptr);
        return {};
    }

    state current_state() const noexcept { return state_; }

    const provider_result& outcome() const noexcept override { return result_; }

    // Starts over, reading the token cache again (the user may have run `aws sso login`).
    void restart() override {
        state_ = state::start;
        result_ = provider_result{};
        retry_.reset();
    }

private:
    void on_reply(const http::response& r, time_point now) {
        if (r.body.size() > options_.bounds.max_credential_document)
            return fail(errc::response_too_large, "SSO GetRoleCredentials reply of " + std::to_string(r.body.size()) + " bytes is too large", &r);
        if (r.status == 200) return read_credentials(r);
        if (detail::remote::is_retryable_status(r.status) && retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            state_ = state::waiting;
            return;
        }
        std::string type, message;
        if (const auto* t = r.headers.find("x-amzn-errortype")) type = t->substr(0, t->find(':')).substr(0, 128);
        boost::json::object o;
        std::string why;
        if (!r.body.empty() && detail::remote::parse_json_object(r.body, options_.bounds.max_credential_document, o, why)) {
            if (const auto* m = detail::remote::json_string(o, "message")) message = std::string(detail::remote::sv(*m).substr(0, 512));
            else if (const auto* m2 = detail::remote::json_string(o, "Message")) message = std::string(detail::remote::sv(*m2).substr(0, 512));
            if (type.empty()) {
                if (const auto* t = detail::remote::json_string(o, "__type")) type = std::string(detail::remote::sv(*t).substr(0, 128));
            }
        }
        std::string text = "an error occurred while loading credentials from SSO GetRoleCredentials (HTTP " + std::to_string(r.status) + ")";
        if (!message.empty()) text += ": " + message;
        errc code = errc::unexpected_status;
        if (r.status == 401) {
            code = errc::expired_token;
            text += "; the SSO session is no longer valid: run `aws sso login`";
        } else if (r.status == 403) {
            code = errc::access_denied;
        } else if (r.status == 429) {
            code = errc::throttling;
        } else if (r.status >= 500) {
            code = errc::service_unavailable;
        } else if (r.status == 404) {
            code = errc::resource_not_found;
        }
        fail(code, std::move(text), &r);
        result_.diag.error_type = type;
        sigv4::redact(result_.diag, request_); // the portal's words may quote the bearer token
    }

    std::string login_hint() const {
        if (!options_.sso_session.empty()) return "run `aws sso login --sso-session " + options_.sso_session + "`";
        return "run `aws sso login`";
    }

    action begin() {
        if (options_.sso_account_id.empty() || options_.sso_role_name.empty()) {
            fail(errc::invalid_argument, "SSO: sso_account_id and sso_role_name are required", nullptr);
            return action::fail();
        }
        cache_file_.path = options_.token_cache_file;
        cache_file_.max_size = options_.bounds.max_credential_document;
        state_ = state::reading_cache;
        return action::read(cache_file_);
    }

    // Reads the cached token and prepares the request (state sent... waiting), or fails.
    void on_cache(const file_result& f, time_point now) {
        if (f.error) {
            fail(f.error == errc::not_supported ? f.error : make_error_code(errc::io_failed),
                 "SSO: failed to read the cached token `" + options_.token_cache_file + "`: " + f.error.message() + "; " + login_hint(), nullptr);
            return;
        }
        const std::string& text = f.contents;
        boost::json::object o;
        std::string why;
        if (!detail::remote::parse_json_object(text, options_.bounds.max_credential_document, o, why)) {
            fail(errc::malformed_document, "SSO: the cached token file is invalid (" + why + "); " + login_hint(), nullptr);
            return;
        }
        const auto* token = detail::remote::json_string(o, "accessToken");
        const auto* expires = detail::remote::json_string(o, "expiresAt");
        if (!token || token->empty() || !expires) {
            fail(errc::malformed_document, "SSO: the cached token file lacks accessToken or expiresAt; " + login_hint(), nullptr);
            return;
        }
        time_point expires_at;
        if (http::parse_iso8601(detail::remote::sv(*expires), expires_at)) {
            fail(errc::malformed_document, "SSO: the cached token has an invalid expiresAt; " + login_hint(), nullptr);
            return;
        }
        if (now >= expires_at) {
            fail(errc::expired_token, "SSO: the cached SSO token expired at " + http::format_iso8601(expires_at) + "; " + login_hint(), nullptr);
            return;
        }
        if (detail::remote::contains_line_break(detail::remote::sv(*token))) {
            fail(errc::malformed_document, "SSO: the cached token contains a line break; " + login_hint(), nullptr);
            return;
        }
        http::url endpoint;
        if (auto e = resolve_sso_portal_endpoint(options_, endpoint, why)) {
            fail(e, "SSO: " + why, nullptr);
            return;
        }
        request_ = http::request{};
        request_.method = "GET";
        request_.scheme = endpoint.scheme;
        request_.host = endpoint.authority();
        request_.path = (endpoint.path == "/" ? std::string() : endpoint.path) + "/federation/credentials";
        std::string q = "account_id=";
        http::append_percent_encoded(q, options_.sso_account_id);
        q += "&role_name=";
        http::append_percent_encoded(q, options_.sso_role_name);
        request_.query = std::move(q);
        request_.headers.add("x-amz-sso_bearer_token", detail::remote::sv(*token));
        http::add_framing_headers(request_);
        retry_.reset();
        resume_ = time_point{};
        state_ = state::waiting;
    }

    action send() {
        ++retry_.used;
        state_ = state::sent;
        return action::send(request_, options_.timeout);
    }

    void read_credentials(const http::response& r) {
        boost::json::object o;
        std::string why;
        if (!detail::remote::parse_json_object(r.body, options_.bounds.max_credential_document, o, why))
            return fail(errc::malformed_response, "SSO GetRoleCredentials reply: " + why, &r);
        auto it = o.find("roleCredentials");
        if (it == o.end() || !it->value().is_object()) return fail(errc::malformed_response, "SSO GetRoleCredentials reply has no roleCredentials", &r);
        const auto& rc = it->value().get_object();
        const auto* akid = detail::remote::json_string(rc, "accessKeyId");
        const auto* secret = detail::remote::json_string(rc, "secretAccessKey");
        const auto* token = detail::remote::json_string(rc, "sessionToken");
        if (!akid || akid->empty() || !secret || secret->empty())
            return fail(errc::malformed_response, "SSO GetRoleCredentials reply lacks accessKeyId or secretAccessKey", &r);
        credentials c;
        c.access_key_id = std::string(detail::remote::sv(*akid));
        c.secret_access_key = std::string(detail::remote::sv(*secret));
        if (token) c.session_token = std::string(detail::remote::sv(*token));
        auto exp = rc.find("expiration");
        if (exp != rc.end()) {
            std::int64_t ms = 0;
            if (exp->value().is_int64()) ms = exp->value().get_int64();
            else if (exp->value().is_uint64() && exp->value().get_uint64() < (1ull << 62)) ms = static_cast<std::int64_t>(exp->value().get_uint64());
            else return fail(errc::malformed_response, "SSO GetRoleCredentials reply has an invalid expiration", &r);
            c.expiration = time_point(std::chrono::duration_cast<duration>(milliseconds(ms)));
        }
        c.account_id = options_.sso_account_id;
        c.provider = std::string(name());
        result_ = ready_result(std::move(c));
        state_ = state::finished;
    }

    void fail(std::error_code ec, std::string message, const http::response* r) {
        result_ = provider_result{};
        result_.status = provider_status::failed;
        result_.error = ec;
        if (r) detail::remote::status_diagnostics(result_.diag, *r, std::move(message));
        else result_.diag.message = std::move(message);
        state_ = state::finished;
    }

    sso_options options_;
    file_request cache_file_;
    state state_ = state::start;
    http::request request_;
    detail::remote::retry_budget retry_;
    time_point resume_{};
    provider_result result_;
};

APPCONFIGDATA_NAMESPACE_END
