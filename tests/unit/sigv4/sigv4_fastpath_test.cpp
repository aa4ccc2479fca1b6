// The signer's shortcuts against the long way round:
// - already-canonical text is copied instead of decoded and re-encoded: checked against a reference
//   decode/encode written here, on random text full of good and bad escapes;
// - what a signer remembers between signatures (header layout, canonical URI, the day's date text)
//   never changes a result: one long-lived signer signs a random mix of requests, options, credentials
//   and times, and every result must equal what a brand-new signer gives for the same input.
#include "test_crypto.hpp"
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/protocol/get_latest_configuration.hpp>
#include <appconfigdata/sigv4/signer.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace acd = appconfigdata;
using signer_type = acd::sigv4::signer<test_crypto>;

namespace {

bool ref_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int ref_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// SigV4's canonical form of query text: decode %XX (a stray '%' is data), then encode.
std::string ref_reencode(const std::string& in) {
    std::string decoded;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() && ref_hex(in[i + 1]) >= 0 && ref_hex(in[i + 2]) >= 0) {
            decoded.push_back(static_cast<char>(ref_hex(in[i + 1]) * 16 + ref_hex(in[i + 2])));
            i += 2;
        } else {
            decoded.push_back(in[i]);
        }
    }
    std::string out;
    for (char ch : decoded) {
        const auto c = static_cast<unsigned char>(ch);
        if (ref_unreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back("0123456789ABCDEF"[c >> 4]);
            out.push_back("0123456789ABCDEF"[c & 15]);
        }
    }
    return out;
}

// Text made of pieces: plain runs and canonical escapes (the first eight), then lower-case escapes,
// escapes of unreserved bytes, stray '%', and raw reserved bytes. Half the texts use only the first
// eight, so that both answers come up often.
std::string random_encoded(std::mt19937& rng, std::size_t pieces) {
    static const char* const choices[] = {"AbZ09", "-._~", "%2B", "%2F", "%3D", "%E1%88%B4", "x", "%20", "%2b", "%41", "%7E", "%",
                                          "%Z1", "+", "/", "=", "%0A", "\xC3\xA9"};
    const std::size_t range = rng() % 2 ? 8 : sizeof choices / sizeof choices[0];
    std::string s;
    for (std::size_t i = 0; i < pieces; ++i) s += choices[rng() % range];
    return s;
}

} // namespace

TEST_CASE("canonical text: the copy shortcut gives what decoding and encoding give", "[sigv4][fastpath]") {
    std::mt19937 rng(42);
    std::size_t canonical = 0, rewritten = 0;
    for (int k = 0; k < 5000; ++k) {
        const std::string in = random_encoded(rng, rng() % 40);
        const std::string expected = ref_reencode(in);
        INFO("input: " << in);
        REQUIRE(acd::sigv4::detail::is_canonical_encoded(in, false) == (expected == in));
        std::string out(3 * in.size() + 1, '\0');
        char* end = acd::sigv4::detail::write_reencoded(&out[0], in, false);
        out.resize(static_cast<std::size_t>(end - out.data()));
        REQUIRE(out == expected);
        (expected == in ? canonical : rewritten)++;
    }
    // Both paths were taken many times.
    CHECK(canonical > 500);
    CHECK(rewritten > 500);
}

TEST_CASE("canonical query: one canonical parameter is recognised as its own canonical form", "[sigv4][fastpath]") {
    std::mt19937 rng(7);
    acd::sigv4::canonicalizer c;
    std::size_t recognised = 0;
    for (int k = 0; k < 3000; ++k) {
        const std::string name = random_encoded(rng, 1 + rng() % 3);
        const std::string value = random_encoded(rng, rng() % 30);
        const std::string query = name + "=" + value;
        std::string slow;
        c.append_query(slow, query);
        INFO("query: " << query);
        if (acd::sigv4::detail::is_canonical_query(query)) {
            REQUIRE(slow == query);
            ++recognised;
        } else {
            // Not recognised: either it really changes, or it is a form the shortcut leaves to the slow path.
            REQUIRE((slow != query || query.find('&') != std::string::npos || value.find('=') != std::string::npos));
        }
    }
    CHECK(recognised > 300);
    CHECK_FALSE(acd::sigv4::detail::is_canonical_query("key"));
    CHECK_FALSE(acd::sigv4::detail::is_canonical_query("=v"));
    CHECK_FALSE(acd::sigv4::detail::is_canonical_query("a=1&b=2"));
    CHECK(acd::sigv4::detail::is_canonical_query("configuration_token=AYAD%2Bab%2Fcd%3D%3D"));
    CHECK_FALSE(acd::sigv4::detail::is_canonical_query("configuration_token=AYAD%2bab"));
}

