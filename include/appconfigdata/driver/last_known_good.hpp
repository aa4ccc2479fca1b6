// Last-known-good backups around a configuration session, like the AppConfig Agent's
// BACKUP_DIRECTORY / PRELOAD_BACKUPS, in-process:
//
//   adapters::file_backup_store store(path, {app, env, profile});
//   driver::latest_holder holder;
//   driver::last_known_good lkg(store, holder, {app, env, profile}, driver::preload_policy::serve_until_service_answers);
//   lkg.load(diag);                          // at start-up: backup_not_found on the first run is normal
//   ... drive the session; for every event e:  lkg.on_event(e, diag);
//
// Policies:
// - serve_until_service_answers (the agent's default, PRELOAD_BACKUPS=true): the backup is
//   published to the holder at load(), so readers have a configuration before the first request
//   completes; the service's answer replaces it (and is no change when it is the same).
// - only_when_unreachable (PRELOAD_BACKUPS=false): the backup is published only when the
//   service cannot be reached before it delivered a first configuration: an `error` event, or a
//   `retrying` event for a transport failure or timeout. Call serve_backup() yourself for other
//   cases (e.g. the session answered action_kind::failed).
// Every `changed` event is published (source service) and saved to the store, so the next start
// has it. A backup that does not load (corrupt, truncated, foreign) is reported by load() and
// left alone; the next good configuration from the service replaces it.
//
// Not thread-safe: call it from the thread that drives the session (the holder is what other
// threads read). The store is called synchronously from on_event (a file store does file I/O).
#pragma once

#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/backup/store.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/driver/latest_holder.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/session/configuration.hpp>
#include <appconfigdata/session/event.hpp>
#include <appconfigdata/version.hpp>

#include <optional>
#include <ostream>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {

enum class preload_policy { serve_until_service_answers, only_when_unreachable };

inline const char* to_string(preload_policy p) noexcept {
    return p == preload_policy::serve_until_service_answers ? "serve_until_service_answers" : "only_when_unreachable";
}
inline std::ostream& operator<<(std::ostream& os, preload_policy p) { return os << to_string(p); }

// The configuration a backup record holds, as a session would have delivered it.
inline session::configuration to_configuration(const backup::record& r) {
    session::configuration c;
    c.content = r.content;
    c.content_type = r.content_type;
    c.version_label = r.version_label;
    c.received_at = r.saved_at;
    return c;
}

// A backup record of configuration `c` of `id`, saved at `now`.
inline backup::record to_record(const session::configuration& c, const backup::identity& id, time_point now) {
    backup::record r;
    r.identity = id;
    r.content = c.content;
    r.content_type = c.content_type;
    r.version_label = c.version_label;
    r.saved_at = now;
    return r;
}

// True for the failures that mean "the service cannot be reached" (no response at all): condition::unreachable.
inline bool is_unreachable(std::error_code ec) noexcept { return ec == condition::unreachable; }

class last_known_good {
public:
    // Keeps references to `store` and `holder` (both must outlive this object). Does no I/O.
    last_known_good(backup::store& store, latest_holder& holder, backup::identity id,
                    preload_policy policy = preload_policy::serve_until_service_answers)
        : store_(store), holder_(holder), id_(std::move(id)), policy_(policy) {}

    // Loads the backup from the store. Returns {} when one loaded (and, with
    // serve_until_service_answers, publishes it to the holder unless the service already
    // answered), or the store's error: errc::backup_not_found (nothing saved yet),
    // errc::backup_corrupt / backup_truncated / backup_foreign / limit_exceeded (reported, left in
    // place), errc::io_failed. diag says what was wrong. Call once, before driving the session.
    std::error_code load(diagnostics& diag) {
        backup::record r;
        if (auto ec = store_.load(r, diag)) return ec;
        backup_ = std::move(r);
        if (policy_ == preload_policy::serve_until_service_answers) serve_backup();
        return {};
    }

    // Feeds one session event (see the top of this file). Returns {} or the store's error when
    // saving a changed configuration failed (the configuration is published all the same; the
    // previous backup is kept).
    std::error_code on_event(const session::event& e, diagnostics& diag) {
        diag.clear();
        switch (e.kind) {
        case session::event_kind::changed: {
            service_answered_ = true;
            session::configuration c;
            c.content = e.content;
            c.content_type = e.content_type;
            c.version_label = e.version_label;
            c.received_at = e.at;
            holder_.publish(c, snapshot_source::service);
            ++saves_attempted_;
            return store_.save(to_record(c, id_, e.at), diag);
        }
        case session::event_kind::unchanged: service_answered_ = true; break;
        case session::event_kind::error:
            if (!service_answered_ && policy_ == preload_policy::only_when_unreachable) serve_backup();
            break;
        case session::event_kind::retrying:
            if (!service_answered_ && policy_ == preload_policy::only_when_unreachable && is_unreachable(e.error)) serve_backup();
            break;
        case session::event_kind::session_restarted:
        case session::event_kind::warning: break;
        }
        return {};
    }

    // Publishes the loaded backup now (source backup), unless the service already delivered a
    // configuration or there is no backup. Returns true when it published.
    bool serve_backup() {
        if (!backup_ || service_answered_ || served_) return false;
        holder_.publish(to_configuration(*backup_), snapshot_source::backup);
        served_ = true;
        return true;
    }

    // The backup load() found, if any.
    const std::optional<backup::record>& backup() const noexcept { return backup_; }
    // True once the service delivered a configuration (changed or unchanged event).
    bool service_answered() const noexcept { return service_answered_; }
    // True when the backup was published (it may since have been replaced by the service's answer).
    bool served_backup() const noexcept { return served_; }
    preload_policy policy() const noexcept { return policy_; }
    std::size_t saves_attempted() const noexcept { return saves_attempted_; }

private:
    backup::store& store_;
    latest_holder& holder_;
    backup::identity id_;
    preload_policy policy_;
    std::optional<backup::record> backup_;
    bool service_answered_ = false;
    bool served_ = false;
    std::size_t saves_attempted_ = 0;
};

} // namespace driver
APPCONFIGDATA_NAMESPACE_END
