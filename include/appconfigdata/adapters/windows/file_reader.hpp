// Reads a whole file into a string, with a size limit (Windows): the adapter behind `file_reader`
// (io.hpp) for the shared config/credentials files, token files and the SSO cache. The same interface
// as the POSIX adapters/file_reader.hpp, so code switches by include:
//
//   auto read = adapters::make_file_reader();          // limit: default_limits.max_profile_file
//   std::string text;
//   std::error_code ec = read("C:/Users/me/.aws/config", text);
//
// The path is UTF-8 (converted to UTF-16 for CreateFileW; '/' and '\' both work). The file is opened
// for reading with every sharing mode, so a writer or a rename elsewhere is not blocked.
// Errors, as the POSIX reader gives them: errc::file_not_found (no such file, no such directory, an
// invalid name or a path that is not UTF-8: callers of the shared files treat it as an empty file),
// errc::limit_exceeded (larger than the limit; nothing beyond limit + 1 bytes is read), errc::io_failed
// (exists but cannot be read: access denied, a directory, a read error). Devices and pipes are read
// like files with the limit enforced while reading (AWS_CONFIG_FILE=NUL means "no config file").
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/version.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

// Reads `path` into `contents` (replaced; left empty on error). See the top of the file for the errors;
// *diag (when given) names the path and the system's reason. Never throws except std::bad_alloc.
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
    std::wstring wide;
    if (p.empty() || !win32::to_wide(p, wide)) return fail(errc::file_not_found, "empty or invalid path");

    win32::handle file(::CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                     OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_INVALID_NAME || err == ERROR_BAD_PATHNAME ||
            err == ERROR_INVALID_DRIVE || err == ERROR_BAD_NETPATH || err == ERROR_DIRECTORY)
            return fail(errc::file_not_found, win32::error_text(err));
        return fail(errc::io_failed, win32::error_text(err)); // access denied (a directory says this too), sharing violation, ...
    }
    const DWORD type = ::GetFileType(file.get());
    if (type == FILE_TYPE_DISK) {
        BY_HANDLE_FILE_INFORMATION info{};
        if (::GetFileInformationByHandle(file.get(), &info) && (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
            return fail(errc::io_failed, "not a regular file");
        LARGE_INTEGER size{};
        if (!::GetFileSizeEx(file.get(), &size)) return fail(errc::io_failed, win32::error_text(::GetLastError()));
        if (static_cast<unsigned long long>(size.QuadPart) > max_size)
            return fail(errc::limit_exceeded,
                        std::to_string(size.QuadPart) + " bytes, more than the limit of " + std::to_string(max_size));
    }

    std::string out;
    char buffer[8192];
    for (;;) {
        DWORD got = 0;
        if (!::ReadFile(file.get(), buffer, static_cast<DWORD>(sizeof buffer), &got, nullptr)) {
            const DWORD err = ::GetLastError();
            if (err == ERROR_BROKEN_PIPE || err == ERROR_HANDLE_EOF) break; // the writer of a pipe is gone: the end
            return fail(errc::io_failed, "read error: " + win32::error_text(err));
        }
        if (got == 0) break;
        if (out.size() + got > max_size) return fail(errc::limit_exceeded, "more than the limit of " + std::to_string(max_size) + " bytes");
        out.append(buffer, got);
    }
    contents = std::move(out);
    return {};
}

// A file_reader (io.hpp) over read_file with the given limit.
inline file_reader make_file_reader(std::size_t max_size = default_limits.max_profile_file) {
    return [max_size](std::string_view path, std::string& contents) -> std::error_code { return read_file(path, contents, max_size); };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
