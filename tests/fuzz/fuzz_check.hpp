// Shared checks for the fuzz targets: a failed invariant aborts with a message (libFuzzer and the
// replay driver both report it), so every target checks properties, not only "no crash".
#pragma once

#include <appconfigdata/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>
#include <system_error>

namespace fuzz {

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    std::abort();
}

inline void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

// `ec` is one of the library's typed errors and one of `allowed`.
inline void check_typed(std::error_code ec, std::initializer_list<appconfigdata::errc> allowed, const char* what) {
    check(ec.category() == appconfigdata::error_category(), what);
    for (auto e : allowed)
        if (ec == e) return;
    fail(what);
}

inline bool contains(std::string_view hay, std::string_view needle) { return !needle.empty() && hay.find(needle) != std::string_view::npos; }

} // namespace fuzz
