// Records -> JSON (times, nulls, shapes) and request bodies -> the use cases' inputs.
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "domain/identity/session_id.hpp"

namespace {

using namespace bookstore;
using namespace std::chrono_literals;
using json = nlohmann::json;

// 2025-03-01T12:34:56Z and a bit.
app::TimePoint at(std::chrono::seconds offset = 0s) {
  using namespace std::chrono;
  return sys_days(year(2025) / 3 / 1) + 12h + 34min + 56s + 789ms + offset;
}

app::UserRecord sample_user() {
  app::UserRecord u;
  u.id = 7;
  u.email = "ann@example.org";
  u.name = "Ann";
  u.password_hash = "$argon2id$secret";
  u.role = domain::Role::kSupport;
  u.state = domain::AccountState::kActive;
  u.created_at = at();
  u.updated_at = at(60s);
  return u;
}

std::vector<domain::FieldError> errors_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kValidation);
    return e.fields();
  }
  ADD_FAILURE() << "no validation error";
  return {};
}

TEST(HttpIdentityDto, TimesAreRfc3339UtcWholeSeconds) {
  EXPECT_EQ(http::time_or_null(app::TimePoint{}), json("1970-01-01T00:00:00Z"));
  EXPECT_EQ(http::time_or_null(std::nullopt), json(nullptr));
  EXPECT_EQ(http::time_or_null(at()), json("2025-03-01T12:34:56Z"));
}

TEST(HttpIdentityDto, UserJsonHasEveryFieldAndNullsForAbsentTimes) {
  auto j = http::user_json(sample_user());
  EXPECT_EQ(j, json::parse(R"({
    "id": 7, "email": "ann@example.org", "name": "Ann", "role": "support", "state": "active",
    "email_verified": false, "email_verified_at": null, "created_at": "2025-03-01T12:34:56Z",
    "deletion_due_at": null})"));
  EXPECT_TRUE(j["id"].is_number_integer());
}

TEST(HttpIdentityDto, UserJsonShowsVerificationAndAPendingDeletion) {
  auto u = sample_user();
  u.email_verified_at = at(3600s);
  u.state = domain::AccountState::kPendingDeletion;
  u.deletion_due_at = at(30 * 24h);
  auto j = http::user_json(u);
  EXPECT_EQ(j["email_verified"], true);
  EXPECT_EQ(j["email_verified_at"], "2025-03-01T13:34:56Z");
  EXPECT_EQ(j["state"], "pending_deletion");
  EXPECT_EQ(j["deletion_due_at"], "2025-03-31T12:34:56Z");
  // A due date left over from a cancelled deletion is not shown.
  u.state = domain::AccountState::kActive;
  EXPECT_EQ(http::user_json(u)["deletion_due_at"], json(nullptr));
}

TEST(HttpIdentityDto, AdminUserJsonAddsBanLockoutAndUpdateTimes) {
  auto u = sample_user();
  u.failed_logins = 3;
  auto j = http::admin_user_json(u);
  EXPECT_EQ(j["banned"], false);
  EXPECT_EQ(j["banned_at"], json(nullptr));
  EXPECT_EQ(j["failed_logins"], 3);
  EXPECT_EQ(j["locked_until"], json(nullptr));
  EXPECT_EQ(j["updated_at"], "2025-03-01T12:35:56Z");
  u.banned_at = at();
  u.locked_until = at(30s);
  j = http::admin_user_json(u);
  EXPECT_EQ(j["banned"], true);
  EXPECT_EQ(j["banned_at"], "2025-03-01T12:34:56Z");
  EXPECT_EQ(j["locked_until"], "2025-03-01T12:35:26Z");
  // Never a password hash, in any shape.
  EXPECT_EQ(j.dump().find("argon2"), std::string::npos);
  EXPECT_FALSE(j.contains("password_hash"));
}

app::SessionRecord sample_session(std::string id) {
  app::SessionRecord s;
  s.id = std::move(id);
  s.user_id = 7;
  s.user_agent = "curl/8";
  s.ip = "192.0.2.1";
  s.created_at = at();
  s.last_used_at = at(10s);
  s.idle_expires_at = at(30 * 24h);
  s.absolute_expires_at = at(90 * 24h);
  return s;
}

TEST(HttpIdentityDto, SessionsMarkTheCurrentOne) {
  std::vector<app::SessionRecord> sessions{sample_session("s-1"), sample_session("s-2")};
  auto j = http::sessions_json(sessions, "s-2");
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0], json::parse(R"({
    "id": "s-1", "user_agent": "curl/8", "ip": "192.0.2.1", "created_at": "2025-03-01T12:34:56Z",
    "last_used_at": "2025-03-01T12:35:06Z", "idle_expires_at": "2025-03-31T12:34:56Z",
    "absolute_expires_at": "2025-05-30T12:34:56Z", "current": false})"));
  EXPECT_EQ(j["items"][1]["current"], true);
  EXPECT_EQ(http::sessions_json({}, "s-1"), json::parse(R"({"items": []})"));
  EXPECT_EQ(http::session_json(sample_session(""), "")["current"], false);
}

