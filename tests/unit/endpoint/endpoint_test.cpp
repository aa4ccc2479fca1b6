#include <appconfigdata/endpoint/environment.hpp>
#include <appconfigdata/endpoint/partition.hpp>
#include <appconfigdata/endpoint/resolver.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <sstream>
#include <string>

using namespace appconfigdata;
using endpoint::params;
using endpoint::resolved;

namespace {
params region(const std::string& r, bool fips = false, bool dual = false) {
    params p;
    p.region = r;
    p.use_fips = fips;
    p.use_dual_stack = dual;
    return p;
}
std::string url_of(const params& p) {
    resolved out;
    std::string message;
    const auto ec = endpoint::resolve(p, out, &message);
    return ec ? "error: " + message : out.url;
}
} // namespace

TEST_CASE("every partition, every variant (facts §2.4)", "[endpoint]") {
    struct row {
        const char* region;
        const char* plain;
        const char* fips;
        const char* dual;
        const char* fips_dual;
    };
    const row rows[] = {
        {"us-east-1", "appconfigdata.us-east-1.amazonaws.com", "appconfigdata-fips.us-east-1.amazonaws.com", "appconfigdata.us-east-1.api.aws",
         "appconfigdata-fips.us-east-1.api.aws"},
        {"cn-north-1", "appconfigdata.cn-north-1.amazonaws.com.cn", "appconfigdata-fips.cn-north-1.amazonaws.com.cn",
         "appconfigdata.cn-north-1.api.amazonwebservices.com.cn", "appconfigdata-fips.cn-north-1.api.amazonwebservices.com.cn"},
        {"us-gov-west-1", "appconfigdata.us-gov-west-1.amazonaws.com", "appconfigdata.us-gov-west-1.amazonaws.com",
         "appconfigdata.us-gov-west-1.api.aws", "appconfigdata-fips.us-gov-west-1.api.aws"},
        {"us-iso-east-1", "appconfigdata.us-iso-east-1.c2s.ic.gov", "appconfigdata-fips.us-iso-east-1.c2s.ic.gov",
         "appconfigdata.us-iso-east-1.api.aws.ic.gov", "appconfigdata-fips.us-iso-east-1.api.aws.ic.gov"},
        {"us-isob-east-1", "appconfigdata.us-isob-east-1.sc2s.sgov.gov", "appconfigdata-fips.us-isob-east-1.sc2s.sgov.gov",
         "appconfigdata.us-isob-east-1.api.aws.scloud", "appconfigdata-fips.us-isob-east-1.api.aws.scloud"},
        {"eu-isoe-west-1", "appconfigdata.eu-isoe-west-1.cloud.adc-e.uk", "appconfigdata-fips.eu-isoe-west-1.cloud.adc-e.uk",
         "appconfigdata.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "appconfigdata-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk"},
        {"us-isof-south-1", "appconfigdata.us-isof-south-1.csp.hci.ic.gov", "appconfigdata-fips.us-isof-south-1.csp.hci.ic.gov",
         "appconfigdata.us-isof-south-1.api.aws.hci.ic.gov", "appconfigdata-fips.us-isof-south-1.api.aws.hci.ic.gov"},
        {"eusc-de-east-1", "appconfigdata.eusc-de-east-1.amazonaws.eu", "appconfigdata-fips.eusc-de-east-1.amazonaws.eu",
         "appconfigdata.eusc-de-east-1.api.amazonwebservices.eu", "appconfigdata-fips.eusc-de-east-1.api.amazonwebservices.eu"},
        {"xx-unknown-9", "appconfigdata.xx-unknown-9.amazonaws.com", "appconfigdata-fips.xx-unknown-9.amazonaws.com",
         "appconfigdata.xx-unknown-9.api.aws", "appconfigdata-fips.xx-unknown-9.api.aws"},
    };
    for (const auto& r : rows) {
        INFO(r.region);
        CHECK(url_of(region(r.region)) == std::string("https://") + r.plain);
        CHECK(url_of(region(r.region, true)) == std::string("https://") + r.fips);
        CHECK(url_of(region(r.region, false, true)) == std::string("https://") + r.dual);
        CHECK(url_of(region(r.region, true, true)) == std::string("https://") + r.fips_dual);
    }
}

TEST_CASE("partition lookup: explicit regions, patterns, fallback", "[endpoint][partition]") {
    CHECK(endpoint::partitions.size() == 8);
    CHECK(endpoint::find_partition("us-east-1").id == "aws");
    CHECK(endpoint::find_partition("aws-global").id == "aws");
    CHECK(endpoint::find_partition("aws-cn-global").id == "aws-cn");
    CHECK(endpoint::find_partition("aws-us-gov-global").id == "aws-us-gov");
    CHECK(endpoint::find_partition("aws-iso-b-global").id == "aws-iso-b");
    CHECK(endpoint::find_partition("cn-somewhere-7").id == "aws-cn");
    CHECK(endpoint::find_partition("us-gov-south-3").id == "aws-us-gov");
    CHECK(endpoint::find_partition("us-isof-north-2").id == "aws-iso-f");
    CHECK(endpoint::find_partition("eu-isoe-east-5").id == "aws-iso-e");
    CHECK(endpoint::find_partition("eusc-de-west-2").id == "aws-eusc");
    CHECK(endpoint::find_partition("eusc-fr-west-2").id == "aws"); // (de) only
    CHECK(endpoint::find_partition("mx-central-2").id == "aws");
    CHECK(endpoint::find_partition("us-east-1a").id == "aws");   // no match: \d+$ fails, falls back to aws anyway
    CHECK(endpoint::find_partition("cn-north-x").id == "aws");   // \d+ fails → fallback
    CHECK(endpoint::find_partition("cn-north").id == "aws");
    CHECK(endpoint::find_partition("localhost").id == "aws");
    CHECK(endpoint::find_partition("US-GOV-WEST-1").id == "aws"); // patterns are case-sensitive
    CHECK(endpoint::find_partition("cn-no_rth-1").id == "aws-cn"); // \w includes '_'

    const auto& cn = endpoint::find_partition("cn-north-1");
    CHECK(endpoint::matches_region_pattern(cn, "cn-north-1"));
    CHECK_FALSE(endpoint::matches_region_pattern(cn, "cn--1"));
    CHECK_FALSE(endpoint::matches_region_pattern(cn, "cn-north-"));
    CHECK_FALSE(endpoint::matches_region_pattern(cn, "cn-north-1-2"));
    CHECK(endpoint::lists_region(cn, "cn-northwest-1"));
    CHECK_FALSE(endpoint::lists_region(cn, "cn-north"));
    std::ostringstream os;
    os << cn;
    CHECK(os.str() == "partition{aws-cn, amazonaws.com.cn, api.amazonwebservices.com.cn, fips, dualstack}");
}

TEST_CASE("custom endpoint URL wins, but not with FIPS or dual-stack", "[endpoint]") {
    params p;
    p.endpoint_url = "http://127.0.0.1:8080";
    resolved out;
    REQUIRE_FALSE(endpoint::resolve(p, out));
    CHECK(out.url == "http://127.0.0.1:8080");
    CHECK(out.signing_region.empty());
    CHECK(out.signing_name == "appconfig");

    p.region = "eu-west-1";
    p.endpoint_url = "https://proxy.example.com/base/";
    REQUIRE_FALSE(endpoint::resolve(p, out));
    CHECK(out == resolved{"https://proxy.example.com/base/", "eu-west-1", "appconfig"});

    std::string message;
    p.use_fips = true;
    p.use_dual_stack = true;
    CHECK(endpoint::resolve(p, out, &message) == errc::endpoint_resolution_failed);
    CHECK(message == "Invalid Configuration: FIPS and custom endpoint are not supported");
    p.use_fips = false;
    CHECK(endpoint::resolve(p, out, &message) == errc::endpoint_resolution_failed);
    CHECK(message == "Invalid Configuration: Dualstack and custom endpoint are not supported");
    CHECK(out.url == "https://proxy.example.com/base/"); // unchanged on error
}

TEST_CASE("bad custom URLs are invalid_url and not echoed", "[endpoint]") {
    for (auto bad : {"", "example.com", "ftp://example.com", "https://", "https://user:secret@example.com", "https://example.com?x=1",
                     "https://example.com#frag", "https://exa mple.com", "https://example.com:0", "https://example.com:99999"}) {
        INFO(bad);
        params p;
        p.endpoint_url = bad;
        resolved out;
        std::string message;
        CHECK(endpoint::resolve(p, out, &message) == errc::invalid_url);
        CHECK(message.find("secret") == std::string::npos);
        CHECK_FALSE(message.empty());
    }
}

TEST_CASE("missing region", "[endpoint]") {
    resolved out;
    std::string message;
    CHECK(endpoint::resolve(params{}, out, &message) == errc::endpoint_resolution_failed);
    CHECK(message == "Invalid Configuration: Missing Region");
    params fips_only;
    fips_only.use_fips = true;
    CHECK(endpoint::resolve(fips_only, out, &message) == errc::endpoint_resolution_failed);
    CHECK(message == "Invalid Configuration: Missing Region");
    CHECK(endpoint::resolve(params{}, out) == errc::endpoint_resolution_failed); // message pointer optional
}

TEST_CASE("regions that are not host labels are rejected", "[endpoint][region]") {
    const std::string long64(64, 'a');
    const std::string long63(63, 'a');
    for (const std::string& bad : {std::string("us-east-1.evil"), std::string(""), std::string("-x"), std::string("x-"), long64,
                                  std::string("123"), std::string("us east 1"), std::string("us_east_1"), std::string("us-east-1/"),
                                  std::string("us-east-1\n"), std::string("\xc3\xa9u-west-1")}) {
        INFO(bad);
        CHECK_FALSE(endpoint::is_valid_region(bad));
        resolved out;
        std::string message;
        CHECK(endpoint::resolve(region(bad), out, &message) == errc::invalid_region);
        CHECK(message.find("Invalid region") == 0);
        // Validation comes first, even with a custom endpoint.
        params p = region(bad);
        p.endpoint_url = "https://example.com";
        CHECK(endpoint::resolve(p, out) == errc::invalid_region);
    }
    for (const std::string& good : {std::string("us-east-1"), std::string("US-EAST-1"), std::string("a"), std::string("1a"), long63,
                                   std::string("localhost"), std::string("a--b")}) {
        INFO(good);
        CHECK(endpoint::is_valid_region(good));
    }
    CHECK(url_of(region("US-EAST-1")) == "https://appconfigdata.US-EAST-1.amazonaws.com"); // passes through, like botocore
}

TEST_CASE("synthetic partitions without FIPS or dual-stack give the rule set's errors", "[endpoint][partition]") {
    const std::array<endpoint::partition, 3> table = {{
        {"aws", "us", "", "amazonaws.com", "api.aws", true, true, "us-east-1"},
        {"no-fips", "nf", "", "nofips.example", "ds.nofips.example", false, true, ""},
        {"no-ds", "nd", "nd-global", "nods.example", "ds.nods.example", true, false, ""},
    }};
    auto resolve_in = [&](const params& p) {
        resolved out;
        std::string message;
        const auto ec = endpoint::resolve(p, table, out, &message);
        return ec ? "error: " + message : out.url;
    };
    CHECK(resolve_in(region("nf-east-1")) == "https://appconfigdata.nf-east-1.nofips.example");
    CHECK(resolve_in(region("nf-east-1", false, true)) == "https://appconfigdata.nf-east-1.ds.nofips.example");
    CHECK(resolve_in(region("nf-east-1", true)) == "error: FIPS is enabled but this partition does not support FIPS");
    CHECK(resolve_in(region("nf-east-1", true, true)) == "error: FIPS and DualStack are enabled, but this partition does not support one or both");
    CHECK(resolve_in(region("nd-global", true)) == "https://appconfigdata-fips.nd-global.nods.example");
    CHECK(resolve_in(region("nd-west-2", false, true)) == "error: DualStack is enabled but this partition does not support DualStack");
    CHECK(resolve_in(region("nd-west-2", true, true)) == "error: FIPS and DualStack are enabled, but this partition does not support one or both");
    CHECK(resolve_in(region("zz-west-2")) == "https://appconfigdata.zz-west-2.amazonaws.com"); // fallback to "aws"

    const std::array<endpoint::partition, 1> no_aws = {{{"only", "qq", "", "only.example", "ds.only.example", true, true, ""}}};
    resolved out;
    REQUIRE_FALSE(endpoint::resolve(region("zz-west-2"), no_aws, out));
    CHECK(out.url == "https://appconfigdata.zz-west-2.only.example"); // fallback to the first entry
    const std::array<endpoint::partition, 0> empty{};
    CHECK(endpoint::resolve(region("zz-west-2"), empty, out) == errc::endpoint_resolution_failed);
}

TEST_CASE("params and resolved compare and print", "[endpoint]") {
    params a = region("us-east-1", true);
    params b = a;
    CHECK(a == b);
    b.use_dual_stack = true;
    CHECK(a != b);
    std::ostringstream os;
    os << a << " | ";
    resolved out;
    REQUIRE_FALSE(endpoint::resolve(a, out));
    os << out;
    CHECK(os.str() == "endpoint::params{region=us-east-1, fips=1, dualstack=0} | https://appconfigdata-fips.us-east-1.amazonaws.com (signing appconfig/us-east-1)");
}

namespace {
struct fake_env {
    std::map<std::string, std::string> vars;
    endpoint::environment_lookup lookup() const {
        return [this](std::string_view name) -> std::optional<std::string> {
            auto it = vars.find(std::string(name));
            if (it == vars.end()) return std::nullopt;
            return it->second;
        };
    }
};
} // namespace

TEST_CASE("parameters from the environment", "[endpoint][environment]") {
    fake_env env;
    params p;
    REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), p));
    CHECK(p == params{});

    env.vars = {{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}, {"AWS_USE_FIPS_ENDPOINT", "TRUE"},
                {"AWS_USE_DUALSTACK_ENDPOINT", " false "}, {"AWS_ENDPOINT_URL", "http://global:1"},
                {"AWS_ENDPOINT_URL_APPCONFIGDATA", "http://service:2"}};
    REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), p));
    CHECK(p.region == std::optional<std::string>("eu-west-1"));
    CHECK(p.use_fips);
    CHECK_FALSE(p.use_dual_stack);
    CHECK(p.endpoint_url == std::optional<std::string>("http://service:2")); // the service-specific one wins

    SECTION("fallbacks") {
        env.vars = {{"AWS_DEFAULT_REGION", "us-west-2"}, {"AWS_ENDPOINT_URL", "http://global:1"}, {"AWS_ENDPOINT_URL_APPCONFIGDATA", ""},
                    {"AWS_REGION", ""}};
        params q;
        REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), q));
        CHECK(q.region == std::optional<std::string>("us-west-2"));
        CHECK(q.endpoint_url == std::optional<std::string>("http://global:1"));
    }
    SECTION("explicit settings are kept") {
        params q;
        q.region = "ap-south-1";
        q.endpoint_url = "http://explicit:3";
        REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), q));
        CHECK(q.region == std::optional<std::string>("ap-south-1"));
        CHECK(q.endpoint_url == std::optional<std::string>("http://explicit:3"));
    }
    SECTION("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        env.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "True";
        params q;
        REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), q));
        CHECK_FALSE(q.endpoint_url);
        env.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false";
        REQUIRE_FALSE(endpoint::params_from_environment(env.lookup(), q));
        CHECK(q.endpoint_url);
    }
    SECTION("bad booleans are typed errors naming the variable") {
        for (auto name : {"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"}) {
            fake_env bad;
            bad.vars = {{name, "yes"}, {"AWS_REGION", "eu-west-1"}};
            params q;
            std::string message;
            CHECK(endpoint::params_from_environment(bad.lookup(), q, &message) == errc::invalid_argument);
            CHECK(message == std::string(name) + " must be true or false");
            CHECK(q == params{});
        }
    }
}
