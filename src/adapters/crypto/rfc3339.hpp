#pragma once
// Claim times as RFC 3339 UTC with whole seconds ("2025-03-01T12:00:00Z"), the form the PASETO claims
// registry recommends. Parsing accepts only that form: the service reads back only tokens it wrote.
#include <optional>
#include <string>
#include <string_view>

#include "app/ports/clock.hpp"

namespace bookstore::crypto {

// Years this service reads and writes; keeps every value far from the range of system_clock.
inline constexpr int kRfc3339MinYear = 1970;
inline constexpr int kRfc3339MaxYear = 2200;

// Sub-second parts are dropped (rounded down). Throws std::invalid_argument outside the years above.
std::string format_rfc3339_utc(app::TimePoint t);

// "YYYY-MM-DDTHH:MM:SSZ" exactly, a real calendar date and time within the years above; else nullopt.
std::optional<app::TimePoint> parse_rfc3339_utc(std::string_view text);

}  // namespace bookstore::crypto
