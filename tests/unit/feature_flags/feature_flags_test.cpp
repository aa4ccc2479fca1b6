#include <appconfigdata/feature_flags/document.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <thread>

using namespace appconfigdata;
using feature_flags::document;

namespace {

const char* const sample = R"({
  "dark_mode": {"enabled": true, "max_items": 25, "ratio": 0.75, "theme": "night", "beta": false,
                "regions": ["eu", "us"], "big": 18446744073709551615, "_variant": "QA"},
  "checkout_v2": {"enabled": false},
  "alpha": {"enabled": true, "label": "caf\u00e9"}
})";

document parsed(std::string_view text) {
    document d;
    diagnostics diag;
    REQUIRE(document::parse(text, d, diag) == std::error_code());
    CHECK(diag.empty());
    return d;
}

} // namespace

TEST_CASE("feature flags: enabled and the sorted list of names") {
    const document d = parsed(sample);
    CHECK(d.size() == 3);
    CHECK_FALSE(d.empty());
    REQUIRE(d.names().size() == 3);
    CHECK(d.names()[0] == "alpha");
    CHECK(d.names()[1] == "checkout_v2");
    CHECK(d.names()[2] == "dark_mode");
    CHECK(d.contains("dark_mode"));
    CHECK_FALSE(d.contains("dark"));
    CHECK(d.enabled("dark_mode") == std::optional<bool>(true));
    CHECK(d.enabled("checkout_v2") == std::optional<bool>(false));
    CHECK(d.enabled("missing") == std::nullopt);
    CHECK(d.is_enabled("alpha"));
    CHECK_FALSE(d.is_enabled("missing"));
    CHECK(d.is_enabled("missing", true));
    bool on = true;
    CHECK(d.try_enabled("checkout_v2", on) == std::error_code());
    CHECK_FALSE(on);
    CHECK(d.try_enabled("nope", on) == errc::feature_flag_not_found);
}

TEST_CASE("feature flags: typed attributes with defaults") {
    const document d = parsed(sample);
    CHECK(d.get_int("dark_mode", "max_items", 0) == 25);
    CHECK(d.get_double("dark_mode", "ratio", 0.0) == 0.75);
    CHECK(d.get_double("dark_mode", "max_items", 0.0) == 25.0); // integers read as doubles
    CHECK(d.get_string("dark_mode", "theme", "day") == "night");
    CHECK(d.get_string("alpha", "label", "") == "caf\xc3\xa9");
    CHECK(d.get_string("dark_mode", "_variant", "") == "QA");
    CHECK(d.get_bool("dark_mode", "beta", true) == false);
    CHECK(d.get_bool("dark_mode", "enabled", false) == true);
    // defaults: missing flag, missing attribute, wrong type
    CHECK(d.get_int("missing", "max_items", 7) == 7);
    CHECK(d.get_int("dark_mode", "missing", 7) == 7);
    CHECK(d.get_int("dark_mode", "theme", 7) == 7);
    CHECK(d.get_int("dark_mode", "ratio", 7) == 7);           // 0.75 is not an integer
    CHECK(d.get_int("dark_mode", "big", 7) == 7);             // does not fit in int64
    CHECK(d.get_double("dark_mode", "big", 0.0) > 1e19);
    CHECK(d.get_string("dark_mode", "max_items", "x") == "x");
    CHECK(d.get_bool("dark_mode", "theme", true) == true);
    CHECK(d.get_string("checkout_v2", "theme", "fallback") == "fallback");
}

TEST_CASE("feature flags: checked attribute reads report not-found and wrong-type") {
    const document d = parsed(sample);
    std::int64_t i = -1;
    CHECK(d.try_get_int("dark_mode", "max_items", i) == std::error_code());
    CHECK(i == 25);
    i = -1;
    CHECK(d.try_get_int("nope", "max_items", i) == errc::feature_flag_not_found);
    CHECK(d.try_get_int("dark_mode", "nope", i) == errc::feature_flag_not_found);
    CHECK(d.try_get_int("dark_mode", "theme", i) == errc::feature_flag_wrong_type);
    CHECK(d.try_get_int("dark_mode", "big", i) == errc::feature_flag_wrong_type);
    CHECK(i == -1); // untouched on error
    double x = 0;
    CHECK(d.try_get_double("dark_mode", "regions", x) == errc::feature_flag_wrong_type);
    CHECK(d.try_get_double("dark_mode", "ratio", x) == std::error_code());
    CHECK(x == 0.75);
    std::string_view s;
    CHECK(d.try_get_string("dark_mode", "beta", s) == errc::feature_flag_wrong_type);
    CHECK(d.try_get_string("dark_mode", "theme", s) == std::error_code());
    CHECK(s == "night");
    bool b = false;
    CHECK(d.try_get_bool("dark_mode", "max_items", b) == errc::feature_flag_wrong_type);
    CHECK(d.try_get_bool("checkout_v2", "enabled", b) == std::error_code());
    CHECK_FALSE(b);
    // arrays and other shapes stay reachable as raw JSON
    const boost::json::value* regions = d.attribute("dark_mode", "regions");
    REQUIRE(regions != nullptr);
    REQUIRE(regions->is_array());
    CHECK(regions->as_array().size() == 2);
    CHECK(d.attribute("dark_mode", "nope") == nullptr);
    CHECK(d.attribute("nope", "regions") == nullptr);
    CHECK(d.flag_object("alpha") != nullptr);
    CHECK(d.flag_object("nope") == nullptr);
}

