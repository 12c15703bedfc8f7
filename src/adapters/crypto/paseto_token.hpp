#pragma once
// The outer form shared by every PASETO token: header "v4.local." or "v4.public.", base64url body and
// an optional base64url footer after one more dot. Parsing is strict (one text form per token).
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::crypto {

inline constexpr std::string_view kV4LocalHeader = "v4.local.";
inline constexpr std::string_view kV4PublicHeader = "v4.public.";

struct TokenParts {
  std::string body;    // decoded
  std::string footer;  // decoded; empty when the token has none
};

// nullopt unless `token` starts with exactly `header` and the rest is body[.footer] in canonical base64url.
// An empty footer after a dot is refused: the encoder never writes one.
std::optional<TokenParts> split_token(std::string_view token, std::string_view header);

// header || base64url(body) || ("." || base64url(footer) when the footer is not empty).
std::string join_token(std::string_view header, std::string_view body, std::string_view footer);

// A verified token's content.
struct VerifiedToken {
  std::string payload;
  std::string footer;
};

}  // namespace bookstore::crypto
