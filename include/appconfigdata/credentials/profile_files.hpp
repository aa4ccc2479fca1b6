// Where the shared `config` and `credentials` files are, and which profile is selected: pure functions
// over an environment_lookup and a platform, so any environment (and Windows rules) can be tested anywhere.
//
//   home:        HOME; on Windows only, then USERPROFILE, then HOMEDRIVE + HOMEPATH
//   config:      AWS_CONFIG_FILE, else ~/.aws/config
//   credentials: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
//   profile:     an explicit name (--profile), else AWS_PROFILE, else "default"
// A leading "~" (alone, or followed by '/' or, on Windows, '\') is replaced by the home directory, in the
// defaults and in the two overrides. A file that does not exist reads as empty (see load_profile_set).
// Every variable is read with env_nonblank: trimmed, and a blank value counts as unset.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/credentials/environment.hpp>
#include <appconfigdata/credentials/profile.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class os_platform { posix, windows };

#if defined(_WIN32)
inline constexpr os_platform host_platform = os_platform::windows;
#else
inline constexpr os_platform host_platform = os_platform::posix;
#endif

// The path separator: backslash on Windows, '/' elsewhere.
inline constexpr char path_separator(os_platform p) noexcept { return p == os_platform::windows ? '\\' : '/'; }

struct profile_file_locations {
    std::string config;                  // path of the config file
    std::string credentials;             // path of the credentials file
    bool config_from_environment = false;      // AWS_CONFIG_FILE was set
    bool credentials_from_environment = false; // AWS_SHARED_CREDENTIALS_FILE was set

    friend bool operator==(const profile_file_locations& a, const profile_file_locations& b) {
        return a.config == b.config && a.credentials == b.credentials && a.config_from_environment == b.config_from_environment &&
               a.credentials_from_environment == b.credentials_from_environment;
    }
    friend bool operator!=(const profile_file_locations& a, const profile_file_locations& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const profile_file_locations& l) {
        return os << "profile_file_locations{config=" << l.config << ", credentials=" << l.credentials << "}";
    }
};

// The user's home directory, or nullopt when none of the variables is set (non-blank; values are
// trimmed, env_nonblank). Never throws except std::bad_alloc.
inline std::optional<std::string> home_directory(const environment_lookup& env, os_platform platform = host_platform) {
    if (auto home = env_nonblank(env, "HOME")) return home;
    if (platform == os_platform::windows) {
        if (auto profile_dir = env_nonblank(env, "USERPROFILE")) return profile_dir;
        auto drive = env_nonblank(env, "HOMEDRIVE");
        auto path = env_nonblank(env, "HOMEPATH");
        if (drive && path) return *drive + *path;
    }
    return std::nullopt;
}

// Replaces a leading "~" component with the home directory; other paths (and "~user/...") are returned
// unchanged, as is the whole path when no home directory is known. Never throws except std::bad_alloc.
inline std::string expand_home(std::string_view path, const environment_lookup& env, os_platform platform = host_platform) {
    const bool tilde = !path.empty() && path[0] == '~' &&
                       (path.size() == 1 || path[1] == '/' || (platform == os_platform::windows && path[1] == '\\'));
    if (!tilde) return std::string(path);
    auto home = home_directory(env, platform);
    if (!home) return std::string(path);
    std::string out = *home;
    if (path.size() > 1) {
        if (!out.empty() && (out.back() == '/' || out.back() == path_separator(platform))) out.pop_back();
        out += path_separator(platform);
        out.append(path.substr(2));
    }
    return out;
}

// Where the two files are. Never throws except std::bad_alloc.
inline profile_file_locations resolve_profile_file_locations(const environment_lookup& env, os_platform platform = host_platform) {
    const char sep = path_separator(platform);
    auto default_path = [&](const char* file) {
        std::string p = "~";
        p += sep;
        p += ".aws";
        p += sep;
        p += file;
        return expand_home(p, env, platform);
    };
    // The variable (non-blank, trimmed) when set, else ~/.aws/<file>.
    auto locate = [&](std::string_view variable, const char* file, std::string& path, bool& from_environment) {
        auto v = env_nonblank(env, variable);
        from_environment = v.has_value();
        path = v ? expand_home(*v, env, platform) : default_path(file);
    };
    profile_file_locations loc;
    locate("AWS_CONFIG_FILE", "config", loc.config, loc.config_from_environment);
    locate("AWS_SHARED_CREDENTIALS_FILE", "credentials", loc.credentials, loc.credentials_from_environment);
    return loc;
}

// The selected profile: `explicit_name` (e.g. --profile) when non-empty, else AWS_PROFILE when non-blank,
// else "default". Never throws except std::bad_alloc.
inline std::string select_profile_name(const environment_lookup& env, std::string_view explicit_name = {}) {
    if (!explicit_name.empty()) return std::string(explicit_name);
    if (auto p = env_nonblank(env, "AWS_PROFILE")) return *p;
    return "default";
}

// Whether an error from a file_reader means "the file does not exist" (read as an empty file).
inline bool is_file_not_found(std::error_code ec) noexcept {
    return ec == errc::file_not_found || ec == std::errc::no_such_file_or_directory;
}

// Parses what reading the two files gave (config first, the credentials file winning). A missing
// file (errc::file_not_found) reads as empty. Returns errc::profile_parse_error / errc::limit_exceeded
// from the parser, or the read's error (errc::io_failed, errc::limit_exceeded, errc::not_supported...)
// for a file that exists but cannot be read; *diag says which file (path) and why, never the file's
// contents. Never throws except std::bad_alloc.
inline std::error_code profile_set_from_files(const profile_file_locations& where, const file_result& config, const file_result& credentials,
                                              profile_set& out, diagnostics* diag = nullptr, const limits& lim = default_limits) {
    const file_result* results[2] = {&config, &credentials};
    const std::string* paths[2] = {&where.config, &where.credentials};
    for (int i = 0; i < 2; ++i) {
        const std::error_code ec = results[i]->error;
        if (!ec || is_file_not_found(ec)) continue;
        if (diag) {
            diag->clear();
            diag->error_type = "ProfileFileError";
            diag->message = "could not read " + *paths[i] + ": " + ec.message();
        }
        out = profile_set{};
        return ec;
    }
    auto text = [](const file_result& r) -> std::string_view { return r.error ? std::string_view() : std::string_view(r.contents); };
    diagnostics parse_diag;
    if (auto ec = parse_profile_files(text(config), text(credentials), out, &parse_diag, lim)) {
        if (diag) {
            *diag = parse_diag;
            diag->message = "could not parse profile file: " + parse_diag.message;
        }
        return ec;
    }
    return {};
}

// Reads both files through `read` at once and parses them (profile_set_from_files): for blocking
// programs and tests; the chains hand the reads out as actions instead. Never throws except std::bad_alloc.
inline std::error_code load_profile_set(const profile_file_locations& where, const file_reader& read, profile_set& out,
                                        diagnostics* diag = nullptr, const limits& lim = default_limits) {
    file_result config, credentials;
    if (read) {
        config.error = read(where.config, config.contents);
        credentials.error = read(where.credentials, credentials.contents);
    } else {
        config.error = credentials.error = errc::file_not_found;
    }
    return profile_set_from_files(where, config, credentials, out, diag, lim);
}

APPCONFIGDATA_NAMESPACE_END
