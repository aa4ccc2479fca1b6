// Runs a credential_process command (Windows): the adapter behind `process_runner` (io.hpp). The same
// interface as the POSIX adapters/process_runner.hpp, so code switches by include:
//
//   provider_result r = credentials_from_process(command, adapters::make_process_runner(), account_id);
//
// - Through cmd.exe, as the AWS SDKs and the AWS CLI do on Windows, so that a .cmd/.bat tool and a bare
//   name found through PATH and PATHEXT run: `%SystemRoot%\System32\cmd.exe /D /V:OFF /S /C "<argv>"`
//   (/D: no AutoRun commands, /V:OFF: no delayed expansion). argv (already split by split_command_line)
//   is put back together with every element that holds a space or a cmd metacharacter (& | < > ^ ( ) , ; =)
//   in double quotes, so cmd takes it literally and the program sees exactly these elements
//   (CommandLineToArgvW rules); plain elements stay bare, so cmd built-ins work too. An element holding a
//   character cmd would still interpret inside quotes (`"`, `%`) or a line break is refused with
//   errc::invalid_argument: a config value can never inject shell syntax.
// - The child inherits the environment, the console and stdin (a tool may prompt for MFA); it inherits
//   no other handle of this process than its three standard ones.
// - stdout is captured up to request.max_stdout bytes; beyond that the rest is drained and discarded and
//   the outcome says stdout_too_large. stderr is drained and counted but never kept (it may hold secrets).
//   Both pipes are polled (PeekNamedPipe), so a child filling either never blocks; no thread is started.
// - After request.timeout the child and everything it started (one job object) are terminated; the
//   outcome says timed_out.
// - A program cmd cannot find is not a start error here: cmd exits with code 9009 ("not recognized"),
//   which the outcome reports as the exit code. A failure to start cmd.exe itself is an error code
//   (std::system_category, the GetLastError value).
#pragma once

#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {
namespace process_detail {

inline std::error_code last_error() { return std::error_code(static_cast<int>(::GetLastError()), std::system_category()); }

// One element of the command line: as it is when cmd and the child's CommandLineToArgvW both take it
// literally (no space, no cmd metacharacter), else in double quotes with the backslashes before the
// closing quote doubled. Bare elements keep cmd's built-ins and switches working (`type file`, `/c`).
// False for what cmd would interpret even inside quotes.
inline bool append_element(std::wstring& line, std::string_view element) {
    if (element.find_first_of(std::string_view("\"%\r\n\0", 5)) != std::string_view::npos) return false;
    std::wstring wide;
    if (!win32::to_wide(element, wide)) return false;
    if (!wide.empty() && wide.find_first_of(L" \t&|<>^(),;=!") == std::wstring::npos) {
        line += wide;
        return true;
    }
    line += L'"';
    line += wide;
    std::size_t trailing = 0;
    while (trailing < wide.size() && wide[wide.size() - 1 - trailing] == L'\\') ++trailing;
    line.append(trailing, L'\\');
    line += L'"';
    return true;
}

// `"<system>\cmd.exe" /D /V:OFF /S /C ""a" "b" ..."`; false when an element cannot be passed.
inline bool command_line(const std::vector<std::string>& argv, std::wstring& application, std::wstring& line) {
    wchar_t system[MAX_PATH + 1];
    const UINT n = ::GetSystemDirectoryW(system, MAX_PATH + 1);
    if (n == 0 || n > MAX_PATH) return false;
    application.assign(system, n);
    application += L"\\cmd.exe";
    line = L"\"" + application + L"\" /D /V:OFF /S /C \"";
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (i) line += L' ';
        if (!append_element(line, argv[i])) return false;
    }
    line += L'"';
    return true;
}

// An anonymous pipe whose write end the child inherits.
inline bool make_pipe(win32::handle& read_end, win32::handle& write_end) {
    HANDLE r = nullptr, w = nullptr;
    if (!::CreatePipe(&r, &w, nullptr, 0)) return false;
    read_end = win32::handle(r);
    write_end = win32::handle(w);
    return ::SetHandleInformation(w, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) != 0;
}

// This process's stdin as an inheritable handle, or the NUL device when there is none.
inline win32::handle inheritable_stdin() {
    HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    HANDLE dup = nullptr;
    if (in && in != INVALID_HANDLE_VALUE && ::DuplicateHandle(::GetCurrentProcess(), in, ::GetCurrentProcess(), &dup, 0, TRUE, DUPLICATE_SAME_ACCESS))
        return win32::handle(dup);
    SECURITY_ATTRIBUTES sa{};
    sa.nLength = sizeof sa;
    sa.bInheritHandle = TRUE;
    return win32::handle(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, nullptr));
}

// Reads what `pipe` holds now without blocking; `open` becomes false at its end.
template <class Sink>
inline bool drain(HANDLE pipe, bool& open, Sink&& sink) {
    DWORD available = 0;
    if (!::PeekNamedPipe(pipe, nullptr, 0, nullptr, &available, nullptr)) {
        open = false; // ERROR_BROKEN_PIPE: every writer has closed it
        return false;
    }
    if (available == 0) return false;
    char buffer[4096];
    DWORD got = 0;
    const DWORD want = available < sizeof buffer ? available : static_cast<DWORD>(sizeof buffer);
    if (!::ReadFile(pipe, buffer, want, &got, nullptr) || got == 0) {
        open = false;
        return false;
    }
    sink(buffer, static_cast<std::size_t>(got));
    return true;
}

} // namespace process_detail

