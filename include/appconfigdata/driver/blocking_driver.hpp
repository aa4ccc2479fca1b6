// The blocking driver: one loop that drives any machine (driver/machine.hpp: a configuration
// session, a credential provider, a chain) with the user's HTTP callback, clock and sleep, and the
// file reader and process runner that answer action::read / action::run. All are injected, so a
// test runs it on virtual time and a program on the real clock and files (adapters/).
//
//   driver::blocking_hooks h;
//   h.transport = my_http;                          // std::error_code(const http::request&, http::response&)
//   h.clock = [] { return clock_type::now(); };     // the current time_point (a test passes virtual time)
//   h.sleep_until = [](time_point t) { std::this_thread::sleep_until(t); }; // or a sleep that wakes early to re-check `stop`
//   h.read_file = adapters::make_file_reader();       // optional: action::read (else errc::not_supported)
//   h.run_process = adapters::make_process_runner();  // optional: action::run (else errc::not_supported)
//   h.credentials_source = [&](credentials& c) { c = ...; return std::error_code{}; };
//   auto ec = driver::run_until(session, h, [&](const session::event& e) { ...; return e.kind == session::event_kind::changed; });
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/driver/machine.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/http/transport.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <system_error>
#include <type_traits>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {

struct blocking_hooks {
    http::transport transport;                                // required: performs one request
    std::function<time_point()> clock;                        // required: the current time
    std::function<void(time_point)> sleep_until;              // required: returns at (or after) the time, or early to re-check `stop`
    file_reader read_file;                                    // optional: answers read_file (errc::not_supported without)
    process_runner run_process;                               // optional: answers run_process (errc::not_supported without)
    std::function<std::error_code(credentials&)> credentials_source; // optional: answers need_credentials
    std::function<bool()> stop;                               // optional: true ends the loop (errc::cancelled)
};

// Drives `machine` until `done(event)` returns true for one of its events (machines with
// poll_event()), until the machine answers `done` (returns {}) or `failed` (returns outcome().error,
// or errc::retries_exhausted when it has none), until `stop()` (errc::cancelled), or until
// need_credentials cannot be met (errc::no_credentials without a source, else the source's error).
// A transport's empty response with no error is fed as is. Exceptions thrown by the hooks pass
// through; the driver itself throws only std::bad_alloc. Returns {} when `done` said so.
template <class Machine, class Done>
std::error_code run_until(Machine& machine, const blocking_hooks& hooks, Done&& done) {
    static_assert(check_machine<Machine>());
    if (!hooks.transport || !hooks.clock || !hooks.sleep_until) return errc::invalid_argument;
    http::response response;
    for (;;) {
        if (hooks.stop && hooks.stop()) return errc::cancelled;
        const time_point now = hooks.clock();
        const action a = machine.next(now);
        switch (a.kind) {
        case action_kind::send: {
            response.status = 0;
            response.headers.clear();
            response.body.clear();
            const std::error_code ec = hooks.transport(*a.request, response);
            if (ec) machine.on_transport_error(ec, hooks.clock());
            else machine.on_response(response, hooks.clock());
            break;
        }
        case action_kind::wait_until:
            if (a.when == (time_point::max)()) return errc::invalid_state; // waiting on an input nobody will give
            hooks.sleep_until(a.when);
            break;
        case action_kind::read_file:
        case action_kind::run_process: detail::perform_local_io(machine, a, hooks.read_file, hooks.run_process, hooks.clock()); break;
        case action_kind::done: return {};
        case action_kind::failed: return detail::machine_error(machine, errc::retries_exhausted);
        case action_kind::need_credentials:
            if constexpr (detail::has_set_credentials<Machine>::value) {
                if (!hooks.credentials_source) return errc::no_credentials;
                credentials c;
                if (auto ec = hooks.credentials_source(c)) return ec;
                if (c.empty()) return errc::no_credentials;
                machine.set_credentials(c, hooks.clock());
                break;
            } else {
                return errc::no_credentials;
            }
        }
        if constexpr (detail::has_poll_event<Machine>::value) {
            while (auto e = machine.poll_event())
                if (done(*e)) return {};
        }
    }
}

// Drives `machine` until it answers `done` or `failed` (no event predicate): for credential
// providers and other finite machines.
template <class Machine>
std::error_code run(Machine& machine, const blocking_hooks& hooks) {
    return run_until(machine, hooks, [](const auto&) { return false; });
}

} // namespace driver
APPCONFIGDATA_NAMESPACE_END
