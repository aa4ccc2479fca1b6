// appconfigdata agent: the AWS AppConfig Agent's local HTTP API on the library.
//
// Two threads. The poller owns one driver::scheduler with a configuration_session per configuration
// asked for (PREFETCH_LIST at start, then each new one the first time a caller asks), the credentials
// (the default chain, or Cognito, optionally ROLE_ARN on top) and the libcurl transport; it sends one
// request at a time and writes backups. The server thread runs Boost.Beast on one io_context and
// answers every caller from the in-memory cache, so the number of callers never changes how often the
// service is asked. They share `shared_state` under one mutex.
#include "agent_settings.hpp"
#include "args.hpp"
#include "client.hpp"
#include "commands.hpp"

#include <appconfigdata/driver/scheduler.hpp>
#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/version.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <condition_variable>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

namespace {

namespace acd = appconfigdata;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace cli::agent;

void usage(std::ostream& os) {
    os << "usage: appconfigdata agent [--profile P] [--cognito-identity-pool-id ID ...] [--crypto B]\n"
          "Serves the AWS AppConfig Agent's local HTTP API (GET /applications/A/environments/E/configurations/P,\n"
          "?flag=KEY, /ping, /metrics), configured by the AWS Agent's environment variables:\n"
          "  HTTP_HOST (127.0.0.1), HTTP_PORT (2772), POLL_INTERVAL (45; 45s, 5m, 1h), REQUEST_TIMEOUT (3000; ms, s),\n"
          "  MAX_CONNECTIONS (3), PREFETCH_LIST (App:Env:Profile,...), BACKUP_DIRECTORY, PRELOAD_BACKUPS (true),\n"
          "  ACCESS_TOKEN, LOG_LEVEL (info; trace debug info warn error fatal none), LOG_PATH (stderr),\n"
          "  SERVICE_REGION (else the region chain), ROLE_ARN, ROLE_EXTERNAL_ID, ROLE_SESSION_NAME, PROXY_URL,\n"
          "  LOCAL_DEVELOPMENT_DIRECTORY (files App:Env:Profile[.ext], no service needed).\n"
          "Endpoints as for get: AWS_ENDPOINT_URL_APPCONFIGDATA, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT.\n"
          "A malformed value, or MANIFEST / PROXY_HEADERS / WAIT_ON_MANIFEST, stops the start (exit 2).\n\n"
          "  --profile NAME              shared config/credentials profile (else AWS_PROFILE, else default)\n"
       << cli::cognito_usage() << cli::crypto_usage();
}

// ---------------------------------------------------------------- log

class logger {
public:
    void open(log_level level, const std::string& path) {
        level_ = level;
        if (!path.empty()) {
            file_.open(path, std::ios::app);
            if (!file_) throw cli::usage_error("LOG_PATH: cannot open '" + path + "' for appending");
        }
    }
    bool enabled(log_level l) const { return level_ != log_level::none && l >= level_; }
    void operator()(log_level l, const std::string& message) {
        if (!enabled(l)) return;
        static const char* names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "NONE"};
        std::lock_guard<std::mutex> lock(mutex_);
        std::ostream& os = file_.is_open() ? static_cast<std::ostream&>(file_) : std::cerr;
        os << "[appconfigdata agent] " << acd::http::format_iso8601(acd::clock_type::now()) << " " << names[static_cast<int>(l)] << " "
           << message << "\n";
        os.flush();
    }

private:
    log_level level_ = log_level::info;
    std::ofstream file_;
    std::mutex mutex_;
};

// ---------------------------------------------------------------- shared state

// One configuration as callers see it. Written by the poller (or the server for backups and local
// files), read by the server, always under shared_state::mutex.
struct cached {
    bool have = false;
    std::string content, content_type, version_label;
    bool from_backup = false;
    bool failed = false;             // the service refused it for good (ResourceNotFound, AccessDenied, ...)
    int failed_status = 0;           // the HTTP status callers get for it
    std::string error_type, error_message, last_error; // never a secret (the library redacts its diagnostics)
    acd::time_point failed_at{}, last_success{}, read_at{};
    std::uint64_t polls = 0, changes = 0, errors = 0, billable = 0;
};

