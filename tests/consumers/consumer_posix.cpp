// A consumer of the POSIX adapters (nothing to link beyond the C library): reads a file that does not
// exist through the file reader and expects the typed "not found" answer.
#include <appconfigdata/appconfigdata.hpp>
#include <appconfigdata/appconfigdata_posix.hpp>

#include <iostream>

int main() {
    std::string contents;
    const std::error_code ec = appconfigdata::adapters::read_file("/nonexistent/appconfigdata/consumer", contents, 1024);
    if (!ec) {
        std::cerr << "consumer_posix: reading a missing file succeeded\n";
        return 1;
    }
    std::cout << "consumer_posix OK: " << ec.message() << "\n";
    return 0;
}
