#include "adapters/crypto/rfc3339.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

namespace bookstore::crypto {
namespace {

// The value of text[pos, pos+n) if all are ASCII digits.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string format_rfc3339_utc(app::TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss hms(secs - day);
  const int y = static_cast<int>(ymd.year());
  if (y < kRfc3339MinYear || y > kRfc3339MaxYear) throw std::invalid_argument("time outside 1970..2200");
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count());
}

std::optional<app::TimePoint> parse_rfc3339_utc(std::string_view text) {
  using namespace std::chrono;
  // 0123456789012345678 9
  // YYYY-MM-DDTHH:MM:SS Z
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*y < kRfc3339MinYear || *y > kRfc3339MaxYear) return std::nullopt;
  const year_month_day ymd{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59)
    return std::nullopt;  // no leap seconds: unix time has none
  return app::TimePoint(sys_days(ymd) + hours(*h) + minutes(*mi) + seconds(*s));
}

}  // namespace bookstore::crypto