struct shared_state {
    std::mutex mutex;
    std::condition_variable wake;            // the poller waits on it
    std::map<config_key, cached> configs;
    std::vector<config_key> wanted;          // new configurations for the poller
    bool stop = false;
    std::uint64_t http_requests = 0, http_errors = 0;
    std::chrono::seconds refused_retry{45};  // a refused configuration is asked for again after this

    // Makes sure the poller follows `k`. Call with the mutex held.
    void want(const config_key& k, acd::time_point now) {
        auto it = configs.find(k);
        if (it != configs.end() && !(it->second.failed && now - it->second.failed_at >= refused_retry)) return;
        configs[k] = cached{};
        wanted.push_back(k);
        wake.notify_all();
    }
};

// Callers name the configurations: without a bound, a caller could make the agent follow any number.
constexpr std::size_t max_configurations = 1000;

std::string encode_part(const std::string& part) {
    std::string out;
    for (unsigned char c : part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
        else {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// BACKUP_DIRECTORY/<app>:<env>:<profile>.backup with every other byte %XX: never leaves the directory.
std::string backup_path(const settings& s, const config_key& k) {
    return s.backup_directory + "/" + encode_part(k.application) + ":" + encode_part(k.environment) + ":" + encode_part(k.profile) + ".backup";
}

acd::backup::identity identity_of(const config_key& k) {
    acd::backup::identity id;
    id.application = k.application;
    id.environment = k.environment;
    id.configuration_profile = k.profile;
    return id;
}

// Loads k's backup into `e` (mutex held). False when there is none or it does not check out (logged).
bool load_backup(const settings& s, const config_key& k, cached& e, logger& log) {
    if (s.backup_directory.empty()) return false;
    acd::adapters::file_backup_store<acd::adapters::botan_crypto> store(backup_path(s, k), identity_of(k));
    acd::backup::record r;
    acd::diagnostics diag;
    const auto ec = store.load(r, diag);
    if (ec == acd::errc::backup_not_found) return false;
    if (ec) {
        log(log_level::warn, "ignoring the backup of '" + k.text() + "': " + (diag.message.empty() ? ec.message() : diag.message));
        return false;
    }
    e.have = true;
    e.from_backup = true;
    e.content = std::move(r.content);
    e.content_type = std::move(r.content_type);
    e.version_label = std::move(r.version_label);
    log(log_level::info, "loaded the backup of '" + k.text() + "' (version '" + e.version_label + "')");
    return true;
}

// ---------------------------------------------------------------- poller

class poller {
public:
    poller(const settings& s, cli::client& c, shared_state& st, logger& log) : s_(s), client_(c), st_(st), log_(log) {
        acd::adapters::curl_options o;
        o.request_timeout = s.request_timeout;
        transport_ = acd::adapters::curl_transport(o);
        reader_ = acd::adapters::make_file_reader();
        runner_ = acd::adapters::make_process_runner();
        if (!s.role_arn.empty()) {
            acd::assume_role_options r;
            r.role_arn = s.role_arn;
            r.external_id = s.role_external_id;
            r.role_session_name = s.role_session_name.empty() ? std::string("appconfigdata-agent") : s.role_session_name;
            r.endpoint.region = c.region();
            if (const char* sts = std::getenv("AWS_ENDPOINT_URL_STS")) r.endpoint.endpoint_url = sts;
            r.sign = acd::make_sigv4_request_signer(cli::any_crypto(c.crypto()));
            role_ = std::make_unique<acd::cached_credentials_provider>(std::make_unique<acd::assume_role_provider>(std::move(r)));
        }
    }

    void run() {
        for (;;) {
            {
                std::lock_guard<std::mutex> lock(st_.mutex);
                if (st_.stop) return;
                for (const config_key& k : st_.wanted) adopt(k);
                st_.wanted.clear();
            }
            acd::time_point now = acd::clock_type::now();
            if (credentials_wanted_ && now >= credentials_retry_at_) give_credentials(credentials_group_, now);
            const auto step = sched_.next(now);
            switch (step.act.kind) {
            case acd::action_kind::send: {
                acd::http::response resp;
                const std::error_code ec = transport_(*step.act.request, resp);
                now = acd::clock_type::now();
                if (ec) sched_.on_transport_error(step.machine, ec, now);
                else sched_.on_response(step.machine, resp, now);
                drain(step.machine, now);
                break;
            }
            case acd::action_kind::need_credentials: give_credentials(step.credential_group, now); break;
            case acd::action_kind::read_file: sched_.on_file(step.machine, acd::perform(*step.act.file, reader_), now); break;
            case acd::action_kind::run_process: sched_.on_process(step.machine, acd::perform(*step.act.process, runner_), now); break;
            case acd::action_kind::failed:
                drain(step.machine, now);
                refused(step.machine, now);
                break;
            case acd::action_kind::done: break;
            case acd::action_kind::wait_until: {
                auto wait = std::chrono::milliseconds(250);
                if (step.act.when > now) wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(step.act.when - now));
                else if (step.act.when != acd::time_point::max()) wait = std::chrono::milliseconds(0);
                std::unique_lock<std::mutex> lock(st_.mutex);
                st_.wake.wait_for(lock, wait, [this] { return st_.stop || !st_.wanted.empty(); });
                break;
            }
            }
        }
    }

private:
    // A new session for k (mutex held); its backup first when PRELOAD_BACKUPS.
    void adopt(const config_key& k) {
        acd::session::session_config c = client_.session_config_for(k.application, k.environment, k.profile);
        if (s_.poll_interval >= std::chrono::seconds(15)) c.options.min_poll_interval = s_.poll_interval;
        c.options.request_timeout = s_.request_timeout;
        const std::size_t i = sched_.emplace(std::move(c), cli::any_crypto(client_.crypto()));
        keys_.resize(i + 1);
        keys_[i] = k;
        cached& e = st_.configs[k];
        if (s_.preload_backups) load_backup(s_, k, e, log_);
        log_(log_level::debug, "following '" + k.text() + "'");
    }

    void give_credentials(std::size_t group, acd::time_point now) {
        acd::credentials creds;
        std::error_code ec = client_.resolve_credentials(creds);
        std::string why = ec ? client_.credentials_error() : std::string();
        if (!ec && role_) {
            acd::driver::blocking_hooks h = client_.credential_hooks();
            h.credentials_source = [this](acd::credentials& out) { return client_.resolve_credentials(out); };
            ec = acd::driver::run(*role_, h);
            if (!ec && role_->outcome().ready()) creds = role_->outcome().value;
            else {
                ec = role_->outcome().error ? role_->outcome().error : (ec ? ec : make_error_code(acd::errc::credential_provider_failed));
                why = "ROLE_ARN " + s_.role_arn + ": " + (role_->outcome().diag.message.empty() ? ec.message() : role_->outcome().diag.message);
            }
        }
        if (!ec) {
            credentials_wanted_ = false;
            sched_.set_credentials(group, creds);
            return;
        }
        credentials_wanted_ = true;
        credentials_group_ = group;
        credentials_retry_at_ = now + std::chrono::seconds(5);
        log_(log_level::error, "no usable AWS credentials (trying again in 5 s): " + (why.empty() ? ec.message() : why));
        std::lock_guard<std::mutex> lock(st_.mutex);
        for (auto& kv : st_.configs)
            if (!kv.second.have) kv.second.last_error = "no usable AWS credentials: " + (why.empty() ? ec.message() : why);
    }

    // The session's news into the cache (and the backup).
    void drain(std::size_t i, acd::time_point now) {
        auto& session = sched_.at(i);
        const config_key& k = keys_[i];
        std::lock_guard<std::mutex> lock(st_.mutex);
        cached& e = st_.configs[k];
        while (auto ev = session.poll_event()) {
            using acd::session::event_kind;
            if (ev->kind == event_kind::changed || ev->kind == event_kind::unchanged) {
                ++e.polls;
                e.last_success = now;
                e.last_error.clear();
            }
            if (ev->kind == event_kind::changed) {
                const bool first = !e.have || e.from_backup;
                e.have = true;
                e.from_backup = false;
                e.content = ev->content;
                e.content_type = ev->content_type;
                e.version_label = ev->version_label;
                ++e.changes;
                log_(log_level::info, std::string(first ? "retrieved initial data for '" : "retrieved new data for '") + k.text() +
                                          "' (version '" + e.version_label + "', " + std::to_string(e.content.size()) + " bytes)");
                save_backup(k, e, now);
            }
            if (ev->error) {
                ++e.errors;
                e.last_error = cli::service_error_text(ev->error, ev->diag);
                log_(log_level::warn, "'" + k.text() + "': " + acd::session::to_string(ev->kind) + ": " + e.last_error);
            }
        }
        e.billable = session.stats().billable_requests;
    }

    void save_backup(const config_key& k, const cached& e, acd::time_point now) {
        if (s_.backup_directory.empty()) return;
        acd::adapters::file_backup_store<acd::adapters::botan_crypto> store(backup_path(s_, k), identity_of(k));
        acd::backup::record r;
        r.identity = identity_of(k);
        r.content = e.content;
        r.content_type = e.content_type;
        r.version_label = e.version_label;
        r.saved_at = now;
        acd::diagnostics diag;
        if (auto ec = store.save(r, diag))
            log_(log_level::error, "could not write the backup of '" + k.text() + "': " + (diag.message.empty() ? ec.message() : diag.message));
        else
            log_(log_level::debug, "wrote the backup of '" + k.text() + "'");
    }

    // The session failed for good: callers get the service's answer.
    void refused(std::size_t i, acd::time_point now) {
        const auto& session = sched_.at(i);
        const acd::diagnostics& d = session.last_service_error().diag;
        std::lock_guard<std::mutex> lock(st_.mutex);
        cached& e = st_.configs[keys_[i]];
        e.failed = true;
        e.failed_at = now;
        e.error_type = d.error_type.empty() ? std::string("ServiceError") : d.error_type;
        e.error_message = d.message.empty() ? session.last_error().message() : d.message;
        e.failed_status = e.error_type == "ResourceNotFoundException" ? 404 : e.error_type == "BadRequestException" ? 400 : 502;
        log_(log_level::error, "'" + keys_[i].text() + "' refused: " + e.error_type + ": " + e.error_message);
    }

    const settings& s_;
    cli::client& client_;
    shared_state& st_;
    logger& log_;
    acd::adapters::curl_transport transport_;
    acd::file_reader reader_;
    acd::process_runner runner_;
    std::unique_ptr<acd::cached_credentials_provider> role_;
    acd::driver::scheduler<cli::client::session_type> sched_;
    std::vector<config_key> keys_;
    bool credentials_wanted_ = false;
    std::size_t credentials_group_ = 0;
    acd::time_point credentials_retry_at_{};
};

// ---------------------------------------------------------------- local development

// LOCAL_DEVELOPMENT_DIRECTORY/App:Env:Profile[.ext]; the content type from the extension (json, yaml,
// txt, or type%subtype[%parameter]). Re-read at the poll interval. Mutex held.
void read_local(const settings& s, const config_key& k, cached& e, acd::time_point now) {
    if (e.read_at != acd::time_point{} && now - e.read_at < s.poll_interval) return;
    e.read_at = now;
    e = cached{};
    e.read_at = now;
    std::error_code ec;
    const std::string stem = k.text();
    for (const auto& entry : std::filesystem::directory_iterator(s.local_development_directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (name != stem && name.rfind(stem + ".", 0) != 0) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        if (!in && !in.eof()) continue;
        const std::string ext = name.size() > stem.size() ? name.substr(stem.size() + 1) : std::string();
        std::string type = "application/octet-stream";
        if (ext == "json") type = "application/json";
        else if (ext == "yaml" || ext == "yml") type = "application/x-yaml";
        else if (ext == "txt") type = "text/plain";
        else if (const auto pct = ext.find('%'); pct != std::string::npos) {
            type = ext.substr(0, pct) + "/" + ext.substr(pct + 1);
            if (const auto second = type.find('%'); second != std::string::npos) type[second] = ';';
        }
        e.have = true;
        e.content = body.str();
        e.content_type = type;
        std::ostringstream v;
        v << std::hex << std::hash<std::string>{}(e.content);
        e.version_label = v.str();
        return;
    }
    e.failed = true;
    e.failed_status = 404;
    e.error_type = "ResourceNotFoundException";
    e.error_message = "no file '" + stem + "[.ext]' in LOCAL_DEVELOPMENT_DIRECTORY";
}

// ---------------------------------------------------------------- HTTP server

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 99;
        if (n == 99 || i + n >= s.size() + (n ? 0 : 1)) return false;
        if (c < 0x20 || c == 0x7f) return false; // no control bytes in names
        for (std::size_t j = 1; j <= n; ++j)
            if ((static_cast<unsigned char>(s[i + j]) >> 6) != 2) return false;
        i += n + 1;
    }
    return true;
}

std::string prometheus_label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

struct server;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(server& srv, tcp::socket socket);
    ~connection();
    void start() { read(); }
    void close_if_idle() {
        if (!busy_) close();
    }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
        timer_.cancel();
    }

