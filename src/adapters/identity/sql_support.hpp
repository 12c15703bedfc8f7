#pragma once
// Small conversions shared by the identity stores (internal to adapters/identity).
//
// Timestamps cross the wire as microseconds since the Unix epoch (bigint), the convention of the job
// queue: written as `timestamptz 'epoch' + $n::bigint * interval '1 microsecond'`, read as
// `(extract(epoch FROM col) * 1000000)::bigint` (exact: extract returns numeric). No text parsing, no
// time zone involved.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/pg/pool.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/one_time_tokens.hpp"

namespace bookstore::identity {

std::int64_t to_micros(app::TimePoint t);
std::optional<std::int64_t> to_micros(const std::optional<app::TimePoint>& t);
app::TimePoint from_micros(std::int64_t us);

// A column read as microseconds (see above); the optional form gives nullopt for NULL.
app::TimePoint time_at(const pg::Result& r, int row, int col);
std::optional<app::TimePoint> optional_time_at(const pg::Result& r, int row, int col);

// The parameter for an inet column: the address in canonical form, or NULL when `ip` is empty or not
// an IPv4/IPv6 address (a scoped IPv6 address "fe80::1%eth0" is not one PostgreSQL accepts).
pg::Param inet_param(std::string_view ip);

// Audit details as the text of a jsonb object of strings; invalid UTF-8 (a user agent, say) is replaced
// rather than making the whole change fail.
std::string details_json(const std::map<std::string, std::string>& details);

std::string_view to_string(app::TokenPurpose purpose) noexcept;
app::TokenPurpose parse_purpose(std::string_view text);  // throws std::invalid_argument

// Compile-time concatenation of constexpr string_views, so that statements can share a column list
// and still be named constexpr constants: `static constexpr std::string_view kX = Join<kA, kB>::value;`
template <const std::string_view&... Parts>
struct Join {
 private:
  static constexpr auto storage = [] {
    std::array<char, (Parts.size() + ... + 0) + 1> chars{};
    std::size_t at = 0;
    auto append = [&](std::string_view part) {
      for (char c : part) chars[at++] = c;
    };
    (append(Parts), ...);
    return chars;
  }();

 public:
  static constexpr std::string_view value{storage.data(), storage.size() - 1};
};

}  // namespace bookstore::identity
