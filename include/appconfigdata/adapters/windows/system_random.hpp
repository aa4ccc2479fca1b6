// A seed from the platform's entropy for session_options::jitter_seed (Windows: BCryptGenRandom with
// the system-preferred generator). The same function as the POSIX adapters/system_random.hpp:
//
//   config.options.jitter_seed = adapters::system_random_seed();
//
// Never throws. Should BCryptGenRandom fail, the seed falls back to a mix of the tick count, the
// process id and an address, and `ok` (when given) is set to false. Link with bcrypt.
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/version.hpp>

#include <bcrypt.h>

#include <cstdint>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

inline std::uint64_t system_random_seed(bool* ok = nullptr) noexcept {
    std::uint64_t seed = 0;
    const NTSTATUS status = ::BCryptGenRandom(nullptr, reinterpret_cast<PUCHAR>(&seed), sizeof seed, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    const bool good = status >= 0;
    if (ok) *ok = good;
    if (good) return seed;
    seed = static_cast<std::uint64_t>(::GetTickCount64()) ^ (static_cast<std::uint64_t>(::GetCurrentProcessId()) << 32) ^
           static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&seed));
    seed ^= seed >> 31;
    seed *= 0x9E3779B97F4A7C15ull;
    return seed ^ (seed >> 29);
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
