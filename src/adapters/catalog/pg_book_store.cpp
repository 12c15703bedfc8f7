#include "adapters/catalog/pg_book_store.hpp"

#include <algorithm>
#include <set>
#include <span>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/identity/sql_support.hpp"
#include "adapters/jobs/queue.hpp"
#include "domain/catalog/book_rules.hpp"
#include "domain/error.hpp"

namespace bookstore::catalog {
namespace {

using identity::Join;
using identity::optional_time_at;
using identity::time_at;
using identity::to_micros;

// The book with its publisher; authors as [[id, name], ...] by position and genres as
// [[id, slug, name], ...] by id, aggregated per book so that one statement reads everything.
constexpr std::string_view kBookColumns = R"SQL(
SELECT b.id, b.isbn13, b.title, b.subtitle, b.description, p.id, p.name, b.language,
       b.publication_year, b.page_count, b.cover_url, b.price_minor, b.currency, b.format, b.stock,
       b.rating_avg, b.rating_count, b.sales_count, b.file_key, b.file_size, b.file_sha256,
       (extract(epoch FROM b.file_uploaded_at) * 1000000)::bigint,
       (extract(epoch FROM b.created_at) * 1000000)::bigint,
       (extract(epoch FROM b.updated_at) * 1000000)::bigint,
       (extract(epoch FROM b.deleted_at) * 1000000)::bigint,
       (SELECT coalesce(json_agg(json_build_array(a.id, a.name) ORDER BY ba.position), '[]')
          FROM book_authors ba JOIN authors a ON a.id = ba.author_id
         WHERE ba.book_id = b.id),
       (SELECT coalesce(json_agg(json_build_array(g.id, g.slug, g.name) ORDER BY g.id), '[]')
          FROM book_genres bg JOIN genres g ON g.id = bg.genre_id
         WHERE bg.book_id = b.id)
FROM books b LEFT JOIN publishers p ON p.id = b.publisher_id)SQL";

constexpr std::string_view kByIdTail = R"SQL(
WHERE b.id = $1 AND ($2::boolean OR b.deleted_at IS NULL))SQL";
constexpr std::string_view kFind = Join<kBookColumns, kByIdTail>::value;

// Two statements for the two pages, so each plan walks the books_deleted index (deleted_at DESC, id DESC).
constexpr std::string_view kDeletedFirstTail = R"SQL(
WHERE b.deleted_at IS NOT NULL
ORDER BY b.deleted_at DESC, b.id DESC
LIMIT $1)SQL";
constexpr std::string_view kDeletedFirst = Join<kBookColumns, kDeletedFirstTail>::value;

constexpr std::string_view kDeletedAfterTail = R"SQL(
WHERE b.deleted_at IS NOT NULL
  AND (b.deleted_at, b.id) < (timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::bigint)
ORDER BY b.deleted_at DESC, b.id DESC
LIMIT $3)SQL";
constexpr std::string_view kDeletedAfter = Join<kBookColumns, kDeletedAfterTail>::value;

// ON CONFLICT names the partial unique index books_isbn_live: a live book with the ISBN makes this
// insert nothing (kConflict below) instead of aborting the transaction.
constexpr std::string_view kInsertBook = R"SQL(
INSERT INTO books (isbn13, title, subtitle, description, publisher_id, language, publication_year,
                   page_count, cover_url, price_minor, currency, format, stock)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (isbn13) WHERE deleted_at IS NULL DO NOTHING
RETURNING id)SQL";

// NULL leaves a NOT NULL column as it is; nullable columns come with a flag saying whether to set them
// (possibly to NULL). One fixed statement for every patch (one prepared statement, SQL never built).
// A taken ISBN violates books_isbn_live (kConflict).
constexpr std::string_view kUpdateBook = R"SQL(
UPDATE books SET
  isbn13           = COALESCE($2, isbn13),
  title            = COALESCE($3, title),
  subtitle         = COALESCE($4, subtitle),
  description      = COALESCE($5, description),
  publisher_id     = CASE WHEN $6::boolean THEN $7::bigint ELSE publisher_id END,
  language         = COALESCE($8, language),
  publication_year = CASE WHEN $9::boolean THEN $10::smallint ELSE publication_year END,
  page_count       = CASE WHEN $11::boolean THEN $12::integer ELSE page_count END,
  cover_url        = CASE WHEN $13::boolean THEN $14::text ELSE cover_url END,
  price_minor      = COALESCE($15::bigint, price_minor),
  currency         = COALESCE($16, currency),
  format           = COALESCE($17, format),
  stock            = CASE WHEN $18::boolean THEN $19::integer ELSE stock END,
  updated_at       = now()
