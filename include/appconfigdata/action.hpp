// What a state machine asks its driver to do next. Every machine in the library (the
// configuration session, each credential provider, the chains, the scheduler) answers `next(now)`
// with an `action`, and takes the outcome through the same calls (driver/machine.hpp checks that at
// compile time), so one driver loop serves them all:
//
//   for (;;) {
//       action a = machine.next(now);
//       switch (a.kind) {
//       case action_kind::send:        // perform *a.request (timeout a.timeout), then feed the outcome:
//           machine.on_response(response, now) or machine.on_transport_error(ec, now);
//       case action_kind::read_file:   // read *a.file, then machine.on_file(result, now)
//       case action_kind::run_process: // run *a.process, then machine.on_process(result, now)
//       case action_kind::wait_until:  // nothing to do before a.when (or before a new input arrives)
//       case action_kind::need_credentials: // give the machine credentials (set_credentials), call next again
//       case action_kind::done:        // the machine finished; read machine.outcome()
//       case action_kind::failed:      // the machine gave up; machine.outcome() says why
//       }
//   }
//
// `request`, `file` and `process` point into the machine and stay valid until the next call on that
// machine, so a steady-state poll hands over its request without copying or allocating. A driver
// that cannot perform a read or a run (no file system, no processes) answers errc::not_supported.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <ostream>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class action_kind { send, wait_until, done, failed, need_credentials, read_file, run_process };

inline const char* to_string(action_kind k) noexcept {
    constexpr const char* names[] = {"send", "wait_until", "done", "failed", "need_credentials", "read_file", "run_process"};
    return appconfigdata::detail::enum_name<action_kind::run_process>(k, names);
}

struct action {
    action_kind kind = action_kind::wait_until;
    const http::request* request = nullptr;      // kind == send
    std::chrono::milliseconds timeout{0};         // kind == send: how long the transport may take (0: its default)
    time_point when{};                            // kind == wait_until
    const file_request* file = nullptr;           // kind == read_file
    const process_request* process = nullptr;     // kind == run_process

    static action send(const http::request& r, std::chrono::milliseconds t = std::chrono::milliseconds(0)) {
        action a;
        a.kind = action_kind::send;
        a.request = &r;
        a.timeout = t;
        return a;
    }
    static action wait(time_point until) {
        action a;
        a.kind = action_kind::wait_until;
        a.when = until;
        return a;
    }
    static action finished() {
        action a;
        a.kind = action_kind::done;
        return a;
    }
    static action fail() {
        action a;
        a.kind = action_kind::failed;
        return a;
    }
    static action read(const file_request& f) {
        action a;
        a.kind = action_kind::read_file;
        a.file = &f;
        return a;
    }
    static action run(const process_request& p) {
        action a;
        a.kind = action_kind::run_process;
        a.process = &p;
        return a;
    }
    static action credentials_needed() {
        action a;
        a.kind = action_kind::need_credentials;
        return a;
    }

    friend std::ostream& operator<<(std::ostream& os, const action& a) {
        os << to_string(a.kind);
        if (a.kind == action_kind::send && a.request) os << " " << a.request->method << " " << a.request->path;
        if (a.kind == action_kind::read_file && a.file) os << " " << a.file->path;
        if (a.kind == action_kind::run_process && a.process) os << " " << *a.process;
        return os;
    }
};

APPCONFIGDATA_NAMESPACE_END
