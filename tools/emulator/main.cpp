// appconfigdata-emulator: a local AWS AppConfig Data endpoint. See `--help` and options.cpp.
#include "auth.hpp"
#include "options.hpp"
#include "server.hpp"
#include "service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <random>

int main(int argc, char** argv) {
    emulator::options opts;
    if (const auto err = emulator::parse_options(argc, argv, opts); !err.empty()) {
        std::cerr << "appconfigdata-emulator: " << err << "\n(see --help)\n";
        return 2;
    }
    if (opts.help) {
        std::cout << emulator::usage_text();
        return 0;
    }
    std::signal(SIGPIPE, SIG_IGN);
    const std::size_t fd_limit = emulator::descriptor_limit();
    if (opts.max_connections == 0) opts.max_connections = emulator::default_max_connections(fd_limit);

    try {
        emulator::service_settings settings;
        settings.config_dir = opts.config_dir;
        settings.poll_interval = opts.poll_interval;
        settings.throttle_rate = opts.throttle_rate;
        settings.error_rate = opts.error_rate;
        settings.throttle_every = opts.throttle_every;
        settings.error_every = opts.error_every;
        settings.seed = opts.seed_given ? opts.seed : std::random_device{}();
        settings.max_sessions = opts.max_sessions;
        settings.token_lifetime = opts.token_lifetime;
        settings.sidecar_labels_only = opts.version_label == emulator::version_label_mode::sidecar_only;
        emulator::service svc(settings, emulator::make_sigv4_authenticator(opts.keys, opts.region, opts.any_session_token));

        boost::asio::io_context ioc(1);
        emulator::server srv(ioc, opts, svc);
        if (const auto err = srv.listen(); !err.empty()) {
            std::cerr << "appconfigdata-emulator: " << err << "\n";
            return 1;
        }
        const bool v6 = opts.host.find(':') != std::string::npos;
        std::cout << "listening on http://" << (v6 ? "[" + opts.host + "]" : opts.host) << ":" << srv.port() << std::endl;
        std::cerr << "appconfigdata-emulator: serving " << opts.config_dir << ", " << opts.keys.size() << " key pair(s), poll interval "
                  << opts.poll_interval << " s, at most " << opts.max_connections << " connections (descriptor limit "
                  << (fd_limit ? std::to_string(fd_limit) : std::string("unlimited")) << ")"
                  << (opts.any_session_token ? ", any session token accepted" : "") << std::endl;

        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            std::cerr << "appconfigdata-emulator: signal " << sig << ", stopping" << std::endl;
            srv.stop();
            ioc.stop();
        });
        srv.start();
        // An exception escaping one request's handler (it should not happen) costs that connection,
        // never the server: report it and keep serving.
        for (;;) {
            try {
                ioc.run();
                break;
            } catch (const std::exception& e) {
                std::cerr << "appconfigdata-emulator: error while serving a request: " << e.what() << " (continuing)" << std::endl;
            }
        }
        std::cerr << "appconfigdata-emulator: stopped" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "appconfigdata-emulator: " << e.what() << "\n";
        return 1;
    }
}
