// The one way every machine reports how it ended: `outcome<T>` holds a status, the value (when
// ready) or a typed error with its diagnostics. Credential providers report outcome<credentials>
// (provider_result), the region chain outcome<region_choice>, the session outcome<no_value> (its
// configurations come as events). Printing shows status, error and diagnostics, and the value only
// through the value's own redacting operator<<.
#pragma once

#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class outcome_status {
    pending,        // still working: call next(now)
    ready,          // the value is in outcome().value
    not_applicable, // this source is not configured here; a chain tries the next one
    failed,         // configured but failed; outcome().error and .diag say why
};

inline const char* to_string(outcome_status s) noexcept {
    constexpr const char* names[] = {"pending", "ready", "not applicable", "failed"};
    return appconfigdata::detail::enum_name<outcome_status::failed>(s, names);
}

inline std::ostream& operator<<(std::ostream& os, outcome_status s) { return os << to_string(s); }

// For machines whose results are not one value (the session reports configurations as events).
struct no_value {
    friend bool operator==(no_value, no_value) noexcept { return true; }
    friend bool operator!=(no_value, no_value) noexcept { return false; }
    friend std::ostream& operator<<(std::ostream& os, no_value) { return os; }
};

template <class T>
struct outcome {
    outcome_status status = outcome_status::pending;
    T value{};             // status == ready
    std::error_code error; // status == not_applicable or failed
    diagnostics diag;      // why (never holds secrets)

    bool ready() const noexcept { return status == outcome_status::ready; }

    friend bool operator==(const outcome& a, const outcome& b) {
        return a.status == b.status && a.value == b.value && a.error == b.error && a.diag == b.diag;
    }
    friend bool operator!=(const outcome& a, const outcome& b) { return !(a == b); }

    friend std::ostream& operator<<(std::ostream& os, const outcome& r) {
        os << r.status;
        if (r.status == outcome_status::ready) return os << " " << r.value;
        if (r.error) os << " (" << r.error.message() << ")";
        if (!r.diag.empty()) os << ": " << r.diag;
        return os;
    }
};

// Builders.
template <class T>
outcome<T> ready_outcome(T value) {
    outcome<T> r;
    r.status = outcome_status::ready;
    r.value = std::move(value);
    return r;
}

template <class T = no_value>
outcome<T> error_outcome(outcome_status status, std::error_code ec, std::string message) {
    outcome<T> r;
    r.status = status;
    r.error = ec;
    r.diag.message = std::move(message);
    return r;
}

APPCONFIGDATA_NAMESPACE_END
