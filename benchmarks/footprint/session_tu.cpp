// Footprint probe: one translation unit that includes the core single header and one crypto backend's
// header, and instantiates the session machine with that backend (next, on_response, poll_event).
// Built by ../footprint.sh with -DFOOTPRINT_BACKEND_HEADER=<...> -DFOOTPRINT_BACKEND=adapters::X;
// without them it takes Botan.
#include <appconfigdata/appconfigdata.hpp> // the core single header
#ifndef FOOTPRINT_BACKEND_HEADER
#define FOOTPRINT_BACKEND_HEADER <appconfigdata/appconfigdata_botan.hpp>
#define FOOTPRINT_BACKEND adapters::botan_crypto
#endif
#include FOOTPRINT_BACKEND_HEADER

#include <cstdio>

int main() {
    using namespace appconfigdata;
    session::session_config config;
    config.application = "app";
    config.environment = "env";
    config.configuration_profile = "profile";
    config.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    config.region = "us-east-1";
    session::configuration_session<FOOTPRINT_BACKEND> s(config);
    credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "secret";
    s.set_credentials(creds);
    const time_point now{};
    action a = s.next(now);
    if (a.kind == action_kind::send) {
        http::response r;
        r.status = 201;
        r.body = R"({"InitialConfigurationToken":"token"})";
        (void)s.on_response(r, now);
    }
    session::event e;
    int events = 0;
    while (s.poll_event(e)) ++events;
    std::printf("%d\n", events);
    return 0;
}
