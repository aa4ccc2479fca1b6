// The shared shape of every credential provider, so the default chain can run its sub-machines
// and any driver (driver/) can drive any of them. `credentials_provider` is the type-erased form of
// the machine concept (driver/machine.hpp): the chains hold their steps through it.
//
// The loop (see action.hpp):
//   for (;;) {
//       action a = p.next(now);
//       send             -> p.on_response(resp, now) or p.on_transport_error(ec, now)
//       read_file        -> p.on_file(result, now)      (token files, the SSO cache, profile files)
//       run_process      -> p.on_process(result, now)   (credential_process)
//       wait_until       -> sleep until a.when (or until a new input arrives), then call next again
//       need_credentials -> p.set_credentials(source, now) (only machines that sign: STS AssumeRole)
//       done / failed    -> read p.outcome()
//   }
// `outcome().status` tells a chain what to do next: `ready` (use `value`), `not_applicable` (this
// provider is not configured here: try the next one), `failed` (configured but broken: stop).
#pragma once

#include <appconfigdata/action.hpp>
#include <appconfigdata/clock.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/message.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/outcome.hpp>
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

// What a provider produced (outcome.hpp): status, credentials or a typed error + diagnostics.
using provider_status = outcome_status;
using provider_result = outcome<credentials>;

// The interface every credential provider machine implements. None of the calls throws (beyond
// std::bad_alloc). Every input returns errc::invalid_state when the machine was not waiting for it
// (nothing changes), else an empty error code.
class credentials_provider {
public:
    virtual ~credentials_provider() = default;

    // A short, stable name used in chain reports and in credentials::provider ("imds", "container"...).
    virtual std::string_view name() const noexcept = 0;

    // What to do at time `now` (action.hpp): send, read_file, run_process, wait_until,
    // need_credentials, done (outcome().status == ready) or failed (not_applicable or failed).
    virtual action next(time_point now) = 0;

    // The response to the request last returned by next().
    virtual std::error_code on_response(const http::response& response, time_point now) = 0;

    // The request last returned by next() got no response (errc::transport_failed, errc::timeout...).
    virtual std::error_code on_transport_error(std::error_code error, time_point now) = 0;

    // The file read last asked for by next().
    virtual std::error_code on_file(const file_result& result, time_point now) {
        (void)result;
        (void)now;
        return errc::invalid_state;
    }

    // The process run last asked for by next().
    virtual std::error_code on_process(const process_result& result, time_point now) {
        (void)result;
        (void)now;
        return errc::invalid_state;
    }

    // Source credentials for a machine that answered need_credentials.
    virtual std::error_code set_credentials(const credentials& source, time_point now) {
        (void)source;
        (void)now;
        return errc::invalid_state;
    }

    // The outcome so far (status pending while working).
    virtual const provider_result& outcome() const noexcept = 0;

    // The coarse state every provider shares (each concrete provider also has its own state enum,
    // under the same name, that hides this one).
    outcome_status current_state() const noexcept { return outcome().status; }

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
    std::error_code on_response(const http::response&, time_point) override { return errc::invalid_state; }
    std::error_code on_transport_error(std::error_code, time_point) override { return errc::invalid_state; }
    const provider_result& outcome() const noexcept override { return result_; }
    void restart() override {}

private:
    std::string name_;
    provider_result result_;
};

// Helpers to build results.
inline provider_result ready_result(credentials c) { return ready_outcome(std::move(c)); }

inline provider_result error_result(provider_status status, std::error_code ec, std::string message) {
    return error_outcome<credentials>(status, ec, std::move(message));
}

APPCONFIGDATA_NAMESPACE_END