private:
    void read();
    void on_read(beast::error_code ec);
    void handle();
    void answer_configuration(const config_key& k, std::vector<std::string> flags);
    void wait_for(const config_key& k, std::vector<std::string> flags, std::chrono::steady_clock::time_point deadline);
    void serve(const config_key& k, const cached& e, const std::vector<std::string>& flags);
    void reply(unsigned status, std::string body, std::string content_type = "application/json");
    void error(unsigned status, const std::string& type, const std::string& message);
    void write();

    server& srv_;
    beast::tcp_stream stream_;
    asio::steady_timer timer_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> res_;
    bool busy_ = false;
    bool keep_alive_ = true;
};

struct server {
    server(asio::io_context& ioc, const settings& s, shared_state& st, logger& log) : ioc(ioc), s(s), st(st), log(log), acceptor(ioc) {}

    asio::io_context& ioc;
    const settings& s;
    shared_state& st;
    logger& log;
    tcp::acceptor acceptor;
    std::unordered_set<connection*> connections;
    bool stopping = false;

    void listen() {
        beast::error_code ec;
        auto address = asio::ip::make_address(s.http_host == "localhost" ? std::string("127.0.0.1") : s.http_host, ec);
        if (ec) throw cli::usage_error("HTTP_HOST: '" + s.http_host + "' is not an IP address (or localhost)");
        tcp::endpoint where(address, s.http_port);
        acceptor.open(where.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(where, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw cli::client_error("cannot listen on " + s.http_host + ":" + std::to_string(s.http_port) + ": " + ec.message());
        log(log_level::info, "serving on " + s.http_host + ":" + std::to_string(acceptor.local_endpoint().port()));
        accept();
    }

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (stopping) return;
            if (!ec) {
                if (connections.size() >= 4096) {
                    beast::error_code ignored;
                    socket.close(ignored);
                } else {
                    std::make_shared<connection>(*this, std::move(socket))->start();
                }
            } else if (ec == asio::error::operation_aborted) {
                return;
            }
            accept();
        });
    }

    void stop() {
        stopping = true;
        beast::error_code ec;
        acceptor.close(ec);
        std::vector<connection*> all(connections.begin(), connections.end());
        for (connection* c : all) c->close_if_idle();
    }
};