WHERE id = $1 AND deleted_at IS NULL)SQL";

// Authors and publishers by folded name: insert the missing ones (a concurrent insert of the same name
// makes ours wait and then do nothing), then read the ids in a second statement, whose fresh snapshot
// also sees rows committed by that concurrent transaction.
constexpr std::string_view kEnsureAuthors = R"SQL(
INSERT INTO authors (name)
SELECT DISTINCT ON (catalog_fold(t.n)) t.n
  FROM unnest($1::text[]) WITH ORDINALITY AS t(n, ord)
 ORDER BY catalog_fold(t.n), t.ord
ON CONFLICT (catalog_fold(name)) WHERE deleted_at IS NULL DO NOTHING)SQL";

constexpr std::string_view kAuthorIds = R"SQL(
SELECT a.id
  FROM unnest($1::text[]) WITH ORDINALITY AS t(n, ord)
  JOIN authors a ON catalog_fold(a.name) = catalog_fold(t.n) AND a.deleted_at IS NULL
 ORDER BY t.ord)SQL";

constexpr std::string_view kEnsurePublisher = R"SQL(
INSERT INTO publishers (name) VALUES ($1)
ON CONFLICT (catalog_fold(name)) WHERE deleted_at IS NULL DO NOTHING)SQL";

constexpr std::string_view kPublisherId = R"SQL(
SELECT id FROM publishers WHERE catalog_fold(name) = catalog_fold($1) AND deleted_at IS NULL)SQL";

// Every slug with its live genre's id, NULL for unknown ones.
constexpr std::string_view kGenreIds = R"SQL(
SELECT t.slug, g.id
  FROM unnest($1::text[]) WITH ORDINALITY AS t(slug, ord)
  LEFT JOIN genres g ON g.slug = t.slug AND g.deleted_at IS NULL
 ORDER BY t.ord)SQL";

// The link tables' statement triggers refresh the books' copies (author_ids, authors_text, ...).
constexpr std::string_view kDeleteBookAuthors = R"SQL(
DELETE FROM book_authors WHERE book_id = $1)SQL";
constexpr std::string_view kInsertBookAuthors = R"SQL(
INSERT INTO book_authors (book_id, author_id, position)
SELECT $1, t.a, (t.p - 1)::smallint FROM unnest($2::bigint[]) WITH ORDINALITY AS t(a, p))SQL";
constexpr std::string_view kDeleteBookGenres = R"SQL(
DELETE FROM book_genres WHERE book_id = $1)SQL";
constexpr std::string_view kInsertBookGenres = R"SQL(
INSERT INTO book_genres (book_id, genre_id)
SELECT $1, t.g FROM unnest($2::integer[]) AS t(g))SQL";

// The conditional update that keeps stock >= 0 under any concurrency: each UPDATE waits for the row lock
// of the one before and re-evaluates the WHERE on the committed value. $3 is the largest stock the
// rules allow (domain::kMaxStock, well inside the integer column).
constexpr std::string_view kAdjustStock = R"SQL(
UPDATE books SET stock = stock + $2::bigint, updated_at = now()
WHERE id = $1 AND deleted_at IS NULL AND stock IS NOT NULL
  AND stock + $2::bigint >= 0 AND stock + $2::bigint <= $3::bigint
RETURNING stock)SQL";

constexpr std::string_view kStockOf = R"SQL(
SELECT stock FROM books WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kSoftDelete = R"SQL(
UPDATE books SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL)SQL";

// A live book with the same ISBN violates books_isbn_live (kConflict).
constexpr std::string_view kRestore = R"SQL(
UPDATE books SET deleted_at = NULL, updated_at = now() WHERE id = $1 AND deleted_at IS NOT NULL)SQL";

// The sub-select locks the row and yields the key the book had before, for removal after the commit.
constexpr std::string_view kReplaceFile = R"SQL(
UPDATE books b
   SET file_key = $2, file_size = $3, file_sha256 = $4, file_uploaded_at = now(), updated_at = now()
  FROM (SELECT id, file_key FROM books WHERE id = $1 AND deleted_at IS NULL FOR UPDATE) old
 WHERE b.id = old.id
