// credential_process: run an external command and read credentials from its standard output.
//
// The command comes from the profile's `credential_process` value. It is split into argv here (pure);
// `process_provider` hands the run out as an action (action::run) and the driver performs it
// (adapters/process_runner.hpp has a POSIX runner that uses fork/exec WITHOUT a shell, with a timeout
// that kills the child; a platform without processes answers errc::not_supported). Splitting follows the AWS CLI's documented syntax: elements
// are separated by spaces or tabs, and an element containing spaces is wrapped in double quotes. We also
// accept single quotes (POSIX habit), and \" for a literal quote; every other backslash is literal
// (Windows paths). No variables, globbing, pipes or "~" expansion: AWS documents that none may be used.
// (Some SDKs hand the string to `sh -c`; we do not, so that a config value can never inject shell syntax.)
//
// The output must be JSON: {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
// "Expiration"? (ISO-8601), "AccountId"?}. Errors never contain the output, the command's arguments or
// its stderr (a tool may print secrets there); they name the failing step and the field.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/config.hpp>
#include <appconfigdata/credentials/provider.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/io.hpp>
#include <appconfigdata/sigv4/credentials.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN

inline constexpr std::string_view process_provider_name = "process";

// Splits a credential_process value into argv (see the top of this file). Returns errc::invalid_argument
// for an empty command or an unterminated quote (the message never repeats the command). Never throws
// except std::bad_alloc.
inline std::error_code split_command_line(std::string_view command, std::vector<std::string>& argv, diagnostics* diag = nullptr) {
    std::vector<std::string> out;
    std::string current;
    bool in_element = false;
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < command.size() && command[i + 1] == '"') {
                current += '"';
                ++i;
            } else if (c == quote) {
                quote = 0;
            } else {
                current += c;
            }
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_element) out.push_back(std::move(current));
            current.clear();
            in_element = false;
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_element = true;
        } else if (c == '\\' && i + 1 < command.size() && command[i + 1] == '"') {
            current += '"';
            in_element = true;
            ++i;
        } else {
            current += c;
            in_element = true;
        }
    }
    if (quote) {
        if (diag) diag->message = "credential_process: the command has an unterminated quote";
        return errc::invalid_argument;
    }
    if (in_element) out.push_back(std::move(current));
    if (out.empty()) {
        if (diag) diag->message = "credential_process: the command is empty";
        return errc::invalid_argument;
    }
    argv = std::move(out);
    return {};
}

// Parses the process's JSON output into `out` (provider "process"). Returns errc::process_failed with
// *diag naming the problem (invalid JSON, Version not 1, missing AccessKeyId / SecretAccessKey, bad
// Expiration, wrong field type) and never a value; errc::limit_exceeded when larger than `max_size`.
// Expired credentials are returned as they are (credentials::expired(now) tells). Never throws
// except std::bad_alloc.
inline std::error_code parse_credential_process_output(std::string_view text, credentials& out, diagnostics* diag = nullptr,
                                                       std::size_t max_size = default_limits.max_credential_document) {
    auto fail = [&](errc e, std::string why) -> std::error_code {
        if (diag) diag->message = "credential_process: could not parse response: " + std::move(why);
        return e;
    };
    if (text.size() > max_size)
        return fail(errc::limit_exceeded, "output of " + std::to_string(text.size()) + " bytes exceeds the limit of " + std::to_string(max_size));
    boost::json::error_code jec;
    boost::json::value doc = boost::json::parse(text, jec);
    if (jec) return fail(errc::process_failed, "invalid JSON in response (" + std::to_string(text.size()) + " bytes)");
    if (!doc.is_object()) return fail(errc::process_failed, "the response is not a JSON object");
    const boost::json::object& o = doc.get_object();

    auto version = o.find("Version");
    if (version == o.end()) return fail(errc::process_failed, "Version is missing");
    const boost::json::value& v = version->value();
    const bool is_one = (v.is_int64() && v.get_int64() == 1) || (v.is_uint64() && v.get_uint64() == 1);
    if (!is_one) return fail(errc::process_failed, "unsupported Version (only 1 is supported)");

    // A string member: nullptr when absent; `bad` set when present but not a string.
    bool bad = false;
    auto str = [&](const char* key) -> const boost::json::string* {
        auto it = o.find(key);
        if (it == o.end() || it->value().is_null()) return nullptr;
        if (!it->value().is_string()) {
            bad = true;
            return nullptr;
        }
        return &it->value().get_string();
    };
    credentials c;
    const auto* akid = str("AccessKeyId");
    if (bad) return fail(errc::process_failed, "AccessKeyId is not a string");
    if (!akid || akid->empty()) return fail(errc::process_failed, "AccessKeyId is missing");
    const auto* secret = str("SecretAccessKey");
    if (bad) return fail(errc::process_failed, "SecretAccessKey is not a string");
    if (!secret || secret->empty()) return fail(errc::process_failed, "SecretAccessKey is missing");
    c.access_key_id.assign(akid->data(), akid->size());
    c.secret_access_key = std::string(secret->data(), secret->size());
    if (const auto* token = str("SessionToken")) c.session_token = std::string(token->data(), token->size());
    if (bad) return fail(errc::process_failed, "SessionToken is not a string");
    if (const auto* exp = str("Expiration")) {
        time_point t;
        if (http::parse_iso8601(std::string_view(exp->data(), exp->size()), t)) return fail(errc::process_failed, "Expiration is not an ISO-8601 time");
        c.expiration = t;
    }
    if (bad) return fail(errc::process_failed, "Expiration is not a string");
    if (const auto* account = str("AccountId")) c.account_id.assign(account->data(), account->size());
    if (bad) return fail(errc::process_failed, "AccountId is not a string");
    c.provider = std::string(process_provider_name);
    out = std::move(c);
    return {};
}

