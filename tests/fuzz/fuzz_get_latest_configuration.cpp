// GetLatestConfiguration response parsing: any response either parses into a valid result or gives
// a typed error; never a crash, never an untyped error.
#include "fuzz_input.hpp"

#include <appconfigdata/protocol/protocol.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    std::string_view in = fuzz::as_text(data, size);
    const http::response r = fuzz::decode_response(in);
    protocol::get_latest_configuration_output out;
    protocol::service_error err;
    const std::error_code ec = protocol::parse_get_latest_configuration(r, out, err);
    if (ec) {
        if (ec.category() != error_category() || err.code != ec) std::abort();
    } else {
        if (r.status < 200 || r.status > 299) std::abort();
        if (out.next_poll_configuration_token.empty() || out.next_poll_configuration_token.size() > 8192) std::abort();
        for (char c : out.next_poll_configuration_token)
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') std::abort();
        if (out.configuration.size() != r.body.size()) std::abort();
    }
    return 0;
}
