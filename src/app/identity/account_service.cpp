#include "app/identity/account_service.hpp"

#include <map>

#include "app/identity/identity_support.hpp"
#include "domain/identity/display_name.hpp"
#include "domain/identity/email.hpp"

namespace bookstore::app {
namespace {

using namespace identity_detail;
using domain::AccountState;
using Vars = std::map<std::string, std::string>;

constexpr int kExportAuditLimit = 200;

}  // namespace

AccountService::AccountService(IdentityDeps deps, IdentityConfig config) : deps_(deps), config_(config) {}

Task<UserRecord> AccountService::me(Principal principal) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_return without_secrets(std::move(user));
}

Task<UserRecord> AccountService::update_profile(Principal principal, ProfilePatch patch, RequestMeta meta) {
  if (!patch.protected_fields.empty()) {
    std::vector<domain::FieldError> fields;
    for (const std::string& field : patch.protected_fields) {
      fields.push_back(domain::FieldError{field, "cannot be changed by the account owner"});
    }
    throw domain::Error(domain::ErrorCode::kForbidden, "some fields cannot be changed by the account owner",
                        std::move(fields));
  }
  std::optional<std::string> name;
  if (patch.name) {
    name = domain::normalize_display_name(*patch.name);
    if (!name) throw field_error("name", "must be 1 to 100 characters, without control characters");
  }
  UserRecord user = co_await load_self(deps_, principal.user_id);
  if (name && *name != user.name) {
    Effects effects;
    effects.audit.push_back(
        user_event("profile.updated", principal.user_id, user.id, meta, {{"field", "name"}}));
    std::string new_name = *name;
    co_await deps_.users.update_name(user.id, std::move(new_name), std::move(effects));
    user = co_await load_self(deps_, principal.user_id);
  }
  co_return without_secrets(std::move(user));
}

Task<void> AccountService::change_password(Principal principal, std::string current_password,
                                           std::string new_password, bool end_other_sessions,
                                           RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(current_password), "current_password", meta);
  if (auto problem = deps_.password_policy.problem(new_password, user.email)) {
    throw field_error("new_password", *problem);
  }
  std::string password_hash = co_await deps_.hasher.hash(std::move(new_password));
  Effects effects;
  effects.mails.emplace_back(user.email, user.name, "password_changed", Vars{{"name", user.name}});
  effects.audit.push_back(user_event("password.changed", principal.user_id, user.id, meta,
                                     {{"ended_other_sessions", end_other_sessions ? "true" : "false"}}));
  const EndSessions end = end_other_sessions ? EndSessions::kAllExcept : EndSessions::kNone;
  std::optional<std::string> keep;
  if (end_other_sessions) keep = principal.session_id;
  co_await deps_.users.set_password(user.id, std::move(password_hash), end, std::move(keep),
                                    std::move(effects));
}

Task<void> AccountService::request_email_change(Principal principal, std::string password,
                                                std::string new_email, RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(password), "password", meta);
  const auto normalized = domain::normalize_email(new_email);
  if (!normalized) throw field_error("new_email", "must be a valid email address");
  if (domain::same_email(*normalized, user.email))
    throw field_error("new_email", "is already the address of the account");

  // An address taken by another account gets nothing, and the answer is the same: no enumeration of
  // registered addresses through this call (the change would fail at verification anyway).
  std::string address = *normalized;
  const auto taken = co_await deps_.users.find_by_email(std::move(address));
  if (taken) co_return;

  auto issued = code_and_link(deps_, config_, user.id, TokenPurpose::kChangeEmail, *normalized, user.name,
                              "email_change_verify");
  Effects effects;
  effects.mails.push_back(std::move(issued.mail));
  effects.audit.push_back(user_event("email.change_requested", principal.user_id, user.id, meta,
                                     {{"new_email", domain::mask_email(*normalized)}}));
  co_await deps_.tokens.issue(std::move(issued.token), std::move(effects));
}

Task<std::vector<SessionRecord>> AccountService::sessions(Principal principal) {
  co_return co_await deps_.sessions.list_active(principal.user_id, deps_.clock.now());
}

