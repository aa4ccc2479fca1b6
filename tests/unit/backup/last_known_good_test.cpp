#include "test_crypto.hpp"
#include <appconfigdata/adapters/file_backup_store.hpp>
#include <appconfigdata/driver/last_known_good.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include "frame_loop_fake_service.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace appconfigdata;
using namespace std::chrono_literals;
using driver::last_known_good;
using driver::preload_policy;
using driver::snapshot_source;

namespace {

const backup::identity id{"game", "prod", "flags", ""};
const time_point t0 = time_point(1764140400s);

backup::record saved(std::string content, std::string label) {
    backup::record r;
    r.identity = id;
    r.content = std::move(content);
    r.content_type = "application/json";
    r.version_label = std::move(label);
    r.saved_at = t0 - 1h;
    return r;
}

session::event changed(std::string content, std::string label, time_point at = t0) {
    session::event e;
    e.kind = session::event_kind::changed;
    e.content = std::move(content);
    e.content_type = "application/json";
    e.version_label = std::move(label);
    e.at = at;
    return e;
}

session::event failure(session::event_kind kind, std::error_code ec) {
    session::event e;
    e.kind = kind;
    e.error = ec;
    e.at = t0;
    return e;
}

// A store whose saves fail (a full disk).
struct failing_store final : backup::store {
    using backup::store::load;
    using backup::store::save;
    backup::memory_store inner;
    std::error_code load(backup::record& out, diagnostics& diag) override { return inner.load(out, diag); }
    std::error_code save(const backup::record&, diagnostics& diag) override {
        diag.message = "disk full";
        return errc::io_failed;
    }
};

} // namespace

TEST_CASE("last known good: preload serves the backup until the service answers") {
    backup::memory_store store;
    store.save(saved("{\"v\":1}", "v1"));
    driver::latest_holder holder;
    int changes = 0;
    holder.on_change([&](const driver::latest_holder::snapshot_ptr&) { ++changes; });
    last_known_good lkg(store, holder, id, preload_policy::serve_until_service_answers);

    diagnostics diag;
    REQUIRE(lkg.load(diag) == std::error_code());
    REQUIRE(holder.latest() != nullptr);
    CHECK(holder.latest()->source == snapshot_source::backup);
    CHECK(holder.latest()->configuration.content == "{\"v\":1}");
    CHECK(holder.latest()->configuration.received_at == t0 - 1h); // "from when"
    CHECK(lkg.served_backup());
    CHECK(changes == 1);

    // The service confirms the same configuration: no change, now from the service, saved again.
    CHECK(lkg.on_event(changed("{\"v\":1}", "v1"), diag) == std::error_code());
    CHECK(changes == 1);
    CHECK(holder.latest()->source == snapshot_source::service);
    CHECK(lkg.service_answered());
    backup::record r;
    REQUIRE(store.load(r) == std::error_code());
    CHECK(r.saved_at == t0);

    // A real change is published and saved.
    CHECK(lkg.on_event(changed("{\"v\":2}", "v2", t0 + 1min), diag) == std::error_code());
    CHECK(changes == 2);
    REQUIRE(store.load(r) == std::error_code());
    CHECK(r.content == "{\"v\":2}");
    CHECK(r.version_label == "v2");
    CHECK(r.identity == id);
    CHECK(lkg.saves_attempted() == 2);
    CHECK_FALSE(lkg.serve_backup()); // never after the service answered
}

TEST_CASE("last known good: preload, then the service sends something else") {
    backup::memory_store store;
    store.save(saved("old", "v1"));
    driver::latest_holder holder;
    last_known_good lkg(store, holder, id);
    diagnostics diag;
    REQUIRE(lkg.load(diag) == std::error_code());
    lkg.on_event(changed("new", "v2"), diag);
    CHECK(holder.generation() == 2);
    CHECK(holder.latest()->configuration.content == "new");
}

TEST_CASE("last known good: only when unreachable") {
    backup::memory_store store;
    store.save(saved("backup", "v1"));
    diagnostics diag;

    SECTION("not served at start, served when the service cannot be reached") {
        driver::latest_holder holder;
        last_known_good lkg(store, holder, id, preload_policy::only_when_unreachable);
        REQUIRE(lkg.load(diag) == std::error_code());
        CHECK(holder.latest() == nullptr);
        CHECK(lkg.backup().has_value());
        lkg.on_event(failure(session::event_kind::retrying, errc::throttling), diag); // reachable, just busy
        CHECK(holder.latest() == nullptr);
        lkg.on_event(failure(session::event_kind::session_restarted, {}), diag);
        CHECK(holder.latest() == nullptr);
        lkg.on_event(failure(session::event_kind::retrying, errc::transport_failed), diag);
        REQUIRE(holder.latest() != nullptr);
        CHECK(holder.latest()->source == snapshot_source::backup);
        CHECK(holder.latest()->configuration.content == "backup");
        // once the service is back, its answer replaces the backup
        lkg.on_event(changed("fresh", "v2"), diag);
        CHECK(holder.latest()->configuration.content == "fresh");
        CHECK(holder.latest()->source == snapshot_source::service);
    }
    SECTION("an error event serves it too; a system error counts as unreachable") {
        driver::latest_holder holder;
        last_known_good lkg(store, holder, id, preload_policy::only_when_unreachable);
        REQUIRE(lkg.load(diag) == std::error_code());
        lkg.on_event(failure(session::event_kind::retrying, std::make_error_code(std::errc::connection_refused)), diag);
        CHECK(holder.latest() != nullptr);
        driver::latest_holder holder2;
        last_known_good lkg2(store, holder2, id, preload_policy::only_when_unreachable);
        REQUIRE(lkg2.load(diag) == std::error_code());
        lkg2.on_event(failure(session::event_kind::error, errc::access_denied), diag);
        CHECK(holder2.latest() != nullptr);
    }
    SECTION("never once the service answered") {
        driver::latest_holder holder;
        last_known_good lkg(store, holder, id, preload_policy::only_when_unreachable);
        REQUIRE(lkg.load(diag) == std::error_code());
        lkg.on_event(changed("fresh", "v2"), diag);
        lkg.on_event(failure(session::event_kind::error, errc::timeout), diag);
        CHECK(holder.latest()->configuration.content == "fresh");
        CHECK_FALSE(lkg.served_backup());
    }
}

