// The container credentials provider (ECS task roles and EKS Pod Identity) as a state machine.
//
// Configuration (from the environment lookup):
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI  -> http://169.254.170.2 + the value (wins when both are set)
//   AWS_CONTAINER_CREDENTIALS_FULL_URI      -> used as is when https, or http to a loopback host
//                                              (127.0.0.0/8, [::1], localhost) or to 169.254.170.2,
//                                              169.254.170.23, [fd00:ec2::23]
//   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE  -> its content is the Authorization header (preferred; read
//                                              through the driver, action::read, on every fetch)
//   AWS_CONTAINER_AUTHORIZATION_TOKEN       -> the Authorization header
// Neither URI set: not_applicable (errc::no_credentials). The reply is JSON
// {AccessKeyId, SecretAccessKey, Token, Expiration, AccountId?}. 5xx, 429 and transport errors are
// retried (3 attempts, short backoff); other statuses fail with the status in the diagnostics.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/version.hpp>

#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

inline constexpr std::string_view container_ecs_host = "169.254.170.2";

struct container_options {
    environment_lookup environment;       // required: where the AWS_CONTAINER_* variables come from
    milliseconds timeout{2000};           // per request
    int max_attempts = 3;
    limits bounds = default_limits;
};

namespace detail {
// Dotted-quad IPv4 parse; false when `host` is not one.
inline bool parse_ipv4(std::string_view host, unsigned (&octets)[4]) noexcept {
    int part = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            if (part > 3) return false;
            std::string_view digits = host.substr(start, i - start);
            if (digits.empty() || digits.size() > 3 || !parse_unsigned(digits, octets[part]) || octets[part] > 255) return false;
            ++part;
            start = i + 1;
        }
    }
    return part == 4;
}
} // namespace detail

// True when plain http to `host` (lower-case, as http::url holds it) is allowed for container credentials.
inline bool container_http_host_allowed(std::string_view host) noexcept {
    if (host == "localhost" || host == "[::1]" || host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]")
        return true;
    unsigned o[4] = {0, 0, 0, 0};
    return detail::parse_ipv4(host, o) && o[0] == 127;
}

// Resolves the endpoint from the environment into `out`. Returns errc::no_credentials when neither
// variable is set (the provider does not apply), errc::invalid_url with `why` for a bad or
// disallowed URI. Does not throw.
inline std::error_code resolve_container_endpoint(const environment_lookup& env, http::url& out, std::string& why) {
    const std::string relative = detail::remote::env_value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const std::string full = detail::remote::env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!relative.empty()) {
        const std::string text = "http://" + std::string(container_ecs_host) + (relative.front() == '/' ? "" : "/") + relative;
        if (http::parse_url(text, out)) {
            why = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a valid URI path";
            return errc::invalid_url;
        }
        return {};
    }
    if (full.empty()) {
        why = "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set";
        return errc::no_credentials;
    }
    if (http::parse_url(full, out)) {
        why = "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute http(s) URI with a host";
        return errc::invalid_url;
    }
    if (out.scheme == "http" && !container_http_host_allowed(out.host)) {
        why = "AWS_CONTAINER_CREDENTIALS_FULL_URI uses http to host " + out.host +
              "; only https, loopback, 169.254.170.2, 169.254.170.23 and [fd00:ec2::23] are allowed";
        return errc::invalid_url;
    }
    return {};
}

class container_provider final : public credentials_provider {
public:
    enum class state { start, reading_token, waiting, sent, finished };

    explicit container_provider(container_options options) : options_(std::move(options)) { retry_.max_attempts = options_.max_attempts; }

    std::string_view name() const noexcept override { return "container"; }

    // See credentials_provider::next. The first call reads the configuration; a missing token file
    // fails (errc::io_failed) before any request is sent.
    action next(time_point now) override {
        switch (state_) {
        case state::start: return begin(now);
        case state::reading_token: return action::wait(time_point::max()); // the read is outstanding
        case state::waiting:
            if (now < resume_) return action::wait(resume_);
            return send();
        case state::sent: return action::wait(time_point::max()); // a response is outstanding: feed it
        case state::finished: return result_.status == provider_status::ready ? action::finished() : action::fail();
        }
        return action::fail();
    }

