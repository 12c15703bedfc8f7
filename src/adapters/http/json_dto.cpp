#include "adapters/http/json_dto.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>

#include "adapters/crypto/rfc3339.hpp"
#include "adapters/http/query_fields.hpp"
#include "adapters/http/request.hpp"
#include "domain/identity/account.hpp"

namespace bookstore::http {

namespace {

using json = nlohmann::json;

std::string role_name(domain::Role role) {
  return std::string(domain::to_string(role));
}

std::string state_name(domain::AccountState state) {
  return std::string(domain::to_string(state));
}

// Digits of text[pos, pos+n) as a number, or -1.
int digits(std::string_view text, std::size_t pos, std::size_t n) noexcept {
  if (pos + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

// ---- records -> JSON ----

json time_or_null(const std::optional<app::TimePoint>& t) {
  return t ? json(crypto::format_rfc3339_utc(*t)) : json(nullptr);
}

json user_json(const app::UserRecord& user) {
  json j = json::object();
  j["id"] = user.id;
  j["email"] = user.email;
  j["name"] = user.name;
  j["role"] = role_name(user.role);
  j["state"] = state_name(user.state);
  j["email_verified"] = user.email_verified_at.has_value();
  j["email_verified_at"] = time_or_null(user.email_verified_at);
  j["created_at"] = crypto::format_rfc3339_utc(user.created_at);
  // Only meaningful while the deletion is pending; a stale value must not suggest one.
  j["deletion_due_at"] = user.state == domain::AccountState::kPendingDeletion
                             ? time_or_null(user.deletion_due_at)
                             : json(nullptr);
  return j;
}

json admin_user_json(const app::UserRecord& user) {
  json j = user_json(user);
  j["banned"] = user.banned_at.has_value();
  j["banned_at"] = time_or_null(user.banned_at);
  j["failed_logins"] = user.failed_logins;
  j["locked_until"] = time_or_null(user.locked_until);
  j["updated_at"] = crypto::format_rfc3339_utc(user.updated_at);
  return j;
}

json session_json(const app::SessionRecord& s, std::string_view current_session_id, bool with_revocation) {
  json j = json::object();
  j["id"] = s.id;
  j["user_agent"] = s.user_agent;
  j["ip"] = s.ip;
  j["created_at"] = crypto::format_rfc3339_utc(s.created_at);
  j["last_used_at"] = crypto::format_rfc3339_utc(s.last_used_at);
  j["idle_expires_at"] = crypto::format_rfc3339_utc(s.idle_expires_at);
  j["absolute_expires_at"] = crypto::format_rfc3339_utc(s.absolute_expires_at);
  j["current"] = !current_session_id.empty() && s.id == current_session_id;
  if (with_revocation) {
    j["revoked_at"] = time_or_null(s.revoked_at);
    j["revoked_reason"] = s.revoked_at ? json(s.revoked_reason) : json(nullptr);
  }
  return j;
}

json sessions_json(const std::vector<app::SessionRecord>& sessions, std::string_view current_session_id) {
  json items = json::array();
  for (const auto& s : sessions) items.push_back(session_json(s, current_session_id));
  json j = json::object();
  j["items"] = std::move(items);
  return j;
}

json audit_json(const app::AuditRecord& record) {
  const auto& e = record.event;
  json details = json::object();
  for (const auto& [k, v] : e.details) details[k] = v;
  json j = json::object();
  j["id"] = record.id;
  j["occurred_at"] = crypto::format_rfc3339_utc(record.occurred_at);
  j["action"] = e.action;
  j["actor_id"] = e.actor_id ? json(*e.actor_id) : json(nullptr);
  j["target_type"] = e.target_type;
  j["target_id"] = e.target_id;
  j["ip"] = e.ip.empty() ? json(nullptr) : json(e.ip);
  j["request_id"] = e.request_id.empty() ? json(nullptr) : json(e.request_id);
  j["details"] = std::move(details);
  return j;
}

json token_pair_json(const app::TokenPair& pair) {
  json j = json::object();
  j["access_token"] = pair.access_token;
  j["refresh_token"] = pair.refresh_token;
  j["token_type"] = "Bearer";
  j["expires_in"] = pair.expires_in;
  j["session_id"] = pair.session_id;
  j["account_state"] = state_name(pair.account_state);
  return j;
}

json export_json(const app::AccountExport& data, app::TimePoint exported_at,
                 std::string_view current_session_id) {
  json sessions = json::array();
  for (const auto& s : data.sessions) sessions.push_back(session_json(s, current_session_id, true));
  json events = json::array();
  for (const auto& r : data.security_events) events.push_back(audit_json(r));
  json j = json::object();
  j["exported_at"] = crypto::format_rfc3339_utc(exported_at);
  j["user"] = admin_user_json(data.user);
  j["sessions"] = std::move(sessions);
  j["security_events"] = std::move(events);
  return j;
}

json user_detail_json(const app::UserDetail& detail, std::string_view current_session_id) {
  json sessions = json::array();
  for (const auto& s : detail.sessions) sessions.push_back(session_json(s, current_session_id));
  json j = json::object();
  j["user"] = admin_user_json(detail.user);
  j["sessions"] = std::move(sessions);
  return j;
}

json page_json(json items, std::optional<std::int64_t> last_id, bool full_page) {
  json j = json::object();
  j["items"] = std::move(items);
  j["next_cursor"] = full_page && last_id ? json(std::to_string(*last_id)) : json(nullptr);
  return j;
}

// ---- request bodies ----

BodyFields::BodyFields(const json& body) : body_(body) {
  if (!body_.is_object()) errors_.push_back({"body", "must be a JSON object"});
}

bool BodyFields::has(std::string_view name) const {
  return body_.is_object() && body_.contains(name);
}

std::string BodyFields::required_string(std::string_view name) {
  if (!body_.is_object()) return {};
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) {
    add_error(std::string(name), "is required");
    return {};
  }
  if (!it->is_string()) {
    add_error(std::string(name), "must be a string");
    return {};
  }
  auto value = it->get<std::string>();
  if (value.empty()) add_error(std::string(name), "must not be empty");
  return value;
}

std::optional<std::string> BodyFields::optional_string(std::string_view name) {
  if (!body_.is_object()) return std::nullopt;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    add_error(std::string(name), "must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

bool BodyFields::optional_bool(std::string_view name, bool fallback) {
  if (!body_.is_object()) return fallback;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) {
    add_error(std::string(name), "must be true or false");
    return fallback;
  }
  return it->get<bool>();
}

void BodyFields::reject_unknown(const std::vector<std::string_view>& known) {
  if (!body_.is_object()) return;
  for (const auto& [key, value] : body_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) add_error(key, "unknown field");
  }
}

void BodyFields::add_error(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

void BodyFields::check() const {
  if (!errors_.empty()) throw domain::Error::validation(errors_);
}

// What a user may never set on themselves, or changes elsewhere (email: POST /me/email, password:
// POST /me/password), and the server-kept attributes of the user representation.
const std::vector<std::string_view> kProtectedProfileFields = {
    "id",         "email",      "role",      "state",           "email_verified", "email_verified_at",
    "verified",   "banned",     "banned_at", "deletion_due_at", "failed_logins",  "locked_until",
    "created_at", "updated_at", "password",  "password_hash"};

app::ProfilePatch profile_patch_from(const json& body) {
  BodyFields f(body);
  app::ProfilePatch patch;
  if (f.is_object()) {
    for (const auto& [key, value] : body.items()) {
      if (key == "name") continue;
      if (std::find(kProtectedProfileFields.begin(), kProtectedProfileFields.end(), key) !=
          kProtectedProfileFields.end()) {
        patch.protected_fields.push_back(key);
      } else {
        f.add_error(key, "unknown field");
      }
    }
    patch.name = f.optional_string("name");
  }
  f.check();
  return patch;
}

app::AdminUserPatch admin_user_patch_from(const json& body) {
  BodyFields f(body);
  app::AdminUserPatch patch;
  if (f.is_object()) {
    for (const auto& [key, value] : body.items()) {
      if (key == "role" || key == "state" || key == "name") continue;
      if (key == "banned") {
        f.add_error(key, "use POST /api/v1/admin/users/{id}/ban or /unban");
      } else {
        f.add_error(key, "unknown field");
      }
    }
    if (auto role = f.optional_string("role")) {
      patch.role = domain::parse_role(*role);
      if (!patch.role) f.add_error("role", "must be one of customer, support, inventory, admin");
    }
    if (auto state = f.optional_string("state")) {
      patch.state = domain::parse_account_state(*state);
      if (!patch.state) f.add_error("state", "must be active or deactivated");
    }
    patch.name = f.optional_string("name");
  }
  f.check();
  return patch;
}

std::optional<json> optional_body(const Request& req) {
  auto body = req.body();
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  return req.json();
}

// ---- paths and query strings ----

std::optional<std::int64_t> parse_positive_id(std::string_view text) noexcept {
  if (text.empty() || text.front() < '1' || text.front() > '9') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::int64_t path_id(const Request& req, std::string_view name) {
  auto id = parse_positive_id(req.path_param(name));
  if (!id) throw domain::Error::not_found("No resource at " + std::string(req.path().substr(0, 200)));
  return *id;
}

std::optional<app::TimePoint> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 1970 || y > 2200 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  std::size_t pos = 19;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t ns = 0;
    int scale = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale < 9) {
        ns = ns * 10 + (text[pos] - '0');
        ++scale;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (; scale < 9; ++scale) ns *= 10;
    fraction = nanoseconds(ns);
  }
  if (pos >= text.size()) return std::nullopt;
  minutes offset{0};
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    if (pos + 6 != text.size() || text[pos + 3] != ':') return std::nullopt;
    int oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = hours(oh) + minutes(om);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  auto local = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + fraction;
  return time_point_cast<app::TimePoint::duration>(local - offset);
}

app::UserQuery user_query_from(const Request& req) {
  QueryFields q(req);
  app::UserQuery query;
  query.search = q.text("q", 200);
  if (auto role = q.text("role", 64)) {
    query.role = domain::parse_role(*role);
    if (!query.role) q.error("role", "must be one of customer, support, inventory, admin");
  }
  if (auto state = q.text("state", 64)) {
    query.state = domain::parse_account_state(*state);
    if (!query.state) q.error("state", "must be one of active, deactivated, pending_deletion, deleted");
  }
  query.banned = q.boolean("banned");
  query.after_id = q.id("cursor");
  query.limit = q.limit();
  q.check();
  return query;
}

app::AuditQuery audit_query_from(const Request& req) {
  QueryFields q(req);
  app::AuditQuery query;
  query.actor_id = q.id("actor");
  query.target_type = q.text("target_type", 64);
  query.target_id = q.text("target", 200);
  query.action = q.text("action", 100);
  query.from = q.time("from");
  query.to = q.time("to");
  if (query.from && query.to && *query.from >= *query.to) q.error("to", "must be after from");
  query.before_id = q.id("cursor");
  query.limit = q.limit();
  q.check();
  return query;
}

}  // namespace bookstore::http
