#pragma once
// The demo catalog of `bookstore seed --demo` (make run): hand-written entries for real books, mostly
// classic and public-domain works, with a few modern and technical titles.
#include <cstdint>
#include <span>
#include <string_view>

namespace bookstore::catalog {

struct DemoBook {
  std::string_view title;
  std::string_view subtitle;
  std::string_view authors;  // in cover order, separated by "; "
  std::string_view genres;   // slugs of migration 0004, separated by spaces
  std::string_view publisher;
  std::string_view language;  // ISO 639-1
  int year = 0;
  int pages = 0;
  std::int64_t price_minor = 0;  // paise
  char format = 'e';             // 'e' epub, 'p' pdf
  float rating = 0;
  int rating_count = 0;
  int sales = 0;
  std::string_view description;
};

std::span<const DemoBook> demo_books();

}  // namespace bookstore::catalog