connection::connection(server& srv, tcp::socket socket) : srv_(srv), stream_(std::move(socket)), timer_(stream_.get_executor()) {
    srv_.connections.insert(this);
}
connection::~connection() { srv_.connections.erase(this); }

void connection::read() {
    if (srv_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(10)); // a slow caller times out; others are not held up
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void connection::on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) return close();
    busy_ = true;
    keep_alive_ = !ec && parser_->get().keep_alive();
    if (ec == bhttp::error::header_limit) return error(431, "RequestHeaderFieldsTooLarge", "the request's header is larger than 16 KiB");
    if (ec == bhttp::error::body_limit) return error(413, "RequestEntityTooLarge", "the request's body is larger than 64 KiB");
    if (ec) {
        keep_alive_ = false;
        return error(400, "BadRequest", "the request is not valid HTTP/1.1");
    }
    handle();
}

void connection::handle() {
    const auto& req = parser_->get();
    {
        std::lock_guard<std::mutex> lock(srv_.st.mutex);
        ++srv_.st.http_requests;
    }
    const std::string target(req.target());
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? std::string() : target.substr(q + 1);
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
        return error(405, "MethodNotAllowed", "only GET is served");
    if (path == "/ping") return reply(200, std::string("appconfigdata agent ") + acd::version_string + "\n", "text/plain");
    if (!srv_.s.access_token.empty()) {
        const auto auth = req.find(bhttp::field::authorization);
        const std::string expected = "Bearer " + srv_.s.access_token;
        const std::string given = auth == req.end() ? std::string() : std::string(auth->value());
        unsigned char diff = given.size() == expected.size() ? 0 : 1; // compared in constant time
        for (std::size_t i = 0; i < given.size() && i < expected.size(); ++i)
            diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
        if (diff != 0)
            return error(401, "Unauthorized", "send the agent's ACCESS_TOKEN as 'Authorization: Bearer <token>'");
    }
    if (path == "/metrics") {
        std::ostringstream m;
        std::lock_guard<std::mutex> lock(srv_.st.mutex);
        std::size_t held = 0;
        for (const auto& kv : srv_.st.configs) held += kv.second.have ? 1 : 0;
        m << "# HELP appconfigdata_agent_configurations Configurations held in memory.\n"
             "# TYPE appconfigdata_agent_configurations gauge\n"
             "appconfigdata_agent_configurations "
          << held << "\n"
          << "# HELP appconfigdata_agent_http_requests_total Requests from callers.\n"
             "# TYPE appconfigdata_agent_http_requests_total counter\n"
             "appconfigdata_agent_http_requests_total "
          << srv_.st.http_requests << "\n";
        const std::pair<const char*, const char*> series[] = {
            {"polls_total", "Successful polls of the service (changed or unchanged)."},
            {"changes_total", "New configuration versions received."},
            {"errors_total", "Failed requests to the service."},
            {"billable_requests_total", "Requests that AWS bills (configurations received)."},
            {"last_success_timestamp_seconds", "Unix time of the last successful poll."}};
        for (const auto& s : series) {
            const bool gauge = std::string(s.first).find("timestamp") != std::string::npos;
            m << "# HELP appconfigdata_agent_" << s.first << " " << s.second << "\n# TYPE appconfigdata_agent_" << s.first
              << (gauge ? " gauge\n" : " counter\n");
            for (const auto& kv : srv_.st.configs) {
                const cached& e = kv.second;
                const std::uint64_t value = std::string(s.first) == "polls_total"     ? e.polls
                                            : std::string(s.first) == "changes_total" ? e.changes
                                            : std::string(s.first) == "errors_total"  ? e.errors
                                            : !gauge                                  ? e.billable
                                            : static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                                             e.last_success.time_since_epoch()).count());
                m << "appconfigdata_agent_" << s.first << "{application=\"" << prometheus_label(kv.first.application) << "\",environment=\""
                  << prometheus_label(kv.first.environment) << "\",profile=\"" << prometheus_label(kv.first.profile) << "\"} " << value << "\n";
            }
        }
        return reply(200, m.str(), "text/plain; version=0.0.4");
    }
    // /applications/{app}/environments/{env}/configurations/{profile}
    std::vector<std::string> parts;
    for (std::size_t i = 1; i <= path.size();) {
        const auto slash = path.find('/', i);
        parts.push_back(path.substr(i, slash == std::string::npos ? std::string::npos : slash - i));
        if (slash == std::string::npos) break;
        i = slash + 1;
    }
    if (parts.size() != 6 || path[0] != '/' || parts[0] != "applications" || parts[2] != "environments" || parts[4] != "configurations")
        return error(404, "NotFound", "paths are /applications/{application}/environments/{environment}/configurations/{profile}, /ping and /metrics");
    config_key k{acd::http::percent_decode(parts[1]), acd::http::percent_decode(parts[3]), acd::http::percent_decode(parts[5])};
    for (const std::string* p : {&k.application, &k.environment, &k.profile}) {
        if (p->empty() || p->size() > 128) return error(400, "BadRequest", "names must be 1 to 128 characters");
        if (!valid_utf8(*p)) return error(400, "BadRequest", "names must be UTF-8 without control characters");
        if (!srv_.s.local_development_directory.empty() &&
            (*p == "." || *p == ".." || p->find('/') != std::string::npos || p->find('\\') != std::string::npos || p->find(':') != std::string::npos))
            return error(400, "BadRequest", "in local development mode names cannot hold '/', '\\\\' or ':', nor be '.' or '..'");
    }
    std::vector<std::string> flags;
    for (std::size_t i = 0; i < query.size();) {
        const auto amp = query.find('&', i);
        const std::string item = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
        if (item.rfind("flag=", 0) == 0) {
            const std::string f = acd::http::percent_decode(item.substr(5));
            if (f.empty() || !valid_utf8(f)) return error(400, "BadRequest", "?flag= wants a flag key");
            flags.push_back(f);
        }
        if (amp == std::string::npos) break;
        i = amp + 1;
    }
    answer_configuration(k, std::move(flags));
}

