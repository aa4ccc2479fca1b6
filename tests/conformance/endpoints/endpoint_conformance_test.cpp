// The 44 endpoint rule tests of the AppConfig Data rule set (botocore's endpoint-tests-1.json),
// read from the conformance directory, never copied into the project.
#include <appconfigdata/endpoint/resolver.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <conformance.hpp>

#include <iostream>
#include <string>

using namespace appconfigdata;
namespace json = boost::json;

TEST_CASE("endpoint rule tests (appconfigdata-endpoint-tests.json)", "[endpoint][conformance]") {
    const std::string dir = test_support::conformance_dir("endpoints");
    if (dir.empty()) return;
    std::string text;
    REQUIRE(test_support::read_file(dir + "/appconfigdata-endpoint-tests.json", text));
    json::error_code jec;
    const json::value doc = json::parse(text, jec);
    REQUIRE_FALSE(jec);
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
