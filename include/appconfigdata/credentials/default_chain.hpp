// The default credential chain, in the order the AWS SDKs use:
//   environment -> profile (shared config/credentials files) -> web identity (environment) ->
//   container (ECS / EKS Pod Identity) -> IMDSv2,
// a profile-plan runner (profile_plan_provider: the plan's base step, then each STS AssumeRole),
// a cache that refreshes ahead of expiry without a gap (cached_credentials_provider), and the
// region chain (--region, AWS_REGION, AWS_DEFAULT_REGION, profile region, IMDS).
//
// Everything here is a state machine (provider.hpp). The environment, the signer and the SSO cache
// locator come in through default_chain_options; the shared config/credentials files, token files and
// the SSO cache are read, and credential_process is run, through the driver (action::read /
// action::run), every time credentials are fetched or refreshed. A provider that is "not applicable"
// hands over to the next one; one that fails stops the chain. When nothing applies, the error
// (errc::no_credentials) lists every provider tried and why it did not apply, never a secret.
//
// Typical use (see adapters for the real environment / files / processes / Botan):
//   default_chain_options o;
//   o.environment = ...;
//   o.sign = make_sigv4_request_signer<adapters::botan_crypto>();
//   cached_credentials_provider creds(std::make_unique<default_credentials_chain>(std::move(o)));
//   ... drive creds like any machine (driver::blocking_hooks with read_file and run_process set);
//   creds.current(now) serves credentials, also while refreshing.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/credentials/cognito.hpp>
#include <appconfigdata/credentials/container.hpp>
#include <appconfigdata/credentials/detail/remote.hpp>
#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/imds.hpp>
#include <appconfigdata/credentials/process.hpp>
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/profile_chain.hpp>
#include <appconfigdata/credentials/profile_files.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/credentials/region.hpp>
#include <appconfigdata/credentials/sso.hpp>
#include <appconfigdata/credentials/sso_cache.hpp>
#include <appconfigdata/credentials/static_provider.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN

struct default_chain_options {
    environment_lookup environment;   // required
    request_signer sign;              // STS AssumeRole: make_sigv4_request_signer<Crypto>()
    std::function<std::string(std::string_view key)> sso_cache_file; // SSO cache key -> path; empty: the AWS CLI's cache (sso_token_cache_path)
    std::string profile_name;         // --profile; "" -> AWS_PROFILE, else "default"
    std::optional<profile_set> profiles; // already-parsed files; when empty the chain reads them (action::read)
    std::string region;               // --region; "" -> AWS_REGION, AWS_DEFAULT_REGION, profile region, us-east-1 (for STS)
    // Set: credentials come from this Amazon Cognito identity pool only (the program asked for it; the
    // other providers are not tried). Where its options leave them empty, the endpoint comes from
    // AWS_ENDPOINT_URL_COGNITO_IDENTITY, AWS_ENDPOINT_URL or the profile's [services] section
    // (key cognito_identity), FIPS / dual-stack from the environment or the profile, and the basic
    // flow's STS endpoint from the STS settings (its region stays the pool's).
    std::optional<cognito_options> cognito;
    os_platform platform = host_platform;
    milliseconds imds_timeout{1000};
    int imds_max_attempts = 3;
    milliseconds container_timeout{2000};
    int container_max_attempts = 3;
    int sts_max_attempts = 3;
    int sso_max_attempts = 3;
    limits bounds = default_limits;
};

namespace detail {

// Reads the shared config and credentials files through the driver (two action::read), then parses
// them: done with the profile set as outcome().value, or failed with error/diag (a file that exists but
// cannot be read or parsed). A missing file reads as empty. Already-parsed files
// (default_chain_options::profiles) make it finished from the start, with no read.
class profile_files_reader {
public:
    enum class state { config, credentials, finished };

