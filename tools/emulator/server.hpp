// The emulator's HTTP/1.1 server on Boost.Beast: async accept, one handler chain per connection
// (read -> optional latency -> service::handle -> write -> read again while keep-alive), bounded
// request heads and bodies, idle timeouts, a connection cap. Runs on the io_context it is given;
// the emulator runs that io_context on one thread, so the service needs no lock.
#pragma once

#include "options.hpp"
#include "service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

namespace emulator {

class server {
public:
    server(boost::asio::io_context& ioc, const options& opts, service& svc);
    ~server();

    // Binds and listens on opts.host:opts.port. Returns an empty string or a one-line error.
    std::string listen();
    // The bound port (after listen()).
    std::uint16_t port() const;
    // Starts accepting; returns at once (the io_context does the work).
    void start();
    // Stops accepting and closes every connection; the io_context then runs out of work.
    void stop();

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace emulator