TEST_CASE("feature flags: a flag's JSON object for printing") {
    const document d = parsed(sample);
    std::string out = "untouched";
    CHECK(d.flag_json("checkout_v2", out) == std::error_code());
    CHECK(out == R"({"enabled":false})");
    CHECK(d.flag_json("alpha", out) == std::error_code());
    CHECK(out == "{\"enabled\":true,\"label\":\"caf\xc3\xa9\"}");
    // the printed object parses back to the same value
    CHECK(d.flag_json("dark_mode", out) == std::error_code());
    CHECK(boost::json::parse(out) == boost::json::value(*d.flag_object("dark_mode")));
    out = "untouched";
    CHECK(d.flag_json("Dark_mode", out) == errc::feature_flag_not_found); // names are case-sensitive
    CHECK(out == "untouched");
}

TEST_CASE("feature flags: malformed documents are typed errors naming what was wrong") {
    struct bad {
        const char* text;
        const char* says;
    };
    const bad cases[] = {
        {"", "not valid JSON"},
        {"{", "not valid JSON"},
        {"{\"a\": {\"enabled\": true}} trailing", "not valid JSON"},
        {"[]", "not a JSON object"},
        {"\"flags\"", "not a JSON object"},
        {"null", "not a JSON object"},
        {"{\"a\": true}", "'a' is not a JSON object"},
        {"{\"a\": {}}", "'a' has no boolean \"enabled\""},
        {"{\"a\": {\"enabled\": \"true\"}}", "'a' has no boolean \"enabled\""},
        {"{\"a\": {\"enabled\": 1}}", "'a' has no boolean \"enabled\""},
        {"{\"ok\": {\"enabled\": true}, \"b\": {\"enabled\": null}}", "'b' has no boolean"},
    };
    for (const bad& c : cases) {
        INFO(c.text);
        document d = parsed(R"({"keep": {"enabled": true}})");
        diagnostics diag;
        CHECK(document::parse(c.text, d, diag) == errc::malformed_document);
        CHECK(diag.message.find(c.says) != std::string::npos);
        CHECK(d.contains("keep")); // the target is unchanged on failure
    }
}

TEST_CASE("feature flags: an empty object is a document with no flags") {
    const document d = parsed("  {}  ");
    CHECK(d.empty());
    CHECK(d.names().empty());
    CHECK(d.enabled("a") == std::nullopt);
    const document none;
    CHECK(none.empty());
    CHECK(none.names().empty());
    CHECK(none == d);
    std::string out;
    CHECK(none.flag_json("a", out) == errc::feature_flag_not_found);
}

TEST_CASE("feature flags: size, depth and count limits") {
    document d;
    diagnostics diag;
    feature_flags::parse_limits small;
    small.max_bytes = 10;
    CHECK(document::parse(R"({"a": {"enabled": true}})", d, diag, small) == errc::limit_exceeded);
    CHECK(diag.message.find("over the limit") != std::string::npos);

    std::string deep = R"({"a": {"enabled": true, "x": )";
    for (int i = 0; i < 100; ++i) deep += "[";
    for (int i = 0; i < 100; ++i) deep += "]";
    deep += "}}";
    CHECK(document::parse(deep, d, diag) == errc::limit_exceeded);
    CHECK(diag.message.find("deeper") != std::string::npos);
    feature_flags::parse_limits deep_ok;
    deep_ok.max_depth = 200;
    CHECK(document::parse(deep, d, diag, deep_ok) == std::error_code());

    feature_flags::parse_limits few;
    few.max_flags = 1;
    CHECK(document::parse(R"({"a": {"enabled": true}, "b": {"enabled": true}})", d, diag, few) == errc::limit_exceeded);
    CHECK(document::parse(R"({"a": {"enabled": true}})", d, diag, few) == std::error_code());
}

TEST_CASE("feature flags: the document is a value that copies cheaply and compares") {
    const document a = parsed(sample);
    document b = a; // shares the parsed data
    CHECK(a == b);
    const document c = parsed(R"({"alpha": {"label": "caf\u00e9", "enabled": true}, "checkout_v2": {"enabled": false},
        "dark_mode": {"enabled": true, "max_items": 25, "ratio": 0.75, "theme": "night", "beta": false,
                      "regions": ["eu", "us"], "big": 18446744073709551615, "_variant": "QA"}})");
    CHECK(a == c); // order of members does not matter
    const document e = parsed(R"({"alpha": {"enabled": false}})");
    CHECK(a != e);
    b = e;
    CHECK(b == e);
    CHECK(a.contains("dark_mode")); // a unaffected by reassigning b
    std::ostringstream os;
    os << a;
    CHECK(os.str() == "feature_flags::document{3 flags}");
    CHECK(os.str().find("night") == std::string::npos);
}

TEST_CASE("feature flags: a shared document reads the same from several threads") {
    const document d = parsed(sample);
    int results[4] = {};
    std::thread threads[4];
    for (int t = 0; t < 4; ++t) {
        threads[t] = std::thread([&d, &results, t] {
            int ok = 0;
            for (int i = 0; i < 1000; ++i) {
                document copy = d;
                if (copy.is_enabled("dark_mode") && copy.get_int("dark_mode", "max_items", 0) == 25 &&
                    copy.get_string("dark_mode", "theme", "") == "night")
                    ++ok;
            }
            results[t] = ok;
        });
    }
    for (auto& t : threads) t.join();
    for (int r : results) CHECK(r == 1000);
}
