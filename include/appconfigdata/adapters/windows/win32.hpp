// The Windows headers the Windows adapters need, included with as little effect on the including code
// as possible, and the small helpers they share (UTF-8 <-> UTF-16, a handle owner, error text).
//
// <windows.h> is included with WIN32_LEAN_AND_MEAN and NOMINMAX, each defined only when the includer
// has not defined it already, and undefined again afterwards when it was defined here: a program that
// includes <windows.h> itself first keeps whatever it chose (then it should define NOMINMAX, or the
// min/max macros break std::min in any C++ code). This header and the other adapters/windows* headers
// are the only ones in the library that include a Windows header.
#pragma once

#include <appconfigdata/version.hpp>

#if !defined(_WIN32)
#error "appconfigdata/adapters/windows/*.hpp need Windows (MinGW-w64 or MSVC)"
#endif

#if !defined(WIN32_LEAN_AND_MEAN)
#define WIN32_LEAN_AND_MEAN
#define APPCONFIGDATA_DEFINED_WIN32_LEAN_AND_MEAN
#endif
#if !defined(NOMINMAX)
#define NOMINMAX
#define APPCONFIGDATA_DEFINED_NOMINMAX
#endif
#include <windows.h>
#if defined(APPCONFIGDATA_DEFINED_WIN32_LEAN_AND_MEAN)
#undef WIN32_LEAN_AND_MEAN
#undef APPCONFIGDATA_DEFINED_WIN32_LEAN_AND_MEAN
#endif
#if defined(APPCONFIGDATA_DEFINED_NOMINMAX)
#undef NOMINMAX
#undef APPCONFIGDATA_DEFINED_NOMINMAX
#endif

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {
namespace win32 {

// Owns a kernel HANDLE (CloseHandle on destruction). INVALID_HANDLE_VALUE and null both mean none.
class handle {
public:
    handle() noexcept = default;
    explicit handle(HANDLE h) noexcept : h_(h) {}
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    handle(handle&& o) noexcept : h_(o.release()) {}
    handle& operator=(handle&& o) noexcept {
        if (this != &o) {
            reset();
            h_ = o.release();
        }
        return *this;
    }
    ~handle() { reset(); }

    HANDLE get() const noexcept { return h_; }
    bool valid() const noexcept { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
    HANDLE release() noexcept {
        HANDLE h = h_;
        h_ = nullptr;
        return h;
    }
    // Closes the handle; false when CloseHandle failed (it is forgotten either way).
    bool reset() noexcept {
        bool ok = true;
        if (valid()) ok = ::CloseHandle(h_) != 0;
        h_ = nullptr;
        return ok;
    }

private:
    HANDLE h_ = nullptr;
};

// UTF-8 -> UTF-16. False for invalid UTF-8, an embedded NUL or a string too long for the API.
inline bool to_wide(std::string_view in, std::wstring& out) {
    out.clear();
    if (in.empty()) return true;
    if (in.find('\0') != std::string_view::npos || in.size() > static_cast<std::size_t>(INT_MAX)) return false;
    const int in_size = static_cast<int>(in.size());
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in.data(), in_size, nullptr, 0);
    if (n <= 0) return false;
    out.resize(static_cast<std::size_t>(n));
    if (::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in.data(), in_size, &out[0], n) != n) {
        out.clear();
        return false;
    }
    return true;
}

// UTF-16 -> UTF-8 (an unpaired surrogate becomes U+FFFD). False when the conversion fails.
inline bool to_utf8(std::wstring_view in, std::string& out) {
    out.clear();
    if (in.empty()) return true;
    if (in.size() > static_cast<std::size_t>(INT_MAX)) return false;
    const int in_size = static_cast<int>(in.size());
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, in.data(), in_size, nullptr, 0, nullptr, nullptr);
    if (n <= 0) return false;
    out.resize(static_cast<std::size_t>(n));
    if (::WideCharToMultiByte(CP_UTF8, 0, in.data(), in_size, &out[0], n, nullptr, nullptr) != n) {
        out.clear();
        return false;
    }
    return true;
}

// The system's text for a GetLastError() value, in UTF-8 and without the trailing newline, followed
// by the number: "The system cannot find the file specified. (Windows error 2)".
inline std::string error_text(DWORD error) {
    std::string text;
    wchar_t buffer[512];
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, error, 0, buffer,
                                     static_cast<DWORD>(sizeof buffer / sizeof buffer[0]), nullptr);
    if (n > 0 && to_utf8(std::wstring_view(buffer, n), text)) {
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) text.pop_back();
        text += ". ";
    }
    return text + "(Windows error " + std::to_string(error) + ")";
}

} // namespace win32
} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
