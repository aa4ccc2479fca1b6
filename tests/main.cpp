// Catch2's main for every test executable. Builds without exceptions too (-fno-exceptions: Catch2 is
// then configured with CATCH_CONFIG_DISABLE_EXCEPTIONS by tests/meson.build), where Boost asks the
// program for its throw handlers, as the README shows an application adds them.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <boost/throw_exception.hpp>

#if defined(BOOST_NO_EXCEPTIONS)
#include <cstdio>
#include <cstdlib>
namespace boost {
void throw_exception(const std::exception& e) {
    std::fprintf(stderr, "boost::throw_exception without exceptions: %s\n", e.what());
    std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) { throw_exception(e); }
} // namespace boost
#endif
