// Counts heap allocations in the benchmark binary. alloc_counter.cpp replaces the global operator
// new (in its own translation unit, so the compiler never sees a malloc/delete pair to "fix").
#pragma once

#include <atomic>
#include <cstddef>

namespace bench {
extern std::atomic<std::size_t> allocation_count;
} // namespace bench
