// Resolving the selected profile into a plan: one base step that yields credentials, then the roles to
// assume with them, in order. The plan is a value; the machines that run each step are elsewhere:
//   static_keys   -> ready now (static_provider.hpp)          credential_process -> process.hpp
//   named_source  -> environment.hpp / IMDS / container        web_identity       -> STS AssumeRoleWithWebIdentity
//   sso           -> SSO GetRoleCredentials                    assume_role (each) -> STS AssumeRole
//
// Rules (the AWS SDKs' documented behaviour, checked by assume-role-tests.json):
//   - role_arn + source_profile: assume the role with the source profile's credentials; chains follow
//     source_profile links; visiting a profile twice is an infinite loop (errc::invalid_profile)
//   - static keys on the selected profile are ignored when it has role_arn + source_profile, except when
//     source_profile names the profile itself; a *source* profile with static keys ends the chain there
//     (its own role_arn is then ignored)
//   - role_arn + credential_source (Environment | Ec2InstanceMetadata | EcsContainer); both sources at once
//     is an error, and role_arn with neither is an error
//   - role_arn + web_identity_token_file: web identity (no extra AssumeRole step)
//   - without role_arn: web_identity_token_file (error: role_arn missing), sso_*, credential_process, static
//     keys, in that order; none of them: errc::no_credentials "profile `X` did not contain credential information"
#pragma once

#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/credentials/static_provider.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class named_source { environment, ec2_instance_metadata, ecs_container };

// The spelling in `credential_source` ("Environment", "Ec2InstanceMetadata", "EcsContainer").
inline const char* to_string(named_source s) noexcept {
    switch (s) {
    case named_source::environment: return "Environment";
    case named_source::ec2_instance_metadata: return "Ec2InstanceMetadata";
    case named_source::ecs_container: return "EcsContainer";
    }
    return "?";
}

// Parses a credential_source value (exact spelling, as the SDKs require); false when unknown.
inline bool parse_named_source(std::string_view text, named_source& out) noexcept {
    for (named_source s : {named_source::environment, named_source::ec2_instance_metadata, named_source::ecs_container})
        if (text == to_string(s)) {
            out = s;
            return true;
        }
    return false;
}

namespace plan {

struct static_keys {
    std::string profile;        // where the keys were found
    credentials value;          // provider "profile"
    friend bool operator==(const static_keys& a, const static_keys& b) { return a.profile == b.profile && a.value == b.value; }
};

struct source {
    named_source name = named_source::environment;
    friend bool operator==(const source& a, const source& b) { return a.name == b.name; }
};

struct web_identity {
    std::string role_arn;
    std::string web_identity_token_file;
    std::optional<std::string> role_session_name;
    friend bool operator==(const web_identity& a, const web_identity& b) {
        return a.role_arn == b.role_arn && a.web_identity_token_file == b.web_identity_token_file && a.role_session_name == b.role_session_name;
    }
};

struct sso {
    std::optional<std::string> sso_session;    // [sso-session NAME] form
    std::string sso_region;
    std::string sso_start_url;
    std::optional<std::string> sso_account_id; // both absent: a token-only profile (see check_plan_yields_credentials)
    std::optional<std::string> sso_role_name;
    friend bool operator==(const sso& a, const sso& b) {
        return a.sso_session == b.sso_session && a.sso_region == b.sso_region && a.sso_start_url == b.sso_start_url &&
               a.sso_account_id == b.sso_account_id && a.sso_role_name == b.sso_role_name;
    }
};

struct process {
    std::string command;                  // may embed secrets: never printed
    std::optional<std::string> account_id; // the profile's aws_account_id, used when the output has none
    friend bool operator==(const process& a, const process& b) { return a.command == b.command && a.account_id == b.account_id; }
};

using base = std::variant<static_keys, source, web_identity, sso, process>;

struct assume_role {
    std::string profile;                  // the profile that names the role (its settings apply to the call)
    std::string role_arn;
    std::optional<std::string> external_id;
    std::optional<std::string> role_session_name;
    std::optional<std::string> duration_seconds; // profile `duration_seconds`, unparsed
    friend bool operator==(const assume_role& a, const assume_role& b) {
        return a.profile == b.profile && a.role_arn == b.role_arn && a.external_id == b.external_id &&
               a.role_session_name == b.role_session_name && a.duration_seconds == b.duration_seconds;
    }
};

} // namespace plan

