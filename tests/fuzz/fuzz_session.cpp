// The configuration session machine fed an arbitrary sequence of responses and transport errors.
// Input: one options byte, then responses in fuzz_input.hpp's format separated by "\n\0\n". A
// response's status line may carry, after the status, a number of seconds to let pass before the
// answer arrives ("200 30"); a status of 000 is a transport error (timeout when the line says "000t").
// Invariants (virtual time; the machine must hold them whatever the service says):
// - every token is sent at most as many times as responses handed it out (a token is never reused);
// - nothing is sent before the last successful poll's Next-Poll-Interval-In-Seconds has passed;
// - wait_until always points to the future; a request is never handed out while one is outstanding;
// - once a `changed` event happened, latest() stays non-empty; a changed event carries content;
// - on_response/on_transport_error without an outstanding request is errc::invalid_state;
// - printing events never shows configuration content.
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/protocol/protocol.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace {
using namespace appconfigdata;

credentials test_credentials() {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    return c;
}

// Reads the optional seconds after the status on the next line without consuming it.
long long delay_of(std::string_view in, bool& timeout) {
    const auto nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    timeout = line.size() > 3 && line[3] == 't';
    long long seconds = 0;
    for (std::size_t i = 3; i < line.size() && i < 12; ++i)
        if (line[i] >= '0' && line[i] <= '9') seconds = seconds * 10 + (line[i] - '0');
    return seconds;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    std::string_view in = fuzz::as_text(data + 1, size - 1);

    session::session_config c;
    c.application = "app";
    c.environment = "env";
    c.configuration_profile = "prof";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.fail_on_initial_error = (flags & 1) != 0;
    if (flags & 2) c.options.min_poll_interval = std::chrono::seconds(15);
    c.options.fleet_jitter = (flags & 4) ? 0.1 : 0.0;
    c.options.jitter_seed = flags;
    if (flags & 8) c.options.max_queued_events = 4;
    if (flags & 16) c.options.max_session_age = std::chrono::minutes(5);
    session::configuration_session<adapters::botan_crypto> s(c);
    s.set_credentials(test_credentials());

    time_point now = time_point{} + std::chrono::seconds(1795680000);
    time_point earliest{};             // no send before this (the last poll's interval)
    std::map<std::string, int> handed; // token -> times a response handed it out
    std::map<std::string, int> sent;   // token -> times it was sent
    bool had_change = false;
    std::string last_content;

    fuzz::check(s.on_response(http::response{}, now) == errc::invalid_state, "session: response accepted with nothing outstanding");
    for (int step = 0; step < 400; ++step) {
        const action a = s.next(now);
        if (a.kind == action_kind::failed) {
            fuzz::check(s.last_error() && s.last_error().category() == error_category(), "session: failed without a typed error");
            break;
        }
        if (a.kind == action_kind::need_credentials) {
            s.set_credentials(test_credentials());
            continue;
        }
        if (a.kind == action_kind::wait_until) {
            fuzz::check(a.when > now, "session: waits for the past");
            fuzz::check(a.when != (time_point::max)(), "session: waits forever with no request outstanding");
            now = a.when;
            continue;
        }
        fuzz::check(a.kind == action_kind::send && a.request, "session: unexpected action");
        fuzz::check(now >= earliest, "session: sent before the service's poll interval passed");
        const http::request req = *a.request;
        fuzz::check(s.next(now).kind == action_kind::wait_until, "session: a second request while one is outstanding");
        std::string token;
        if (req.method == "GET") {
            const std::string prefix = "configuration_token=";
            fuzz::check(req.query.compare(0, prefix.size(), prefix) == 0, "session: poll without a token");
            token = http::percent_decode(std::string_view(req.query).substr(prefix.size()));
            fuzz::check(++sent[token] <= handed[token], "session: a token was sent more often than it was handed out (or answered 429/5xx)");
        }
        if (in.empty()) break;
        bool timeout = false;
        now += std::chrono::seconds(delay_of(in, timeout)) + std::chrono::milliseconds(10);
        const http::response r = fuzz::decode_response(in);
        if (r.status == 0) {
            fuzz::check(!s.on_transport_error(timeout ? errc::timeout : errc::transport_failed, now), "session: transport error refused");
            fuzz::check(s.on_transport_error(errc::timeout, now) == errc::invalid_state, "session: second transport error accepted");
        } else {
            protocol::service_error err;
            if (req.method == "GET") {
                protocol::get_latest_configuration_output out;
                if (!protocol::parse_get_latest_configuration(r, out, err, c.options.size_limits)) {
                    ++handed[std::string(out.next_poll_configuration_token)];
                    const long long interval = std::min<long long>(out.next_poll_interval_in_seconds, 86400);
                    earliest = now + std::chrono::seconds(interval);
                    if (!out.configuration.empty()) last_content = std::string(out.configuration);
                }
            } else {
                protocol::start_configuration_session_output out;
                if (!protocol::parse_start_configuration_session(r, out, err, c.options.size_limits)) ++handed[out.initial_configuration_token];
            }
            // A 429 or 5xx answer leaves the token unused: the session may send it once more.
            if (req.method == "GET" && (r.status == 429 || r.status >= 500)) ++handed[token];
            fuzz::check(!s.on_response(r, now), "session: response refused");
            fuzz::check(s.on_response(r, now) == errc::invalid_state, "session: second response accepted");
        }
        if (had_change) fuzz::check(s.has_configuration() && !s.latest().content.empty(), "session: latest() emptied after a change");
        if (s.has_configuration()) fuzz::check(s.latest().content == last_content, "session: latest() is not the last configuration sent");
        while (auto e = s.poll_event()) {
            if (e->kind == session::event_kind::changed) {
                had_change = true;
                fuzz::check(!e->content.empty(), "session: changed event without content");
                std::ostringstream os;
                os << *e;
                if (e->content.size() >= 8 && e->content.find('#') != std::string::npos)
                    fuzz::check(!fuzz::contains(os.str(), e->content), "session: event printed the configuration");
            }
        }
    }
    return 0;
}