namespace {

struct shape {
    std::string method, path, query;
    std::vector<std::pair<std::string, std::string>> headers;
};

shape random_shape(std::mt19937& rng) {
    static const char* const methods[] = {"GET", "POST", "get", "PUT"};
    static const char* const paths[] = {"/configuration", "/configurationsessions", "/a/./b/../c", "//x//", "/", "/space here"};
    static const char* const queries[] = {"configuration_token=AYAD%2Bab%2Fcd%3D%3D", "configuration_token=raw+/=", "b=2&a=1", "", "key",
                                          "t=%7e"};
    // Several names of each length, so that two requests often differ in a name but not in its size.
    static const char* const names[] = {"Host", "host", "X-Ab", "X-Amz-Date", "x-amz-date", "User-Agent", "X-Custom-1",
                                        "X-Amz-Security-Token", "Authorization", "Content-Type", "X-Custom-Ab1", "x-amz-content-sha256"};
    static const char* const values[] = {"appconfigdata.us-east-1.amazonaws.com", "  spaced   value ", "v1", "attempt=1; max=3",
                                         "20261126T000000Z", "application/json", "old-signature"};
    shape s;
    s.method = methods[rng() % 4];
    s.path = paths[rng() % 6];
    s.query = queries[rng() % 6];
    const std::size_t n = rng() % 6;
    for (std::size_t i = 0; i < n; ++i) s.headers.emplace_back(names[rng() % 12], values[rng() % 7]);
    return s;
}

acd::http::request make_request(const shape& s) {
    acd::http::request r;
    r.method = s.method;
    r.scheme = "https";
    r.host = "appconfigdata.us-east-1.amazonaws.com";
    r.path = s.path;
    r.query = s.query;
    if (s.method == "POST") r.body = R"({"ApplicationIdentifier":"app"})";
    for (const auto& h : s.headers) r.headers.add(h.first, h.second);
    return r;
}

} // namespace

TEST_CASE("what a signer remembers never changes a signature", "[sigv4][fastpath]") {
    std::mt19937 rng(2026);
    signer_type long_lived;
    std::vector<shape> shapes;
    for (int i = 0; i < 12; ++i) shapes.push_back(random_shape(rng));
    // Siblings of the first three: one header name replaced by another of the same length.
    for (int i = 0; i < 3; ++i) {
        shape sibling = shapes[static_cast<std::size_t>(i)];
        if (sibling.headers.empty()) sibling.headers.emplace_back("X-Amz-Date", "v1");
        std::string& name = sibling.headers[rng() % sibling.headers.size()].first;
        name = name.size() == 4 ? (name == "X-Ab" ? "Host" : "X-Ab") : name.size() == 10 ? (name == "User-Agent" ? "X-Amz-Date" : "User-Agent")
                                                                                         : std::string(name.size(), 'Q');
        shapes.insert(shapes.begin() + 3 + i, sibling);
    }
    acd::time_point t;
    REQUIRE_FALSE(acd::http::parse_amz_date("20261126T235950Z", t));
    std::size_t signed_ok = 0, failed_alike = 0;
    for (int k = 0; k < 1500; ++k) {
        // Mostly the same few shapes again and again (as polls are), re-signing the same request object
        // now and then, sometimes a new day, other credentials or other options.
        const shape& s = shapes[rng() % (k % 50 < 40 ? 6 : shapes.size())];
        acd::http::request req = make_request(s);
        acd::credentials creds;
        creds.access_key_id = rng() % 8 ? "AKIDEXAMPLE" : "AKIDOTHER";
        creds.secret_access_key = rng() % 8 ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : "other-secret";
        if (rng() % 3) creds.session_token = rng() % 2 ? "FQoGZXIvYXdzEJr//////////wEaDM+token" : "short";
        acd::sigv4::signing_params p;
        p.region = rng() % 6 ? "us-east-1" : "eu-west-1";
        p.service = "appconfig";
        t += std::chrono::seconds(rng() % 4 ? 7 : 3600);
        p.time = t;
        p.omit_session_token = rng() % 10 == 0;
        p.add_content_sha256_header = rng() % 10 == 0;
        p.normalize_path = rng() % 8 != 0;
        const int resigns = rng() % 3 == 0 ? 3 : 1;
        for (int r = 0; r < resigns; ++r) {
            acd::http::request fresh_req = req;
            signer_type fresh;
            acd::sigv4::signing_details got, want;
            const auto ec_got = long_lived.sign(req, creds, p, &got);
            const auto ec_want = fresh.sign(fresh_req, creds, p, &want);
            INFO("case " << k << " round " << r << ": " << s.method << " " << s.path << "?" << s.query << " headers "
                         << s.headers.size());
            REQUIRE(ec_got == ec_want);
            if (ec_got) {
                ++failed_alike;
                break;
            }
            REQUIRE(got == want);
            REQUIRE(req.headers == fresh_req.headers);
            REQUIRE(long_lived.canonical_request() == fresh.canonical_request());
            ++signed_ok;
        }
        if (rng() % 25 == 0) { // a presigned URL in between uses the same buffers
            acd::http::request other = make_request(shapes[rng() % shapes.size()]);
            acd::sigv4::signing_details a, b;
            acd::http::request other2 = other;
            signer_type fresh;
            const auto ec1 = long_lived.presign(other, creds, p, std::chrono::seconds(300), &a);
            const auto ec2 = fresh.presign(other2, creds, p, std::chrono::seconds(300), &b);
            REQUIRE(ec1 == ec2);
            if (!ec1) REQUIRE(a == b);
        }
    }
    CHECK(signed_ok > 1000);
    INFO("signatures refused alike: " << failed_alike);
    CHECK(long_lived.signing_keys_derived() > 1);
}