struct profile_plan {
    std::string selected_profile;
    std::string base_profile;             // the profile the base step came from
    plan::base base;
    std::vector<plan::assume_role> roles; // in the order they are assumed (the selected profile's role last)

    friend bool operator==(const profile_plan& a, const profile_plan& b) {
        return a.selected_profile == b.selected_profile && a.base_profile == b.base_profile && a.base == b.base && a.roles == b.roles;
    }
    friend bool operator!=(const profile_plan& a, const profile_plan& b) { return !(a == b); }

    // What kind of profile this is, for people: "static", "process", "sso", "web-identity",
    // "credential_source Environment" ..., then each role: "assume-role ARN via <the step before>".
    // Never a secret (no keys, no command).
    std::string kind() const {
        struct namer {
            std::string operator()(const plan::static_keys&) const { return "static"; }
            std::string operator()(const plan::source& s) const { return std::string("credential_source ") + to_string(s.name); }
            std::string operator()(const plan::web_identity&) const { return "web-identity"; }
            std::string operator()(const plan::sso&) const { return "sso"; }
            std::string operator()(const plan::process&) const { return "process"; }
        };
        std::string k = std::visit(namer{}, base);
        for (const auto& r : roles) k = "assume-role " + r.role_arn + " via " + k;
        return k;
    }

    // Prints the structure; keys print through `credentials` (redacted), commands as <redacted>.
    friend std::ostream& operator<<(std::ostream& os, const profile_plan& p) {
        os << "profile_plan{" << p.selected_profile << ": ";
        struct printer {
            std::ostream& os;
            void operator()(const plan::static_keys& s) const { os << "static_keys(" << s.profile << ", " << s.value << ")"; }
            void operator()(const plan::source& s) const { os << "credential_source(" << to_string(s.name) << ")"; }
            void operator()(const plan::web_identity& w) const { os << "web_identity(" << w.role_arn << ", " << w.web_identity_token_file << ")"; }
            void operator()(const plan::sso& s) const {
                os << "sso(" << s.sso_start_url << ", " << s.sso_region << ", " << s.sso_account_id.value_or("-") << ", " << s.sso_role_name.value_or("-") << ")";
            }
            void operator()(const plan::process&) const { os << "credential_process(<redacted>)"; }
        };
        std::visit(printer{os}, p.base);
        for (const auto& r : p.roles) os << " -> assume_role(" << r.role_arn << ")";
        return os << "}";
    }
};

