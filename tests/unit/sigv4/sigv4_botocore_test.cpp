// Differential test: 300 seeded random AppConfig Data requests signed by our signer and by botocore's
// SigV4Auth (through tools/botocore_sign.py), compared byte for byte. Skips loudly without botocore.
#include "test_crypto.hpp"
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/signer.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace acd = appconfigdata;

namespace {

struct region_info {
    const char* region;
    const char* dns_suffix;
};
// One or more regions of every partition: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f.
constexpr region_info regions[] = {
    {"us-east-1", "amazonaws.com"},      {"us-west-2", "amazonaws.com"},         {"eu-central-1", "amazonaws.com"},
    {"ap-southeast-2", "amazonaws.com"}, {"sa-east-1", "amazonaws.com"},         {"il-central-1", "amazonaws.com"},
    {"cn-north-1", "amazonaws.com.cn"},  {"cn-northwest-1", "amazonaws.com.cn"}, {"us-gov-west-1", "amazonaws.com"},
    {"us-gov-east-1", "amazonaws.com"},  {"us-iso-east-1", "c2s.ic.gov"},        {"us-isob-east-1", "sc2s.sgov.gov"},
    {"eu-isoe-west-1", "cloud.adc-e.uk"}, {"us-isof-south-1", "csp.hci.ic.gov"},
};

const std::vector<std::string> unicode_pieces = {"\xC3\xA9", "\xC3\x9F", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x9A\x80", "\xCE\xA9",
                                                 "\xC2\xA0", "\xE2\x80\x83", "\xD0\x96"};

struct generator {
    std::mt19937_64 rng;
    explicit generator(std::uint64_t seed) : rng(seed) {}

    std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng() % n); }
    bool coin() { return (rng() & 1) != 0; }

    std::string from(const std::string& alphabet, std::size_t min_len, std::size_t max_len) {
        std::string s;
        const std::size_t n = min_len + below(max_len - min_len + 1);
        for (std::size_t i = 0; i < n; ++i) s.push_back(alphabet[below(alphabet.size())]);
        return s;
    }

    // A token with unicode and the characters that break naive signers: + / = % ~ and more.
    std::string token() {
        static const std::string ascii = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%~-_.!*'() ";
        std::string s;
        const std::size_t n = 1 + below(300);
        for (std::size_t i = 0; i < n; ++i) {
            if (below(12) == 0) s += unicode_pieces[below(unicode_pieces.size())];
            else s.push_back(ascii[below(ascii.size())]);
        }
        return s;
    }

    std::string identifier() {
        static const std::string ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_./:";
        std::string s;
        const std::size_t n = 1 + below(40);
        for (std::size_t i = 0; i < n; ++i) {
            if (below(8) == 0) s += unicode_pieces[below(unicode_pieces.size())];
            else s.push_back(ascii[below(ascii.size())]);
        }
        return s;
    }

    // StartConfigurationSession bodies written in different styles: compact, spaced, pretty-printed
    // with tabs or CRLF, keys in any order, unicode raw or \u-escaped, optional poll interval.
    std::string session_body() {
        std::vector<std::pair<std::string, std::string>> fields = {{"ApplicationIdentifier", json_string(identifier())},
                                                                   {"EnvironmentIdentifier", json_string(identifier())},
                                                                   {"ConfigurationProfileIdentifier", json_string(identifier())}};
        if (coin()) fields.emplace_back("RequiredMinimumPollIntervalInSeconds", std::to_string(15 + below(86400 - 15)));
        std::shuffle(fields.begin(), fields.end(), rng);
        const std::size_t style = below(4);
        const char* nl = style == 2 ? "\n" : (style == 3 ? "\r\n" : "");
        const char* indent = style == 2 ? "  " : (style == 3 ? "\t" : "");
        const char* colon = style == 0 ? ":" : ": ";
        const char* comma = style == 1 ? ", " : ",";
        std::string s = "{";
        s += nl;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            s += indent;
            s += "\"" + fields[i].first + "\"" + colon + fields[i].second;
            if (i + 1 < fields.size()) s += comma;
            s += nl;
        }
        s += "}";
        if (below(3) == 0) s += "\n";
        return s;
    }

    // A JSON string literal of `text`: raw UTF-8, or every non-ASCII character \u-escaped (surrogate
    // pairs above the BMP), as different JSON writers do.
    std::string json_string(const std::string& text) {
        if (coin()) return boost::json::serialize(boost::json::value(text));
        std::string out = "\"";
        const auto u = [&](unsigned v) {
            char b[16];
            std::snprintf(b, sizeof b, "\\u%04x", v);
            out += b;
        };
        for (std::size_t i = 0; i < text.size();) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c < 0x80) {
                if (c == '"' || c == '\\') out += '\\';
                out += static_cast<char>(c);
                ++i;
                continue;
            }
            const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            unsigned cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
            for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            i += n;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                u(0xD800 + (cp >> 10));
                u(0xDC00 + (cp & 0x3FF));
            } else {
                u(cp);
            }
        }
        return out + "\"";
    }
};

