// appconfigdata-fleet: a fleet of real configuration sessions against a model of AppConfig Data, in
// virtual time, beside the loop people write with an SDK. See --help.
#include "simulation.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr const char* pricing_url = "https://aws.amazon.com/systems-manager/pricing/";
constexpr double hours_per_month = 730; // AWS's monthly-estimate convention

const char* usage_text =
    "usage: appconfigdata-fleet --clients N --hours H --scenario steady|deployment|outage|mass-restart\n"
    "                           [--seed S] [--json] [--csv FILE] [--plot FILE.png] [--poll-interval S]\n"
    "                           [--rate-limit RPS] [--outage-minutes M] [--crypto botan|stub]\n"
    "                           [--price-per-million-requests USD] [--price-per-thousand-configurations USD]\n";

const char* help_text =
    "\n"
    "Runs N real session::configuration_session objects in virtual time (one event queue, no threads,\n"
    "no sleeping) against a socket-free model of AppConfig Data, then the same scenario with the loop\n"
    "people write with an SDK (the `baseline`: a fixed sleep of the poll interval, no jitter, a new\n"
    "StartConfigurationSession after any error, no backoff, SDK retries off), and prints both.\n"
    "\n"
    "Scenarios (clients first wake uniformly over the first poll interval):\n"
    "  steady        nothing happens\n"
    "  deployment    a new version is deployed at t = H/2\n"
    "  outage        from t = H/3, --outage-minutes (30): first half every request is answered 500,\n"
    "                second half nothing is answered (clients time out after 10 s)\n"
    "  mass-restart  every client is destroyed and created again at t = H/2\n"
    "\n"
    "The service model: a token bucket of --rate-limit requests per second (1000; burst one second;\n"
    "429 ThrottlingException above it; a model parameter, not AWS's quota), Next-Poll-Interval-In-Seconds\n"
    "= --poll-interval (60), a session's tokens expire 24 h after it started, a poll before the interval\n"
    "is counted (early_polls) and answered BadRequest, a token presented again after it was answered with\n"
    "success is counted (token_reuses) and answered BadRequest; 429 and 5xx answers consume no token;\n"
    "40 ms round trip.\n"
    "\n"
    "Crypto: --crypto botan (default) signs every request with the Botan backend; --crypto stub uses a\n"
    "non-cryptographic stand-in digest. Either way: signatures not verified in the fleet model.\n"
    "\n"
    "Cost: the run's requests and configurations received, scaled to a 730-hour month, at\n"
    "--price-per-million-requests (0.20 USD: $0.0000002 per configuration request via API calls) and\n"
    "--price-per-thousand-configurations (0.80 USD: $0.0008 per configuration received), AWS AppConfig\n"
    "pricing, https://aws.amazon.com/systems-manager/pricing/ (AppConfig section; quoted in\n"
    "https://repost.aws/questions/QUevHYubJ-TESBPlUxRyujmg/i-want-to-understand-aws-appconfig-pricing-model).\n"
    "Every request sent is priced (throttled and failed ones too: an upper bound); billable_requests\n"
    "counts only those answered with success (ours: session_stats::billable_requests).\n"
    "\n"
    "Output: a table, or one JSON object with --json. --csv FILE: requests per second (per minute when\n"
    "H > 6), ours and baseline. --plot FILE.png: requests per second over time, ours against the\n"
    "baseline (needs gnuplot). Exit status: 0, 1 when an output cannot be written, 2 for bad arguments.\n";

struct options {
    fleet::run_settings run;
    bool json = false;
    std::string csv, plot;
    double price_million_requests = 0.20;
    double price_thousand_configurations = 0.80;
};

[[noreturn]] void bad_usage(const std::string& why) {
    std::cerr << "appconfigdata-fleet: " << why << "\n" << usage_text;
    std::exit(2);
}

double number(const std::string& name, const std::string& text, double lo, double hi) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(v))
        bad_usage(name + ": not a number: '" + text + "'");
    if (v < lo || v > hi) {
        std::ostringstream os;
        os << name << ": " << text << " is out of range [" << lo << ", " << hi << "]";
        bad_usage(os.str());
    }
    return v;
}