namespace detail {

inline std::error_code plan_error(errc e, std::string message, diagnostics* diag) {
    if (diag) {
        diag->clear();
        diag->error_type = "ProfileError";
        diag->message = std::move(message);
    }
    return e;
}

inline std::optional<std::string> optional_property(const profile& p, std::string_view key) {
    const std::string* v = p.find(key);
    if (!v || v->empty()) return std::nullopt;
    return *v;
}

inline std::error_code static_keys_step(const profile& p, plan::base& out, diagnostics* diag) {
    const std::string* key = p.find("aws_access_key_id");
    const std::string* secret = p.find("aws_secret_access_key");
    if (!key || key->empty()) return plan_error(errc::invalid_credentials, "profile missing aws_access_key_id (profile `" + p.name + "`)", diag);
    if (!secret || secret->empty()) return plan_error(errc::invalid_credentials, "profile missing aws_secret_access_key (profile `" + p.name + "`)", diag);
    plan::static_keys s;
    s.profile = p.name;
    s.value.access_key_id = *key;
    s.value.secret_access_key = *secret;
    if (auto t = optional_property(p, "aws_session_token")) s.value.session_token = *t;
    if (auto a = optional_property(p, "aws_account_id")) s.value.account_id = *a;
    s.value.provider = "profile";
    out = std::move(s);
    return {};
}

inline bool is_sso_profile(const profile& p) noexcept {
    return p.has("sso_session") || p.has("sso_start_url") || p.has("sso_account_id") || p.has("sso_role_name");
}

inline std::error_code sso_step(const profile_set& set, const profile& p, plan::base& out, diagnostics* diag) {
    plan::sso s;
    s.sso_account_id = optional_property(p, "sso_account_id");
    s.sso_role_name = optional_property(p, "sso_role_name");
    const auto region = optional_property(p, "sso_region");
    const auto start_url = optional_property(p, "sso_start_url");
    if (auto session_name = optional_property(p, "sso_session")) {
        const profile* session = set.find_sso_session(*session_name);
        if (!session)
            return plan_error(errc::invalid_profile,
                              "sso-session named `" + *session_name + "` (referenced by profile `" + p.name + "`) was not found", diag);
        const auto session_region = optional_property(*session, "sso_region");
        const auto session_url = optional_property(*session, "sso_start_url");
        if (region && region != session_region)
            return plan_error(errc::invalid_profile,
                              "`sso_region` can only be specified in the [sso-session] config when a session name is given (profile `" + p.name + "`)",
                              diag);
        if (start_url && start_url != session_url)
            return plan_error(errc::invalid_profile,
                              "`sso_start_url` can only be specified in the [sso-session] config when a session name is given (profile `" + p.name + "`)",
                              diag);
        if (!session_region) return plan_error(errc::invalid_profile, "sso-session `" + *session_name + "` is missing `sso_region`", diag);
        if (!session_url) return plan_error(errc::invalid_profile, "sso-session `" + *session_name + "` is missing `sso_start_url`", diag);
        s.sso_session = *session_name;
        s.sso_region = *session_region;
        s.sso_start_url = *session_url;
    } else {
        if (!start_url) return plan_error(errc::invalid_profile, "profile `" + p.name + "`: `sso_start_url` was missing", diag);
        if (!region) return plan_error(errc::invalid_profile, "profile `" + p.name + "`: `sso_region` was missing", diag);
        s.sso_region = *region;
        s.sso_start_url = *start_url;
    }
    if (s.sso_role_name && !s.sso_account_id)
        return plan_error(errc::invalid_profile, "if `sso_role_name` is set, then `sso_account_id` must also be set (profile `" + p.name + "`)", diag);
    if (s.sso_account_id && !s.sso_role_name)
        return plan_error(errc::invalid_profile, "if `sso_account_id` is set, then `sso_role_name` must also be set (profile `" + p.name + "`)", diag);
    if (!s.sso_session && !s.sso_account_id)
        return plan_error(errc::invalid_profile, "profile `" + p.name + "`: `sso_account_id` and `sso_role_name` were missing", diag);
    out = std::move(s);
    return {};
}

// The base step of a profile without role_arn.
inline std::error_code base_step_without_role(const profile_set& set, const profile& p, plan::base& out, diagnostics* diag) {
    if (p.has("web_identity_token_file"))
        return plan_error(errc::invalid_profile,
                          "profile `" + p.name + "`: `web_identity_token_file` was specified but `role_arn` was missing", diag);
    if (is_sso_profile(p)) return sso_step(set, p, out, diag);
    if (auto command = optional_property(p, "credential_process")) {
        out = plan::process{*command, optional_property(p, "aws_account_id")};
        return {};
    }
    if (profile_has_static_keys(p)) return static_keys_step(p, out, diag);
    return plan_error(errc::no_credentials, "profile `" + p.name + "` did not contain credential information", diag);
}

} // namespace detail

