// credential_process: run an external command and read credentials from its standard output.
//
// The command comes from the profile's `credential_process` value. It is split into argv here (pure) and
// run by an injected `process_runner`; adapters/process_runner.hpp has one that uses fork/exec WITHOUT a
// shell, with a timeout that kills the child. Splitting follows the AWS CLI's documented syntax: elements
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

// What to run. argv[0] is the program (looked up in PATH when it has no '/').
struct process_request {
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout{30000};                 // kill the child after this long
    std::size_t max_stdout = default_limits.max_credential_document; // stdout beyond this is an error

    friend bool operator==(const process_request& a, const process_request& b) {
        return a.argv == b.argv && a.timeout == b.timeout && a.max_stdout == b.max_stdout;
    }
    // Prints the program name and the argument count only (arguments may hold secrets).
    friend std::ostream& operator<<(std::ostream& os, const process_request& r) {
        os << "process_request{" << (r.argv.empty() ? std::string("<none>") : r.argv[0]) << ", " << (r.argv.empty() ? 0 : r.argv.size() - 1)
           << " args, timeout " << r.timeout.count() << "ms}";
        return os;
    }
};

// What happened. A runner fills it and returns an empty error code when the process ran (whatever its exit
// status); it returns an error (e.g. std::errc::no_such_file_or_directory) when it could not be started.
struct process_outcome {
    bool exited = true;             // false: killed by a signal (or by the timeout)
    int exit_code = 0;              // when exited
    bool timed_out = false;         // the runner killed it after request.timeout
    bool stdout_too_large = false;  // stdout exceeded request.max_stdout (the rest was discarded)
    std::string stdout_text;        // at most request.max_stdout bytes
    std::size_t stderr_bytes = 0;   // how much the child wrote to stderr (the text is not kept)

    friend bool operator==(const process_outcome& a, const process_outcome& b) {
        return a.exited == b.exited && a.exit_code == b.exit_code && a.timed_out == b.timed_out && a.stdout_too_large == b.stdout_too_large &&
               a.stdout_text == b.stdout_text && a.stderr_bytes == b.stderr_bytes;
    }
    // Prints sizes and status, never the output.
    friend std::ostream& operator<<(std::ostream& os, const process_outcome& o) {
        os << "process_outcome{" << (o.timed_out ? "timed out" : o.exited ? "exit " + std::to_string(o.exit_code) : std::string("killed"))
           << ", stdout " << o.stdout_text.size() << " bytes, stderr " << o.stderr_bytes << " bytes}";
        return os;
    }
};

// Runs a process. Must not throw; see process_outcome for the contract.
using process_runner = std::function<std::error_code(const process_request& request, process_outcome& outcome)>;

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

// The credential_process provider: splits `command`, runs it through `run`, parses its output.
// `fallback_account_id` (the profile's aws_account_id) is used when the output has no AccountId.
// Returns ready, or failed with: errc::invalid_argument (bad command), errc::process_failed (could not
// start / timed out / killed / non-zero exit / bad output), errc::limit_exceeded (stdout too large).
// Messages say which step failed (with the exit code) and never contain output, arguments or stderr.
// Never throws except std::bad_alloc.
inline provider_result credentials_from_process(std::string_view command, const process_runner& run, std::string_view fallback_account_id = {},
                                                const process_options& options = {}) {
    provider_result r;
    r.status = provider_status::failed;
    process_request request;
    if (auto ec = split_command_line(command, request.argv, &r.diag)) {
        r.error = ec;
        return r;
    }
    request.timeout = options.timeout;
    request.max_stdout = options.max_stdout;
    if (!run) {
        r.error = errc::process_failed;
        r.diag.message = "credential_process: no process runner was given";
        return r;
    }
    process_outcome outcome;
    std::error_code ec;
    try {
        ec = run(request, outcome);
    } catch (...) {
        ec = errc::process_failed;
    }
    const std::string program = "credential_process (" + request.argv[0] + ")";
    if (ec) {
        r.error = errc::process_failed;
        r.diag.message = program + ": could not start the process: " + ec.message();
        return r;
    }
    if (outcome.timed_out) {
        r.error = errc::process_failed;
        r.diag.message = program + ": the process did not finish within " + std::to_string(request.timeout.count()) + " ms and was killed";
        return r;
    }
    const std::string stderr_note =
        outcome.stderr_bytes ? " (it wrote " + std::to_string(outcome.stderr_bytes) + " bytes to stderr, not shown: it may hold secrets)" : "";
    if (!outcome.exited) {
        r.error = errc::process_failed;
        r.diag.message = program + ": the process was killed by a signal" + stderr_note;
        return r;
    }
    if (outcome.exit_code != 0) {
        r.error = errc::process_failed;
        r.diag.message = program + ": external process exited with code " + std::to_string(outcome.exit_code) + stderr_note;
        return r;
    }
    if (outcome.stdout_too_large) {
        r.error = errc::limit_exceeded;
        r.diag.message = program + ": output exceeds the limit of " + std::to_string(request.max_stdout) + " bytes";
        return r;
    }
    credentials c;
    diagnostics d;
    if (auto pec = parse_credential_process_output(outcome.stdout_text, c, &d, request.max_stdout)) {
        r.error = pec;
        constexpr std::string_view prefix = "credential_process: ";
        std::string_view why = d.message;
        if (why.substr(0, prefix.size()) == prefix) why.remove_prefix(prefix.size());
        r.diag.message = program + ": " + std::string(why);
        return r;
    }
    if (c.account_id.empty()) c.account_id = std::string(fallback_account_id);
    return ready_result(std::move(c));
}

APPCONFIGDATA_NAMESPACE_END
