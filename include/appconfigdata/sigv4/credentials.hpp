// AWS credentials as a value type. The secret access key and the session token are held in
// `secret_string`, which prints as "<redacted>" and never appears in an error message.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/byte_scan.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN

// A string that refuses to print. Read it with reveal(); its memory is wiped on destruction.
class secret_string {
public:
    secret_string() = default;
    secret_string(std::string value) : value_(std::move(value)), plain_(classify(value_)) {} // NOLINT: implicit on purpose
    secret_string(std::string_view value) : value_(value), plain_(classify(value_)) {}       // NOLINT
    secret_string(const char* value) : value_(value ? value : ""), plain_(classify(value_)) {} // NOLINT
    secret_string(const secret_string&) = default;
    secret_string(secret_string&&) noexcept = default;
    secret_string& operator=(const secret_string&) = default;
    secret_string& operator=(secret_string&& other) noexcept {
        wipe();
        value_ = std::move(other.value_);
        plain_ = other.plain_;
        return *this;
    }
    ~secret_string() { wipe(); }

    const std::string& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }
    std::size_t size() const noexcept { return value_.size(); }
    // True when the value has no space, control byte or DEL (worked out once, when it was stored): the
    // signer then neither re-checks a session token nor trims it, on every signature.
    bool is_plain() const noexcept { return plain_; }

    friend bool operator==(const secret_string& a, const secret_string& b) { return a.value_ == b.value_; }
    friend bool operator!=(const secret_string& a, const secret_string& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const secret_string& s) { return os << (s.empty() ? "<empty>" : "<redacted>"); }

private:
    static bool classify(const std::string& v) noexcept { return detail::find_control_byte(v.data(), v.size(), true) == v.size(); }
    void wipe() noexcept {
        volatile char* p = value_.data();
        for (std::size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    }
    std::string value_;
    bool plain_ = true; // the empty value is plain
};

struct credentials {
    std::string access_key_id;
    secret_string secret_access_key;
    secret_string session_token;               // empty for long-term keys
    std::optional<time_point> expiration;      // empty: does not expire
    std::string account_id;                    // optional, informational
    std::string provider;                      // which provider produced them, e.g. "environment"
    std::string provider_detail;               // more about it, never a secret: for a profile, its name and kind ("dev (process)")

    bool empty() const noexcept { return access_key_id.empty() || secret_access_key.empty(); }
    bool expired(time_point now) const noexcept { return expiration && now >= *expiration; }

    friend bool operator==(const credentials& a, const credentials& b) {
        return a.access_key_id == b.access_key_id && a.secret_access_key == b.secret_access_key && a.session_token == b.session_token &&
               a.expiration == b.expiration && a.account_id == b.account_id;
    }
    friend bool operator!=(const credentials& a, const credentials& b) { return !(a == b); }

    // Prints the access key id (public, appears in every Authorization header) and never the secrets.
    friend std::ostream& operator<<(std::ostream& os, const credentials& c) {
        os << "credentials{access_key_id=" << c.access_key_id << ", secret_access_key=" << c.secret_access_key
           << ", session_token=" << c.session_token;
        if (c.expiration) os << ", expiration=" << http::format_iso8601(*c.expiration);
        if (!c.provider.empty()) os << ", provider=" << c.provider;
        if (!c.provider_detail.empty()) os << " (" << c.provider_detail << ")";
        return os << "}";
    }
};

// When credentials received at `received` should be fetched again: `window` before their expiration,
// but never earlier than half their remaining life (short-lived credentials are not refreshed at
// once); time_point::max() when they do not expire. The cache (credentials/default_chain.hpp) and
// the session use this one rule, so a session asking for fresh credentials finds the cache ready.
inline time_point refresh_time(const credentials& c, time_point received, duration window) noexcept {
    if (!c.expiration) return (time_point::max)();
    if (*c.expiration <= received) return *c.expiration;
    const duration remaining = *c.expiration - received;
    return *c.expiration - (window < remaining / 2 ? window : remaining / 2);
}

APPCONFIGDATA_NAMESPACE_END
