#include "adapters/identity/revocation_set.hpp"

#include <algorithm>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/identity/sql_support.hpp"
#include "adapters/log/log.hpp"
#include "domain/identity/session_id.hpp"

namespace bookstore::identity {

namespace asio = boost::asio;

namespace {

// Sessions revoked recently enough that some of their access tokens may still be valid (served by the
// partial index sessions_revoked_at).
constexpr std::string_view kLoadRevoked = R"SQL(
SELECT id::text, (extract(epoch FROM revoked_at) * 1000000)::bigint
FROM sessions
WHERE revoked_at > now() - $1::bigint * interval '1 second')SQL";

constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kMaxRetry = std::chrono::milliseconds(5000);
constexpr auto kDrainPoll = std::chrono::milliseconds(10);

}  // namespace

// ---- RevokedSessions ----

RevokedSessions::RevokedSessions(RevocationConfig config) : retention_(config.access_ttl + config.leeway) {}

RevokedSessions::Shard& RevokedSessions::shard_for(std::string_view id) const noexcept {
  // The map hashes the whole value again; the shard takes bits the bucket index is unlikely to use.
  return shards_[(Hash{}(id) >> 17) % kShards];
}

bool RevokedSessions::is_revoked(std::string_view session_id) const {
  auto& shard = shard_for(session_id);
  std::shared_lock lock(shard.mutex);
  // An expired entry that was not pruned yet still answers true: harmless, every token of that session
  // has expired anyway.
  return shard.expiry.find(session_id) != shard.expiry.end();
}

void RevokedSessions::add(std::string_view session_id, app::TimePoint revoked_at) {
  auto expires = revoked_at + retention_;
  auto& shard = shard_for(session_id);
  std::unique_lock lock(shard.mutex);
  auto it = shard.expiry.find(session_id);
  if (it == shard.expiry.end()) {
    shard.expiry.emplace(std::string(session_id), expires);
  } else if (it->second < expires) {
    it->second = expires;
  }
}

std::size_t RevokedSessions::prune(app::TimePoint now) {
  std::size_t dropped = 0;
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mutex);
    dropped += std::erase_if(shard.expiry, [&](const auto& entry) { return entry.second < now; });
  }
  return dropped;
}

std::size_t RevokedSessions::size() const {
  std::size_t n = 0;
  for (auto& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    n += shard.expiry.size();
  }
  return n;
}

Task<void> RevokedSessions::load(pg::Pool& pool) {
  auto r = co_await pool.query(kLoadRevoked, static_cast<std::int64_t>(retention_.count()));
  for (int i = 0; i < r.rows(); ++i) add(r.text(i, 0), time_at(r, i, 1));
}

// ---- RevocationFeed ----

// The flags and timers live on one strand; the set and the counters are thread-safe on their own.
struct RevocationFeed::State : std::enable_shared_from_this<RevocationFeed::State> {
  State(asio::any_io_executor ex, pg::Pool& p, RevokedSessions& s, RevocationConfig c)
      : strand(asio::make_strand(ex)), pool(p), set(s), config(c), prune_timer(strand), retry_timer(strand) {}

  asio::strand<asio::any_io_executor> strand;
  pg::Pool& pool;
  RevokedSessions& set;
  RevocationConfig config;
  std::unique_ptr<pg::Listener> listener;
  asio::steady_timer prune_timer;
  asio::steady_timer retry_timer;
  std::atomic<std::uint64_t> loads{0};
  std::atomic<std::uint64_t> notifications{0};
  bool stopped = false;       // strand only
  bool reloading = false;     // strand only: a reload coroutine is running
  bool reload_again = false;  // strand only: a reconnect happened while it ran
  bool pruning = false;       // strand only

  void on_notify(std::string_view payload) {
    // The trigger sends session uuids; anything else on the channel is not ours to trust.
    if (!domain::is_session_id(payload)) return;
    set.add(payload, std::chrono::system_clock::now());
    ++notifications;
  }

  // From the listener's strand, after each (re)connect: LISTEN is active, so a load now covers every
  // revocation the listener may have missed.
  void request_reload() {
    asio::post(strand, [self = shared_from_this()] {
      if (self->stopped) return;
      if (self->reloading) {
        self->reload_again = true;
        return;
      }
      self->reloading = true;
      asio::co_spawn(self->strand, self->reload(), asio::detached);
    });
  }

  Task<void> reload() {
    auto self = shared_from_this();
    auto backoff = kFirstRetry;
    while (!stopped) {
      reload_again = false;
      bool ok = false;
      try {
        co_await set.load(pool);
        ++loads;
        ok = true;
      } catch (const std::exception& e) {
        log::warn("revocations.reload_failed", {{"error", e.what()}, {"retry_ms", backoff.count()}});
      }
      if (stopped || (ok && !reload_again)) break;
      if (!ok) {
        retry_timer.expires_after(backoff);
        boost::system::error_code ec;
        co_await retry_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        backoff = std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxRetry));
      }
    }
    reloading = false;
  }

  Task<void> prune_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      prune_timer.expires_after(config.prune_interval);
      boost::system::error_code ec;
      co_await prune_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped) break;
      auto dropped = set.prune(std::chrono::system_clock::now());
      if (dropped > 0) log::debug("revocations.pruned", {{"dropped", dropped}, {"kept", set.size()}});
    }
    pruning = false;
  }

  // On the strand: listen until stopped, then wait for the other coroutines of the feed.
  Task<void> run() {
    auto self = shared_from_this();
    if (stopped) co_return;
    pruning = true;
    asio::co_spawn(strand, prune_loop(), asio::detached);
    co_await listener->run();
    asio::steady_timer wait(strand);
    while (reloading || pruning) {
      wait.expires_after(kDrainPoll);
      boost::system::error_code ec;
      co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
};

RevocationFeed::RevocationFeed(asio::any_io_executor executor, pg::Pool& pool, std::string listen_conninfo,
                               RevokedSessions& set, RevocationConfig config)
    : state_(std::make_shared<State>(executor, pool, set, config)) {
  // Raw pointer: the listener belongs to the state and calls back only while run() is running, during
  // which start() holds the state.
  State* s = state_.get();
  std::vector<std::string> channels{std::string(kRevocationChannel)};
  state_->listener = std::make_unique<pg::Listener>(
      executor, std::move(listen_conninfo), std::move(channels),
      [s](std::string_view, std::string_view payload) { s->on_notify(payload); },
      [s] { s->request_reload(); });
}

RevocationFeed::~RevocationFeed() {
  stop();
}

Task<void> RevocationFeed::start() {
  auto s = state_;
  try {
    co_await s->set.load(s->pool);
    ++s->loads;
  } catch (const std::exception& e) {
    // Not fatal: the listener's first connect triggers a reload, retried until it succeeds.
    log::warn("revocations.initial_load_failed", {{"error", e.what()}});
  }
  co_await asio::co_spawn(s->strand, s->run(), asio::use_awaitable);
}

void RevocationFeed::stop() {
  asio::post(state_->strand, [s = state_] {
    if (s->stopped) return;
    s->stopped = true;
    s->listener->stop();
    s->prune_timer.cancel();
    s->retry_timer.cancel();
  });
}

std::uint64_t RevocationFeed::loads() const noexcept {
  return state_->loads.load();
}

std::uint64_t RevocationFeed::notifications() const noexcept {
  return state_->notifications.load();
}

}  // namespace bookstore::identity
