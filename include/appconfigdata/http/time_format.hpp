// Time as text, without the C library's locale- and timezone-dependent functions:
// SigV4's ISO-8601 basic form (20150830T123600Z), its date stamp (20150830), ISO-8601 extended
// (2015-08-30T12:36:00Z, as credential documents carry it) and RFC 7231 IMF-fixdate (HTTP Date).
#pragma once

#include <appconfigdata/clock.hpp>
#include <appconfigdata/detail/ascii.hpp>
#include <appconfigdata/error.hpp>
#include <appconfigdata/version.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

APPCONFIGDATA_NAMESPACE_BEGIN
namespace http {

struct civil_time {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
    unsigned hour = 0, minute = 0, second = 0;
    unsigned weekday = 4; // 0 = Sunday
};

namespace detail_time {

// Days since 1970-01-01 for a proleptic Gregorian date (era-based, valid for all int years).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : table[m - 1];
}

inline constexpr std::array<const char*, 7> weekday_names = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr std::array<const char*, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

inline void put2(char* p, unsigned v) noexcept {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
}
inline void put4(char* p, std::int64_t v) noexcept {
    const auto u = static_cast<unsigned>(v < 0 ? 0 : v % 10000);
    put2(p, u / 100);
    put2(p + 2, u % 100);
}

inline bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) noexcept {
    if (pos + n > s.size()) return false;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!appconfigdata::detail::is_ascii_digit(s[i])) return false;
        v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    out = v;
    return true;
}

inline std::error_code make_time(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s, time_point& out) {
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60) return errc::invalid_time;
    const auto days = days_from_civil(y, mo, d);
    const std::int64_t secs = static_cast<std::int64_t>(days) * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s);
    // time_point may be nanoseconds (years 1678..2262): a time it cannot hold is invalid, not an
    // overflow. One day of margin for the zone offset and fraction the callers apply afterwards.
    constexpr std::int64_t limit = std::chrono::duration_cast<std::chrono::seconds>((duration::max)()).count() - 2 * 86400;
    if (secs > limit || secs < -limit) return errc::invalid_time;
    out = time_point(std::chrono::duration_cast<duration>(std::chrono::seconds(secs)));
    return {};
}

} // namespace detail_time

// A time point as whole days since 1970-01-01 and seconds into that day (UTC, sub-second part
// dropped, towards the past: second_of_day is 0..86399).
struct day_and_second {
    std::int64_t day = 0;
    std::int64_t second_of_day = 0;
};

inline day_and_second split_day(time_point tp) noexcept {
    const auto secs = std::chrono::floor<std::chrono::seconds>(tp.time_since_epoch()).count();
    day_and_second d{secs / 86400, secs % 86400};
    if (d.second_of_day < 0) {
        d.second_of_day += 86400;
        --d.day;
    }
    return d;
}

// Breaks a time point into UTC fields (sub-second part dropped, towards the past).
inline civil_time to_civil(time_point tp) noexcept {
    const day_and_second split = split_day(tp);
    const std::int64_t days = split.day;
    const std::int64_t rem = split.second_of_day;
    civil_time c;
    std::int64_t y = 0;
    detail_time::civil_from_days(days, y, c.month, c.day);
    c.year = static_cast<int>(y);
    c.hour = static_cast<unsigned>(rem / 3600);
    c.minute = static_cast<unsigned>(rem / 60 % 60);
    c.second = static_cast<unsigned>(rem % 60);
    c.weekday = static_cast<unsigned>(((days % 7 + 7) % 7 + 4) % 7); // 1970-01-01 was a Thursday
    return c;
}

// 16 characters "YYYYMMDDTHHMMSSZ" into `out` (no terminating NUL), from a broken-down time.
inline void format_amz_date(const civil_time& c, char* out) noexcept {
    detail_time::put4(out, c.year);
    detail_time::put2(out + 4, c.month);
    detail_time::put2(out + 6, c.day);
    out[8] = 'T';
    detail_time::put2(out + 9, c.hour);
    detail_time::put2(out + 11, c.minute);
    detail_time::put2(out + 13, c.second);
    out[15] = 'Z';
}

// 16 characters "YYYYMMDDTHHMMSSZ" into `out` (no terminating NUL).
inline void format_amz_date(time_point tp, char* out) noexcept { format_amz_date(to_civil(tp), out); }

inline std::string format_amz_date(time_point tp) {
    std::string s(16, '\0');
    format_amz_date(tp, &s[0]);
    return s;
}

