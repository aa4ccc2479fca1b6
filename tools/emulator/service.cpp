#include "service.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/http/time_format.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace emulator {

namespace acd = appconfigdata;
namespace json = boost::json;

namespace {

// The suffix the live service appends to X-Amzn-ErrorType for its framework errors
// (observed: "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/").
constexpr const char* coral_suffix = ":http://internal.amazon.com/coral/com.amazon.coral.service/";

constexpr const char* token_parameter = "ConfigurationToken";

// A restJson1 error response. Modelled errors carry "Message" plus their members; framework
// (authentication) errors carry "message" and the long X-Amzn-ErrorType, as the service sends them.
acd::http::response error_response(int status, const std::string& type, const std::string& message, json::object members,
                                   request_log& log, bool framework = false) {
    acd::http::response res;
    res.status = status;
    res.headers.add("Content-Type", "application/json");
    res.headers.add("X-Amzn-ErrorType", framework ? type + coral_suffix : type);
    json::object body = std::move(members);
    body[framework ? "message" : "Message"] = valid_utf8(message);
    res.body = json::serialize(body);
    log.status = status;
    log.error_type = type;
    return res;
}

acd::http::response bad_request_problem(const std::string& message, const char* problem, request_log& log) {
    json::object details;
    details["InvalidParameters"] = json::object{{token_parameter, json::object{{"Problem", problem}}}};
    json::object members{{"Reason", "InvalidParameters"}, {"Details", std::move(details)}};
    log.problem = problem;
    return error_response(400, "BadRequestException", message, std::move(members), log);
}

acd::http::response validation_error(const std::string& message, request_log& log) {
    return error_response(400, "BadRequestException", message, {}, log);
}

// Coral-style validation message: "1 validation error detected: Value ... at 'x' failed to satisfy constraint: ...".
std::string validation_message(const std::string& value, const std::string& member, const std::string& constraint) {
    return "1 validation error detected: Value " + value + " at '" + member + "' failed to satisfy constraint: " + constraint;
}

std::string digest_of(const stored_configuration& c) {
    acd::adapters::botan_crypto crypto;
    acd::crypto::digest d{};
    std::string material;
    material.reserve(c.content.size() + c.content_type.size() + c.version_label.size() + 2);
    material += c.content_type;
    material += '\0';
    material += c.version_label;
    material += '\0';
    material += c.content;
    crypto.sha256(material, d);
    return acd::detail::to_hex(d);
}

std::string base64(const std::uint8_t* data, std::size_t size) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < size; i += 3) {
        const unsigned v = (unsigned{data[i]} << 16) | (unsigned{data[i + 1]} << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i < size) {
        unsigned v = unsigned{data[i]} << 16;
        if (i + 1 < size) v |= unsigned{data[i + 1]} << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += (i + 1 < size) ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// The value of `name` in a raw query string, percent-decoded; false when absent.
bool query_value(const std::string& query, std::string_view name, std::string& out) {
    std::string_view q = query;
    while (!q.empty()) {
        const auto amp = q.find('&');
        const std::string_view pair = q.substr(0, amp);
        const auto eq = pair.find('=');
        if (acd::http::percent_decode(pair.substr(0, eq)) == name) {
            out = eq == std::string_view::npos ? std::string() : acd::http::percent_decode(pair.substr(eq + 1));
            return true;
        }
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return false;
}

void json_field(std::string& out, const char* name, const std::string& value) {
    out += ",\"";
    out += name;
    out += "\":";
    out += json::serialize(json::string_view(valid_utf8(value)));
}

// Decodes standard base64 with padding; false for anything else.
bool unbase64(std::string_view text, std::vector<std::uint8_t>& out) {
    out.clear();
    if (text.size() % 4 != 0) return false;
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + static_cast<std::size_t>(k)];
            if (c == '=' && i + 4 == text.size() && k >= 2) {
                v[k] = 0;
                ++pad;
            } else if (pad > 0 || (v[k] = value(c)) < 0) {
                return false;
            }
        }
        const unsigned n = (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
        out.push_back(static_cast<std::uint8_t>(n >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(n >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(n));
    }
    return true;
}

// Token layout (46 bytes, 64 base64 characters): 0..5 random (bytes 3 and 4 fixed so that '+' and
// '/' appear), 6..13 the issue time in seconds since the epoch (big-endian), 14..37 random,
// 38..45 the first 8 bytes of HMAC-SHA256(run key, bytes 0..37). Like the service's tokens
// (self-contained ciphertexts), one of ours still says when it was issued after it is forgotten.
constexpr std::size_t token_bytes = 46;
constexpr std::size_t token_time_at = 6;
constexpr std::size_t token_sealed = 38;

} // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            out.push_back(static_cast<char>(b));
            ++i;
            continue;
        }
        std::size_t need = 0;
        unsigned char lo = 0x80, hi = 0xBF; // the range of the second byte
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) lo = 0xA0;      // no overlong forms
            if (b == 0xED) hi = 0x9F;      // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) lo = 0x90;      // no overlong forms
            if (b == 0xF4) hi = 0x8F;      // nothing above U+10FFFF
        }
        std::size_t k = 1;
        if (need > 0) {
            for (; k <= need && i + k < n; ++k) {
                const unsigned char c = p[i + k];
                const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
                if (c < l || c > h) break;
            }
        }
        if (need > 0 && k == need + 1) {
            out.append(text.data() + i, need + 1);
            i += need + 1;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD for the maximal invalid subpart
            i += k;
        }
    }
    return out;
}

