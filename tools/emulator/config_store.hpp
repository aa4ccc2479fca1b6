// Where the emulator finds configurations on disk, and what it serves for them.
//
//   DIR/<application>/<environment>/<profile>[.<ext>]      (folders)
//   DIR/<application>:<environment>:<profile>[.<ext>]      (the AppConfig Agent's local-development naming)
//
// Names resolve exactly: a file's profile is its name up to the last '.' (all of it when it has
// none), and a name ending in ".version" is a sidecar, never a configuration. So profile
// "settings" finds settings.json, but "settings.json" does not, and "flags.json.version" is 404.
//
// The extension gives the Content-Type; the version label is the trimmed text of the sidecar
// `<file>.version`, else the first 12 hex digits of the content's SHA-256. Nothing is cached:
// every lookup reads the file again, so an edit shows on the next poll.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace emulator {

struct stored_configuration {
    std::string content;
    std::string content_type;
    std::string version_label;
    bool labelled = false; // the label came from a sidecar (else it is the content hash)
    std::string file;   // path of the file served (for the log, never the content)
};

enum class lookup_result {
    found,
    no_application,
    no_environment,
    no_profile,
    too_large,   // the file exceeds max_size
    read_failed, // exists but could not be read
};

// The Content-Type for a file name extension (without the dot; empty when the file has none).
std::string content_type_for_extension(std::string_view ext);

// The profile a file name holds, with its extension in `ext`; false for a sidecar ("*.version")
// or a name with no profile part (".json").
bool configuration_name(std::string_view file_name, std::string& profile, std::string& ext);

// True when `id` may name a file: 1..128 characters, no '/', '\\', ':', NUL or control
// characters, not "." or "..". Anything else cannot exist on disk (so: not found).
bool is_safe_identifier(std::string_view id);

// Looks up application / environment / profile under `dir` and reads the configuration.
lookup_result find_configuration(const std::string& dir, const std::string& application, const std::string& environment,
                                 const std::string& profile, std::size_t max_size, stored_configuration& out);

// The default version label: the first 12 hex digits of SHA-256(content).
std::string content_version_label(std::string_view content);

} // namespace emulator
