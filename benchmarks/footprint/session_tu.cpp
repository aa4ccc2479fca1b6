// Footprint probe: one translation unit that includes the single header and instantiates the session
// machine with the Botan backend (next, on_response, poll_event). Built by ../footprint.sh.
#include <appconfigdata/appconfigdata.hpp> // the single header (adapters/botan_crypto.hpp included)

#include <cstdio>

int main() {
    using namespace appconfigdata;
    session::session_config config;
    config.application = "app";
    config.environment = "env";
    config.configuration_profile = "profile";
    config.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    config.region = "us-east-1";
    session::configuration_session<adapters::botan_crypto> s(config);
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
