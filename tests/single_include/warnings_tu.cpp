// Code that includes the headers must build clean under the strictest warnings a user turns on:
// g++ -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion, and clang -Weverything minus
// the list in check_single_header.sh (each with its reason). This TU instantiates the session, the
// drivers, the credential chain and each adapter available here.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_botan.hpp>
#include <appconfigdata/appconfigdata_posix.hpp>
#include <appconfigdata/appconfigdata_curl.hpp>

#include <memory>
#include <vector>
namespace acd = appconfigdata;
int main() {
    acd::session::session_config c;
    c.application = "a"; c.environment = "e"; c.configuration_profile = "p";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com"; c.region = "us-east-1";
    acd::session::configuration_session<acd::adapters::botan_crypto> s(c);
    acd::driver::tick_driver<decltype(s)> d(s);
    auto t = d.tick(acd::clock_type::now());
    acd::default_chain_options o;
    o.environment = acd::adapters::system_environment();
    o.sign = acd::make_sigv4_request_signer<acd::adapters::botan_crypto>();
    acd::cached_credentials_provider creds(std::make_unique<acd::default_credentials_chain>(std::move(o)));
    acd::driver::blocking_hooks hooks;
    std::vector<acd::session::session_config> cs{c};
    acd::driver::scheduler<decltype(s)> sch;
    acd::adapters::file_backup_store<acd::adapters::botan_crypto> store("/tmp/x", {});
    acd::adapters::curl_transport tr;
    (void)t; (void)creds; (void)hooks; (void)sch; (void)store; (void)tr;
    return 0;
}