// Resolves profile `selected` of `set` into `out`. Errors (with *diag saying why, never a secret):
//   errc::profile_not_found  the selected profile does not exist ("No profiles were defined" when none do)
//   errc::no_credentials     the selected profile holds no credential settings (a chain moves on)
//   errc::invalid_credentials a profile has only one of the two static keys
//   errc::invalid_profile    contradictions, unknown credential_source, missing role_arn / source, loops,
//                            a missing source profile ("could not find source profile B referenced from A"),
//                            a source profile without credentials
// Never throws except std::bad_alloc.
inline std::error_code resolve_profile_plan(const profile_set& set, std::string_view selected, profile_plan& out, diagnostics* diag = nullptr) {
    if (set.profiles.empty()) return detail::plan_error(errc::profile_not_found, "No profiles were defined", diag);
    profile_plan result;
    result.selected_profile = std::string(selected);
    std::vector<std::string> visited;
    std::string current(selected);
    std::string referenced_from;
    for (;;) {
        const profile* p = set.find_profile(current);
        if (!p) {
            if (visited.empty()) return detail::plan_error(errc::profile_not_found, "profile `" + current + "` was not found", diag);
            return detail::plan_error(errc::invalid_profile, "could not find source profile " + current + " referenced from " + referenced_from, diag);
        }
        if (std::find(visited.begin(), visited.end(), current) != visited.end()) {
            std::string path;
            for (const auto& v : visited) path += v + " -> ";
            return detail::plan_error(errc::invalid_profile, "profile formed an infinite loop: " + path + current, diag);
        }
        const bool is_source = !visited.empty();
        visited.push_back(current);
        result.base_profile = current;

        if (is_source && profile_has_static_keys(*p)) {
            if (auto ec = detail::static_keys_step(*p, result.base, diag)) return ec;
            break;
        }
        const auto role_arn = detail::optional_property(*p, "role_arn");
        if (!role_arn) {
            if (auto ec = detail::base_step_without_role(set, *p, result.base, diag)) {
                // A source profile without credentials is a broken chain, not "nothing configured".
                if (ec == errc::no_credentials && is_source) {
                    if (diag) diag->error_type = "ProfileError";
                    return errc::invalid_profile;
                }
                return ec;
            }
            break;
        }
        if (auto token_file = detail::optional_property(*p, "web_identity_token_file")) {
            result.base = plan::web_identity{*role_arn, *token_file, detail::optional_property(*p, "role_session_name")};
            break;
        }
        plan::assume_role role;
        role.profile = current;
        role.role_arn = *role_arn;
        role.external_id = detail::optional_property(*p, "external_id");
        role.role_session_name = detail::optional_property(*p, "role_session_name");
        role.duration_seconds = detail::optional_property(*p, "duration_seconds");
        result.roles.push_back(std::move(role));

        const auto source_profile = detail::optional_property(*p, "source_profile");
        const auto credential_source = detail::optional_property(*p, "credential_source");
        if (source_profile && credential_source)
            return detail::plan_error(errc::invalid_profile, "profile contained both source_profile and credential_source (profile `" + current + "`)", diag);
        if (credential_source) {
            named_source s;
            if (!parse_named_source(*credential_source, s))
                return detail::plan_error(errc::invalid_profile,
                                          "profile `" + current + "`: credential_source must be Environment, Ec2InstanceMetadata or EcsContainer", diag);
            result.base = plan::source{s};
            break;
        }
        if (!source_profile)
            return detail::plan_error(errc::invalid_profile,
                                      "profile `" + current + "` has role_arn, so the profile must contain `source_profile` or `credential_source`", diag);
        if (*source_profile == current) {
            // Self reference: this profile's own static keys are the source.
            if (auto ec = detail::static_keys_step(*p, result.base, diag)) return ec;
            break;
        }
        referenced_from = current;
        current = *source_profile;
    }
    std::reverse(result.roles.begin(), result.roles.end());
    out = std::move(result);
    return {};
}

// Whether a plan can give AWS credentials: an SSO profile without sso_account_id / sso_role_name is for
// bearer tokens only. Returns errc::invalid_profile ("selected profile will resolve an access token instead
// of credentials") in that case. Never throws except std::bad_alloc.
inline std::error_code check_plan_yields_credentials(const profile_plan& p, diagnostics* diag = nullptr) {
    if (const auto* s = std::get_if<plan::sso>(&p.base); s && (!s->sso_account_id || !s->sso_role_name))
        return detail::plan_error(errc::invalid_profile,
                                  "profile `" + p.base_profile + "` has no sso_account_id / sso_role_name: the selected profile will resolve an "
                                  "access token instead of credentials",
                                  diag);
    return {};
}

// How a chain should treat a resolution error: not_applicable (try the next provider) for "nothing is
// configured here" — no credential settings, or the *default* profile missing when it was not asked for by
// name — and failed for everything else (a broken configuration must not silently fall through).
inline provider_status profile_error_status(std::error_code ec, bool profile_named_explicitly) noexcept {
    if (ec == errc::no_credentials) return provider_status::not_applicable;
    if (ec == errc::profile_not_found && !profile_named_explicitly) return provider_status::not_applicable;
    return provider_status::failed;
}

APPCONFIGDATA_NAMESPACE_END
