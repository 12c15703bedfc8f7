#include "adapters/crypto/pae.hpp"

#include <cstdint>

namespace bookstore::crypto {
namespace {

void append_le64(std::string& out, std::uint64_t n) {
  n &= 0x7fffffffffffffffULL;  // the spec clears the MSB for interoperability with signed 64-bit integers
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>(n & 0xffU));
    n >>= 8;
  }
}

}  // namespace

std::string pae(std::initializer_list<std::string_view> pieces) {
  std::size_t total = 8;
  for (auto piece : pieces) total += 8 + piece.size();
  std::string out;
  out.reserve(total);
  append_le64(out, pieces.size());
  for (auto piece : pieces) {
    append_le64(out, piece.size());
    out.append(piece);
  }
  return out;
}

}  // namespace bookstore::crypto