    std::error_code on_file(const file_result& f, time_point) override {
        if (state_ != state::reading_token) return errc::invalid_state;
        if (f.error) {
            finish(error_result(provider_status::failed, f.error == errc::not_supported ? f.error : make_error_code(errc::io_failed),
                                "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file_.path + ": " + f.error.message()));
            return {};
        }
        prepare(std::string(detail::trim(f.contents)));
        return {};
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        if (state_ != state::sent) return errc::invalid_state;
        if (r.status == 200) {
            credentials c;
            std::string why;
            if (r.body.size() > options_.bounds.max_credential_document) {
                fail(errc::response_too_large, "container credentials reply of " + std::to_string(r.body.size()) + " bytes is too large", &r);
                return {};
            }
            if (auto ec = detail::remote::parse_credential_document(r.body, options_.bounds.max_credential_document, name(), c, why)) {
                fail(ec, "container credentials reply: " + why, &r);
                return {};
            }
            finish(ready_result(std::move(c)));
            return {};
        }
        if (detail::remote::is_retryable_status(r.status) && retry_.can_retry()) {
            resume_ = retry_.resume_at(now);
            state_ = state::waiting;
            return {};
        }
        std::string message = "container credentials endpoint answered HTTP " + std::to_string(r.status);
        boost::json::object o;
        std::string why;
        if (!r.body.empty() && detail::remote::parse_json_object(r.body, options_.bounds.max_credential_document, o, why)) {
            if (const auto* m = detail::remote::json_string(o, "message"))
                message += ": " + std::string(detail::remote::sv(*m).substr(0, 512));
        }
        const errc code = (r.status == 401 || r.status == 403) ? errc::access_denied : errc::unexpected_status;
        fail(code, std::move(message), &r);
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
             detail::remote::transport_message("container credentials endpoint " + endpoint_.host + " did not answer", ec, retry_.used),
             nullptr);
        return {};
    }

    const provider_result& outcome() const noexcept override { return result_; }

    void restart() override {
        state_ = state::start;
        result_ = provider_result{};
        retry_.reset();
    }

    // The resolved endpoint (valid after the first next()).
    const http::url& endpoint() const noexcept { return endpoint_; }
    state current_state() const noexcept { return state_; }

private:
    action begin(time_point) {
        std::string why;
        if (auto ec = resolve_container_endpoint(options_.environment, endpoint_, why)) {
            finish(error_result(ec == errc::no_credentials ? provider_status::not_applicable : provider_status::failed, ec, std::move(why)));
            return action::fail();
        }
        token_file_.path = detail::remote::env_value(options_.environment, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        if (!token_file_.path.empty()) {
            token_file_.max_size = options_.bounds.max_credential_document;
            state_ = state::reading_token;
            return action::read(token_file_);
        }
        prepare(detail::remote::env_value(options_.environment, "AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        return next_after_prepare();
    }

    action next_after_prepare() { return state_ == state::finished ? action::fail() : send(); }

    // The request with `authorization` (may be empty); state waiting (due at once) or finished.
    void prepare(std::string authorization) {
        if (detail::remote::contains_line_break(authorization)) {
            finish(error_result(provider_status::failed, errc::invalid_header, "the container authorization token contains a line break"));
            return;
        }
        request_ = http::request{};
        request_.method = "GET";
        request_.scheme = endpoint_.scheme;
        request_.host = endpoint_.authority();
        request_.path = endpoint_.path;
        request_.query = endpoint_.query;
        request_.headers.add("Accept", "application/json");
        if (!authorization.empty()) request_.headers.add("Authorization", authorization);
        http::add_framing_headers(request_);
        retry_.reset();
        resume_ = time_point{};
        state_ = state::waiting;
    }

    void finish(provider_result r) {
        result_ = std::move(r);
        state_ = state::finished;
    }

    action send() {
        ++retry_.used;
        state_ = state::sent;
        return action::send(request_, options_.timeout);
    }

    void fail(std::error_code ec, std::string message, const http::response* r) {
        provider_result f = error_result(provider_status::failed, ec, {});
        if (r) detail::remote::status_diagnostics(f.diag, *r, std::move(message));
        else f.diag.message = std::move(message);
        finish(std::move(f));
    }

    container_options options_;
    file_request token_file_;
    state state_ = state::start;
    http::url endpoint_;
    http::request request_;
    detail::remote::retry_budget retry_;
    time_point resume_{};
    provider_result result_;
};

APPCONFIGDATA_NAMESPACE_END
