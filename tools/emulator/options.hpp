// Command-line options of appconfigdata-emulator and their parser.
#pragma once

#include <appconfigdata/sigv4/credentials.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace emulator {

// The key pair accepted when no --access-key/--secret-key is given: the well-known example pair of
// the AWS SigV4 documentation. It is printed by --help; it is not a secret.
inline constexpr const char* default_access_key = "AKIDEXAMPLE";
inline constexpr const char* default_secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// One accepted credential: an access key id, its secret and, for temporary credentials, the session
// token a request must carry in X-Amz-Security-Token (empty: none, unless any_session_token is set).
struct key_pair {
    std::string access_key_id;
    appconfigdata::secret_string secret_access_key;
    appconfigdata::secret_string session_token = {};
};

// Where Version-Label comes from: `hash` (the sidecar, else a content hash: every configuration has a
// label, so a change is always visible) or `sidecar_only` (as the service: only labelled versions have one).
enum class version_label_mode { hash, sidecar_only };

struct options {
    std::string config_dir;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;                  // 0: the system picks a free port
    std::vector<key_pair> keys;              // empty after parsing only when --help was asked
    bool any_session_token = false;          // accept any X-Amz-Security-Token (or none) for a configured pair
    version_label_mode version_label = version_label_mode::hash;
    std::string region;                      // empty: any region in the credential scope is accepted
    int poll_interval = 60;                  // Next-Poll-Interval-In-Seconds (0..86400; the service's default is 60)
    std::string log_file;                    // one JSON line per request; empty: no log
    double throttle_rate = 0.0;              // probability of an injected ThrottlingException
    double error_rate = 0.0;                 // probability of an injected InternalServerException
    long long throttle_every = 0;            // every Nth request is throttled (0: never), deterministic
    long long error_every = 0;               // every Nth request fails with a 500 (0: never), deterministic
    int latency_ms = 0;                      // added before every response
    std::uint64_t seed = 0;                  // seed of the fault-injection generator
    bool seed_given = false;
    std::chrono::seconds token_lifetime{86400}; // a configuration token expires this long after it was handed out
                                             // (1..86400; the service's 24 h; small values are for tests)

    // Bounds (not in the list, but documented in --help).
    std::size_t max_body_bytes = 64 * 1024;          // request body; larger: 413 and close
    std::size_t max_header_bytes = 16 * 1024;        // request line + headers; larger: 431 and close
    std::chrono::seconds idle_timeout{30};           // no complete request within this time: close
    std::size_t max_connections = 0;                 // accepted beyond this are closed at once; 0: the default
                                                     // (default_max_connections(), below the descriptor limit)
    std::size_t max_sessions = 100000;               // live sessions; beyond: ThrottlingException

    bool help = false;
};

// The connection limit when --max-connections is not given: 4096, or fewer when the process may
// open fewer descriptors (RLIMIT_NOFILE, soft limit, read at start-up), keeping `reserve` of them
// for the listener, the log, configuration reads and the runtime.
std::size_t default_max_connections(std::size_t descriptor_limit);
inline constexpr std::size_t descriptor_reserve = 32;

// The soft RLIMIT_NOFILE of this process (0 when unknown or unlimited).
std::size_t descriptor_limit();

// Parses argv. Returns an empty string on success, else a one-line usage error.
std::string parse_options(int argc, char** argv, options& out);

// The --help text.
std::string usage_text();

} // namespace emulator
