// The 44 endpoint rule tests of the AppConfig Data rule set (botocore's endpoint-tests-1.json), and
// every partition of partitions.json against our one table and the endpoints built from it (AppConfig
// Data, STS, the SSO portal), read from the conformance directory, never copied into the project.
#include <appconfigdata/credentials/sso.hpp>
#include <appconfigdata/credentials/sts.hpp>
#include <appconfigdata/endpoint/resolver.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <conformance.hpp>

#include <iostream>
#include <string>

using namespace appconfigdata;
namespace json = boost::json;

// The JSON document `file` of the conformance endpoints folder, or null after a loud SKIPPED line.
static json::value load_endpoints_json(const std::string& file) {
    const std::string dir = test_support::conformance_dir("endpoints");
    if (dir.empty()) return nullptr;
    std::string text;
    REQUIRE(test_support::read_file(dir + "/" + file, text));
    json::error_code jec;
    json::value doc = json::parse(text, jec);
    REQUIRE_FALSE(jec);
    return doc;
}

TEST_CASE("endpoint rule tests (appconfigdata-endpoint-tests.json)", "[endpoint][conformance]") {
    const json::value doc = load_endpoints_json("appconfigdata-endpoint-tests.json");
    if (doc.is_null()) return;
    const json::array& cases = doc.at("testCases").as_array();
    REQUIRE(cases.size() == 44);

    std::size_t passed = 0;
    for (const json::value& tc : cases) {
        const json::object& c = tc.as_object();
        const std::string doc_text = json::value_to<std::string>(c.at("documentation"));
        endpoint::params p;
        if (const json::value* params = c.if_contains("params")) {
            const json::object& o = params->as_object();
            if (auto* r = o.if_contains("Region")) p.region = json::value_to<std::string>(*r);
            if (auto* f = o.if_contains("UseFIPS")) p.use_fips = f->as_bool();
            if (auto* d = o.if_contains("UseDualStack")) p.use_dual_stack = d->as_bool();
            if (auto* e = o.if_contains("Endpoint")) p.endpoint_url = json::value_to<std::string>(*e);
        }
        const json::object& expect = c.at("expect").as_object();
        endpoint::resolved out;
        std::string message;
        const std::error_code ec = endpoint::resolve(p, out, &message);
        bool ok = false;
        if (const json::value* e = expect.if_contains("endpoint")) {
            const std::string url = json::value_to<std::string>(e->at("url"));
            ok = !ec && out.url == url && out.signing_name == "appconfig" && out.signing_region == p.region.value_or("");
            if (!ok) std::cout << "FAIL " << doc_text << ": expected " << url << ", got " << (ec ? message : out.url) << "\n";
        } else {
            const std::string error = json::value_to<std::string>(expect.at("error"));
            ok = ec == errc::endpoint_resolution_failed && message == error;
            if (!ok) std::cout << "FAIL " << doc_text << ": expected error '" << error << "', got " << (ec ? message : out.url) << "\n";
        }
        if (ok) ++passed;
    }
    std::cout << "endpoint rules: " << passed << "/" << cases.size() << "\n";
    CHECK(passed == cases.size());
}

namespace {

bool ends_with(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }

// The host `resolve` (resolve_sts_endpoint, resolve_sso_portal_endpoint) gives for `o`, or "error: why".
template <class Options, class Resolve>
std::string host_of(const Options& o, Resolve resolve) {
    http::url u;
    std::string why;
    return resolve(o, u, why) ? "error: " + why : u.host;
}

std::string sts_host(const std::string& region, bool fips, bool dual_stack) {
    sts_endpoint_options o;
    o.region = region;
    o.use_fips = fips;
    o.use_dual_stack = dual_stack;
    return host_of(o, resolve_sts_endpoint);
}

std::string sso_host(const std::string& region, bool dual_stack) {
    sso_options o;
    o.sso_region = region;
    o.use_dual_stack = dual_stack;
    return host_of(o, resolve_sso_portal_endpoint);
}

std::string appconfigdata_url(const std::string& region, bool dual_stack) {
    endpoint::params p;
    p.region = region;
    p.use_dual_stack = dual_stack;
    endpoint::resolved out;
    std::string message;
    return endpoint::resolve(p, out, &message) ? "error: " + message : out.url;
}

} // namespace

