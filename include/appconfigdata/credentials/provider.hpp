// The shared shape of every credential provider, so the default chain can run its sub-machines
// and any driver (driver/) can drive any of them.
//
// NOTE to the profile engineer (and everyone adding a provider): this header is owned by the
// "remote credentials" work (container, IMDS, STS, SSO, default chain). A provider that needs no
// HTTP (environment, static profile keys, credential_process) can still be a `credentials_provider`
// (see `resolved_provider` below: it answers done/failed on the first `next`). The default chain
// accepts any `credentials_provider`. Please do not redefine the names below; add what you need in
// your own headers and tell us if this shape is missing something.
//
// The loop (see action.hpp):
//   for (;;) {
//       action a = p.next(now);
//       send             -> p.on_response(resp, now) or p.on_transport_error(ec, now)
//       wait_until       -> sleep until a.when (or until a new input arrives), then call next again
//       need_credentials -> p.set_credentials(source, now) (only machines that sign: STS AssumeRole)
//       done / failed    -> read p.result()
//   }
// `result().status` tells a chain what to do next: `ready` (use `value`), `not_applicable` (this
// provider is not configured here: try the next one), `failed` (configured but broken: stop).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/enum_names.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

APPCONFIGDATA_NAMESPACE_BEGIN

// Looks up one environment variable: nullopt when unset. Adapters pass the real environment,
// tests a map. Must not throw.
using environment_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads a whole file into `contents`: errc::io_failed (or a std::errc) when it cannot, and
// errc::limit_exceeded when it is larger than the limit the reader enforces. Must not throw.
using file_reader = std::function<std::error_code(std::string_view path, std::string& contents)>;

enum class provider_status {
    pending,        // still working: call next(now)
    ready,          // credentials are in result().value
    not_applicable, // this provider is not configured here; a chain tries the next one
    failed,         // configured but failed; a chain stops and reports result().error
};

inline const char* to_string(provider_status s) noexcept {
    constexpr const char* names[] = {"pending", "ready", "not applicable", "failed"};
    return appconfigdata::detail::enum_name<provider_status::failed>(s, names);
}

inline std::ostream& operator<<(std::ostream& os, provider_status s) { return os << to_string(s); }

// What a provider produced. Printing shows the status, the error and the diagnostics, never a secret.
struct provider_result {
    provider_status status = provider_status::pending;
    credentials value;     // status == ready
    std::error_code error; // status == not_applicable or failed
    diagnostics diag;      // why (never holds secrets)

    friend bool operator==(const provider_result& a, const provider_result& b) {
        return a.status == b.status && a.value == b.value && a.error == b.error && a.diag == b.diag;
    }
    friend bool operator!=(const provider_result& a, const provider_result& b) { return !(a == b); }

    friend std::ostream& operator<<(std::ostream& os, const provider_result& r) {
        os << r.status;
        if (r.status == provider_status::ready) return os << " " << r.value;
        if (r.error) os << " (" << r.error.message() << ")";
        if (!r.diag.empty()) os << ": " << r.diag;
        return os;
    }
};

// The interface every credential provider machine implements. None of the calls throws (beyond
// std::bad_alloc); a call in the wrong state is ignored or ends the machine with errc::invalid_state.
class credentials_provider {
public:
    virtual ~credentials_provider() = default;

    // A short, stable name used in chain reports and in credentials::provider ("imds", "container"...).
    virtual std::string_view name() const noexcept = 0;

    // What to do at time `now`: send (then feed on_response / on_transport_error), wait_until,
    // need_credentials (then call set_credentials), done (result().status == ready) or failed
    // (result().status == not_applicable or failed). Legal at any time.
    virtual action next(time_point now) = 0;

    // The response to the request last returned by next(). Ignored when no request is outstanding.
    virtual void on_response(const http::response& response, time_point now) = 0;

    // The request last returned by next() got no response (errc::transport_failed, errc::timeout...).
    virtual void on_transport_error(std::error_code error, time_point now) = 0;

    // Source credentials for a machine that answered need_credentials; ignored by the others.
    virtual void set_credentials(const credentials& source, time_point now) {
        (void)source;
        (void)now;
    }

    // The outcome so far (status pending while working).
    virtual const provider_result& result() const noexcept = 0;

    // The error of the outcome (empty while pending or when ready): lets driver::run report it.
    std::error_code last_error() const noexcept { return result().error; }

    // Starts over to fetch fresh credentials (refresh). Keeps what may be reused (an IMDS session
    // token, a signing-key cache). Legal in any state; abandons an outstanding request.
    virtual void restart() = 0;
};

// A provider whose answer is known up front (environment keys, static profile keys, or an error
// found while planning): next() answers done / failed immediately.
class resolved_provider final : public credentials_provider {
public:
    resolved_provider(std::string name, provider_result result) : name_(std::move(name)), result_(std::move(result)) {}

    std::string_view name() const noexcept override { return name_; }
    action next(time_point) override { return result_.status == provider_status::ready ? action::finished() : action::fail(); }
    void on_response(const http::response&, time_point) override {}
    void on_transport_error(std::error_code, time_point) override {}
    const provider_result& result() const noexcept override { return result_; }
    void restart() override {}

private:
    std::string name_;
    provider_result result_;
};

// Helpers to build results.
inline provider_result ready_result(credentials c) {
    provider_result r;
    r.status = provider_status::ready;
    r.value = std::move(c);
    return r;
}

inline provider_result error_result(provider_status status, std::error_code ec, std::string message) {
    provider_result r;
    r.status = status;
    r.error = ec;
    r.diag.message = std::move(message);
    return r;
}

APPCONFIGDATA_NAMESPACE_END
