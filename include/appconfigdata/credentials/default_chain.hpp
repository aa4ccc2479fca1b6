// The default credential chain, in the order the AWS SDKs use:
//   environment -> profile (shared config/credentials files) -> web identity (environment) ->
//   container (ECS / EKS Pod Identity) -> IMDSv2,
// a profile-plan runner (profile_plan_provider: the plan's base step, then each STS AssumeRole),
// a cache that refreshes ahead of expiry without a gap (cached_credentials_provider), and the
// region chain (--region, AWS_REGION, AWS_DEFAULT_REGION, profile region, IMDS).
//
// Everything here is a state machine (provider.hpp); inputs (environment, files, process runner,
// signer, SSO cache locator) come in through default_chain_options. A provider that is "not
// applicable" hands over to the next one; one that fails stops the chain. When nothing applies, the
// error (errc::no_credentials) lists every provider tried and why it did not apply, never a secret.
//
// Typical use (see adapters for the real environment / files / Botan):
//   default_chain_options o;
//   o.environment = ...; o.read_file = ...; o.run_process = ...;
//   o.sign = make_sigv4_request_signer<adapters::botan_crypto>();
//   o.sso_cache_file = adapters::sso_cache_locator(o.environment);
//   cached_credentials_provider creds(std::make_unique<default_credentials_chain>(std::move(o)));
//   ... drive creds like any machine; creds.current(now) serves credentials, also while refreshing.
#pragma once

#include <appconfigdata/action.hpp>
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
    file_reader read_file;            // profile files, web identity / container token files, SSO token cache
    process_runner run_process;       // credential_process (adapters/process_runner.hpp)
    request_signer sign;              // STS AssumeRole: make_sigv4_request_signer<Crypto>()
    std::function<std::string(std::string_view key)> sso_cache_file; // SSO cache key -> path (adapters::sso_cache_locator)
    std::string profile_name;         // --profile; "" -> AWS_PROFILE, else "default"
    std::optional<profile_set> profiles; // already-parsed files; when empty they are read through read_file
    std::string region;               // --region; "" -> AWS_REGION, AWS_DEFAULT_REGION, profile region, us-east-1 (for STS)
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

// Everything the chain's providers share, computed once: the profile files, the selected profile.
struct chain_context {
    default_chain_options options;
    std::string profile_name;
    bool profile_named = false;       // --profile or AWS_PROFILE given
    profile_set profiles;
    std::error_code profiles_error;   // the files could not be read / parsed
    diagnostics profiles_diag;

