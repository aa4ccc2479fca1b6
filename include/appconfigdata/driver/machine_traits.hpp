// What the drivers need to know about a machine beyond action.hpp's three calls: whether it takes
// credentials, has events, or reports an error. Detected at compile time, so one driver serves the
// configuration session and the credential providers alike.
#pragma once

#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <system_error>
#include <type_traits>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {
namespace detail {

template <class M, class = void>
struct has_set_credentials : std::false_type {};
template <class M>
struct has_set_credentials<M, std::void_t<decltype(std::declval<M&>().set_credentials(std::declval<const credentials&>()))>>
    : std::true_type {};

template <class M, class = void>
struct has_poll_event : std::false_type {};
template <class M>
struct has_poll_event<M, std::void_t<decltype(std::declval<M&>().poll_event())>> : std::true_type {};

template <class M, class = void>
struct has_last_error : std::false_type {};
template <class M>
struct has_last_error<M, std::enable_if_t<std::is_convertible_v<decltype(std::declval<const M&>().last_error()), std::error_code>>>
    : std::true_type {};

// The machine's error when it answered `failed`, or `fallback` when it cannot say.
template <class M>
std::error_code machine_error(const M& m, std::error_code fallback) {
    if constexpr (has_last_error<M>::value) {
        std::error_code ec = m.last_error();
        return ec ? ec : fallback;
    } else {
        (void)m;
        return fallback;
    }
}

} // namespace detail
} // namespace driver
APPCONFIGDATA_NAMESPACE_END