std::uint64_t integer(const std::string& name, const std::string& text, double lo, double hi) {
    const double v = number(name, text, lo, hi);
    if (v != std::floor(v)) bad_usage(name + ": not a whole number: '" + text + "'");
    return static_cast<std::uint64_t>(v);
}

options parse(int argc, char** argv) {
    options o;
    bool have_clients = false, have_hours = false, have_scenario = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        bool has_value = false;
        if (arg == "-h" || arg == "--help") {
            std::cout << usage_text << help_text;
            std::exit(0);
        }
        if (arg.rfind("--", 0) != 0) bad_usage("unexpected argument '" + arg + "'");
        const auto eq = arg.find('=');
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
            has_value = true;
        }
        auto take = [&]() -> std::string {
            if (has_value) return value;
            if (i + 1 >= argc) bad_usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--json") {
            if (has_value) bad_usage("--json takes no value");
            o.json = true;
        } else if (arg == "--clients") {
            o.run.clients = static_cast<std::uint32_t>(integer(arg, take(), 1, 10000000));
            have_clients = true;
        } else if (arg == "--hours") {
            o.run.hours = number(arg, take(), 0.01, 24 * 14);
            have_hours = true;
        } else if (arg == "--scenario") {
            const std::string v = take();
            if (v == "steady") o.run.what = fleet::scenario::steady;
            else if (v == "deployment") o.run.what = fleet::scenario::deployment;
            else if (v == "outage") o.run.what = fleet::scenario::outage;
            else if (v == "mass-restart") o.run.what = fleet::scenario::mass_restart;
            else bad_usage("--scenario: unknown scenario '" + v + "' (steady, deployment, outage, mass-restart)");
            have_scenario = true;
        } else if (arg == "--seed") {
            o.run.seed = integer(arg, take(), 0, 9007199254740992.0);
        } else if (arg == "--csv") {
            o.csv = take();
            if (o.csv.empty()) bad_usage("--csv: empty file name");
        } else if (arg == "--plot") {
            o.plot = take();
            if (o.plot.empty()) bad_usage("--plot: empty file name");
        } else if (arg == "--poll-interval") {
            o.run.poll_interval_s = static_cast<int>(integer(arg, take(), 15, 86400));
        } else if (arg == "--rate-limit") {
            o.run.rate_limit = number(arg, take(), 1, 1e9);
        } else if (arg == "--outage-minutes") {
            o.run.outage_minutes = number(arg, take(), 1, 24 * 60);
        } else if (arg == "--crypto") {
            const std::string v = take();
            if (v == "botan") o.run.crypto = fleet::crypto_kind::botan;
            else if (v == "stub") o.run.crypto = fleet::crypto_kind::stub;
            else bad_usage("--crypto: unknown backend '" + v + "' (botan, stub)");
        } else if (arg == "--price-per-million-requests") {
            o.price_million_requests = number(arg, take(), 0, 1e6);
        } else if (arg == "--price-per-thousand-configurations") {
            o.price_thousand_configurations = number(arg, take(), 0, 1e6);
        } else {
            bad_usage("unknown option '" + arg + "'");
        }
    }
    if (!have_clients) bad_usage("--clients is required");
    if (!have_hours) bad_usage("--hours is required");
    if (!have_scenario) bad_usage("--scenario is required");
    if (o.run.what == fleet::scenario::outage && o.run.outage_minutes * 60 > o.run.hours * 3600 * 2 / 3)
        bad_usage("--outage-minutes: the outage (from t = H/3) must end before the run does");
    return o;
}

bool have_program(const char* name) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::string p(path);
    std::size_t from = 0;
    while (from <= p.size()) {
        std::size_t to = p.find(':', from);
        if (to == std::string::npos) to = p.size();
        std::string dir = p.substr(from, to - from);
        if (dir.empty()) dir = ".";
        if (::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
        from = to + 1;
    }
    return false;
}

// Figures of one run, as printed.
struct figures {
    std::uint64_t requests = 0;
    double requests_per_client_day = 0, peak_rps = 0, mean_rps = 0, cost_usd_per_month = 0;
    std::optional<double> p50, p99, max;
};

