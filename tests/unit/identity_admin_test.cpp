// AdminUsers over the in-memory fakes: permission checks per role, no self-lock-out, role and state
// changes, bans, forced deletion, sessions, the audit log and `bookstore admin create`.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/identity_fixture.hpp"

namespace {

using namespace bookstore;
using namespace std::chrono_literals;
using domain::AccountState;
using domain::ErrorCode;
using domain::Role;
using fakes::error_of;
using fakes::has_field;
using fakes::run;

class IdentityAdmin : public fakes::IdentityFixture {
 protected:
  void SetUp() override {
    admin_id = user_with_role("admin@example.com", Role::kAdmin);
    support_id = user_with_role("support@example.com", Role::kSupport);
    target_id = verified_user("target@example.com", kPassword, "Target");
    boss = signed_in("admin@example.com");
    helper = signed_in("support@example.com");
    target = login("target@example.com");
  }

  // Every AdminUsers method, called by `actor` on the target.
  std::vector<std::pair<std::string, std::function<void()>>> every_call(const app::Principal& actor) {
    app::AdminUserPatch role_patch;
    role_patch.role = Role::kSupport;
    app::AdminUserPatch state_patch;
    state_patch.state = AccountState::kDeactivated;
    app::AdminUserPatch empty_patch;
    return {
        {"list", [=, this] { run(admin.list(actor, app::UserQuery{})); }},
        {"view", [=, this] { run(admin.view(actor, target_id, meta())); }},
        {"update role", [=, this] { run(admin.update(actor, target_id, role_patch, meta())); }},
        {"update state", [=, this] { run(admin.update(actor, target_id, state_patch, meta())); }},
        {"update nothing", [=, this] { run(admin.update(actor, target_id, empty_patch, meta())); }},
        {"ban", [=, this] { run(admin.ban(actor, target_id, "spam", meta())); }},
        {"unban", [=, this] { run(admin.unban(actor, target_id, meta())); }},
        {"force_delete", [=, this] { run(admin.force_delete(actor, target_id, meta())); }},
        {"sessions", [=, this] { run(admin.sessions(actor, target_id)); }},
        {"revoke_sessions", [=, this] { run(admin.revoke_sessions(actor, target_id, meta())); }},
        {"audit", [=, this] { run(admin.audit(actor, app::AuditQuery{})); }},
        {"resend_verification", [=, this] { run(admin.resend_verification(actor, target_id, meta())); }},
    };
  }

