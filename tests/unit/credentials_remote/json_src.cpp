// Boost.JSON's implementation, compiled once for this test executable.
#include <boost/json/src.hpp>
