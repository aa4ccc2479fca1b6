#include "simulation.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/crypto/crypto.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/session/configuration_session.hpp>

#include <chrono>
#include <memory>
#include <queue>
#include <string_view>

namespace fleet {

namespace acd = appconfigdata;

const char* to_string(scenario s) noexcept {
    switch (s) {
    case scenario::steady: return "steady";
    case scenario::deployment: return "deployment";
    case scenario::outage: return "outage";
    case scenario::mass_restart: return "mass-restart";
    }
    return "?";
}

const char* to_string(crypto_kind c) noexcept {
    return c == crypto_kind::botan ? "botan" : "stub";
}

const char* converged_what(scenario s) noexcept {
    switch (s) {
    case scenario::steady: return nullptr;
    case scenario::deployment: return "from the deployment until each client has the new version";
    case scenario::outage: return "from the end of the outage until each client has had a successful poll";
    case scenario::mass_restart: return "from the restart until each new client has a configuration";
    }
    return nullptr;
}

namespace {

constexpr std::int64_t one_way_us = 20000;                // 20 ms each way, 40 ms round trip
constexpr std::int64_t timeout_us = 10 * us_per_s;        // what an unanswered request costs a client
const acd::time_point epoch = acd::clock_type::from_time_t(1764115200); // virtual t = 0: 2025-11-26 00:00 UTC

acd::time_point at(std::int64_t t_us) { return epoch + std::chrono::microseconds(t_us); }
std::int64_t to_us(acd::time_point tp) { return std::chrono::ceil<std::chrono::microseconds>(tp - epoch).count(); }

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    acd::session::detail::splitmix64 g{a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull)};
    g.next();
    return g.next();
}

// A stand-in for SHA-256 / HMAC-SHA-256 (FNV-1a folded through a 64-bit mixer): the signer still
// builds every canonical request and string to sign, the digests are not SHA-256. The fleet model
// verifies no signature either way.
struct stub_crypto {
    static void fold(std::string_view data, std::uint64_t h, acd::crypto::digest& out) noexcept {
        h ^= 1469598103934665603ull;
        for (char c : data) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        for (std::size_t i = 0; i < out.size(); ++i) {
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9ull;
            out[i] = static_cast<std::uint8_t>(h >> 56);
        }
    }
    void sha256(std::string_view data, acd::crypto::digest& out) noexcept { fold(data, 0, out); }
    void hmac_sha256(acd::crypto::byte_view key, std::string_view data, acd::crypto::digest& out) noexcept {
        std::uint64_t k = 0;
        for (std::size_t i = 0; i < key.size; ++i) k = k * 131 + key.data[i];
        fold(data, k, out);
    }
};
static_assert(acd::crypto::check_provider<stub_crypto>());

struct wake {
    std::int64_t t;
    std::uint32_t idx;
    std::uint32_t gen;
};
struct later {
    bool operator()(const wake& a, const wake& b) const noexcept { return a.t > b.t || (a.t == b.t && a.idx > b.idx); }
};

// The event queue, the service model and the scenario's one moment (deployment, end of the outage,
// mass restart).
class world {
public:
    explicit world(const run_settings& s) : s_(s), model_(model_settings(s)) {
        std::vector<wake> storage;
        storage.reserve(static_cast<std::size_t>(s.clients) + 16);
        heap_ = std::priority_queue<wake, std::vector<wake>, later>(later{}, std::move(storage));
        switch (s.what) {
        case scenario::steady: moment_us_ = -1; break;
        case scenario::deployment:
        case scenario::mass_restart: moment_us_ = s.deploy_us(); break;
        case scenario::outage: moment_us_ = s.outage_to_us(); break;
        }
    }

    service_model& model() noexcept { return model_; }
    const run_settings& settings() const noexcept { return s_; }
    void schedule(std::int64_t t, std::uint32_t idx, std::uint32_t gen) { heap_.push(wake{t, idx, gen}); }

    // When client i first wakes: uniformly over the first poll interval (hosts booted at random).
    std::vector<std::int64_t> start_times() const {
        acd::session::detail::splitmix64 g{mix(s_.seed, 0xF1EE7)};
        std::vector<std::int64_t> t(s_.clients);
        for (auto& v : t) v = static_cast<std::int64_t>(g.uniform01() * static_cast<double>(s_.poll_interval_s) * static_cast<double>(us_per_s));
        return t;
    }

