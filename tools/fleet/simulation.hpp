// appconfigdata-fleet's simulation: N clients against one service_model, in virtual time, driven by
// one event queue (a min-heap of wake times; no threads, no sleeping). Two kinds of client:
// - ours: real session::configuration_session objects with the library's default options (a seed
//   of their own each, a 10 s request timeout);
// - baseline: the loop people write with an SDK, hand-written here against the same model:
//       loop { if no token: token = StartConfigurationSession()
//              r = GetLatestConfiguration(token); token = r.next        (any error: token = none)
//              sleep(poll interval) }                                   fixed, no jitter, no backoff
//   with the SDK's own retries off (one attempt per call).
#pragma once

#include "model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fleet {

enum class scenario { steady, deployment, outage, mass_restart };
enum class crypto_kind { botan, stub };

const char* to_string(scenario s) noexcept;
const char* to_string(crypto_kind c) noexcept;

struct run_settings {
    std::uint32_t clients = 1000;
    double hours = 24;
    scenario what = scenario::steady;
    std::uint64_t seed = 1;
    int poll_interval_s = 60;
    double rate_limit = 1000;
    double outage_minutes = 30;
    crypto_kind crypto = crypto_kind::botan;

    std::int64_t end_us() const { return static_cast<std::int64_t>(hours * 3600.0 * static_cast<double>(us_per_s)); }
    std::int64_t deploy_us() const { return end_us() / 2; }     // deployment and mass restart: t = H/2
    std::int64_t outage_from_us() const { return end_us() / 3; } // outage: t = H/3 ...
    std::int64_t outage_to_us() const { return outage_from_us() + static_cast<std::int64_t>(outage_minutes * 60.0 * static_cast<double>(us_per_s)); }
};

struct run_result {
    model_counters model;
    std::vector<std::uint32_t> per_second;   // requests arriving in each second of the run
    // What the clients saw (ours: summed session_stats; baseline: its own counts).
    std::uint64_t restarts = 0, retries = 0, errors = 0, failed_clients = 0;
    // Requests answered with success (ours: session_stats::billable_requests; baseline: counted alike).
    std::uint64_t billable_requests = 0;
    // Convergence, per client, in seconds (see converged_what()); clients that never got there.
    std::vector<double> converged_s;
    std::uint64_t not_converged = 0;
    double wall_s = 0;
};

// What converged_* measures in a scenario, or nullptr (steady: nothing to converge on).
const char* converged_what(scenario s) noexcept;

run_result run_ours(const run_settings& s);
run_result run_baseline(const run_settings& s);

} // namespace fleet