RETURNING old.file_key)SQL";

constexpr int kStockAttempts = 5;

std::optional<int> optional_int(const pg::Result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return static_cast<int>(r.int64(row, col));
}

std::optional<std::int64_t> optional_int64(const pg::Result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return r.int64(row, col);
}

app::BookRecord book_at(const pg::Result& r, int row) {
  app::BookRecord b;
  b.id = r.int64(row, 0);
  b.isbn13 = std::string(r.text(row, 1));
  b.title = std::string(r.text(row, 2));
  b.subtitle = std::string(r.text(row, 3));
  b.description = std::string(r.text(row, 4));
  if (!r.is_null(row, 5)) b.publisher = app::PublisherRef{r.int64(row, 5), std::string(r.text(row, 6))};
  b.language = std::string(r.text(row, 7));
  b.publication_year = optional_int(r, row, 8);
  b.page_count = optional_int(r, row, 9);
  b.cover_url = r.optional_text(row, 10);
  b.price_minor = r.int64(row, 11);
  b.currency = std::string(r.text(row, 12));
  b.format = std::string(r.text(row, 13));
  b.stock = optional_int64(r, row, 14);
  b.rating_avg = r.float64(row, 15);
  b.rating_count = r.int64(row, 16);
  b.sales_count = r.int64(row, 17);
  if (!r.is_null(row, 18)) {
    app::BookFile file;
    file.storage_key = std::string(r.text(row, 18));
    file.size = r.int64(row, 19);
    file.sha256 = std::string(r.text(row, 20));
    file.uploaded_at = optional_time_at(r, row, 21).value_or(app::TimePoint{});
    b.file = std::move(file);
  }
  b.created_at = time_at(r, row, 22);
  b.updated_at = time_at(r, row, 23);
  b.deleted_at = optional_time_at(r, row, 24);
  for (const auto& a : nlohmann::json::parse(r.text(row, 25))) {
    b.authors.push_back(app::AuthorRef{a.at(0).get<std::int64_t>(), a.at(1).get<std::string>()});
  }
  for (const auto& g : nlohmann::json::parse(r.text(row, 26))) {
    b.genres.push_back(
        app::GenreRef{g.at(0).get<std::int32_t>(), g.at(1).get<std::string>(), g.at(2).get<std::string>()});
  }
  return b;
}

domain::Error isbn_taken() {
  return domain::Error::conflict("a live book already has this ISBN");
}

domain::Error book_not_found() {
  return domain::Error::not_found("book not found");
}

// Audit events about "the new book" name it once its id is known.
void fill_new_book_id(app::Effects& effects, std::int64_t id) {
  for (auto& e : effects.audit) {
    if (e.target_type == "book" && e.target_id.empty()) e.target_id = std::to_string(id);
  }
}

Task<void> write_effects(pg::Connection& tx, const app::Effects& effects) {
  // The catalog sends no mail: an empty outbox makes a stray mail a logic error instead of a lost one.
  const identity::MailOutbox no_mail;
  co_await identity::write_effects(tx, effects, no_mail);
}

Task<app::BookRecord> reload(pg::Connection& tx, std::int64_t id) {
  auto book = co_await find_book(tx, id, true);
  if (!book) throw std::logic_error("catalog: a book vanished inside its own transaction");
  co_return std::move(*book);
}

// The id of the live publisher with this (folded) name, created when there is none.
Task<std::int64_t> publisher_id(pg::Connection& tx, std::string name) {
  co_await tx.query(kEnsurePublisher, name);
  auto r = co_await tx.query(kPublisherId, name);
  if (r.rows() == 0) throw std::logic_error("catalog: the publisher was not created");
  co_return r.int64(0, 0);
}

// Replaces the book's authors by these names, in this order (names that fold to one author count once).
Task<void> set_authors(pg::Connection& tx, std::int64_t book_id, std::vector<std::string> names,
                       bool replace) {
  if (replace) co_await tx.query(kDeleteBookAuthors, book_id);
  if (names.empty()) co_return;
  const std::string array = jobs::array_literal(names);
  co_await tx.query(kEnsureAuthors, array);
  auto r = co_await tx.query(kAuthorIds, array);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < r.rows(); ++i) {
    const std::int64_t id = r.int64(i, 0);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.empty()) throw std::logic_error("catalog: the authors were not created");
  co_await tx.query(kInsertBookAuthors, book_id, jobs::array_literal(ids));
}

