// Time aliases. Nothing in the core ever asks a clock for the time: callers pass `now`.
#pragma once

#include <appconfigdata/version.hpp>

#include <chrono>

APPCONFIGDATA_NAMESPACE_BEGIN

using clock_type = std::chrono::system_clock;
using time_point = clock_type::time_point;
using duration = clock_type::duration;
using seconds = std::chrono::seconds;
using milliseconds = std::chrono::milliseconds;

APPCONFIGDATA_NAMESPACE_END