    explicit profile_files_reader(const default_chain_options& o)
        : where_(resolve_profile_file_locations(o.environment, o.platform)), bounds_(o.bounds) {
        request_.path = where_.config;
        request_.max_size = bounds_.max_profile_file;
        if (o.profiles) {
            result_ = ready_outcome(*o.profiles);
            state_ = state::finished;
        }
    }

    action next(time_point) {
        if (state_ == state::finished) return result_.ready() ? action::finished() : action::fail();
        if (!outstanding_) {
            outstanding_ = true;
            return action::read(request_);
        }
        return action::wait(time_point::max());
    }

    std::error_code on_file(const file_result& f, time_point) {
        if (!outstanding_) return errc::invalid_state;
        outstanding_ = false;
        if (state_ == state::config) {
            config_ = f;
            state_ = state::credentials;
            request_.path = where_.credentials;
            return {};
        }
        result_.error = profile_set_from_files(where_, config_, f, result_.value, &result_.diag, bounds_);
        result_.status = result_.error ? outcome_status::failed : outcome_status::ready;
        config_ = file_result{};
        state_ = state::finished;
        return {};
    }

    const appconfigdata::outcome<profile_set>& outcome() const noexcept { return result_; }
    state current_state() const noexcept { return state_; }

private:
    profile_file_locations where_;
    limits bounds_;
    file_request request_;
    file_result config_;
    bool outstanding_ = false;
    state state_ = state::config;
    appconfigdata::outcome<profile_set> result_;
};

// Everything the chain's providers share, computed once from the environment and the parsed files.
struct chain_context {
    default_chain_options options;
    std::string profile_name;
    bool profile_named = false;       // --profile or AWS_PROFILE given
    profile_set profiles;
    std::error_code profiles_error;   // the files could not be read / parsed
    diagnostics profiles_diag;

    // `files` is what profile_files_reader produced.
    chain_context(default_chain_options o, const outcome<profile_set>& files)
        : options(std::move(o)), profiles(files.value), profiles_error(files.error), profiles_diag(files.diag) {
        profile_named = !options.profile_name.empty() || env_nonblank(options.environment, "AWS_PROFILE").has_value();
        profile_name = select_profile_name(options.environment, options.profile_name);
    }

    const profile* selected() const noexcept { return profiles_error ? nullptr : profiles.find_profile(profile_name); }

    std::optional<std::string> profile_value(std::string_view key) const {
        const profile* p = selected();
        if (!p) return std::nullopt;
        const std::string* v = p->find(key);
        if (!v) return std::nullopt;
        return *v;
    }

    // The region for STS calls: resolve_region() (region.hpp) without IMDS; "" -> us-east-1 later.
    std::string region() const { return resolve_region(options.region, options.environment, selected()).region; }

    bool flag(std::string_view env_name, std::string_view profile_key) const {
        if (auto v = env_nonblank(options.environment, env_name)) return iequals(*v, "true");
        if (auto v = profile_value(profile_key)) return iequals(trim(*v), "true");
        return false;
    }

