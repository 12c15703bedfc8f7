#include "adapters/wiring/identity_module.hpp"

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "adapters/config/common_passwords.hpp"
#include "adapters/config/config.hpp"
#include "adapters/crypto/access_token_codec.hpp"
#include "adapters/crypto/argon2id_hasher.hpp"
#include "adapters/crypto/key_ring.hpp"
#include "adapters/crypto/payload_sealer.hpp"
#include "adapters/crypto/sodium_secrets.hpp"
#include "adapters/crypto/verified_token_cache.hpp"
#include "adapters/identity/identity_cleanup.hpp"
#include "adapters/identity/identity_jobs.hpp"
#include "adapters/identity/pg_audit_log.hpp"
#include "adapters/identity/pg_one_time_token_store.hpp"
#include "adapters/identity/pg_session_store.hpp"
#include "adapters/identity/pg_user_store.hpp"
#include "adapters/identity/revocation_set.hpp"
#include "adapters/jobs/worker.hpp"
#include "adapters/mail/mail_jobs.hpp"
#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/pool.hpp"
#include "adapters/wiring/system_clock.hpp"
#include "app/identity/account_service.hpp"
#include "app/identity/admin_users.hpp"
#include "app/identity/auth_service.hpp"
#include "domain/identity/password_policy.hpp"

namespace bookstore::wiring {
namespace {

// Refuses every token until the feed has loaded the revoked sessions once: see run_revocation_feed().
class GatedRevocations final : public app::RevocationSet {
 public:
  GatedRevocations(const identity::RevokedSessions& set, const identity::RevocationFeed& feed)
      : set_(set), feed_(feed) {}
  bool is_revoked(std::string_view session_id) const override {
    return feed_.loads() == 0 || set_.is_revoked(session_id);
  }

 private:
  const identity::RevokedSessions& set_;
  const identity::RevocationFeed& feed_;
};

crypto::KeyRing key_ring(const config::Config& cfg, IdentityModule::Keys keys) {
  if (keys == IdentityModule::Keys::kEphemeral) {
    return crypto::KeyRing{crypto::SecretKey::generate(), {}, crypto::LocalKey::generate()};
  }
  if (cfg.token_signing_key.empty())
    throw std::invalid_argument(
        "BOOKSTORE_TOKEN_SIGNING_KEY is not set (a k4.secret PASERK or a file holding one; "
        "`bookstore keys generate DIR` makes one, make run does it under var/)");
  if (cfg.local_key.empty())
    throw std::invalid_argument("BOOKSTORE_LOCAL_KEY is not set (a k4.local PASERK or a file holding one)");
  return crypto::load_key_ring({cfg.token_signing_key, cfg.token_verify_keys, cfg.local_key});
}

app::IdentityConfig identity_config(const config::Config& cfg) {
  app::IdentityConfig c;
  c.access_ttl = cfg.access_token_ttl;
  c.refresh_idle = std::chrono::duration_cast<std::chrono::seconds>(cfg.refresh_idle);
  c.refresh_absolute = std::chrono::duration_cast<std::chrono::seconds>(cfg.refresh_absolute);
  c.refresh_reuse_grace = cfg.refresh_reuse_grace;
  c.deletion_grace = std::chrono::duration_cast<std::chrono::seconds>(cfg.deletion_grace);
  c.lockout_threshold = cfg.lockout_threshold;
  c.lockout_base = cfg.lockout_base;
  c.lockout_max = cfg.lockout_max;
  return c;
}

Task<void> enqueue_sealed_mail(pg::Connection& tx, const app::OutgoingMail& mail,
                               const mail::PayloadSealer& sealer) {
  co_await mail::enqueue_mail(tx, mail, sealer);
}

}  // namespace

struct IdentityModule::Parts {
  Parts(const config::Config& cfg, pg::Pool& pool, boost::asio::any_io_executor executor, Keys keys,
        metrics::Registry* metrics)
      : keys(key_ring(cfg, keys)),
        codec(crypto::AccessTokenConfig{cfg.token_issuer, cfg.token_audience, this->keys.signing_key,
                                        this->keys.verification_keys}),
        token_cache(codec),
        secrets(this->keys.local_key),
        payload_sealer(this->keys.local_key),
        hasher(crypto::Argon2idConfig{cfg.argon2_memory_kib, cfg.argon2_iterations, cfg.hash_threads,
                                      cfg.hash_queue}),
        policy(config::load_common_passwords(cfg.common_passwords_file)),
        revoked(identity::RevocationConfig{cfg.access_token_ttl}),
        feed(executor, pool, cfg.database_url, revoked, identity::RevocationConfig{cfg.access_token_ttl}),
        gate(revoked, feed),
        sealer([this](std::string_view plain) { return payload_sealer.seal(plain); },
               [this](std::string_view sealed) { return payload_sealer.open(sealed); }),
        outbox([this](pg::Connection& tx, const app::OutgoingMail& m) {
          return enqueue_sealed_mail(tx, m, sealer);
        }),
        users(pool, outbox),
        sessions(pool, outbox),
        tokens(pool, outbox),
        audit(pool),
        deps{users, sessions, tokens, audit, hasher, token_cache, gate, secrets, clock, policy},
        auth(deps, identity_config(cfg)),
        accounts(deps, identity_config(cfg)),
        admin(deps, identity_config(cfg)),
        pool(pool),
        cfg(cfg),
        metrics(metrics) {}

