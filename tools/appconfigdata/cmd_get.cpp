// appconfigdata get: start a session, fetch the configuration once, write its bytes to stdout.
#include "client.hpp"
#include "commands.hpp"

#include <cstdio>
#include <iostream>

namespace {

void usage(std::ostream& os) {
    os << "usage: appconfigdata get --application A --environment E --configuration-profile P [options]\n"
          "Starts a configuration session, fetches the configuration once and writes its bytes to stdout\n"
          "exactly (metadata goes to stderr). Exit 0 on success, 1 on failure, 2 on bad arguments.\n\n"
       << cli::common_usage();
}

namespace acd = appconfigdata;

// Prints the cached configuration when the service could not be reached. False when there is no
// usable cache (the reason is printed; a corrupt cache is reported and left in place).
bool serve_cache(const cli::client& c, const std::string& why) {
    auto store = c.cache_store();
    if (!store) return false;
    acd::backup::record r;
    acd::diagnostics diag;
    if (auto ec = store->load(r, diag)) {
        std::cerr << "appconfigdata get: no usable cache in '" << c.options().cache_file << "': "
                  << (diag.message.empty() ? ec.message() : diag.message) << (ec == acd::errc::backup_not_found ? "" : " (left in place)")
                  << "\n";
        return false;
    }
    std::string out = r.content;
    if (!c.options().flag.empty()) out = cli::flag_json(r.content, c.options().flag) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    std::cerr << "appconfigdata get: the service could not be reached (" << why << "); served the cached configuration from '"
              << c.options().cache_file << "', saved " << acd::http::format_iso8601(r.saved_at) << ", version label '" << r.version_label
              << "', content type '" << r.content_type << "'\n";
    return true;
}

// The service gave no usable answer (the library's one rule: acd::condition::unanswered).
bool unreachable(std::error_code ec) { return ec == acd::condition::unanswered; }

} // namespace

int cli::cmd_get(int argc, char** argv) {
    if (help_requested(argc, argv)) {
        usage(std::cout);
        return 0;
    }
    const args a(argc, argv, 2, common_valued_options(), {"fips", "dualstack"});
    const client_options opts = parse_client_options(a);
    try {
        client c(opts);
        auto& s = c.session();
        std::optional<acd::session::event> outcome;
        const std::error_code ec = acd::driver::run_until(s, c.hooks(), [&](const acd::session::event& e) {
            if (e.kind == acd::session::event_kind::changed || e.kind == acd::session::event_kind::unchanged ||
                e.kind == acd::session::event_kind::error) {
                outcome = e;
                return true;
            }
            return false;
        });
        if (ec == acd::errc::cancelled) {
            std::cerr << "appconfigdata get: interrupted\n";
            return 130;
        }
        if (!ec && outcome && outcome->kind != acd::session::event_kind::error) {
            const auto& cfg = s.latest();
            c.save_cache(cfg);
            std::string out = cfg.content;
            if (!opts.flag.empty()) out = flag_json(cfg.content, opts.flag) + "\n";
            std::fwrite(out.data(), 1, out.size(), stdout);
            std::fflush(stdout);
            std::cerr << "appconfigdata get: version label '" << cfg.version_label << "', content type '" << cfg.content_type << "', "
                      << cfg.content.size() << " bytes from " << c.endpoint() << "\n";
            return 0;
        }
        // Failure: what happened, and what to do.
        std::error_code why = outcome ? outcome->error : ec;
        acd::diagnostics diag = outcome ? outcome->diag : s.last_service_error().diag;
        if (!outcome && s.last_error()) why = s.last_error();
        std::string text;
        if (why == acd::errc::no_credentials || why == acd::errc::credentials_expired || why == acd::errc::credential_provider_failed ||
            !c.credentials_error().empty()) {
            text = "no usable AWS credentials: " + (c.credentials_error().empty() ? why.message() : c.credentials_error()) +
                   "\nSet AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or run on AWS with a role.";
        } else {
            text = service_error_text(why, diag) + "\n" + advice(why, opts, c.region(), c.endpoint());
        }
        if (unreachable(why) && serve_cache(c, service_error_text(why, diag))) return 0;
        std::cerr << "appconfigdata get: " << text << "\n";
        return 1;
    } catch (const usage_error&) {
        throw;
    } catch (const client_error& e) {
        std::cerr << "appconfigdata get: " << e.what() << "\n";
        return 1;
    }
}
