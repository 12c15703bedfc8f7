#pragma once
// Identity assembled from its adapters: keys, token codec, hasher, secrets, the PostgreSQL stores, the
// revocation feed and the use cases. main.cpp makes one per process (serve, worker, admin create) so the
// wiring lives in one place instead of once per command.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json_fwd.hpp>

#include "app/task.hpp"

namespace bookstore::config {
struct Config;
}
namespace bookstore::pg {
class Pool;
}
namespace bookstore::jobs {
class Worker;
}
namespace bookstore::metrics {
class Registry;
}
namespace bookstore::app {
class AuthService;
class AccountService;
class AdminUsers;
class UserStore;
class Secrets;
}  // namespace bookstore::app

namespace bookstore::wiring {

class IdentityModule {
 public:
  enum class Keys {
    kConfigured,  // serve/worker: the configured keys are required (std::invalid_argument without them)
    kEphemeral,   // commands that sign, seal and digest nothing that outlives them (admin create): fresh
                  // keys, whatever is configured
  };
  // Throws std::invalid_argument (naming the variable, never showing key material) or std::runtime_error
  // (unreadable common-password list).
  IdentityModule(const config::Config& cfg, pg::Pool& pool, boost::asio::any_io_executor executor, Keys keys,
                 metrics::Registry* metrics = nullptr);
  ~IdentityModule();
  IdentityModule(const IdentityModule&) = delete;
  IdentityModule& operator=(const IdentityModule&) = delete;

  app::AuthService& auth();
  app::AccountService& accounts();
  app::AdminUsers& admin_users();
  app::UserStore& users();
  // Random tokens and the keyed digest (keyed by the local key, so the same on every instance); the
  // catalog signs its cursors with it.
  app::Secrets& secrets();
  // {"keys": [{"kid": "k4.pid...", "paserk": "k4.public..."}]}: GET /.well-known/paserk
  nlohmann::json published_keys() const;

  // For the test route /_test/identity/anonymise-now: makes the pending deletion of the account with this
  // email due now, then runs the anonymisation job's work; returns how many accounts were anonymised.
  Task<int> anonymise_now(std::string email);

  // The mail.send handler (SMTP) and the account lifecycle's periodic jobs.
  void register_jobs(jobs::Worker& worker);

  // Loads the revoked sessions and then follows LISTEN/NOTIFY until stop_revocation_feed(). Until the
  // first load has succeeded every access token is refused (fail closed: a token revoked moments before a
  // restart must not work on the new process).
  Task<void> run_revocation_feed();
  void stop_revocation_feed();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace bookstore::wiring
