// Typed access to an AWS AppConfig feature-flag configuration, in the form GetLatestConfiguration
// returns it for a profile of type AWS.AppConfig.FeatureFlags (content type application/json):
//
//   {"dark_mode": {"enabled": true, "max_items": 25, "theme": "night"},
//    "beta":      {"enabled": false}}
//
// Each member of the top-level object is one flag; its value is an object with a boolean
// `enabled` (the service's FlagValue: Enabled is required) and up to 25 attributes whose values
// are strings, numbers, booleans or arrays of them. Keys starting with '_' (the agent's
// `_variant`) are ordinary attributes here.
//
// What parse() accepts, decided from the documented format:
// - the text must be a JSON object (errc::malformed_document otherwise, also for invalid JSON);
// - every member must be an object with a boolean `enabled` (errc::malformed_document naming the
//   flag otherwise): a document with one broken flag is rejected whole, so a caller never acts on
//   half a configuration;
// - flag names are not checked against the console's pattern (^[a-z][a-zA-Z0-9_-]{0,63}$), so
//   emulators and hand-written documents with other keys still work;
// - `limits` bound the text size, nesting depth and flag count (errc::limit_exceeded).
//
// A parsed document is immutable and cheap to copy (the parsed data is shared, read-only, so
// copies may be read from several threads). Every lookup after parsing is allocation-free:
// names are std::string_view, flags sit in a vector sorted by name (binary search), and
// attributes are found in the flag's JSON object without building a key.
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace feature_flags {

// Bounds on a feature-flag document read from outside.
struct parse_limits {
    std::size_t max_bytes = default_limits.max_configuration; // size of the JSON text
    std::size_t max_depth = 32;                               // nesting of objects and arrays
    std::size_t max_flags = 10000;                            // members of the top-level object
};

class document {
public:
    // An empty document: no flags. Every lookup reports feature_flag_not_found.
    document() = default;

    // Parses `text` into `out`. On success returns {} and replaces `out`; on failure returns
    // errc::malformed_document or errc::limit_exceeded, sets diag.message to what was wrong (never
    // the document's content beyond a flag name) and leaves `out` unchanged. Throws only
    // std::bad_alloc.
    static std::error_code parse(std::string_view text, document& out, diagnostics& diag, const parse_limits& limits = {}) {
        diag.clear();
        if (text.size() > limits.max_bytes) {
            diag.message = "feature-flag document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(limits.max_bytes);
            return errc::limit_exceeded;
        }
        boost::json::parse_options options;
        options.max_depth = limits.max_depth;
        boost::system::error_code jec;
        auto parsed = std::make_shared<data>();
        parsed->root = boost::json::parse(boost::json::string_view(text.data(), text.size()), jec, {}, options);
        if (jec) {
            if (jec == boost::json::error::too_deep) {
                diag.message = "feature-flag document nests deeper than " + std::to_string(limits.max_depth) + " levels";
                return errc::limit_exceeded;
            }
            diag.message = "feature-flag document is not valid JSON: " + jec.message();
            return errc::malformed_document;
        }
        const boost::json::object* root = parsed->root.if_object();
        if (!root) {
            diag.message = "feature-flag document is not a JSON object";
            return errc::malformed_document;
        }
        if (root->size() > limits.max_flags) {
            diag.message = "feature-flag document has " + std::to_string(root->size()) + " flags, over the limit of " +
                           std::to_string(limits.max_flags);
            return errc::limit_exceeded;
        }
        parsed->entries.reserve(root->size());
        for (const auto& member : *root) {
            const std::string_view name(member.key().data(), member.key().size());
            const boost::json::object* flag = member.value().if_object();
            if (!flag) {
                diag.message = "feature flag '" + std::string(name) + "' is not a JSON object";
                return errc::malformed_document;
            }
            const boost::json::value* enabled = flag->if_contains("enabled");
            if (!enabled || !enabled->is_bool()) {
                diag.message = "feature flag '" + std::string(name) + "' has no boolean \"enabled\"";
                return errc::malformed_document;
            }
            parsed->entries.push_back(entry{name, flag, enabled->get_bool()});
        }
        std::sort(parsed->entries.begin(), parsed->entries.end(), [](const entry& a, const entry& b) { return a.name < b.name; });
        // Boost.JSON keeps one value per key, but be safe against a parser that keeps duplicates.
        for (std::size_t i = 1; i < parsed->entries.size(); ++i) {
            if (parsed->entries[i].name == parsed->entries[i - 1].name) {
                diag.message = "feature flag '" + std::string(parsed->entries[i].name) + "' appears twice";
                return errc::malformed_document;
            }
        }
        parsed->names.reserve(parsed->entries.size());
        for (const entry& e : parsed->entries) parsed->names.push_back(e.name);
        out.data_ = std::move(parsed);
        return {};
    }

    // As above, without diagnostics.
    static std::error_code parse(std::string_view text, document& out, const parse_limits& limits = {}) {
        diagnostics diag;
        return parse(text, out, diag, limits);
    }

    // Number of flags.
    std::size_t size() const noexcept { return data_ ? data_->entries.size() : 0; }
    bool empty() const noexcept { return size() == 0; }

    // The flag names, sorted (byte order). Valid while this document (or a copy) lives.
    const std::vector<std::string_view>& names() const noexcept { return data_ ? data_->names : empty_names(); }

    // True when the document has a flag named `name`.
    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

    // The flag's `enabled`, or std::nullopt when there is no such flag.
    std::optional<bool> enabled(std::string_view name) const noexcept {
        const entry* e = find(name);
        if (!e) return std::nullopt;
        return e->enabled;
    }

    // The flag's `enabled`; `missing` (default false) when there is no such flag.
    bool is_enabled(std::string_view name, bool missing = false) const noexcept {
        const entry* e = find(name);
        return e ? e->enabled : missing;
    }

    // Checked: sets `out` to the flag's `enabled`; errc::feature_flag_not_found when absent.
    std::error_code try_enabled(std::string_view name, bool& out) const noexcept {
        const entry* e = find(name);
        if (!e) return errc::feature_flag_not_found;
        out = e->enabled;
        return {};
    }

    // The attribute's raw JSON value (including "enabled"), or nullptr when the flag or the
    // attribute is absent. Valid while this document (or a copy) lives.
    const boost::json::value* attribute(std::string_view flag, std::string_view attr) const noexcept {
        const entry* e = find(flag);
        if (!e) return nullptr;
        return e->flag->if_contains(boost::json::string_view(attr.data(), attr.size()));
    }

    // The flag's JSON object, or nullptr when absent.
    const boost::json::object* flag_object(std::string_view flag) const noexcept {
        const entry* e = find(flag);
        return e ? e->flag : nullptr;
    }

    // Checked attribute reads. Each returns {} and sets `out`, or errc::feature_flag_not_found
    // (no such flag, or the flag has no such attribute) or errc::feature_flag_wrong_type (the
    // attribute holds another JSON type); `out` is untouched on error. Never throw.
    //   try_get_bool:   JSON true/false.
    //   try_get_int:    a JSON integer that fits in int64 (a number with a fraction or an
    //                   exponent, e.g. 2.5 or 1e3, is a double: wrong type).
    //   try_get_double: any JSON number (integers convert).
    //   try_get_string: a JSON string; the view points into this document.
    std::error_code try_get_bool(std::string_view flag, std::string_view attr, bool& out) const noexcept {
        const boost::json::value* v = nullptr;
        if (auto ec = lookup(flag, attr, v)) return ec;
        if (!v->is_bool()) return errc::feature_flag_wrong_type;
        out = v->get_bool();
        return {};
    }

    std::error_code try_get_int(std::string_view flag, std::string_view attr, std::int64_t& out) const noexcept {
        const boost::json::value* v = nullptr;
        if (auto ec = lookup(flag, attr, v)) return ec;
        if (v->is_int64()) {
            out = v->get_int64();
            return {};
        }
        if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            out = static_cast<std::int64_t>(v->get_uint64());
            return {};
        }
        return errc::feature_flag_wrong_type;
    }

    std::error_code try_get_double(std::string_view flag, std::string_view attr, double& out) const noexcept {
        const boost::json::value* v = nullptr;
        if (auto ec = lookup(flag, attr, v)) return ec;
        if (v->is_double()) out = v->get_double();
        else if (v->is_int64()) out = static_cast<double>(v->get_int64());
        else if (v->is_uint64()) out = static_cast<double>(v->get_uint64());
        else return errc::feature_flag_wrong_type;
        return {};
    }

    std::error_code try_get_string(std::string_view flag, std::string_view attr, std::string_view& out) const noexcept {
        const boost::json::value* v = nullptr;
        if (auto ec = lookup(flag, attr, v)) return ec;
        const boost::json::string* s = v->if_string();
        if (!s) return errc::feature_flag_wrong_type;
        out = std::string_view(s->data(), s->size());
        return {};
    }

    // Attribute reads with a default: the attribute's value, or `fallback` when the flag or the
    // attribute is absent or has another type. Never throw, never allocate. get_string's result
    // points into this document or is `fallback` itself (keep the fallback's storage alive).
    bool get_bool(std::string_view flag, std::string_view attr, bool fallback) const noexcept {
        return value_or(&document::try_get_bool, flag, attr, fallback);
    }
    std::int64_t get_int(std::string_view flag, std::string_view attr, std::int64_t fallback) const noexcept {
        return value_or(&document::try_get_int, flag, attr, fallback);
    }
    double get_double(std::string_view flag, std::string_view attr, double fallback) const noexcept {
        return value_or(&document::try_get_double, flag, attr, fallback);
    }
    std::string_view get_string(std::string_view flag, std::string_view attr, std::string_view fallback) const noexcept {
        return value_or(&document::try_get_string, flag, attr, fallback);
    }

    // Serialises the flag's object (`enabled` and its attributes, in document order) as compact
    // JSON into `out`. errc::feature_flag_not_found when absent (`out` untouched). Allocates.
    std::error_code flag_json(std::string_view flag, std::string& out) const {
        const entry* e = find(flag);
        if (!e) return errc::feature_flag_not_found;
        out = boost::json::serialize(*e->flag);
        return {};
    }

    // Same documents: the same flags with equal JSON values.
    friend bool operator==(const document& a, const document& b) noexcept {
        if (a.size() != b.size()) return false;
        if (a.data_ == b.data_) return true;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const entry& x = a.data_->entries[i];
            const entry& y = b.data_->entries[i];
            if (x.name != y.name || *x.flag != *y.flag) return false;
        }
        return true;
    }
    friend bool operator!=(const document& a, const document& b) noexcept { return !(a == b); }

    // Prints the flag count only: flag names and values are configuration content.
    friend std::ostream& operator<<(std::ostream& os, const document& d) {
        return os << "feature_flags::document{" << d.size() << (d.size() == 1 ? " flag}" : " flags}");
    }

private:
    struct entry {
        std::string_view name;             // points into data::root
        const boost::json::object* flag;   // points into data::root
        bool enabled;
    };
    struct data {
        boost::json::value root;
        std::vector<entry> entries;             // sorted by name
        std::vector<std::string_view> names;    // the same order
    };

    static const std::vector<std::string_view>& empty_names() noexcept {
        static const std::vector<std::string_view> none; // function-local, immutable
        return none;
    }

    const entry* find(std::string_view name) const noexcept {
        if (!data_) return nullptr;
        const auto& v = data_->entries;
        auto it = std::lower_bound(v.begin(), v.end(), name, [](const entry& e, std::string_view n) { return e.name < n; });
        if (it == v.end() || it->name != name) return nullptr;
        return &*it;
    }

    // The get_* functions: what `try_get` reads, or `fallback` when it fails.
    template <class T>
    T value_or(std::error_code (document::*try_get)(std::string_view, std::string_view, T&) const noexcept, std::string_view flag,
               std::string_view attr, T fallback) const noexcept {
        T v = fallback;
        return (this->*try_get)(flag, attr, v) ? fallback : v;
    }

    std::error_code lookup(std::string_view flag, std::string_view attr, const boost::json::value*& out) const noexcept {
        const entry* e = find(flag);
        if (!e) return errc::feature_flag_not_found;
        out = e->flag->if_contains(boost::json::string_view(attr.data(), attr.size()));
        if (!out) return errc::feature_flag_not_found;
        return {};
    }

    std::shared_ptr<const data> data_;
};

} // namespace feature_flags
APPCONFIGDATA_NAMESPACE_END
