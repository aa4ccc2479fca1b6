// Profile resolution beyond the conformance data, and the region chain.
#include <appconfigdata/credentials/profile_chain.hpp>
#include <appconfigdata/credentials/profile_files.hpp>
#include <appconfigdata/credentials/region.hpp>

#include <catch2/catch.hpp>

#include "secrets.hpp"

#include <map>
#include <string>

using namespace appconfigdata;

namespace {

profile_set parse(const std::string& config, const std::string& creds = "") {
    profile_set set;
    diagnostics d;
    REQUIRE_FALSE(parse_profile_files(config, creds, set, &d));
    return set;
}

} // namespace

TEST_CASE("plan: static keys of the selected profile", "[profile_chain]") {
    auto set = parse("[profile dev]\nregion = eu-west-1\n",
                     "[dev]\naws_access_key_id = AKID\naws_secret_access_key = " + std::string(secrets::secret_key) + "\n");
    profile_plan p;
    REQUIRE_FALSE(resolve_profile_plan(set, "dev", p));
    REQUIRE(std::holds_alternative<plan::static_keys>(p.base));
    CHECK(std::get<plan::static_keys>(p.base).value.access_key_id == "AKID");
    CHECK(p.roles.empty());
    CHECK(p.base_profile == "dev");
    CHECK_FALSE(check_plan_yields_credentials(p));
    CHECK_FALSE(secrets::leaks(secrets::printed(p)));
}

TEST_CASE("plan: credential_process with the profile's account id", "[profile_chain]") {
    auto set = parse(std::string("[default]\ncredential_process = /bin/tool --secret ") + secrets::secret_key + "\naws_account_id = 42\n");
    profile_plan p;
    REQUIRE_FALSE(resolve_profile_plan(set, "default", p));
    const auto* proc = std::get_if<plan::process>(&p.base);
    REQUIRE(proc);
    CHECK(proc->account_id == std::optional<std::string>("42"));
    // Printing a plan never shows the command (it may embed a secret).
    CHECK_FALSE(secrets::leaks(secrets::printed(p)));
}

TEST_CASE("plan: credential_process in a source profile, then a role", "[profile_chain]") {
    auto set = parse("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\nexternal_id = ext\nduration_seconds = 900\n"
                     "[profile b]\ncredential_process = tool\n");
    profile_plan p;
    REQUIRE_FALSE(resolve_profile_plan(set, "a", p));
    CHECK(std::holds_alternative<plan::process>(p.base));
    CHECK(p.base_profile == "b");
    REQUIRE(p.roles.size() == 1);
    CHECK(p.roles[0].profile == "a");
    CHECK(p.roles[0].external_id == std::optional<std::string>("ext"));
    CHECK(p.roles[0].duration_seconds == std::optional<std::string>("900"));
    CHECK(secrets::printed(p).find("assume_role(arn:aws:iam::1:role/A)") != std::string::npos);
}

TEST_CASE("plan: errors are typed and explain themselves", "[profile_chain]") {
    struct bad {
        std::string config;
        std::string selected;
        errc expected;
        std::string says;
    };
    const std::vector<bad> cases = {
        {"[profile a]\nrole_arn = r\ncredential_source = Ec2\n", "a", errc::invalid_profile, "credential_source must be"},
        {"[profile a]\nrole_arn = r\ncredential_source = environment\n", "a", errc::invalid_profile, "credential_source must be"},
        {"[profile a]\nrole_arn = r\nsource_profile = a\n", "a", errc::invalid_credentials, "profile missing aws_access_key_id"},
        {"[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nregion = x\n", "a", errc::invalid_profile,
         "profile `b` did not contain credential information"},
        {"[profile a]\nrole_arn = r\nsource_profile = zz\n", "a", errc::invalid_profile, "could not find source profile zz referenced from a"},
        {"[profile a]\nregion = x\n", "missing", errc::profile_not_found, "profile `missing` was not found"},
        {"[profile a]\nregion = x\n", "a", errc::no_credentials, "did not contain credential information"},
        {"[profile a]\nsso_start_url = https://x\nsso_account_id = 1\nsso_role_name = r\n", "a", errc::invalid_profile, "`sso_region` was missing"},
        {"[profile a]\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n", "a", errc::invalid_profile, "`sso_start_url` was missing"},
        {"[profile a]\nsso_session = s\nsso_start_url = https://other\n[sso-session s]\nsso_region = r\nsso_start_url = https://x\n", "a",
         errc::invalid_profile, "`sso_start_url` can only be specified"},
        {"[profile a]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x\n", "a", errc::invalid_profile, "missing `sso_region`"},
        {"[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r2\nsource_profile = c\n[profile c]\nrole_arn = r3\nsource_profile = a\n",
         "a", errc::invalid_profile, "infinite loop: a -> b -> c -> a"},
    };
    for (const auto& c : cases) {
        INFO(c.config);
        profile_plan p;
        diagnostics d;
        CHECK(resolve_profile_plan(parse(c.config), c.selected, p, &d) == c.expected);
        CHECK(d.message.find(c.says) != std::string::npos);
    }
}

