// Unit tests of the SigV4 layer: published AWS documentation examples (typed in as facts), query and
// path canonicalisation corners, session tokens, presigning, bad inputs, the signing-key cache,
// allocation-free re-signing, the verifier, and that secrets never reach a message.
#include "test_crypto.hpp"
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/signer.hpp>
#include <appconfigdata/sigv4/verifier.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "alloc_counter.hpp"

namespace acd = appconfigdata;
using acd::errc;
using signer_type = acd::sigv4::signer<test_crypto>;

namespace {

constexpr const char* example_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* example_token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf";

acd::time_point at(const char* amz_date) {
    acd::time_point t;
    REQUIRE_FALSE(acd::http::parse_amz_date(amz_date, t));
    return t;
}

acd::credentials example_credentials(bool with_token = false) {
    acd::credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = example_secret;
    if (with_token) c.session_token = example_token;
    return c;
}

acd::sigv4::signing_params params(const char* region, const char* service, const char* when) {
    acd::sigv4::signing_params p;
    p.region = region;
    p.service = service;
    p.time = at(when);
    return p;
}

acd::http::request appconfig_get(const std::string& encoded_token) {
    acd::http::request r;
    REQUIRE_FALSE(r.set_url("https://appconfigdata.us-west-2.amazonaws.com/configuration?configuration_token=" + encoded_token));
    return r;
}

std::string hex(const acd::crypto::digest& d) { return acd::detail::to_hex(d); }

} // namespace