struct job {
    acd::http::request request;
    acd::credentials creds;
    std::string region;
    std::string amz_date;
    acd::time_point time;
};

std::string botocore_input_line(const job& j) {
    boost::json::object o;
    o["method"] = j.request.method;
    o["url"] = j.request.url_string();
    boost::json::array headers;
    for (const auto& f : j.request.headers) headers.push_back(boost::json::array{boost::json::string(f.name), boost::json::string(f.value)});
    o["headers"] = headers;
    o["body"] = j.request.body;
    o["region"] = j.region;
    o["service"] = "appconfig";
    o["time"] = j.amz_date;
    o["access_key"] = j.creds.access_key_id;
    o["secret_key"] = j.creds.secret_access_key.reveal();
    if (!j.creds.session_token.empty()) o["session_token"] = j.creds.session_token.reveal();
    return boost::json::serialize(o);
}

std::vector<job> generate_jobs(std::uint64_t seed, std::size_t count) {
    generator g(seed);
    std::vector<job> jobs;
    static const std::string upper_alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static const std::string base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < count; ++i) {
        job j;
        const auto& r = regions[g.below(std::size(regions))];
        j.region = r.region;
        const std::string host = std::string("appconfigdata.") + r.region + "." + r.dns_suffix;
        if (g.coin()) {
            j.request.method = "POST";
            REQUIRE_FALSE(j.request.set_url("https://" + host + "/configurationsessions"));
            j.request.headers.add("Content-Type", "application/json");
            j.request.body = g.session_body();
        } else {
            j.request.method = "GET";
            // The query as botocore's serializer writes it: percent-encoded with the unreserved set.
            REQUIRE_FALSE(j.request.set_url("https://" + host + "/configuration?configuration_token=" + acd::http::percent_encode(g.token())));
        }
        switch (g.below(6)) { // extra headers an SDK sends; user-agent is never signed
        case 0: j.request.headers.add("User-Agent", "appconfigdata-cpp/0.1.0 md/" + g.from(upper_alnum, 1, 8)); break;
        case 1: j.request.headers.add("amz-sdk-invocation-id", g.from("0123456789abcdef-", 36, 36)); break;
        case 2: j.request.headers.add("Accept", "  application/json   text/plain "); break;
        case 3:
            j.request.headers.add("X-Custom", "b");
            j.request.headers.add("x-custom", "a  a");
            break;
        default: break;
        }
        j.creds.access_key_id = (g.coin() ? "AKIA" : "ASIA") + g.from(upper_alnum, 16, 16);
        j.creds.secret_access_key = g.from(base64, 40, 40);
        if (g.coin()) j.creds.session_token = g.from(base64 + "=", 20, 600);
        // 2020-01-01 .. 2035-12-31
        const std::int64_t start = 1577836800, span = 16LL * 365 * 86400;
        j.time = acd::time_point(std::chrono::duration_cast<acd::duration>(std::chrono::seconds(start + static_cast<std::int64_t>(g.below(span)))));
        j.amz_date = acd::http::format_amz_date(j.time);
        jobs.push_back(std::move(j));
    }
    return jobs;
}

