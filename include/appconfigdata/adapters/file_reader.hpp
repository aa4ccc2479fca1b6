// Reads a whole file into a string, with a size limit: the adapter behind `file_reader` (provider.hpp)
// for the shared config/credentials files, token files and the SSO cache.
//
//   auto read = adapters::make_file_reader();          // limit: default_limits.max_profile_file
//   std::string text;
//   std::error_code ec = read("/home/me/.aws/config", text);
//
// Errors: errc::file_not_found (no such file or directory: callers of the shared files treat it as an
// empty file), errc::limit_exceeded (larger than the limit; nothing beyond limit + 1 bytes is read),
// errc::io_failed (exists but cannot be read: permissions, a directory, a device or FIFO, a read error).
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/stat.h>
#endif

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

// Reads `path` into `contents` (replaced; left empty on error). See the top of the file for the errors;
// *diag (when given) names the path and the OS reason. Never throws except std::bad_alloc.
inline std::error_code read_file(std::string_view path, std::string& contents, std::size_t max_size = default_limits.max_profile_file,
                                 diagnostics* diag = nullptr) {
    contents.clear();
    const std::string p(path);
    auto fail = [&](errc e, const std::string& why) -> std::error_code {
        if (diag) {
            diag->clear();
            diag->message = "cannot read " + p + ": " + why;
        }
        return e;
    };
    if (p.empty() || p.find('\0') != std::string::npos) return fail(errc::file_not_found, "empty or invalid path");
#if defined(__unix__) || defined(__APPLE__)
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) return fail(errc::file_not_found, std::strerror(err));
        return fail(errc::io_failed, std::strerror(err));
    }
    // Character devices and pipes are read like files: AWS_CONFIG_FILE=/dev/null is a common way to
    // say "no config file", and <(...) gives a pipe. The size limit still holds while reading.
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) return fail(errc::io_failed, "not a regular file");
    if (S_ISREG(st.st_mode) && static_cast<unsigned long long>(st.st_size) > max_size)
        return fail(errc::limit_exceeded, std::to_string(st.st_size) + " bytes, more than the limit of " + std::to_string(max_size));
#endif
    errno = 0;
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (!f) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) return fail(errc::file_not_found, std::strerror(err));
        return fail(errc::io_failed, err ? std::strerror(err) : "cannot open");
    }
    std::string out;
    char buffer[8192];
    bool too_large = false;
    bool read_error = false;
    for (;;) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
        if (n > 0) {
            if (out.size() + n > max_size) {
                too_large = true;
                break;
            }
            out.append(buffer, n);
        }
        if (n < sizeof buffer) {
            read_error = std::ferror(f) != 0;
            break;
        }
    }
    std::fclose(f);
    if (too_large) return fail(errc::limit_exceeded, "more than the limit of " + std::to_string(max_size) + " bytes");
    if (read_error) return fail(errc::io_failed, "read error");
    contents = std::move(out);
    return {};
}

// A file_reader (provider.hpp) over read_file with the given limit.
inline file_reader make_file_reader(std::size_t max_size = default_limits.max_profile_file) {
    return [max_size](std::string_view path, std::string& contents) -> std::error_code {
        return read_file(path, contents, max_size);
    };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
