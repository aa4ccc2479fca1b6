// Feature-flag documents. Input: the document text.
// Invariants: parse gives {} or errc::malformed_document / limit_exceeded with a message, leaving
// the previous document untouched; on success the names are sorted and unique, every name is found
// with the enabled value the JSON holds, every typed getter answers {} or a typed error without
// crashing, copies compare equal, and operator<< prints the count only.
#include "fuzz_check.hpp"

#include <appconfigdata/feature_flags/document.hpp>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    feature_flags::document doc;
    fuzz::check(!feature_flags::document::parse(R"({"keep":{"enabled":true}})", doc), "flags: the reference document does not parse");
    const feature_flags::document before = doc;
    diagnostics diag;
    const std::error_code ec = feature_flags::document::parse(text, doc, diag);
    if (ec) {
        fuzz::check_typed(ec, {errc::malformed_document, errc::limit_exceeded}, "flags: untyped error");
        fuzz::check(!diag.message.empty(), "flags: error without a message");
        fuzz::check(doc == before && doc.is_enabled("keep"), "flags: document changed on error");
        return 0;
    }
    const auto& names = doc.names();
    fuzz::check(names.size() == doc.size(), "flags: names and size disagree");
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) fuzz::check(names[i - 1] < names[i], "flags: names not sorted and unique");
        const std::string_view name = names[i];
        fuzz::check(doc.contains(name) && doc.enabled(name).has_value(), "flags: a listed flag is not found");
        bool enabled = false;
        fuzz::check(!doc.try_enabled(name, enabled) && enabled == *doc.enabled(name), "flags: try_enabled disagrees");
        const boost::json::object* flag = doc.flag_object(name);
        fuzz::check(flag != nullptr, "flags: no flag object");
        for (const auto& attr : *flag) {
            const std::string_view a(attr.key().data(), attr.key().size());
            fuzz::check(doc.attribute(name, a) != nullptr, "flags: an attribute is not found");
            bool b = false;
            std::int64_t n = 0;
            double d = 0;
            std::string_view s;
            for (std::error_code e : {doc.try_get_bool(name, a, b), doc.try_get_int(name, a, n), doc.try_get_double(name, a, d),
                                      doc.try_get_string(name, a, s)})
                if (e) fuzz::check(e.category() == error_category(), "flags: untyped getter error");
        }
        std::string json;
        fuzz::check(!doc.flag_json(name, json) && !json.empty(), "flags: flag_json failed");
    }
    fuzz::check(!doc.contains("\x01no such flag"), "flags: found a flag that is not there");
    const feature_flags::document copy = doc;
    fuzz::check(copy == doc, "flags: a copy differs");
    std::ostringstream os;
    os << doc;
    fuzz::check(os.str().rfind("feature_flags::document{" + std::to_string(doc.size()), 0) == 0, "flags: operator<< prints more than the count");
    return 0;
}
