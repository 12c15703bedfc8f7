#pragma once
// The revoked-session set that authenticate() consults on every request (app::RevocationSet), and the
// feed that keeps it current from PostgreSQL:
//
//   identity::RevokedSessions revoked({.access_ttl = cfg.access_token_ttl});
//   identity::RevocationFeed feed(io.get_executor(), pool, cfg.database_url, revoked);
//   co_spawn(io, feed.start(), detached);   // loads, then listens until stop()
//   ... feed.stop();
//
// An entry only has to outlive the access tokens of its session: a token issued before the revocation
// expires at most access_ttl later, and no token is issued after it (refresh fails on a revoked
// session). Entries therefore expire at revoked_at + access_ttl + leeway (clock skew between the
// database, this host and the token's iat) and are pruned periodically.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>

#include "adapters/pg/pool.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/session_store.hpp"
#include "app/task.hpp"

namespace bookstore::identity {

// Channel of the sessions trigger (migrations/0003_identity.sql); the payload is the session id.
inline constexpr std::string_view kRevocationChannel = "bookstore_revocations";

struct RevocationConfig {
  std::chrono::seconds access_ttl{15 * 60};  // BOOKSTORE_ACCESS_TOKEN_TTL_S
  std::chrono::seconds leeway{60};
  std::chrono::seconds prune_interval{60};  // how often the feed drops expired entries
};

// Thread-safe. is_revoked() takes a shared lock on one of 16 shards (chosen by a hash of the id), so
// request threads never wait for each other and rarely for a writer.
class RevokedSessions final : public app::RevocationSet {
 public:
  explicit RevokedSessions(RevocationConfig config = {});

  bool is_revoked(std::string_view session_id) const override;

  // Remembers the session until revoked_at + access_ttl + leeway (a later expiry wins over an earlier).
  void add(std::string_view session_id, app::TimePoint revoked_at);
  // Drops the entries that expired before `now`; returns how many.
  std::size_t prune(app::TimePoint now);
  std::size_t size() const;
  // access_ttl + leeway: how long an entry lasts, and how far back load() looks.
  std::chrono::seconds retention() const noexcept { return retention_; }

  // Adds every session revoked within retention() (by the database's clock). Only adds: ids learnt from
  // notifications of deleted sessions (which a query cannot find any more) stay.
  Task<void> load(pg::Pool& pool);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, app::TimePoint, Hash, std::equal_to<>> expiry;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_for(std::string_view id) const noexcept;

  std::chrono::seconds retention_;
  mutable std::array<Shard, kShards> shards_;
};

// Keeps a RevokedSessions current: a pg::Listener on kRevocationChannel adds each notified session
// (expiry counted from now), and the set is reloaded from the database at start and whenever the
// listener (re)connects, since notifications sent while it was away are lost. A failed reload is retried
// with backoff (100 ms doubling to 5 s) until it succeeds or the feed stops.
class RevocationFeed {
 public:
  // `pool` and `set` must outlive start()'s return. listen_conninfo: libpq URL for the LISTEN
  // connection (the database URL; it is a dedicated connection outside the pool).
  RevocationFeed(boost::asio::any_io_executor executor, pg::Pool& pool, std::string listen_conninfo,
                 RevokedSessions& set, RevocationConfig config = {});
  ~RevocationFeed();
  RevocationFeed(const RevocationFeed&) = delete;
  RevocationFeed& operator=(const RevocationFeed&) = delete;

  // Loads the set (a failure is logged; the reload on connect retries), then listens and prunes until
  // stop(); returns once the listener, the pruning and any reload in flight have finished. Call once.
  Task<void> start();
  // Thread-safe and idempotent.
  void stop();

  // Completed loads (initial and reloads), for tests and logs.
  std::uint64_t loads() const noexcept;
  // Notifications received.
  std::uint64_t notifications() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace bookstore::identity