TEST_CASE("every partition of partitions.json: our table, and the AppConfig Data, STS and SSO endpoints agree", "[endpoint][conformance]") {
    const json::value doc = load_endpoints_json("partitions.json");
    if (doc.is_null()) return;
    const json::array& list = doc.at("partitions").as_array();
    REQUIRE(list.size() == endpoint::partitions.size());

    std::size_t passed = 0;
    for (const json::value& item : list) {
        const json::object& pj = item.as_object();
        const std::string id = json::value_to<std::string>(pj.at("id"));
        const json::object& outputs = pj.at("outputs").as_object();
        const std::string dns = json::value_to<std::string>(outputs.at("dnsSuffix"));
        const std::string dual = json::value_to<std::string>(outputs.at("dualStackDnsSuffix"));
        std::size_t failures = 0;
        auto expect = [&](bool ok, const std::string& what) {
            if (!ok) {
                ++failures;
                std::cout << "FAIL partition " << id << ": " << what << "\n";
            }
        };

        const endpoint::partition* ours = nullptr;
        for (const endpoint::partition& p : endpoint::partitions)
            if (p.id == id) ours = &p;
        expect(ours != nullptr, "not in endpoint::partitions");
        if (!ours) continue;
        expect(ours->dns_suffix == dns, "dns suffix " + std::string(ours->dns_suffix) + ", partitions.json says " + dns);
        expect(ours->dual_stack_dns_suffix == dual, "dual-stack suffix " + std::string(ours->dual_stack_dns_suffix) + ", partitions.json says " + dual);
        expect(ours->supports_fips == outputs.at("supportsFIPS").as_bool(), "supportsFIPS differs");
        expect(ours->supports_dual_stack == outputs.at("supportsDualStack").as_bool(), "supportsDualStack differs");
        expect(ours->implicit_global_region == json::value_to<std::string>(outputs.at("implicitGlobalRegion")), "implicitGlobalRegion differs");

        for (const auto& r : pj.at("regions").as_object()) {
            const std::string region(r.key());
            expect(endpoint::find_partition(region).id == id, region + " is found in " + std::string(endpoint::find_partition(region).id));
            const std::string sts = sts_host(region, false, false);
            const std::string sts_dual = sts_host(region, false, true);
            const std::string sts_fips = sts_host(region, true, false);
            const std::string acd = appconfigdata_url(region, false);
            const std::string acd_dual = appconfigdata_url(region, true);
            const std::string sso = sso_host(region, false);
            const std::string sso_dual = sso_host(region, true);
            expect(sts == "sts." + region + "." + dns, region + ": STS " + sts);
            expect(sts_dual == "sts." + region + "." + dual, region + ": dual-stack STS " + sts_dual);
            expect(sts_fips == "sts-fips." + region + "." + dns, region + ": FIPS STS " + sts_fips);
            expect(acd == "https://appconfigdata." + region + "." + dns, region + ": AppConfig Data " + acd);
            expect(acd_dual == "https://appconfigdata." + region + "." + dual, region + ": dual-stack AppConfig Data " + acd_dual);
            expect(ends_with(sts, "." + dns) && ends_with(acd, "." + dns), region + ": STS and AppConfig Data disagree");
            expect(sso == "portal.sso." + region + "." + dns, region + ": SSO portal " + sso);
            expect(sso_dual == "portal.sso." + region + "." + dual, region + ": dual-stack SSO portal " + sso_dual);
        }
        if (failures == 0) ++passed;
    }
    std::cout << "partitions: " << passed << "/" << list.size() << "\n";
    CHECK(passed == list.size());
}
