// appconfigdata sign: placeholder until its issue lands.
#include "args.hpp"
#include "commands.hpp"

#include <iostream>

int cli::cmd_sign(int, char**) {
    std::cerr << "appconfigdata sign: not available in this build yet\n";
    return 2;
}
