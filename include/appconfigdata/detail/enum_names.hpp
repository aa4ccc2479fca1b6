// Naming the values of an enum from a table, for the to_string functions:
//
//   inline const char* to_string(color c) noexcept {
//       constexpr const char* names[] = {"red", "green", "blue"};
//       return detail::enum_name<color::blue>(c, names);
//   }
//
// The enum's values are 0, 1, ... in declaration order (no explicit values) and `names` lists them in
// that order; the template argument is the last value, so a table with a name too many or too few does
// not compile. A value outside the table (a cast) reads as `other`.
#pragma once

#include <appconfigdata/version.hpp>

#include <cstddef>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {

template <auto Last, std::size_t N>
constexpr const char* enum_name(decltype(Last) value, const char* const (&names)[N], const char* other = "?") noexcept {
    static_assert(N == static_cast<std::size_t>(Last) + 1, "one name for each value of the enum, in declaration order");
    const auto i = static_cast<std::size_t>(value);
    return i < N ? names[i] : other;
}

} // namespace detail
APPCONFIGDATA_NAMESPACE_END
