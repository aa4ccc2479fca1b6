// The retry quota of the standard retry mode: a token bucket that stops retry storms. Each retry
// takes a few tokens; a success gives them back (or adds one when no retry was needed). When the
// bucket is empty, failures are reported instead of retried until successes refill it.
// The caller owns it and may share one between many operations (one per client, as the SDKs do).
// Not thread-safe: drivers that share one across threads guard it.
#pragma once

#include <appconfigdata/version.hpp>

#include <algorithm>
#include <ostream>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace retry {

class retry_quota {
public:
    static constexpr unsigned default_capacity = 500;

    // A full bucket of `capacity` tokens. Never throws.
    explicit retry_quota(unsigned capacity = default_capacity) noexcept : capacity_(capacity), available_(capacity) {}

    // Takes `cost` tokens when that many are available and returns true; otherwise takes none and
    // returns false (the retry must not happen).
    bool acquire(unsigned cost) noexcept {
        if (cost > available_) return false;
        available_ -= cost;
        return true;
    }

    // Gives back `amount` tokens, never above the capacity.
    void release(unsigned amount) noexcept { available_ = std::min(capacity_, available_ + std::min(amount, capacity_)); }

    unsigned available() const noexcept { return available_; }
    unsigned capacity() const noexcept { return capacity_; }
    void refill() noexcept { available_ = capacity_; }

    friend bool operator==(const retry_quota& a, const retry_quota& b) noexcept {
        return a.capacity_ == b.capacity_ && a.available_ == b.available_;
    }
    friend bool operator!=(const retry_quota& a, const retry_quota& b) noexcept { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const retry_quota& q) {
        return os << "retry_quota{" << q.available_ << "/" << q.capacity_ << "}";
    }

private:
    unsigned capacity_;
    unsigned available_;
};

} // namespace retry
APPCONFIGDATA_NAMESPACE_END
