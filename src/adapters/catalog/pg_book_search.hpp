#pragma once
// app::BookSearch over the catalog tables (migrations/0004_catalog.sql).
//
// A text search reads the best kMaxCountedMatches matches from the RUM index (ORDER BY search <=> query),
// blends each one's text rank with its popularity and rating, and pages through those in the requested
// sort; facets and the total are counted over the same matches in the same statement. Browsing without
// text pages through every book by the sort's own index and counts facets over at most
// kMaxCountedMatches of them. Highlights (ts_headline) are made for the rows of the page only.
//
// Filters are always the same parameters ($2..$11, NULL for "no filter"), so each sort has one statement
// text per mode and the per-connection prepared-statement cache holds a few dozen texts at most.
#include <chrono>
#include <mutex>

#include "adapters/pg/pool.hpp"
#include "app/ports/book_search.hpp"

namespace bookstore::catalog {

class PgBookSearch final : public app::BookSearch {
 public:
  explicit PgBookSearch(pg::Pool& pool) : pool_(pool) {}  // `pool` must outlive this

  Task<app::SearchPage> search(app::SearchPlan plan) override;
  Task<std::map<std::string, std::vector<std::string>>> synonyms(std::vector<std::string> terms) override;
  Task<std::map<std::string, std::vector<std::string>>> corrections(std::vector<std::string> words) override;
  Task<std::vector<std::string>> completions(std::string prefix, int limit) override;
  Task<app::Suggestions> suggest(std::string tsquery, std::string prefix, int limit) override;
  // Counting every genre's books reads the whole catalog, so the answer is kept for a minute.
  Task<std::vector<app::GenreCount>> genres() override;
  Task<std::optional<app::AuthorDetail>> author(std::int64_t id) override;
  Task<std::vector<app::AuthorMatch>> find_authors(std::string q, int limit) override;

 private:
  pg::Pool& pool_;
  std::mutex genres_mutex_;
  std::vector<app::GenreCount> genres_cache_;
  std::chrono::steady_clock::time_point genres_loaded_{};
};

// The statements, for the benchmark that runs the same SQL through pgbench. search_statement's
// parameters are listed in pg_book_search.cpp; the other two take one text[] of words.
const std::string& search_statement(app::BookSort sort, bool text, bool facets);
std::string_view synonyms_statement();
std::string_view corrections_statement();

// A PostgreSQL array literal of text values, for text[] parameters (jobs::array_literal).
std::string text_array_literal(const std::vector<std::string>& values);

}  // namespace bookstore::catalog
