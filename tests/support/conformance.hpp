// Where the public conformance data lives (never copied into the project): the directory named by
// APPCONFIGDATA_CONFORMANCE_DIR (meson sets it from -Dconformance_dir, default ../shared/conformance).
#pragma once

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace test_support {

inline bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The conformance directory's `sub` folder, or "" after printing a loud SKIPPED line.
inline std::string conformance_dir(const std::string& sub) {
    const char* env = std::getenv("APPCONFIGDATA_CONFORMANCE_DIR");
    std::string base = env && *env ? env : "../shared/conformance";
    std::string dir = base + "/" + sub;
    if (!is_directory(dir)) {
        std::cout << "\n*** SKIPPED: conformance data not found at " << dir
                  << " (set APPCONFIGDATA_CONFORMANCE_DIR or -Dconformance_dir) ***\n\n";
        return {};
    }
    return dir;
}

inline bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

} // namespace test_support
