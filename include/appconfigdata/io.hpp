// Local I/O a machine may ask its driver for: read a file, run a process. The machines never do
// either themselves (they hand out action::read / action::run, action.hpp); the driver performs the
// request with whatever the platform offers and feeds the outcome back with on_file / on_process.
// A frame loop may answer frames later; a platform without processes answers errc::not_supported,
// and the machine reports a clear error (a chain moves on or stops, as it would for any failure).
//
// The function types below are what a blocking driver (and the adapters) use to perform them:
// adapters/file_reader.hpp and adapters/process_runner.hpp have implementations for POSIX.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN

// Read the whole file at `path`; more than `max_size` bytes is errc::limit_exceeded.
struct file_request {
    std::string path;
    std::size_t max_size = default_limits.max_profile_file;

    friend bool operator==(const file_request& a, const file_request& b) { return a.path == b.path && a.max_size == b.max_size; }
    friend std::ostream& operator<<(std::ostream& os, const file_request& r) { return os << "read " << r.path; }
};

// What reading gave: `error` empty and `contents` the file, or errc::file_not_found (no such file),
// errc::limit_exceeded, errc::io_failed (or a std::errc), errc::not_supported (no file system here).
struct file_result {
    std::error_code error;
    std::string contents;
};

// Run argv[0] (looked up in PATH when it has no '/') with the arguments, without a shell.
struct process_request {
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout{30000};                        // kill the child after this long
    std::size_t max_stdout = default_limits.max_credential_document; // stdout beyond this is an error

    friend bool operator==(const process_request& a, const process_request& b) {
        return a.argv == b.argv && a.timeout == b.timeout && a.max_stdout == b.max_stdout;
    }
    // Prints the program name and the argument count only (arguments may hold secrets).
    friend std::ostream& operator<<(std::ostream& os, const process_request& r) {
        os << "process_request{" << (r.argv.empty() ? std::string("<none>") : r.argv[0]) << ", " << (r.argv.empty() ? 0 : r.argv.size() - 1)
           << " args, timeout " << r.timeout.count() << "ms}";
        return os;
    }
};

// What happened to a process that ran (whatever its exit status).
struct process_outcome {
    bool exited = true;            // false: killed by a signal (or by the timeout)
    int exit_code = 0;             // when exited
    bool timed_out = false;        // the runner killed it after request.timeout
    bool stdout_too_large = false; // stdout exceeded request.max_stdout (the rest was discarded)
    std::string stdout_text;       // at most request.max_stdout bytes
    std::size_t stderr_bytes = 0;  // how much the child wrote to stderr (the text is not kept)

    friend bool operator==(const process_outcome& a, const process_outcome& b) {
        return a.exited == b.exited && a.exit_code == b.exit_code && a.timed_out == b.timed_out && a.stdout_too_large == b.stdout_too_large &&
               a.stdout_text == b.stdout_text && a.stderr_bytes == b.stderr_bytes;
    }
    // Prints sizes and status, never the output.
    friend std::ostream& operator<<(std::ostream& os, const process_outcome& o) {
        os << "process_outcome{" << (o.timed_out ? "timed out" : o.exited ? "exit " + std::to_string(o.exit_code) : std::string("killed"))
           << ", stdout " << o.stdout_text.size() << " bytes, stderr " << o.stderr_bytes << " bytes}";
        return os;
    }
};

// What running gave: `error` empty when the process ran (see `outcome`), else why it could not be
// started (a std::errc such as no_such_file_or_directory, or errc::not_supported: no processes here).
struct process_result {
    std::error_code error;
    process_outcome outcome;
};

// Reads a whole file into `contents` (errors as file_result). Must not throw.
using file_reader = std::function<std::error_code(std::string_view path, std::string& contents)>;

// Runs a process (see process_result for the contract). Must not throw.
using process_runner = std::function<std::error_code(const process_request& request, process_outcome& outcome)>;

// Performs `r` with `read` (errc::not_supported when there is none); enforces r.max_size.
inline file_result perform(const file_request& r, const file_reader& read) {
    file_result out;
    if (!read) {
        out.error = errc::not_supported;
        return out;
    }
    out.error = read(r.path, out.contents);
    if (!out.error && out.contents.size() > r.max_size) {
        out.contents.clear();
        out.error = errc::limit_exceeded;
    }
    if (out.error) out.contents.clear();
    return out;
}

// Performs `r` with `run` (errc::not_supported when there is none).
inline process_result perform(const process_request& r, const process_runner& run) {
    process_result out;
    if (!run) {
        out.error = errc::not_supported;
        return out;
    }
    out.error = run(r, out.outcome);
    return out;
}

APPCONFIGDATA_NAMESPACE_END