figures summarize(const options& o, fleet::run_result& r) {
    figures f;
    const double days = o.run.hours / 24.0;
    f.requests = r.model.requests;
    f.requests_per_client_day = static_cast<double>(r.model.requests) / static_cast<double>(o.run.clients) / days;
    for (auto v : r.per_second) f.peak_rps = std::max(f.peak_rps, static_cast<double>(v));
    f.mean_rps = static_cast<double>(r.model.requests) / (o.run.hours * 3600.0);
    const double scale = hours_per_month / o.run.hours;
    f.cost_usd_per_month = scale * (static_cast<double>(r.model.requests) * o.price_million_requests / 1e6 +
                                    static_cast<double>(r.model.configurations_received) * o.price_thousand_configurations / 1e3);
    if (!r.converged_s.empty() && r.not_converged == 0) {
        auto& v = r.converged_s;
        std::sort(v.begin(), v.end());
        auto rank = [&](double q) { // nearest rank
            std::size_t k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
            return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
        };
        f.p50 = rank(0.50);
        f.p99 = rank(0.99);
        f.max = v.back();
    } else if (!r.converged_s.empty()) {
        std::sort(r.converged_s.begin(), r.converged_s.end());
        f.p50 = r.converged_s[r.converged_s.size() / 2]; // of those that converged; max stays null
    }
    return f;
}

std::string num(double v, int precision = 3) {
    if (!std::isfinite(v)) return "null";
    std::ostringstream os;
    os << std::fixed << std::setprecision(precision) << v;
    std::string s = os.str();
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}
std::string opt(const std::optional<double>& v) { return v ? num(*v) : "null"; }

void json_metrics(std::ostream& os, const figures& f, const fleet::run_result& r, const char* indent, bool more) {
    auto field = [&](const char* name, const std::string& value, bool last = false) {
        os << indent << "\"" << name << "\": " << value << (last ? "\n" : ",\n");
    };
    field("requests", std::to_string(f.requests));
    field("starts", std::to_string(r.model.starts));
    field("polls", std::to_string(r.model.polls));
    field("billable_requests", std::to_string(r.billable_requests));
    field("requests_per_client_day", num(f.requests_per_client_day));
    field("peak_rps", num(f.peak_rps));
    field("mean_rps", num(f.mean_rps));
    field("throttled", std::to_string(r.model.throttled));
    field("outage_errors", std::to_string(r.model.outage_errors));
    field("outage_unanswered", std::to_string(r.model.outage_unanswered));
    field("early_polls", std::to_string(r.model.early_polls));
    field("token_reuses", std::to_string(r.model.token_reuses));
    field("expired_tokens", std::to_string(r.model.expired));
    field("corrupted_tokens", std::to_string(r.model.corrupted));
    field("configurations_received", std::to_string(r.model.configurations_received));
    field("session_restarts", std::to_string(r.restarts));
    field("retries", std::to_string(r.retries));
    field("errors", std::to_string(r.errors));
    field("failed_clients", std::to_string(r.failed_clients));
    field("converged_p50_s", opt(f.p50));
    field("converged_p99_s", opt(f.p99));
    field("converged_max_s", opt(f.max));
    field("not_converged", std::to_string(r.not_converged));
    field("cost_usd_per_month", num(f.cost_usd_per_month, 4));
    field("wall_s", num(r.wall_s), !more);
}

