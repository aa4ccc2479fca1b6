// appconfigdata: a command-line client for AWS AppConfig Data built on the library.
#include "args.hpp"
#include "commands.hpp"

#include <appconfigdata/version.hpp>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>

namespace {

void print_usage(std::ostream& os) {
    os << "usage: appconfigdata <command> [options]\n"
          "\n"
          "commands:\n"
          "  sign      sign an HTTP request with AWS Signature Version 4 and show every step\n"
          "  endpoint  print the AppConfig Data endpoint for a region (FIPS, dual-stack, custom)\n"
          "  get       start a session, fetch the configuration once, write it to stdout\n"
          "  watch     poll a configuration and report every change\n"
          "  credentials  resolve AWS credentials as get/watch would and say where they came from (no secrets)\n"
          "  agent     serve the AWS AppConfig Agent's local HTTP API (localhost:2772) from the library\n"
          "\n"
          "Run 'appconfigdata <command> --help' for a command's options.\n";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(std::cerr);
        return 2;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        print_usage(std::cout);
        return 0;
    }
    if (command == "--version") {
        std::cout << "appconfigdata " << appconfigdata::version_string << "\n";
        return 0;
    }
    try {
        if (command == "sign") return cli::cmd_sign(argc, argv);
        if (command == "endpoint") return cli::cmd_endpoint(argc, argv);
        if (command == "get") return cli::cmd_get(argc, argv);
        if (command == "watch") return cli::cmd_watch(argc, argv);
        if (command == "credentials") return cli::cmd_credentials(argc, argv);
        if (command == "agent") return cli::cmd_agent(argc, argv);
    } catch (const cli::usage_error& e) {
        std::cerr << "appconfigdata " << command << ": " << e.what() << "\n"
                  << "Run 'appconfigdata " << command << " --help' for usage.\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "appconfigdata " << command << ": " << e.what() << "\n";
        return 1;
    }
    std::cerr << "appconfigdata: unknown command '" << command << "'\n";
    print_usage(std::cerr);
    return 2;
}