TEST_CASE("plan: a token-only SSO profile cannot give credentials", "[profile_chain]") {
    auto set = parse("[profile a]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\nsso_start_url = https://x\n");
    profile_plan p;
    REQUIRE_FALSE(resolve_profile_plan(set, "a", p));
    diagnostics d;
    CHECK(check_plan_yields_credentials(p, &d) == errc::invalid_profile);
    CHECK(d.message.find("access token instead of credentials") != std::string::npos);
}

TEST_CASE("plan: how a chain treats resolution errors", "[profile_chain]") {
    CHECK(profile_error_status(errc::no_credentials, false) == provider_status::not_applicable);
    CHECK(profile_error_status(errc::no_credentials, true) == provider_status::not_applicable);
    CHECK(profile_error_status(errc::profile_not_found, false) == provider_status::not_applicable);
    CHECK(profile_error_status(errc::profile_not_found, true) == provider_status::failed); // AWS_PROFILE=dev, no [profile dev]
    CHECK(profile_error_status(errc::invalid_profile, false) == provider_status::failed);
    CHECK(profile_error_status(errc::invalid_credentials, false) == provider_status::failed);
}

TEST_CASE("credential_source names", "[profile_chain]") {
    named_source s;
    CHECK(parse_named_source("EcsContainer", s));
    CHECK(s == named_source::ecs_container);
    CHECK(parse_named_source("Ec2InstanceMetadata", s));
    CHECK(s == named_source::ec2_instance_metadata);
    CHECK(parse_named_source("Environment", s));
    CHECK(s == named_source::environment);
    CHECK_FALSE(parse_named_source("", s));
    CHECK_FALSE(parse_named_source("ecscontainer", s));
}

TEST_CASE("region chain: explicit, AWS_REGION, AWS_DEFAULT_REGION, profile, then IMDS", "[region]") {
    profile p{"dev", {{"region", " eu-central-1 "}}};
    auto env = environment_from_map(std::map<std::string, std::string>{{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "us-east-2"}});
    CHECK(resolve_region("ap-south-1", env, &p) == region_choice{"ap-south-1", region_source::explicit_value});
    CHECK(resolve_region("", env, &p) == region_choice{"us-west-2", region_source::aws_region});
    auto env2 = environment_from_map(std::map<std::string, std::string>{{"AWS_REGION", " "}, {"AWS_DEFAULT_REGION", "us-east-2"}});
    CHECK(resolve_region(" ", env2, &p) == region_choice{"us-east-2", region_source::aws_default_region});
    CHECK(resolve_region("", environment_lookup{}, &p) == region_choice{"eu-central-1", region_source::profile});
    const region_choice none = resolve_region("", environment_lookup{}, nullptr);
    CHECK_FALSE(none.found());
    CHECK(secrets::printed(none) == "region{<none> from none}");
    CHECK(region_from_imds("us-gov-west-1\n") == region_choice{"us-gov-west-1", region_source::imds});
    CHECK_FALSE(region_from_imds("  ").found());
}
