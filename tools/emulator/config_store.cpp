#include "config_store.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/detail/hex.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace emulator {

namespace {

// Does `name` (a file name) hold the configuration named `stem`? Exactly when its profile part
// (configuration_name) is `stem`.
bool names_configuration(const std::string& name, const std::string& stem, std::string& ext) {
    std::string profile;
    return configuration_name(name, profile, ext) && profile == stem;
}

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// Sorted file names in `dir` (empty when unreadable).
std::vector<std::string> file_names(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool any_name_starts_with(const std::vector<std::string>& names, const std::string& prefix) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

// Reads at most max_size bytes of `p`; false when unreadable.
lookup_result read_file(const fs::path& p, std::size_t max_size, std::string& out) {
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) return lookup_result::read_failed;
    if (size > max_size) return lookup_result::too_large;
    std::ifstream in(p, std::ios::binary);
    if (!in) return lookup_result::read_failed;
    out.assign(static_cast<std::size_t>(size), '\0');
    in.read(out.data(), static_cast<std::streamsize>(size));
    out.resize(static_cast<std::size_t>(in.gcount()));
    // A file growing while it is read is cut at the size seen; the next poll reads it again.
    if (in.bad()) return lookup_result::read_failed;
    return lookup_result::found;
}

std::string trim(std::string s) {
    const char* ws = " \t\r\n";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

lookup_result load(const fs::path& file, const std::string& ext, std::size_t max_size, stored_configuration& out) {
    out = stored_configuration{};
    if (auto r = read_file(file, max_size, out.content); r != lookup_result::found) return r;
    out.content_type = content_type_for_extension(ext);
    out.file = file.string();
    fs::path sidecar = file;
    sidecar += ".version";
    std::string label;
    if (is_file(sidecar) && read_file(sidecar, 1024, label) == lookup_result::found) label = trim(label);
    out.labelled = !label.empty();
    out.version_label = label.empty() ? content_version_label(out.content) : label;
    return lookup_result::found;
}

} // namespace

std::string content_type_for_extension(std::string_view ext) {
    std::string e;
    for (char c : ext) e.push_back(static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c));
    if (e.empty()) return "application/octet-stream";
    if (e == "json") return "application/json";
    if (e == "yaml" || e == "yml") return "application/x-yaml";
    if (e == "txt") return "text/plain";
    if (const auto pct = e.find('%'); pct != std::string::npos && pct > 0 && pct + 1 < e.size()) return e.substr(0, pct) + "/" + e.substr(pct + 1);
    return "application/octet-stream";
}

bool configuration_name(std::string_view file_name, std::string& profile, std::string& ext) {
    constexpr std::string_view sidecar = ".version";
    profile.clear();
    ext.clear();
    if (file_name.size() >= sidecar.size() && file_name.substr(file_name.size() - sidecar.size()) == sidecar) return false;
    // In the agent's "app:env:profile.ext" only the profile part may hold the extension.
    const auto colon = file_name.rfind(':');
    const std::size_t start = colon == std::string_view::npos ? 0 : colon + 1;
    auto dot = file_name.rfind('.');
    if (dot != std::string_view::npos && dot < start) dot = std::string_view::npos;
    if (dot == start) return false;
    if (dot == std::string_view::npos) {
        profile.assign(file_name.data(), file_name.size());
        return true;
    }
    profile.assign(file_name.data(), dot);
    ext.assign(file_name.data() + dot + 1, file_name.size() - dot - 1);
    return true;
}

bool is_safe_identifier(std::string_view id) {
    if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
    for (char c : id) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == ':') return false;
    }
    return true;
}

std::string content_version_label(std::string_view content) {
    appconfigdata::adapters::botan_crypto crypto;
    appconfigdata::crypto::digest d{};
    crypto.sha256(content, d);
    return appconfigdata::detail::to_hex(d).substr(0, 12);
}

lookup_result find_configuration(const std::string& dir, const std::string& application, const std::string& environment,
                                 const std::string& profile, std::size_t max_size, stored_configuration& out) {
    if (!is_safe_identifier(application)) return lookup_result::no_application;
    if (!is_safe_identifier(environment)) return lookup_result::no_environment;
    if (!is_safe_identifier(profile)) return lookup_result::no_profile;

    const fs::path root(dir);
    const auto top = file_names(root);
    std::string ext;

    // 1. Folders: DIR/app/env/profile[.ext]
    const fs::path app_dir = root / application;
    const fs::path env_dir = app_dir / environment;
    if (is_dir(env_dir)) {
        for (const auto& name : file_names(env_dir))
            if (names_configuration(name, profile, ext) && is_file(env_dir / name)) return load(env_dir / name, ext, max_size, out);
    }
    // 2. Agent naming: DIR/app:env:profile[.ext]
    const std::string agent_stem = application + ":" + environment + ":" + profile;
    for (const auto& name : top)
        if (names_configuration(name, agent_stem, ext) && is_file(root / name)) return load(root / name, ext, max_size, out);

    // Not found: say which part is missing, as the service's ResourceType does.
    if (!is_dir(app_dir) && !any_name_starts_with(top, application + ":")) return lookup_result::no_application;
    if (!is_dir(env_dir) && !any_name_starts_with(top, application + ":" + environment + ":")) return lookup_result::no_environment;
    return lookup_result::no_profile;
}

} // namespace emulator
