// The process environment as an `environment_lookup` (credentials/provider.hpp), read with
// GetEnvironmentVariableW at each call (Windows). The same interface as the POSIX
// adapters/environment_reader.hpp, so code switches by include:
//
//   auto env = adapters::system_environment();
//   auto creds = credentials_from_environment(env);
//
// Names and values are UTF-8 here and UTF-16 in the environment (Windows names are case-insensitive).
// Unlike std::getenv on Windows, this sees variables set with SetEnvironmentVariableW after start-up
// and values that are not in the ANSI code page.
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

// The value of environment variable `name`, or nullopt when unset (or when the name is empty, holds
// '=' or NUL, or is not UTF-8). Never throws except std::bad_alloc.
inline std::optional<std::string> getenv_value(std::string_view name) {
    if (name.empty() || name.find('=') != std::string_view::npos) return std::nullopt;
    std::wstring wname;
    if (!win32::to_wide(name, wname)) return std::nullopt;
    std::wstring value(256, L'\0');
    for (int attempt = 0; attempt < 4; ++attempt) { // the variable may grow between two calls
        ::SetLastError(ERROR_SUCCESS);
        const DWORD n = ::GetEnvironmentVariableW(wname.c_str(), &value[0], static_cast<DWORD>(value.size()));
        if (n == 0) {
            if (::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return std::nullopt;
            return std::string(); // set and empty
        }
        if (n < value.size()) { // n excludes the terminating NUL
            value.resize(n);
            std::string out;
            if (!win32::to_utf8(value, out)) return std::nullopt;
            return out;
        }
        value.assign(n, L'\0'); // n includes the NUL: room for the whole value
    }
    return std::nullopt;
}

// An environment_lookup over the live process environment.
inline environment_lookup system_environment() {
    return [](std::string_view name) -> std::optional<std::string> { return getenv_value(name); };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