void print_json(const options& o, const figures& ours, const fleet::run_result& r, const figures& base, const fleet::run_result& b) {
    std::ostream& os = std::cout;
    const char* what = fleet::converged_what(o.run.what);
    os << "{\n";
    os << "  \"clients\": " << o.run.clients << ",\n";
    os << "  \"hours\": " << num(o.run.hours) << ",\n";
    os << "  \"scenario\": \"" << fleet::to_string(o.run.what) << "\",\n";
    os << "  \"seed\": " << o.run.seed << ",\n";
    os << "  \"poll_interval_s\": " << o.run.poll_interval_s << ",\n";
    os << "  \"rate_limit_rps\": " << num(o.run.rate_limit) << ",\n";
    os << "  \"min_requests_per_client_day\": " << num(86400.0 / o.run.poll_interval_s) << ",\n";
    os << "  \"crypto\": \"" << fleet::to_string(o.run.crypto) << "\",\n";
    os << "  \"signatures\": \"" << (o.run.crypto == fleet::crypto_kind::botan ? "signed with Botan" : "signed with a stub digest")
       << "; signatures not verified in the fleet model\",\n";
    os << "  \"converged\": " << (what ? std::string("\"") + what + "\"" : std::string("null")) << ",\n";
    os << "  \"prices\": {\"usd_per_million_requests\": " << num(o.price_million_requests, 6)
       << ", \"usd_per_thousand_configurations\": " << num(o.price_thousand_configurations, 6) << ", \"hours_per_month\": "
       << num(hours_per_month) << ", \"source\": \"" << pricing_url << "\"},\n";
    json_metrics(os, ours, r, "  ", true);
    os << "  \"baseline\": {\n";
    json_metrics(os, base, b, "    ", false);
    os << "  }\n}\n";
}

void print_table(const options& o, const figures& ours, const fleet::run_result& r, const figures& base, const fleet::run_result& b) {
    std::ostream& os = std::cout;
    os << "appconfigdata-fleet: " << o.run.clients << " clients x " << num(o.run.hours) << " h, scenario "
       << fleet::to_string(o.run.what) << ", poll interval " << o.run.poll_interval_s << " s, rate limit "
       << num(o.run.rate_limit) << " rps, seed " << o.run.seed << "\n";
    os << "(crypto " << fleet::to_string(o.run.crypto) << "; signatures not verified in the fleet model)\n\n";
    auto row = [&](const std::string& name, const std::string& a, const std::string& bb) {
        os << std::left << std::setw(30) << name << std::right << std::setw(26) << a << std::setw(26) << bb << "\n";
    };
    row("", "ours", "baseline");
    row("requests", std::to_string(ours.requests), std::to_string(base.requests));
    row("requests per client-day", num(ours.requests_per_client_day, 1), num(base.requests_per_client_day, 1));
    row("  (minimum: 86400 / interval)", num(86400.0 / o.run.poll_interval_s, 1), "");
    row("peak rps", num(ours.peak_rps, 0), num(base.peak_rps, 0));
    row("mean rps", num(ours.mean_rps, 2), num(base.mean_rps, 2));
    row("throttled (429)", std::to_string(r.model.throttled), std::to_string(b.model.throttled));
    row("outage: 500 / unanswered", std::to_string(r.model.outage_errors) + " / " + std::to_string(r.model.outage_unanswered),
        std::to_string(b.model.outage_errors) + " / " + std::to_string(b.model.outage_unanswered));
    row("early polls", std::to_string(r.model.early_polls), std::to_string(b.model.early_polls));
    row("token reuses", std::to_string(r.model.token_reuses), std::to_string(b.model.token_reuses));
    row("expired / corrupted tokens", std::to_string(r.model.expired) + " / " + std::to_string(r.model.corrupted),
        std::to_string(b.model.expired) + " / " + std::to_string(b.model.corrupted));
    row("configurations received", std::to_string(r.model.configurations_received), std::to_string(b.model.configurations_received));
    row("session restarts", std::to_string(r.restarts), std::to_string(b.restarts));
    row("errors", std::to_string(r.errors), std::to_string(b.errors));
    if (const char* what = fleet::converged_what(o.run.what)) {
        os << "converged: " << what << "\n";
        row("  p50 / p99 / max (s)", opt(ours.p50) + " / " + opt(ours.p99) + " / " + opt(ours.max),
            opt(base.p50) + " / " + opt(base.p99) + " / " + opt(base.max));
        row("  not converged", std::to_string(r.not_converged), std::to_string(b.not_converged));
    }
    row("cost (USD / month)", num(ours.cost_usd_per_month, 2), num(base.cost_usd_per_month, 2));
    row("wall time (s)", num(r.wall_s, 2), num(b.wall_s, 2));
}