// Runs `request` (see the top of the file). Returns an empty code when the process ran;
// errc::invalid_argument for an empty argv or an element that cannot be passed through cmd.exe;
// a std::system_category code when cmd.exe could not be started. Blocks for at most about
// request.timeout. Never throws except std::bad_alloc.
inline std::error_code run_process(const process_request& request, process_outcome& out) {
    using namespace process_detail;
    out = process_outcome{};
    if (request.argv.empty() || request.argv[0].empty()) return errc::invalid_argument;
    std::wstring application, line;
    if (!command_line(request.argv, application, line)) return errc::invalid_argument;

    win32::handle out_r, out_w, err_r, err_w;
    if (!make_pipe(out_r, out_w) || !make_pipe(err_r, err_w)) return last_error();
    win32::handle in = inheritable_stdin();

    // Only these handles are inherited, even when another thread starts a process at the same time.
    HANDLE inherit[3] = {out_w.get(), err_w.get(), in.get()};
    const DWORD inherit_count = in.valid() ? 3 : 2;
    SIZE_T attr_size = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
    std::vector<unsigned char> attr_storage(attr_size ? attr_size : 1);
    auto* attrs = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_storage.data());
    bool have_attrs = attr_size && ::InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size);
    if (have_attrs && !::UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit, inherit_count * sizeof(HANDLE),
                                                   nullptr, nullptr)) {
        ::DeleteProcThreadAttributeList(attrs);
        have_attrs = false;
    }

    STARTUPINFOEXW si{};
    si.StartupInfo.cb = have_attrs ? sizeof si : sizeof si.StartupInfo;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = in.get();
    si.StartupInfo.hStdOutput = out_w.get();
    si.StartupInfo.hStdError = err_w.get();
    if (have_attrs) si.lpAttributeList = attrs;

    win32::handle job(::CreateJobObjectW(nullptr, nullptr));
    PROCESS_INFORMATION pi{};
    const DWORD flags = CREATE_SUSPENDED | (have_attrs ? EXTENDED_STARTUPINFO_PRESENT : 0);
    const BOOL started = ::CreateProcessW(application.c_str(), &line[0], nullptr, nullptr, TRUE, flags, nullptr, nullptr,
                                          &si.StartupInfo, &pi);
    const std::error_code start_error = started ? std::error_code() : last_error();
    if (have_attrs) ::DeleteProcThreadAttributeList(attrs);
    if (!started) return start_error;
    win32::handle process(pi.hProcess), thread(pi.hThread);
    // In the job, everything cmd starts can be terminated together at the timeout (when the job
    // cannot be had, only cmd itself is).
    const bool in_job = job.valid() && ::AssignProcessToJobObject(job.get(), process.get());
    ::ResumeThread(thread.get());
    thread.reset();
    out_w.reset(); // the child has its copies; the pipes end when the child (and its children) close them
    err_w.reset();
    in.reset();

    using steady = std::chrono::steady_clock;
    const auto deadline = steady::now() + request.timeout;
    auto remaining_ms = [&]() -> DWORD {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
        return left <= 0 ? 0 : static_cast<DWORD>(left > 1000000 ? 1000000 : left);
    };

    bool out_open = true, err_open = true, child_exited = false;
    while (out_open || err_open) {
        bool progress = false;
        if (out_open)
            progress = drain(out_r.get(), out_open, [&](const char* data, std::size_t size) {
                           if (out.stdout_text.size() + size > request.max_stdout) out.stdout_too_large = true;
                           if (!out.stdout_too_large) out.stdout_text.append(data, size);
                       }) || progress;
        if (err_open) progress = drain(err_r.get(), err_open, [&](const char*, std::size_t size) { out.stderr_bytes += size; }) || progress;
        const DWORD wait = remaining_ms();
        if (wait == 0) break;
        if (progress) continue;
        const DWORD slice = wait < 5 ? wait : 5;
        if (child_exited)
            ::Sleep(slice); // a grandchild may still hold the pipes open
        else
            child_exited = ::WaitForSingleObject(process.get(), slice) == WAIT_OBJECT_0;
    }
    if (out.stdout_too_large) out.stdout_text.clear();

    if (::WaitForSingleObject(process.get(), remaining_ms()) != WAIT_OBJECT_0) {
        if (!in_job || !::TerminateJobObject(job.get(), 1)) ::TerminateProcess(process.get(), 1);
        ::WaitForSingleObject(process.get(), 10000);
        out.timed_out = true;
        out.exited = false;
        out.exit_code = -1;
        out.stdout_text.clear();
        return {};
    }
    DWORD code = 0;
    if (!::GetExitCodeProcess(process.get(), &code)) return last_error();
    out.exited = true;
    out.exit_code = static_cast<int>(code);
    return {};
}

// A process_runner (io.hpp) over run_process.
inline process_runner make_process_runner() {
    return [](const process_request& request, process_outcome& outcome) -> std::error_code { return run_process(request, outcome); };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
