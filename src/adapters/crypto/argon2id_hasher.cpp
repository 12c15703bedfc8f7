#include "adapters/crypto/argon2id_hasher.hpp"

#include <sodium.h>

#include <array>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "adapters/crypto/secure_bytes.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto {
namespace {

constexpr std::string_view kArgon2idPrefix = crypto_pwhash_argon2id_STRPREFIX;

Argon2idConfig checked(Argon2idConfig c) {
  ensure_sodium();
  if (c.memory_kib < Argon2idConfig::kMinMemoryKib) {
    throw std::invalid_argument(fmt::format("argon2id memory {} KiB is below the minimum of {} KiB",
                                            c.memory_kib, Argon2idConfig::kMinMemoryKib));
  }
  if (c.memory_kib > crypto_pwhash_MEMLIMIT_MAX / 1024) {
    throw std::invalid_argument(
        fmt::format("argon2id memory {} KiB is beyond libsodium's limit", c.memory_kib));
  }
  if (c.iterations < Argon2idConfig::kMinIterations) {
    throw std::invalid_argument(fmt::format("argon2id iterations {} is below the minimum of {}", c.iterations,
                                            Argon2idConfig::kMinIterations));
  }
  if (c.iterations > crypto_pwhash_OPSLIMIT_MAX) {
    throw std::invalid_argument(
        fmt::format("argon2id iterations {} is beyond libsodium's limit", c.iterations));
  }
  return c;
}

// The password moves into a heap object that wipes itself; the jobs hold only a pointer to it, so the
// handler moves inside asio copy no password bytes around.
std::unique_ptr<WipedString> take_secret(std::string& password) {
  auto secret = std::make_unique<WipedString>(std::move(password));
  wipe(password);  // a moved-from short string still holds its characters in place
  return secret;
}

}  // namespace

Argon2idHasher::Argon2idHasher(Argon2idConfig config)
    : config_(checked(config)),
      opslimit_(config_.iterations),
      memlimit_(config_.memory_kib * 1024),
      pool_(config_.threads, config_.queue_capacity, "password hashing is saturated") {
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  WipedString dummy_password(std::string(reinterpret_cast<const char*>(random.data()), random.size()));
  sodium_memzero(random.data(), random.size());
  dummy_hash_ = hash_now(dummy_password.get());
}

std::string Argon2idHasher::hash_now(const std::string& password) const {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), opslimit_, memlimit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  }
  return std::string(out.data());
}

app::PasswordVerdict Argon2idHasher::verify_now(const std::string& stored_hash,
                                                const std::string& password) const {
  // libsodium reads the stored string up to its NUL: an embedded NUL or an over-long value would make it
  // look at something other than what was stored.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES ||
      stored_hash.find('\0') != std::string::npos) {
    return {false, false};
  }
  if (crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) != 0)
    return {false, false};
  // Argon2i hashes (accepted by libsodium's verify) are upgraded too, whatever their parameters.
  const bool rehash = !stored_hash.starts_with(kArgon2idPrefix) ||
                      crypto_pwhash_str_needs_rehash(stored_hash.c_str(), opslimit_, memlimit_) != 0;
  return {true, rehash};
}

Task<std::string> Argon2idHasher::hash(std::string password) {
  auto work = [this, secret = take_secret(password)] { return hash_now(secret->get()); };
  co_return co_await pool_.run(work);
}

Task<app::PasswordVerdict> Argon2idHasher::verify(std::string stored_hash, std::string password) {
  auto work = [this, stored = std::move(stored_hash), secret = take_secret(password)] {
    return verify_now(stored, secret->get());
  };
  co_return co_await pool_.run(work);
}

Task<void> Argon2idHasher::verify_dummy(std::string password) {
  auto work = [this, secret = take_secret(password)] { (void)verify_now(dummy_hash_, secret->get()); };
  co_await pool_.run(work);
}

}  // namespace bookstore::crypto
