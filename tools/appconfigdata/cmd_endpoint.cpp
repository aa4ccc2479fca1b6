// appconfigdata endpoint: placeholder until its issue lands.
#include "args.hpp"
#include "commands.hpp"

#include <iostream>

int cli::cmd_endpoint(int, char**) {
    std::cerr << "appconfigdata endpoint: not available in this build yet\n";
    return 2;
}
