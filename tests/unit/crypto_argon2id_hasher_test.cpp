// Argon2id on its bounded pool: correctness of hash/verify/rehash, refusal of weak parameters, and the
// concurrency contract: saturation answers kUnavailable at once, and callers resume on their own
// executor, never on a hashing thread.
#include "adapters/crypto/argon2id_hasher.hpp"

#include <sodium.h>

#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include "domain/error.hpp"

namespace {

using namespace bookstore;
using namespace bookstore::crypto;
namespace net = boost::asio;
using namespace std::chrono_literals;

// Runs one coroutine to completion on a fresh io_context driven by this thread.
template <class T>
T run(Task<T> task) {
  net::io_context ioc;
  auto result = net::co_spawn(ioc, std::move(task), net::use_future);
  ioc.run();
  return result.get();
}

Argon2idConfig small_pool() {
  Argon2idConfig c;
  c.threads = 2;
  c.queue_capacity = 8;
  return c;
}

TEST(Argon2idHasher, HashThenVerifyRoundTrips) {
  Argon2idHasher hasher(small_pool());
  const std::string stored = run(hasher.hash("correct horse battery staple"));
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << stored;
  const app::PasswordVerdict ok = run(hasher.verify(stored, "correct horse battery staple"));
  EXPECT_TRUE(ok.match);
  EXPECT_FALSE(ok.needs_rehash);
  EXPECT_NE(run(hasher.hash("correct horse battery staple")), stored);  // a fresh salt each time
}

TEST(Argon2idHasher, WrongPasswordDoesNotMatch) {
  Argon2idHasher hasher(small_pool());
  const std::string stored = run(hasher.hash("secret"));
  EXPECT_FALSE(run(hasher.verify(stored, "Secret")).match);
  EXPECT_FALSE(run(hasher.verify(stored, "")).match);
  EXPECT_FALSE(run(hasher.verify(stored, "secret ")).match);
  EXPECT_FALSE(run(hasher.verify("not a hash", "secret")).match);
  EXPECT_FALSE(run(hasher.verify("", "secret")).match);
  EXPECT_FALSE(run(hasher.verify(stored + std::string(1, '\0') + "x", "secret")).match);
}

TEST(Argon2idHasher, PasswordsAreBytesWithoutTruncation) {
  Argon2idHasher hasher(small_pool());
  const std::string with_nul("a\0b", 3);
  const std::string stored = run(hasher.hash(with_nul));
  EXPECT_TRUE(run(hasher.verify(stored, with_nul)).match);
  EXPECT_FALSE(run(hasher.verify(stored, "a")).match);
  EXPECT_FALSE(run(hasher.verify(stored, std::string("a\0c", 3))).match);
  const std::string long_password(1000, 'p');
  const std::string long_stored = run(hasher.hash(long_password));
  EXPECT_FALSE(run(hasher.verify(long_stored, std::string(999, 'p') + "q")).match);
  EXPECT_TRUE(run(hasher.verify(long_stored, long_password)).match);
}

TEST(Argon2idHasher, NeedsRehashWhenParametersChange) {
  Argon2idHasher current(small_pool());
  Argon2idConfig stronger = small_pool();
  stronger.iterations = 3;
  Argon2idHasher upgraded(stronger);
  const std::string stored = run(current.hash("pw"));
  const app::PasswordVerdict verdict = run(upgraded.verify(stored, "pw"));
  EXPECT_TRUE(verdict.match);
  EXPECT_TRUE(verdict.needs_rehash);
  EXPECT_FALSE(run(upgraded.verify(run(upgraded.hash("pw")), "pw")).needs_rehash);
  EXPECT_FALSE(run(upgraded.verify(stored, "wrong")).needs_rehash);  // only said of a matching password
}

TEST(Argon2idHasher, Argon2iHashesAreUpgraded) {
  char argon2i[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i, "pw", 2, 3, 19456 * 1024, crypto_pwhash_ALG_ARGON2I13), 0);
  Argon2idHasher hasher(small_pool());
  const app::PasswordVerdict verdict = run(hasher.verify(argon2i, "pw"));
  EXPECT_TRUE(verdict.match);
  EXPECT_TRUE(verdict.needs_rehash);
}

