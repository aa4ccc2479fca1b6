// appconfigdata watch: poll a configuration until interrupted (or --max-polls), reporting every event.
#include "client.hpp"
#include "commands.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

namespace {

namespace acd = appconfigdata;

void usage(std::ostream& os) {
    os << "usage: appconfigdata watch --application A --environment E --configuration-profile P [options]\n"
          "Polls the configuration, honouring the service's poll interval, until Ctrl-C or --max-polls N\n"
          "successful GetLatestConfiguration responses. Exit 0 on a clean stop, 1 on a permanent failure.\n\n"
          "  --max-polls N               stop after N successful polls\n"
          "  --json                      one JSON object per line per event: event (changed, unchanged, retrying,\n"
          "                              session_restarted, error, warning), version_label, content_type, content\n"
          "                              (changed), and the running cost meter: billable_requests (requests the\n"
          "                              service answered with success, as AppConfig bills them) and\n"
          "                              configurations_received\n"
       << cli::common_usage();
}

void print_event(const acd::session::event& e, const acd::session::configuration& latest, const acd::session::session_stats& stats, bool json,
                 const std::string& flag) {
    using acd::session::event_kind;
    const bool changed = e.kind == event_kind::changed;
    std::string content;
    if (changed) content = flag.empty() ? e.content : cli::flag_json(e.content, flag);
    if (json) {
        boost::json::object o;
        o["event"] = acd::session::to_string(e.kind);
        o["time"] = acd::http::format_iso8601(e.at);
        o["version_label"] = changed ? e.version_label : latest.version_label;
        o["content_type"] = changed ? e.content_type : latest.content_type;
        if (changed) o["content"] = content;
        if (e.kind == event_kind::retrying) o["delay_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(e.delay).count();
        if (e.kind == event_kind::session_restarted) o["reason"] = acd::session::to_string(e.reason);
        if (e.kind == event_kind::warning) o["message"] = e.diag.message;
        o["billable_requests"] = stats.billable_requests;
        o["configurations_received"] = stats.configurations_received;
        if (e.error) {
            o["error"] = e.diag.error_type.empty() ? e.error.message() : e.diag.error_type;
            if (!e.diag.message.empty()) o["message"] = e.diag.message;
            if (e.diag.http_status) o["http_status"] = e.diag.http_status;
        }
        std::cout << boost::json::serialize(o) << "\n";
    } else {
        std::cout << acd::http::format_iso8601(e.at) << " " << acd::session::to_string(e.kind);
        if (changed) std::cout << ": version label '" << e.version_label << "', content type '" << e.content_type << "', " << e.content.size() << " bytes";
        if (e.kind == event_kind::retrying)
            std::cout << ": retry in " << std::chrono::duration_cast<std::chrono::milliseconds>(e.delay).count() << " ms";
        if (e.kind == event_kind::session_restarted) std::cout << ": " << acd::session::to_string(e.reason);
        if (e.error) std::cout << " (" << cli::service_error_text(e.error, e.diag) << ")";
        std::cout << "\n";
        if (changed) std::cout << content << (content.empty() || content.back() != '\n' ? "\n" : "");
    }
    std::cout.flush();
}

} // namespace

int cli::cmd_watch(int argc, char** argv) {
    if (help_requested(argc, argv)) {
        usage(std::cout);
        return 0;
    }
    std::set<std::string> valued = common_valued_options();
    valued.insert("max-polls");
    const args a(argc, argv, 2, valued, {"fips", "dualstack", "json"});
    const client_options opts = parse_client_options(a);
    const auto max_polls = a.integer("max-polls", 1, 1000000000);
    const bool json = a.flag("json");
    try {
        client c(opts);
        auto& s = c.session();
        long long polls = 0;
        const std::error_code ec = acd::driver::run_until(s, c.hooks(), [&](const acd::session::event& e) {
            if (e.kind == acd::session::event_kind::changed) c.save_cache(s.latest());
            print_event(e, s.latest(), s.stats(), json, opts.flag);
            if (e.kind == acd::session::event_kind::changed || e.kind == acd::session::event_kind::unchanged) ++polls;
            return max_polls && polls >= *max_polls;
        });
        if (!ec || ec == acd::errc::cancelled) return 0;
        std::error_code why = s.last_error() ? s.last_error() : ec;
        std::string text = (why == acd::errc::no_credentials || !c.credentials_error().empty())
                               ? "no usable AWS credentials: " + (c.credentials_error().empty() ? why.message() : c.credentials_error())
                               : service_error_text(why, s.last_service_error().diag) + "\n" + advice(why, opts, c.region(), c.endpoint());
        std::cerr << "appconfigdata watch: " << text << "\n";
        return 1;
    } catch (const usage_error&) {
        throw;
    } catch (const client_error& e) {
        std::cerr << "appconfigdata watch: " << e.what() << "\n";
        return 1;
    }
}
