// A small, strict, bounded XML reader for the few STS reply elements the credential providers need.
// It is not a general XML parser: it reads elements, attributes (skipped), character data with the
// five predefined entities and numeric character references, comments, CDATA and the XML
// declaration. DOCTYPE / entity declarations, processing instructions other than the declaration,
// unbalanced tags and anything past the limits are errors. The result is the list of leaf elements
// (elements holding text only) with their slash-separated path from the root, namespace prefixes
// removed: "AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId".
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/detail/hex.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace detail {
namespace xml {

struct xml_limits {
    std::size_t max_size = 64u * 1024u; // bytes of the whole document
    std::size_t max_depth = 16;         // nesting of elements
    std::size_t max_elements = 512;     // elements in the document
};

struct document {
    std::string root;                                        // local name of the root element
    std::vector<std::pair<std::string, std::string>> leaves; // (path, text) in document order

    // The text of the first leaf whose path is `suffix` or ends with "/" + suffix; nullptr if none.
    const std::string* find(std::string_view suffix) const noexcept {
        for (const auto& leaf : leaves) {
            const std::string& p = leaf.first;
            if (p == suffix) return &leaf.second;
            if (p.size() > suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                p[p.size() - suffix.size() - 1] == '/')
                return &leaf.second;
        }
        return nullptr;
    }
};

constexpr bool is_name_char(char c) noexcept {
    return is_ascii_alnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

inline void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Appends the decoded character data `in` to `out`; false on an unknown or malformed reference.
inline bool decode_text(std::string_view in, std::string& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '&') {
            out.push_back(in[i]);
            continue;
        }
        const auto semi = in.find(';', i);
        if (semi == std::string_view::npos || semi - i > 12) return false;
        std::string_view ref = in.substr(i + 1, semi - i - 1);
        if (ref == "lt") out.push_back('<');
        else if (ref == "gt") out.push_back('>');
        else if (ref == "amp") out.push_back('&');
        else if (ref == "quot") out.push_back('"');
        else if (ref == "apos") out.push_back('\'');
        else if (ref.size() >= 2 && ref[0] == '#') {
            std::uint32_t cp = 0;
            const bool hex = ref[1] == 'x' || ref[1] == 'X';
            std::string_view digits = ref.substr(hex ? 2 : 1);
            if (digits.empty()) return false;
            for (char c : digits) {
                const int v = hex ? hex_value(c) : (is_ascii_digit(c) ? c - '0' : -1);
                if (v < 0) return false;
                cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
                if (cp > 0x10FFFF) return false;
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            append_utf8(out, cp);
        } else {
            return false;
        }
        i = semi;
    }
    return true;
}

// Parses `text` into `out`. Returns errc::malformed_response (or errc::response_too_large) with
// `why` saying what was wrong (a position, never the content). Never throws except std::bad_alloc.
inline std::error_code parse(std::string_view text, document& out, std::string& why, const xml_limits& lim = {}) {
    out = document{};
    if (text.size() > lim.max_size) {
        why = "XML document of " + std::to_string(text.size()) + " bytes exceeds the limit of " + std::to_string(lim.max_size);
        return errc::response_too_large;
    }
    auto fail = [&](const char* what, std::size_t pos) {
        why = std::string("malformed XML: ") + what + " at byte " + std::to_string(pos);
        out = document{};
        return make_error_code(errc::malformed_response);
    };
    std::vector<std::string> stack;           // local names of open elements
    std::vector<bool> has_children;           // per open element
    std::string path, current_text;
    std::size_t elements = 0;
    bool root_closed = false;
    std::size_t i = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3; // UTF-8 byte order mark
    while (i < text.size()) {
        if (text[i] != '<') {
            const auto lt = text.find('<', i);
            std::string_view chunk = text.substr(i, lt == std::string_view::npos ? std::string_view::npos : lt - i);
            if (stack.empty()) {
                if (!trim(chunk).empty()) return fail("text outside the root element", i);
            } else if (!decode_text(chunk, current_text)) {
                return fail("invalid character reference", i);
            }
            if (lt == std::string_view::npos) break;
            i = lt;
            continue;
        }
        std::string_view rest = text.substr(i);
        if (rest.substr(0, 4) == "<!--") {
            const auto end = text.find("-->", i + 4);
            if (end == std::string_view::npos) return fail("unterminated comment", i);
            i = end + 3;
            continue;
        }
        if (rest.substr(0, 9) == "<![CDATA[") {
            if (stack.empty()) return fail("CDATA outside the root element", i);
            const auto end = text.find("]]>", i + 9);
            if (end == std::string_view::npos) return fail("unterminated CDATA section", i);
            current_text.append(text.substr(i + 9, end - i - 9));
            i = end + 3;
            continue;
        }
        if (rest.substr(0, 5) == "<?xml" && i <= 3 && (rest.size() > 5 && (rest[5] == ' ' || rest[5] == '?'))) {
            const auto end = text.find("?>", i);
            if (end == std::string_view::npos) return fail("unterminated XML declaration", i);
            i = end + 2;
            continue;
        }
        if (rest.substr(0, 2) == "<!" || rest.substr(0, 2) == "<?") return fail("DOCTYPE or processing instruction not allowed", i);
        const bool closing = rest.size() > 1 && rest[1] == '/';
        std::size_t j = i + (closing ? 2 : 1);
        const std::size_t name_start = j;
        while (j < text.size() && is_name_char(text[j])) ++j;
        if (j == name_start) return fail("missing element name", i);
        std::string_view name = text.substr(name_start, j - name_start);
        if (const auto colon = name.rfind(':'); colon != std::string_view::npos) name = name.substr(colon + 1);
        if (name.empty()) return fail("empty local name", i);
        // Attributes (skipped) up to '>' or '/>', honouring quotes.
        bool self_closing = false;
        char quote = 0;
        for (;; ++j) {
            if (j >= text.size()) return fail("unterminated tag", i);
            const char c = text[j];
            if (quote) {
                if (c == quote) quote = 0;
                else if (c == '<') return fail("'<' in an attribute value", j);
                continue;
            }
            if (c == '"' || c == '\'') {
                if (closing) return fail("attribute in a closing tag", j);
                quote = c;
            } else if (c == '>') {
                break;
            } else if (c == '/' && !closing && j + 1 < text.size() && text[j + 1] == '>') {
                self_closing = true;
                ++j;
                break;
            } else if (c == '<') {
                return fail("'<' inside a tag", j);
            }
        }
        i = j + 1;
        if (closing) {
            if (stack.empty() || stack.back() != name) return fail("mismatched closing tag", name_start);
            if (!has_children.back()) out.leaves.emplace_back(path, current_text);
            current_text.clear();
            stack.pop_back();
            has_children.pop_back();
            path.resize(path.size() - name.size() - (stack.empty() ? 0 : 1));
            if (stack.empty()) root_closed = true;
            continue;
        }
        if (root_closed) return fail("second root element", name_start);
        if (++elements > lim.max_elements) return fail("too many elements", name_start);
        if (stack.size() >= lim.max_depth) return fail("elements nested too deeply", name_start);
        if (!stack.empty()) {
            has_children.back() = true;
            if (!trim(current_text).empty()) return fail("mixed content", name_start);
        }
        current_text.clear();
        if (stack.empty()) out.root = std::string(name);
        if (!path.empty()) path.push_back('/');
        path.append(name.data(), name.size());
        if (self_closing) {
            out.leaves.emplace_back(path, std::string());
            path.resize(path.size() - name.size() - (stack.empty() ? 0 : 1));
            if (stack.empty()) root_closed = true;
            continue;
        }
        stack.emplace_back(name);
        has_children.push_back(false);
    }
    if (!stack.empty()) return fail("unclosed element", text.size());
    if (out.root.empty()) return fail("no root element", 0);
    return {};
}

} // namespace xml
} // namespace detail
APPCONFIGDATA_NAMESPACE_END
