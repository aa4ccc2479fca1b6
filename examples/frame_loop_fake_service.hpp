// A tiny in-process stand-in for AWS AppConfig Data, so the frame-loop example (and its test)
// runs without AWS or a network. It speaks the two operations the way the service documents
// them: StartConfigurationSession (POST /configurationsessions → 201 with an
// InitialConfigurationToken) and GetLatestConfiguration (GET /configuration?configuration_token=
// → 200 with Next-Poll-Configuration-Token, Next-Poll-Interval-In-Seconds, and the configuration
// only when it changed since that session last received it; tokens are single-use).
// It does not check signatures. In a real program this is AWS, reached through your HTTP stack.
#pragma once

#include <appconfigdata/appconfigdata.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace example {

namespace acd = appconfigdata;

class fake_appconfig {
public:
    explicit fake_appconfig(int poll_interval_seconds = 15) : interval_(poll_interval_seconds) {}

    // Deploys a new version of application/environment/profile.
    void deploy(const std::string& application, const std::string& environment, const std::string& profile, std::string content,
                std::string content_type, std::string version_label) {
        deployment& d = deployments_[key(application, environment, profile)];
        d.content = std::move(content);
        d.content_type = std::move(content_type);
        d.version_label = std::move(version_label);
        ++d.version;
    }

    // Answers one request.
    acd::http::response handle(const acd::http::request& req) {
        ++requests_;
        if (req.method == "POST" && ends_with(req.path, "/configurationsessions")) return start_session(req);
        if (req.method == "GET" && ends_with(req.path, "/configuration")) return get_latest(req);
        return error(404, "ResourceNotFoundException", "unknown operation");
    }

    std::uint64_t requests() const noexcept { return requests_; }

private:
    struct deployment {
        std::string content, content_type, version_label;
        std::uint64_t version = 0;
    };
    struct session_token {
        std::string deployment_key;
        std::uint64_t version_sent = 0; // 0: nothing sent in this session yet
    };

    static std::string key(const std::string& a, const std::string& e, const std::string& p) { return a + "/" + e + "/" + p; }
    static bool ends_with(const std::string& s, const char* suffix) {
        const std::string t(suffix);
        return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
    }

    static acd::http::response error(int status, const char* type, const char* message) {
        acd::http::response r;
        r.status = status;
        r.headers.add("X-Amzn-ErrorType", type);
        r.headers.add("Content-Type", "application/json");
        r.body = std::string("{\"Message\":\"") + message + "\"}";
        return r;
    }

    std::string new_token(session_token t) {
        const std::string token = "token-" + std::to_string(++token_counter_);
        tokens_[token] = std::move(t);
        return token;
    }

    acd::http::response start_session(const acd::http::request& req) {
        boost::system::error_code ec;
        const boost::json::value body = boost::json::parse(req.body, ec);
        const boost::json::object* o = ec ? nullptr : body.if_object();
        auto field = [&](const char* name) -> std::string {
            const boost::json::value* v = o ? o->if_contains(name) : nullptr;
            return v && v->is_string() ? std::string(v->get_string().c_str()) : std::string();
        };
        const std::string k = key(field("ApplicationIdentifier"), field("EnvironmentIdentifier"), field("ConfigurationProfileIdentifier"));
        if (deployments_.find(k) == deployments_.end()) return error(404, "ResourceNotFoundException", "no such configuration");
        acd::http::response r;
        r.status = 201;
        r.headers.add("Content-Type", "application/json");
        r.body = "{\"InitialConfigurationToken\":\"" + new_token({k, 0}) + "\"}";
        return r;
    }

    acd::http::response get_latest(const acd::http::request& req) {
        const std::string prefix = "configuration_token=";
        const std::string token = req.query.compare(0, prefix.size(), prefix) == 0 ? acd::http::percent_decode(req.query.substr(prefix.size())) : "";
        auto it = tokens_.find(token);
        if (it == tokens_.end())
            return error(400, "BadRequestException", "token used, expired or unknown");
        const session_token used = it->second;
        tokens_.erase(it); // single use
        const deployment& d = deployments_[used.deployment_key];
        acd::http::response r;
        r.status = 200;
        r.headers.add("Content-Type", d.content_type);
        r.headers.add("Next-Poll-Interval-In-Seconds", std::to_string(interval_));
        r.headers.add("Next-Poll-Configuration-Token", new_token({used.deployment_key, d.version}));
        if (used.version_sent != d.version) {
            r.headers.add("Version-Label", d.version_label);
            r.body = d.content;
        }
        return r;
    }

    int interval_;
    std::map<std::string, deployment> deployments_;
    std::map<std::string, session_token> tokens_;
    std::uint64_t token_counter_ = 0;
    std::uint64_t requests_ = 0;
};

} // namespace example
