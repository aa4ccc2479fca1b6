// A seed from the platform's entropy for session_options::jitter_seed (POSIX: /dev/urandom).
//
//   config.options.jitter_seed = adapters::system_random_seed();
//
// The core draws no randomness; this is how a program gives each host its own jitter, so a fleet
// does not poll in lockstep. Never throws. Should /dev/urandom be unreadable (a sandbox without
// /dev), the seed falls back to a mix of the wall clock, the process id and an address, and
// `ok` (when given) is set to false.
#pragma once

#include <appconfigdata/version.hpp>

#if !defined(__unix__) && !defined(__APPLE__)
#error "appconfigdata/adapters/system_random.hpp needs POSIX (/dev/urandom); on Windows use appconfigdata_windows.hpp"
#endif

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

inline std::uint64_t system_random_seed(bool* ok = nullptr) noexcept {
    std::uint64_t seed = 0;
    unsigned char bytes[sizeof seed];
    std::size_t got = 0;
    const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        while (got < sizeof bytes) {
            const ssize_t n = ::read(fd, bytes + got, sizeof bytes - got);
            if (n > 0) got += static_cast<std::size_t>(n);
            else if (n < 0 && errno == EINTR) continue;
            else break;
        }
        ::close(fd);
    }
    if (ok) *ok = got == sizeof bytes;
    if (got == sizeof bytes) {
        std::memcpy(&seed, bytes, sizeof seed);
        return seed;
    }
    // Fallback (documented above): not entropy, but different per host and process.
    const auto now = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    seed = now ^ (static_cast<std::uint64_t>(::getpid()) << 32) ^ static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&seed));
    seed ^= seed >> 31;
    seed *= 0x9E3779B97F4A7C15ull;
    return seed ^ (seed >> 29);
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
