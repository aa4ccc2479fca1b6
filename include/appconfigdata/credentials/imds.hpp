// EC2 instance metadata (IMDSv2 only) as state machines: role credentials and the region.
//
// Flow: PUT /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds: 21600) -> session token;
// GET /latest/meta-data/iam/security-credentials/ -> role name; GET .../<role> -> credentials JSON.
// Every GET carries x-aws-ec2-metadata-token. There is never an IMDSv1 fallback: when the token
// cannot be had, the provider stops. The session token is kept and reused (across restarts) until
// a minute before it expires, or until IMDS answers 401.
//
// Endpoint, highest precedence first: an endpoint set in code, AWS_EC2_METADATA_SERVICE_ENDPOINT,
// profile ec2_metadata_service_endpoint, a mode set in code, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE,
// profile ec2_metadata_service_endpoint_mode, IPv4. Mode IPv4 -> http://169.254.169.254,
// IPv6 -> http://[fd00:ec2::254] (case-insensitive). AWS_EC2_METADATA_DISABLED=true turns IMDS off.
//
// Fail fast: 1 s per request (action::timeout), and a transport error on the very first request
// (the session-token PUT before IMDS ever answered) is not retried, as the AWS CLI's default of one
// metadata attempt: a machine without IMDS gives up after one timeout with status not_applicable
// ("not reachable"). Once IMDS has answered, 5xx, 429 and transport errors are retried (3 attempts).
// AWS_METADATA_SERVICE_TIMEOUT (seconds) and AWS_METADATA_SERVICE_NUM_ATTEMPTS (or the profile's
// metadata_service_timeout / metadata_service_num_attempts) override the timeout and the attempts,
// the latter also for the first contact.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/http/url.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

inline constexpr std::string_view imds_ipv4_endpoint = "http://169.254.169.254";
inline constexpr std::string_view imds_ipv6_endpoint = "http://[fd00:ec2::254]";
inline constexpr std::string_view imds_token_path = "/latest/api/token";
inline constexpr std::string_view imds_credentials_path = "/latest/meta-data/iam/security-credentials/";
inline constexpr std::string_view imds_region_path = "/latest/meta-data/placement/region";

// Where the IMDS endpoint settings come from; each is empty/nullopt when not given.
struct imds_endpoint_inputs {
    std::optional<std::string> endpoint_override;     // set in code
    std::optional<std::string> mode_override;         // set in code: "IPv4" / "IPv6"
    std::optional<std::string> env_endpoint;          // AWS_EC2_METADATA_SERVICE_ENDPOINT
    std::optional<std::string> env_mode;              // AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
    std::optional<std::string> profile_endpoint;      // profile ec2_metadata_service_endpoint
    std::optional<std::string> profile_mode;          // profile ec2_metadata_service_endpoint_mode