    // The endpoint URL configured for `service` ("sts", "sso"): AWS_ENDPOINT_URL_<SERVICE>,
    // AWS_ENDPOINT_URL, the profile's [services] section, the profile's endpoint_url; "" when none
    // or when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is true.
    std::string endpoint_url(std::string_view service, std::string_view env_suffix) const {
        if (flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")) return {};
        if (auto v = env_nonblank(options.environment, "AWS_ENDPOINT_URL_" + std::string(env_suffix))) return *v;
        if (auto v = env_nonblank(options.environment, "AWS_ENDPOINT_URL")) return *v;
        if (const profile* p = selected()) {
            if (auto s = find_service_setting(profiles, *p, service, "endpoint_url")) return std::string(trim(*s));
            if (auto v = profile_value("endpoint_url"); v && !v->empty()) return std::string(trim(*v));
        }
        return {};
    }

    sts_endpoint_options sts_endpoint() const {
        sts_endpoint_options e;
        e.region = region();
        e.use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
        e.use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
        e.endpoint_url = endpoint_url("sts", "STS");
        return e;
    }

    imds_options imds() const {
        imds_options o = imds_options::from(options.environment, [this](std::string_view key) { return profile_value(key); });
        o.timeout = options.imds_timeout;
        o.max_attempts = options.imds_max_attempts;
        o.bounds = options.bounds;
        return o;
    }

    // `o` completed from the environment and the profile (see default_chain_options::cognito).
    cognito_options cognito(cognito_options o) const {
        if (o.endpoint_url.empty()) o.endpoint_url = endpoint_url("cognito_identity", "COGNITO_IDENTITY");
        if (o.endpoint_url.empty()) {
            o.use_fips = o.use_fips || flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
            o.use_dual_stack = o.use_dual_stack || flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
        }
        if (o.flow == cognito_flow::basic && o.sts.endpoint_url.empty() && !o.sts.use_fips && !o.sts.use_dual_stack) {
            const std::string region = std::move(o.sts.region);
            o.sts = sts_endpoint();
            o.sts.region = region; // "" -> the pool's region
        }
        o.bounds = options.bounds;
        return o;
    }

    container_options container() const {
        container_options o;
        o.environment = options.environment;
        o.timeout = options.container_timeout;
        o.max_attempts = options.container_max_attempts;
        o.bounds = options.bounds;
        return o;
    }

    web_identity_options web_identity(std::string role_arn, std::string token_file, std::string session_name) const {
        web_identity_options o;
        o.role_arn = std::move(role_arn);
        o.web_identity_token_file = std::move(token_file);
        o.role_session_name = std::move(session_name);
        o.endpoint = sts_endpoint();
        o.max_attempts = options.sts_max_attempts;
        o.bounds = options.bounds;
        return o;
    }
};

} // namespace detail

// Runs a profile plan (credentials/profile_chain.hpp): the base step, then each AssumeRole with the
// credentials of the step before. The plan is resolved on the first next(): resolution errors that
// mean "nothing configured" (no credential settings, default profile absent) are not_applicable;
// everything else fails. A base step that does not apply (credential_source = Environment without
// keys, IMDS without a role...) fails here: the profile asked for it.
class profile_plan_provider final : public credentials_provider {
public:
    explicit profile_plan_provider(std::shared_ptr<const detail::chain_context> context) : context_(std::move(context)) {}

    std::string_view name() const noexcept override { return "profile"; }

