// A program that consumes the installed library the way a user would: the core and the Botan backend.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>

#include <iostream>

int main() {
    appconfigdata::http::request req;
    if (req.set_url("https://appconfigdata.us-east-1.amazonaws.com/configuration?configuration_token=abc")) return 1;
    appconfigdata::adapters::botan_crypto crypto;
    appconfigdata::crypto::digest d{};
    crypto.sha256(req.target(), d);
    std::cout << "consumer OK: " << appconfigdata::version_string << " " << req.host << " " << appconfigdata::detail::to_hex(d) << "\n";
    return 0;
}