    explicit chain_context(default_chain_options o) : options(std::move(o)) {
        profile_named = !options.profile_name.empty() || env_nonblank(options.environment, "AWS_PROFILE").has_value();
        profile_name = select_profile_name(options.environment, options.profile_name);
        if (options.profiles) {
            profiles = *options.profiles;
        } else {
            const auto where = resolve_profile_file_locations(options.environment, options.platform);
            profiles_error = load_profile_set(where, options.read_file, profiles, &profiles_diag, options.bounds);
        }
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

    container_options container() const {
        container_options o;
        o.environment = options.environment;
        o.read_file = options.read_file;
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
        o.read_file = options.read_file;
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
            case action_kind::wait_until: return a;
            case action_kind::need_credentials:
                if (index_ == 0) return finish_failed(errc::invalid_state, "profile: the first step asked for source credentials");
                step.set_credentials(steps_[index_ - 1]->result().value, now);
                continue;
            case action_kind::done:
                if (index_ + 1 == steps_.size()) {
                    result_ = step.result();
                    state_ = state::finished;
                    return action::finished();
                }
                ++index_;
                continue;
            case action_kind::failed: {
                provider_result r = step.result();
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

    void on_response(const http::response& r, time_point now) override {
        if (state_ == state::running) steps_[index_]->on_response(r, now);
    }
    void on_transport_error(std::error_code ec, time_point now) override {
        if (state_ == state::running) steps_[index_]->on_transport_error(ec, now);
    }
    const provider_result& result() const noexcept override { return result_; }

    // Runs every step again (the base step re-reads token files; each role is assumed again).
    void restart() override {
        result_ = provider_result{};
        state_ = state::start;
    }

    // The resolved plan (after the first next(); nullptr when resolution failed).
    const profile_plan* plan() const noexcept { return plan_ready_ ? &plan_ : nullptr; }

private:
    enum class state { start, running, finished };

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
                o.token_cache_file = c.options.sso_cache_file ? c.options.sso_cache_file(sso_token_cache_key(o)) : std::string();
                o.read_file = c.options.read_file;
                o.use_fips = c.flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
                o.use_dual_stack = c.flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
                o.endpoint_url = c.endpoint_url("sso", "SSO");
                o.max_attempts = c.options.sso_max_attempts;
                o.bounds = c.options.bounds;
                return std::make_unique<sso_provider>(std::move(o));
            }
            std::unique_ptr<credentials_provider> operator()(const plan::process& pr) const {
                return std::make_unique<resolved_provider>("process",
                                                           credentials_from_process(pr.command, c.options.run_process, pr.account_id.value_or("")));
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

// The default chain (see the top of this file). result(): ready with the first provider's
// credentials; failed with that provider's error when one failed; failed + errc::no_credentials
// with a report of every provider tried when none applied. restart() refreshes through the
// provider that answered last time (it does not fall back to an earlier one).
class default_credentials_chain final : public credentials_provider {
public:
    explicit default_credentials_chain(default_chain_options options) : options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "default-chain"; }

    action next(time_point now) override {
        if (providers_.empty()) build();
        while (!finished_) {
            credentials_provider& p = *providers_[index_];
            action a = p.next(now);
            switch (a.kind) {
            case action_kind::send:
            case action_kind::wait_until: return a;
            case action_kind::need_credentials:
                fail_with(p, errc::invalid_state, "a provider asked for source credentials");
                return action::fail();
            case action_kind::done:
                result_ = p.result();
                if (result_.value.provider.empty()) result_.value.provider = std::string(p.name());
                answered_ = index_;
                finished_ = true;
                return action::finished();
            case action_kind::failed:
                if (p.result().status == provider_status::not_applicable && !answered_) {
                    {
                        std::string why = reason(p.result());
                        const std::string prefix = std::string(p.name()) + ": ";
                        tried_.push_back(why.rfind(prefix, 0) == 0 ? why : prefix + why);
                    }
                    if (++index_ < providers_.size()) continue;
                    std::string message = "no AWS credentials found; tried: ";
                    for (std::size_t i = 0; i < tried_.size(); ++i) message += (i ? "; " : "") + tried_[i];
                    result_ = error_result(provider_status::failed, errc::no_credentials, std::move(message));
                    finished_ = true;
                    return action::fail();
                }
                result_ = p.result();
                result_.status = provider_status::failed;
                if (!result_.error) result_.error = errc::credential_provider_failed;
                result_.diag.message = std::string(p.name()) + ": " + (result_.diag.message.empty() ? result_.error.message() : result_.diag.message);
                finished_ = true;
                return action::fail();
            }
        }
        return result_.status == provider_status::ready ? action::finished() : action::fail();
    }

    void on_response(const http::response& r, time_point now) override {
        if (!finished_ && index_ < providers_.size()) providers_[index_]->on_response(r, now);
    }
    void on_transport_error(std::error_code ec, time_point now) override {
        if (!finished_ && index_ < providers_.size()) providers_[index_]->on_transport_error(ec, now);
    }
    const provider_result& result() const noexcept override { return result_; }

    void restart() override {
        result_ = provider_result{};
        finished_ = false;
        if (answered_) {
            index_ = *answered_;
            providers_[index_]->restart();
        } else {
            providers_.clear(); // read the configuration again
            tried_.clear();
            index_ = 0;
        }
    }

    // Which provider answered ("" before one did).
    std::string_view answered_by() const noexcept { return answered_ ? providers_[*answered_]->name() : std::string_view(); }

private:
    static std::string reason(const provider_result& r) {
        if (!r.diag.message.empty()) return r.diag.message;
        return r.error ? r.error.message() : std::string("not applicable");
    }

    void fail_with(const credentials_provider& p, errc e, const std::string& message) {
        result_ = error_result(provider_status::failed, e, std::string(p.name()) + ": " + message);
        finished_ = true;
    }

    void build() {
        auto context = std::make_shared<const detail::chain_context>(options_);
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
    std::vector<std::unique_ptr<credentials_provider>> providers_;
    std::vector<std::string> tried_;
    std::size_t index_ = 0;
    std::optional<std::size_t> answered_;
    bool finished_ = false;
    provider_result result_;
};

struct cache_options {
    milliseconds refresh_window = std::chrono::minutes(5); // refresh this long before expiry
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
        case action_kind::wait_until:
        case action_kind::need_credentials: return a;
        case action_kind::done: {
            working_ = false;
            const credentials& c = inner_->result().value;
            if (c.expired(now)) {
                last_error_ = error_result(provider_status::failed, errc::credentials_expired,
                                           std::string(inner_->name()) + " returned credentials that have already expired");
                return on_failure(now);
            }
            cached_ = inner_->result();
            have_ = true;
            if (!c.expiration) {
                refresh_at_ = time_point::max();
            } else {
                const auto remaining = *c.expiration - now;
                const duration window = std::min<duration>(options_.refresh_window, remaining / 2);
                refresh_at_ = *c.expiration - window;
            }
            return action::finished();
        }
        case action_kind::failed:
            working_ = false;
            last_error_ = inner_->result();
            return on_failure(now);
        }
        return action::fail();
    }

    void on_response(const http::response& r, time_point now) override {
        if (working_) inner_->on_response(r, now);
    }
    void on_transport_error(std::error_code ec, time_point now) override {
        if (working_) inner_->on_transport_error(ec, now);
    }
    void set_credentials(const credentials& c, time_point now) override {
        if (working_) inner_->set_credentials(c, now);
    }

    // The cached credentials when any are held (also while refreshing), else the last error.
    const provider_result& result() const noexcept override { return have_ ? cached_ : last_error_; }

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
// finds nothing, GET /latest/meta-data/placement/region from IMDS. A state machine like the others:
// next() answers done (choice() is set) or failed (errc::invalid_region, diag() names the sources
// tried), possibly after sending IMDS requests. Never throws except std::bad_alloc.
class region_chain {
public:
    // `pure` is resolve_region(...)'s answer; `imds` configures the last step (imds.disabled skips it).
    region_chain(region_choice pure, imds_options imds) : choice_(std::move(pure)), imds_(std::move(imds)) {}

    // Resolves the pure part from default_chain_options (reads and parses the profile files once).
    static region_chain from(const default_chain_options& o) {
        detail::chain_context c(o);
        return region_chain(resolve_region(o.region, o.environment, c.selected()), c.imds());
    }

    action next(time_point now) {
        if (choice_.found()) return action::finished();
        if (failed_) return action::fail();
        action a = imds_.next(now);
        if (a.kind == action_kind::send || a.kind == action_kind::wait_until) return a;
        if (imds_.status() == provider_status::ready) {
            choice_ = region_from_imds(imds_.region());
            if (choice_.found()) return action::finished();
        }
        failed_ = true;
        error_ = errc::invalid_region;
        diag_.clear();
        diag_.message = "no AWS region found; tried --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region and IMDS (" +
                        (imds_.diag().message.empty() ? std::string("no answer") : imds_.diag().message) + ")";
        return action::fail();
    }

    void on_response(const http::response& r, time_point now) { imds_.on_response(r, now); }
    void on_transport_error(std::error_code ec, time_point now) { imds_.on_transport_error(ec, now); }

    const region_choice& choice() const noexcept { return choice_; } // after done
    std::error_code error() const noexcept { return error_; }       // after failed
    std::error_code last_error() const noexcept { return error_; }  // the same, for driver::run
    const diagnostics& diag() const noexcept { return diag_; }

private:
    region_choice choice_;
    imds_region_provider imds_;
    bool failed_ = false;
    std::error_code error_;
    diagnostics diag_;
};

APPCONFIGDATA_NAMESPACE_END