Task<void> AccountService::revoke_session(Principal principal, std::string session_id, RequestMeta meta) {
  Effects effects;
  effects.audit.push_back(user_event("session.revoked", principal.user_id, principal.user_id, meta,
                                     {{"session_id", session_id}}));
  std::string reason = "revoked_by_user";
  // The store's user_id guard makes another user's session look like a missing one: 404 either way.
  const bool revoked = co_await deps_.sessions.revoke(std::move(session_id), principal.user_id,
                                                      std::move(reason), std::move(effects));
  if (!revoked) throw domain::Error::not_found("session not found");
}

Task<int> AccountService::revoke_all_sessions(Principal principal, RequestMeta meta) {
  Effects effects;
  effects.audit.push_back(user_event("logout_all", principal.user_id, principal.user_id, meta));
  const std::optional<std::string> no_exception;
  std::string reason = "logout_all";
  co_return co_await deps_.sessions.revoke_all(principal.user_id, no_exception, std::move(reason),
                                               std::move(effects));
}

Task<void> AccountService::deactivate(Principal principal, std::string password, RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(password), "password", meta);
  if (user.state != AccountState::kActive)
    throw domain::Error::conflict("only an active account can be deactivated");
  Effects effects;
  effects.mails.emplace_back(user.email, user.name, "account_deactivated", Vars{{"name", user.name}});
  effects.audit.push_back(user_event("account.deactivated", principal.user_id, user.id, meta));
  const std::optional<TimePoint> no_due_date;
  co_await deps_.users.set_state(user.id, AccountState::kDeactivated, no_due_date, true, std::move(effects));
}

Task<void> AccountService::reactivate(Principal principal, std::string password, RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(password), "password", meta);
  if (user.state != AccountState::kDeactivated)
    throw domain::Error::conflict("the account is not deactivated");
  Effects effects;
  effects.audit.push_back(user_event("account.reactivated", principal.user_id, user.id, meta));
  const std::optional<TimePoint> no_due_date;
  co_await deps_.users.set_state(user.id, AccountState::kActive, no_due_date, false, std::move(effects));
}

Task<TimePoint> AccountService::request_deletion(Principal principal, std::string password,
                                                 RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(password), "password", meta);
  if (user.state == AccountState::kPendingDeletion)
    throw domain::Error::conflict("the account is already pending deletion");
  if (user.state != AccountState::kActive) {
    throw domain::Error::conflict("only an active account can be deleted; reactivate it first");
  }
  const TimePoint due = deps_.clock.now() + config_.deletion_grace;
  Effects effects;
  effects.mails.emplace_back(user.email, user.name, "deletion_scheduled",
                             Vars{{"name", user.name}, {"due_date", format_date(due)}});
  effects.audit.push_back(user_event("account.deletion_requested", principal.user_id, user.id, meta,
                                     {{"due_date", format_date(due)}}));
  const std::optional<TimePoint> due_date = due;
  co_await deps_.users.set_state(user.id, AccountState::kPendingDeletion, due_date, true, std::move(effects));
  co_return due;
}

Task<void> AccountService::cancel_deletion(Principal principal, std::string password, RequestMeta meta) {
  UserRecord user = co_await load_self(deps_, principal.user_id);
  co_await require_password(deps_, config_, user, std::move(password), "password", meta);
  if (user.state != AccountState::kPendingDeletion)
    throw domain::Error::conflict("the account is not pending deletion");
  Effects effects;
  effects.mails.emplace_back(user.email, user.name, "deletion_cancelled", Vars{{"name", user.name}});
  effects.audit.push_back(user_event("account.deletion_cancelled", principal.user_id, user.id, meta));
  const std::optional<TimePoint> no_due_date;
  co_await deps_.users.set_state(user.id, AccountState::kActive, no_due_date, false, std::move(effects));
}

Task<AccountExport> AccountService::export_data(Principal principal) {
  AccountExport out;
  UserRecord user = co_await load_self(deps_, principal.user_id);
  out.user = without_secrets(std::move(user));
  out.sessions = co_await deps_.sessions.list_active(principal.user_id, deps_.clock.now());
  AuditQuery query;
  query.target_type = "user";
  query.target_id = std::to_string(principal.user_id);
  query.limit = kExportAuditLimit;
  out.security_events = co_await deps_.audit.find(std::move(query));
  co_return out;
}

}  // namespace bookstore::app
