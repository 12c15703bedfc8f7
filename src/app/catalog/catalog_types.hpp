#pragma once
// What the catalog use cases and stores exchange (PRODUCT.md 3): books with their authors, genres,
// publisher and file; the admin's inputs; the search request and its page with facets.
// Money is integer minor units with an ISO 4217 currency; stock nullopt means unlimited licences.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"

namespace bookstore::app {

struct AuthorRef {
  std::int64_t id = 0;
  std::string name;
};

struct GenreRef {
  std::int32_t id = 0;
  std::string slug;
  std::string name;
};

struct PublisherRef {
  std::int64_t id = 0;
  std::string name;
};

// The stored file of a book: under the configured files directory by storage_key, never served directly.
struct BookFile {
  std::string storage_key;  // relative name inside the files directory
  std::int64_t size = 0;    // bytes
  std::string sha256;       // lowercase hex
  TimePoint uploaded_at{};
};

struct BookRecord {
  std::int64_t id = 0;
  std::string isbn13;  // 13 digits, no hyphens
  std::string title;
  std::string subtitle;
  std::string description;
  std::optional<PublisherRef> publisher;
  std::string language;  // ISO 639-1, lower case
  std::optional<int> publication_year;
  std::optional<int> page_count;
  std::optional<std::string> cover_url;
  std::int64_t price_minor = 0;
  std::string currency = "INR";
  std::string format;  // "epub" | "pdf"
  std::optional<std::int64_t> stock;
  double rating_avg = 0;
  std::int64_t rating_count = 0;
  std::int64_t sales_count = 0;
  std::vector<AuthorRef> authors;  // in their order on the cover
  std::vector<GenreRef> genres;
  std::optional<BookFile> file;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> deleted_at;
};

// POST /admin/books. Authors are named (an unknown name creates the author), genres by slug (they must
// exist), the publisher by name (created when unknown). Validated by the use case.
struct NewBook {
  std::string isbn;  // as typed: ISBN-13 or ISBN-10, hyphens and spaces allowed; stored as 13 digits
  std::string title;
  std::string subtitle;
  std::string description;
  std::optional<std::string> publisher;
  std::string language;
  std::optional<int> publication_year;
  std::optional<int> page_count;
  std::optional<std::string> cover_url;
  std::int64_t price_minor = 0;
  std::string currency = "INR";
  std::string format;
  std::optional<std::int64_t> stock;
  std::vector<std::string> authors;
  std::vector<std::string> genres;
};

// PATCH /admin/books/{id}: only the fields that are set change. For nullable columns the inner optional
// is the new value (nullopt: set to null).
struct BookPatch {
  std::optional<std::string> isbn;
  std::optional<std::string> title;
  std::optional<std::string> subtitle;
  std::optional<std::string> description;
  std::optional<std::optional<std::string>> publisher;
  std::optional<std::string> language;
  std::optional<std::optional<int>> publication_year;
  std::optional<std::optional<int>> page_count;
  std::optional<std::optional<std::string>> cover_url;
  std::optional<std::int64_t> price_minor;
  std::optional<std::string> currency;
  std::optional<std::string> format;
  std::optional<std::optional<std::int64_t>> stock;
  std::optional<std::vector<std::string>> authors;
  std::optional<std::vector<std::string>> genres;

  bool empty() const noexcept {
    return !isbn && !title && !subtitle && !description && !publisher && !language && !publication_year &&
           !page_count && !cover_url && !price_minor && !currency && !format && !stock && !authors && !genres;
  }
};

// ---- search ----

enum class BookSort { kRelevance, kPriceAsc, kPriceDesc, kRating, kNewest, kBestSelling };

// Filters narrow the matches; several genres or authors mean books that have all of them, so that a
// facet count is always the total of the same search with that value added as a filter.
struct BookFilters {
  std::vector<std::string> genres;  // slugs
  std::vector<std::int64_t> authors;
  std::optional<std::string> language;
  std::optional<std::int64_t> price_min, price_max;  // minor units, inclusive
  std::optional<double> rating_min;                  // 0..5
  std::optional<int> year_min, year_max;             // inclusive
  std::optional<std::string> format;
  bool in_stock = false;  // stock unlimited or > 0
};

}  // namespace bookstore::app