struct process_options {
    std::chrono::milliseconds timeout{30000};
    std::size_t max_stdout = default_limits.max_credential_document;
};

// What a credential_process run gave, read as credentials: ready, or failed with errc::process_failed
// (could not start / timed out / killed / non-zero exit / bad output; errc::not_supported when the
// platform runs no processes) or errc::limit_exceeded (stdout too large). `fallback_account_id` (the
// profile's aws_account_id) is used when the output has no AccountId. Messages say which step failed
// (with the exit code) and never contain output, arguments or stderr. Never throws except std::bad_alloc.
inline provider_result interpret_process_result(const process_request& request, const process_result& run,
                                                std::string_view fallback_account_id = {}) {
    const std::string program = "credential_process (" + (request.argv.empty() ? std::string() : request.argv[0]) + ")";
    auto failed = [&](errc e, std::string why) { return error_result(provider_status::failed, e, program + ": " + std::move(why)); };
    if (run.error == errc::not_supported) return failed(errc::not_supported, "this platform (or driver) cannot run processes");
    if (run.error) return failed(errc::process_failed, "could not start the process: " + run.error.message());
    const process_outcome& outcome = run.outcome;
    if (outcome.timed_out)
        return failed(errc::process_failed, "the process did not finish within " + std::to_string(request.timeout.count()) + " ms and was killed");
    const std::string stderr_note =
        outcome.stderr_bytes ? " (it wrote " + std::to_string(outcome.stderr_bytes) + " bytes to stderr, not shown: it may hold secrets)" : "";
    if (!outcome.exited) return failed(errc::process_failed, "the process was killed by a signal" + stderr_note);
    if (outcome.exit_code != 0)
        return failed(errc::process_failed, "external process exited with code " + std::to_string(outcome.exit_code) + stderr_note);
    if (outcome.stdout_too_large) return failed(errc::limit_exceeded, "output exceeds the limit of " + std::to_string(request.max_stdout) + " bytes");
    credentials c;
    diagnostics d;
    if (auto pec = parse_credential_process_output(outcome.stdout_text, c, &d, request.max_stdout)) {
        constexpr std::string_view prefix = "credential_process: ";
        std::string_view why = d.message;
        if (why.substr(0, prefix.size()) == prefix) why.remove_prefix(prefix.size());
        return error_result(provider_status::failed, pec, program + ": " + std::string(why));
    }
    if (c.account_id.empty()) c.account_id = std::string(fallback_account_id);
    return ready_result(std::move(c));
}

// The credential_process provider as a machine: next() hands out the run (action::run), on_process()
// reads its output. restart() runs the process again (the cache calls it before expiry). A command
// that cannot be split fails at once with errc::invalid_argument.
class process_provider final : public credentials_provider {
public:
    enum class state { start, running, finished };

    explicit process_provider(std::string command, std::string fallback_account_id = {}, process_options options = {})
        : command_(std::move(command)), fallback_account_id_(std::move(fallback_account_id)), options_(options) {}

    std::string_view name() const noexcept override { return process_provider_name; }

    action next(time_point) override {
        switch (state_) {
        case state::start: {
            process_request r;
            diagnostics d;
            if (auto ec = split_command_line(command_, r.argv, &d)) {
                result_ = error_result(provider_status::failed, ec, d.message);
                state_ = state::finished;
                return action::fail();
            }
            r.timeout = options_.timeout;
            r.max_stdout = options_.max_stdout;
            request_ = std::move(r);
            state_ = state::running;
            return action::run(request_);
        }
        case state::running: return action::wait(time_point::max()); // the run is outstanding: feed on_process
        case state::finished: break;
        }
        return result_.ready() ? action::finished() : action::fail();
    }

    std::error_code on_process(const process_result& r, time_point) override {
        if (state_ != state::running) return errc::invalid_state;
        result_ = interpret_process_result(request_, r, fallback_account_id_);
        state_ = state::finished;
        return {};
    }
    std::error_code on_response(const http::response&, time_point) override { return errc::invalid_state; }
    std::error_code on_transport_error(std::error_code, time_point) override { return errc::invalid_state; }

    const provider_result& outcome() const noexcept override { return result_; }
    state current_state() const noexcept { return state_; }

    void restart() override {
        state_ = state::start;
        result_ = provider_result{};
    }

private:
    std::string command_;
    std::string fallback_account_id_;
    process_options options_;
    process_request request_;
    state state_ = state::start;
    provider_result result_;
};

// One call for blocking programs and tests: the process_provider's run performed at once with `run`
// (errc::not_supported without one). Machines never call this; the chains hand the run out instead.
inline provider_result credentials_from_process(std::string_view command, const process_runner& run, std::string_view fallback_account_id = {},
                                                const process_options& options = {}) {
    process_provider p{std::string(command), std::string(fallback_account_id), options};
    const action a = p.next(time_point{});
    if (a.kind == action_kind::run_process) p.on_process(perform(*a.process, run), time_point{});
    return p.outcome();
}

APPCONFIGDATA_NAMESPACE_END