bool botocore_available() { return std::system("python3 -c 'import botocore' >/dev/null 2>&1") == 0; }

std::string script_path() {
    const char* root = std::getenv("APPCONFIGDATA_SOURCE_ROOT");
    return std::string(root && *root ? root : ".") + "/tools/botocore_sign.py";
}

} // namespace

TEST_CASE("our signer and botocore's SigV4Auth agree byte for byte on random AppConfig Data requests", "[sigv4][botocore]") {
    if (!botocore_available()) {
        std::cout << "\n*** SKIPPED: python3 with botocore not found; the botocore differential test did not run ***\n\n";
        return;
    }
    const std::size_t count = 300;
    auto jobs = generate_jobs(20261126, count);

    char path[] = "/tmp/appconfigdata-sigv4-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        std::ofstream in(path, std::ios::binary);
        for (const auto& j : jobs) in << botocore_input_line(j) << "\n";
    }
    const std::string command = "python3 '" + script_path() + "' < '" + path + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
    const int status = ::pclose(pipe);
    std::remove(path);
    REQUIRE(status == 0);

    std::vector<boost::json::object> expected;
    for (std::size_t pos = 0; pos < output.size();) {
        auto end = output.find('\n', pos);
        if (end == std::string::npos) end = output.size();
        if (end > pos) expected.push_back(boost::json::parse(output.substr(pos, end - pos)).as_object());
        pos = end + 1;
    }
    REQUIRE(expected.size() == count);

    acd::sigv4::signer<test_crypto> signer;
    std::size_t agreed = 0, posts = 0, with_token = 0;
    std::set<std::string> partitions_seen;
    for (std::size_t i = 0; i < count; ++i) {
        auto& j = jobs[i];
        const auto& e = expected[i];
        acd::sigv4::signing_params p;
        p.region = j.region;
        p.service = "appconfig";
        p.time = j.time;
        acd::sigv4::signing_details d;
        const bool had_host = j.request.headers.contains("host");
        REQUIRE_FALSE(signer.sign(j.request, j.creds, p, &d));
        // botocore never adds Host to its request object (its HTTP client does); ours puts it first.
        boost::json::array ours;
        for (std::size_t k = had_host ? 0 : 1; k < j.request.headers.size(); ++k) {
            const auto& f = j.request.headers.fields()[k];
            ours.push_back(boost::json::array{boost::json::string(f.name), boost::json::string(f.value)});
        }
        INFO("request " << i << ": " << j.request.method << " " << j.request.url_string() << " region " << j.region);
        const bool same = d.canonical_request == e.at("canonical_request").as_string() &&
                          d.string_to_sign == e.at("string_to_sign").as_string() && d.signature == e.at("signature").as_string() &&
                          d.authorization == e.at("authorization").as_string() && ours == e.at("headers").as_array();
        if (!same) {
            CHECK(d.canonical_request == std::string(e.at("canonical_request").as_string()));
            CHECK(d.string_to_sign == std::string(e.at("string_to_sign").as_string()));
            CHECK(d.authorization == std::string(e.at("authorization").as_string()));
            CHECK(boost::json::serialize(ours) == boost::json::serialize(e.at("headers")));
        }
        agreed += same ? 1 : 0;
        posts += j.request.method == "POST" ? 1 : 0;
        with_token += j.creds.session_token.empty() ? 0 : 1;
    }
    std::cout << "botocore differential: " << agreed << "/" << count << " requests identical (" << posts << " StartConfigurationSession, "
              << count - posts << " GetLatestConfiguration, " << with_token << " with session token)" << std::endl;
    CHECK(agreed == count);
    CHECK(posts > 50);
    CHECK(count - posts > 50);
    CHECK(with_token > 50);
}
