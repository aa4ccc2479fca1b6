// appconfigdata watch: placeholder until its issue lands.
#include "args.hpp"
#include "commands.hpp"

#include <iostream>

int cli::cmd_watch(int, char**) {
    std::cerr << "appconfigdata watch: not available in this build yet\n";
    return 2;
}
