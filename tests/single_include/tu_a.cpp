// Translation unit A of the single-header ODR test: only the generated header is included.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>

#include <string>

std::string sign_in_tu_a();

std::string hash_in_tu_a() {
    appconfigdata::adapters::botan_crypto crypto;
    appconfigdata::crypto::digest d{};
    crypto.sha256("abc", d);
    return appconfigdata::detail::to_hex(d);
}
