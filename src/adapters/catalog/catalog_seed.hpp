#pragma once
// Catalog generator for benchmarks (`bookstore seed --books N`) and the demo catalog of make run
// (`bookstore seed --demo`).
//
// The books are generated here (deterministic for a seed: book k of a run depends only on the seed and
// k) and sent in batches as arrays, one INSERT of books + book_authors + book_genres per batch. The
// copies of the joined rows (author_ids, authors_text, genre_ids, genres_text) are written with the book,
// exactly as catalog_refresh_books() computes them, and the link triggers are switched off for the
// generator's own statements (ALTER TABLE ... DISABLE TRIGGER inside its transaction, so they are on
// again at commit or rollback): letting them run costs ~25 us per book with statistics and ~470 us per
// book on a fresh database, whose first plan joins every author per book.
//
// Loads of kBulkThreshold books or more run in one transaction that also drops the RUM search index and
// builds it again at the end: maintaining it row by row costs ~300 us per book, building it ~15 us. A
// failure rolls everything back, index included. Smaller loads commit each batch and keep every index.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "adapters/pg/pool.hpp"
#include "app/task.hpp"

namespace bookstore::catalog {

inline constexpr std::int64_t kMaxSeedBooks = 5'000'000;
inline constexpr std::int64_t kBulkThreshold = 100'000;

struct SeedOptions {
  std::int64_t books = 0;  // 1..kMaxSeedBooks
  std::uint64_t seed = 1;
  // 0: 50,000 per batch in bulk mode, 10,000 otherwise.
  std::int64_t batch_size = 0;
  // Unset: bulk mode (one transaction, search index rebuilt) when books >= kBulkThreshold.
  std::optional<bool> bulk;
};

struct SeedProgress {
  std::string phase;  // "authors", "books", "index", "analyze"
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::chrono::duration<double> elapsed{};
};

struct SeedReport {
  std::int64_t books = 0;       // inserted (a generated ISBN already taken by a live book is skipped)
  std::int64_t authors = 0;     // authors the books name (new, or existing ones of the same name)
  std::int64_t publishers = 0;  // distinct publishers
  bool bulk = false;
  std::chrono::duration<double> elapsed{};
};

using SeedProgressFn = std::function<void(const SeedProgress&)>;

// Generates and inserts options.books books (applying no migrations: the schema must be current).
// Throws domain::Error(kValidation) for an out-of-range count.
Task<SeedReport> seed_catalog(pg::Pool& pool, SeedOptions options, SeedProgressFn progress = {});

struct DemoReport {
  bool loaded = false;     // false: the catalog already had books, nothing was done
  std::int64_t books = 0;  // loaded, or the books already there when not loaded
  std::chrono::duration<double> elapsed{};
};

// Loads the demo catalog in one transaction when the books table is empty (any row, deleted ones too).
Task<DemoReport> seed_demo(pg::Pool& pool);

}  // namespace bookstore::catalog