void connection::answer_configuration(const config_key& k, std::vector<std::string> flags) {
    const auto now = acd::clock_type::now();
    std::unique_lock<std::mutex> lock(srv_.st.mutex);
    if (!srv_.s.local_development_directory.empty()) {
        cached& e = srv_.st.configs[k];
        read_local(srv_.s, k, e, now);
        const cached copy = e;
        lock.unlock();
        return serve(k, copy, flags);
    }
    if (srv_.st.configs.size() >= max_configurations && !srv_.st.configs.count(k)) {
        lock.unlock();
        return error(503, "TooManyConfigurations",
                     "the agent follows " + std::to_string(max_configurations) + " configurations already; it takes no new one");
    }
    srv_.st.want(k, now);
    const cached& e = srv_.st.configs[k];
    if (e.have || e.failed) {
        const cached copy = e;
        lock.unlock();
        return serve(k, copy, flags);
    }
    lock.unlock();
    wait_for(k, std::move(flags), std::chrono::steady_clock::now() + srv_.s.request_timeout);
}

// The first request for a configuration: check every 10 ms until it arrives or REQUEST_TIMEOUT passes.
void connection::wait_for(const config_key& k, std::vector<std::string> flags, std::chrono::steady_clock::time_point deadline) {
    {
        std::unique_lock<std::mutex> lock(srv_.st.mutex);
        cached& e = srv_.st.configs[k];
        const bool late = std::chrono::steady_clock::now() >= deadline;
        if (late && !e.have && !e.failed && !srv_.s.preload_backups) load_backup(srv_.s, k, e, srv_.log); // the service did not answer
        if (e.have || e.failed || late || srv_.stopping) {
            const cached copy = e;
            lock.unlock();
            if (copy.have || copy.failed) return serve(k, copy, flags);
            return error(503, "ServiceUnavailable",
                         "'" + k.text() + "' could not be retrieved within REQUEST_TIMEOUT and there is no backup" +
                             (copy.last_error.empty() ? std::string() : ": " + copy.last_error));
        }
    }
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([self = shared_from_this(), k, flags = std::move(flags), deadline](beast::error_code ec) mutable {
        if (ec) return self->close();
        self->wait_for(k, std::move(flags), deadline);
    });
}

