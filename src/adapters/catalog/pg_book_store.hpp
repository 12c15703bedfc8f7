#pragma once
// app::BookStore over the catalog tables (migrations/0004_catalog.sql). The triggers of the migration
// keep books.author_ids/genre_ids/authors_text/genres_text and the search column up to date whenever
// the link tables change, so the store only writes books, book_authors and book_genres. Each mutation
// and its audit rows share one transaction; a failed audit write leaves nothing behind.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/pg/pool.hpp"
#include "app/ports/book_store.hpp"

namespace bookstore::catalog {

// The stock adjustment of PgBookStore::adjust_stock on the caller's transaction, for use cases that
// take stock as part of a larger change (checkout): one conditional UPDATE that never takes the stock
// below zero, whatever runs concurrently; when it changes nothing, a second statement says why (and the
// UPDATE is tried again when the row changed in between so that it would now succeed). Writes no audit.
Task<app::StockAdjustment> adjust_stock(pg::Connection& tx, std::int64_t id, std::int64_t delta);

// One book as find() reads it, on the caller's connection (also sees its uncommitted changes).
Task<std::optional<app::BookRecord>> find_book(pg::Connection& conn, std::int64_t id, bool include_deleted);

class PgBookStore final : public app::BookStore {
 public:
  explicit PgBookStore(pg::Pool& pool);  // `pool` must outlive the store

  // One statement: the book, its publisher, authors (json_agg by position) and genres (by id).
  Task<std::optional<app::BookRecord>> find(std::int64_t id, bool include_deleted) override;
  Task<app::BookRecord> create(app::NewBook book, app::Effects effects) override;
  Task<app::BookRecord> update(std::int64_t id, app::BookPatch patch, app::Effects effects) override;
  Task<app::StockAdjustment> adjust_stock(std::int64_t id, std::int64_t delta, app::Effects effects) override;
  Task<app::BookRecord> soft_delete(std::int64_t id, app::Effects effects) override;
  Task<app::BookRecord> restore(std::int64_t id, app::Effects effects) override;
  // Served by the books_deleted index; limit clamped to 1..200.
  Task<std::vector<app::BookRecord>> list_deleted(app::DeletedBooksQuery query) override;
  Task<app::FileReplacement> replace_file(std::int64_t id, app::StoredFile file,
                                          app::Effects effects) override;

 private:
  pg::Pool& pool_;
};

}  // namespace bookstore::catalog