TEST_CASE("last known good: no backup, a failing save") {
    diagnostics diag;
    backup::memory_store empty;
    driver::latest_holder holder;
    last_known_good lkg(empty, holder, id);
    CHECK(lkg.load(diag) == errc::backup_not_found);
    CHECK_FALSE(lkg.serve_backup());
    lkg.on_event(failure(session::event_kind::error, errc::timeout), diag);
    CHECK(holder.latest() == nullptr);

    failing_store full;
    driver::latest_holder holder2;
    last_known_good lkg2(full, holder2, id);
    CHECK(lkg2.on_event(changed("cfg", "v1"), diag) == errc::io_failed);
    CHECK(diag.message == "disk full");
    REQUIRE(holder2.latest() != nullptr); // published all the same
    CHECK(holder2.latest()->configuration.content == "cfg");
    CHECK(driver::to_string(preload_policy::only_when_unreachable) == std::string("only_when_unreachable"));
}

namespace {

session::session_config session_config() {
    session::session_config c;
    c.application = id.application;
    c.environment = id.environment;
    c.configuration_profile = id.configuration_profile;
    c.endpoint_url = "https://appconfigdata.eu-west-1.amazonaws.com";
    c.region = "eu-west-1";
    c.options.jitter_seed = 3;
    c.options.fail_on_initial_error = false;
    return c;
}

credentials test_credentials() {
    credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "secret";
    return c;
}

struct temp_file {
    temp_file() {
        char buf[] = "/tmp/appconfigdata-lkg-XXXXXX";
        const int fd = ::mkstemp(buf);
        REQUIRE(fd >= 0);
        ::close(fd);
        ::unlink(buf);
        path = buf;
    }
    ~temp_file() { ::unlink(path.c_str()); }
    std::string path;
};

// Drives `s` with `transport` for `span` of virtual time, feeding every event to `lkg`.
template <class Transport>
void run(session::configuration_session<test_crypto>& s, last_known_good& lkg, Transport&& transport, time_point& now,
         duration span) {
    const time_point end = now + span;
    diagnostics diag;
    for (int i = 0; i < 10000 && now < end; ++i) {
        const action a = s.next(now);
        if (a.kind == action_kind::send) {
            http::response r;
            if (auto ec = transport(*a.request, r)) s.on_transport_error(ec, now);
            else s.on_response(r, now);
        } else if (a.kind == action_kind::wait_until) {
            now = std::min(a.when, end);
        } else {
            break;
        }
        while (auto e = s.poll_event()) lkg.on_event(*e, diag);
    }
}

} // namespace

TEST_CASE("last known good end to end: watch saves, the service goes away, a restart serves the backup") {
    temp_file file;
    example::fake_appconfig service;
    service.deploy("game", "prod", "flags", "{\"dark_mode\":{\"enabled\":true}}", "application/json", "v3");
    time_point now = t0;
    {
        adapters::file_backup_store<test_crypto> store(file.path, id);
        driver::latest_holder holder;
        last_known_good lkg(store, holder, id);
        diagnostics diag;
        CHECK(lkg.load(diag) == errc::backup_not_found);
        session::configuration_session<test_crypto> s(session_config());
        s.set_credentials(test_credentials());
        run(s, lkg, [&](const http::request& q, http::response& r) { r = service.handle(q); return std::error_code(); }, now, 2min);
        REQUIRE(holder.latest() != nullptr);
        CHECK(holder.latest()->configuration.version_label == "v3");
    }
    for (preload_policy policy : {preload_policy::serve_until_service_answers, preload_policy::only_when_unreachable}) {
        INFO(policy);
        adapters::file_backup_store<test_crypto> store(file.path, id);
        driver::latest_holder holder;
        last_known_good lkg(store, holder, id, policy);
        diagnostics diag;
        REQUIRE(lkg.load(diag) == std::error_code());
        session::configuration_session<test_crypto> s(session_config());
        s.set_credentials(test_credentials());
        // the network is down
        run(s, lkg, [](const http::request&, http::response&) { return std::error_code(errc::transport_failed); }, now, 1min);
        REQUIRE(holder.latest() != nullptr);
        CHECK(holder.latest()->source == snapshot_source::backup);
        CHECK(holder.latest()->configuration.content == "{\"dark_mode\":{\"enabled\":true}}");
        CHECK(holder.latest()->configuration.version_label == "v3");
        CHECK(holder.latest()->configuration.content_type == "application/json");
    }
}
