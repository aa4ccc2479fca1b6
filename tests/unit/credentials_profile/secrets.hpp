// Recognisable fake secrets: a test fails if any of them shows up in a message or in printed output.
#pragma once

#include <sstream>
#include <string>

namespace secrets {
inline constexpr const char* secret_key = "SECRETzzSECRETzzSECRET";
inline constexpr const char* session_token = "TOKENqqTOKENqqTOKEN";

template <class T>
std::string printed(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

inline bool leaks(const std::string& text) {
    return text.find("SECRETzz") != std::string::npos || text.find("TOKENqq") != std::string::npos;
}
} // namespace secrets
