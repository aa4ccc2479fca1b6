#include "alloc_counter.hpp"

#include <cstdlib>
#include <new>

namespace sigv4_test {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
} // namespace sigv4_test

#ifndef SIGV4_TEST_ASAN
void* operator new(std::size_t n) {
    if (sigv4_test::counting.load(std::memory_order_relaxed)) sigv4_test::allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
#if defined(__cpp_exceptions)
    throw std::bad_alloc();
#else
    std::abort(); // built without exceptions: allocation failure is the one thing that aborts
#endif
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif
