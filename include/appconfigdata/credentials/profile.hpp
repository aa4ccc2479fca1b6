// The shared AWS `config` and `credentials` files: a data model and a parser over their TEXT.
// Reading the files is an adapter's job (adapters/file_reader.hpp); finding them is
// credentials/profile_files.hpp.
//
// The format follows the cross-SDK profile-parser suite (see ../shared/conformance/aws-config):
//   config file:      [default], [profile NAME], [sso-session NAME], [services NAME]; other sections ignored
//   credentials file: [NAME] (so "[profile foo]" has an invalid name and is ignored)
//   - names may contain letters, digits and - / . % @ _ : + ; a section with another name is dropped
//     with its properties; property names follow the same rule, are lower-cased, and bad ones are dropped
//   - "#" or ";" starts a comment at the start of a line (also after indentation, as the AWS CLI reads it),
//     anywhere after "]" on a section line, and in a value only when preceded by whitespace
//   - an indented line continues the previous property ("\n" + trimmed line); after a property with an
//     empty value it is a sub-property line "k = v", kept as raw text (see parse_sub_properties)
//   - repeated sections merge and the last value wins; the credentials file wins over the config file
//   - in the config file, "[profile default]" anywhere hides every plain "[default]" section
// Errors (errc::profile_parse_error, errc::limit_exceeded) carry a message with the file kind and the
// line number, never the line's text (a line may hold a secret).
#pragma once

#include <appconfigdata/config.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/diagnostics.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN

enum class profile_file_kind { config, credentials };

inline const char* to_string(profile_file_kind k) noexcept { return k == profile_file_kind::config ? "config file" : "credentials file"; }

// One section: a profile, an sso-session or a services section. Property names are lower case.
struct profile {
    std::string name;
    std::map<std::string, std::string, std::less<>> properties;

    // The value of `key` (give it in lower case), or nullptr when absent. Never throws.
    const std::string* find(std::string_view key) const noexcept {
        auto it = properties.find(key);
        return it == properties.end() ? nullptr : &it->second;
    }
    // The value of `key`, or "" when absent. Never throws.
    std::string_view get(std::string_view key) const noexcept {
        const std::string* v = find(key);
        return v ? std::string_view(*v) : std::string_view();
    }
    bool has(std::string_view key) const noexcept { return find(key) != nullptr; }

    friend bool operator==(const profile& a, const profile& b) { return a.name == b.name && a.properties == b.properties; }
    friend bool operator!=(const profile& a, const profile& b) { return !(a == b); }

    // Values of keys that may hold secrets (secret, token, password, credential_process) print as <redacted>.
    friend std::ostream& operator<<(std::ostream& os, const profile& p);
};

// Whether a property's value must never be printed (case-insensitive match; never throws) (secret keys, tokens, commands that may embed them).
inline bool is_sensitive_property(std::string_view key) noexcept {
    auto contains = [&](std::string_view needle) {
        if (needle.size() > key.size()) return false;
        for (std::size_t i = 0; i + needle.size() <= key.size(); ++i)
            if (detail::iequals(key.substr(i, needle.size()), needle)) return true;
        return false;
    };
    return contains("secret") || contains("token") || contains("password") || contains("credential_process");
}

inline std::ostream& operator<<(std::ostream& os, const profile& p) {
    os << "profile{" << p.name;
    for (const auto& kv : p.properties) {
        os << ", " << kv.first << "=";
        if (is_sensitive_property(kv.first))
            os << (kv.second.empty() ? "<empty>" : "<redacted>");
        else
            os << kv.second;
    }
    return os << "}";
}

// Everything in the two files after merging.
struct profile_set {
    std::map<std::string, profile, std::less<>> profiles;
    std::map<std::string, profile, std::less<>> sso_sessions;  // [sso-session NAME] (config file only)
    std::map<std::string, profile, std::less<>> services;      // [services NAME] (config file only)

    // nullptr when absent. Never throw.
    const profile* find_profile(std::string_view name) const noexcept { return find_in(profiles, name); }
    const profile* find_sso_session(std::string_view name) const noexcept { return find_in(sso_sessions, name); }
    const profile* find_services(std::string_view name) const noexcept { return find_in(services, name); }

    bool empty() const noexcept { return profiles.empty() && sso_sessions.empty() && services.empty(); }

    friend bool operator==(const profile_set& a, const profile_set& b) {
        return a.profiles == b.profiles && a.sso_sessions == b.sso_sessions && a.services == b.services;
    }
    friend bool operator!=(const profile_set& a, const profile_set& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const profile_set& s) {
        os << "profile_set{";
        for (const auto& kv : s.profiles) os << kv.second << " ";
        for (const auto& kv : s.sso_sessions) os << "sso-session " << kv.second << " ";
        for (const auto& kv : s.services) os << "services " << kv.second << " ";
        return os << "}";
    }

private:
    static const profile* find_in(const std::map<std::string, profile, std::less<>>& m, std::string_view name) noexcept {
        auto it = m.find(name);
        return it == m.end() ? nullptr : &it->second;
    }
};