// "YYYYMMDD"
inline std::string format_date_stamp(time_point tp) { return format_amz_date(tp).substr(0, 8); }

// "YYYY-MM-DDTHH:MM:SSZ"
inline std::string format_iso8601(time_point tp) {
    const civil_time c = to_civil(tp);
    std::string s = "0000-00-00T00:00:00Z";
    detail_time::put4(&s[0], c.year);
    detail_time::put2(&s[5], c.month);
    detail_time::put2(&s[8], c.day);
    detail_time::put2(&s[11], c.hour);
    detail_time::put2(&s[14], c.minute);
    detail_time::put2(&s[17], c.second);
    return s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
inline std::string format_http_date(time_point tp) {
    const civil_time c = to_civil(tp);
    std::string s = "Xxx, 00 Xxx 0000 00:00:00 GMT";
    s.replace(0, 3, detail_time::weekday_names[c.weekday]);
    detail_time::put2(&s[5], c.day);
    s.replace(8, 3, detail_time::month_names[c.month - 1]);
    detail_time::put4(&s[12], c.year);
    detail_time::put2(&s[17], c.hour);
    detail_time::put2(&s[20], c.minute);
    detail_time::put2(&s[23], c.second);
    return s;
}

// Parses exactly "YYYYMMDDTHHMMSSZ".
inline std::error_code parse_amz_date(std::string_view s, time_point& out) {
    unsigned y, mo, d, h, mi, se;
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !detail_time::digits(s, 0, 4, y) || !detail_time::digits(s, 4, 2, mo) ||
        !detail_time::digits(s, 6, 2, d) || !detail_time::digits(s, 9, 2, h) || !detail_time::digits(s, 11, 2, mi) ||
        !detail_time::digits(s, 13, 2, se))
        return errc::invalid_time;
    return detail_time::make_time(y, mo, d, h, mi, se, out);
}

// Parses ISO-8601 extended UTC times as AWS credential documents write them:
// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00|±HH:MM)"; a lower-case 't'/'z' is accepted too.
inline std::error_code parse_iso8601(std::string_view s, time_point& out) {
    unsigned y, mo, d, h, mi, se;
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        !detail_time::digits(s, 0, 4, y) || !detail_time::digits(s, 5, 2, mo) || !detail_time::digits(s, 8, 2, d) ||
        !detail_time::digits(s, 11, 2, h) || !detail_time::digits(s, 14, 2, mi) || !detail_time::digits(s, 17, 2, se))
        return errc::invalid_time;
    std::size_t i = 19;
    duration fraction{};
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::int64_t scale = 100000000; // nanoseconds per first digit
        std::int64_t nanos = 0;
        const std::size_t start = i;
        while (i < s.size() && appconfigdata::detail::is_ascii_digit(s[i])) {
            nanos += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start) return errc::invalid_time;
        fraction = std::chrono::duration_cast<duration>(std::chrono::nanoseconds(nanos));
    }
    std::int64_t offset_seconds = 0;
    std::string_view zone = s.substr(i);
    if (zone == "Z" || zone == "z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        unsigned oh, om;
        if (!detail_time::digits(zone, 1, 2, oh) || !detail_time::digits(zone, 4, 2, om) || oh > 23 || om > 59) return errc::invalid_time;
        offset_seconds = (zone[0] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
    } else {
        return errc::invalid_time;
    }
    if (auto ec = detail_time::make_time(y, mo, d, h, mi, se, out)) return ec;
    out += fraction;
    out -= std::chrono::seconds(offset_seconds);
    return {};
}

// Parses an RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
inline std::error_code parse_http_date(std::string_view s, time_point& out) {
    unsigned d, y, h, mi, se;
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
        s.substr(25) != " GMT" || !detail_time::digits(s, 5, 2, d) || !detail_time::digits(s, 12, 4, y) || !detail_time::digits(s, 17, 2, h) ||
        !detail_time::digits(s, 20, 2, mi) || !detail_time::digits(s, 23, 2, se))
        return errc::invalid_time;
    unsigned mo = 0;
    for (unsigned i = 0; i < 12; ++i)
        if (s.substr(8, 3) == detail_time::month_names[i]) mo = i + 1;
    if (mo == 0) return errc::invalid_time;
    return detail_time::make_time(y, mo, d, h, mi, se, out);
}

} // namespace http
APPCONFIGDATA_NAMESPACE_END
