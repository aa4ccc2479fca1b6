// `appconfigdata agent`: its settings, read from the AWS AppConfig Agent's own environment variables
// (same names, defaults and units). A value that does not parse, or a variable of the AWS Agent this
// agent does not implement, stops the start with a usage_error naming the variable.
#pragma once

#include "args.hpp"

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/endpoint/resolver.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace cli::agent {

enum class log_level { trace, debug, info, warn, error, fatal, none };

struct config_key {
    std::string application, environment, profile;
    std::string text() const { return application + ":" + environment + ":" + profile; }
    friend bool operator<(const config_key& a, const config_key& b) {
        return std::tie(a.application, a.environment, a.profile) < std::tie(b.application, b.environment, b.profile);
    }
    friend bool operator==(const config_key& a, const config_key& b) {
        return a.application == b.application && a.environment == b.environment && a.profile == b.profile;
    }
};

struct settings {
    std::string http_host = "127.0.0.1";            // HTTP_HOST (loopback unless told)
    unsigned short http_port = 2772;                // HTTP_PORT
    std::chrono::seconds poll_interval{45};         // POLL_INTERVAL
    std::chrono::milliseconds request_timeout{3000}; // REQUEST_TIMEOUT
    int max_connections = 3;                        // MAX_CONNECTIONS
    std::vector<config_key> prefetch;               // PREFETCH_LIST
    std::string backup_directory;                   // BACKUP_DIRECTORY
    bool preload_backups = true;                    // PRELOAD_BACKUPS
    std::string access_token;                       // ACCESS_TOKEN (a secret: never logged)
    log_level level = log_level::info;              // LOG_LEVEL
    std::string log_path;                           // LOG_PATH ("" = stderr)
    std::string service_region;                     // SERVICE_REGION ("" = the region chain)
    std::string role_arn, role_external_id, role_session_name; // ROLE_ARN, ROLE_EXTERNAL_ID, ROLE_SESSION_NAME
    std::string proxy_url;                          // PROXY_URL
    std::string local_development_directory;        // LOCAL_DEVELOPMENT_DIRECTORY
};

using lookup = std::function<std::optional<std::string>(const char*)>;

inline lookup process_environment() {
    return [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        if (!v || !*v) return std::nullopt;
        return std::string(v);
    };
}

// "45", "45s", "5m", "1h" (bare numbers in `bare`), or with `allow_ms` "3000ms". nullopt when malformed.
inline std::optional<std::chrono::milliseconds> parse_duration(const std::string& text, std::chrono::milliseconds bare, bool allow_ms) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 9) return std::nullopt;
    const long long n = std::stoll(text.substr(0, digits));
    const std::string unit = text.substr(digits);
    if (unit.empty()) return bare * n;
    if (unit == "ms" && allow_ms) return std::chrono::milliseconds(n);
    if (unit == "s") return std::chrono::milliseconds(n * 1000);
    if (unit == "m" && !allow_ms) return std::chrono::milliseconds(n * 60 * 1000);
    if (unit == "h" && !allow_ms) return std::chrono::milliseconds(n * 3600 * 1000);
    return std::nullopt;
}

// "App:Env:Profile"; each part 1..128 characters, no ':' inside (names with ':' cannot be prefetched).
inline std::optional<config_key> parse_key(const std::string& text) {
    const auto a = text.find(':');
    const auto b = a == std::string::npos ? a : text.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos || text.find(':', b + 1) != std::string::npos) return std::nullopt;
    config_key k{text.substr(0, a), text.substr(a + 1, b - a - 1), text.substr(b + 1)};
    for (const std::string* part : {&k.application, &k.environment, &k.profile})
        if (part->empty() || part->size() > 128) return std::nullopt;
    return k;
}