TEST(HttpIdentityDto, AuditJson) {
  app::AuditRecord r;
  r.id = 99;
  r.occurred_at = at();
  r.event = app::AuditEvent("role.changed", 1, "user", "7", {{"from", "customer"}, {"to", "support"}});
  r.event.ip = "192.0.2.1";
  r.event.request_id = "abc";
  EXPECT_EQ(http::audit_json(r), json::parse(R"({
    "id": 99, "occurred_at": "2025-03-01T12:34:56Z", "action": "role.changed", "actor_id": 1,
    "target_type": "user", "target_id": "7", "ip": "192.0.2.1", "request_id": "abc",
    "details": {"from": "customer", "to": "support"}})"));
  app::AuditRecord anonymous;
  anonymous.event = app::AuditEvent("login.failed", std::nullopt, "user", "");
  auto j = http::audit_json(anonymous);
  EXPECT_EQ(j["actor_id"], json(nullptr));
  EXPECT_EQ(j["ip"], json(nullptr));
  EXPECT_EQ(j["request_id"], json(nullptr));
  EXPECT_EQ(j["details"], json::object());
}

TEST(HttpIdentityDto, TokenPairJson) {
  app::TokenPair pair{"v4.public.x", "r", 900, "s-1", domain::AccountState::kDeactivated};
  EXPECT_EQ(http::token_pair_json(pair), json::parse(R"({
    "access_token": "v4.public.x", "refresh_token": "r", "token_type": "Bearer", "expires_in": 900,
    "session_id": "s-1", "account_state": "deactivated"})"));
}

TEST(HttpIdentityDto, ExportHoldsEverything) {
  app::AccountExport data;
  data.user = sample_user();
  auto revoked = sample_session("s-old");
  revoked.revoked_at = at(5s);
  revoked.revoked_reason = "logout";
  data.sessions = {sample_session("s-1"), revoked};
  app::AuditRecord r;
  r.id = 1;
  r.event = app::AuditEvent("login.succeeded", 7, "user", "7");
  data.security_events = {r};
  auto j = http::export_json(data, at(), "s-1");
  EXPECT_EQ(j["exported_at"], "2025-03-01T12:34:56Z");
  EXPECT_EQ(j["user"]["email"], "ann@example.org");
  EXPECT_TRUE(j["user"].contains("failed_logins"));
  ASSERT_EQ(j["sessions"].size(), 2u);
  EXPECT_EQ(j["sessions"][0]["current"], true);
  EXPECT_EQ(j["sessions"][0]["revoked_at"], json(nullptr));
  EXPECT_EQ(j["sessions"][0]["revoked_reason"], json(nullptr));
  EXPECT_EQ(j["sessions"][1]["revoked_at"], "2025-03-01T12:35:01Z");
  EXPECT_EQ(j["sessions"][1]["revoked_reason"], "logout");
  EXPECT_EQ(j["security_events"][0]["action"], "login.succeeded");
  EXPECT_EQ(j.dump().find("argon2"), std::string::npos);
}

TEST(HttpIdentityDto, PagesHaveACursorOnlyWhenFull) {
  EXPECT_EQ(http::page_json(json::array({1, 2}), 12, true),
            json::parse(R"({"items":[1,2],"next_cursor":"12"})"));
  EXPECT_EQ(http::page_json(json::array({1}), 12, false)["next_cursor"], json(nullptr));
  EXPECT_EQ(http::page_json(json::array(), std::nullopt, true)["next_cursor"], json(nullptr));
}

TEST(HttpIdentityDto, BodyFieldsCollectEveryError) {
  auto body = json::parse(R"({"email": 5, "password": "", "flag": "yes"})");
  auto errors = errors_of([&] {
    http::BodyFields f(body);
    f.required_string("email");
    f.required_string("password");
    f.required_string("name");
    f.optional_bool("flag", false);
    f.check();
  });
  EXPECT_EQ(errors, (std::vector<domain::FieldError>{{"email", "must be a string"},
                                                     {"password", "must not be empty"},
                                                     {"name", "is required"},
                                                     {"flag", "must be true or false"}}));
}

TEST(HttpIdentityDto, BodyMustBeAnObject) {
  for (auto text : {"[]", "\"x\"", "1", "null"}) {
    auto body = json::parse(text);
    auto errors = errors_of([&] {
      http::BodyFields f(body);
      f.required_string("email");
      f.check();
    });
    EXPECT_EQ(errors, (std::vector<domain::FieldError>{{"body", "must be a JSON object"}})) << text;
  }
}

