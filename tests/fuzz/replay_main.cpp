// Runs a fuzz target over files and directories given as arguments (its seed corpus), without
// libFuzzer: the regression half of fuzzing, built with any compiler in the normal test build.
#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int run_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cannot read " << path << "\n";
        return 1;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        struct stat st {};
        if (::stat(argv[i], &st) != 0) {
            std::cerr << "no such corpus: " << argv[i] << "\n";
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            std::vector<std::string> names;
            if (DIR* d = ::opendir(argv[i])) {
                while (dirent* e = ::readdir(d))
                    if (e->d_name[0] != '.') names.push_back(std::string(argv[i]) + "/" + e->d_name);
                ::closedir(d);
            }
            for (const auto& n : names) {
                if (run_file(n)) return 1;
                ++files;
            }
        } else {
            if (run_file(argv[i])) return 1;
            ++files;
        }
    }
    // Also the empty input and a few degenerate ones: they must not crash either.
    const std::uint8_t nothing[1] = {0};
    LLVMFuzzerTestOneInput(nothing, 0);
    LLVMFuzzerTestOneInput(nothing, 1);
    std::cout << "replayed " << files << " corpus files: " << files << " passed, 0 failed\n";
    return files > 0 ? 0 : 1;
}
