// Counts global operator new calls while `counting` is set (replacement operators in alloc_counter.cpp,
// a separate translation unit so the compiler never pairs an inlined new with free()).
#pragma once

#include <atomic>

namespace sigv4_test {
extern std::atomic<bool> counting;
extern std::atomic<long> allocations;
} // namespace sigv4_test
