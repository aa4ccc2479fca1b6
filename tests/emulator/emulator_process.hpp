// Test fixture: runs appconfigdata-emulator as a child process on a free loopback port and stops it.
//
//   test_support::emulator_process emu({"--config-dir", dir, "--poll-interval", "1"});
//   emu.url()   -> "http://127.0.0.1:PORT" (from the emulator's first stdout line)
//   emu.port()  -> PORT
//   emu.stop()  -> SIGTERM, wait; returns the exit status (0 for a clean stop)
//
// The binary: $APPCONFIGDATA_EMULATOR, else $APPCONFIGDATA_BUILD_ROOT/tools/appconfigdata-emulator.
// "--port 0" is added unless the arguments name a port. POSIX only. Throws std::runtime_error when
// the emulator cannot be started or prints no `listening on` line within 10 s.
#pragma once

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace test_support {

class emulator_process {
public:
    static std::string binary_path() {
        if (const char* p = std::getenv("APPCONFIGDATA_EMULATOR"); p && *p) return p;
        if (const char* b = std::getenv("APPCONFIGDATA_BUILD_ROOT"); b && *b) return std::string(b) + "/tools/appconfigdata-emulator";
        return "tools/appconfigdata-emulator";
    }

    explicit emulator_process(std::vector<std::string> args, std::string binary = binary_path()) {
        bool has_port = false;
        for (const auto& a : args) has_port = has_port || a == "--port" || a.rfind("--port=", 0) == 0;
        if (!has_port) {
            args.push_back("--port");
            args.push_back("0");
        }
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("emulator_process: pipe failed");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("emulator_process: fork failed");
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> argv;
            argv.push_back(binary.data());
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(binary.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = fds[0];
        std::string line;
        if (!read_line(line, 10000) || line.rfind("listening on ", 0) != 0) {
            stop();
            throw std::runtime_error("emulator_process: " + binary + " did not start (first line: '" + line + "')");
        }
        url_ = line.substr(13);
        port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
    }

    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;
    ~emulator_process() { stop(); }

    const std::string& url() const { return url_; }
    int port() const { return port_; }
    pid_t pid() const { return pid_; }

    // SIGTERM and wait (SIGKILL after 10 s). Returns the exit status, or -1 when killed by a signal.
    int stop() {
        if (pid_ <= 0) return status_;
        ::kill(pid_, SIGTERM);
        int st = 0;
        for (int i = 0; i < 1000; ++i) {
            const pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) break;
            if (i == 999) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &st, 0);
            }
            ::usleep(10000);
        }
        pid_ = -1;
        if (out_ >= 0) ::close(out_);
        out_ = -1;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return status_;
    }

private:
    bool read_line(std::string& line, int timeout_ms) {
        char c = 0;
        while (true) {
            pollfd p{out_, POLLIN, 0};
            const int r = ::poll(&p, 1, timeout_ms);
            if (r <= 0) return false;
            const ssize_t n = ::read(out_, &c, 1);
            if (n <= 0) return false;
            if (c == '\n') return true;
            line.push_back(c);
        }
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int status_ = -1;
    std::string url_;
    int port_ = 0;
};

} // namespace test_support
