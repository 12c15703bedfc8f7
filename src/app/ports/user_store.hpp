#pragma once
// Users as the identity use cases see them (the pg adapter implements it over the users table).
// Reads see live accounts only (deleted_at IS NULL) unless a method says otherwise. Every mutation
// writes its Effects (mails, audit rows) in its own transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/audit_log.hpp"
#include "app/ports/clock.hpp"
#include "app/task.hpp"
#include "domain/identity/account.hpp"

namespace bookstore::app {

struct UserRecord {
  std::int64_t id = 0;
  std::string email;  // normalised
  std::string name;
  std::optional<std::string> password_hash;  // nullopt once anonymised
  domain::Role role = domain::Role::kCustomer;
  domain::AccountState state = domain::AccountState::kActive;
  std::optional<TimePoint> email_verified_at;
  std::optional<TimePoint> banned_at;
  int failed_logins = 0;  // consecutive, reset by a successful login
  std::optional<TimePoint> locked_until;
  std::optional<TimePoint> deletion_due_at;  // pending_deletion: when the anonymisation job may run
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct NewUser {
  std::string email;  // normalised
  std::string name;
  std::string password_hash;
  domain::Role role = domain::Role::kCustomer;
  bool email_verified = false;  // true only for `bookstore admin create`
};

struct NewOneTimeToken;  // one_time_tokens.hpp

struct RegisterOutcome {
  bool created = false;
  std::int64_t user_id = 0;  // when created
};

// Which sessions a change ends.
enum class EndSessions { kNone, kAll, kAllExcept };

struct UserQuery {
  std::optional<std::string> search;  // substring of email or name, case-insensitive
  std::optional<domain::Role> role;
  std::optional<domain::AccountState> state;
  std::optional<bool> banned;
  std::optional<std::int64_t> after_id;  // keyset cursor: ids greater than this, ascending
  int limit = 50;                        // 1..200
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  virtual Task<std::optional<UserRecord>> find_by_id(std::int64_t id) = 0;
  virtual Task<std::optional<UserRecord>> find_by_email(std::string email) = 0;
  virtual Task<std::vector<UserRecord>> list(UserQuery query) = 0;

  // Inserts the user, its verification token and `if_created` (with the new id filled into audit
  // events whose target_id is empty). When a live account already has the email, inserts nothing and
  // writes `if_taken` instead (the "someone tried to register with your address" mail).
  virtual Task<RegisterOutcome> create(NewUser user, NewOneTimeToken verification, Effects if_created,
                                       Effects if_taken) = 0;
  // For `bookstore admin create`: a verified user without a verification token; kConflict when taken.
  virtual Task<std::int64_t> create_verified(NewUser user, Effects effects) = 0;

  // Atomically adds one to failed_logins and returns the new count.
  virtual Task<int> add_failed_login(std::int64_t id, Effects effects) = 0;
  virtual Task<void> set_locked_until(std::int64_t id, TimePoint until) = 0;
  // Resets failed_logins and locked_until; stores new_password_hash when set (rehash on login).
  virtual Task<void> record_login(std::int64_t id, std::optional<std::string> new_password_hash,
                                  Effects effects) = 0;

  virtual Task<void> update_name(std::int64_t id, std::string name, Effects effects) = 0;
  // Ends sessions as asked (keep_session_id for kAllExcept).
  virtual Task<void> set_password(std::int64_t id, std::string password_hash, EndSessions end,
                                  std::optional<std::string> keep_session_id, Effects effects) = 0;
  // State changes; deletion_due_at is set for kPendingDeletion and cleared otherwise. Ends every
  // session when end_sessions.
  virtual Task<void> set_state(std::int64_t id, domain::AccountState state,
                               std::optional<TimePoint> deletion_due_at, bool end_sessions,
                               Effects effects) = 0;
  virtual Task<void> set_role(std::int64_t id, domain::Role role, bool end_sessions, Effects effects) = 0;
  virtual Task<void> set_banned(std::int64_t id, bool banned, Effects effects) = 0;  // ban ends sessions
  // kConflict when another live account has new_email.
  virtual Task<void> set_email(std::int64_t id, std::string new_email, Effects effects) = 0;

  // The anonymisation job: accounts in pending_deletion whose due date is before `now`, at most
  // `limit`; each becomes deleted (email/name replaced, password hash removed, sessions and tokens
  // deleted, deleted_at set) in its own transaction with an "account.anonymised" audit row. Orders and
  // invoices are not touched. Returns how many were anonymised.
  virtual Task<int> anonymise_due(TimePoint now, int limit) = 0;
  // The purge job: anonymised accounts whose deleted_at is before `cutoff` and that nothing kept for the
  // legal retention period refers to any more are removed. Returns how many.
  virtual Task<int> purge_anonymised(TimePoint cutoff, int limit) = 0;
};

}  // namespace bookstore::app
