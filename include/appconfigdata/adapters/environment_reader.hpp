// The process environment as an `environment_lookup` (provider.hpp), read with std::getenv at each call.
//
//   auto env = adapters::system_environment();
//   auto creds = credentials_from_environment(env);
//
// std::getenv is not safe against a concurrent setenv/putenv in another thread; call it where the program
// does not modify its environment at the same time (or snapshot the variables you need into
// environment_from_map).
#pragma once

#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/version.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

// The value of environment variable `name`, or nullopt when unset. Never throws except std::bad_alloc.
inline std::optional<std::string> getenv_value(std::string_view name) {
    const std::string n(name);
    if (n.empty() || n.find('\0') != std::string::npos || n.find('=') != std::string::npos) return std::nullopt;
    const char* v = std::getenv(n.c_str()); // NOLINT(concurrency-mt-unsafe): documented above
    if (!v) return std::nullopt;
    return std::string(v);
}

// An environment_lookup over the live process environment.
inline environment_lookup system_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        return getenv_value(name);
    };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