inline settings read_settings(const lookup& env) {
    settings s;
    const auto bad = [](const char* name, const std::string& why) { throw usage_error(std::string(name) + ": " + why); };
    for (const char* unsupported : {"MANIFEST", "PROXY_HEADERS", "WAIT_ON_MANIFEST"})
        if (env(unsupported))
            bad(unsupported, "is a variable of the AWS AppConfig Agent that appconfigdata agent does not implement; unset it");
    if (auto v = env("HTTP_HOST")) s.http_host = *v;
    if (auto v = env("HTTP_PORT")) {
        char* end = nullptr;
        const long p = std::strtol(v->c_str(), &end, 10);
        if (*end != '\0' || p < 1 || p > 65535) bad("HTTP_PORT", "must be a port number from 1 to 65535, not '" + *v + "'");
        s.http_port = static_cast<unsigned short>(p);
    }
    if (auto v = env("POLL_INTERVAL")) {
        const auto d = parse_duration(*v, std::chrono::seconds(1), false);
        if (!d || *d < std::chrono::seconds(1) || *d > std::chrono::hours(24))
            bad("POLL_INTERVAL", "must be 1 s to 24 h: a number of seconds or a number with s, m or h (45, 45s, 5m, 1h), not '" + *v + "'");
        s.poll_interval = std::chrono::duration_cast<std::chrono::seconds>(*d);
    }
    if (auto v = env("REQUEST_TIMEOUT")) {
        const auto d = parse_duration(*v, std::chrono::milliseconds(1), true);
        if (!d || *d < std::chrono::milliseconds(1) || *d > std::chrono::minutes(10))
            bad("REQUEST_TIMEOUT", "must be 1 ms to 10 min: a number of milliseconds or a number with ms or s (3000, 3000ms, 3s), not '" + *v + "'");
        s.request_timeout = *d;
    }
    if (auto v = env("MAX_CONNECTIONS")) {
        char* end = nullptr;
        const long n = std::strtol(v->c_str(), &end, 10);
        if (*end != '\0' || n < 1 || n > 1000) bad("MAX_CONNECTIONS", "must be a number from 1 to 1000, not '" + *v + "'");
        s.max_connections = static_cast<int>(n);
    }
    if (auto v = env("PREFETCH_LIST")) {
        std::size_t start = 0;
        while (start <= v->size()) {
            const auto comma = v->find(',', start);
            std::string item = v->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            while (!item.empty() && item.front() == ' ') item.erase(item.begin());
            while (!item.empty() && item.back() == ' ') item.pop_back();
            if (!item.empty()) {
                auto k = parse_key(item);
                if (!k) bad("PREFETCH_LIST", "'" + item + "' is not Application:Environment:Profile");
                s.prefetch.push_back(*k);
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    if (auto v = env("BACKUP_DIRECTORY")) s.backup_directory = *v;
    if (auto v = env("PRELOAD_BACKUPS")) {
        if (appconfigdata::detail::iequals(*v, "true")) s.preload_backups = true;
        else if (appconfigdata::detail::iequals(*v, "false")) s.preload_backups = false;
        else bad("PRELOAD_BACKUPS", "must be true or false, not '" + *v + "'");
    }
    if (auto v = env("ACCESS_TOKEN")) s.access_token = *v;
    if (auto v = env("LOG_LEVEL")) {
        const std::string l = appconfigdata::detail::to_lower(*v);
        const std::pair<const char*, log_level> levels[] = {{"trace", log_level::trace}, {"debug", log_level::debug}, {"info", log_level::info},
                                                            {"warn", log_level::warn},   {"error", log_level::error}, {"fatal", log_level::fatal},
                                                            {"none", log_level::none}};
        bool found = false;
        for (const auto& p : levels)
            if (l == p.first) {
                s.level = p.second;
                found = true;
            }
        if (!found) bad("LOG_LEVEL", "must be one of trace, debug, info, warn, error, fatal, none, not '" + *v + "'");
    }
    if (auto v = env("LOG_PATH")) s.log_path = *v;
    if (auto v = env("SERVICE_REGION")) {
        if (!appconfigdata::endpoint::is_valid_region(*v)) bad("SERVICE_REGION", "'" + *v + "' is not a valid region");
        s.service_region = *v;
    }
    if (auto v = env("ROLE_ARN")) {
        if (v->rfind("arn:", 0) != 0) bad("ROLE_ARN", "must be a role ARN (arn:aws:iam::ACCOUNT:role/NAME), not '" + *v + "'");
        s.role_arn = *v;
    }
    if (auto v = env("ROLE_EXTERNAL_ID")) s.role_external_id = *v;
    if (auto v = env("ROLE_SESSION_NAME")) s.role_session_name = *v;
    if ((!s.role_external_id.empty() || !s.role_session_name.empty()) && s.role_arn.empty())
        bad(!s.role_external_id.empty() ? "ROLE_EXTERNAL_ID" : "ROLE_SESSION_NAME", "needs ROLE_ARN");
    if (auto v = env("PROXY_URL")) {
        if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) bad("PROXY_URL", "must be an http:// or https:// URL, not '" + *v + "'");
        s.proxy_url = *v;
    }
    if (auto v = env("LOCAL_DEVELOPMENT_DIRECTORY")) s.local_development_directory = *v;
    return s;
}

} // namespace cli::agent
