// A thread-safe holder of the latest configuration. The poller (a driver, a scheduler, your own
// loop) publishes what the session delivers; readers on any thread take a consistent snapshot
// with latest(), which only copies a shared pointer under a lock held for that copy, so a reader
// never waits for a poll and the poller never waits for a reader's work.
//
//   driver::latest_holder holder;
//   holder.on_change([](const driver::latest_holder::snapshot_ptr& s) { apply(s->configuration); });
//   // poller thread:  holder.publish(session.latest());
//   // any thread:     if (auto s = holder.latest()) use(s->configuration.content);
//
// Change callbacks fire only on a real change: the content, content type or version label differ
// from the held snapshot (a resend of the same configuration after a session restart, or the
// service confirming what a backup already served, is not a change).
#pragma once

#include <appconfigdata/session/configuration.hpp>
#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {

// Where a snapshot's configuration came from.
enum class snapshot_source { service, backup };

inline const char* to_string(snapshot_source s) noexcept { return s == snapshot_source::service ? "service" : "backup"; }

// One immutable view of the latest configuration.
struct snapshot {
    session::configuration configuration;
    std::uint64_t generation = 0;                   // 1 for the first configuration, +1 per real change
    snapshot_source source = snapshot_source::service;

    friend bool operator==(const snapshot& a, const snapshot& b) {
        return a.configuration == b.configuration && a.generation == b.generation && a.source == b.source;
    }
    friend bool operator!=(const snapshot& a, const snapshot& b) { return !(a == b); }
    // Prints sizes and labels, never the content.
    friend std::ostream& operator<<(std::ostream& os, const snapshot& s) {
        return os << "snapshot{generation=" << s.generation << ", source=" << to_string(s.source) << ", " << s.configuration << "}";
    }
};

class latest_holder {
public:
    using snapshot_ptr = std::shared_ptr<const snapshot>;
    using change_callback = std::function<void(const snapshot_ptr&)>;
    using subscription = std::uint64_t;

    latest_holder() = default;
    latest_holder(const latest_holder&) = delete;
    latest_holder& operator=(const latest_holder&) = delete;

    // The latest snapshot, or nullptr before the first publish. Any thread; never blocks on a
    // publish in progress beyond a pointer copy; noexcept.
    snapshot_ptr latest() const noexcept {
        std::lock_guard<std::mutex> lock(pointer_mutex_);
        return current_;
    }

    // Generation of the latest snapshot (0 before the first). Any thread.
    std::uint64_t generation() const noexcept {
        const snapshot_ptr s = latest();
        return s ? s->generation : 0;
    }

    // Makes `c` the latest configuration. Returns true when it is a real change (or the first
    // configuration): then a new generation is stored and the change callbacks run on this thread,
    // in subscription order, before publish returns. When content, content type and version label
    // equal the held ones, the snapshot is refreshed (received_at, source) without a new
    // generation and no callback runs. An empty configuration (nothing received) is ignored
    // (returns false). Any thread; publishes are serialised. A callback must not call publish
    // (it would deadlock); it may call latest(), on_change and unsubscribe. If a callback throws,
    // the snapshot is already stored and the exception propagates to the caller.
    bool publish(const session::configuration& c, snapshot_source source = snapshot_source::service) {
        if (c.empty()) return false;
        std::lock_guard<std::mutex> publishing(publish_mutex_);
        const snapshot_ptr old = latest();
        const bool changed = !old || !old->configuration.same_as(c.content, c.content_type, c.version_label);
        auto next = std::make_shared<snapshot>();
        next->configuration = c;
        next->generation = old ? old->generation + (changed ? 1 : 0) : 1;
        next->source = source;
        snapshot_ptr stored = std::move(next);
        {
            std::lock_guard<std::mutex> lock(pointer_mutex_);
            current_ = stored;
        }
        if (changed) notify(stored);
        return changed;
    }

    // Registers `cb` for real changes; returns a handle for unsubscribe. Any thread. The callback
    // does not run for the snapshot already held (read latest() for that).
    subscription on_change(change_callback cb) {
        std::lock_guard<std::mutex> lock(callbacks_mutex_);
        const subscription id = ++last_subscription_;
        callbacks_.push_back({id, std::make_shared<change_callback>(std::move(cb))});
        return id;
    }

    // Removes a callback; returns false when `id` is unknown. A callback already running finishes.
    bool unsubscribe(subscription id) {
        std::lock_guard<std::mutex> lock(callbacks_mutex_);
        for (auto it = callbacks_.begin(); it != callbacks_.end(); ++it) {
            if (it->first == id) {
                callbacks_.erase(it);
                return true;
            }
        }
        return false;
    }

private:
    void notify(const snapshot_ptr& s) {
        std::vector<std::pair<subscription, std::shared_ptr<change_callback>>> copy;
        {
            std::lock_guard<std::mutex> lock(callbacks_mutex_);
            copy = callbacks_;
        }
        for (const auto& entry : copy)
            if (*entry.second) (*entry.second)(s);
    }

    mutable std::mutex pointer_mutex_;  // held only to copy or swap current_
    std::mutex publish_mutex_;          // one publish at a time, callbacks in order
    std::mutex callbacks_mutex_;
    snapshot_ptr current_;
    std::vector<std::pair<subscription, std::shared_ptr<change_callback>>> callbacks_;
    subscription last_subscription_ = 0;
};

} // namespace driver
APPCONFIGDATA_NAMESPACE_END
