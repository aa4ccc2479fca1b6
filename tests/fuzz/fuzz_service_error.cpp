// restJson1 error parsing: every non-2xx response becomes a typed error with its HTTP status.
#include "fuzz_input.hpp"

#include <appconfigdata/protocol/protocol.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    std::string_view in = fuzz::as_text(data, size);
    http::response r = fuzz::decode_response(in);
    if (r.status >= 200 && r.status <= 299) r.status = 400;
    protocol::service_error err;
    const std::error_code ec = protocol::parse_service_error(r, err);
    if (!ec || ec.category() != error_category()) std::abort();
    if (err.diag.http_status != r.status) std::abort();
    // The sanitised type never keeps the ':' suffix. The '#' rule takes what follows the FIRST '#'
    // (restJson1), so "ns#a#b" keeps "a#b": only a type with a single '#' loses it entirely.
    if (err.diag.error_type.find(':') != std::string::npos) std::abort();
    if (const std::string* h = r.headers.find("x-amzn-errortype")) {
        const std::string_view raw = std::string_view(*h).substr(0, h->find(':'));
        const auto hash = raw.find('#');
        const std::string_view after = hash == std::string_view::npos ? raw : raw.substr(hash + 1);
        if (hash == raw.rfind('#') && !after.empty() && err.diag.error_type.find('#') != std::string::npos) std::abort();
    }
    return 0;
}
