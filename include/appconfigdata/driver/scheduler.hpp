// Many machines, one timer. A scheduler drives any number of state machines that speak the
// `action` protocol (action.hpp) — typically one configuration session per application /
// environment / profile, possibly in different accounts — from a single next(now), so a program
// has one timer and one place that does HTTP, however many configurations it follows.
//
//   driver::scheduler<session::configuration_session<adapters::botan_crypto>> s;
//   auto shop = s.emplace(shop_config);                     // credential group 0
//   auto ads  = s.emplace(ads_config);
//   auto other_account = s.emplace_in_group(1, billing_config);
//   s.set_credentials(0, creds);  s.set_credentials(1, other_creds);
//   for (;;) {
//       auto step = s.next(now);                            // one step of one machine
//       switch (step.act.kind) {
//       case action_kind::send:   start *step.act.request; when it completes:
//                                 s.on_response(step.machine, resp, now) / s.on_transport_error(step.machine, ec, now);
//                                 then read s.at(step.machine).poll_event() ...
//                                 call next(now) again at once: other machines may want to send too.
//       case action_kind::need_credentials: fetch credentials for step.credential_group, set_credentials(...).
//       case action_kind::read_file / run_process: perform it, then s.on_file / s.on_process(step.machine, ...).
//       case action_kind::failed: s.at(step.machine).outcome() says why (reported once; the others go on).
//       case action_kind::done:   the machine finished (reported once).
//       case action_kind::wait_until: nothing to do before step.act.when (or before a response arrives).
//       }
//   }
//
// Credentials are shared per group: set_credentials(group, c) hands `c` to every machine of the
// group that asks (and to all of them at once), so N sessions of one account use one credential
// fetch. A machine that still asks after it got the group's newest credentials (they expired or
// the service rejected them) makes next() return need_credentials for the group, once per
// credentials version. The signing-key cache stays inside each machine (a key is derived once a
// day per session: four HMACs).
//
// Machine requirements: the machine concept (driver/machine.hpp); set_credentials when it can
// answer need_credentials, on_file / on_process when it reads files or runs processes (the
// scheduler hands those out like sends: answer with on_file(i, ...) / on_process(i, ...)). Machines
// are stored by value in a deque, so their addresses — and the requests they hand out — stay put
// while others are added.
//
// Cost: next(now) looks only at machines whose wake time has come or that got an input since
// their last step; the rest are skipped by a comparison. Not thread-safe: one thread drives it.
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/driver/machine.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <ostream>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace driver {

// One step of one machine.
struct scheduled_action {
    std::size_t machine = 0;          // index from add/emplace (meaningless for wait_until)
    action act;                       // what to do
    std::size_t credential_group = 0; // need_credentials: the group whose credentials are wanted

    friend std::ostream& operator<<(std::ostream& os, const scheduled_action& s) {
        os << "machine " << s.machine << ": " << s.act;
        if (s.act.kind == action_kind::need_credentials) os << " (group " << s.credential_group << ")";
        return os;
    }
};

template <class Machine>
class scheduler {
    static_assert(check_machine<Machine>());

public:
    scheduler() = default;
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    // Adds a machine built from `args` to credential group 0 / `group`; returns its index. The
    // machine gets the group's credentials, if any, right away. Legal any time.
    template <class... Args>
    std::size_t emplace(Args&&... args) {
        return emplace_in_group(0, std::forward<Args>(args)...);
    }
    template <class... Args>
    std::size_t emplace_in_group(std::size_t group_index, Args&&... args) {
        entries_.emplace_back(group_index, std::forward<Args>(args)...);
        ensure_group(group_index);
        entry& e = entries_.back();
        give_credentials(e);
        return entries_.size() - 1;
    }

    std::size_t size() const noexcept { return entries_.size(); }
    Machine& at(std::size_t i) { return entries_.at(i).machine; }
    const Machine& at(std::size_t i) const { return entries_.at(i).machine; }
    std::size_t group_of(std::size_t i) const { return entries_.at(i).group; }

    // Stops driving machine `i` (it is kept, so indices stay valid; its outstanding request, if
    // any, is forgotten). Returns false when `i` is out of range.
    bool remove(std::size_t i) noexcept {
        if (i >= entries_.size()) return false;
        entries_[i].removed = true;
        entries_[i].in_flight = false;
        return true;
    }

    // New credentials for `group`: given to every machine of the group now. Legal any time.
    void set_credentials(std::size_t group_index, const credentials& c) {
        ensure_group(group_index);
        group& g = groups_[group_index];
        g.creds = c;
        g.has = true;
        ++g.version;
        g.reported = false;
        for (entry& e : entries_)
            if (e.group == group_index && !e.removed) give_credentials(e);
    }
    void set_credentials(const credentials& c) { set_credentials(0, c); }

    // The next thing to do at `now`: a send, need_credentials or failed/done of one machine, or
    // wait_until the earliest wake time of all machines (time_point::max() when every machine waits
    // for a response or has stopped). Call again after acting on a send: one call returns one
    // step. Machines take turns (round robin), so a busy one cannot starve the others.
    scheduled_action next(time_point now) {
        last_now_ = now;
        time_point earliest = (time_point::max)();
        const std::size_t n = entries_.size();
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = (cursor_ + k) % n;
            entry& e = entries_[i];
            if (e.removed || e.finished || e.in_flight) continue;
            if (!e.dirty && now < e.wake) {
                if (e.wake < earliest) earliest = e.wake;
                continue;
            }
            action a = e.machine.next(now);
            if (a.kind == action_kind::need_credentials && give_credentials(e)) a = e.machine.next(now);
            e.dirty = false;
            switch (a.kind) {
            case action_kind::send:
            case action_kind::read_file:
            case action_kind::run_process:
                e.in_flight = true;
                cursor_ = (i + 1) % n;
                return {i, a, e.group};
            case action_kind::wait_until:
                e.wake = a.when;
                if (e.wake < earliest) earliest = e.wake;
                break;
            case action_kind::failed:
            case action_kind::done:
                e.finished = true;
                cursor_ = (i + 1) % n;
                return {i, a, e.group};
            case action_kind::need_credentials: {
                // It has the group's newest credentials and still asks: the group needs new ones.
                e.wake = (time_point::max)(); // until set_credentials
                group& g = groups_[e.group];
                if (!g.reported) {
                    g.reported = true;
                    cursor_ = (i + 1) % n;
                    return {i, a, e.group};
                }
                break;
            }
            }
        }
        return {0, action::wait(earliest), 0};
    }

    // The response to machine `i`'s outstanding request. Returns errc::invalid_argument for an
    // unknown or removed machine, errc::invalid_state when it has no request outstanding (nothing
    // changes); otherwise what the machine's on_response returns.
    std::error_code on_response(std::size_t i, const http::response& r, time_point now) {
        return deliver(i, now, [&](Machine& m) { return m.on_response(r, now); });
    }

    // Machine `i`'s outstanding request got no response. Errors as on_response.
    std::error_code on_transport_error(std::size_t i, std::error_code ec, time_point now) {
        return deliver(i, now, [&](Machine& m) { return m.on_transport_error(ec, now); });
    }

    // Machine `i`'s file read / process run finished. Errors as on_response.
    std::error_code on_file(std::size_t i, const file_result& r, time_point now) {
        return deliver(i, now, [&](Machine& m) -> std::error_code {
            if constexpr (detail::has_on_file<Machine>::value) return m.on_file(r, now);
            else return errc::invalid_state;
        });
    }
    std::error_code on_process(std::size_t i, const process_result& r, time_point now) {
        return deliver(i, now, [&](Machine& m) -> std::error_code {
            if constexpr (detail::has_on_process<Machine>::value) return m.on_process(r, now);
            else return errc::invalid_state;
        });
    }

    // Marks machine `i` as changed by the caller (e.g. after calling a method on at(i) directly),
    // so the next next() asks it even before its wake time.
    void touch(std::size_t i) {
        if (i < entries_.size()) entries_[i].dirty = true;
    }

    // How many machines have a request outstanding.
    std::size_t in_flight() const noexcept {
        std::size_t k = 0;
        for (const entry& e : entries_) k += e.in_flight ? 1 : 0;
        return k;
    }

private:
    struct entry {
        template <class... Args>
        explicit entry(std::size_t g, Args&&... args) : machine(std::forward<Args>(args)...), group(g) {}
        Machine machine;
        std::size_t group = 0;
        time_point wake{};           // do not ask before this (unless dirty)
        bool dirty = true;           // got an input since its last step
        bool in_flight = false;
        bool finished = false;       // failed or done was reported
        bool removed = false;
        std::uint64_t creds_version = 0; // the group version it last received
    };
    struct group {
        credentials creds;
        bool has = false;
        std::uint64_t version = 0;
        bool reported = false; // need_credentials was reported for the current version
    };

    void ensure_group(std::size_t g) {
        if (groups_.size() <= g) groups_.resize(g + 1);
    }

    // Gives `e` its group's credentials when it has not had this version yet; true if it did.
    bool give_credentials(entry& e) {
        if constexpr (detail::has_set_credentials<Machine>::value) {
            group& g = groups_[e.group];
            if (!g.has || e.creds_version == g.version) return false;
            e.machine.set_credentials(g.creds, last_now_);
            e.creds_version = g.version;
            e.dirty = true;
            return true;
        } else {
            (void)e;
            return false;
        }
    }

    std::error_code check_in_flight(std::size_t i) const {
        if (i >= entries_.size() || entries_[i].removed) return errc::invalid_argument;
        if (!entries_[i].in_flight) return errc::invalid_state;
        return {};
    }

    template <class F>
    std::error_code deliver(std::size_t i, time_point now, F&& f) {
        if (auto bad = check_in_flight(i)) return bad;
        entry& e = entries_[i];
        e.in_flight = false;
        e.dirty = true;
        last_now_ = now;
        return f(e.machine);
    }

    std::deque<entry> entries_;
    std::vector<group> groups_{1};
    std::size_t cursor_ = 0;
    time_point last_now_{}; // the latest time a caller gave (set_credentials has none of its own)
};

} // namespace driver
APPCONFIGDATA_NAMESPACE_END
