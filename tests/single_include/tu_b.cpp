// Translation unit B of the single-header ODR test, with main(): links against TU A. Every inline
// function and variable is defined in both; the program must link and agree on the results.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>

#include <iostream>
#include <string>

std::string hash_in_tu_a();

int main() {
    appconfigdata::adapters::botan_crypto crypto;
    appconfigdata::crypto::digest d{};
    crypto.sha256("abc", d);
    const std::string here = appconfigdata::detail::to_hex(d);
    const std::string there = hash_in_tu_a();
    const bool same_category = &appconfigdata::error_category() == &std::error_code(appconfigdata::errc::throttling).category();
    std::cout << "single header " << appconfigdata::version_string << ": " << here << "\n";
    if (here != there || here != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || !same_category) {
        std::cerr << "ODR test failed: translation units disagree\n";
        return 1;
    }
    return 0;
}