    template <class Moment, class Wake>
    void run(Moment&& moment, Wake&& on_wake) {
        const std::int64_t end = s_.end_us();
        bool moment_done = moment_us_ < 0;
        while (!heap_.empty()) {
            const wake w = heap_.top();
            if (w.t >= end) break;
            if (!moment_done && w.t >= moment_us_) {
                moment_done = true;
                if (s_.what == scenario::deployment) model_.deploy();
                moment(moment_us_);
                continue;
            }
            heap_.pop();
            on_wake(w);
        }
        if (!moment_done && moment_us_ < end) {
            if (s_.what == scenario::deployment) model_.deploy();
            moment(moment_us_);
        }
    }

private:
    static service_model::settings model_settings(const run_settings& s) {
        service_model::settings m;
        m.rate_limit = s.rate_limit;
        m.poll_interval_s = s.poll_interval_s;
        if (s.what == scenario::outage) {
            m.outage_from_us = s.outage_from_us();
            m.outage_to_us = s.outage_to_us();
        }
        return m;
    }

    run_settings s_;
    service_model model_;
    std::priority_queue<wake, std::vector<wake>, later> heap_;
    std::int64_t moment_us_ = -1;
};

// The model's answer as the HTTP response AppConfig Data would send (into a reused buffer).
void to_http(const reply& r, acd::http::response& out) {
    out.headers.clear();
    out.body.clear();
    auto error = [&](int status, const char* type, std::string_view details) {
        out.status = status;
        out.headers.add("X-Amzn-ErrorType", type);
        out.headers.add("Content-Type", "application/json");
        out.body.assign("{\"Message\":\"fleet model\"");
        out.body.append(details.data(), details.size());
        out.body.push_back('}');
    };
    auto bad_request = [&](const char* problem) {
        std::string d = ",\"Reason\":\"InvalidParameters\",\"Details\":{\"InvalidParameters\":{\"ConfigurationToken\":{\"Problem\":\"";
        d += problem;
        d += "\"}}}";
        error(400, "BadRequestException", d);
    };
    switch (r.kind) {
    case reply_kind::started:
        out.status = 201;
        out.headers.add("Content-Type", "application/json");
        out.body.assign("{\"InitialConfigurationToken\":\"").append(r.token).append("\"}");
        break;
    case reply_kind::polled:
        out.status = 200;
        out.headers.add("Next-Poll-Configuration-Token", r.token);
        out.headers.add("Next-Poll-Interval-In-Seconds", std::to_string(r.interval_s));
        out.headers.add("Content-Type", "application/json");
        if (r.version >= 0) {
            out.headers.add("Version-Label", "v" + std::to_string(r.version));
            out.body.assign("{\"version\":").append(std::to_string(r.version)).append(",\"feature\":true}");
        }
        break;
    case reply_kind::throttled: error(429, "ThrottlingException", {}); break;
    case reply_kind::server_error: error(500, "InternalServerException", {}); break;
    case reply_kind::expired: bad_request("Expired"); break;
    case reply_kind::corrupted: bad_request("Corrupted"); break;
    case reply_kind::too_early: bad_request("PollIntervalNotSatisfied"); break;
    case reply_kind::no_response: out.status = 0; break;
    }
}

template <class Crypto>
acd::session::configuration_session<Crypto>* make_session(const run_settings& s, std::uint32_t idx, std::uint32_t gen) {
    acd::session::session_config c;
    c.application = "fleet-app";
    c.environment = "production";
    c.configuration_profile = "main";
    c.endpoint_url = "https://appconfigdata.us-east-1.amazonaws.com";
    c.region = "us-east-1";
    c.options.jitter_seed = mix(mix(s.seed, idx), gen);
    c.options.request_timeout = std::chrono::milliseconds(timeout_us / 1000);
    return new acd::session::configuration_session<Crypto>(std::move(c));
}

