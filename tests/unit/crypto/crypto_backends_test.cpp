// Every crypto backend this build has, against the published vectors (FIPS 180-2 SHA-256, RFC 4231
// HMAC-SHA-256), through key changes that exercise the cached key, through copies and moves, and
// against each other on seeded random inputs. The build defines CRYPTO_TEST_HAVE_OPENSSL /
// CRYPTO_TEST_HAVE_MBEDTLS for the backends it found; Botan is always there.
#include "../sigv4/alloc_counter.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/error.hpp>
#if defined(CRYPTO_TEST_HAVE_OPENSSL)
#include <appconfigdata/adapters/openssl_crypto.hpp>
#define CRYPTO_TEST_OPENSSL_ENTRY , appconfigdata::adapters::openssl_crypto
#else
#define CRYPTO_TEST_OPENSSL_ENTRY
#endif
#if defined(CRYPTO_TEST_HAVE_MBEDTLS)
#include <appconfigdata/adapters/mbedtls_crypto.hpp>
#define CRYPTO_TEST_MBEDTLS_ENTRY , appconfigdata::adapters::mbedtls_crypto
#else
#define CRYPTO_TEST_MBEDTLS_ENTRY
#endif

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace acd = appconfigdata;
using acd::crypto::byte_view;
using acd::crypto::digest;

using backends = std::tuple<acd::adapters::botan_crypto CRYPTO_TEST_OPENSSL_ENTRY CRYPTO_TEST_MBEDTLS_ENTRY>;

namespace {

std::string hex(const digest& d, std::size_t bytes = 32) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < bytes; ++i) {
        s.push_back(digits[d[i] >> 4]);
        s.push_back(digits[d[i] & 0x0f]);
    }
    return s;
}

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

byte_view view(const std::string& s) { return byte_view(std::string_view(s)); }

template <class C>
std::string sha(C& c, std::string_view data) {
    digest d{};
    c.sha256(data, d);
    return hex(d);
}

template <class C>
std::string mac(C& c, const std::string& key, std::string_view data, std::size_t bytes = 32) {
    digest d{};
    c.hmac_sha256(view(key), data, d);
    return hex(d, bytes);
}

const std::string zeros = std::string(64, '0');

struct hmac_vector {
    const char* name;
    std::string key;
    std::string data;
    const char* expected;
    std::size_t bytes; // RFC 4231 case 5 publishes the first 128 bits only
};

std::string bytes_from_1_to(int n) {
    std::string s;
    for (int i = 1; i <= n; ++i) s.push_back(static_cast<char>(i));
    return s;
}

