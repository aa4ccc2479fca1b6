// The tick driver, for frame loops and async HTTP stacks: never blocks, never calls user code.
// Call tick(now) whenever convenient (every frame, or when the wake time passes); it says which
// request to start, file to read or process to run, if any. When that completes (frames later, if
// need be), hand the outcome back with complete() / fail() / complete_file() / complete_process().
// Events are read from the machine itself (e.g. session.poll_event()).
//
//   driver::tick_driver<session_t> d(session);
//   auto t = d.tick(now);
//   if (t.request) my_async_http.start(*t.request, t.timeout, [&](resp) { d.complete(resp, current_time); });
//   if (t.file) my_jobs.read(t.file->path, [&](file_result r) { d.complete_file(r, current_time); });
//   if (t.need_credentials) session.set_credentials(..., now);
//   schedule the next tick at t.wake_at (or earlier).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/driver/machine.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <ostream>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {

struct tick_result {
    const http::request* request = nullptr;       // start this request now (valid until complete()/fail())
    const file_request* file = nullptr;           // read this file (then complete_file())
    const process_request* process = nullptr;     // run this process (then complete_process(); errc::not_supported if you cannot)
    std::chrono::milliseconds timeout{0};         // with this timeout (0: the transport's default)
    time_point wake_at = (time_point::max)();     // tick again by then (max: only after a completion)
    bool need_credentials = false;                // give the machine credentials, then tick again
    bool done = false;                            // the machine finished
    bool failed = false;                          // the machine gave up: see `error`
    std::error_code error;

    friend std::ostream& operator<<(std::ostream& os, const tick_result& t) {
        if (t.request) return os << "start " << t.request->method << " " << t.request->path;
        if (t.file) return os << "read " << t.file->path;
        if (t.process) return os << "run " << *t.process;
        if (t.need_credentials) return os << "need_credentials";
        if (t.done) return os << "done";
        if (t.failed) return os << "failed: " << t.error.message();
        return os << "wait";
    }
};

template <class Machine>
class tick_driver {
    static_assert(check_machine<Machine>());

public:
    explicit tick_driver(Machine& machine) noexcept : machine_(&machine) {}

    // What to do at `now`. While a request is outstanding it returns no request (wake_at = max).
    // Never blocks; never throws but for allocation.
    tick_result tick(time_point now) {
        tick_result t;
        if (in_flight_) return t;
        const action a = machine_->next(now);
        switch (a.kind) {
        case action_kind::send:
            in_flight_ = true;
            t.request = a.request;
            t.timeout = a.timeout;
            break;
        case action_kind::read_file:
            in_flight_ = true;
            t.file = a.file;
            break;
        case action_kind::run_process:
            in_flight_ = true;
            t.process = a.process;
            break;
        case action_kind::wait_until: t.wake_at = a.when; break;
        case action_kind::need_credentials:
            t.need_credentials = true;
            t.wake_at = now;
            break;
        case action_kind::done: t.done = true; break;
        case action_kind::failed:
            t.failed = true;
            t.error = detail::machine_error(*machine_, errc::retries_exhausted);
            break;
        }
        return t;
    }

    // The started request got `r`. errc::invalid_state when no request is outstanding.
    std::error_code complete(const http::response& r, time_point now) {
        if (!in_flight_) return errc::invalid_state;
        in_flight_ = false;
        return machine_->on_response(r, now);
    }

    // The started request got no response (`ec`). errc::invalid_state when none is outstanding.
    std::error_code fail(std::error_code ec, time_point now) {
        if (!in_flight_) return errc::invalid_state;
        in_flight_ = false;
        return machine_->on_transport_error(ec ? ec : std::error_code(errc::transport_failed), now);
    }

    // The file read asked for got `r`. errc::invalid_state when none is outstanding.
    std::error_code complete_file(const file_result& r, time_point now) {
        if (!in_flight_) return errc::invalid_state;
        in_flight_ = false;
        if constexpr (detail::has_on_file<Machine>::value) return machine_->on_file(r, now);
        else return errc::invalid_state;
    }

    // The process run asked for got `r`. errc::invalid_state when none is outstanding.
    std::error_code complete_process(const process_result& r, time_point now) {
        if (!in_flight_) return errc::invalid_state;
        in_flight_ = false;
        if constexpr (detail::has_on_process<Machine>::value) return machine_->on_process(r, now);
        else return errc::invalid_state;
    }

    bool in_flight() const noexcept { return in_flight_; }
    Machine& machine() noexcept { return *machine_; }

private:
    Machine* machine_;
    bool in_flight_ = false;
};

} // namespace driver
APPCONFIGDATA_NAMESPACE_END
