// Turns fuzzer bytes into library inputs. A response is encoded as text:
//   "<status>\n<Name>: <value>\n...\n\n<body>"
// so seed files are readable and every byte string still decodes to something.
#pragma once

#include <appconfigdata/http/message.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits off the next line (without '\n'); returns false at the end of input.
inline bool next_line(std::string_view& in, std::string_view& line) {
    if (in.empty()) return false;
    const auto nl = in.find('\n');
    line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    return true;
}

// Decodes one response from the front of `in`, consuming it up to the body. The body runs to the
// next "\n\x00\n" separator (or the end), so one input can hold several responses.
inline appconfigdata::http::response decode_response(std::string_view& in) {
    appconfigdata::http::response r;
    std::string_view line;
    if (next_line(in, line)) {
        int status = 0;
        for (char c : line.substr(0, 3))
            if (c >= '0' && c <= '9') status = status * 10 + (c - '0');
        r.status = status;
    }
    while (next_line(in, line) && !line.empty()) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            r.headers.add(line, "");
        } else {
            std::string_view value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            r.headers.add(line.substr(0, colon), value);
        }
    }
    const auto sep = in.find(std::string_view("\n\0\n", 3));
    r.body = std::string(in.substr(0, sep));
    in = sep == std::string_view::npos ? std::string_view{} : in.substr(sep + 3);
    return r;
}

} // namespace fuzz