  std::int64_t admin_id = 0, support_id = 0, target_id = 0;
  app::Principal boss, helper;
  app::TokenPair target;
};

TEST_F(IdentityAdmin, CustomersAndInventoryMayCallNothing) {
  const app::Principal customer = principal(target);
  const std::int64_t stock_id = user_with_role("stock@example.com", Role::kInventory);
  const app::Principal stock = signed_in("stock@example.com");
  ASSERT_NE(stock_id, 0);
  for (const app::Principal& actor : {customer, stock}) {
    for (const auto& [name, call] : every_call(actor)) {
      const domain::Error e = error_of(call);
      EXPECT_EQ(e.code(), ErrorCode::kForbidden) << name;
      EXPECT_EQ(std::string(e.what()).rfind("missing permission: ", 0), 0u) << name << ": " << e.what();
    }
  }
  // Nothing happened to the target.
  const app::UserRecord& user = world.users.must(target_id);
  EXPECT_EQ(user.role, Role::kCustomer);
  EXPECT_EQ(user.state, AccountState::kActive);
  EXPECT_FALSE(user.banned_at.has_value());
  EXPECT_NO_THROW(auth.authenticate(target.access_token));
  EXPECT_FALSE(world.audit.has("admin.user_viewed"));
}

TEST_F(IdentityAdmin, SupportReadsUsersAndResendsMailButManagesNothing) {
  EXPECT_EQ(run(admin.list(helper, app::UserQuery{})).size(), 3u);
  const app::UserDetail detail = run(admin.view(helper, target_id, meta()));
  EXPECT_EQ(detail.user.email, "target@example.com");
  EXPECT_FALSE(detail.user.password_hash.has_value());
  EXPECT_EQ(detail.sessions.size(), 1u);
  EXPECT_EQ(run(admin.sessions(helper, target_id)).size(), 1u);

  const domain::Error ban = error_of([&] { run(admin.ban(helper, target_id, "spam", meta())); });
  EXPECT_EQ(ban.code(), ErrorCode::kForbidden);
  EXPECT_STREQ(ban.what(), "missing permission: manage_users");
  app::AdminUserPatch patch;
  patch.role = Role::kAdmin;
  EXPECT_STREQ(error_of([&] { run(admin.update(helper, target_id, patch, meta())); }).what(),
               "missing permission: manage_roles");
  EXPECT_STREQ(error_of([&] { run(admin.audit(helper, app::AuditQuery{})); }).what(),
               "missing permission: read_audit");
  EXPECT_EQ(error_of([&] { run(admin.revoke_sessions(helper, target_id, meta())); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { run(admin.force_delete(helper, target_id, meta())); }).code(),
            ErrorCode::kForbidden);

  // Resending: only to an unverified account.
  EXPECT_EQ(error_of([&] { run(admin.resend_verification(helper, target_id, meta())); }).code(),
            ErrorCode::kConflict);
  run(auth.register_account("fresh@example.com", kPassword, "Fresh", meta()));
  const std::int64_t fresh = world.users.live_by_email("fresh@example.com")->id;
  const std::size_t mails = world.outbox.with_template("verify_email").size();
  run(admin.resend_verification(helper, fresh, meta()));
  EXPECT_EQ(world.outbox.with_template("verify_email").size(), mails + 1);
  const auto sent = world.audit.events("email.verification_sent");
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().actor_id, support_id);
}

TEST_F(IdentityAdmin, ViewingAUserIsAudited) {
  run(admin.view(boss, target_id, app::RequestMeta{"198.51.100.1", "Console", "req-view"}));
  const auto viewed = world.audit.events("admin.user_viewed");
  ASSERT_EQ(viewed.size(), 1u);
  EXPECT_EQ(viewed[0].actor_id, admin_id);
  EXPECT_EQ(viewed[0].target_id, std::to_string(target_id));
  EXPECT_EQ(viewed[0].ip, "198.51.100.1");
  EXPECT_EQ(viewed[0].request_id, "req-view");
}

TEST_F(IdentityAdmin, AdminsCannotChangeTheirOwnRoleOrState) {
  app::AdminUserPatch demote;
  demote.role = Role::kCustomer;
  const domain::Error e = error_of([&] { run(admin.update(boss, admin_id, demote, meta())); });
  EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  EXPECT_STREQ(e.what(), "admins cannot change their own role or state");
  app::AdminUserPatch deactivate;
  deactivate.state = AccountState::kDeactivated;
  EXPECT_EQ(error_of([&] { run(admin.update(boss, admin_id, deactivate, meta())); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { run(admin.ban(boss, admin_id, "", meta())); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { run(admin.force_delete(boss, admin_id, meta())); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(world.users.must(admin_id).role, Role::kAdmin);
  EXPECT_EQ(world.users.must(admin_id).state, AccountState::kActive);
  // Their own name is fine.
  app::AdminUserPatch rename;
  rename.name = "Chief";
  EXPECT_EQ(run(admin.update(boss, admin_id, rename, meta())).name, "Chief");
}

TEST_F(IdentityAdmin, RoleChangesEndTheSessionsAndAreAudited) {
  app::AdminUserPatch patch;
  patch.role = Role::kInventory;
  const app::UserRecord updated = run(admin.update(boss, target_id, patch, meta()));
  EXPECT_EQ(updated.role, Role::kInventory);
  EXPECT_EQ(error_of([&] { auth.authenticate(target.access_token); }).code(), ErrorCode::kUnauthenticated);
  const auto changed = world.audit.events("role.changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].actor_id, admin_id);
  EXPECT_EQ(changed[0].details.at("from"), "customer");
  EXPECT_EQ(changed[0].details.at("to"), "inventory");
  // The next login carries the new role.
  EXPECT_EQ(signed_in("target@example.com").role, Role::kInventory);
}

TEST_F(IdentityAdmin, StateChangesAreActiveOrDeactivatedOnly) {
  app::AdminUserPatch patch;
  patch.state = AccountState::kPendingDeletion;
  EXPECT_TRUE(has_field(error_of([&] { run(admin.update(boss, target_id, patch, meta())); }), "state"));
  patch.state = AccountState::kDeleted;
  EXPECT_TRUE(has_field(error_of([&] { run(admin.update(boss, target_id, patch, meta())); }), "state"));

  patch.state = AccountState::kDeactivated;
  EXPECT_EQ(run(admin.update(boss, target_id, patch, meta())).state, AccountState::kDeactivated);
  EXPECT_TRUE(world.sessions.is_revoked(target.session_id));
  EXPECT_NE(world.outbox.last("account_deactivated", "target@example.com"), nullptr);
  EXPECT_TRUE(world.audit.has("user.state_changed"));

  patch.state = AccountState::kActive;
  EXPECT_EQ(run(admin.update(boss, target_id, patch, meta())).state, AccountState::kActive);

  // A pending deletion cannot be turned into a deactivation.
  world.users.must(target_id).state = AccountState::kPendingDeletion;
  patch.state = AccountState::kDeactivated;
  EXPECT_EQ(error_of([&] { run(admin.update(boss, target_id, patch, meta())); }).code(),
            ErrorCode::kConflict);
}

TEST_F(IdentityAdmin, BanEndsSessionsAndBlocksLoginUntilUnbanned) {
  const domain::Error long_reason =
      error_of([&] { run(admin.ban(boss, target_id, std::string(501, 'r'), meta())); });
  EXPECT_TRUE(has_field(long_reason, "reason"));
  const app::UserRecord after_ban = run(admin.ban(boss, target_id, std::string(500, 'r'), meta()));
  EXPECT_TRUE(after_ban.banned_at.has_value());  // the account as it is now, without its password hash
  EXPECT_FALSE(after_ban.password_hash.has_value());
  EXPECT_TRUE(world.users.must(target_id).banned_at.has_value());
  EXPECT_EQ(error_of([&] { auth.authenticate(target.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { login("target@example.com"); }).code(), ErrorCode::kForbidden);
  const auto banned = world.audit.events("user.banned");
  ASSERT_EQ(banned.size(), 1u);
  EXPECT_EQ(banned[0].actor_id, admin_id);

  run(admin.ban(boss, target_id, "again", meta()));  // already banned: nothing more
  EXPECT_EQ(world.audit.events("user.banned").size(), 1u);

  EXPECT_FALSE(run(admin.unban(boss, target_id, meta())).banned_at.has_value());
  EXPECT_FALSE(world.users.must(target_id).banned_at.has_value());
  EXPECT_FALSE(world.audit.has("admin.user_viewed"));  // banning is not viewing
  EXPECT_TRUE(world.audit.has("user.unbanned"));
  EXPECT_NO_THROW(login("target@example.com"));
}

TEST_F(IdentityAdmin, ForceDeleteIsDueAtOnceAndTheAccountThenDisappears) {
  run(admin.force_delete(boss, target_id, meta()));
  EXPECT_EQ(world.users.must(target_id).state, AccountState::kPendingDeletion);
  EXPECT_EQ(world.users.must(target_id).deletion_due_at, world.clock.now());
  EXPECT_TRUE(world.sessions.is_revoked(target.session_id));
  EXPECT_TRUE(world.audit.has("account.force_deleted"));

  world.clock.advance(1s);
  EXPECT_EQ(run(world.users.anonymise_due(world.clock.now(), 10)), 1);
  EXPECT_EQ(error_of([&] { run(admin.view(boss, target_id, meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.ban(boss, target_id, "", meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.force_delete(boss, target_id, meta())); }).code(), ErrorCode::kNotFound);
}

TEST_F(IdentityAdmin, UnknownUsersAreNotFound) {
  app::AdminUserPatch patch;
  patch.role = Role::kSupport;
  EXPECT_EQ(error_of([&] { run(admin.view(boss, 9999, meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.update(boss, 9999, patch, meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.sessions(boss, 9999)); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.revoke_sessions(boss, 9999, meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { run(admin.unban(boss, 9999, meta())); }).code(), ErrorCode::kNotFound);
}

TEST_F(IdentityAdmin, RevokeSessionsEndsEveryOneOfThem) {
  const app::TokenPair second = login("target@example.com");
  EXPECT_EQ(run(admin.revoke_sessions(boss, target_id, meta())), 2);
  EXPECT_EQ(error_of([&] { auth.authenticate(target.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { auth.authenticate(second.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(world.audit.has("sessions.revoked"));
  EXPECT_TRUE(run(admin.sessions(boss, target_id)).empty());
}

TEST_F(IdentityAdmin, ListAndAuditValidateTheLimitAndPassQueriesThrough) {
  app::UserQuery users;
  users.limit = 0;
  EXPECT_TRUE(has_field(error_of([&] { run(admin.list(boss, users)); }), "limit"));
  users.limit = 201;
  EXPECT_TRUE(has_field(error_of([&] { run(admin.list(boss, users)); }), "limit"));
  users.limit = 200;
  users.search = "TARGET";
  const auto found = run(admin.list(boss, users));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, target_id);

  app::AuditQuery query;
  query.limit = 201;
  EXPECT_TRUE(has_field(error_of([&] { run(admin.audit(boss, query)); }), "limit"));
  query.limit = 2;
  query.action = "login.";
  const auto events = run(admin.audit(boss, query));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_GT(events[0].id, events[1].id);
  for (const auto& e : events) EXPECT_EQ(e.event.action.rfind("login.", 0), 0u);
}

TEST_F(IdentityAdmin, CreateAdminMakesAVerifiedAdmin) {
  const std::int64_t id = run(admin.create_admin(" Root@Example.com ", "a very good secret", "Root"));
  const app::UserRecord& user = world.users.must(id);
  EXPECT_EQ(user.email, "Root@example.com");
  EXPECT_EQ(user.role, Role::kAdmin);
  EXPECT_TRUE(user.email_verified_at.has_value());
  const auto created = world.audit.events("admin.created");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].target_id, std::to_string(id));
  EXPECT_NO_THROW(login("root@example.com", "a very good secret"));

  EXPECT_EQ(
      error_of([&] { run(admin.create_admin("root@example.com", "another good secret", "Root")); }).code(),
      ErrorCode::kConflict);
  const domain::Error bad = error_of([&] { run(admin.create_admin("nope", "password", "")); });
  EXPECT_TRUE(has_field(bad, "email"));
  EXPECT_TRUE(has_field(bad, "password"));
  EXPECT_TRUE(has_field(bad, "name"));
}

}  // namespace