// Replaces the book's genres by these slugs; kValidation ("genres") naming the unknown ones.
Task<void> set_genres(pg::Connection& tx, std::int64_t book_id, std::vector<std::string> slugs,
                      bool replace) {
  if (replace) co_await tx.query(kDeleteBookGenres, book_id);
  if (slugs.empty()) co_return;
  auto r = co_await tx.query(kGenreIds, jobs::array_literal(slugs));
  std::vector<std::int64_t> ids;
  std::string unknown;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.is_null(i, 1)) {
      unknown += (unknown.empty() ? "" : ", ") + std::string(r.text(i, 0));
    } else if (std::find(ids.begin(), ids.end(), r.int64(i, 1)) == ids.end()) {
      ids.push_back(r.int64(i, 1));
    }
  }
  if (!unknown.empty()) {
    std::vector<domain::FieldError> fields{{"genres", "unknown genre: " + unknown}};
    throw domain::Error::validation(std::move(fields));
  }
  co_await tx.query(kInsertBookGenres, book_id, jobs::array_literal(ids));
}

bool is_conflict(const domain::Error& e) {
  return e.code() == domain::ErrorCode::kConflict;
}

}  // namespace

Task<std::optional<app::BookRecord>> find_book(pg::Connection& conn, std::int64_t id, bool include_deleted) {
  auto r = co_await conn.query(kFind, id, include_deleted);
  std::optional<app::BookRecord> out;
  if (r.rows() > 0) out = book_at(r, 0);
  co_return out;
}

Task<app::StockAdjustment> adjust_stock(pg::Connection& tx, std::int64_t id, std::int64_t delta) {
  app::StockAdjustment out;
  for (int attempt = 0; attempt < kStockAttempts; ++attempt) {
    auto updated = co_await tx.query(kAdjustStock, id, delta, domain::kMaxStock);
    if (updated.rows() > 0) {
      out.outcome = app::StockOutcome::kAdjusted;
      out.stock = updated.int64(0, 0);
      co_return out;
    }
    auto r = co_await tx.query(kStockOf, id);
    if (r.rows() == 0) {
      out.outcome = app::StockOutcome::kNotFound;
      co_return out;
    }
    if (r.is_null(0, 0)) {
      out.outcome = app::StockOutcome::kUnlimited;
      co_return out;
    }
    const std::int64_t stock = r.int64(0, 0);
    out.stock = stock;
    if (stock + delta < 0) {
      out.outcome = app::StockOutcome::kInsufficient;
      co_return out;
    }
    if (stock + delta > domain::kMaxStock) {
      out.outcome = app::StockOutcome::kTooLarge;
      co_return out;
    }
    // The row changed between the two statements in a way that lets the update succeed now: again.
  }
  out.outcome = app::StockOutcome::kInsufficient;
  co_return out;
}

PgBookStore::PgBookStore(pg::Pool& pool) : pool_(pool) {}

Task<std::optional<app::BookRecord>> PgBookStore::find(std::int64_t id, bool include_deleted) {
  auto r = co_await pool_.query(kFind, id, include_deleted);
  std::optional<app::BookRecord> out;
  if (r.rows() > 0) out = book_at(r, 0);
  co_return out;
}

Task<app::BookRecord> PgBookStore::create(app::NewBook book, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::BookRecord> {
    std::optional<std::int64_t> publisher;
    if (book.publisher) publisher = co_await publisher_id(tx, *book.publisher);
    auto r = co_await tx.query(kInsertBook, book.isbn, book.title, book.subtitle, book.description, publisher,
                               book.language, book.publication_year, book.page_count, book.cover_url,
                               book.price_minor, book.currency, book.format, book.stock);
    if (r.rows() == 0) throw isbn_taken();
    const std::int64_t id = r.int64(0, 0);
    co_await set_genres(tx, id, book.genres, false);
    co_await set_authors(tx, id, book.authors, false);
    fill_new_book_id(effects, id);
    co_await write_effects(tx, effects);
    co_return co_await reload(tx, id);
  };
  co_return co_await pool_.transaction(body);
}

