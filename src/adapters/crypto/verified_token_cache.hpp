#pragma once
// A cache of access tokens whose signature and claims were already verified. An Ed25519 verification
// costs about 60-110 us on the 2-core machine, more than the whole of a simple request, so without it
// an authenticated request would be several times dearer than an anonymous one. A hit compares the
// whole token string (no forgery through hash collisions) and re-checks expiry against `now`; the
// revocation check is not cached (the caller does it on every request). Memory is bounded: a shard that
// fills up is emptied.
#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/ports/access_tokens.hpp"

namespace bookstore::crypto {

class VerifiedTokenCache final : public app::AccessTokens {
 public:
  // capacity: most tokens held (split over the shards).
  explicit VerifiedTokenCache(app::AccessTokens& inner, std::size_t capacity = 8192);

  std::string issue(const app::AccessClaims& claims) override { return inner_.issue(claims); }
  app::AccessClaims verify(std::string_view token, app::TimePoint now) const override;

  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, app::AccessClaims, Hash, std::equal_to<>> tokens;
  };
  static constexpr std::size_t kShards = 16;

  app::AccessTokens& inner_;
  std::size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace bookstore::crypto