namespace detail {

constexpr bool is_profile_name_char(char c) noexcept {
    return is_ascii_alnum(c) || c == '-' || c == '/' || c == '.' || c == '%' || c == '@' || c == '_' || c == ':' || c == '+';
}

constexpr bool is_valid_profile_identifier(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_profile_name_char(c)) return false;
    return true;
}

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_blanks(std::string_view s) noexcept {
    while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// A value up to the first '#' or ';' that follows whitespace.
constexpr std::string_view strip_value_comment(std::string_view v) noexcept {
    for (std::size_t i = 1; i < v.size(); ++i)
        if ((v[i] == '#' || v[i] == ';') && is_blank(v[i - 1])) return trim_blanks(v.substr(0, i));
    return v;
}

enum class section_type { none, profile, bare_default, sso_session, services, ignored };

struct raw_section {
    section_type type = section_type::ignored;
    std::string name;
    std::vector<std::pair<std::string, std::string>> properties; // in file order
};

inline std::error_code profile_syntax_error(profile_file_kind kind, std::size_t line, const char* what, diagnostics* diag) {
    if (diag) {
        diag->clear();
        diag->error_type = "ProfileParseError";
        diag->message = std::string(to_string(kind)) + ", line " + std::to_string(line) + ": " + what;
    }
    return errc::profile_parse_error;
}

// Splits one file into sections. Returns errc::profile_parse_error on a syntax error.
inline std::error_code split_profile_sections(std::string_view text, profile_file_kind kind, std::vector<raw_section>& out,
                                              diagnostics* diag) {
    raw_section* current = nullptr;
    bool have_property = false;          // a property was defined in the current section
    bool property_in_sub_mode = false;   // that property's value was empty: continuation lines are sub-properties
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        // Blank lines and whole-line comments (also indented ones, as the AWS CLI reads them) are skipped;
        // they do not end a property, so a continuation may follow them.
        const std::string_view stripped = trim_blanks(line);
        if (stripped.empty() || stripped.front() == '#' || stripped.front() == ';') {
            if (end == text.size()) break;
            continue;
        }
        if (line.front() == '[') {
            const std::size_t close = line.find(']');
            if (close == std::string_view::npos) return profile_syntax_error(kind, line_no, "Profile definition must end with ']'", diag);
            const std::string_view rest = trim_blanks(line.substr(close + 1));
            if (!rest.empty() && rest.front() != '#' && rest.front() != ';')
                return profile_syntax_error(kind, line_no, "Profile definition must be followed only by a comment", diag);
            const std::string_view header = trim_blanks(line.substr(1, close - 1));
            raw_section s;
            auto prefixed = [&](std::string_view prefix, std::string_view& name_out) {
                if (header.size() <= prefix.size() || header.substr(0, prefix.size()) != prefix || !is_blank(header[prefix.size()]))
                    return false;
                name_out = trim_blanks(header.substr(prefix.size()));
                return true;
            };
            std::string_view name;
            if (kind == profile_file_kind::credentials) {
                s.type = section_type::profile;
                name = header;
            } else if (header == "default") {
                s.type = section_type::bare_default;
                name = header;
            } else if (prefixed("profile", name)) {
                s.type = section_type::profile;
            } else if (prefixed("sso-session", name)) {
                s.type = section_type::sso_session;
            } else if (prefixed("services", name)) {
                s.type = section_type::services;
            } else {
                s.type = section_type::ignored;
            }
            if (s.type != section_type::ignored && !is_valid_profile_identifier(name)) s.type = section_type::ignored;
            s.name = std::string(name);
            out.push_back(std::move(s));
            current = &out.back();
            have_property = false;
            property_in_sub_mode = false;
        } else if (is_blank(line.front())) {
            if (!current) return profile_syntax_error(kind, line_no, "Expected a profile definition, found continuation", diag);
            if (!have_property) return profile_syntax_error(kind, line_no, "Expected a property definition, found continuation", diag);
            const std::string_view trimmed = trim_blanks(line);
            if (property_in_sub_mode) {
                const std::size_t eq = trimmed.find('=');
                if (eq == std::string_view::npos)
                    return profile_syntax_error(kind, line_no, "Expected an '=' sign defining a sub-property", diag);
                if (trim_blanks(trimmed.substr(0, eq)).empty())
                    return profile_syntax_error(kind, line_no, "Sub-property did not have a name", diag);
            }
            if (!current->properties.empty()) {
                std::string& value = current->properties.back().second;
                value += '\n';
                value += trimmed;
            }
        } else {
            if (!current) return profile_syntax_error(kind, line_no, "Expected a profile definition", diag);
            const std::size_t eq = line.find('=');
            if (eq == std::string_view::npos)
                return profile_syntax_error(kind, line_no, "Expected an '=' sign defining a property", diag);
            const std::string_view key = trim_blanks(line.substr(0, eq));
            const std::string_view value = strip_value_comment(trim_blanks(line.substr(eq + 1)));
            if (key.empty()) return profile_syntax_error(kind, line_no, "Property did not have a name", diag);
            have_property = true;
            property_in_sub_mode = value.empty();
            if (is_valid_profile_identifier(key)) {
                current->properties.emplace_back(to_lower(key), std::string(value));
            } else {
                // An invalid name: the property (and any continuation of it) is dropped.
                current->properties.emplace_back(std::string(), std::string());
            }
        }
        if (end == text.size()) break;
    }
    return {};
}