std::string format_log_line(const request_log& log, acd::time_point now, double duration_ms) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::string time = acd::http::format_iso8601(now); // 2026-11-26T07:00:00Z
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms));
    if (!time.empty() && time.back() == 'Z') time.pop_back();
    time += frac;
    std::string out = "{\"time\":\"" + time + "\"";
    json_field(out, "request_id", log.request_id);
    json_field(out, "method", log.method);
    json_field(out, "path", log.path);
    out += ",\"status\":" + std::to_string(log.status);
    json_field(out, "error_type", log.error_type);
    if (!log.problem.empty()) json_field(out, "problem", log.problem);
    json_field(out, "session", log.session);
    json_field(out, "token", log.token);
    json_field(out, "next_token", log.next_token);
    if (log.poll_interval >= 0) out += ",\"poll_interval\":" + std::to_string(log.poll_interval);
    out += ",\"body_bytes\":" + std::to_string(log.body_bytes);
    if (log.injected) out += ",\"injected\":true";
    char d[32];
    std::snprintf(d, sizeof d, "%.3f", duration_ms);
    out += ",\"duration_ms\":";
    out += d;
    out += "}";
    return out;
}

service::service(service_settings settings, authenticator auth)
    : settings_(std::move(settings)), auth_(std::move(auth)), faults_(settings_.seed) {
    rng_.randomize(token_key_.data(), token_key_.size());
}

std::string service::new_request_id() {
    return random_hex(4) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(6);
}

void service::seal(std::uint8_t* bytes, std::size_t sealed_size, std::uint8_t* mac) {
    acd::adapters::botan_crypto crypto;
    acd::crypto::digest d{};
    crypto.hmac_sha256(acd::crypto::byte_view(token_key_.data(), token_key_.size()),
                       std::string_view(reinterpret_cast<const char*>(bytes), sealed_size), d);
    std::copy(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(token_bytes - token_sealed), mac);
}

