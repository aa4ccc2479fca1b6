// The one helper for reading a string member of a Boost.JSON object, used by the protocol parsers,
// the service error reader and the credential providers' documents. Not public API.
#pragma once

#include <appconfigdata/version.hpp>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace protocol {
namespace detail {

// The text of a JSON string, as a view into it.
inline std::string_view view(const boost::json::string& s) noexcept { return std::string_view(s.data(), s.size()); }

// The string member `key` of `o`, or nullptr when it is missing or not a string.
inline const boost::json::string* find_string(const boost::json::object& o, std::string_view key) noexcept {
    const boost::json::value* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
}

// The text of the string member `key`, or "" when it is missing or not a string.
inline std::string_view json_string(const boost::json::object& o, std::string_view key) noexcept {
    const boost::json::string* s = find_string(o, key);
    return s ? view(*s) : std::string_view();
}

} // namespace detail
} // namespace protocol
APPCONFIGDATA_NAMESPACE_END