inline void merge_section(std::map<std::string, profile, std::less<>>& into, const raw_section& s) {
    auto it = into.find(s.name);
    if (it == into.end()) {
        it = into.emplace(s.name, profile{}).first;
        it->second.name = s.name;
    }
    for (const auto& kv : s.properties)
        if (!kv.first.empty()) it->second.properties[kv.first] = kv.second;
}

} // namespace detail

// Parses one file's text and merges it into `out` (later values win, so parse the config file first and
// the credentials file second). On error `out` is unchanged. Returns errc::limit_exceeded when the text is
// larger than lim.max_profile_file, errc::profile_parse_error on a syntax error (details in *diag when
// given). Never throws except std::bad_alloc.
inline std::error_code parse_profile_file(std::string_view text, profile_file_kind kind, profile_set& out, diagnostics* diag = nullptr,
                                          const limits& lim = default_limits) {
    if (text.size() > lim.max_profile_file) {
        if (diag) {
            diag->clear();
            diag->error_type = "ProfileParseError";
            diag->message = std::string(to_string(kind)) + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                            std::to_string(lim.max_profile_file);
        }
        return errc::limit_exceeded;
    }
    std::vector<detail::raw_section> sections;
    if (auto ec = detail::split_profile_sections(text, kind, sections, diag)) return ec;

    bool has_profile_default = false;
    if (kind == profile_file_kind::config)
        for (const auto& s : sections)
            if (s.type == detail::section_type::profile && s.name == "default") has_profile_default = true;

    for (const auto& s : sections) {
        switch (s.type) {
        case detail::section_type::profile: detail::merge_section(out.profiles, s); break;
        case detail::section_type::bare_default:
            if (!has_profile_default) detail::merge_section(out.profiles, s);
            break;
        case detail::section_type::sso_session: detail::merge_section(out.sso_sessions, s); break;
        case detail::section_type::services: detail::merge_section(out.services, s); break;
        case detail::section_type::none:
        case detail::section_type::ignored: break;
        }
    }
    return {};
}

// Parses both files into a fresh set (the credentials file wins on a clash). Either text may be empty
// (a missing file). Errors as parse_profile_file; on error `out` is left empty.
inline std::error_code parse_profile_files(std::string_view config_text, std::string_view credentials_text, profile_set& out,
                                           diagnostics* diag = nullptr, const limits& lim = default_limits) {
    profile_set result;
    if (auto ec = parse_profile_file(config_text, profile_file_kind::config, result, diag, lim)) {
        out = profile_set{};
        return ec;
    }
    if (auto ec = parse_profile_file(credentials_text, profile_file_kind::credentials, result, diag, lim)) {
        out = profile_set{};
        return ec;
    }
    out = std::move(result);
    return {};
}

// Splits a sub-property value ("\nk = v\nk2 = v2", as the parser stores it) into a map with lower-case
// names. Lines without '=' or with an invalid name are skipped. Never throws except std::bad_alloc.
inline std::map<std::string, std::string, std::less<>> parse_sub_properties(std::string_view value) {
    std::map<std::string, std::string, std::less<>> out;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        std::size_t end = value.find('\n', pos);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view line = detail::trim_blanks(value.substr(pos, end - pos));
        pos = end + 1;
        const std::size_t eq = line.find('=');
        if (eq != std::string_view::npos) {
            const std::string_view k = detail::trim_blanks(line.substr(0, eq));
            if (detail::is_valid_profile_identifier(k)) out[detail::to_lower(k)] = std::string(detail::trim_blanks(line.substr(eq + 1)));
        }
        if (end == value.size()) break;
    }
    return out;
}

// A per-service setting: profile `p` names a [services NAME] section (property `services`), whose
// property `service` (e.g. "sts") holds sub-properties; returns the sub-property `key` (e.g.
// "endpoint_url"), or nullopt when any link is missing. Never throws except std::bad_alloc.
inline std::optional<std::string> find_service_setting(const profile_set& set, const profile& p, std::string_view service,
                                                       std::string_view key) {
    const std::string* section_name = p.find("services");
    if (!section_name) return std::nullopt;
    const profile* section = set.find_services(*section_name);
    if (!section) return std::nullopt;
    const std::string* block = section->find(detail::to_lower(service));
    if (!block) return std::nullopt;
    auto subs = parse_sub_properties(*block);
    auto it = subs.find(detail::to_lower(key));
    if (it == subs.end()) return std::nullopt;
    return it->second;
}

APPCONFIGDATA_NAMESPACE_END
