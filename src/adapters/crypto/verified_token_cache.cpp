#include "adapters/crypto/verified_token_cache.hpp"

#include <algorithm>

#include "domain/error.hpp"

namespace bookstore::crypto {

VerifiedTokenCache::VerifiedTokenCache(app::AccessTokens& inner, std::size_t capacity)
    : inner_(inner), per_shard_(std::max<std::size_t>(1, capacity / kShards)) {}

app::AccessClaims VerifiedTokenCache::verify(std::string_view token, app::TimePoint now) const {
  auto& shard = shards_[Hash{}(token) % kShards];
  {
    std::lock_guard lock(shard.mutex);
    if (auto it = shard.tokens.find(token); it != shard.tokens.end()) {
      // Verified before, so only time can have made it invalid: nbf was within the leeway then and
      // time only moves on; exp must be checked again.
      if (now < it->second.expires_at) return it->second;
      shard.tokens.erase(it);
      throw domain::Error(domain::ErrorCode::kUnauthenticated, "invalid or expired token");
    }
  }
  auto claims = inner_.verify(token, now);  // throws for anything not valid: nothing is cached then
  std::lock_guard lock(shard.mutex);
  if (shard.tokens.size() >= per_shard_) shard.tokens.clear();
  shard.tokens.emplace(std::string(token), claims);
  return claims;
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.tokens.size();
  }
  return n;
}

}  // namespace bookstore::crypto
