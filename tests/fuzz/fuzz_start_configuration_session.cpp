// StartConfigurationSession response parsing: a token or a typed error, nothing else.
#include "fuzz_input.hpp"

#include <appconfigdata/protocol/protocol.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    std::string_view in = fuzz::as_text(data, size);
    const http::response r = fuzz::decode_response(in);
    protocol::start_configuration_session_output out;
    protocol::service_error err;
    const std::error_code ec = protocol::parse_start_configuration_session(r, out, err);
    if (ec) {
        if (ec.category() != error_category() || !out.initial_configuration_token.empty()) std::abort();
    } else if (out.initial_configuration_token.empty() || protocol::validate_token(out.initial_configuration_token)) {
        std::abort();
    }
    return 0;
}
