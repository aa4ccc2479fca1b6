// A last-known-good backup: one configuration as the service sent it, with the identity of the
// configuration it belongs to and when it was saved.
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/version.hpp>

#include <ostream>
#include <string>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace backup {

// Which configuration a backup belongs to, in the service's words (the identifiers given to
// StartConfigurationSession). `scope` is free text for anything else that tells two sources
// apart (an account id, a region, an endpoint); empty when not needed.
struct identity {
    std::string application;
    std::string environment;
    std::string configuration_profile;
    std::string scope;

    // True when no field is set: such an identity matches any backup (no foreign check).
    bool empty() const noexcept { return application.empty() && environment.empty() && configuration_profile.empty() && scope.empty(); }

    friend bool operator==(const identity& a, const identity& b) {
        return a.application == b.application && a.environment == b.environment && a.configuration_profile == b.configuration_profile &&
               a.scope == b.scope;
    }
    friend bool operator!=(const identity& a, const identity& b) { return !(a == b); }

    // "application/environment/profile" (and "@scope" when set). Identifiers are not secret.
    friend std::ostream& operator<<(std::ostream& os, const identity& id) {
        os << id.application << '/' << id.environment << '/' << id.configuration_profile;
        if (!id.scope.empty()) os << '@' << id.scope;
        return os;
    }
};

struct record {
    backup::identity identity;
    std::string content;        // the configuration body, any bytes
    std::string content_type;   // as the service sent it, e.g. "application/json"
    std::string version_label;  // may be empty
    time_point saved_at{};      // when it was saved (the caller's clock); kept to the millisecond

    friend bool operator==(const record& a, const record& b) {
        return a.identity == b.identity && a.content == b.content && a.content_type == b.content_type &&
               a.version_label == b.version_label && a.saved_at == b.saved_at;
    }
    friend bool operator!=(const record& a, const record& b) { return !(a == b); }

    // Prints identity, sizes and labels, never the content.
    friend std::ostream& operator<<(std::ostream& os, const record& r) {
        return os << "backup::record{" << r.identity << ", " << r.content.size() << " bytes, content_type=" << r.content_type
                  << ", version_label=" << r.version_label << ", saved_at=" << http::format_iso8601(r.saved_at) << "}";
    }
};

} // namespace backup
APPCONFIGDATA_NAMESPACE_END
