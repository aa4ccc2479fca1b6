// A small program the Windows process-runner tests start (through cmd.exe, like a credential_process):
//
//   child_process credentials        prints a credential_process document on stdout
//   child_process exit N             exits with code N, after a line on stderr
//   child_process sleep MS           sleeps MS milliseconds, then prints "woke"
//   child_process flood OUT ERR      writes OUT bytes to stdout and ERR bytes to stderr, interleaved
//   child_process args ...           prints each argument on a line of its own
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <windows.h>

int main(int argc, char** argv) {
    if (argc < 2) return 100;
    const std::string what = argv[1];
    if (what == "credentials") {
        std::printf("{\"Version\": 1, \"AccessKeyId\": \"AKIDWINDOWSTEST\", \"SecretAccessKey\": \"windows-secret\", "
                    "\"SessionToken\": \"windows-token\"}\n");
        return 0;
    }
    if (what == "exit" && argc == 3) {
        std::fprintf(stderr, "failing on purpose\n");
        return std::atoi(argv[2]);
    }
    if (what == "sleep" && argc == 3) {
        ::Sleep(static_cast<DWORD>(std::atoi(argv[2])));
        std::printf("woke\n");
        return 0;
    }
    if (what == "flood" && argc == 4) {
        long out = std::atol(argv[2]), err = std::atol(argv[3]);
        char block[1000];
        std::memset(block, 'x', sizeof block);
        while (out > 0 || err > 0) { // both pipes filling at once: a reader that blocks on one deadlocks
            if (out > 0) {
                const long n = out < 1000 ? out : 1000;
                std::fwrite(block, 1, static_cast<size_t>(n), stdout);
                out -= n;
            }
            if (err > 0) {
                const long n = err < 1000 ? err : 1000;
                std::fwrite(block, 1, static_cast<size_t>(n), stderr);
                err -= n;
            }
        }
        return 0;
    }
    if (what == "args") {
        for (int i = 2; i < argc; ++i) std::printf("%s\n", argv[i]);
        return 0;
    }
    return 101;
}