TEST_CASE("the session's promise holds: a built GetLatestConfiguration query is its own canonical form", "[sigv4][fastpath]") {
    // The session signs with query_is_canonical; that is only right if the builder always writes
    // canonical text, whatever the token holds. Tokens here use every visible byte and bytes >= 0x80.
    std::mt19937 rng(99);
    acd::http::url endpoint;
    REQUIRE_FALSE(acd::http::parse_url("https://appconfigdata.us-east-1.amazonaws.com", endpoint));
    acd::credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    creds.session_token = "FQoGZXIvYXdzEJr//////////wEaDM+token";
    acd::time_point t;
    REQUIRE_FALSE(acd::http::parse_amz_date("20261126T101010Z", t));
    signer_type hinted_signer;
    std::size_t built = 0;
    for (int k = 0; k < 2000; ++k) {
        std::string token(1 + rng() % 400, 'A');
        for (auto& c : token) c = static_cast<char>(rng() % 4 ? 0x21 + rng() % 94 : 0x80 + rng() % 128);
        acd::http::request req;
        if (acd::protocol::build_get_latest_configuration(endpoint, token, req)) continue; // tokens the builder refuses
        ++built;
        INFO("token: " << token);
        REQUIRE(acd::sigv4::detail::is_canonical_query(req.query));
        acd::http::request plain = req;
        acd::sigv4::signing_params p;
        p.region = "us-east-1";
        p.service = "appconfig";
        p.time = t;
        acd::sigv4::signing_details hinted, checked;
        p.query_is_canonical = true;
        REQUIRE_FALSE(hinted_signer.sign(req, creds, p, &hinted));
        p.query_is_canonical = false;
        signer_type fresh;
        REQUIRE_FALSE(fresh.sign(plain, creds, p, &checked));
        REQUIRE(hinted == checked);
    }
    CHECK(built > 1900);
}

TEST_CASE("secret_string knows when it is plain, through copies and moves", "[sigv4][fastpath]") {
    CHECK(acd::secret_string().is_plain());
    CHECK(acd::secret_string("FQoGZXIvYXdzEJr//////////wEaDM+token").is_plain());
    CHECK_FALSE(acd::secret_string("two words").is_plain());
    CHECK_FALSE(acd::secret_string(std::string("tab\there")).is_plain());
    CHECK_FALSE(acd::secret_string(std::string_view("del\x7f")).is_plain());
    CHECK_FALSE(acd::secret_string(std::string(40, 'a') + "\n").is_plain()); // past the first 16-byte block
    acd::secret_string spaced("a b");
    acd::secret_string copy = spaced;
    CHECK_FALSE(copy.is_plain());
    acd::secret_string moved;
    moved = std::move(copy);
    CHECK_FALSE(moved.is_plain());
    moved = acd::secret_string("plain");
    CHECK(moved.is_plain());
    // A token with a space is signed trimmed, as before (the signer takes the slow path).
    acd::credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "secret";
    creds.session_token = "tok  en ";
    acd::http::request a;
    REQUIRE_FALSE(a.set_url("https://appconfigdata.us-east-1.amazonaws.com/configuration?configuration_token=x"));
    acd::sigv4::signing_params p;
    p.region = "us-east-1";
    p.service = "appconfig";
    signer_type s;
    acd::sigv4::signing_details d;
    REQUIRE_FALSE(s.sign(a, creds, p, &d));
    CHECK(d.canonical_request.find("x-amz-security-token:tok en\n") != std::string::npos);
}
