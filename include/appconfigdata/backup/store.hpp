// Where last-known-good backups live: a small load / save interface, so a session or driver can
// keep one without knowing whether it goes to a file (adapters/file_backup_store.hpp), memory
// (memory_store below, for tests and for programs that only want the in-process copy) or
// something the user writes (an encrypted store, a key-value database).
#pragma once

#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace backup {

class store {
public:
    virtual ~store() = default;

    // Reads the backup into `out`. Returns {} or errc::backup_not_found (nothing saved yet),
    // errc::backup_corrupt / errc::backup_truncated / errc::backup_foreign / errc::limit_exceeded
    // (there is something, but it is not a usable backup of this configuration: it is reported,
    // never deleted), errc::io_failed. `out` is untouched on error; diag says what was wrong.
    virtual std::error_code load(record& out, diagnostics& diag) = 0;

    // Replaces the backup with `r`, all or nothing: on any error the previous backup is still
    // there and still loads. Returns {} or errc::limit_exceeded / errc::backup_foreign (the
    // store holds another configuration's backup and refuses to overwrite it) /
    // errc::io_failed.
    virtual std::error_code save(const record& r, diagnostics& diag) = 0;

    // Convenience overloads without diagnostics.
    std::error_code load(record& out) {
        diagnostics diag;
        return load(out, diag);
    }
    std::error_code save(const record& r) {
        diagnostics diag;
        return save(r, diag);
    }

protected:
    store() = default;
    store(const store&) = default;
    store& operator=(const store&) = default;
};

// A store in memory. Not thread-safe (one thread at a time, like every store).
class memory_store final : public store {
public:
    using store::load;
    using store::save;

    // Returns the held record, or errc::backup_not_found.
    std::error_code load(record& out, diagnostics& diag) override {
        diag.clear();
        if (!held_) {
            diag.message = "no backup saved";
            return errc::backup_not_found;
        }
        out = *held_;
        return {};
    }

    // Holds a copy of `r`; never fails.
    std::error_code save(const record& r, diagnostics& diag) override {
        diag.clear();
        held_ = r;
        ++saves_;
        return {};
    }

    bool empty() const noexcept { return !held_.has_value(); }
    std::size_t saves() const noexcept { return saves_; } // how many times save() succeeded

private:
    std::optional<record> held_;
    std::size_t saves_ = 0;
};

} // namespace backup
APPCONFIGDATA_NAMESPACE_END