void connection::serve(const config_key& k, const cached& e, const std::vector<std::string>& flags) {
    if (!e.have) return error(static_cast<unsigned>(e.failed_status ? e.failed_status : 502), e.error_type, e.error_message);
    if (flags.empty()) {
        res_ = {};
        res_.set(bhttp::field::content_type, e.content_type.empty() ? std::string("application/octet-stream") : e.content_type);
        if (!e.version_label.empty()) res_.set("Configuration-Version", e.version_label);
        res_.result(200);
        res_.body() = e.content;
        return write();
    }
    acd::feature_flags::document doc;
    acd::diagnostics diag;
    if (auto ec = acd::feature_flags::document::parse(e.content, doc, diag))
        return error(400, "BadRequest", "'" + k.text() + "' is not a feature-flag configuration, so ?flag= does not apply");
    std::string out = "{";
    for (std::size_t i = 0; i < flags.size(); ++i) {
        std::string one;
        if (doc.flag_json(flags[i], one)) return error(404, "FlagNotFound", "no flag '" + flags[i] + "' in '" + k.text() + "'");
        out += (i ? "," : "") + boost::json::serialize(boost::json::string(flags[i])) + ":" + one;
    }
    out += "}";
    res_ = {};
    res_.set(bhttp::field::content_type, "application/json");
    if (!e.version_label.empty()) res_.set("Configuration-Version", e.version_label);
    res_.result(200);
    res_.body() = std::move(out);
    write();
}

