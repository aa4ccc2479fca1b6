// Command-line parsing shared by the appconfigdata subcommands: --name value, --name=value and
// flags; repeated options kept in order; unknown or missing options are usage errors (exit 2).
#pragma once

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// True when --help or -h is among argv[first..].
inline bool help_requested(int argc, char** argv, int first = 2) {
    for (int i = first; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") return true;
    return false;
}

class args {
public:
    // `valued`: options that take a value; `flags`: options that do not. Names without "--".
    args(int argc, char** argv, int first, const std::set<std::string>& valued, const std::set<std::string>& flags) {
        for (int i = first; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0) throw usage_error("unexpected argument '" + a + "'");
            std::string name = a.substr(2);
            std::optional<std::string> value;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (flags.count(name)) {
                if (value) throw usage_error("option --" + name + " takes no value");
                flags_.insert(name);
            } else if (valued.count(name)) {
                if (!value) {
                    if (i + 1 >= argc) throw usage_error("option --" + name + " needs a value");
                    value = argv[++i];
                }
                values_[name].push_back(*value);
            } else {
                throw usage_error("unknown option --" + name);
            }
        }
    }

    bool flag(const std::string& name) const { return flags_.count(name) != 0; }
    bool has(const std::string& name) const { return values_.count(name) != 0; }

    // The last value given for --name, or nullopt.
    std::optional<std::string> get(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) return std::nullopt;
        return it->second.back();
    }

    std::string required(const std::string& name) const {
        auto v = get(name);
        if (!v) throw usage_error("missing required option --" + name);
        return *v;
    }

    std::vector<std::string> all(const std::string& name) const {
        auto it = values_.find(name);
        return it == values_.end() ? std::vector<std::string>{} : it->second;
    }

    // --name as an integer in [lo, hi], or nullopt when absent.
    std::optional<long long> integer(const std::string& name, long long lo, long long hi) const {
        auto v = get(name);
        if (!v) return std::nullopt;
        char* end = nullptr;
        errno = 0;
        long long n = std::strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || errno != 0 || n < lo || n > hi)
            throw usage_error("option --" + name + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
        return n;
    }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::set<std::string> flags_;
};

} // namespace cli