bool service::token_issued_at(const std::string& token, acd::time_point& issued) {
    std::vector<std::uint8_t> b;
    if (!unbase64(token, b) || b.size() != token_bytes) return false;
    std::array<std::uint8_t, token_bytes - token_sealed> mac{};
    seal(b.data(), token_sealed, mac.data());
    unsigned diff = 0;
    for (std::size_t i = 0; i < mac.size(); ++i) diff |= unsigned(mac[i] ^ b[token_sealed + i]);
    if (diff != 0) return false;
    std::uint64_t seconds = 0;
    for (std::size_t i = 0; i < 8; ++i) seconds = (seconds << 8) | b[token_time_at + i];
    if (seconds > 0x7fffffffffffULL) return false;
    issued = acd::time_point(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
    return true;
}

std::string service::random_hex(std::size_t bytes) {
    std::vector<std::uint8_t> b(bytes);
    rng_.randomize(b.data(), b.size());
    return acd::detail::to_hex(b);
}

std::string service::new_session_id() {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (;;) {
        std::array<std::uint8_t, 7> b{};
        rng_.randomize(b.data(), b.size());
        std::string id;
        for (auto v : b) id += alphabet[v % 36];
        if (!sessions_.count(id)) return id;
    }
}

// Opaque, single use: 46 bytes in base64 (layout above), so always with '=' padding; two bytes are
// fixed so that every token also holds '+' and '/' (clients must percent-encode them).
std::string service::new_token(const std::string& session_id, acd::time_point now) {
    for (;;) {
        std::array<std::uint8_t, token_bytes> b{};
        rng_.randomize(b.data(), b.size());
        b[3] = 0xFB;
        b[4] = static_cast<std::uint8_t>(b[4] | 0xF0);
        auto seconds = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
        for (std::size_t i = 0; i < 8; ++i) b[token_time_at + 7 - i] = static_cast<std::uint8_t>(seconds >> (8 * i));
        seal(b.data(), token_sealed, b.data() + token_sealed);
        std::string token = base64(b.data(), b.size());
        if (tokens_.count(token)) continue;
        tokens_[token] = token_record{session_id, now};
        return token;
    }
}

// Tokens are kept for their lifetime; after it the sealed issue time still reads Expired, however
// old the token is. A session goes away with its last token.
void service::prune(acd::time_point now) {
    for (auto it = tokens_.begin(); it != tokens_.end();) {
        if (now - it->second.issued > settings_.token_lifetime) {
            auto s = sessions_.find(it->second.session_id);
            if (s != sessions_.end() && s->second.live_token == it->first) sessions_.erase(s);
            it = tokens_.erase(it);
        } else {
            ++it;
        }
    }
}

acd::http::response service::handle(const acd::http::request& req, acd::time_point now, request_log& log) {
    log = request_log{};
    log.request_id = new_request_id();
    log.method = req.method;
    log.path = req.path;
    if ((++requests_ & 1023u) == 0) prune(now);

    acd::http::response res;
    const bool start = req.path == "/configurationsessions";
    const bool get = req.path == "/configuration";
    auto auth = auth_ ? auth_(req, now) : auth_outcome{};
    if (auth.ec) {
        const auto e = auth.ec;
        std::string type = "IncompleteSignatureException";
        int status = 400;
        if (e == acd::errc::unrecognized_client) {
            type = "UnrecognizedClientException";
            status = 403;
        } else if (e == acd::errc::invalid_signature) {
            type = "InvalidSignatureException";
            status = 403;
        }
        // The verifier names the AWS error and status itself (e.g. MissingAuthenticationTokenException).
        if (!auth.diag.error_type.empty()) type = auth.diag.error_type;
        if (auth.diag.http_status >= 400) status = auth.diag.http_status;
        res = error_response(status, type, auth.diag.message.empty() ? e.message() : auth.diag.message, {}, log, true);
    } else if ((start && req.method != "POST") || (get && req.method != "GET") || (!start && !get)) {
        res = error_response(404, "UnknownOperationException", "No operation matches " + req.method + " " + req.path.substr(0, 256), {}, log,
                             true);
    } else if (++requests_seen_, settings_.throttle_every > 0 && requests_seen_ % settings_.throttle_every == 0) {
        log.injected = true;
        res = error_response(429, "ThrottlingException", "Rate exceeded", {}, log);
    } else if (settings_.error_every > 0 && requests_seen_ % settings_.error_every == 0) {
        log.injected = true;
        res = error_response(500, "InternalServerException", "Internal failure. Please retry your request.", {}, log);
    } else if (settings_.throttle_rate > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(faults_) < settings_.throttle_rate) {
        log.injected = true;
        res = error_response(429, "ThrottlingException", "Rate exceeded", {}, log);
    } else if (settings_.error_rate > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(faults_) < settings_.error_rate) {
        log.injected = true;
        res = error_response(500, "InternalServerException", "Internal failure. Please retry your request.", {}, log);
    } else {
        res = start ? start_session(req, now, log) : get_latest(req, now, log);
    }
    res.headers.set("x-amzn-RequestId", log.request_id);
    res.headers.set("Date", acd::http::format_http_date(now));
    if (log.status == 0) log.status = res.status;
    return res;
}

acd::http::response service::reject(int status, const std::string& type, const std::string& message, acd::time_point now, request_log& log) {
    log = request_log{};
    log.request_id = new_request_id();
    acd::http::response res = error_response(status, type, message, {}, log, true);
    res.headers.set("x-amzn-RequestId", log.request_id);
    res.headers.set("Date", acd::http::format_http_date(now));
    return res;
}

acd::http::response service::start_session(const acd::http::request& req, acd::time_point now, request_log& log) {
    json::error_code jec;
    json::value doc = json::parse(req.body, jec);
    if (jec || !doc.is_object()) return validation_error("Request body is not a valid JSON object", log);
    const auto& obj = doc.as_object();

    std::string ids[3];
    const char* names[3] = {"ApplicationIdentifier", "EnvironmentIdentifier", "ConfigurationProfileIdentifier"};
    for (int i = 0; i < 3; ++i) {
        const auto* v = obj.if_contains(names[i]);
        if (!v || v->is_null()) return validation_error(validation_message("null", names[i], "Member must not be null"), log);
        if (!v->is_string()) return validation_error(validation_message(json::serialize(*v), names[i], "Member must be a string"), log);
        ids[i] = std::string(v->as_string());
        if (ids[i].empty() || ids[i].size() > 128)
            return validation_error(validation_message("'" + (ids[i].size() > 128 ? ids[i].substr(0, 128) + "...": ids[i]) + "'", names[i],
                                                       "Member must have length between 1 and 128"),
                                    log);
    }
    int interval = settings_.poll_interval;
    if (const auto* v = obj.if_contains("RequiredMinimumPollIntervalInSeconds"); v && !v->is_null()) {
        const char* member = "RequiredMinimumPollIntervalInSeconds";
        std::int64_t n = 0;
        if (v->is_int64()) n = v->as_int64();
        else if (v->is_uint64()) n = v->as_uint64() > 1000000 ? 1000000 : static_cast<std::int64_t>(v->as_uint64());
        else return validation_error(validation_message(json::serialize(*v), member, "Member must be an integer"), log);
        if (n < 15 || n > 86400)
            return validation_error(validation_message(std::to_string(n), member, "Member must have value between 15 and 86400"), log);
        interval = std::max(interval, static_cast<int>(n));
    }

    session s;
    s.application = ids[0];
    s.environment = ids[1];
    s.profile = ids[2];
    stored_configuration c;
    const auto r = find_configuration(settings_.config_dir, s.application, s.environment, s.profile, settings_.max_configuration, c);
    if (r != lookup_result::found) return not_found(r, s, log);

    if (sessions_.size() >= settings_.max_sessions) prune(now);
    if (sessions_.size() >= settings_.max_sessions) return error_response(429, "ThrottlingException", "Too many open sessions", {}, log);

    s.id = new_session_id();
    s.interval = interval;
    s.live_token = new_token(s.id, now);
    log.session = s.id;
    log.next_token = s.live_token;
    log.poll_interval = interval;

    acd::http::response res;
    res.status = 201;
    res.headers.add("Content-Type", "application/json");
    res.body = json::serialize(json::object{{"InitialConfigurationToken", s.live_token}});
    sessions_.emplace(s.id, std::move(s));
    return res;
}

acd::http::response service::not_found(lookup_result r, const session& s, request_log& log) {
    switch (r) {
    case lookup_result::no_application:
        return error_response(404, "ResourceNotFoundException", "Application '" + s.application + "' not found",
                              {{"ResourceType", "Application"}, {"ReferencedBy", json::object{{"ApplicationIdentifier", s.application}}}}, log);
    case lookup_result::no_environment:
        return error_response(404, "ResourceNotFoundException", "Environment '" + s.environment + "' not found",
                              {{"ResourceType", "Environment"}, {"ReferencedBy", json::object{{"EnvironmentIdentifier", s.environment}}}}, log);
    case lookup_result::no_profile:
        return error_response(404, "ResourceNotFoundException", "Configuration profile '" + s.profile + "' not found",
                              {{"ResourceType", "ConfigurationProfile"},
                               {"ReferencedBy", json::object{{"ConfigurationProfileIdentifier", s.profile}}}},
                              log);
    case lookup_result::too_large:
        return error_response(500, "InternalServerException", "Configuration exceeds the emulator's size limit", {}, log);
    case lookup_result::read_failed:
    case lookup_result::found: break;
    }
    return error_response(500, "InternalServerException", "Configuration could not be read", {}, log);
}

acd::http::response service::get_latest(const acd::http::request& req, acd::time_point now, request_log& log) {
    std::string token;
    const char* member = "ConfigurationToken";
    if (!query_value(req.query, "configuration_token", token) || token.empty())
        return validation_error(validation_message("null", member, "Member must not be null"), log);
    log.token = token.size() > 8192 ? token.substr(0, 64) + "..." : token;
    if (token.size() > 8192)
        return validation_error(validation_message("(" + std::to_string(token.size()) + " characters)", member,
                                                   "Member must have length less than or equal to 8192"),
                                log);
    for (char c : token)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return validation_error(validation_message("(a token with whitespace)", member, "Member must satisfy regular expression pattern: \\S{1,8192}"), log);

    auto t = tokens_.find(token);
    if (t == tokens_.end()) {
        // Spent or forgotten, or never ours: a token of this run older than the lifetime is Expired.
        acd::time_point issued{};
        if (token_issued_at(token, issued) && now - issued >= settings_.token_lifetime)
            return bad_request_problem("Token expired", "Expired", log);
        return bad_request_problem("Token not valid", "Corrupted", log);
    }
    log.session = t->second.session_id;
    if (now - t->second.issued >= settings_.token_lifetime) return bad_request_problem("Token expired", "Expired", log);
    auto sit = sessions_.find(t->second.session_id);
    if (sit == sessions_.end() || sit->second.live_token != token) return bad_request_problem("Token not valid", "Corrupted", log);
    session& s = sit->second;

    if (s.polled && now < s.last_poll + std::chrono::seconds(s.last_interval))
        return bad_request_problem("Request too early", "PollIntervalNotSatisfied", log);

    stored_configuration c;
    const auto r = find_configuration(settings_.config_dir, s.application, s.environment, s.profile, settings_.max_configuration, c);
    if (r != lookup_result::found) return not_found(r, s, log);
    if (settings_.sidecar_labels_only && !c.labelled) c.version_label.clear();

    // The poll succeeds: the presented token is spent, a new one replaces it.
    acd::http::response res;
    res.status = 200;
    const std::string digest = digest_of(c);
    const bool changed = digest != s.last_digest;
    tokens_.erase(t);
    s.live_token = new_token(s.id, now);
    s.polled = true;
    s.last_poll = now;
    s.last_interval = s.interval;
    s.last_digest = digest;

    res.headers.add("Next-Poll-Configuration-Token", s.live_token);
    res.headers.add("Next-Poll-Interval-In-Seconds", std::to_string(s.interval));
    res.headers.add("Content-Type", c.content_type);
    if (changed) {
        if (!c.version_label.empty()) res.headers.add("Version-Label", c.version_label);
        res.body = std::move(c.content);
    }
    log.next_token = s.live_token;
    log.poll_interval = s.interval;
    log.body_bytes = res.body.size();
    return res;
}

} // namespace emulator
