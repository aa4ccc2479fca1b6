// Runs a credential_process command (POSIX): the adapter behind `process_runner` (credentials/process.hpp).
//
//   provider_result r = credentials_from_process(command, adapters::make_process_runner(), account_id);
//
// - No shell: argv (already split by split_command_line) goes to posix_spawnp, which searches PATH for a
//   bare program name. Pipes, redirections, variables and globs in the config value are not interpreted.
// - The child inherits the environment and stdin (a tool may prompt on the terminal for MFA).
// - stdout is captured up to request.max_stdout bytes; beyond that the rest is drained and discarded and
//   the outcome says stdout_too_large.
// - stderr is drained and counted but not kept: credential tools may print secrets there (AWS warns about
//   this), so no part of it can reach an error message or a log through this library.
// - After request.timeout the child is killed (SIGKILL) and reaped; the outcome says timed_out.
// - A program that cannot be started (not found, not executable) is an error code from the runner
//   (std::errc values from errno), not an outcome.
#pragma once

#include <appconfigdata/credentials/process.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#if !defined(__unix__) && !defined(__APPLE__)
#error "appconfigdata/adapters/process_runner.hpp needs POSIX (posix_spawnp, poll, waitpid)"
#endif

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ; // NOLINT: POSIX

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {
namespace process_detail {

struct fd_guard {
    int fd = -1;
    fd_guard() = default;
    explicit fd_guard(int f) : fd(f) {}
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() { reset(); }
    void reset() noexcept {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

inline bool make_cloexec_pipe(int fds[2]) noexcept {
    if (::pipe(fds) != 0) return false;
    for (int i = 0; i < 2; ++i) {
        const int flags = ::fcntl(fds[i], F_GETFD);
        if (flags < 0 || ::fcntl(fds[i], F_SETFD, flags | FD_CLOEXEC) != 0) {
            ::close(fds[0]);
            ::close(fds[1]);
            return false;
        }
    }
    return true;
}

inline void fill_status(int status, process_outcome& out) noexcept {
    if (WIFEXITED(status)) {
        out.exited = true;
        out.exit_code = WEXITSTATUS(status);
    } else {
        out.exited = false;
        out.exit_code = -1;
    }
}

} // namespace process_detail

// Runs `request` (see the top of the file). Returns an empty code when the process ran; the errno of
// posix_spawnp (e.g. std::errc::no_such_file_or_directory) when it could not start; errc::invalid_argument
// for an empty argv. Blocks for at most about request.timeout. Never throws except std::bad_alloc.
inline std::error_code run_process(const process_request& request, process_outcome& out) {
    out = process_outcome{};
    if (request.argv.empty() || request.argv[0].empty()) return errc::invalid_argument;
    for (const auto& a : request.argv)
        if (a.find('\0') != std::string::npos) return errc::invalid_argument;

    int out_pipe[2], err_pipe[2];
    if (!process_detail::make_cloexec_pipe(out_pipe)) return std::error_code(errno, std::system_category());
    process_detail::fd_guard out_r(out_pipe[0]), out_w(out_pipe[1]);
    if (!process_detail::make_cloexec_pipe(err_pipe)) return std::error_code(errno, std::system_category());
    process_detail::fd_guard err_r(err_pipe[0]), err_w(err_pipe[1]);

    posix_spawn_file_actions_t actions;
    if (int rc = ::posix_spawn_file_actions_init(&actions)) return std::error_code(rc, std::system_category());
    ::posix_spawn_file_actions_adddup2(&actions, out_w.fd, STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, err_w.fd, STDERR_FILENO);

    std::vector<char*> argv;
    argv.reserve(request.argv.size() + 1);
    for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str())); // NOLINT: the POSIX signature
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int spawn_rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    out_w.reset();
    err_w.reset();
    if (spawn_rc != 0) return std::error_code(spawn_rc, std::system_category());

    using steady = std::chrono::steady_clock;
    const auto deadline = steady::now() + request.timeout;
    auto remaining_ms = [&]() -> int {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
        return left <= 0 ? 0 : static_cast<int>(left > 1000000 ? 1000000 : left);
    };

    char buffer[4096];
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        pollfd fds[2];
        nfds_t n = 0;
        int out_index = -1, err_index = -1;
        if (out_open) {
            fds[n] = pollfd{out_r.fd, POLLIN, 0};
            out_index = static_cast<int>(n++);
        }
        if (err_open) {
            fds[n] = pollfd{err_r.fd, POLLIN, 0};
            err_index = static_cast<int>(n++);
        }
        const int wait = remaining_ms();
        if (wait == 0) break;
        const int rc = ::poll(fds, n, wait);
        if (rc < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (rc == 0) break; // timed out
        auto drain = [&](int index, bool is_stdout, bool& open) {
            if (index < 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR))) return;
            const ssize_t got = ::read(fds[index].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) return;
            if (got <= 0) {
                open = false;
                return;
            }
            const auto size = static_cast<std::size_t>(got);
            if (is_stdout) {
                if (out.stdout_text.size() + size > request.max_stdout) out.stdout_too_large = true;
                if (!out.stdout_too_large) out.stdout_text.append(buffer, size);
            } else {
                out.stderr_bytes += size;
            }
        };
        drain(out_index, true, out_open);
        drain(err_index, false, err_open);
    }
    if (out.stdout_too_large) out.stdout_text.clear();

    // Reap the child, killing it at the deadline.
    int status = 0;
    for (;;) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            process_detail::fill_status(status, out);
            return {};
        }
        if (w < 0 && errno != EINTR) return std::error_code(errno, std::system_category());
        if (remaining_ms() == 0) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            out.timed_out = true;
            out.exited = false;
            out.exit_code = -1;
            out.stdout_text.clear();
            return {};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// A process_runner over run_process.
inline process_runner make_process_runner() {
    return [](const process_request& request, process_outcome& outcome) -> std::error_code {
        return run_process(request, outcome);
    };
}

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