    // Reads the two environment variables and the two profile keys (`profile_value` may be empty).
    static imds_endpoint_inputs from(const environment_lookup& env,
                                     const std::function<std::optional<std::string>(std::string_view)>& profile_value) {
        imds_endpoint_inputs in;
        auto pick = [](std::string v) -> std::optional<std::string> {
            if (v.empty()) return std::nullopt;
            return v;
        };
        in.env_endpoint = pick(detail::remote::env_value(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT"));
        in.env_mode = pick(detail::remote::env_value(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"));
        if (profile_value) {
            if (auto v = profile_value("ec2_metadata_service_endpoint")) in.profile_endpoint = pick(std::string(detail::trim(*v)));
            if (auto v = profile_value("ec2_metadata_service_endpoint_mode")) in.profile_mode = pick(std::string(detail::trim(*v)));
        }
        return in;
    }
};

// Resolves the IMDS base URL (scheme://host[:port][/prefix], no trailing '/') into `out`.
// Returns errc::invalid_url (bad endpoint) or errc::invalid_argument (mode other than IPv4/IPv6)
// with `why` saying which setting was wrong. Does not throw.
inline std::error_code resolve_imds_endpoint(const imds_endpoint_inputs& in, std::string& out, std::string& why) {
    auto use_endpoint = [&](const std::string& text, const char* source) -> std::error_code {
        http::url u;
        if (http::parse_url(text, u)) {
            why = std::string(source) + " is not a valid http(s) URI";
            return errc::invalid_url;
        }
        out = u.scheme + "://" + u.authority() + (u.path == "/" ? std::string() : u.path);
        while (!out.empty() && out.back() == '/') out.pop_back();
        return {};
    };
    auto use_mode = [&](const std::string& mode, const char* source) -> std::error_code {
        if (detail::iequals(mode, "IPv4")) {
            out = std::string(imds_ipv4_endpoint);
            return {};
        }
        if (detail::iequals(mode, "IPv6")) {
            out = std::string(imds_ipv6_endpoint);
            return {};
        }
        why = "`" + mode.substr(0, 64) + "` is not a valid endpoint mode (" + source + "; expected IPv4 or IPv6)";
        return errc::invalid_argument;
    };
    if (in.endpoint_override) return use_endpoint(*in.endpoint_override, "the IMDS endpoint set in code");
    if (in.env_endpoint) return use_endpoint(*in.env_endpoint, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (in.profile_endpoint) return use_endpoint(*in.profile_endpoint, "profile ec2_metadata_service_endpoint");
    if (in.mode_override) return use_mode(*in.mode_override, "the IMDS endpoint mode set in code");
    if (in.env_mode) return use_mode(*in.env_mode, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (in.profile_mode) return use_mode(*in.profile_mode, "profile ec2_metadata_service_endpoint_mode");
    out = std::string(imds_ipv4_endpoint);
    return {};
}

// True when AWS_EC2_METADATA_DISABLED is "true" (any case).
inline bool imds_disabled(const environment_lookup& env) {
    return detail::iequals(detail::remote::env_value(env, "AWS_EC2_METADATA_DISABLED"), "true");
}

struct imds_options {
    imds_endpoint_inputs endpoint;     // see resolve_imds_endpoint
    bool disabled = false;             // AWS_EC2_METADATA_DISABLED: the provider does not apply
    milliseconds timeout{1000};        // per request
    int max_attempts = 3;              // per request
    int first_contact_attempts = 1;    // attempts of the first token PUT on transport errors (IMDS never answered yet)
    seconds token_ttl{21600};          // asked for in the token PUT
    limits bounds = default_limits;

    // Endpoint settings and the disabled switch from the environment and the profile.
    static imds_options from(const environment_lookup& env,
                             const std::function<std::optional<std::string>(std::string_view)>& profile_value = {}) {
        imds_options o;
        o.endpoint = imds_endpoint_inputs::from(env, profile_value);
        o.disabled = imds_disabled(env);
        auto setting = [&](const char* env_name, const char* key) -> std::string {
            std::string v = detail::remote::env_value(env, env_name);
            if (v.empty() && profile_value) {
                if (auto p = profile_value(key)) v = std::string(detail::trim(*p));
            }
            return v;
        };
        unsigned n = 0;
        if (detail::parse_unsigned(setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout"), n) && n > 0 && n <= 3600)
            o.timeout = std::chrono::seconds(n);
        if (detail::parse_unsigned(setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts"), n) && n > 0 && n <= 10)
            o.max_attempts = o.first_contact_attempts = static_cast<int>(n);
        return o;
    }
};

namespace detail {

// One IMDSv2 GET with the session-token dance in front of it; reused by the credential and the
// region machines. States: idle -> (token) -> get -> have_body | error.
class imds_flow {
public:
    enum class outcome { working, have_body, error };

    void configure(std::string base, const imds_options& o) {
        base_ = std::move(base);
        http::url u;
        (void)http::parse_url(base_ + "/", u);
        scheme_ = u.scheme;
        host_ = u.authority();
        prefix_ = u.path == "/" ? std::string() : u.path;
        while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
        timeout_ = o.timeout;
        ttl_ = o.token_ttl;
        max_body_ = o.bounds.max_credential_document;
        retry_.max_attempts = o.max_attempts;
        first_contact_attempts_ = o.first_contact_attempts;
    }

    // Starts a GET of `path` (absolute, e.g. imds_region_path). Keeps a still-valid session token.
    void get(std::string path, time_point now) {
        path_ = std::move(path);
        outcome_ = outcome::working;
        body_.clear();
        error_ = {};
        diag_.clear();
        not_applicable_ = false;
        token_refetched_ = false;
        retry_.reset();
        step_ = have_token(now) ? step::get : step::token;
        sent_ = false;
        waiting_ = false;
    }

    action next(time_point now) {
        if (outcome_ == outcome::have_body) return action::finished();
        if (outcome_ == outcome::error) return action::fail();
        if (sent_) return action::wait(time_point::max());
        if (waiting_ && now < resume_) return action::wait(resume_);
        waiting_ = false;
        build(step_ == step::token);
        ++retry_.used;
        sent_ = true;
        return action::send(request_, timeout_);
    }

    std::error_code on_response(const http::response& r, time_point now) {
        if (!sent_ || outcome_ != outcome::working) return errc::invalid_state;
        answer(r, now);
        return {};
    }

    std::error_code on_transport_error(std::error_code ec, time_point now) {
        if (!sent_ || outcome_ != outcome::working) return errc::invalid_state;
        sent_ = false;
        const bool first_contact = !contacted_ && step_ == step::token;
        if (retry_.can_retry() && (!first_contact || retry_.used < first_contact_attempts_)) {
            schedule(now);
            return {};
        }
        // Unreachable IMDS means "not on EC2": the provider does not apply.
        error(ec ? ec : make_error_code(errc::transport_failed), true,
              remote::transport_message("instance metadata service not reachable at " + base_, ec, retry_.used), nullptr);
        return {};
    }

    outcome state() const noexcept { return outcome_; }
    const std::string& body() const noexcept { return body_; }
    std::error_code error_code() const noexcept { return error_; }
    const diagnostics& diag() const noexcept { return diag_; }
    bool not_applicable() const noexcept { return not_applicable_; }
    bool have_token(time_point now) const noexcept { return !token_.empty() && now < token_expiry_; }
    const std::string& base() const noexcept { return base_; }

private:
    enum class step { token, get };

    void answer(const http::response& r, time_point now) {
        sent_ = false;
        contacted_ = true; // IMDS answered (whatever it said): later transport errors are retried
        if (r.body.size() > max_body_) return error(errc::response_too_large, false, "IMDS reply of " + std::to_string(r.body.size()) + " bytes is too large", &r);
        if (step_ == step::token) {
            if (r.status == 200) {
                std::string_view token = trim(r.body);
                if (token.empty() || remote::contains_line_break(token) || token.size() > 4096)
                    return error(errc::malformed_response, false, "IMDS returned an unusable session token", &r);
                token_ = std::string(token);
                contacted_ = true;
                seconds ttl = ttl_;
                if (const auto* h = r.headers.find("x-aws-ec2-metadata-token-ttl-seconds")) {
                    unsigned v = 0;
                    if (parse_unsigned(trim(*h), v) && v > 0) ttl = seconds(v);
                }
                // Reuse until a minute before expiry (or half the lifetime of a short token).
                const seconds margin = ttl > seconds(120) ? seconds(60) : ttl / 2;
                token_expiry_ = now + ttl - margin;
                step_ = step::get;
                retry_.reset();
                return;
            }
            // No session token means no IMDSv2 here (and there is never an IMDSv1 fallback): the
            // provider does not apply. A profile that asks for IMDS by name turns this into a failure.
            if (r.status == 403) return error(errc::access_denied, true, "request forbidden: IMDS is disabled or the session token request was refused", &r);
            if (remote::is_retryable_status(r.status) && retry_.can_retry()) return schedule(now);
            return error(errc::unexpected_status, true, "IMDS session token request answered HTTP " + std::to_string(r.status) + " (no IMDSv2 here)", &r);
        }
        if (r.status == 200) {
            body_ = r.body;
            outcome_ = outcome::have_body;
            return;
        }
        if (r.status == 401 && !token_refetched_) { // token expired or rejected: fetch a new one once
            token_.clear();
            token_refetched_ = true;
            step_ = step::token;
            retry_.reset();
            return;
        }
        if (r.status == 404) return error(errc::resource_not_found, true, "IMDS has no " + path_ + " (HTTP 404)", &r);
        if (remote::is_retryable_status(r.status) && retry_.can_retry()) return schedule(now);
        return error(r.status == 401 || r.status == 403 ? errc::access_denied : errc::unexpected_status, false,
                     "IMDS GET " + path_ + " answered HTTP " + std::to_string(r.status), &r);
    }

    void build(bool token_request) {
        request_ = http::request{};
        request_.scheme = scheme_;
        request_.host = host_;
        if (token_request) {
            request_.method = "PUT";
            request_.path = prefix_ + std::string(imds_token_path);
            request_.headers.add("x-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl_.count()));
        } else {
            request_.method = "GET";
            request_.path = prefix_ + path_;
            request_.headers.add("x-aws-ec2-metadata-token", token_);
        }
        http::add_framing_headers(request_);
    }

    void schedule(time_point now) {
        resume_ = retry_.resume_at(now);
        waiting_ = true;
    }

    void error(std::error_code ec, bool not_applicable, std::string message, const http::response* r) {
        outcome_ = outcome::error;
        error_ = ec;
        not_applicable_ = not_applicable;
        diag_.clear();
        if (r) remote::status_diagnostics(diag_, *r, std::move(message));
        else diag_.message = std::move(message);
    }

    std::string base_, scheme_, host_, prefix_, path_;
    milliseconds timeout_{1000};
    seconds ttl_{21600};
    std::size_t max_body_ = default_limits.max_credential_document;
    std::string token_;
    time_point token_expiry_{};
    step step_ = step::token;
    outcome outcome_ = outcome::working;
    bool sent_ = false, waiting_ = false, not_applicable_ = false, token_refetched_ = false, contacted_ = false;
    int first_contact_attempts_ = 1;
    time_point resume_{};
    remote::retry_budget retry_;
    http::request request_;
    std::string body_;
    std::error_code error_;
    diagnostics diag_;
};

} // namespace detail

// Instance-role credentials from IMDSv2. See the file comment for the flow and the failure rules:
// disabled, unreachable, no session token (403 or another status on the token PUT) or no role
// attached -> not_applicable; bad replies and other statuses after the token -> failed.
class imds_credentials_provider final : public credentials_provider {
public:
    explicit imds_credentials_provider(imds_options options) : options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "imds"; }

    action next(time_point now) override {
        if (step_ == step::start) {
            if (options_.disabled) {
                result_ = error_result(provider_status::not_applicable, errc::no_credentials, "IMDS is disabled by AWS_EC2_METADATA_DISABLED");
                step_ = step::finished;
                return action::fail();
            }
            if (!configured_) {
                std::string base, why;
                if (auto ec = resolve_imds_endpoint(options_.endpoint, base, why)) {
                    result_ = error_result(provider_status::failed, ec, std::move(why));
                    step_ = step::finished;
                    return action::fail();
                }
                flow_.configure(std::move(base), options_);
                configured_ = true;
            }
            flow_.get(std::string(imds_credentials_path), now);
            step_ = step::role_name;
        }
        if (step_ == step::finished) return result_.status == provider_status::ready ? action::finished() : action::fail();
        action a = flow_.next(now);
        if (a.kind == action_kind::send || a.kind == action_kind::wait_until) return a;
        return advance(now);
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        if (step_ != step::role_name && step_ != step::role_credentials) return errc::invalid_state;
        return flow_.on_response(r, now);
    }

    std::error_code on_transport_error(std::error_code ec, time_point now) override {
        if (step_ != step::role_name && step_ != step::role_credentials) return errc::invalid_state;
        return flow_.on_transport_error(ec, now);
    }

    const provider_result& outcome() const noexcept override { return result_; }

    // Starts over; the IMDS session token is kept while valid.
    void restart() override {
        step_ = step::start;
        result_ = provider_result{};
    }

    // The resolved base URL ("" before the first next()).
    const std::string& endpoint() const noexcept { return flow_.base(); }

private:
    enum class step { start, role_name, role_credentials, finished };

    action advance(time_point now) {
        if (flow_.state() == detail::imds_flow::outcome::error) {
            result_ = provider_result{};
            result_.status = flow_.not_applicable() ? provider_status::not_applicable : provider_status::failed;
            result_.error = flow_.error_code();
            result_.diag = flow_.diag();
            if (step_ == step::role_name && flow_.error_code() == errc::resource_not_found) {
                result_.error = errc::no_credentials;
                result_.diag.message = "no IAM role is attached to this instance (IMDS has no security credentials)";
            }
            step_ = step::finished;
            return action::fail();
        }
        if (step_ == step::role_name) {
            std::string_view listing = detail::trim(flow_.body());
            std::string_view role = listing.substr(0, listing.find('\n'));
            role = detail::trim(role);
            if (role.empty()) {
                result_ = error_result(provider_status::not_applicable, errc::no_credentials, "no IAM role is attached to this instance");
                step_ = step::finished;
                return action::fail();
            }
            for (char c : role) {
                if (!(detail::is_ascii_alnum(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-' || c == '_')) {
                    result_ = error_result(provider_status::failed, errc::malformed_response, "IMDS returned an invalid IAM role name");
                    step_ = step::finished;
                    return action::fail();
                }
            }
            flow_.get(std::string(imds_credentials_path) + std::string(role), now);
            step_ = step::role_credentials;
            return next(now);
        }
        credentials c;
        std::string why;
        if (auto ec = detail::remote::parse_credential_document(flow_.body(), options_.bounds.max_credential_document, name(), c, why)) {
            result_ = error_result(provider_status::failed, ec, "IMDS credentials: " + why);
            step_ = step::finished;
            return action::fail();
        }
        result_ = ready_result(std::move(c));
        step_ = step::finished;
        return action::finished();
    }

    imds_options options_;
    detail::imds_flow flow_;
    bool configured_ = false;
    step step_ = step::start;
    provider_result result_;
};

// The region step of the region chain: GET /latest/meta-data/placement/region, as a machine (not a
// credential provider). outcome(): ready with the region as the value, or not_applicable / failed
// like the credential provider.
class imds_region_lookup {
public:
    enum class state { start, fetching, finished };

    explicit imds_region_lookup(imds_options options) : options_(std::move(options)) {}

    std::string_view name() const noexcept { return "imds-region"; }

    action next(time_point now) {
        if (state_ == state::start) {
            state_ = state::fetching;
            if (options_.disabled) return finish(provider_status::not_applicable, errc::no_credentials, "IMDS is disabled by AWS_EC2_METADATA_DISABLED");
            std::string base, why;
            if (auto ec = resolve_imds_endpoint(options_.endpoint, base, why)) return finish(provider_status::failed, ec, std::move(why));
            flow_.configure(std::move(base), options_);
            flow_.get(std::string(imds_region_path), now);
        }
        if (state_ == state::finished) return result_.ready() ? action::finished() : action::fail();
        action a = flow_.next(now);
        if (a.kind == action_kind::send || a.kind == action_kind::wait_until) return a;
        if (flow_.state() == detail::imds_flow::outcome::error) {
            result_.status = flow_.not_applicable() ? provider_status::not_applicable : provider_status::failed;
            result_.error = flow_.error_code();
            result_.diag = flow_.diag();
            state_ = state::finished;
            return action::fail();
        }
        std::string_view r = detail::trim(flow_.body());
        bool ok = !r.empty() && r.size() <= 64;
        for (char c : r) ok = ok && (detail::is_ascii_alnum(c) || c == '-');
        if (!ok) return finish(provider_status::failed, errc::invalid_region, "IMDS returned an invalid region");
        result_ = ready_outcome(std::string(r));
        state_ = state::finished;
        return action::finished();
    }

    std::error_code on_response(const http::response& r, time_point now) {
        if (state_ != state::fetching) return errc::invalid_state;
        return flow_.on_response(r, now);
    }
    std::error_code on_transport_error(std::error_code ec, time_point now) {
        if (state_ != state::fetching) return errc::invalid_state;
        return flow_.on_transport_error(ec, now);
    }

    const appconfigdata::outcome<std::string>& outcome() const noexcept { return result_; }
    state current_state() const noexcept { return state_; }

private:
    action finish(provider_status s, std::error_code ec, std::string message) {
        result_ = error_outcome<std::string>(s, ec, std::move(message));
        state_ = state::finished;
        return action::fail();
    }

    imds_options options_;
    detail::imds_flow flow_;
    state state_ = state::start;
    appconfigdata::outcome<std::string> result_;
};

APPCONFIGDATA_NAMESPACE_END