template <class Crypto>
run_result run_ours_with(const run_settings& s) {
    using session_t = acd::session::configuration_session<Crypto>;
    struct client {
        std::unique_ptr<session_t> s;
        std::uint32_t gen = 0;
        bool awaiting = false;
        bool done = false;       // converged
        std::uint64_t ok_mark = 0;
        reply r;
    };
    const auto t0 = std::chrono::steady_clock::now();
    world w(s);
    run_result out;
    acd::credentials creds;
    creds.access_key_id = "AKIDFLEETEXAMPLE";
    creds.secret_access_key = "fleet-model-secret-not-a-real-key";

    std::vector<client> clients(s.clients);
    const auto starts = w.start_times();
    for (std::uint32_t i = 0; i < s.clients; ++i) {
        clients[i].s.reset(make_session<Crypto>(s, i, 0));
        clients[i].s->set_credentials(creds, at(0));
        w.schedule(starts[i], i, 0);
    }
    auto add_stats = [&](const session_t& ss) {
        out.restarts += ss.stats().restarts;
        out.retries += ss.stats().retries;
        out.errors += ss.stats().errors;
        out.billable_requests += ss.stats().billable_requests;
    };

    acd::http::response resp;
    acd::session::event ev;
    std::string token;
    std::string target_label;
    std::int64_t moment = -1;

    auto converged = [&](client& c, std::int64_t t) {
        if (c.done || moment < 0 || t < moment) return;
        bool yes = false;
        switch (s.what) {
        case scenario::steady: break;
        case scenario::deployment: yes = c.s->latest().version_label == target_label; break;
        case scenario::outage: yes = c.s->stats().polls_succeeded > c.ok_mark; break;
        case scenario::mass_restart: yes = c.s->has_configuration(); break;
        }
        if (yes) {
            c.done = true;
            out.converged_s.push_back(static_cast<double>(t - moment) / static_cast<double>(us_per_s));
        }
    };

    w.run(
        [&](std::int64_t t) {
            moment = t;
            target_label = "v" + std::to_string(w.model().version());
            if (s.what == scenario::outage)
                for (auto& c : clients) c.ok_mark = c.s->stats().polls_succeeded;
            if (s.what == scenario::mass_restart) {
                for (std::uint32_t i = 0; i < s.clients; ++i) {
                    client& c = clients[i];
                    add_stats(*c.s);
                    ++c.gen;
                    c.awaiting = false;
                    c.s.reset(make_session<Crypto>(s, i, c.gen));
                    c.s->set_credentials(creds, at(t));
                    w.schedule(t, i, c.gen);
                }
            }
        },
        [&](const wake& wk) {
            client& c = clients[wk.idx];
            if (wk.gen != c.gen) return;
            const acd::time_point now = at(wk.t);
            if (c.awaiting) {
                c.awaiting = false;
                if (c.r.kind == reply_kind::no_response) {
                    (void)c.s->on_transport_error(acd::errc::timeout, now);
                } else {
                    to_http(c.r, resp);
                    (void)c.s->on_response(resp, now);
                }
                converged(c, wk.t);
            }
            for (int guard = 0; guard < 4; ++guard) {
                const acd::action a = c.s->next(now);
                if (a.kind == acd::action_kind::need_credentials) {
                    c.s->set_credentials(creds, now);
                    continue;
                }
                if (a.kind == acd::action_kind::send) {
                    const acd::http::request& rq = *a.request;
                    const std::int64_t arrive = wk.t + one_way_us;
                    if (rq.method == "POST") {
                        w.model().start(arrive, c.r);
                    } else {
                        constexpr std::string_view key = "configuration_token=";
                        const std::string_view q(rq.query);
                        token.clear();
                        if (q.substr(0, key.size()) == key) acd::http::append_percent_decoded(token, q.substr(key.size()));
                        w.model().poll(arrive, token, c.r);
                    }
                    c.awaiting = true;
                    w.schedule(wk.t + (c.r.kind == reply_kind::no_response ? timeout_us : 2 * one_way_us), wk.idx, c.gen);
                } else if (a.kind == acd::action_kind::wait_until) {
                    if (a.when != (acd::time_point::max)()) w.schedule(to_us(a.when), wk.idx, c.gen);
                } else {
                    ++out.failed_clients; // failed (or a kind a session never answers): the client stops
                }
                break;
            }
            while (c.s->poll_event(ev)) {
            }
        });

    for (auto& c : clients) {
        add_stats(*c.s);
        if (!c.done && converged_what(s.what)) ++out.not_converged;
    }
    out.model = w.model().counters();
    out.per_second = w.model().per_second();
    out.per_second.resize(static_cast<std::size_t>((s.end_us() + us_per_s - 1) / us_per_s), 0);
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace

run_result run_ours(const run_settings& s) {
    return s.crypto == crypto_kind::botan ? run_ours_with<acd::adapters::botan_crypto>(s) : run_ours_with<stub_crypto>(s);
}

run_result run_baseline(const run_settings& s) {
    enum class step { idle, starting, polling };
    struct client {
        std::uint32_t gen = 0;
        step st = step::idle;
        bool has_token = false;
        bool done = false;
        bool ok_since_mark = false;
        int version = -1;
        std::string token;
        reply r;
    };
    const auto t0 = std::chrono::steady_clock::now();
    world w(s);
    run_result out;
    std::vector<client> clients(s.clients);
    const auto starts = w.start_times();
    for (std::uint32_t i = 0; i < s.clients; ++i) w.schedule(starts[i], i, 0);
    const std::int64_t sleep_us = static_cast<std::int64_t>(s.poll_interval_s) * us_per_s;
    std::int64_t moment = -1;
    int target_version = -1;

    auto send = [&](client& c, std::uint32_t idx, std::int64_t t) {
        if (c.st == step::starting) w.model().start(t + one_way_us, c.r);
        else w.model().poll(t + one_way_us, c.token, c.r);
        w.schedule(t + (c.r.kind == reply_kind::no_response ? timeout_us : 2 * one_way_us), idx, c.gen);
    };
    auto converged = [&](client& c, std::int64_t t) {
        if (c.done || moment < 0 || t < moment) return;
        bool yes = false;
        switch (s.what) {
        case scenario::steady: break;
        case scenario::deployment: yes = c.version == target_version; break;
        case scenario::outage: yes = c.ok_since_mark; break;
        case scenario::mass_restart: yes = c.version >= 0; break;
        }
        if (yes) {
            c.done = true;
            out.converged_s.push_back(static_cast<double>(t - moment) / static_cast<double>(us_per_s));
        }
    };

    w.run(
        [&](std::int64_t t) {
            moment = t;
            target_version = w.model().version();
            if (s.what == scenario::mass_restart) {
                for (std::uint32_t i = 0; i < s.clients; ++i) {
                    client& c = clients[i];
                    const std::uint32_t gen = c.gen + 1;
                    c = client{};
                    c.gen = gen;
                    w.schedule(t, i, gen);
                }
            }
        },
        [&](const wake& wk) {
            client& c = clients[wk.idx];
            if (wk.gen != c.gen) return;
            switch (c.st) {
            case step::idle:
                c.st = c.has_token ? step::polling : step::starting;
                send(c, wk.idx, wk.t);
                return;
            case step::starting:
                if (c.r.kind == reply_kind::started) {
                    ++out.billable_requests;
                    c.token = c.r.token;
                    c.has_token = true;
                    c.st = step::polling;
                    send(c, wk.idx, wk.t); // the first poll follows the start at once
                    return;
                }
                ++out.errors;
                break;
            case step::polling:
                if (c.r.kind == reply_kind::polled) {
                    ++out.billable_requests;
                    c.token = c.r.token;
                    if (c.r.version >= 0) c.version = c.r.version;
                    if (moment >= 0 && wk.t >= moment) c.ok_since_mark = true;
                } else {
                    ++out.errors;
                    ++out.restarts; // the loop drops its token and starts a new session next time
                    c.has_token = false;
                }
                converged(c, wk.t);
                break;
            }
            c.st = step::idle;
            w.schedule(wk.t + sleep_us, wk.idx, c.gen);
        });

    for (auto& c : clients)
        if (!c.done && converged_what(s.what)) ++out.not_converged;
    out.model = w.model().counters();
    out.per_second = w.model().per_second();
    out.per_second.resize(static_cast<std::size_t>((s.end_us() + us_per_s - 1) / us_per_s), 0);
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace fleet
