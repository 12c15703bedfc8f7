#pragma once
// The identity routes' JSON: records of the use cases -> response bodies, and request bodies and query
// strings -> the use cases' inputs. Only the HTTP shape is checked here (types, required fields, enum
// names, ranges of paging parameters); the rules (email syntax, password policy, who may do what)
// belong to the use cases. Shape errors are collected, one FieldError per offending field, and thrown
// together as one 422.
//
// Times are RFC 3339 UTC with whole seconds and a 'Z' ("2025-03-01T12:00:00Z"); absent times are null;
// ids of users and audit rows are JSON numbers, session ids uuid strings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/identity/identity_types.hpp"
#include "domain/error.hpp"

namespace bookstore::http {

class Request;

// ---- records -> JSON ----

// RFC 3339 UTC with whole seconds ("2025-03-01T12:34:56Z"), or null.
nlohmann::json time_or_null(const std::optional<app::TimePoint>& t);

// {id, email, name, role, state, email_verified, email_verified_at, created_at, deletion_due_at}
nlohmann::json user_json(const app::UserRecord& user);
// user_json + {banned, banned_at, failed_logins, locked_until, updated_at}
nlohmann::json admin_user_json(const app::UserRecord& user);
// {id, user_agent, ip, created_at, last_used_at, idle_expires_at, absolute_expires_at, current}
// (current: id == current_session_id); with_revocation adds revoked_at and revoked_reason.
nlohmann::json session_json(const app::SessionRecord& session, std::string_view current_session_id,
                            bool with_revocation = false);
// {"items": [session_json...]}
nlohmann::json sessions_json(const std::vector<app::SessionRecord>& sessions,
                             std::string_view current_session_id);
// {id, occurred_at, action, actor_id, target_type, target_id, ip, request_id, details}
nlohmann::json audit_json(const app::AuditRecord& record);
// {access_token, refresh_token, token_type: "Bearer", expires_in, session_id, account_state}
nlohmann::json token_pair_json(const app::TokenPair& pair);
// {exported_at, user (admin_user_json: everything stored), sessions, security_events}
nlohmann::json export_json(const app::AccountExport& data, app::TimePoint exported_at,
                           std::string_view current_session_id);
// {user (admin_user_json), sessions}
nlohmann::json user_detail_json(const app::UserDetail& detail, std::string_view current_session_id);
// {"items": [...], "next_cursor": "<last id>" | null}: a cursor only when the page is full.
nlohmann::json page_json(nlohmann::json items, std::optional<std::int64_t> last_id, bool full_page);

// ---- request bodies ----

// Reads the fields of a JSON request body and collects what is wrong with them.
//   BodyFields f(req.json());
//   auto email = f.required_string("email");
//   f.check();   // throws the 422 when anything was wrong
class BodyFields {
 public:
  explicit BodyFields(const nlohmann::json& body);

  bool is_object() const noexcept { return body_.is_object(); }
  bool has(std::string_view name) const;
  // Present, a string and not empty; "" otherwise (and an error is recorded).
  std::string required_string(std::string_view name);
  // Absent or null: nullopt. Present and not a string: an error.
  std::optional<std::string> optional_string(std::string_view name);
  // Absent or null: fallback. Present and not a boolean: an error.
  bool optional_bool(std::string_view name, bool fallback);
  // Fields of the body outside `known`, each an error ("unknown field").
  void reject_unknown(const std::vector<std::string_view>& known);
  void add_error(std::string field, std::string message);

  const std::vector<domain::FieldError>& errors() const noexcept { return errors_; }
  void check() const;  // throws domain::Error::validation(errors) when there are any

 private:
  const nlohmann::json& body_;
  std::vector<domain::FieldError> errors_;
};

// PATCH /me: name, plus the fields a user may never set on themselves (kProtectedProfileFields) as
// protected_fields for the use case to refuse with 403. Anything else, or a name that is not a string,
// throws 422.
extern const std::vector<std::string_view> kProtectedProfileFields;
app::ProfilePatch profile_patch_from(const nlohmann::json& body);

// PATCH /admin/users/{id}: role?, state?, name?; unknown fields and unknown role or state names throw 422.
app::AdminUserPatch admin_user_patch_from(const nlohmann::json& body);

// A body that may be left out (POST .../ban): nullopt when the body is empty, else Request::json().
std::optional<nlohmann::json> optional_body(const Request& req);

// ---- paths and query strings ----

// A decimal in 1..INT64_MAX without sign or leading zeros; nullopt otherwise.
std::optional<std::int64_t> parse_positive_id(std::string_view text) noexcept;
// The {name} path parameter as a positive id; throws 404 otherwise (no such resource).
std::int64_t path_id(const Request& req, std::string_view name);

// RFC 3339 date-time ("2025-03-01T12:00:00Z", fractions and numeric offsets allowed) in the years
// 1970..2200 (far inside the range of system_clock); nullopt otherwise.
std::optional<app::TimePoint> parse_rfc3339(std::string_view text);

inline constexpr int kMaxPageSize = 200;
inline constexpr int kDefaultPageSize = 50;

// GET /admin/users: q, role, state, banned (true|false), cursor (a user id), limit (1..200).
app::UserQuery user_query_from(const Request& req);
// GET /admin/audit: actor (a user id), target_type, target, action, from, to (RFC 3339), cursor (an
// audit row id), limit (1..200).
app::AuditQuery audit_query_from(const Request& req);

}  // namespace bookstore::http
