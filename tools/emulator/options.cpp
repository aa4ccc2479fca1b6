#include "options.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>

namespace emulator {

namespace {

bool parse_integer(const std::string& text, long long lo, long long hi, long long& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || n < lo || n > hi) return false;
    out = n;
    return true;
}

bool parse_rate(const std::string& text, double& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const double p = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno != 0 || !(p >= 0.0 && p <= 1.0)) return false;
    out = p;
    return true;
}

} // namespace

std::size_t descriptor_limit() {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
    return static_cast<std::size_t>(rl.rlim_cur);
}

std::size_t default_max_connections(std::size_t limit) {
    constexpr std::size_t cap = 4096;
    if (limit == 0) return cap;
    if (limit <= descriptor_reserve + 1) return 1;
    return std::min(cap, limit - descriptor_reserve);
}

std::string usage_text() {
    std::string t;
    t += "usage: appconfigdata-emulator --config-dir DIR [--host 127.0.0.1] [--port 0]\n";
    t += "         [--access-key K --secret-key S [--session-token T]]... [--any-session-token]\n";
    t += "         [--region R] [--poll-interval SECONDS] [--version-label hash|sidecar-only]\n";
    t += "         [--log FILE] [--throttle-rate P] [--error-rate P] [--throttle-every N] [--error-every N]\n";
    t += "         [--latency-ms N] [--seed N] [--token-lifetime SECONDS]\n";
    t += "         [--max-body-bytes N] [--max-header-bytes N] [--idle-timeout SECONDS] [--max-connections N]\n\n";
    t += "A local AWS AppConfig Data endpoint (StartConfigurationSession, GetLatestConfiguration) over HTTP/1.1.\n";
    t += "The first line on stdout is `listening on http://HOST:PORT`.\n\n";
    t += "Configurations: DIR/<application>/<environment>/<profile>[.<ext>] or DIR/<application>:<environment>:<profile>[.<ext>]\n";
    t += "(the AppConfig Agent's local-development naming). The extension gives the Content-Type: .json application/json,\n";
    t += ".yaml/.yml application/x-yaml, .txt text/plain, .type%subtype type/subtype, none application/octet-stream.\n";
    t += "Version-Label: the trimmed text of the sidecar file <configuration file>.version, else (--version-label hash,\n";
    t += "the default) the first 12 hex digits of the content's SHA-256, or (--version-label sidecar-only, as the service)\n";
    t += "none. Files are read again on every poll: edits are served on the next poll.\n\n";
    t += "  --config-dir DIR        where the configurations are (required)\n";
    t += "  --host H                address to listen on (default 127.0.0.1)\n";
    t += "  --port N                port (default 0: a free port, printed on the first line)\n";
    t += "  --access-key K          an accepted access key id; repeat with --secret-key for more pairs\n";
    t += "  --secret-key S          its secret access key\n";
    t += "                          (default pair: " + std::string(default_access_key) + " / " + default_secret_key + ")\n";
    t += "  --session-token T       the session token of the --access-key before it (temporary credentials): requests\n";
    t += "                          with that key must carry it in X-Amz-Security-Token. Without it, none is accepted.\n";
    t += "  --any-session-token     accept any session token, or none, for every configured pair (for shells with\n";
    t += "                          AWS_SESSION_TOKEN set); the default is strict\n";
    t += "  --region R              the only region accepted in the SigV4 credential scope (default: any)\n";
    t += "  --poll-interval N       Next-Poll-Interval-In-Seconds, 0..86400 (default 60 as the service; small values\n";
    t += "                          are for tests). A session's RequiredMinimumPollIntervalInSeconds (15..86400) raises it.\n";
    t += "  --version-label M       hash (default) or sidecar-only; see above\n";
    t += "  --log FILE              one JSON line per request (time, method, path, token, status, error type, session)\n";
    t += "  --throttle-rate P       probability in [0,1] of an injected 429 ThrottlingException (default 0)\n";
    t += "  --error-rate P          probability in [0,1] of an injected 500 InternalServerException (default 0)\n";
    t += "  --throttle-every N      answer every Nth request (all requests counted) with 429 ThrottlingException\n";
    t += "  --error-every N         answer every Nth request with 500 InternalServerException (a request due for both\n";
    t += "                          is throttled); deterministic, for tests of retry manners\n";
    t += "  --latency-ms N          delay before every response, 0..60000 (default 0)\n";
    t += "  --seed N                seed of the fault-injection generator (default: random)\n";
    t += "  --token-lifetime N      seconds a configuration token stays valid, 1..86400 (default 86400, the service's\n";
    t += "                          24 h); an older one is answered BadRequestException, problem Expired\n";
    t += "  --max-body-bytes N      largest request body (default 65536; larger: 413 and close)\n";
    t += "  --max-header-bytes N    largest request head (default 16384; larger: 431 and close)\n";
    t += "  --idle-timeout N        seconds a connection may wait for a complete request (default 30)\n";
    t += "  --max-connections N     open connections; more are closed at once (default 4096, or the descriptor\n";
    t += "                          limit (ulimit -n) less " + std::to_string(descriptor_reserve) + " when that is lower)\n";
    t += "  --help                  this text\n";
    return t;
}

