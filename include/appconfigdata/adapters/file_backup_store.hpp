// A last-known-good backup kept in one file (POSIX).
//
//   adapters::file_backup_store<adapters::botan_crypto> store("/var/cache/app/config.backup", {"app", "prod", "flags"});
//   backup::record r;
//   if (!store.load(r)) use(r.content);          // serve the backup
//   store.save(newer);                            // after a real change
//
// Writes are atomic: the record is written to a temporary file in the same directory
// ("<name>.tmp-<pid>-<n>"), flushed with fsync, read back and checked, renamed over the backup,
// and the directory is fsynced. A power cut at any point leaves either the old backup or the new
// one, never a mix; at worst a stale temporary file stays behind (load ignores it). The file carries a SHA-256 of its header and content (backup/format.hpp), so
// load tells a missing, truncated, corrupt or another configuration's (foreign) backup apart,
// and never deletes or rewrites any of them. save refuses to replace a valid backup of another
// configuration. Files are created with mode 0600: configurations can be sensitive.
//
// The checksum uses the crypto backend given as the template argument (crypto/crypto.hpp). The
// object serialises its own calls with a mutex; two processes saving to one path at once each
// write their own temporary file and the last rename wins (both results are whole backups).
#pragma once

#include <appconfigdata/backup/format.hpp>
#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/backup/store.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#if !defined(__unix__) && !defined(__APPLE__)
#error "appconfigdata/adapters/file_backup_store.hpp needs POSIX (open, fsync, rename)"
#endif

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

namespace file_backup_detail {

// Closes a file descriptor on scope exit.
class fd_guard {
public:
    explicit fd_guard(int fd) noexcept : fd_(fd) {}
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() { close(); }
    int get() const noexcept { return fd_; }
    int close() noexcept {
        int rc = 0;
        if (fd_ >= 0) rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

inline std::error_code io_error(diagnostics& diag, const std::string& what, const std::string& path, int err) {
    diag.message = what + " '" + path + "': " + std::strerror(err);
    return errc::io_failed;
}

inline std::string directory_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

} // namespace file_backup_detail

// Test hook: where a save stops early, to simulate a crash (power cut) at that step.
enum class save_stop { none, after_temp_write, after_temp_fsync };

template <class Crypto>
class file_backup_store final : public backup::store {
public:
    using backup::store::load;
    using backup::store::save;

    // A store for the backup at `path` of the configuration `expected` (empty: accept any
    // identity, e.g. for a tool that only reads). Does no I/O. `crypto` computes the checksum.
    explicit file_backup_store(std::string path, backup::identity expected = {}, backup::backup_limits limits = {},
                               Crypto crypto = Crypto())
        : path_(std::move(path)), expected_(std::move(expected)), limits_(limits), crypto_(std::move(crypto)) {}

    const std::string& path() const noexcept { return path_; }
    const backup::identity& expected_identity() const noexcept { return expected_; }

    // Reads and checks the backup. Returns {} or errc::backup_not_found (no file),
    // errc::backup_truncated, errc::backup_corrupt, errc::backup_foreign, errc::limit_exceeded,
    // errc::io_failed; the file is never changed or removed. `out` is untouched on error.
    std::error_code load(backup::record& out, diagnostics& diag) override {
        std::lock_guard<std::mutex> lock(mutex_);
        diag.clear();
        std::string bytes;
        if (auto ec = read_file(bytes, diag)) return ec;
        backup::record r;
        if (auto ec = backup::decode(bytes, crypto_, r, diag, limits_)) {
            diag.message += " ('" + path_ + "')";
            return ec;
        }
        if (auto ec = backup::check_identity(r, expected_, diag)) {
            diag.message += " ('" + path_ + "')";
            return ec;
        }
        out = std::move(r);
        return {};
    }

    // Replaces the backup with `r` atomically (see the top of this file). Returns {} or
    // errc::limit_exceeded (nothing written), errc::backup_foreign (`r` is not of the expected
    // configuration, or the file holds a valid backup of another one: it is kept),
    // errc::io_failed (the old backup is untouched).
    std::error_code save(const backup::record& r, diagnostics& diag) override { return save_impl(r, diag, save_stop::none); }

