// The AppConfig Data service as the emulator plays it: StartConfigurationSession and
// GetLatestConfiguration with the service's rules (single-use tokens that expire after 24 h, the
// poll interval, empty bodies when unchanged, restJson1 errors), plus injected faults.
//
// No sockets here: handle() turns one HTTP request into one HTTP response at time `now`, so the
// rules are tested in-process, and the Beast server (server.hpp) only moves bytes. Not
// thread-safe: one thread calls handle() (the server runs one io_context thread).
#pragma once

#include "config_store.hpp"

#include <appconfigdata/clock.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/http/message.hpp>

#include <botan/auto_rng.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <system_error>

namespace emulator {

// Outcome of checking a request's SigV4 signature: an empty code means accepted, else
// errc::unrecognized_client / errc::invalid_signature / another errc (incomplete or missing
// signature), with a message in diag.message.
struct auth_outcome {
    std::error_code ec;
    appconfigdata::diagnostics diag;
};
using authenticator = std::function<auth_outcome(const appconfigdata::http::request&, appconfigdata::time_point now)>;

// What one request did, for the --log file. Never holds secrets or configuration bodies.
struct request_log {
    std::string request_id;
    std::string method;
    std::string path;
    int status = 0;
    std::string error_type;       // X-Amzn-ErrorType without the suffix; empty on success
    std::string problem;          // BadRequestException's InvalidParameters problem, if any
    std::string session;          // session id (7 characters), when known
    std::string token;            // the configuration token presented
    std::string next_token;       // the token handed out (initial or next)
    int poll_interval = -1;       // Next-Poll-Interval-In-Seconds handed out; -1 when none
    std::size_t body_bytes = 0;   // size of the configuration sent (0 when unchanged)
    bool injected = false;        // the error was injected by --throttle-rate / --error-rate
};

// One JSON line (no newline) for the --log file. Always valid UTF-8: bytes that do not decode
// (a token sent as %FF%FE, raw bytes in a path) are replaced by U+FFFD.
std::string format_log_line(const request_log& log, appconfigdata::time_point now, double duration_ms);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD (as Python's
// errors="replace" and the WHATWG decoder do: one U+FFFD per maximal invalid subpart).
std::string valid_utf8(std::string_view text);

struct service_settings {
    std::string config_dir;
    int poll_interval = 60;                 // default Next-Poll-Interval-In-Seconds
    double throttle_rate = 0.0;
    double error_rate = 0.0;
    long long throttle_every = 0; // every Nth request (counting all) answered 429 ThrottlingException
    long long error_every = 0;    // every Nth request answered 500 InternalServerException (throttle wins on a tie)
    std::uint64_t seed = 0;
    std::size_t max_sessions = 100000;
    std::size_t max_configuration = 16u * 1024u * 1024u;
    std::chrono::seconds token_lifetime{86400};  // --token-lifetime (the service: 24 h)
    bool sidecar_labels_only = false;       // --version-label sidecar-only: no Version-Label without a sidecar
};

class service {
public:
    service(service_settings settings, authenticator auth);

    // Answers one request at time `now`. Never throws for any request content.
    appconfigdata::http::response handle(const appconfigdata::http::request& req, appconfigdata::time_point now, request_log& log);

    // An AWS-shaped answer to a request the HTTP layer refused before it reached handle() (body or
    // head too large, malformed HTTP): restJson1 error with X-Amzn-ErrorType (the long framework form),
    // a JSON body with "message", x-amzn-RequestId and Date; fills `log` as handle() does.
    appconfigdata::http::response reject(int status, const std::string& error_type, const std::string& message, appconfigdata::time_point now,
                                         request_log& log);

    std::size_t session_count() const noexcept { return sessions_.size(); }
    std::size_t token_count() const noexcept { return tokens_.size(); }

private:
    struct session {
        std::string id;
        std::string application, environment, profile;
        int interval = 60;                                  // seconds, max(default, required minimum)
        bool polled = false;                                // a GetLatestConfiguration succeeded
        appconfigdata::time_point last_poll{};              // when the last successful poll was answered
        int last_interval = 0;                              // the interval handed out then
        std::string last_digest;                            // what the client has (empty: nothing yet)
        std::string live_token;
    };
    struct token_record {
        std::string session_id;
        appconfigdata::time_point issued{};
    };

    appconfigdata::http::response start_session(const appconfigdata::http::request& req, appconfigdata::time_point now, request_log& log);
    appconfigdata::http::response get_latest(const appconfigdata::http::request& req, appconfigdata::time_point now, request_log& log);
    appconfigdata::http::response not_found(lookup_result r, const session& s, request_log& log);

    std::string new_token(const std::string& session_id, appconfigdata::time_point now);
    // The issue time sealed in a token this run handed out (see new_token); false for anything else.
    bool token_issued_at(const std::string& token, appconfigdata::time_point& issued);
    void seal(std::uint8_t* bytes, std::size_t sealed_size, std::uint8_t* mac);
    std::string new_request_id();
    std::string new_session_id();
    std::string random_hex(std::size_t bytes);
    void prune(appconfigdata::time_point now);

    service_settings settings_;
    authenticator auth_;
    Botan::AutoSeeded_RNG rng_;          // tokens, session ids, request ids
    std::array<std::uint8_t, 32> token_key_{}; // seals the issue time into tokens (random per run)
    std::mt19937_64 faults_;             // injected throttling / errors (seeded by --seed)
    long long requests_seen_ = 0;        // for --throttle-every / --error-every
    std::map<std::string, session> sessions_;
    std::map<std::string, token_record> tokens_;
    std::uint64_t requests_ = 0;
};

} // namespace emulator