bool write_csv(const options& o, const fleet::run_result& r, const fleet::run_result& b) {
    std::ofstream f(o.csv);
    const std::size_t bucket = o.run.hours > 6 ? 60 : 1;
    f << "t_s,bucket_s,ours,baseline\n";
    const std::size_t n = std::max(r.per_second.size(), b.per_second.size());
    for (std::size_t t = 0; t < n; t += bucket) {
        std::uint64_t a = 0, c = 0;
        for (std::size_t k = t; k < t + bucket && k < n; ++k) {
            if (k < r.per_second.size()) a += r.per_second[k];
            if (k < b.per_second.size()) c += b.per_second[k];
        }
        f << t << ',' << bucket << ',' << a << ',' << c << '\n';
    }
    f.flush();
    if (!f) {
        std::cerr << "appconfigdata-fleet: --csv: cannot write '" << o.csv << "': " << std::strerror(errno) << "\n";
        return false;
    }
    return true;
}

bool write_plot(const options& o, const fleet::run_result& r, const fleet::run_result& b) {
    char data_path[] = "/tmp/appconfigdata-fleet-XXXXXX";
    const int fd = ::mkstemp(data_path);
    if (fd < 0) {
        std::cerr << "appconfigdata-fleet: --plot: cannot create a temporary file: " << std::strerror(errno) << "\n";
        return false;
    }
    ::close(fd);
    {
        std::ofstream f(data_path);
        const std::size_t n = std::max(r.per_second.size(), b.per_second.size());
        for (std::size_t t = 0; t < n; ++t) {
            const std::uint32_t a = t < r.per_second.size() ? r.per_second[t] : 0;
            const std::uint32_t c = t < b.per_second.size() ? b.per_second[t] : 0;
            f << num(static_cast<double>(t) / 3600.0, 5) << ' ' << a << ' ' << c << '\n';
        }
    }
    std::string script;
    auto quote = [](const std::string& s) {
        std::string q = "'";
        for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
        return q + "'";
    };
    std::ostringstream title;
    title << o.run.clients << " clients, " << fleet::to_string(o.run.what) << ", poll interval " << o.run.poll_interval_s
          << " s, rate limit " << num(o.run.rate_limit) << " rps";
    script += "set terminal pngcairo noenhanced size 1000,420 font ',10'\n";
    script += "set output " + quote(o.plot) + "\n";
    script += "set title " + quote(title.str()) + "\n";
    script += "set xlabel 'virtual time (h)'\nset ylabel 'requests per second'\nset logscale y\nset yrange [0.8:*]\n";
    script += "set key top left\nset grid ytics\n";
    script += "plot " + quote(data_path) + " using 1:3 with lines lw 1 lc rgb '#d62728' title 'baseline (SDK loop)', \\\n";
    script += "     " + quote(data_path) + " using 1:2 with lines lw 1 lc rgb '#1f77b4' title 'ours (configuration_session)'\n";
    FILE* p = ::popen("gnuplot", "w");
    bool ok = p != nullptr;
    if (p) {
        ok = std::fwrite(script.data(), 1, script.size(), p) == script.size();
        ok = ::pclose(p) == 0 && ok;
    }
    std::remove(data_path);
    if (!ok) std::cerr << "appconfigdata-fleet: --plot: gnuplot could not write '" << o.plot << "'\n";
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    options o = parse(argc, argv);
    if (!o.plot.empty() && !have_program("gnuplot")) {
        std::cerr << "appconfigdata-fleet: --plot needs gnuplot, which is not installed (Debian: apt-get install gnuplot-nox;"
                     " tools/run deps installs it)\n";
        return 1;
    }
    fleet::run_result ours = fleet::run_ours(o.run);
    fleet::run_result base = fleet::run_baseline(o.run);
    const figures fo = summarize(o, ours);
    const figures fb = summarize(o, base);
    if (o.json) print_json(o, fo, ours, fb, base);
    else print_table(o, fo, ours, fb, base);
    bool ok = true;
    if (!o.csv.empty()) ok = write_csv(o, ours, base) && ok;
    if (!o.plot.empty()) ok = write_plot(o, ours, base) && ok;
    return ok ? 0 : 1;
}
