// Query parameters of the admin lists: values, defaults, and a 422 naming each bad parameter.
#include <gtest/gtest.h>

#include "adapters/http/json_dto.hpp"
#include "adapters/http/request.hpp"

namespace {

using namespace bookstore;

http::Request get(std::string target) {
  return http::Request(http::BeastRequest{http::bhttp::verb::get, target, 11});
}

std::vector<std::string> bad_parameters(const std::function<void()>& f) {
  std::vector<std::string> names;
  try {
    f();
    ADD_FAILURE() << "no validation error";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kValidation);
    for (const auto& field : e.fields()) names.push_back(field.field);
  }
  return names;
}

TEST(HttpIdentityQuery, UserQueryDefaults) {
  auto req = get("/api/v1/admin/users");
  auto q = http::user_query_from(req);
  EXPECT_FALSE(q.search);
  EXPECT_FALSE(q.role);
  EXPECT_FALSE(q.state);
  EXPECT_FALSE(q.banned);
  EXPECT_FALSE(q.after_id);
  EXPECT_EQ(q.limit, 50);
}

TEST(HttpIdentityQuery, UserQueryValues) {
  auto req =
      get("/api/v1/admin/users?q=ann+b%40x&role=support&state=deactivated&banned=true&cursor=120&limit=200");
  auto q = http::user_query_from(req);
  EXPECT_EQ(q.search, "ann b@x");
  EXPECT_EQ(q.role, domain::Role::kSupport);
  EXPECT_EQ(q.state, domain::AccountState::kDeactivated);
  EXPECT_EQ(q.banned, true);
  EXPECT_EQ(q.after_id, 120);
  EXPECT_EQ(q.limit, 200);
  // Empty values are no filter.
  auto empty = get("/api/v1/admin/users?q=&role=&banned=false&limit=1");
  q = http::user_query_from(empty);
  EXPECT_FALSE(q.search);
  EXPECT_FALSE(q.role);
  EXPECT_EQ(q.banned, false);
  EXPECT_EQ(q.limit, 1);
}

TEST(HttpIdentityQuery, UserQueryNamesEveryBadParameter) {
  auto req = get("/api/v1/admin/users?role=root&state=asleep&banned=yes&cursor=-3&limit=201");
  EXPECT_EQ(bad_parameters([&] { http::user_query_from(req); }),
            (std::vector<std::string>{"role", "state", "banned", "cursor", "limit"}));
  for (auto limit : {"0", "abc", "1.5", "-1", "50x", "99999999999"}) {
    auto r = get(std::string("/api/v1/admin/users?limit=") + limit);
    EXPECT_EQ(bad_parameters([&] { http::user_query_from(r); }), std::vector<std::string>{"limit"}) << limit;
  }
  auto long_q = get("/api/v1/admin/users?q=" + std::string(201, 'a'));
  EXPECT_EQ(bad_parameters([&] { http::user_query_from(long_q); }), std::vector<std::string>{"q"});
}

TEST(HttpIdentityQuery, AuditQueryValues) {
  auto req =
      get("/api/v1/admin/audit?actor=5&target_type=user&target=7&action=login.&from=2025-03-01T00:00:00Z"
          "&to=2025-03-02T00:00:00%2B01:00&cursor=900&limit=10");
  auto q = http::audit_query_from(req);
  EXPECT_EQ(q.actor_id, 5);
  EXPECT_EQ(q.target_type, "user");
  EXPECT_EQ(q.target_id, "7");
  EXPECT_EQ(q.action, "login.");
  ASSERT_TRUE(q.from && q.to);
  EXPECT_EQ(*q.to - *q.from, std::chrono::hours(23));
  EXPECT_EQ(q.before_id, 900);
  EXPECT_EQ(q.limit, 10);
}

TEST(HttpIdentityQuery, AuditQueryNamesEveryBadParameter) {
  auto req = get("/api/v1/admin/audit?actor=me&from=yesterday&to=2025-13-01T00:00:00Z&cursor=0&limit=0");
  EXPECT_EQ(bad_parameters([&] { http::audit_query_from(req); }),
            (std::vector<std::string>{"actor", "from", "to", "cursor", "limit"}));
  auto reversed = get("/api/v1/admin/audit?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z");
  EXPECT_EQ(bad_parameters([&] { http::audit_query_from(reversed); }), std::vector<std::string>{"to"});
}

}  // namespace