    // save() that stops at `stop` as if the process died there (tests of crash safety only).
    std::error_code save_interrupted(const backup::record& r, diagnostics& diag, save_stop stop) { return save_impl(r, diag, stop); }

private:
    std::error_code save_impl(const backup::record& r, diagnostics& diag, save_stop stop) {
        using namespace file_backup_detail;
        std::lock_guard<std::mutex> lock(mutex_);
        diag.clear();
        if (auto ec = backup::check_identity(r, expected_, diag)) {
            diag.message = "refusing to save to '" + path_ + "': the record " + diag.message.substr(std::string_view("backup ").size());
            return ec;
        }
        std::string bytes;
        if (auto ec = backup::encode(r, crypto_, bytes, diag, limits_)) return ec;

        // Keep another configuration's valid backup: a shared path is a configuration mistake.
        {
            std::string existing;
            diagnostics ignored;
            if (!read_file(existing, ignored)) {
                backup::record old;
                if (!backup::decode(existing, crypto_, old, ignored, limits_) && !r.identity.empty() && old.identity != r.identity) {
                    std::ostringstream os;
                    os << "refusing to overwrite '" << path_ << "': it holds a valid backup of " << old.identity << ", not "
                       << r.identity;
                    diag.message = os.str();
                    return errc::backup_foreign;
                }
            }
        }

        const std::string temp = path_ + ".tmp-" + std::to_string(static_cast<long long>(::getpid())) + "-" + std::to_string(++counter_);
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return io_error(diag, "cannot create temporary backup file", temp, errno);
        fd_guard guard(fd);
        bool keep_temp = false;
        auto cleanup = [&] {
            guard.close();
            if (!keep_temp) ::unlink(temp.c_str());
        };

        std::size_t written = 0;
        while (written < bytes.size()) {
            const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
            if (n < 0) {
                if (errno == EINTR) continue;
                const int err = errno;
                cleanup();
                return io_error(diag, "cannot write temporary backup file", temp, err);
            }
            written += static_cast<std::size_t>(n);
        }
        if (stop == save_stop::after_temp_write) {
            keep_temp = true;
            cleanup();
            return {};
        }
        if (::fsync(fd) != 0) {
            const int err = errno;
            cleanup();
            return io_error(diag, "cannot fsync temporary backup file", temp, err);
        }
        if (guard.close() != 0) {
            const int err = errno;
            cleanup();
            return io_error(diag, "cannot close temporary backup file", temp, err);
        }
        if (stop == save_stop::after_temp_fsync) {
            keep_temp = true;
            cleanup();
            return {};
        }

        // Read the temporary file back: what replaces the backup must itself be a good backup.
        {
            std::string check;
            diagnostics check_diag;
            backup::record back;
            if (read_path(temp, check, check_diag) || backup::decode(check, crypto_, back, check_diag, limits_) || back != decoded_form(r)) {
                cleanup();
                diag.message = "temporary backup file '" + temp + "' did not read back intact; the old backup is kept";
                return errc::io_failed;
            }
        }

        if (::rename(temp.c_str(), path_.c_str()) != 0) {
            const int err = errno;
            cleanup();
            return io_error(diag, "cannot rename the temporary backup file onto", path_, err);
        }
        keep_temp = true; // it is the backup now
        const std::string dir = directory_of(path_);
        const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fd_guard dguard(dfd);
            // Some file systems cannot fsync a directory (EINVAL); only a real I/O error counts.
            if (::fsync(dfd) != 0 && errno == EIO) return io_error(diag, "cannot fsync the backup directory", dir, errno);
        }
        return {};
    }

    // The record as a load would see it (saved_at kept to the millisecond).
    static backup::record decoded_form(const backup::record& r) {
        backup::record d = r;
        d.saved_at = std::chrono::floor<std::chrono::milliseconds>(r.saved_at);
        return d;
    }

    std::error_code read_file(std::string& out, diagnostics& diag) { return read_path(path_, out, diag); }

    std::error_code read_path(const std::string& path, std::string& out, diagnostics& diag) {
        using namespace file_backup_detail;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            if (err == ENOENT) {
                diag.message = "no backup file '" + path + "'";
                return errc::backup_not_found;
            }
            return io_error(diag, "cannot open backup file", path, err);
        }
        fd_guard guard(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0) return io_error(diag, "cannot stat backup file", path, errno);
        if (!S_ISREG(st.st_mode)) {
            diag.message = "backup path '" + path + "' is not a regular file";
            return errc::io_failed;
        }
        const std::size_t max_file = limits_.max_header + limits_.max_content + 128;
        if (static_cast<unsigned long long>(st.st_size) > max_file) {
            diag.message = "backup file '" + path + "' is " + std::to_string(static_cast<long long>(st.st_size)) +
                           " bytes, over the limit of " + std::to_string(max_file);
            return errc::limit_exceeded;
        }
        std::string bytes;
        bytes.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (true) {
            if (got == bytes.size()) bytes.resize(bytes.size() + 4096); // the file may have grown
            const ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
            if (n < 0) {
                if (errno == EINTR) continue;
                return io_error(diag, "cannot read backup file", path, errno);
            }
            if (n == 0) break;
            got += static_cast<std::size_t>(n);
            if (got > max_file) {
                diag.message = "backup file '" + path + "' is over the limit of " + std::to_string(max_file) + " bytes";
                return errc::limit_exceeded;
            }
        }
        bytes.resize(got);
        out = std::move(bytes);
        return {};
    }

    std::string path_;
    backup::identity expected_;
    backup::backup_limits limits_;
    Crypto crypto_;
    std::mutex mutex_;
    unsigned long long counter_ = 0;
};

} // namespace adapters
APPCONFIGDATA_NAMESPACE_END