void connection::reply(unsigned status, std::string body, std::string content_type) {
    res_ = {};
    res_.result(status);
    res_.set(bhttp::field::content_type, content_type);
    res_.body() = std::move(body);
    write();
}

void connection::error(unsigned status, const std::string& type, const std::string& message) {
    boost::json::object o;
    o["Type"] = type;
    o["Message"] = message;
    {
        std::lock_guard<std::mutex> lock(srv_.st.mutex);
        ++srv_.st.http_errors;
    }
    srv_.log(log_level::debug, "answered " + std::to_string(status) + " " + type);
    reply(status, boost::json::serialize(o) + "\n");
}

void connection::write() {
    res_.version(11);
    res_.set(bhttp::field::server, "appconfigdata-agent");
    res_.keep_alive(keep_alive_ && !srv_.stopping);
    if (parser_ && parser_->is_header_done() && parser_->get().method() == bhttp::verb::head) {
        res_.content_length(res_.body().size());
        res_.body().clear();
    } else {
        res_.prepare_payload();
    }
    stream_.expires_after(std::chrono::seconds(10));
    bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->busy_ = false;
        if (ec || !self->res_.keep_alive()) return self->close();
        self->read();
    });
}

} // namespace

int cli::cmd_agent(int argc, char** argv) {
    if (help_requested(argc, argv)) {
        usage(std::cout);
        return 0;
    }
    const args a(argc, argv, 2, credential_valued_options(), {"fips", "dualstack"});
    const settings s = read_settings(process_environment());
    logger log;
    log.open(s.level, s.log_path);
    shared_state st;
    st.refused_retry = std::max<std::chrono::seconds>(s.poll_interval, std::chrono::seconds(15));

    std::unique_ptr<client> c;
    std::unique_ptr<poller> p;
    std::thread poll_thread;
    if (s.local_development_directory.empty()) {
        client_options opts;
        parse_credential_options(a, opts);
        if (!s.service_region.empty()) opts.region = s.service_region;
        opts.many_configurations = true;
        if (!s.proxy_url.empty()) { // libcurl takes its proxy from the environment (http_proxy only in lower case)
            setenv("https_proxy", s.proxy_url.c_str(), 1);
            setenv("http_proxy", s.proxy_url.c_str(), 1);
        }
        try {
            c = std::make_unique<client>(opts);
        } catch (const client_error& e) {
            log(log_level::fatal, std::string("cannot start: ") + e.what() + " (or set SERVICE_REGION)");
            std::cerr << "appconfigdata agent: " << e.what() << " (or set SERVICE_REGION)\n";
            return 1;
        }
        log(log_level::info, "appconfigdata agent " + std::string(acd::version_string) + ", region " + c->region() + ", endpoint " + c->endpoint());
        p = std::make_unique<poller>(s, *c, st, log);
        {
            std::lock_guard<std::mutex> lock(st.mutex);
            for (const auto& k : s.prefetch) st.want(k, acd::clock_type::now());
        }
    } else {
        std::error_code ec;
        if (!std::filesystem::is_directory(s.local_development_directory, ec))
            throw usage_error("LOCAL_DEVELOPMENT_DIRECTORY: '" + s.local_development_directory + "' is not a directory");
        log(log_level::info, "appconfigdata agent " + std::string(acd::version_string) + ", local development mode: " + s.local_development_directory);
    }

    asio::io_context ioc(1);
    server srv(ioc, s, st, log);
    try {
        srv.listen();
    } catch (const client_error& e) {
        log(log_level::fatal, e.what());
        std::cerr << "appconfigdata agent: " << e.what() << "\n";
        return 1;
    }
    if (p) poll_thread = std::thread([&p] { p->run(); });
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int) {
        if (ec) return;
        log(log_level::info, "stopping: answering the requests in flight");
        srv.stop();
        std::lock_guard<std::mutex> lock(st.mutex);
        st.stop = true;
        st.wake.notify_all();
    });
    ioc.run();
    if (poll_thread.joinable()) poll_thread.join(); // the poller finishes the request (and backup) in hand
    log(log_level::info, "stopped");
    return 0;
}
