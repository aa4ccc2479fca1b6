// appconfigdata get: placeholder until its issue lands.
#include "args.hpp"
#include "commands.hpp"

#include <iostream>

int cli::cmd_get(int, char**) {
    std::cerr << "appconfigdata get: not available in this build yet\n";
    return 2;
}
