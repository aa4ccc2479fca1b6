// The last good configuration a session received: bytes, content type, version label and when it
// arrived. Printing shows sizes and labels, never the content (it may be sensitive).
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace session {

struct configuration {
    std::string content;        // the configuration bytes exactly as received
    std::string content_type;   // e.g. "application/json"; empty when the service sent none
    std::string version_label;  // empty when the service sent none
    time_point received_at{};   // when the response carrying `content` arrived

    // True when nothing has been received yet.
    bool empty() const noexcept { return received_at == time_point{} && content.empty(); }

    // Same content, content type and version label (received_at is not compared: a resend of the same
    // configuration after a session restart is not a change).
    bool same_as(std::string_view c, std::string_view type, std::string_view label) const noexcept {
        return content == c && content_type == type && version_label == label;
    }

    friend bool operator==(const configuration& a, const configuration& b) {
        return a.content == b.content && a.content_type == b.content_type && a.version_label == b.version_label &&
               a.received_at == b.received_at;
    }
    friend bool operator!=(const configuration& a, const configuration& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const configuration& c) {
        os << "configuration{" << c.content.size() << " bytes, content_type=" << c.content_type << ", version_label=" << c.version_label;
        if (c.received_at != time_point{}) os << ", received_at=" << http::format_iso8601(c.received_at);
        return os << "}";
    }
};

} // namespace session
APPCONFIGDATA_NAMESPACE_END
