#pragma once
// Fixed-size storage for key material that is wiped when it goes away, so that secrets do not linger in
// freed memory (or in a core dump) longer than the object that owns them.
#include <sodium.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>

namespace bookstore::crypto {

template <std::size_t N>
class SecureBytes {
 public:
  SecureBytes() { data_.fill(0); }
  SecureBytes(const SecureBytes&) = default;
  SecureBytes& operator=(const SecureBytes&) = default;
  ~SecureBytes() { sodium_memzero(data_.data(), data_.size()); }

  unsigned char* data() noexcept { return data_.data(); }
  const unsigned char* data() const noexcept { return data_.data(); }
  static constexpr std::size_t size() noexcept { return N; }
  std::span<const unsigned char, N> span() const noexcept { return std::span<const unsigned char, N>(data_); }

 private:
  std::array<unsigned char, N> data_;
};

// Overwrites every byte a string owns, including the unused part of its buffer (a short string keeps its
// characters inside the object, and a moved-from short string still holds a copy there), then empties it.
inline void wipe(std::string& s) noexcept {
  s.resize(s.capacity());  // never reallocates: the new size is the capacity
  sodium_memzero(s.data(), s.size());
  s.clear();
}

// A string that wipes itself on destruction: passwords and decoded key material pass through these.
class WipedString {
 public:
  WipedString() = default;
  explicit WipedString(std::string value) noexcept : value_(std::move(value)) {}
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  ~WipedString() { wipe(value_); }

  std::string& get() noexcept { return value_; }
  const std::string& get() const noexcept { return value_; }

 private:
  std::string value_;
};

}  // namespace bookstore::crypto
