#pragma once
// Pre-Authentication Encoding (PASETO spec, "Common"): every piece is prefixed with its length so that
// the MAC or signature covers an unambiguous concatenation (no moving bytes between header, body,
// footer and implicit assertion without changing what is authenticated).
#include <initializer_list>
#include <string>
#include <string_view>

namespace bookstore::crypto {

// LE64(count) || for each piece: LE64(length) || piece, with the top bit of every LE64 cleared.
std::string pae(std::initializer_list<std::string_view> pieces);

}  // namespace bookstore::crypto
