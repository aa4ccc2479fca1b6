// Footprint baseline: what any client needs anyway, with no appconfigdata code: parse a JSON text with
// Boost.JSON, SHA-256 and HMAC-SHA-256 it with Botan. Built by ../footprint.sh.
#include <boost/json.hpp>
#include <botan/hash.h>
#include <botan/mac.h>

#include <cstdio>
#include <string>

int main() {
    const boost::json::value v = boost::json::parse(R"({"InitialConfigurationToken":"token"})");
    const std::string text = boost::json::serialize(v);
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    hash->update(text);
    const auto digest = hash->final();
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(digest);
    mac->update(text);
    const auto tag = mac->final();
    std::printf("%zu %zu\n", digest.size(), tag.size());
    return 0;
}
