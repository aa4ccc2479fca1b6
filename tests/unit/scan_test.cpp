// The 16-bytes-at-a-time paths (byte classification, percent-encoding, hex, case-insensitive compare)
// against plain one-byte-at-a-time reference implementations written here: every byte value at every
// position of a block, and random inputs of every length around the block sizes.
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/http/percent_encoding.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace appconfigdata;

namespace {

bool ref_unreserved(unsigned char c, bool slash) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
           (slash && c == '/');
}

std::size_t ref_find_not_unreserved(const std::string& s, bool slash) {
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!ref_unreserved(static_cast<unsigned char>(s[i]), slash)) return i;
    return s.size();
}

std::size_t ref_find_control(const std::string& s, bool space) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || (space && c == ' ')) return i;
    }
    return s.size();
}

std::string ref_encode(const std::string& s, bool keep_slash) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (ref_unreserved(c, keep_slash)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 15]);
        }
    }
    return out;
}

// Random text over an alphabet that mixes the byte classes the scanners tell apart.
std::string random_text(std::mt19937& rng, std::size_t n) {
    static const std::string common = "ABCxyz019-._~+/=%& ";
    std::string s(n, 'a');
    for (auto& c : s) {
        const auto r = rng() % 10;
        if (r < 7) c = common[rng() % common.size()];
        else c = static_cast<char>(rng() % 256); // any byte: controls, DEL, >= 0x80
    }
    return s;
}

} // namespace

TEST_CASE("byte scans: every byte value at every position of a 48-byte buffer", "[scan]") {
    for (int b = 0; b < 256; ++b) {
        for (std::size_t pos = 0; pos < 48; ++pos) {
            std::string s(48, 'a');
            s[pos] = static_cast<char>(b);
            for (bool slash : {false, true}) {
                INFO("byte " << b << " at " << pos << (slash ? " (slash kept)" : ""));
                CHECK(detail::find_not_unreserved(s.data(), s.size(), slash ? detail::extra_slash : detail::extra_none) ==
                      ref_find_not_unreserved(s, slash));
            }
            for (bool space : {false, true}) {
                INFO("byte " << b << " at " << pos << (space ? " (space counts)" : ""));
                CHECK(detail::find_control_byte(s.data(), s.size(), space) == ref_find_control(s, space));
            }
        }
    }
}

TEST_CASE("byte scans and percent-encoding agree with the references on random text of every length", "[scan]") {
    std::mt19937 rng(20261126);
    std::size_t cases = 0;
    for (std::size_t n = 0; n <= 100; ++n) {
        for (int k = 0; k < 40; ++k, ++cases) {
            const std::string s = random_text(rng, n);
            for (bool slash : {false, true}) {
                INFO("length " << n);
                REQUIRE(detail::find_not_unreserved(s.data(), s.size(), slash ? detail::extra_slash : detail::extra_none) ==
                        ref_find_not_unreserved(s, slash));
                std::string out = "prefix:";
                http::append_percent_encoded(out, s, slash ? http::encode_slash::no : http::encode_slash::yes);
                REQUIRE(out == "prefix:" + ref_encode(s, slash));
            }
            REQUIRE(detail::find_control_byte(s.data(), s.size()) == ref_find_control(s, false));
        }
    }
    CHECK(cases == 4040);
}

TEST_CASE("percent-encoding: escapes at block edges, all escapes, no escapes", "[scan]") {
    for (std::size_t n : {31u, 32u, 33u, 47u, 48u, 49u, 64u, 100u}) {
        for (std::size_t at = 0; at < n; ++at) {
            std::string s(n, 'Q');
            s[at] = '+';
            if (at + 1 < n) s[at + 1] = '/';
            CHECK(http::percent_encode(s) == ref_encode(s, false));
        }
        const std::string all(n, '=');
        CHECK(http::percent_encode(all) == ref_encode(all, false));
        const std::string none(n, 'z');
        CHECK(http::percent_encode(none) == none);
    }
}

TEST_CASE("hex: every byte value, and digests of every length", "[scan]") {
    std::vector<std::uint8_t> bytes(256);
    for (int i = 0; i < 256; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
    std::string ref;
    for (int i = 0; i < 256; ++i) {
        ref.push_back("0123456789abcdef"[i >> 4]);
        ref.push_back("0123456789abcdef"[i & 15]);
    }
    for (std::size_t n = 0; n <= 256; ++n) {
        std::string out;
        detail::append_hex(out, bytes.data() + (256 - n), n);
        REQUIRE(out == ref.substr(2 * (256 - n)));
    }
}

TEST_CASE("iequals: ASCII case only, every length, bytes above 0x7f compared exactly", "[scan]") {
    std::mt19937 rng(7);
    const auto flip = [](char c) {
        if (c >= 'a' && c <= 'z') return static_cast<char>(c - 32);
        if (c >= 'A' && c <= 'Z') return static_cast<char>(c + 32);
        return c;
    };
    for (std::size_t n = 0; n <= 40; ++n) {
        for (int k = 0; k < 200; ++k) {
            std::string a(n, 'a');
            for (auto& c : a) c = static_cast<char>(rng() % 256);
            std::string b = a;
            for (auto& c : b)
                if (rng() % 2) c = flip(c);
            INFO("length " << n);
            REQUIRE(detail::iequals(a, b));
            if (n == 0) continue;
            // One byte changed to something that is not its case partner.
            const std::size_t at = rng() % n;
            const char before = b[at];
            b[at] = static_cast<char>(static_cast<unsigned char>(before) ^ (1u << (rng() % 8)));
            const bool case_partner = b[at] == flip(before) && b[at] != before;
            const bool expected = case_partner || b[at] == before;
            REQUIRE(detail::iequals(a, b) == expected);
        }
    }
    // 0x20 apart but not letters: '@' / '`', '[' / '{', and high bytes like 0xC1 / 0xE1.
    CHECK_FALSE(detail::iequals("@", "`"));
    CHECK_FALSE(detail::iequals("[[[[[[[[[", "{{{{{{{{{"));
    CHECK_FALSE(detail::iequals("\xC1\xC1\xC1\xC1\xC1\xC1\xC1\xC1", "\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1"));
    CHECK(detail::iequals("X-Amz-Security-Token", "x-amz-security-token"));
    CHECK_FALSE(detail::iequals("X-Amz-Security-Token", "x-amz-security-tokeN "));
}
