// The machine concept, checked at compile time: what every state machine of the library offers (the
// configuration session, each credential provider, the chains, the IMDS region lookup,
// last_known_good) and all a driver relies on. C++17 has no `concept`, so it is a trait with readable
// static_asserts (`static_assert(driver::is_machine_v<M>)`, or driver::check_machine<M>() for the
// message naming the missing call).
//
// Required of every machine M (times are the caller's `now`; see action.hpp for the loop):
//   action next(time_point now);                                    what to do now
//   std::error_code on_response(const http::response&, time_point); a send's answer
//   std::error_code on_transport_error(std::error_code, time_point); a send that got no answer
//   const outcome<T>& outcome() const;                              status, value or typed error + diagnostics
//   E current_state() const;                                        the machine's one state enum
// Inputs only some machines take (the driver answers only what the machine asks for):
//   std::error_code on_file(const file_result&, time_point);        after action::read
//   std::error_code on_process(const process_result&, time_point);  after action::run
//   std::error_code set_credentials(const credentials&, time_point); after need_credentials
//   std::optional<event> poll_event();                               machines that report events
// Every input returns errc::invalid_state when the machine was not waiting for it (nothing changes).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/outcome.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <system_error>
#include <type_traits>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {
namespace detail {

template <class R, class T>
inline constexpr bool returns_v = std::is_same_v<R, T>;

#define APPCONFIGDATA_DETAIL_MEMBER_TRAIT(trait, expr)                                \
    template <class M, class = void>                                                   \
    struct trait : std::false_type {};                                                 \
    template <class M>                                                                 \
    struct trait<M, std::void_t<decltype(expr)>> : std::true_type {                    \
        using type = decltype(expr);                                                   \
    };

APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_next, std::declval<M&>().next(std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_on_response, std::declval<M&>().on_response(std::declval<const http::response&>(), std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_on_transport_error, std::declval<M&>().on_transport_error(std::declval<std::error_code>(), std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_on_file, std::declval<M&>().on_file(std::declval<const file_result&>(), std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_on_process, std::declval<M&>().on_process(std::declval<const process_result&>(), std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_set_credentials, std::declval<M&>().set_credentials(std::declval<const credentials&>(), std::declval<time_point>()))
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_poll_event, std::declval<M&>().poll_event())
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_outcome_error, std::declval<const M&>().outcome().error)
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_outcome_diag, std::declval<const M&>().outcome().diag)
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_outcome_status, std::declval<const M&>().outcome().status)
APPCONFIGDATA_DETAIL_MEMBER_TRAIT(has_current_state, std::declval<const M&>().current_state())

#undef APPCONFIGDATA_DETAIL_MEMBER_TRAIT

// An optional input, when present, must have the one signature every machine uses.
template <template <class, class> class Trait, class M>
constexpr bool optional_input_ok() {
    if constexpr (Trait<M, void>::value) return std::is_same_v<typename Trait<M, void>::type, std::error_code>;
    else return true;
}

template <template <class, class> class Trait, class M, class R>
constexpr bool returns() {
    if constexpr (Trait<M, void>::value) return std::is_same_v<typename Trait<M, void>::type, R>;
    else return false;
}

template <class M>
constexpr bool state_is_enum() {
    if constexpr (has_current_state<M>::value) return std::is_enum_v<typename has_current_state<M>::type>;
    else return false;
}

} // namespace detail

template <class M>
inline constexpr bool is_machine_v = detail::returns<detail::has_next, M, action>() &&
                                     detail::returns<detail::has_on_response, M, std::error_code>() &&
                                     detail::returns<detail::has_on_transport_error, M, std::error_code>() &&
                                     detail::has_outcome_error<M>::value && detail::has_outcome_diag<M>::value &&
                                     detail::has_outcome_status<M>::value && detail::state_is_enum<M>() &&
                                     detail::optional_input_ok<detail::has_on_file, M>() &&
                                     detail::optional_input_ok<detail::has_on_process, M>() &&
                                     detail::optional_input_ok<detail::has_set_credentials, M>();

// The same check, one static_assert per requirement so the compiler names what is missing.
template <class M>
constexpr bool check_machine() {
    static_assert(detail::returns<detail::has_next, M, action>(), "a machine needs `action next(time_point)`");
    static_assert(detail::returns<detail::has_on_response, M, std::error_code>(),
                  "a machine needs `std::error_code on_response(const http::response&, time_point)`");
    static_assert(detail::returns<detail::has_on_transport_error, M, std::error_code>(),
                  "a machine needs `std::error_code on_transport_error(std::error_code, time_point)`");
    static_assert(detail::has_outcome_error<M>::value && detail::has_outcome_diag<M>::value && detail::has_outcome_status<M>::value,
                  "a machine needs `outcome()` with status, error and diag (outcome.hpp)");
    static_assert(detail::state_is_enum<M>(), "a machine needs `current_state()` returning its state enum");
    static_assert(detail::optional_input_ok<detail::has_on_file, M>(), "on_file must be `std::error_code on_file(const file_result&, time_point)`");
    static_assert(detail::optional_input_ok<detail::has_on_process, M>(),
                  "on_process must be `std::error_code on_process(const process_result&, time_point)`");
    static_assert(detail::optional_input_ok<detail::has_set_credentials, M>(),
                  "set_credentials must be `std::error_code set_credentials(const credentials&, time_point)`");
    return true;
}

namespace detail {

// The machine's error when it answered `failed`, or `fallback` when it has none.
template <class M>
std::error_code machine_error(const M& m, std::error_code fallback) {
    const std::error_code ec = m.outcome().error;
    return ec ? ec : fallback;
}

// Answers a read_file / run_process action at once with `read` / `run` (errc::not_supported when
// there is none, or when the machine takes no such input). Returns false for other actions.
template <class M>
bool perform_local_io(M& machine, const action& a, const file_reader& read, const process_runner& run, time_point now) {
    if (a.kind == action_kind::read_file) {
        if constexpr (has_on_file<M>::value) machine.on_file(perform(*a.file, read), now);
        return true;
    }
    if (a.kind == action_kind::run_process) {
        if constexpr (has_on_process<M>::value) machine.on_process(perform(*a.process, run), now);
        return true;
    }
    return false;
}

} // namespace detail
} // namespace driver
APPCONFIGDATA_NAMESPACE_END