TEST(Argon2idHasher, VerifyDummyDoesTheWork) {
  Argon2idHasher hasher(small_pool());
  EXPECT_NO_THROW(run(hasher.verify_dummy("anything")));
  EXPECT_EQ(hasher.stats().completed, 1u);
}

TEST(Argon2idHasher, RefusesParametersBelowTheMinimum) {
  Argon2idConfig c;
  c.memory_kib = 19455;
  EXPECT_THROW(Argon2idHasher{c}, std::invalid_argument);
  c = {};
  c.iterations = 1;
  EXPECT_THROW(Argon2idHasher{c}, std::invalid_argument);
  c = {};
  c.memory_kib = std::size_t{1} << 50;
  EXPECT_THROW(Argon2idHasher{c}, std::invalid_argument);
}

TEST(Argon2idHasher, SaturationThrowsUnavailableAtOnceAndCallersResumeOnTheirExecutor) {
  Argon2idConfig c;
  c.threads = 1;
  c.queue_capacity = 1;
  Argon2idHasher hasher(c);
  net::io_context ioc;
  auto strand = net::make_strand(ioc);
  const auto io_thread = std::this_thread::get_id();
  constexpr int kCallers = 8;
  int completed = 0, verified = 0, rejected = 0, rejected_before_any_hash_finished = 0, off_executor = 0;
  int saturated_stats_seen = 0;
  for (int i = 0; i < kCallers; ++i) {
    auto caller = [&, i]() -> Task<void> {
      std::string password = "password-" + std::to_string(i);
      try {
        const std::string stored = co_await hasher.hash(password);
        ++completed;
        if (!strand.running_in_this_thread() || std::this_thread::get_id() != io_thread) ++off_executor;
        const app::PasswordVerdict v = co_await hasher.verify(stored, "password-" + std::to_string(i));
        if (v.match) ++verified;
        if (!strand.running_in_this_thread() || std::this_thread::get_id() != io_thread) ++off_executor;
      } catch (const domain::Error& e) {
        EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
        EXPECT_EQ(e.retry_after(), std::chrono::seconds(1));
        ++rejected;
        const PoolStats s = hasher.stats();
        if (s.completed == 0) ++rejected_before_any_hash_finished;
        if (s.completed == 0 && s.in_flight + s.queue_depth == 2) ++saturated_stats_seen;
        if (!strand.running_in_this_thread()) ++off_executor;
      }
    };
    net::co_spawn(strand, caller, net::detached);
  }
  ioc.run();  // returns only once every job's completion has come back (tracked work)

  EXPECT_EQ(completed, 2);  // one running + one waiting
  EXPECT_EQ(verified, 2);
  EXPECT_EQ(rejected, kCallers - 2);
  EXPECT_EQ(rejected_before_any_hash_finished, rejected);  // refused at once, not after waiting
  EXPECT_EQ(saturated_stats_seen, rejected);
  EXPECT_EQ(off_executor, 0);
  const PoolStats s = hasher.stats();
  EXPECT_EQ(s.rejected, static_cast<std::uint64_t>(kCallers - 2));
  EXPECT_EQ(s.completed, 4u);  // 2 hashes + 2 verifies
  EXPECT_EQ(s.in_flight, 0u);
  EXPECT_EQ(s.queue_depth, 0u);
  EXPECT_EQ(s.workers, 1u);
  EXPECT_EQ(s.queue_capacity, 1u);
}

TEST(Argon2idHasher, ResumesOnACallerThreadWhileHashingThreadsWork) {
  // Two io threads, each with its own strand: every caller comes back on its own strand.
  Argon2idHasher hasher(small_pool());
  net::io_context ioc;
  std::atomic<int> done = 0, wrong = 0;
  std::vector<net::strand<net::io_context::executor_type>> strands;
  for (int i = 0; i < 4; ++i) strands.push_back(net::make_strand(ioc));
  for (auto& strand : strands) {
    auto caller = [&hasher, &done, &wrong, strand]() -> Task<void> {
      const std::string stored = co_await hasher.hash("pw");
      if (!strand.running_in_this_thread()) ++wrong;
      ++done;
      (void)stored;
    };
    net::co_spawn(strand, caller, net::detached);
  }
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
