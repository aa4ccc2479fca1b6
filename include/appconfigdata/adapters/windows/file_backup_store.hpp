// A last-known-good backup kept in one file (Windows). The same interface, semantics and on-disk format
// as the POSIX adapters/file_backup_store.hpp (backup/format.hpp), so a backup written on one system
// loads on the other and code switches by include:
//
//   adapters::file_backup_store store("C:/ProgramData/app/config.backup", {"app", "prod", "flags"});
//   backup::record r;
//   if (!store.load(r)) use(r.content);          // serve the backup
//   store.save(newer);                            // after a real change
//
// Writes are atomic: the record is written to a temporary file in the same directory
// ("<name>.tmp-<pid>-<n>", created new, never shared), flushed with FlushFileBuffers, read back and
// checked, then moved over the backup with MoveFileExW(MOVEFILE_REPLACE_EXISTING |
// MOVEFILE_WRITE_THROUGH). A crash at any point leaves either the old backup or the new one, never a
// partial file; at worst a stale temporary file stays behind (load ignores it). load tells a missing,
// truncated, corrupt or another configuration's (foreign) backup apart and never deletes or rewrites
// any of them; save refuses to replace a valid backup of another configuration. The file gets the
// directory's inherited permissions (keep the backup in a directory only the application can read:
// configurations can be sensitive). Paths are UTF-8.
//
// The checksum uses a crypto provider (crypto/crypto.hpp); file_backup_store uses cng_crypto. The
// object serialises its own calls with a mutex; two processes saving to one path at once each write
// their own temporary file and the last move wins (both results are whole backups).
#pragma once

#include <appconfigdata/adapters/windows/cng_crypto.hpp>
#include <appconfigdata/adapters/windows/win32.hpp>
#include <appconfigdata/backup/format.hpp>
#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/backup/store.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace adapters {

namespace file_backup_detail {

inline std::error_code io_error(diagnostics& diag, const std::string& what, const std::string& path, DWORD err) {
    diag.message = what + " '" + path + "': " + win32::error_text(err);
    return errc::io_failed;
}

} // namespace file_backup_detail

// Test hook: where a save stops early, to simulate a crash (power cut) at that step.
enum class save_stop { none, after_temp_write, after_temp_fsync };

// The crypto backend defaults to CNG (always there on Windows): `file_backup_store store(path, id);`.
template <class Crypto = cng_crypto>
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
        if (auto ec = read_path(path_, bytes, diag)) return ec;
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
        using file_backup_detail::io_error;
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
            if (!read_path(path_, existing, ignored)) {
                backup::record old;
                if (!backup::decode(existing, crypto_, old, ignored, limits_) && !r.identity.empty() && old.identity != r.identity) {
                    std::ostringstream os;
                    os << "refusing to overwrite '" << path_ << "': it holds a valid backup of " << old.identity << ", not " << r.identity;
                    diag.message = os.str();
                    return errc::backup_foreign;
                }
            }
        }

        std::wstring wide_path;
        if (path_.empty() || !win32::to_wide(path_, wide_path)) {
            diag.message = "backup path '" + path_ + "' is empty or not valid UTF-8";
            return errc::io_failed;
        }
        const std::string temp = path_ + ".tmp-" + std::to_string(static_cast<unsigned long>(::GetCurrentProcessId())) + "-" +
                                 std::to_string(++counter_);
        std::wstring wide_temp;
        win32::to_wide(temp, wide_temp); // ASCII added to a path that converted
        win32::handle file(::CreateFileW(wide_temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
        if (!file.valid()) return io_error(diag, "cannot create temporary backup file", temp, ::GetLastError());
        bool keep_temp = false;
        auto cleanup = [&] {
            file.reset();
            if (!keep_temp) ::DeleteFileW(wide_temp.c_str());
        };

        std::size_t written = 0;
        while (written < bytes.size()) {
            const std::size_t left = bytes.size() - written;
            const DWORD chunk = static_cast<DWORD>(left > 0x10000000u ? 0x10000000u : left);
            DWORD n = 0;
            if (!::WriteFile(file.get(), bytes.data() + written, chunk, &n, nullptr)) {
                const DWORD err = ::GetLastError();
                cleanup();
                return io_error(diag, "cannot write temporary backup file", temp, err);
            }
            written += n;
        }
        if (stop == save_stop::after_temp_write) {
            keep_temp = true;
            cleanup();
            return {};
        }
        if (!::FlushFileBuffers(file.get())) {
            const DWORD err = ::GetLastError();
            cleanup();
            return io_error(diag, "cannot flush temporary backup file", temp, err);
        }
        if (!file.reset()) {
            const DWORD err = ::GetLastError();
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

        if (!::MoveFileExW(wide_temp.c_str(), wide_path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
            const DWORD err = ::GetLastError();
            cleanup();
            return io_error(diag, "cannot move the temporary backup file onto", path_, err);
        }
        return {}; // the temporary file is the backup now
    }

    // The record as a load would see it (saved_at kept to the millisecond).
    static backup::record decoded_form(const backup::record& r) {
        backup::record d = r;
        d.saved_at = std::chrono::floor<std::chrono::milliseconds>(r.saved_at);
        return d;
    }

    std::error_code read_path(const std::string& path, std::string& out, diagnostics& diag) {
        using file_backup_detail::io_error;
        std::wstring wide;
        if (path.empty() || !win32::to_wide(path, wide)) {
            diag.message = "backup path '" + path + "' is empty or not valid UTF-8";
            return errc::io_failed;
        }
        // Every sharing mode: a save in another process can move its file over this one meanwhile.
        win32::handle file(::CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
        if (!file.valid()) {
            const DWORD err = ::GetLastError();
            if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
                diag.message = "no backup file '" + path + "'";
                return errc::backup_not_found;
            }
            return io_error(diag, "cannot open backup file", path, err);
        }
        BY_HANDLE_FILE_INFORMATION info{};
        if (!::GetFileInformationByHandle(file.get(), &info)) return io_error(diag, "cannot stat backup file", path, ::GetLastError());
        if (::GetFileType(file.get()) != FILE_TYPE_DISK || (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            diag.message = "backup path '" + path + "' is not a regular file";
            return errc::io_failed;
        }
        const unsigned long long size = (static_cast<unsigned long long>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
        const std::size_t max_file = limits_.max_header + limits_.max_content + 128;
        if (size > max_file) {
            diag.message = "backup file '" + path + "' is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max_file);
            return errc::limit_exceeded;
        }
        std::string bytes;
        bytes.resize(static_cast<std::size_t>(size));
        std::size_t got = 0;
        while (true) {
            if (got == bytes.size()) bytes.resize(bytes.size() + 4096); // the file may have grown
            const std::size_t room = bytes.size() - got;
            DWORD n = 0;
            if (!::ReadFile(file.get(), &bytes[got], static_cast<DWORD>(room > 0x10000000u ? 0x10000000u : room), &n, nullptr))
                return io_error(diag, "cannot read backup file", path, ::GetLastError());
            if (n == 0) break;
            got += n;
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