TEST_CASE("signing key derivation reproduces the AWS documentation examples", "[sigv4]") {
    test_crypto crypto;
    acd::crypto::digest key{};
    std::string scratch;
    // "Examples of how to derive a signing key for Signature Version 4" (20120215, us-east-1, iam).
    acd::sigv4::derive_signing_key(crypto, example_secret, "20120215", "us-east-1", "iam", key, scratch);
    CHECK(hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    CHECK(scratch.empty()); // the "AWS4" + secret buffer is wiped
    // The signing key of the IAM ListUsers example (20150830, us-east-1, iam).
    acd::sigv4::derive_signing_key(crypto, example_secret, "20150830", "us-east-1", "iam", key, scratch);
    CHECK(hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST_CASE("the IAM ListUsers GET example from the SigV4 documentation", "[sigv4]") {
    acd::http::request req;
    REQUIRE_FALSE(req.set_url("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"));
    req.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    signer_type signer;
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(signer.sign(req, example_credentials(), params("us-east-1", "iam", "20150830T123600Z"), &d));
    CHECK(d.canonical_request ==
          "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
          "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
          "content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(d.string_to_sign ==
          "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
          "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    CHECK(d.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    CHECK(d.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    REQUIRE(req.headers.find("Authorization"));
    CHECK(*req.headers.find("Authorization") == d.authorization);
    CHECK(*req.headers.find("X-Amz-Date") == "20150830T123600Z");
    CHECK(*req.headers.find("Host") == "iam.amazonaws.com");
    CHECK(req.headers.fields().front().name == "Host");
    CHECK(signer.canonical_request() == d.canonical_request);
    CHECK(signer.string_to_sign() == d.string_to_sign);
    CHECK(signer.signature() == d.signature);
}

TEST_CASE("a configuration token with + / = is canonicalised as %2B %2F %3D", "[sigv4][query]") {
    signer_type signer;
    const auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    acd::sigv4::signing_details encoded, raw;
    auto a = appconfig_get("AYADe%2Bab%2Fcd%3D%3D");
    REQUIRE_FALSE(signer.sign(a, example_credentials(), p, &encoded));
    CHECK(encoded.canonical_request.find("\nconfiguration_token=AYADe%2Bab%2Fcd%3D%3D\n") != std::string::npos);
    // A literal '+' is data, never a space (the smithy-rs #4227 pitfall); '/' and '=' are encoded too.
    auto b = appconfig_get("AYADe+ab/cd==");
    REQUIRE_FALSE(signer.sign(b, example_credentials(), p, &raw));
    CHECK(raw.canonical_request == encoded.canonical_request);
    CHECK(raw.signature == encoded.signature);
    // The wire query stays as the caller wrote it.
    CHECK(a.query == "configuration_token=AYADe%2Bab%2Fcd%3D%3D");
}

TEST_CASE("canonical query: decoded, re-encoded, sorted by name then value", "[sigv4][query]") {
    acd::sigv4::canonicalizer c;
    const auto q = [&](std::string_view in) {
        std::string out;
        c.append_query(out, in);
        return out;
    };
    CHECK(q("") == "");
    CHECK(q("b=2&a=1") == "a=1&b=2");
    CHECK(q("Param-3=Value3&Param=Value2") == "Param=Value2&Param-3=Value3"); // by name, not by "name=value"
    CHECK(q("a=z&a=B&a=b") == "a=B&a=b&a=z");
    CHECK(q("key") == "key=");
    CHECK(q("a=1&&b=2&") == "a=1&b=2");
    CHECK(q("t=%7e%2b+%20x") == "t=~%2B%2B%20x");
    CHECK(q("t=%zz%4") == "t=%25zz%254"); // stray '%' is data
    CHECK(q("\xE1\x88\xB4=bar") == "%E1%88%B4=bar");
    CHECK(q("a=b=c") == "a=b%3Dc");
}

TEST_CASE("canonical URI: normalisation and double encoding are configurable", "[sigv4][path]") {
    acd::sigv4::canonicalizer c;
    const auto u = [&](std::string_view in, bool normalize, bool twice) {
        std::string out;
        c.append_uri(out, in, normalize, twice);
        return out;
    };
    CHECK(u("/", true, true) == "/");
    CHECK(u("", true, true) == "/");
    CHECK(u("/example/..", true, true) == "/");
    CHECK(u("/example1/example2/../..", true, true) == "/");
    CHECK(u("/example1/example2/../..", false, true) == "/example1/example2/../..");
    CHECK(u("/./", true, true) == "/");
    CHECK(u("/./example", true, true) == "/example");
    CHECK(u("//example//", true, true) == "/example/");
    CHECK(u("//example//", false, true) == "//example//");
    CHECK(u("/a/./b/../c//d/", true, true) == "/a/c/d/");
    CHECK(u("/example space/", true, true) == "/example%20space/");
    CHECK(u("/\xE1\x88\xB4", true, true) == "/%E1%88%B4");
    CHECK(u("/a%20b", true, true) == "/a%2520b");   // double encoding (all services but S3)
    CHECK(u("/a%20b", true, false) == "/a%20b");    // single encoding (S3)
    CHECK(u("/a b", false, false) == "/a%20b");
    CHECK(u("/example/$delete", true, true) == "/example/%24delete");
}

TEST_CASE("canonical headers: lower-cased, sorted, trimmed, duplicates joined in order", "[sigv4][headers]") {
    acd::http::headers h;
    h.add("Host", "example.amazonaws.com");
    h.add("My-Header1", "value2");
    h.add("my-header1", "value2");
    h.add("MY-HEADER1", "  value1  ");
    h.add("X-B", "a   b \t c");
    h.add("X-Fold", "one\n  two\r\n\tthree");
    h.add("User-Agent", "never signed");
    h.add("Authorization", "old");
    acd::sigv4::canonicalizer c;
    c.select_signable(h);
    std::string headers, names;
    c.append_headers(headers, h);
    names = std::string(c.signed_headers());
    CHECK(headers == "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-b:a b c\nx-fold:one two three\n");
    CHECK(names == "host;my-header1;x-b;x-fold");
}

TEST_CASE("session token: signed as X-Amz-Security-Token", "[sigv4][token]") {
    signer_type signer;
    auto req = appconfig_get("abc");
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(signer.sign(req, example_credentials(true), params("us-west-2", "appconfig", "20261126T061314Z"), &d));
    REQUIRE(req.headers.find("X-Amz-Security-Token"));
    CHECK(*req.headers.find("X-Amz-Security-Token") == example_token);
    CHECK(d.canonical_request.find(std::string("\nx-amz-security-token:") + example_token + "\n") != std::string::npos);
    CHECK(d.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,") != std::string::npos);
    CHECK(req.headers.count("x-amz-content-sha256") == 0);

    // omit_session_token: added after signing, not signed.
    auto req2 = appconfig_get("abc");
    auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    p.omit_session_token = true;
    REQUIRE_FALSE(signer.sign(req2, example_credentials(true), p, &d));
    CHECK(d.authorization.find("SignedHeaders=host;x-amz-date,") != std::string::npos);
    CHECK(*req2.headers.find("X-Amz-Security-Token") == example_token);
}

TEST_CASE("x-amz-content-sha256 is added only when asked", "[sigv4]") {
    signer_type signer;
    acd::http::request req;
    REQUIRE_FALSE(req.set_url("https://example.amazonaws.com/"));
    req.method = "POST";
    req.body = "Param1=value1";
    auto p = params("us-east-1", "service", "20150830T123600Z");
    p.add_content_sha256_header = true;
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(signer.sign(req, example_credentials(), p, &d));
    REQUIRE(req.headers.find("x-amz-content-sha256"));
    CHECK(*req.headers.find("x-amz-content-sha256") == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    CHECK(d.canonical_request.substr(d.canonical_request.size() - 64) == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
}

TEST_CASE("presign: the X-Amz-* parameters go into the query", "[sigv4][presign]") {
    signer_type signer;
    acd::http::request req;
    REQUIRE_FALSE(req.set_url("https://example.amazonaws.com/?Param1=value1"));
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(signer.presign(req, example_credentials(true), params("us-east-1", "service", "20150830T123600Z"), std::chrono::seconds(900), &d));
    CHECK(req.query.rfind("Param1=value1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
                          "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900&X-Amz-Security-Token=AQoDYXdzEPT%2F%2F",
                          0) == 0);
    CHECK(req.query.size() > 64);
    CHECK(req.query.substr(req.query.size() - 64 - 17, 17) == "&X-Amz-Signature=");
    CHECK(req.query.substr(req.query.size() - 64) == d.signature);
    CHECK(d.authorization.empty());
    CHECK(d.canonical_request.find("&X-Amz-Expires=900&X-Amz-Security-Token=") != std::string::npos);
    CHECK_FALSE(req.headers.contains("Authorization"));
    CHECK_FALSE(req.headers.contains("X-Amz-Date"));

    acd::http::request bad;
    REQUIRE_FALSE(bad.set_url("https://example.amazonaws.com/"));
    const auto p = params("us-east-1", "service", "20150830T123600Z");
    CHECK(signer.presign(bad, example_credentials(), p, std::chrono::seconds(0)) == errc::invalid_argument);
    CHECK(signer.presign(bad, example_credentials(), p, std::chrono::seconds(604801)) == errc::invalid_argument);
    CHECK(bad.query.empty());
    CHECK_FALSE(signer.presign(bad, example_credentials(), p, std::chrono::seconds(604800)));
}

TEST_CASE("bad inputs give typed errors and leave no secret in any message", "[sigv4][errors]") {
    signer_type signer;
    const auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    const std::string secret = "TopSecretKey/+=abcdefghijklmnop0123456789";
    const std::string token = "TopSecretSessionToken0123456789";
    acd::credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = secret;
    creds.session_token = token;

    std::vector<std::error_code> errors;
    const auto expect = [&](acd::http::request req, const acd::credentials& c, const acd::sigv4::signing_params& pp, errc want) {
        const auto before = req;
        const auto ec = signer.sign(req, c, pp);
        CHECK(ec == want);
        CHECK(req == before); // untouched on error
        errors.push_back(ec);
    };
    const auto good = appconfig_get("abc");

    acd::credentials empty;
    expect(good, empty, p, errc::no_credentials);
    acd::credentials no_secret = creds;
    no_secret.secret_access_key = "";
    expect(good, no_secret, p, errc::no_credentials);
    acd::credentials bad_id = creds;
    bad_id.access_key_id = "AKID/EXAMPLE";
    expect(good, bad_id, p, errc::invalid_credentials);
    acd::credentials bad_token = creds;
    bad_token.session_token = "abc\r\nX-Injected: 1";
    expect(good, bad_token, p, errc::invalid_credentials);

    auto pr = p;
    pr.region = "";
    expect(good, creds, pr, errc::invalid_region);
    pr.region = "us west 2";
    expect(good, creds, pr, errc::invalid_region);
    auto ps = p;
    ps.service = "";
    expect(good, creds, ps, errc::invalid_argument);

    auto r = good;
    r.headers.add("Bad Name", "x");
    expect(r, creds, p, errc::invalid_header);
    r = good;
    r.headers.add("X-Ok", std::string("a\0b", 3));
    expect(r, creds, p, errc::invalid_header);
    r = good;
    r.headers.add("X-Ok", "a\r\nX-Injected: 1");
    expect(r, creds, p, errc::invalid_header);
    r = good;
    r.headers.add("X-Ok", "trailing fold\n");
    expect(r, creds, p, errc::invalid_header);
    r = good;
    r.headers.add("", "x");
    expect(r, creds, p, errc::invalid_header);
    r = good;
    r.method = "GE T";
    expect(r, creds, p, errc::invalid_argument);
    r = good;
    r.host.clear();
    expect(r, creds, p, errc::invalid_url);
    r = good;
    r.path = "/a\nb";
    expect(r, creds, p, errc::invalid_url);
    r = good;
    r.query = "a=\x01";
    expect(r, creds, p, errc::invalid_url);

    for (const auto& ec : errors) {
        INFO(ec.message());
        CHECK(ec.message().find(secret) == std::string::npos);
        CHECK(ec.message().find(token) == std::string::npos);
    }

    // Printing credentials, details and the signed request never shows the secret or the token.
    auto req = good;
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(signer.sign(req, creds, p, &d));
    std::ostringstream os;
    os << creds << "\n" << d << "\n" << req;
    CHECK(os.str().find(secret) == std::string::npos);
    CHECK(os.str().find(token) == std::string::npos);
    CHECK(os.str().find("<redacted>") != std::string::npos);
    CHECK(d.canonical_request.find(secret) == std::string::npos);

    // A presigned request's details print with the token redacted from the query too.
    auto pre = good;
    REQUIRE_FALSE(signer.presign(pre, creds, p, std::chrono::seconds(60), &d));
    std::ostringstream os2;
    os2 << d;
    CHECK(os2.str().find(token) == std::string::npos);
    CHECK(os2.str().find("X-Amz-Security-Token=<redacted>&X-Amz-SignedHeaders=host") != std::string::npos);
}

TEST_CASE("signing-key cache: one derivation per (date, region, service, secret)", "[sigv4][cache]") {
    signer_type signer;
    CHECK(signer.signing_keys_derived() == 0);
    auto creds = example_credentials();
    auto req = appconfig_get("a");
    REQUIRE_FALSE(signer.sign(req, creds, params("us-west-2", "appconfig", "20261126T061314Z")));
    CHECK(signer.signing_keys_derived() == 1);
    req = appconfig_get("b");
    REQUIRE_FALSE(signer.sign(req, creds, params("us-west-2", "appconfig", "20261126T235959Z"))); // same day
    CHECK(signer.signing_keys_derived() == 1);
    REQUIRE_FALSE(signer.sign(req, creds, params("us-west-2", "appconfig", "20261127T000000Z"))); // next day
    CHECK(signer.signing_keys_derived() == 2);
    REQUIRE_FALSE(signer.sign(req, creds, params("eu-west-1", "appconfig", "20261127T000001Z")));
    CHECK(signer.signing_keys_derived() == 3);
    REQUIRE_FALSE(signer.sign(req, creds, params("eu-west-1", "iam", "20261127T000001Z")));
    CHECK(signer.signing_keys_derived() == 4);
    creds.secret_access_key = "another/secret+key";
    REQUIRE_FALSE(signer.sign(req, creds, params("eu-west-1", "iam", "20261127T000001Z")));
    CHECK(signer.signing_keys_derived() == 5);
    REQUIRE_FALSE(signer.presign(req, creds, params("eu-west-1", "iam", "20261127T120000Z"), std::chrono::seconds(60)));
    CHECK(signer.signing_keys_derived() == 5);

    // The cached key gives the same signature as a fresh signer.
    signer_type fresh;
    auto r1 = appconfig_get("zzz"), r2 = appconfig_get("zzz");
    REQUIRE_FALSE(signer.sign(r1, creds, params("eu-west-1", "iam", "20261127T130000Z")));
    REQUIRE_FALSE(fresh.sign(r2, creds, params("eu-west-1", "iam", "20261127T130000Z")));
    CHECK(r1 == r2);
}

TEST_CASE("re-signing the same request object replaces headers in place and allocates nothing", "[sigv4][alloc]") {
    signer_type signer;
    auto creds = example_credentials(true);
    acd::http::request req;
    REQUIRE_FALSE(req.set_url("https://appconfigdata.us-west-2.amazonaws.com/configurationsessions"));
    req.method = "POST";
    req.headers.add("Content-Type", "application/json");
    req.body = R"({"ApplicationIdentifier":"app","EnvironmentIdentifier":"env","ConfigurationProfileIdentifier":"prof"})";
    auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    REQUIRE_FALSE(signer.sign(req, creds, p));
    const auto first = req;
    const std::size_t header_count = req.headers.size();
    REQUIRE_FALSE(signer.sign(req, creds, p)); // warm-up
    CHECK(req == first);

    p.time += std::chrono::seconds(30);
    sigv4_test::allocations = 0;
    sigv4_test::counting = true;
    const auto ec = signer.sign(req, creds, p);
    sigv4_test::counting = false;
    CHECK_FALSE(ec);
    if (sigv4_test::alloc_counting_enabled) CHECK(sigv4_test::allocations.load() == 0);
    else WARN("allocation counting is off under AddressSanitizer");
    CHECK(req.headers.size() == header_count);
    CHECK(*req.headers.find("X-Amz-Date") == "20261126T061344Z");
    CHECK(*req.headers.find("Authorization") != *first.headers.find("Authorization"));
    CHECK(signer.signing_keys_derived() == 1);
}

TEST_CASE("parse_authorization takes the header apart and rejects malformed ones", "[sigv4][verifier]") {
    acd::sigv4::authorization_parts parts;
    const std::string good = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                             "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    REQUIRE_FALSE(acd::sigv4::parse_authorization(good, parts));
    CHECK(parts.access_key_id == "AKIDEXAMPLE");
    CHECK(parts.date == "20150830");
    CHECK(parts.region == "us-east-1");
    CHECK(parts.service == "iam");
    CHECK(parts.signed_headers == "content-type;host;x-amz-date");
    CHECK(parts.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    std::ostringstream os;
    os << parts;
    CHECK(os.str().find("AKIDEXAMPLE") != std::string::npos);

    for (const char* bad : {"", "AWS4-HMAC-SHA256", "Basic abc", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request",
                            "AWS4-HMAC-SHA256 Credential=AKID/2015083/us-east-1/iam/aws4_request, SignedHeaders=host, Signature="
                            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws5_request, SignedHeaders=host, Signature="
                            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc",
                            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=Host, Signature="
                            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                            "AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature="
                            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"}) {
        INFO(bad);
        CHECK(acd::sigv4::parse_authorization(bad, parts) == errc::invalid_signature);
    }
}

TEST_CASE("verify accepts a good signature and names every failure", "[sigv4][verifier]") {
    signer_type signer;
    test_crypto crypto;
    const auto creds = example_credentials(true);
    const auto lookup = [&](std::string_view id) -> const acd::credentials* { return id == "AKIDEXAMPLE" ? &creds : nullptr; };
    const auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    acd::http::request req;
    REQUIRE_FALSE(req.set_url("https://appconfigdata.us-west-2.amazonaws.com/configuration?configuration_token=AYADe%2Bab%2Fcd%3D%3D"));
    REQUIRE_FALSE(signer.sign(req, creds, p));
    acd::diagnostics diag;
    const auto skew = std::chrono::minutes(15);

    CHECK_FALSE(acd::sigv4::verify(crypto, req, lookup, "appconfig", p.time, skew, diag));
    CHECK(diag.empty());
    CHECK_FALSE(acd::sigv4::verify(crypto, req, lookup, "appconfig", p.time + std::chrono::minutes(14), skew, diag));

    CHECK(acd::sigv4::verify(crypto, req, lookup, "appconfig", p.time + std::chrono::minutes(16), skew, diag) == errc::invalid_signature);
    CHECK(diag.message == "Signature expired: 20261126T061314Z is now earlier than 20261126T061414Z (20261126T062914Z - 15 min.)");
    CHECK(diag.http_status == 403);
    CHECK(acd::sigv4::verify(crypto, req, lookup, "appconfig", p.time - std::chrono::minutes(16), skew, diag) == errc::invalid_signature);
    CHECK(diag.message.rfind("Signature not yet current: 20261126T061314Z is still later than", 0) == 0);

    CHECK(acd::sigv4::verify(crypto, req, lookup, "s3", p.time, skew, diag) == errc::invalid_signature);

    const auto nobody = [](std::string_view) -> const acd::credentials* { return nullptr; };
    CHECK(acd::sigv4::verify(crypto, req, nobody, "appconfig", p.time, skew, diag) == errc::unrecognized_client);
    CHECK(diag.error_type == "UnrecognizedClientException");

    auto other = creds;
    other.secret_access_key = "a-different-secret";
    const auto wrong_secret = [&](std::string_view) -> const acd::credentials* { return &other; };
    CHECK(acd::sigv4::verify(crypto, req, wrong_secret, "appconfig", p.time, skew, diag) == errc::invalid_signature);
    CHECK(diag.error_type == "InvalidSignatureException");
    CHECK(diag.message.find("a-different-secret") == std::string::npos);
    CHECK(diag.message.find(example_secret) == std::string::npos);

    auto tampered = req;
    tampered.query = "configuration_token=AYADe%2Bab%2Fcd%3D%3E";
    CHECK(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag) == errc::invalid_signature);
    tampered = req;
    tampered.headers.set("X-Amz-Security-Token", "stolen");
    CHECK(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag) == errc::unrecognized_client);
    tampered = req;
    tampered.headers.erase("Authorization");
    CHECK(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag) == errc::invalid_signature);
    CHECK(diag.error_type == "MissingAuthenticationTokenException");
    tampered = req;
    tampered.headers.set("Authorization", "AWS4-HMAC-SHA256 nonsense");
    CHECK(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag) == errc::invalid_signature);
    CHECK(diag.error_type == "IncompleteSignatureException");
    tampered = req;
    tampered.headers.erase("Host");
    CHECK(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag) == errc::invalid_signature);
    tampered = req;
    tampered.headers.add("X-Unsigned-Extra", "fine"); // headers outside SignedHeaders do not matter
    CHECK_FALSE(acd::sigv4::verify(crypto, tampered, lookup, "appconfig", p.time, skew, diag));

    // A POST with a JSON body: the body is covered by the payload hash.
    acd::http::request post;
    REQUIRE_FALSE(post.set_url("https://appconfigdata.us-west-2.amazonaws.com/configurationsessions"));
    post.method = "POST";
    post.headers.add("Content-Type", "application/json");
    post.body = R"({"ApplicationIdentifier":"app"})";
    REQUIRE_FALSE(signer.sign(post, creds, p));
    CHECK_FALSE(acd::sigv4::verify(crypto, post, lookup, "appconfig", p.time, skew, diag));
    post.body = R"({"ApplicationIdentifier":"evil"})";
    CHECK(acd::sigv4::verify(crypto, post, lookup, "appconfig", p.time, skew, diag) == errc::invalid_signature);
}

namespace {
// Botan underneath, counting the calls the signer makes.
struct counting_crypto {
    test_crypto inner;
    int sha256_calls = 0, hmac_calls = 0;
    void sha256(std::string_view data, acd::crypto::digest& out) {
        ++sha256_calls;
        inner.sha256(data, out);
    }
    void hmac_sha256(acd::crypto::byte_view key, std::string_view data, acd::crypto::digest& out) {
        ++hmac_calls;
        inner.hmac_sha256(key, data, out);
    }
};
} // namespace

TEST_CASE("a steady-state signature costs one SHA-256 and one HMAC (plus the body hash)", "[sigv4][cache]") {
    acd::sigv4::signer<counting_crypto> signer;
    const auto creds = example_credentials(true);
    auto p = params("us-west-2", "appconfig", "20261126T061314Z");
    auto req = appconfig_get("token");
    REQUIRE_FALSE(signer.sign(req, creds, p));
    CHECK(signer.crypto().hmac_calls == 5); // 4 for the signing key, 1 for the signature
    CHECK(signer.crypto().sha256_calls == 1);

    signer.crypto().sha256_calls = signer.crypto().hmac_calls = 0;
    p.time += std::chrono::hours(1);
    auto next = appconfig_get("next-token");
    REQUIRE_FALSE(signer.sign(next, creds, p));
    CHECK(signer.crypto().sha256_calls == 1); // the canonical request; the empty body's hash is a constant
    CHECK(signer.crypto().hmac_calls == 1);   // the signature; the signing key is cached

    signer.crypto().sha256_calls = signer.crypto().hmac_calls = 0;
    acd::http::request post;
    REQUIRE_FALSE(post.set_url("https://appconfigdata.us-west-2.amazonaws.com/configurationsessions"));
    post.method = "POST";
    post.body = "{}";
    REQUIRE_FALSE(signer.sign(post, creds, p));
    CHECK(signer.crypto().sha256_calls == 2); // body + canonical request
    CHECK(signer.crypto().hmac_calls == 1);
}
