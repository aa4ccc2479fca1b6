// The shared config/credentials file parser. Input: the config file text, then "\n\0\n", then the
// credentials file text.
// Invariants: parse_profile_files gives {} or errc::profile_parse_error / limit_exceeded (and an
// empty set on error); property names are lower case; parsing is deterministic; operator<< never
// prints the value of a sensitive property (secret, token, password, credential_process).
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/credentials/profile.hpp>

#include <sstream>

namespace {
using namespace appconfigdata;

void check_profiles(const std::map<std::string, profile, std::less<>>& m) {
    for (const auto& kv : m) {
        for (const auto& prop : kv.second.properties) {
            for (char c : prop.first) fuzz::check(!(c >= 'A' && c <= 'Z'), "profile: property name not lower case");
            if (is_sensitive_property(prop.first) && !prop.second.empty()) {
                profile only;
                only.properties.insert(prop);
                std::ostringstream os;
                os << only;
                fuzz::check(os.str() == "profile{, " + prop.first + "=<redacted>}", "profile: operator<< printed a sensitive value");
            }
        }
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in = fuzz::as_text(data, size);
    const auto sep = in.find(std::string_view("\n\0\n", 3));
    const std::string_view config = in.substr(0, sep);
    const std::string_view creds = sep == std::string_view::npos ? std::string_view{} : in.substr(sep + 3);

    profile_set set;
    set.profiles["stale"].name = "stale";
    diagnostics diag;
    const std::error_code ec = parse_profile_files(config, creds, set, &diag);
    if (ec) {
        fuzz::check_typed(ec, {errc::profile_parse_error, errc::limit_exceeded}, "profile: untyped error");
        fuzz::check(set.empty(), "profile: set not empty on error");
        fuzz::check(!diag.message.empty(), "profile: error without a message");
        return 0;
    }
    check_profiles(set.profiles);
    check_profiles(set.sso_sessions);
    check_profiles(set.services);
    profile_set again;
    fuzz::check(!parse_profile_files(config, creds, again) && again == set, "profile: not deterministic");
    std::ostringstream os;
    os << set; // must not crash
    return 0;
}