TEST(HttpIdentityDto, BodyFieldsReadValuesAndDefaults) {
  auto body = json::parse(R"({"email": "a@b.c", "end": true, "n": null})");
  http::BodyFields f(body);
  EXPECT_EQ(f.required_string("email"), "a@b.c");
  EXPECT_TRUE(f.optional_bool("end", false));
  EXPECT_TRUE(f.optional_bool("absent", true));
  EXPECT_EQ(f.optional_string("n"), std::nullopt);
  EXPECT_NO_THROW(f.check());
}

TEST(HttpIdentityDto, ProfilePatchTakesNameAndPassesProtectedFieldsOn) {
  auto patch = http::profile_patch_from(json::parse(R"({"name": "Ann B"})"));
  EXPECT_EQ(patch.name, "Ann B");
  EXPECT_TRUE(patch.protected_fields.empty());

  patch = http::profile_patch_from(
      json::parse(R"({"name": "Ann", "role": "admin", "email_verified": true, "state": "active",
                      "banned": false, "verified": true, "email": "x@y.z", "id": 1})"));
  EXPECT_EQ(patch.name, "Ann");
  EXPECT_EQ(patch.protected_fields, (std::vector<std::string>{"banned", "email", "email_verified", "id",
                                                              "role", "state", "verified"}));

  patch = http::profile_patch_from(json::parse(R"({"role": "admin"})"));
  EXPECT_FALSE(patch.name);
  EXPECT_EQ(patch.protected_fields, std::vector<std::string>{"role"});
}

TEST(HttpIdentityDto, ProfilePatchRefusesUnknownFieldsAndBadTypes) {
  auto errors = errors_of([] { http::profile_patch_from(json::parse(R"({"nickname": "x", "name": 3})")); });
  EXPECT_EQ(errors,
            (std::vector<domain::FieldError>{{"nickname", "unknown field"}, {"name", "must be a string"}}));
  errors = errors_of([] { http::profile_patch_from(json::parse(R"(["name"])")); });
  EXPECT_EQ(errors.at(0).field, "body");
}

TEST(HttpIdentityDto, AdminUserPatch) {
  auto patch = http::admin_user_patch_from(json::parse(R"({"role": "support", "state": "deactivated"})"));
  EXPECT_EQ(patch.role, domain::Role::kSupport);
  EXPECT_EQ(patch.state, domain::AccountState::kDeactivated);
  EXPECT_FALSE(patch.name);
  auto errors = errors_of([] {
    http::admin_user_patch_from(json::parse(R"({"role": "root", "state": "gone", "banned": true, "x": 1})"));
  });
  ASSERT_EQ(errors.size(), 4u);
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"banned", "x", "role", "state"}));
}

TEST(HttpIdentityDto, Rfc3339Parsing) {
  using namespace std::chrono;
  auto base = sys_days(year(2025) / 3 / 1) + 12h;
  EXPECT_EQ(http::parse_rfc3339("2025-03-01T12:00:00Z"), base);
  EXPECT_EQ(http::parse_rfc3339("2025-03-01t12:00:00z"), base);
  EXPECT_EQ(http::parse_rfc3339("2025-03-01T12:00:00.5Z"), base + 500ms);
  EXPECT_EQ(http::parse_rfc3339("2025-03-01T14:30:00+02:30"), base);
  EXPECT_EQ(http::parse_rfc3339("2025-03-01T07:00:00-05:00"), base);
  for (auto bad :
       {"", "2025-03-01", "2025-03-01T12:00:00", "2025-02-30T12:00:00Z", "2025-03-01T24:00:00Z",
        "2025-03-01T12:00:60Z", "2025-03-01 12:00:00Z", "2025-03-01T12:00:00.Z", "2025-03-01T12:00:00+0200",
        "2025-03-01T12:00:00Zjunk", "1900-01-01T00:00:00Z", "+2025-03-01T12:00:00Z"}) {
    EXPECT_FALSE(http::parse_rfc3339(bad)) << bad;
  }
}

TEST(HttpIdentityDto, PositiveIdsAndUuids) {
  EXPECT_EQ(http::parse_positive_id("1"), 1);
  EXPECT_EQ(http::parse_positive_id("9223372036854775807"), INT64_MAX);
  for (auto bad : {"", "0", "-1", "+1", "01", "1a", " 1", "9223372036854775808", "1.0"})
    EXPECT_FALSE(http::parse_positive_id(bad)) << bad;
  EXPECT_TRUE(domain::is_session_id("0b6f2a4e-1111-4222-8333-44445555666F"));
  EXPECT_FALSE(domain::is_session_id("0b6f2a4e11114222833344445555666f"));
  EXPECT_FALSE(domain::is_session_id("0b6f2a4e-1111-4222-8333-44445555666g"));
  EXPECT_FALSE(domain::is_session_id("'; drop table sessions; --"));
}

}  // namespace
