// A scripted HTTP transport for driving state machines in tests: a queue of outcomes (a response or
// a transport error), a log of the requests sent, and a small driver loop with virtual time.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/driver/machine.hpp>
#include <appconfigdata/io.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace test_support {

namespace acd = appconfigdata;

class scripted_transport {
public:
    // Queues a response with `status`, `body` and headers.
    scripted_transport& respond(int status, std::string body = {}, acd::http::headers headers = {}) {
        acd::http::response r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        outcome o;
        o.response = std::move(r);
        script_.push_back(std::move(o));
        return *this;
    }

    // Queues a transport failure (no response).
    scripted_transport& fail(std::error_code ec = acd::errc::transport_failed) {
        outcome o;
        o.error = ec;
        script_.push_back(std::move(o));
        return *this;
    }

    // Sends: logs the request and pops the next outcome; an empty script is a transport error.
    // Every request must be sendable verbatim (Host, and Content-Length with a body): checked here.
    std::error_code operator()(const acd::http::request& request, acd::http::response& response) {
        sent.push_back(request);
        const auto problem = acd::http::framing_problem(request);
        CHECK(problem.value_or("") == "");
        if (script_.empty()) {
            ++beyond_script;
            return acd::errc::transport_failed;
        }
        outcome o = std::move(script_.front());
        script_.pop_front();
        if (o.error) return o.error;
        response = std::move(o.response);
        return {};
    }

    bool exhausted() const noexcept { return script_.empty(); }
    std::size_t remaining() const noexcept { return script_.size(); }

    std::vector<acd::http::request> sent; // every request, in order
    int beyond_script = 0;                 // requests sent after the script ran out
    acd::file_reader read_file;            // answers action::read (errc::not_supported when empty)
    acd::process_runner run_process;       // answers action::run (errc::not_supported when empty)
    std::vector<std::string> files_read;   // every path read, in order
    int processes_run = 0;

private:
    struct outcome {
        acd::http::response response;
        std::error_code error;
    };
    std::deque<outcome> script_;
};

// Drives `machine` until it answers done, failed or need_credentials (returned), moving the virtual
// clock `now` forward on wait_until; file reads and process runs are answered by the transport's
// read_file / run_process (when the transport has them). A wait for "forever" or more than `max_steps` steps ends the
// loop with a wait_until action (a stuck machine).
template <class T, class = void>
struct has_io : std::false_type {};
template <class T>
struct has_io<T, std::void_t<decltype(std::declval<T&>().read_file), decltype(std::declval<T&>().files_read)>> : std::true_type {};

template <class Machine, class Transport>
acd::action drive(Machine& machine, Transport& transport, acd::time_point& now, int max_steps = 1000) {
    for (int i = 0; i < max_steps; ++i) {
        acd::action a = machine.next(now);
        switch (a.kind) {
        case acd::action_kind::send: {
            acd::http::response response;
            if (std::error_code ec = transport(*a.request, response)) machine.on_transport_error(ec, now);
            else machine.on_response(response, now);
            break;
        }
        case acd::action_kind::read_file:
            if constexpr (acd::driver::detail::has_on_file<Machine>::value) {
                if constexpr (has_io<Transport>::value) {
                    transport.files_read.push_back(a.file->path);
                    machine.on_file(acd::perform(*a.file, transport.read_file), now);
                } else {
                    machine.on_file(acd::file_result{acd::errc::not_supported, {}}, now);
                }
            }
            break;
        case acd::action_kind::run_process:
            if constexpr (acd::driver::detail::has_on_process<Machine>::value) {
                if constexpr (has_io<Transport>::value) {
                    ++transport.processes_run;
                    machine.on_process(acd::perform(*a.process, transport.run_process), now);
                } else {
                    machine.on_process(acd::process_result{acd::errc::not_supported, {}}, now);
                }
            }
            break;
        case acd::action_kind::wait_until:
            if (a.when == acd::time_point::max() || a.when < now) return a;
            now = a.when;
            break;
        default: return a;
        }
    }
    return acd::action::wait(acd::time_point::max());
}

} // namespace test_support
