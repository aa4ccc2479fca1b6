// Counts global operator new calls while `counting` is set (replacement operators in alloc_counter.cpp,
// a separate translation unit so the compiler never pairs an inlined new with free()).
// Under AddressSanitizer the operators are not replaced (ASan owns them) and `enabled` is false.
#pragma once

#include <atomic>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIGV4_TEST_ASAN 1 // ASan / TSan own operator new: no replacement here
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIGV4_TEST_ASAN 1
#endif
#endif

namespace sigv4_test {
#ifdef SIGV4_TEST_ASAN
inline constexpr bool alloc_counting_enabled = false;
#else
inline constexpr bool alloc_counting_enabled = true;
#endif
extern std::atomic<bool> counting;
extern std::atomic<long> allocations;
} // namespace sigv4_test