Task<app::BookRecord> PgBookStore::update(std::int64_t id, app::BookPatch patch, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::BookRecord> {
    std::optional<std::int64_t> publisher;
    if (patch.publisher && *patch.publisher) publisher = co_await publisher_id(tx, **patch.publisher);
    std::optional<int> year, pages;
    std::optional<std::string> cover;
    std::optional<std::int64_t> stock;
    if (patch.publication_year) year = *patch.publication_year;
    if (patch.page_count) pages = *patch.page_count;
    if (patch.cover_url) cover = *patch.cover_url;
    if (patch.stock) stock = *patch.stock;
    pg::Result r;
    bool taken = false;
    try {
      r = co_await tx.query(kUpdateBook, id, patch.isbn, patch.title, patch.subtitle, patch.description,
                            patch.publisher.has_value(), publisher, patch.language,
                            patch.publication_year.has_value(), year, patch.page_count.has_value(), pages,
                            patch.cover_url.has_value(), cover, patch.price_minor, patch.currency,
                            patch.format, patch.stock.has_value(), stock);
    } catch (const domain::Error& e) {
      if (!is_conflict(e)) throw;
      taken = true;
    }
    if (taken) throw isbn_taken();
    if (r.affected_rows() == 0) throw book_not_found();
    if (patch.genres) co_await set_genres(tx, id, *patch.genres, true);
    if (patch.authors) co_await set_authors(tx, id, *patch.authors, true);
    co_await write_effects(tx, effects);
    co_return co_await reload(tx, id);
  };
  co_return co_await pool_.transaction(body);
}

Task<app::StockAdjustment> PgBookStore::adjust_stock(std::int64_t id, std::int64_t delta,
                                                     app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::StockAdjustment> {
    app::StockAdjustment result = co_await catalog::adjust_stock(tx, id, delta);
    if (result.outcome == app::StockOutcome::kAdjusted) {
      for (auto& e : effects.audit) e.details["stock"] = std::to_string(result.stock.value_or(0));
      co_await write_effects(tx, effects);
    }
    co_return result;
  };
  co_return co_await pool_.transaction(body);
}

Task<app::BookRecord> PgBookStore::soft_delete(std::int64_t id, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::BookRecord> {
    auto r = co_await tx.query(kSoftDelete, id);
    if (r.affected_rows() == 0) throw book_not_found();
    co_await write_effects(tx, effects);
    co_return co_await reload(tx, id);
  };
  co_return co_await pool_.transaction(body);
}

Task<app::BookRecord> PgBookStore::restore(std::int64_t id, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::BookRecord> {
    pg::Result r;
    bool taken = false;
    try {
      r = co_await tx.query(kRestore, id);
    } catch (const domain::Error& e) {
      if (!is_conflict(e)) throw;
      taken = true;
    }
    if (taken) throw domain::Error::conflict("another live book has this book's ISBN");
    if (r.affected_rows() == 0) throw domain::Error::not_found("no deleted book with this id");
    co_await write_effects(tx, effects);
    co_return co_await reload(tx, id);
  };
  co_return co_await pool_.transaction(body);
}

Task<std::vector<app::BookRecord>> PgBookStore::list_deleted(app::DeletedBooksQuery query) {
  const int limit = std::clamp(query.limit, 1, 200);
  pg::Result r;
  if (query.after) {
    r = co_await pool_.query(kDeletedAfter, to_micros(query.after->deleted_at), query.after->id, limit);
  } else {
    r = co_await pool_.query(kDeletedFirst, limit);
  }
  std::vector<app::BookRecord> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(book_at(r, i));
  co_return out;
}

Task<app::FileReplacement> PgBookStore::replace_file(std::int64_t id, app::StoredFile file,
                                                     app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<app::FileReplacement> {
    auto r = co_await tx.query(kReplaceFile, id, file.storage_key, file.size, file.sha256);
    if (r.rows() == 0) throw book_not_found();
    app::FileReplacement out;
    out.previous_key = r.optional_text(0, 0);
    co_await write_effects(tx, effects);
    out.book = co_await reload(tx, id);
    co_return out;
  };
  co_return co_await pool_.transaction(body);
}

}  // namespace bookstore::catalog
