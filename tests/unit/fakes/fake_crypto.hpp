#pragma once
// Fast, deterministic stand-ins for the crypto adapters: a hasher that records its calls (and can be
// told to be saturated), access tokens that are readable strings, and secrets drawn from counters.
#include <charconv>
#include <chrono>
#include <string>
#include <vector>

#include "app/ports/access_tokens.hpp"
#include "app/ports/password_hasher.hpp"
#include "app/ports/secrets.hpp"
#include "domain/error.hpp"

namespace bookstore::fakes {

// hash(p) = params + "$" + p. A stored hash with other params than `params` needs a rehash.
class FakeHasher : public app::PasswordHasher {
 public:
  Task<std::string> hash(std::string password) override {
    ++hash_calls;
    throw_if_saturated();
    co_return params + "$" + password;
  }
  Task<app::PasswordVerdict> verify(std::string stored_hash, std::string password) override {
    ++verify_calls;
    throw_if_saturated();
    const auto dollar = stored_hash.find('$');
    const bool match = dollar != std::string::npos && stored_hash.substr(dollar + 1) == password;
    const bool rehash = match && stored_hash.substr(0, dollar) != params;
    co_return app::PasswordVerdict(match, rehash);
  }
  Task<void> verify_dummy(std::string) override {
    ++dummy_calls;
    throw_if_saturated();
    co_return;
  }

  int total_calls() const { return hash_calls + verify_calls + dummy_calls; }
  // verify() and verify_dummy(): the work done to check a password.
  int check_calls() const { return verify_calls + dummy_calls; }

  std::string params = "argon2id-v1";
  bool saturated = false;
  int hash_calls = 0;
  int verify_calls = 0;
  int dummy_calls = 0;

 private:
  void throw_if_saturated() const {
    if (saturated) throw domain::Error::unavailable("password hashing is saturated", std::chrono::seconds(2));
  }
};

// "at|sub|sid|role|jti|iat|nbf|exp" with the times in seconds since the epoch.
class FakeAccessTokens : public app::AccessTokens {
 public:
  std::string issue(const app::AccessClaims& c) override {
    ++issued;
    return "at|" + c.subject + "|" + c.session_id + "|" + c.role + "|" + c.token_id + "|" +
           secs(c.issued_at) + "|" + secs(c.not_before) + "|" + secs(c.expires_at);
  }

  app::AccessClaims verify(std::string_view token, app::TimePoint now) const override {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      const auto bar = token.find('|', start);
      parts.emplace_back(
          token.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    if (parts.size() != 8 || parts[0] != "at") throw bad();
    app::AccessClaims c;
    c.subject = parts[1];
    c.session_id = parts[2];
    c.role = parts[3];
    c.token_id = parts[4];
    c.issued_at = time(parts[5]);
    c.not_before = time(parts[6]);
    c.expires_at = time(parts[7]);
    if (now < c.not_before || now >= c.expires_at) throw bad();
    return c;
  }

  // A token as a forger would write it, valid in time: for the strict parsing of sub and role.
  static std::string craft(std::string_view sub, std::string_view sid, std::string_view role,
                           app::TimePoint now) {
    return "at|" + std::string(sub) + "|" + std::string(sid) + "|" + std::string(role) + "|jti|" + secs(now) +
           "|" + secs(now) + "|" + secs(now + std::chrono::minutes(15));
  }

  int issued = 0;

 private:
  static std::string secs(app::TimePoint t) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  }
  static app::TimePoint time(const std::string& s) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) throw bad();
    return app::TimePoint(std::chrono::seconds(v));
  }
  static domain::Error bad() { return domain::Error(domain::ErrorCode::kUnauthenticated, "invalid token"); }
};

// random_token(): "rt-1", "rt-2", ...; six_digit_code(): the queued codes first, then 100001, 100002, ...;
// digest(s) = "h(" + s + ")".
class FakeSecrets : public app::Secrets {
 public:
  std::string random_token() override {
    tokens.push_back("rt-" + std::to_string(++token_counter_));
    return tokens.back();
  }
  std::string six_digit_code() override {
    std::string code;
    if (!next_codes.empty()) {
      code = next_codes.front();
      next_codes.erase(next_codes.begin());
    } else {
      code = std::to_string(100000 + ++code_counter_);
    }
    codes.push_back(code);
    return code;
  }
  std::string digest(std::string_view secret) const override { return "h(" + std::string(secret) + ")"; }

  std::vector<std::string> next_codes;
  std::vector<std::string> tokens;  // every token handed out, in order
  std::vector<std::string> codes;

 private:
  int token_counter_ = 0;
  int code_counter_ = 0;
};

}  // namespace bookstore::fakes