// RFC 4231, section 4 (HMAC-SHA-256 values).
const std::vector<hmac_vector>& rfc4231() {
    static const std::vector<hmac_vector> v = {
        {"4.2", repeat('\x0b', 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
        {"4.3", "Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
        {"4.4", repeat('\xaa', 20), repeat('\xdd', 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
        {"4.5", bytes_from_1_to(25), repeat('\xcd', 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
        {"4.6", repeat('\x0c', 20), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b", 16},
        {"4.7", repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
        {"4.8", repeat('\xaa', 131),
         "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed "
         "before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
    };
    return v;
}

} // namespace

TEMPLATE_LIST_TEST_CASE("every backend has the same interface: two noexcept functions and init_error()", "[crypto]", backends) {
    static_assert(acd::crypto::is_provider_v<TestType>);
    static_assert(noexcept(std::declval<TestType&>().sha256(std::string_view(), std::declval<digest&>())));
    static_assert(noexcept(std::declval<TestType&>().hmac_sha256(byte_view(), std::string_view(), std::declval<digest&>())));
    static_assert(std::is_same_v<decltype(std::declval<const TestType&>().init_error()), std::error_code>);
    static_assert(noexcept(std::declval<const TestType&>().init_error()));
    static_assert(std::is_nothrow_move_constructible_v<TestType> && std::is_nothrow_move_assignable_v<TestType>);
    TestType c;
    CHECK_FALSE(c.init_error());
}

TEMPLATE_LIST_TEST_CASE("SHA-256: the FIPS 180-2 vectors and the empty message", "[crypto][sha256]", backends) {
    TestType c;
    CHECK(sha(c, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha(c, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha(c, repeat('a', 1000000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(sha(c, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha(c, std::string_view()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"); // null data
    CHECK(sha(c, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // the object is reusable
}

TEMPLATE_LIST_TEST_CASE("HMAC-SHA-256: the RFC 4231 vectors, one object and a fresh object each", "[crypto][hmac]", backends) {
    TestType shared;
    for (const auto& v : rfc4231()) {
        INFO("RFC 4231 test case " << v.name);
        TestType fresh;
        CHECK(mac(fresh, v.key, v.data, v.bytes) == v.expected);
        CHECK(mac(shared, v.key, v.data, v.bytes) == v.expected);
    }
    for (auto it = rfc4231().rbegin(); it != rfc4231().rend(); ++it) {
        INFO("RFC 4231 test case " << it->name << ", backwards");
        CHECK(mac(shared, it->key, it->data, it->bytes) == it->expected);
    }
}

TEMPLATE_LIST_TEST_CASE("HMAC-SHA-256: empty key, empty data, null pointers", "[crypto][hmac]", backends) {
    TestType c;
    const std::string empty_empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
    CHECK(mac(c, "", "") == empty_empty);
    digest d{};
    c.hmac_sha256(byte_view(), std::string_view(), d); // null key pointer, null data pointer
    CHECK(hex(d) == empty_empty);
    CHECK(mac(c, "key", "The quick brown fox jumps over the lazy dog") ==
          "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    CHECK(mac(c, "", "") == empty_empty); // back to the empty key after a real one
    const auto jefe = rfc4231()[1];
    CHECK(mac(c, jefe.key, jefe.data) == jefe.expected); // and from the empty key to a real one
    TestType other;
    CHECK(mac(other, jefe.key, "") == mac(c, jefe.key, "")); // empty data under a key
    CHECK(mac(other, jefe.key, "") != empty_empty);
}

TEMPLATE_LIST_TEST_CASE("HMAC-SHA-256: keys changing back and forth give what a fresh object gives", "[crypto][hmac][cache]", backends) {
    const auto& v = rfc4231();
    TestType c;
    // A key sequence that revisits keys, changes length by one byte, changes one byte at the same
    // length, and crosses the 64-byte limit of the cached copy (64 is remembered, 65 and 131 are not).
    const std::vector<std::string> keys = {v[0].key, v[1].key, v[0].key, v[0].key, "Jef", "Jefe", "Jefg", v[5].key, v[1].key, v[5].key,
                                           v[5].key, repeat('k', 64), repeat('k', 65), repeat('k', 64), repeat('k', 65), repeat('k', 65),
                                           "", v[1].key, ""};
    for (std::size_t i = 0; i < keys.size(); ++i) {
        INFO("step " << i << ", key of " << keys[i].size() << " bytes");
        TestType fresh;
        const std::string data = "data for step " + std::to_string(i % 3);
        CHECK(mac(c, keys[i], data) == mac(fresh, keys[i], data));
    }
    CHECK(mac(c, v[0].key, v[0].data) == v[0].expected);
    CHECK(mac(c, v[6].key, v[6].data) == v[6].expected);
    CHECK(mac(c, v[6].key, v[5].data) == v[5].expected);
}

TEMPLATE_LIST_TEST_CASE("HMAC-SHA-256: the cache compares key bytes, not where they are", "[crypto][hmac][cache]", backends) {
    TestType c;
    std::string key = rfc4231()[0].key; // one buffer, changed in place between calls
    CHECK(mac(c, key, "Hi There") == rfc4231()[0].expected);
    key.assign(20, '\xaa');
    CHECK(mac(c, key, repeat('\xdd', 50)) == rfc4231()[2].expected);
    key.assign(20, '\x0b');
    CHECK(mac(c, key, "Hi There") == rfc4231()[0].expected);
}

TEMPLATE_LIST_TEST_CASE("copies and moves of a backend object keep giving the published values", "[crypto][copy]", backends) {
    const auto& v = rfc4231();
    TestType a;
    CHECK(mac(a, v[0].key, v[0].data) == v[0].expected); // a is keyed with key 0

    TestType copy(a); // fresh contexts: must not assume a's key
    CHECK(mac(copy, v[1].key, v[1].data) == v[1].expected);
    CHECK(mac(copy, v[0].key, v[0].data) == v[0].expected);
    CHECK(sha(copy, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    TestType assigned;
    CHECK(mac(assigned, v[2].key, v[2].data) == v[2].expected);
    assigned = a; // copy assignment over a keyed object
    CHECK(mac(assigned, v[2].key, v[2].data) == v[2].expected);
    CHECK(mac(assigned, v[0].key, v[0].data) == v[0].expected);
    CHECK(mac(a, v[0].key, v[0].data) == v[0].expected); // the source is untouched

    const auto& self = assigned;
    assigned = self; // self-assignment
    CHECK(mac(assigned, v[1].key, v[1].data) == v[1].expected);

    TestType moved(std::move(a)); // the keyed context travels with the cached key
    CHECK(mac(moved, v[0].key, v[0].data) == v[0].expected);
    CHECK(mac(moved, v[1].key, v[1].data) == v[1].expected);
    CHECK_FALSE(moved.init_error());

    TestType target;
    CHECK(mac(target, v[3].key, v[3].data) == v[3].expected);
    target = std::move(moved);
    CHECK(mac(target, v[1].key, v[1].data) == v[1].expected); // moved's key
    CHECK(mac(target, v[3].key, v[3].data) == v[3].expected); // target's old key is not assumed

    // A moved-from object does not crash: it says so and gives zero digests.
    CHECK(a.init_error() == acd::errc::invalid_state); // NOLINT(bugprone-use-after-move): on purpose
    CHECK(moved.init_error() == acd::errc::invalid_state); // NOLINT(bugprone-use-after-move)
    CHECK(mac(a, v[0].key, v[0].data) == zeros);
    CHECK(sha(moved, "abc") == zeros);
    a = TestType(); // and is usable again after assignment
    CHECK_FALSE(a.init_error());
    CHECK(mac(a, v[0].key, v[0].data) == v[0].expected);
}

TEMPLATE_LIST_TEST_CASE("a warm object signs with a known key without allocating", "[crypto][alloc]", backends) {
    TestType c;
    const std::string key = rfc4231()[1].key;
    const std::string data(200, 's'); // about a SigV4 string to sign
    digest d{};
    c.hmac_sha256(view(key), data, d);
    c.sha256(data, d);
    sigv4_test::allocations = 0;
    sigv4_test::counting = true;
    for (int i = 0; i < 10; ++i) {
        c.hmac_sha256(view(key), data, d);
        c.sha256(data, d);
    }
    sigv4_test::counting = false;
    if (sigv4_test::alloc_counting_enabled) CHECK(sigv4_test::allocations.load() == 0); // operator new only, not the C libraries' malloc
    else WARN("allocation counting is off under a sanitizer");
    CHECK(hex(d) == sha(c, data));
}

namespace {

template <std::size_t... I>
void compare_all(std::index_sequence<I...>) {
    backends objects;
    std::mt19937_64 rng(20261126);
    const auto random_text = [&](std::size_t max_len) {
        std::string s(static_cast<std::size_t>(rng() % (max_len + 1)), '\0');
        for (auto& ch : s) ch = static_cast<char>(rng() & 0xff);
        return s;
    };
    std::string last_key;
    for (int round = 0; round < 600; ++round) {
        // Keys repeat often (as in SigV4), sometimes change, and range from empty to twice the block.
        std::string key = (round % 4 != 0 && !last_key.empty()) ? last_key : random_text(140);
        const std::string data = random_text(round % 50 == 0 ? 5000 : 300);
        const std::string sha_values[] = {sha(std::get<I>(objects), data)...};
        const std::string mac_values[] = {mac(std::get<I>(objects), key, data)...};
        for (std::size_t b = 1; b < sizeof...(I); ++b) {
            INFO("round " << round << ", backend #" << b << ", key " << key.size() << " bytes, data " << data.size() << " bytes");
            CHECK(sha_values[b] == sha_values[0]);
            CHECK(mac_values[b] == mac_values[0]);
        }
        CHECK(sha_values[0] != zeros);
        CHECK(mac_values[0] != zeros);
        last_key = std::move(key);
    }
}

} // namespace

TEST_CASE("all backends agree on seeded random keys and data", "[crypto][agree]") {
    INFO(std::tuple_size_v<backends> << " backend(s) in this build");
    compare_all(std::make_index_sequence<std::tuple_size_v<backends>>());
}

TEST_CASE("the SigV4 signing-key chain comes out the same on every backend", "[crypto][agree]") {
    // kSecret = "AWS4" + secret; kDate = HMAC(kSecret, date); ... kSigning = HMAC(kService, "aws4_request").
    const auto chain = [](auto& c) {
        digest k{};
        c.hmac_sha256(byte_view(std::string_view("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")), "20150830", k);
        digest next{};
        c.hmac_sha256(k, "us-east-1", next);
        c.hmac_sha256(next, "iam", k);
        c.hmac_sha256(k, "aws4_request", next);
        return hex(next);
    };
    acd::adapters::botan_crypto botan;
    const std::string expected = chain(botan);
    // The AWS SigV4 documentation's example signing key for this secret, date, region and service.
    CHECK(expected == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
#if defined(CRYPTO_TEST_HAVE_OPENSSL)
    acd::adapters::openssl_crypto openssl;
    CHECK(chain(openssl) == expected);
#endif
#if defined(CRYPTO_TEST_HAVE_MBEDTLS)
    acd::adapters::mbedtls_crypto mbedtls;
    CHECK(chain(mbedtls) == expected);
#endif
}
