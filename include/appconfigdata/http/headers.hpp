// An ordered list of HTTP header fields. Names compare case-insensitively; duplicates are kept
// in the order they were added (SigV4 joins them with ',' in that order).
#pragma once

#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/version.hpp>

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

struct header_field {
    std::string name;
    std::string value;

    friend bool operator==(const header_field& a, const header_field& b) { return a.name == b.name && a.value == b.value; }
    friend bool operator!=(const header_field& a, const header_field& b) { return !(a == b); }
};

// Header names whose values are secret: printed as "<redacted>" by operator<<.
inline bool is_sensitive_header(std::string_view name) noexcept {
    return detail::iequals(name, "authorization") || detail::iequals(name, "x-amz-security-token") ||
           detail::iequals(name, "x-aws-ec2-metadata-token") || detail::iequals(name, "proxy-authorization") ||
           detail::iequals(name, "cookie") || detail::iequals(name, "set-cookie") || detail::iequals(name, "x-amz-sso_bearer_token");
}

class headers {
public:
    using container = std::vector<header_field>;
    using const_iterator = container::const_iterator;

    headers() = default;
    headers(std::initializer_list<header_field> init) : fields_(init) {}

    // Appends a field, keeping any existing field of the same name.
    void add(std::string_view name, std::string_view value) { fields_.push_back({std::string(name), std::string(value)}); }

    // Replaces every field named `name` by one field with `value` (in the first one's place).
    void set(std::string_view name, std::string_view value) {
        auto it = find_it(name);
        if (it == fields_.end()) {
            add(name, value);
            return;
        }
        it->value.assign(value.data(), value.size());
        fields_.erase(std::remove_if(it + 1, fields_.end(), [&](const header_field& f) { return detail::iequals(f.name, name); }),
                      fields_.end());
    }

    // Removes every field named `name`; returns how many were removed.
    std::size_t erase(std::string_view name) {
        const auto before = fields_.size();
        fields_.erase(std::remove_if(fields_.begin(), fields_.end(), [&](const header_field& f) { return detail::iequals(f.name, name); }),
                      fields_.end());
        return before - fields_.size();
    }

    // The first value of `name`, or nullptr. The pointer is valid until the headers change.
    const std::string* find(std::string_view name) const noexcept {
        auto it = std::find_if(fields_.begin(), fields_.end(), [&](const header_field& f) { return detail::iequals(f.name, name); });
        return it == fields_.end() ? nullptr : &it->value;
    }

    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

    std::size_t count(std::string_view name) const noexcept {
        return static_cast<std::size_t>(
            std::count_if(fields_.begin(), fields_.end(), [&](const header_field& f) { return detail::iequals(f.name, name); }));
    }

    // Every value of `name`, in order.
    std::vector<std::string> values(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& f : fields_)
            if (detail::iequals(f.name, name)) out.push_back(f.value);
        return out;
    }

    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }
    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }
    void clear() noexcept { fields_.clear(); } // keeps capacity (reuse across polls)
    void reserve(std::size_t n) { fields_.reserve(n); }
    const container& fields() const noexcept { return fields_; }
    container& fields() noexcept { return fields_; }

    friend bool operator==(const headers& a, const headers& b) { return a.fields_ == b.fields_; }
    friend bool operator!=(const headers& a, const headers& b) { return !(a == b); }

    // Prints "Name: value" lines; values of sensitive headers are redacted.
    friend std::ostream& operator<<(std::ostream& os, const headers& h) {
        for (const auto& f : h.fields_)
            os << f.name << ": " << (is_sensitive_header(f.name) ? std::string_view("<redacted>") : std::string_view(f.value)) << "\n";
        return os;
    }

private:
    container::iterator find_it(std::string_view name) {
        return std::find_if(fields_.begin(), fields_.end(), [&](const header_field& f) { return detail::iequals(f.name, name); });
    }

    container fields_;
};

} // namespace http
APPCONFIGDATA_NAMESPACE_END