std::string parse_options(int argc, char** argv, options& out) {
    out = options{};
    static const std::set<std::string> valued = {"config-dir", "host", "port", "access-key", "secret-key", "region",
                                                  "poll-interval", "log", "throttle-rate", "error-rate", "throttle-every", "error-every", "latency-ms", "seed",
                                                  "max-body-bytes", "max-header-bytes", "idle-timeout", "session-token",
                                                  "version-label", "max-connections", "token-lifetime"};
    static const std::set<std::string> flags = {"any-session-token"};
    std::vector<std::string> access_keys;
    std::vector<std::string> secret_keys;
    std::map<std::size_t, std::string> session_tokens; // index of the --access-key a --session-token follows
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            out.help = true;
            return {};
        }
        if (a.rfind("--", 0) != 0) return "unexpected argument '" + a + "'";
        std::string name = a.substr(2);
        std::string value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else if (valued.count(name)) {
            if (i + 1 >= argc) return "option --" + name + " needs a value";
            value = argv[++i];
        }
        if (flags.count(name)) {
            if (a.find('=') != std::string::npos) return "option --" + name + " takes no value";
            if (name == "any-session-token") out.any_session_token = true;
            continue;
        }
        if (!valued.count(name)) return "unknown option --" + name;

        long long n = 0;
        if (name == "config-dir") {
            out.config_dir = value;
        } else if (name == "host") {
            if (value.empty()) return "option --host needs a value";
            out.host = value;
        } else if (name == "port") {
            if (!parse_integer(value, 0, 65535, n)) return "option --port must be an integer from 0 to 65535";
            out.port = static_cast<std::uint16_t>(n);
        } else if (name == "access-key") {
            if (value.empty()) return "option --access-key needs a value";
            access_keys.push_back(value);
        } else if (name == "secret-key") {
            if (value.empty()) return "option --secret-key needs a value";
            secret_keys.push_back(value);
        } else if (name == "session-token") {
            if (value.empty()) return "option --session-token needs a value";
            if (access_keys.empty()) return "option --session-token must follow the --access-key it belongs to";
            if (!session_tokens.emplace(access_keys.size() - 1, value).second)
                return "option --session-token given twice for one --access-key";
        } else if (name == "version-label") {
            if (value == "hash") out.version_label = version_label_mode::hash;
            else if (value == "sidecar-only") out.version_label = version_label_mode::sidecar_only;
            else return "option --version-label must be hash or sidecar-only";
        } else if (name == "max-connections") {
            if (!parse_integer(value, 1, 1000000, n)) return "option --max-connections must be an integer from 1 to 1000000";
            out.max_connections = static_cast<std::size_t>(n);
        } else if (name == "region") {
            out.region = value;
        } else if (name == "poll-interval") {
            if (!parse_integer(value, 0, 86400, n)) return "option --poll-interval must be an integer from 0 to 86400";
            out.poll_interval = static_cast<int>(n);
        } else if (name == "log") {
            out.log_file = value;
        } else if (name == "throttle-rate") {
            if (!parse_rate(value, out.throttle_rate)) return "option --throttle-rate must be a number from 0 to 1";
        } else if (name == "error-rate") {
            if (!parse_rate(value, out.error_rate)) return "option --error-rate must be a number from 0 to 1";
        } else if (name == "throttle-every") {
            if (!parse_integer(value, 1, 1000000000, n)) return "option --throttle-every must be an integer from 1 to 1000000000";
            out.throttle_every = n;
        } else if (name == "error-every") {
            if (!parse_integer(value, 1, 1000000000, n)) return "option --error-every must be an integer from 1 to 1000000000";
            out.error_every = n;
        } else if (name == "latency-ms") {
            if (!parse_integer(value, 0, 60000, n)) return "option --latency-ms must be an integer from 0 to 60000";
            out.latency_ms = static_cast<int>(n);
        } else if (name == "seed") {
            if (!parse_integer(value, 0, 0x7fffffffffffffffLL, n)) return "option --seed must be a non-negative integer";
            out.seed = static_cast<std::uint64_t>(n);
            out.seed_given = true;
        } else if (name == "max-body-bytes") {
            if (!parse_integer(value, 1, 16LL * 1024 * 1024, n)) return "option --max-body-bytes must be an integer from 1 to 16777216";
            out.max_body_bytes = static_cast<std::size_t>(n);
        } else if (name == "max-header-bytes") {
            if (!parse_integer(value, 1024, 1024LL * 1024, n)) return "option --max-header-bytes must be an integer from 1024 to 1048576";
            out.max_header_bytes = static_cast<std::size_t>(n);
        } else if (name == "token-lifetime") {
            if (!parse_integer(value, 1, 86400, n)) return "option --token-lifetime must be an integer from 1 to 86400";
            out.token_lifetime = std::chrono::seconds(n);
        } else if (name == "idle-timeout") {
            if (!parse_integer(value, 1, 3600, n)) return "option --idle-timeout must be an integer from 1 to 3600";
            out.idle_timeout = std::chrono::seconds(n);
        }
    }
    if (out.config_dir.empty()) return "missing required option --config-dir";
    if (access_keys.size() != secret_keys.size()) return "every --access-key needs one --secret-key (and the other way round)";
    for (std::size_t i = 0; i < access_keys.size(); ++i) {
        const auto t = session_tokens.find(i);
        out.keys.push_back({access_keys[i], secret_keys[i], t == session_tokens.end() ? std::string() : t->second});
    }
    if (out.keys.empty()) out.keys.push_back({default_access_key, default_secret_key});
    return {};
}

} // namespace emulator
