#include "app/identity/admin_users.hpp"

#include <map>

#include "app/identity/identity_support.hpp"
#include "domain/identity/account_rules.hpp"
#include "domain/identity/display_name.hpp"
#include "domain/identity/email.hpp"
#include "domain/identity/utf8.hpp"

namespace bookstore::app {
namespace {

using namespace identity_detail;
using domain::AccountState;
using domain::Permission;
using Vars = std::map<std::string, std::string>;

constexpr int kMaxLimit = 200;
constexpr std::size_t kMaxBanReason = 500;

void require(const Principal& actor, Permission permission) {
  if (!domain::role_allows(actor.role, permission)) {
    throw forbidden("missing permission: " + std::string(domain::to_string(permission)));
  }
}

void check_limit(int limit) {
  if (limit < 1 || limit > kMaxLimit) throw field_error("limit", "must be between 1 and 200");
}

// No accidental lock-out: an admin cannot demote, deactivate, ban or delete their own account.
void refuse_self(const Principal& actor, std::int64_t user_id) {
  if (actor.user_id == user_id) throw forbidden("admins cannot change their own role or state");
}

Task<UserRecord> load_target(IdentityDeps deps, std::int64_t user_id) {
  auto user = co_await deps.users.find_by_id(user_id);
  if (!user || user->state == AccountState::kDeleted) throw domain::Error::not_found("user not found");
  co_return std::move(*user);
}

}  // namespace

AdminUsers::AdminUsers(IdentityDeps deps, IdentityConfig config) : deps_(deps), config_(config) {}

Task<std::vector<UserRecord>> AdminUsers::list(Principal actor, UserQuery query) {
  require(actor, Permission::kReadUsers);
  check_limit(query.limit);
  std::vector<UserRecord> users = co_await deps_.users.list(std::move(query));
  for (UserRecord& user : users) user = without_secrets(std::move(user));
  co_return users;
}

Task<UserDetail> AdminUsers::view(Principal actor, std::int64_t user_id, RequestMeta meta) {
  require(actor, Permission::kReadUsers);
  UserRecord user = co_await load_target(deps_, user_id);
  UserDetail detail;
  detail.sessions = co_await deps_.sessions.list_active(user_id, deps_.clock.now());
  detail.user = without_secrets(std::move(user));
  AuditEvent event = user_event("admin.user_viewed", actor.user_id, user_id, meta);
  co_await deps_.audit.record(std::move(event));
  co_return detail;
}

Task<UserRecord> AdminUsers::update(Principal actor, std::int64_t user_id, AdminUserPatch patch,
                                    RequestMeta meta) {
  if (patch.role) require(actor, Permission::kManageRoles);
  if (patch.state || patch.name || !patch.role) require(actor, Permission::kManageUsers);
  if (patch.role || patch.state) refuse_self(actor, user_id);
  if (patch.state && *patch.state != AccountState::kActive && *patch.state != AccountState::kDeactivated) {
    throw field_error("state", "must be active or deactivated");
  }
  std::optional<std::string> name;
  if (patch.name) {
    name = domain::normalize_display_name(*patch.name);
    if (!name) throw field_error("name", "must be 1 to 100 characters, without control characters");
  }
  UserRecord user = co_await load_target(deps_, user_id);
  if (patch.state && *patch.state != user.state && !domain::is_allowed_transition(user.state, *patch.state)) {
    throw domain::Error::conflict("the account is " + std::string(domain::to_string(user.state)) +
                                  " and cannot become " + std::string(domain::to_string(*patch.state)));
  }

  if (name && *name != user.name) {
    Effects effects;
    effects.audit.push_back(user_event("user.updated", actor.user_id, user_id, meta, {{"field", "name"}}));
    std::string new_name = *name;
    co_await deps_.users.update_name(user_id, std::move(new_name), std::move(effects));
  }
  if (patch.role && *patch.role != user.role) {
    Effects effects;
    effects.audit.push_back(user_event("role.changed", actor.user_id, user_id, meta,
                                       {{"from", std::string(domain::to_string(user.role))},
                                        {"to", std::string(domain::to_string(*patch.role))}}));
    co_await deps_.users.set_role(user_id, *patch.role, true, std::move(effects));
  }
  if (patch.state && *patch.state != user.state) {
    const bool deactivating = *patch.state == AccountState::kDeactivated;
    Effects effects;
    if (deactivating) {
      effects.mails.emplace_back(user.email, user.name, "account_deactivated", Vars{{"name", user.name}});
    }
    effects.audit.push_back(user_event("user.state_changed", actor.user_id, user_id, meta,
                                       {{"from", std::string(domain::to_string(user.state))},
                                        {"to", std::string(domain::to_string(*patch.state))}}));
    const std::optional<TimePoint> no_due_date;
    co_await deps_.users.set_state(user_id, *patch.state, no_due_date, deactivating, std::move(effects));
  }
  UserRecord updated = co_await load_target(deps_, user_id);
  co_return without_secrets(std::move(updated));
}

Task<UserRecord> AdminUsers::ban(Principal actor, std::int64_t user_id, std::string reason,
                                 RequestMeta meta) {
  require(actor, Permission::kManageUsers);
  refuse_self(actor, user_id);
  const auto length = domain::utf8_length(reason);
  if (!length || *length > kMaxBanReason) throw field_error("reason", "must be at most 500 characters");
  UserRecord user = co_await load_target(deps_, user_id);
  if (user.banned_at) co_return without_secrets(std::move(user));  // already banned: nothing to audit
  Effects effects;
  effects.audit.push_back(user_event("user.banned", actor.user_id, user_id, meta, {{"reason", reason}}));
  co_await deps_.users.set_banned(user_id, true, std::move(effects));
  UserRecord updated = co_await load_target(deps_, user_id);
  co_return without_secrets(std::move(updated));
}

Task<UserRecord> AdminUsers::unban(Principal actor, std::int64_t user_id, RequestMeta meta) {
  require(actor, Permission::kManageUsers);
  UserRecord user = co_await load_target(deps_, user_id);
  if (!user.banned_at) co_return without_secrets(std::move(user));
  Effects effects;
  effects.audit.push_back(user_event("user.unbanned", actor.user_id, user_id, meta));
  co_await deps_.users.set_banned(user_id, false, std::move(effects));
  UserRecord updated = co_await load_target(deps_, user_id);
  co_return without_secrets(std::move(updated));
}

Task<void> AdminUsers::force_delete(Principal actor, std::int64_t user_id, RequestMeta meta) {
  require(actor, Permission::kManageUsers);
  refuse_self(actor, user_id);
  UserRecord user = co_await load_target(deps_, user_id);
  const std::optional<TimePoint> due = deps_.clock.now();
  Effects effects;
  effects.audit.push_back(user_event("account.force_deleted", actor.user_id, user_id, meta,
                                     {{"from", std::string(domain::to_string(user.state))}}));
  co_await deps_.users.set_state(user_id, AccountState::kPendingDeletion, due, true, std::move(effects));
}

Task<std::vector<SessionRecord>> AdminUsers::sessions(Principal actor, std::int64_t user_id) {
  require(actor, Permission::kReadUsers);
  co_await load_target(deps_, user_id);
  co_return co_await deps_.sessions.list_active(user_id, deps_.clock.now());
}

Task<int> AdminUsers::revoke_sessions(Principal actor, std::int64_t user_id, RequestMeta meta) {
  require(actor, Permission::kManageUsers);
  co_await load_target(deps_, user_id);
  Effects effects;
  effects.audit.push_back(user_event("sessions.revoked", actor.user_id, user_id, meta));
  const std::optional<std::string> no_exception;
  std::string reason = "admin";
  co_return co_await deps_.sessions.revoke_all(user_id, no_exception, std::move(reason), std::move(effects));
}

Task<std::vector<AuditRecord>> AdminUsers::audit(Principal actor, AuditQuery query) {
  require(actor, Permission::kReadAudit);
  check_limit(query.limit);
  co_return co_await deps_.audit.find(std::move(query));
}

Task<void> AdminUsers::resend_verification(Principal actor, std::int64_t user_id, RequestMeta meta) {
  require(actor, Permission::kResendMail);
  UserRecord user = co_await load_target(deps_, user_id);
  if (user.email_verified_at) throw domain::Error::conflict("the email address is already verified");
  co_await send_verification(deps_, config_, std::move(user), actor.user_id, std::move(meta));
}

Task<std::int64_t> AdminUsers::create_admin(std::string email, std::string password, std::string name) {
  const auto fields = validate_new_account(deps_.password_policy, email, name, password);

  NewUser user;
  user.email = fields.email;
  user.name = fields.name;
  user.password_hash = co_await deps_.hasher.hash(std::move(password));
  user.role = domain::Role::kAdmin;
  user.email_verified = true;
  Effects no_effects;
  const std::int64_t id = co_await deps_.users.create_verified(std::move(user), std::move(no_effects));
  // Recorded once the id is known (create_verified fills in no ids); from the command line: no ip.
  const RequestMeta cli;
  AuditEvent event = user_event("admin.created", std::nullopt, id, cli, {{"via", "command_line"}});
  co_await deps_.audit.record(std::move(event));
  co_return id;
}

}  // namespace bookstore::app