  crypto::KeyRing keys;
  crypto::AccessTokenCodec codec;
  crypto::VerifiedTokenCache token_cache;
  crypto::SodiumSecrets secrets;
  crypto::PayloadSealer payload_sealer;
  crypto::Argon2idHasher hasher;
  domain::PasswordPolicy policy;
  SystemClock clock;
  identity::RevokedSessions revoked;
  identity::RevocationFeed feed;
  GatedRevocations gate;
  mail::PayloadSealer sealer;
  identity::MailOutbox outbox;
  identity::PgUserStore users;
  identity::PgSessionStore sessions;
  identity::PgOneTimeTokenStore tokens;
  identity::PgAuditLog audit;
  app::IdentityDeps deps;
  app::AuthService auth;
  app::AccountService accounts;
  app::AdminUsers admin;
  pg::Pool& pool;
  const config::Config& cfg;
  metrics::Registry* metrics;
};

IdentityModule::IdentityModule(const config::Config& cfg, pg::Pool& pool,
                               boost::asio::any_io_executor executor, Keys keys, metrics::Registry* metrics)
    : parts_(std::make_unique<Parts>(cfg, pool, executor, keys, metrics)) {
  if (metrics) {
    auto* p = parts_.get();
    auto one = [](double v) { return metrics::Registry::GaugeSamples{{metrics::Labels{}, v}}; };
    metrics->gauge("bookstore_password_hash_queue_depth", "password hashes waiting for a hashing thread", {},
                   [p, one] { return one(static_cast<double>(p->hasher.stats().queue_depth)); });
    metrics->gauge("bookstore_password_hash_rejected",
                   "password hashes refused with 503 since start because the hashing pool was saturated", {},
                   [p, one] { return one(static_cast<double>(p->hasher.stats().rejected)); });
    metrics->gauge("bookstore_revoked_sessions", "revoked sessions held in memory by this instance", {},
                   [p, one] { return one(static_cast<double>(p->revoked.size())); });
  }
}

IdentityModule::~IdentityModule() = default;

app::AuthService& IdentityModule::auth() {
  return parts_->auth;
}
app::AccountService& IdentityModule::accounts() {
  return parts_->accounts;
}
app::AdminUsers& IdentityModule::admin_users() {
  return parts_->admin;
}
app::UserStore& IdentityModule::users() {
  return parts_->users;
}

app::Secrets& IdentityModule::secrets() {
  return parts_->secrets;
}

nlohmann::json IdentityModule::published_keys() const {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : parts_->codec.published_keys()) keys.push_back({{"kid", k.kid}, {"paserk", k.paserk}});
  nlohmann::json out;
  out["keys"] = std::move(keys);
  return out;
}

void IdentityModule::register_jobs(jobs::Worker& worker) {
  const auto& cfg = parts_->cfg;
  mail::MailJobConfig mc;
  mc.smtp.url = cfg.smtp_url;
  mc.smtp.username = cfg.smtp_username;
  mc.smtp.password = cfg.smtp_password;
  mc.smtp.from = cfg.mail_from;
  if (cfg.smtp_require_tls) mc.smtp.require_tls = true;
  mc.templates.public_base_url = cfg.public_base_url;
  mc.sealer = parts_->sealer;
  mail::register_mail_jobs(worker, mc, parts_->metrics);
  identity::IdentityJobsConfig jc;
  jc.retention = cfg.order_retention;
  identity::register_identity_jobs(worker, parts_->users, jc);
  identity::register_identity_cleanup(worker, parts_->pool);
}

Task<int> IdentityModule::anonymise_now(std::string email) {
  co_await parts_->pool.query(
      "UPDATE users SET deletion_due_at = now() WHERE lower(email) = lower($1) AND state = "
      "'pending_deletion' "
      "AND deleted_at IS NULL",
      email);
  co_return co_await identity::anonymise_all_due(parts_->users, std::chrono::system_clock::now(), 100);
}

Task<void> IdentityModule::run_revocation_feed() {
  // start() loads, then listens; the gate opens once a load has succeeded (start's own, or the
  // listener's reload after connecting when the database was not there yet).
  co_await parts_->feed.start();
}

void IdentityModule::stop_revocation_feed() {
  parts_->feed.stop();
}

}  // namespace bookstore::wiring
