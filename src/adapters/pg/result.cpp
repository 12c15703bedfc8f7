#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "adapters/pg/pool.hpp"

namespace bookstore::pg {

Param to_param(double v) {
  if (std::isnan(v)) return std::string("NaN");
  if (std::isinf(v)) return std::string(v > 0 ? "Infinity" : "-Infinity");
  return fmt::format("{}", v);  // shortest text that reads back to the same double
}

void Result::Deleter::operator()(pg_result* r) const noexcept {
  PQclear(r);
}

Result::Result(pg_result* res) : res_(res) {}

int Result::rows() const noexcept {
  return res_ ? PQntuples(res_.get()) : 0;
}
int Result::columns() const noexcept {
  return res_ ? PQnfields(res_.get()) : 0;
}

int Result::column(std::string_view name) const {
  for (int i = 0, n = columns(); i < n; ++i) {
    if (name == PQfname(res_.get(), i)) return i;
  }
  throw std::out_of_range("no column named " + std::string(name));
}

namespace {
void check_cell(const pg_result* res, int row, int col) {
  if (!res || row < 0 || col < 0 || row >= PQntuples(res) || col >= PQnfields(res)) {
    throw std::out_of_range("row or column out of range");
  }
}
}  // namespace

bool Result::is_null(int row, int col) const {
  check_cell(res_.get(), row, col);
  return PQgetisnull(res_.get(), row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
  check_cell(res_.get(), row, col);
  return {PQgetvalue(res_.get(), row, col), static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

std::optional<std::string> Result::optional_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return std::string(text(row, col));
}

std::int64_t Result::int64(int row, int col) const {
  if (is_null(row, col)) throw std::invalid_argument("NULL where a number was expected");
  auto s = text(row, col);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw std::invalid_argument("column is not an integer");
  return v;
}

double Result::float64(int row, int col) const {
  if (is_null(row, col)) throw std::invalid_argument("NULL where a number was expected");
  auto s = text(row, col);
  if (s == "NaN") return std::nan("");
  if (s == "Infinity") return HUGE_VAL;
  if (s == "-Infinity") return -HUGE_VAL;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) throw std::invalid_argument("column is not a number");
  return v;
}

bool Result::boolean(int row, int col) const {
  if (is_null(row, col)) throw std::invalid_argument("NULL where a boolean was expected");
  auto s = text(row, col);
  if (s == "t") return true;
  if (s == "f") return false;
  throw std::invalid_argument("column is not a boolean");
}

std::int64_t Result::affected_rows() const {
  if (!res_) return 0;
  std::string_view s = PQcmdTuples(res_.get());
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace bookstore::pg