    action next(time_point now) override {
        if (state_ == state::start) {
            if (!plan_ready_ && !resolve()) return action::fail();
            index_ = 0;
            for (auto& s : steps_) s->restart();
            state_ = state::running;
        }
        while (state_ == state::running) {
            credentials_provider& step = *steps_[index_];
            action a = step.next(now);
            switch (a.kind) {
            case action_kind::send:
            case action_kind::read_file:
            case action_kind::run_process:
            case action_kind::wait_until: return a;
            case action_kind::need_credentials:
                if (index_ == 0) return finish_failed(errc::invalid_state, "profile: the first step asked for source credentials");
                step.set_credentials(steps_[index_ - 1]->outcome().value, now);
                continue;
            case action_kind::done:
                if (index_ + 1 == steps_.size()) {
                    result_ = step.outcome();
                    result_.value.provider = std::string(name());
                    result_.value.provider_detail = context_->profile_name + " (" + plan_.kind() + ")";
                    state_ = state::finished;
                    return action::finished();
                }
                ++index_;
                continue;
            case action_kind::failed: {
                provider_result r = step.outcome();
                const std::string where = "profile `" + context_->profile_name + "` (" + std::string(step.name()) + ")";
                if (r.status == provider_status::not_applicable) {
                    r.diag.message = where + ": the credential provider was not enabled: " + r.diag.message;
                } else if (!r.diag.message.empty()) {
                    r.diag.message = where + ": " + r.diag.message;
                } else {
                    r.diag.message = where + " failed";
                }
                r.status = provider_status::failed;
                result_ = std::move(r);
                state_ = state::finished;
                return action::fail();
            }
            }
        }
        return result_.status == provider_status::ready ? action::finished() : action::fail();
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        return state_ == state::running ? steps_[index_]->on_response(r, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_transport_error(std::error_code ec, time_point now) override {
        return state_ == state::running ? steps_[index_]->on_transport_error(ec, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_file(const file_result& f, time_point now) override {
        return state_ == state::running ? steps_[index_]->on_file(f, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_process(const process_result& p, time_point now) override {
        return state_ == state::running ? steps_[index_]->on_process(p, now) : make_error_code(errc::invalid_state);
    }
    const provider_result& outcome() const noexcept override { return result_; }

    // Runs every step again (the base step re-reads token files or runs its process again; each
    // role is assumed again).
    void restart() override {
        result_ = provider_result{};
        state_ = state::start;
    }

    // The resolved plan (after the first next(); nullptr when resolution failed).
    const profile_plan* plan() const noexcept { return plan_ready_ ? &plan_ : nullptr; }

    enum class state { start, running, finished };
    state current_state() const noexcept { return state_; }

private:
    bool resolve() {
        const detail::chain_context& c = *context_;
        if (c.profiles_error) {
            provider_result r;
            r.status = provider_status::failed;
            r.error = c.profiles_error;
            r.diag = c.profiles_diag;
            result_ = std::move(r);
            state_ = state::finished;
            return false;
        }
        diagnostics diag;
        std::error_code ec = resolve_profile_plan(c.profiles, c.profile_name, plan_, &diag);
        if (!ec) ec = check_plan_yields_credentials(plan_, &diag);
        if (ec) {
            provider_result r;
            r.status = profile_error_status(ec, c.profile_named);
            r.error = ec;
            r.diag = std::move(diag);
            if (r.status == provider_status::not_applicable && ec == errc::profile_not_found)
                r.diag.message = "profile `" + c.profile_name + "` not found in the shared config/credentials files";
            result_ = std::move(r);
            state_ = state::finished;
            return false;
        }
        steps_.clear();
        steps_.push_back(make_base(plan_));
        for (const auto& role : plan_.roles) {
            assume_role_options o;
            o.role_arn = role.role_arn;
            o.role_session_name = role.role_session_name.value_or(std::string());
            o.external_id = role.external_id.value_or(std::string());
            if (role.duration_seconds) {
                unsigned d = 0;
                if (detail::parse_unsigned(detail::trim(*role.duration_seconds), d) && d > 0) o.duration = seconds(d);
            }
            o.endpoint = c.sts_endpoint();
            o.sign = c.options.sign;
            o.max_attempts = c.options.sts_max_attempts;
            o.bounds = c.options.bounds;
            steps_.push_back(std::make_unique<assume_role_provider>(std::move(o)));
        }
        plan_ready_ = true;
        return true;
    }

    std::unique_ptr<credentials_provider> make_base(const profile_plan& p) const {
        const detail::chain_context& c = *context_;
        struct maker {
            const detail::chain_context& c;
            std::unique_ptr<credentials_provider> operator()(const plan::static_keys& s) const {
                return std::make_unique<resolved_provider>("profile", ready_result(s.value));
            }
            std::unique_ptr<credentials_provider> operator()(const plan::source& s) const {
                switch (s.name) {
                case named_source::environment:
                    return std::make_unique<resolved_provider>("environment", credentials_from_environment(c.options.environment));
                case named_source::ec2_instance_metadata: {
                    imds_options o = c.imds();
                    o.disabled = false; // asked for by name
                    return std::make_unique<imds_credentials_provider>(std::move(o));
                }
                case named_source::ecs_container: return std::make_unique<container_provider>(c.container());
                }
                return std::make_unique<resolved_provider>("profile", error_result(provider_status::failed, errc::invalid_profile, "unknown credential_source"));
            }
            std::unique_ptr<credentials_provider> operator()(const plan::web_identity& w) const {
                return std::make_unique<web_identity_provider>(c.web_identity(w.role_arn, w.web_identity_token_file, w.role_session_name.value_or("")));
            }
            std::unique_ptr<credentials_provider> operator()(const plan::sso& s) const {
                sso_options o;
                o.sso_region = s.sso_region;
                o.sso_start_url = s.sso_start_url;
                o.sso_session = s.sso_session.value_or("");
                o.sso_account_id = s.sso_account_id.value_or("");
                o.sso_role_name = s.sso_role_name.value_or("");
                o.token_cache_file = c.options.sso_cache_file ? c.options.sso_cache_file(sso_token_cache_key(o))
                                                             : sso_token_cache_path(sso_token_cache_key(o), c.options.environment, c.options.platform);
                o.use_fips = c.flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
                o.use_dual_stack = c.flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
                o.endpoint_url = c.endpoint_url("sso", "SSO");
                o.max_attempts = c.options.sso_max_attempts;
                o.bounds = c.options.bounds;
                return std::make_unique<sso_provider>(std::move(o));
            }
            std::unique_ptr<credentials_provider> operator()(const plan::process& pr) const {
                return std::make_unique<process_provider>(pr.command, pr.account_id.value_or(""));
            }
        };
        return std::visit(maker{c}, p.base);
    }

    action finish_failed(errc e, std::string message) {
        result_ = error_result(provider_status::failed, e, std::move(message));
        state_ = state::finished;
        return action::fail();
    }

    std::shared_ptr<const detail::chain_context> context_;
    profile_plan plan_;
    bool plan_ready_ = false;
    std::vector<std::unique_ptr<credentials_provider>> steps_;
    std::size_t index_ = 0;
    state state_ = state::start;
    provider_result result_;
};

// The default chain (see the top of this file). outcome(): ready with the first provider's
// credentials; failed with that provider's error when one failed; failed + errc::no_credentials
// with a report of every provider tried when none applied. The shared files are read (two
// action::read) before the first provider runs. restart() refreshes through the provider that
// answered last time (it does not fall back to an earlier one); before any answered, it reads the
// files and the environment's configuration again.
class default_credentials_chain final : public credentials_provider {
public:
    enum class state { reading_files, running, finished };

    explicit default_credentials_chain(default_chain_options options) : options_(std::move(options)) { start_reading(); }

    std::string_view name() const noexcept override { return "default-chain"; }

    action next(time_point now) override {
        if (state_ == state::reading_files) {
            action a = files_->next(now);
            if (a.kind == action_kind::read_file || a.kind == action_kind::wait_until) return a;
            build();
            state_ = state::running;
        }
        while (state_ == state::running) {
            credentials_provider& p = *providers_[index_];
            action a = p.next(now);
            switch (a.kind) {
            case action_kind::send:
            case action_kind::read_file:
            case action_kind::run_process:
            case action_kind::wait_until: return a;
            case action_kind::need_credentials:
                finish(error_result(provider_status::failed, errc::invalid_state, std::string(p.name()) + ": a provider asked for source credentials"));
                return action::fail();
            case action_kind::done:
                result_ = p.outcome();
                if (result_.value.provider.empty()) result_.value.provider = std::string(p.name());
                answered_ = index_;
                state_ = state::finished;
                return action::finished();
            case action_kind::failed:
                if (p.outcome().status == provider_status::not_applicable && !answered_) {
                    {
                        std::string why = reason(p.outcome());
                        const std::string prefix = std::string(p.name()) + ": ";
                        tried_.push_back(why.rfind(prefix, 0) == 0 ? why : prefix + why);
                    }
                    if (++index_ < providers_.size()) continue;
                    std::string message = "no AWS credentials found; tried: ";
                    for (std::size_t i = 0; i < tried_.size(); ++i) message += (i ? "; " : "") + tried_[i];
                    finish(error_result(provider_status::failed, errc::no_credentials, std::move(message)));
                    return action::fail();
                }
                provider_result r = p.outcome();
                r.status = provider_status::failed;
                if (!r.error) r.error = errc::credential_provider_failed;
                r.diag.message = std::string(p.name()) + ": " + (r.diag.message.empty() ? r.error.message() : r.diag.message);
                finish(std::move(r));
                return action::fail();
            }
        }
        return result_.ready() ? action::finished() : action::fail();
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        return state_ == state::running ? providers_[index_]->on_response(r, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_transport_error(std::error_code ec, time_point now) override {
        return state_ == state::running ? providers_[index_]->on_transport_error(ec, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_file(const file_result& f, time_point now) override {
        if (state_ == state::reading_files) return files_->on_file(f, now);
        return state_ == state::running ? providers_[index_]->on_file(f, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_process(const process_result& pr, time_point now) override {
        return state_ == state::running ? providers_[index_]->on_process(pr, now) : make_error_code(errc::invalid_state);
    }
    const provider_result& outcome() const noexcept override { return result_; }
    state current_state() const noexcept { return state_; }

    void restart() override {
        result_ = provider_result{};
        if (answered_) {
            index_ = *answered_;
            providers_[index_]->restart();
            state_ = state::running;
        } else {
            start_reading(); // read the configuration again
        }
    }

    // Which provider answered ("" before one did).
    std::string_view answered_by() const noexcept { return answered_ ? providers_[*answered_]->name() : std::string_view(); }

private:
    static std::string reason(const provider_result& r) {
        if (!r.diag.message.empty()) return r.diag.message;
        return r.error ? r.error.message() : std::string("not applicable");
    }

    void finish(provider_result r) {
        result_ = std::move(r);
        state_ = state::finished;
    }

    void start_reading() {
        providers_.clear();
        tried_.clear();
        index_ = 0;
        state_ = state::reading_files;
        files_.emplace(options_);
    }

    void build() {
        auto context = std::make_shared<const detail::chain_context>(options_, files_->outcome());
        files_.reset();
        index_ = 0;
        if (options_.cognito) {
            if (context->profiles_error) { // the files may hold the pool's endpoint: do not guess past a broken one
                provider_result r = error_result(provider_status::failed, context->profiles_error, std::string());
                r.diag = context->profiles_diag;
                providers_.push_back(std::make_unique<resolved_provider>("cognito", std::move(r)));
            } else {
                providers_.push_back(std::make_unique<cognito_identity_provider>(context->cognito(*options_.cognito)));
            }
            return;
        }
        providers_.push_back(std::make_unique<resolved_provider>("environment", credentials_from_environment(options_.environment)));
        providers_.push_back(std::make_unique<profile_plan_provider>(context));
        std::string why;
        if (auto w = web_identity_options::from_environment(options_.environment, why)) {
            providers_.push_back(std::make_unique<web_identity_provider>(
                context->web_identity(w->role_arn, w->web_identity_token_file, w->role_session_name)));
        } else {
            providers_.push_back(std::make_unique<resolved_provider>("web-identity",
                                                                     error_result(provider_status::not_applicable, errc::no_credentials, why)));
        }
        providers_.push_back(std::make_unique<container_provider>(context->container()));
        providers_.push_back(std::make_unique<imds_credentials_provider>(context->imds()));
        index_ = 0;
    }

    default_chain_options options_;
    std::optional<detail::profile_files_reader> files_;
    std::vector<std::unique_ptr<credentials_provider>> providers_;
    std::vector<std::string> tried_;
    std::size_t index_ = 0;
    std::optional<std::size_t> answered_;
    state state_ = state::reading_files;
    provider_result result_;
};

struct cache_options {
    milliseconds refresh_window = std::chrono::minutes(5); // refresh this long before expiry (refresh_time(), sigv4/credentials.hpp)
    milliseconds retry_after_failure = std::chrono::seconds(30); // a failed refresh is retried after this (while still valid)
};

// Caches what an inner provider produced and refreshes ahead of expiry without a gap:
//  - no credentials yet (or expired): next() drives the inner provider; done when it answers.
//  - valid and before the refresh time: next() answers done at once (refresh_at() says when to call again).
//  - in the refresh window: next() drives the inner provider again, while current(now) keeps serving the
//    old credentials; a failed refresh keeps them and is retried after retry_after_failure.
// Credentials without an expiration are cached for good. Fetched credentials that are already expired
// fail with errc::credentials_expired.
class cached_credentials_provider final : public credentials_provider {
public:
    explicit cached_credentials_provider(std::unique_ptr<credentials_provider> inner, cache_options options = {})
        : inner_(std::move(inner)), options_(options) {}

    std::string_view name() const noexcept override { return inner_->name(); }

    action next(time_point now) override {
        if (have_ && !(cached_.value.expired(now)) && now < refresh_at_ && !working_) return action::finished();
        if (have_ && cached_.value.expired(now) && !working_) have_ = false;
        if (!working_) {
            inner_->restart();
            working_ = true;
        }
        action a = inner_->next(now);
        switch (a.kind) {
        case action_kind::send:
        case action_kind::read_file:
        case action_kind::run_process:
        case action_kind::wait_until:
        case action_kind::need_credentials: return a;
        case action_kind::done: {
            working_ = false;
            const credentials& c = inner_->outcome().value;
            if (c.expired(now)) {
                last_error_ = error_result(provider_status::failed, errc::credentials_expired,
                                           std::string(inner_->name()) + " returned credentials that have already expired");
                return on_failure(now);
            }
            cached_ = inner_->outcome();
            have_ = true;
            refresh_at_ = refresh_time(c, now, options_.refresh_window);
            return action::finished();
        }
        case action_kind::failed:
            working_ = false;
            last_error_ = inner_->outcome();
            return on_failure(now);
        }
        return action::fail();
    }

    std::error_code on_response(const http::response& r, time_point now) override {
        return working_ ? inner_->on_response(r, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_transport_error(std::error_code ec, time_point now) override {
        return working_ ? inner_->on_transport_error(ec, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_file(const file_result& f, time_point now) override {
        return working_ ? inner_->on_file(f, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_process(const process_result& p, time_point now) override {
        return working_ ? inner_->on_process(p, now) : make_error_code(errc::invalid_state);
    }
    std::error_code set_credentials(const credentials& c, time_point now) override {
        return working_ ? inner_->set_credentials(c, now) : make_error_code(errc::invalid_state);
    }

    // The cached credentials when any are held (also while refreshing), else the last error.
    const provider_result& outcome() const noexcept override { return have_ ? cached_ : last_error_; }

    // Forgets the cache and fetches again on the next call.
    void restart() override {
        have_ = working_ = false;
        cached_ = provider_result{};
        inner_->restart();
    }

    // Credentials valid at `now` (served also during a refresh), or nullptr. Never throws.
    const credentials* current(time_point now) const noexcept {
        return have_ && !cached_.value.expired(now) ? &cached_.value : nullptr;
    }

    // When the next refresh is due (time_point::max() when the credentials do not expire).
    time_point refresh_at() const noexcept { return have_ ? refresh_at_ : time_point{}; }

    // The last fetch / refresh failure (status pending when there was none).
    const provider_result& last_refresh_error() const noexcept { return last_error_; }

    bool refreshing() const noexcept { return working_; }

private:
    action on_failure(time_point now) {
        if (have_ && !cached_.value.expired(now)) {
            // Keep serving what we have; try again a little later (but before expiry).
            refresh_at_ = std::min(now + options_.retry_after_failure, cached_.value.expiration.value_or(time_point::max()));
            return action::finished();
        }
        have_ = false; // a hard failure is reported; the next call tries again
        return action::fail();
    }

    std::unique_ptr<credentials_provider> inner_;
    cache_options options_;
    provider_result cached_;
    provider_result last_error_;
    bool have_ = false, working_ = false;
    time_point refresh_at_{};
};

// The region chain completed with its IMDS step: the pure part (--region, AWS_REGION,
// AWS_DEFAULT_REGION, the selected profile's `region`) is resolve_region() from region.hpp; when it
// finds nothing, GET /latest/meta-data/placement/region from IMDS. A machine like the others: from
// default_chain_options it first reads the shared files (action::read) for the profile's region and
// IMDS settings; then it answers done (outcome().value is the choice) or failed
// (errc::invalid_region, the diagnostics name the sources tried), possibly after sending IMDS
// requests. Never throws except std::bad_alloc.
class region_chain {
public:
    enum class state { reading_files, imds, finished };

    // `pure` is resolve_region(...)'s answer; `imds` configures the last step (imds.disabled skips it).
    region_chain(region_choice pure, imds_options imds) : imds_(std::in_place, std::move(imds)) {
        result_.value = std::move(pure);
        state_ = state::imds;
    }

    // Reads the files through the driver, then resolves as above.
    static region_chain from(const default_chain_options& o) { return region_chain(o); }

    action next(time_point now) {
        if (state_ == state::reading_files) {
            action a = files_->next(now);
            if (a.kind == action_kind::read_file || a.kind == action_kind::wait_until) return a;
            detail::chain_context c(*options_, files_->outcome());
            result_.value = resolve_region(c.options.region, c.options.environment, c.selected());
            imds_.emplace(c.imds());
            files_.reset();
            options_.reset();
            state_ = state::imds;
        }
        if (state_ == state::imds) {
            if (result_.value.found()) return finish_ready();
            action a = imds_->next(now);
            if (a.kind == action_kind::send || a.kind == action_kind::wait_until) return a;
            if (imds_->outcome().ready()) {
                result_.value = region_from_imds(imds_->outcome().value);
                if (result_.value.found()) return finish_ready();
            }
            result_.status = outcome_status::failed;
            result_.error = errc::invalid_region;
            result_.diag.clear();
            result_.diag.message = "no AWS region found; tried --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region and IMDS (" +
                                   (imds_->outcome().diag.message.empty() ? std::string("no answer") : imds_->outcome().diag.message) + ")";
            state_ = state::finished;
        }
        return result_.ready() ? action::finished() : action::fail();
    }

    std::error_code on_response(const http::response& r, time_point now) {
        return state_ == state::imds ? imds_->on_response(r, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_transport_error(std::error_code ec, time_point now) {
        return state_ == state::imds ? imds_->on_transport_error(ec, now) : make_error_code(errc::invalid_state);
    }
    std::error_code on_file(const file_result& f, time_point now) {
        return state_ == state::reading_files ? files_->on_file(f, now) : make_error_code(errc::invalid_state);
    }

    const appconfigdata::outcome<region_choice>& outcome() const noexcept { return result_; }
    const region_choice& choice() const noexcept { return result_.value; } // after done
    state current_state() const noexcept { return state_; }

private:
    explicit region_chain(const default_chain_options& o) : options_(o) {
        files_.emplace(o);
    }

    action finish_ready() {
        result_.status = outcome_status::ready;
        state_ = state::finished;
        return action::finished();
    }

    std::optional<default_chain_options> options_;
    std::optional<detail::profile_files_reader> files_;
    std::optional<imds_region_lookup> imds_;
    state state_ = state::reading_files;
    appconfigdata::outcome<region_choice> result_;
};

APPCONFIGDATA_NAMESPACE_END
