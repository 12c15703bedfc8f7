#include "adapters/identity/sql_support.hpp"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace bookstore::identity {

std::int64_t to_micros(app::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::optional<std::int64_t> to_micros(const std::optional<app::TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

app::TimePoint from_micros(std::int64_t us) {
  return app::TimePoint(std::chrono::duration_cast<app::TimePoint::duration>(std::chrono::microseconds(us)));
}

app::TimePoint time_at(const pg::Result& r, int row, int col) {
  return from_micros(r.int64(row, col));
}

std::optional<app::TimePoint> optional_time_at(const pg::Result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return time_at(r, row, col);
}

pg::Param inet_param(std::string_view ip) {
  if (ip.empty() || ip.size() > 64 || ip.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(ip), ec);
  if (ec) return std::nullopt;
  return address.to_string();
}

std::string details_json(const std::map<std::string, std::string>& details) {
  nlohmann::json d = nlohmann::json::object();
  for (const auto& [k, v] : details) d[k] = v;
  return d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view to_string(app::TokenPurpose purpose) noexcept {
  switch (purpose) {
    case app::TokenPurpose::kVerifyEmail:
      return "verify_email";
    case app::TokenPurpose::kResetPassword:
      return "reset_password";
    case app::TokenPurpose::kChangeEmail:
      return "change_email";
  }
  return "verify_email";
}

app::TokenPurpose parse_purpose(std::string_view text) {
  if (text == "verify_email") return app::TokenPurpose::kVerifyEmail;
  if (text == "reset_password") return app::TokenPurpose::kResetPassword;
  if (text == "change_email") return app::TokenPurpose::kChangeEmail;
  throw std::invalid_argument("unknown one-time token purpose in the database");
}

}  // namespace bookstore::identity
