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
// text per mode and the per-connection prepared-statement cache holds a few dozen texts at most; each
// search is planned for its values (plan_cache_mode, see search()).
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

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

  // Told every statement search(), synonyms() and corrections() run, in order, with its parameters
  // (what: "begin", "settings", "genres", "search", "commit", "synonyms", "corrections"): the benchmark
  // writes them into pgbench scripts, so that pgbench runs exactly what the service runs.
  using StatementObserver =
      std::function<void(std::string_view what, std::string_view sql, const std::vector<pg::Param>& params)>;
  void observe(StatementObserver observer) { observer_ = std::move(observer); }

 private:
  void seen(std::string_view what, std::string_view sql, const std::vector<pg::Param>& params = {}) const {
    if (observer_) observer_(what, sql, params);
  }

  Task<app::SearchPage> run_search(pg::Connection& tx, app::SearchPlan plan, pg::Param genre_ids);

  pg::Pool& pool_;
  StatementObserver observer_;
  std::mutex genres_mutex_;
  std::vector<app::GenreCount> genres_cache_;
  std::chrono::steady_clock::time_point genres_loaded_{};
};

// The search statement of a sort and mode; its parameters are listed in pg_book_search.cpp.
const std::string& search_statement(app::BookSort sort, bool text, bool facets);

}  // namespace bookstore::catalog
