#pragma once
// The public catalog (PRODUCT.md 3): search with filters, facets and keyset pages, type-ahead, book
// detail, genres and authors. Anyone may call these; deleted books are never shown.
//
// A text query goes through the shop's query language (domain/catalog/search_query): synonyms from the
// table are folded in first; when the search then finds fewer than kTooFewMatches books, misspelt words
// get their nearest catalog words as alternatives and the search runs again, and the answer says which
// query it used (corrected_query).
//
// Cursors are opaque: "<sort>~<key>~<id>~<flags>~<mac>", where mac is the keyed digest (Secrets) of the
// position together with the query, filters and sort it belongs to. A tampered cursor, or one used with
// another search, is refused (kBadRequest, field "cursor") instead of silently paging something else.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/catalog/catalog_types.hpp"
#include "app/ports/book_search.hpp"
#include "app/ports/book_store.hpp"
#include "app/ports/secrets.hpp"
#include "app/task.hpp"

namespace bookstore::app {

struct SearchRequest {
  std::string q;  // the search box; empty: browse by filters
  BookFilters filters;
  std::optional<BookSort> sort;  // default: relevance with q, newest without
  int limit = 20;                // 1..100
  std::optional<std::string> cursor;
  bool facets = true;  // facets and the total on the first page
};

struct SearchResult {
  std::vector<BookHit> hits;
  std::optional<std::string> next_cursor;
  std::optional<Facets> facets;  // first page with facets requested only
  // The matches counted (at most kMaxCountedMatches) and whether that is all of them: with the facets
  // only (the first page, facets not turned off; counting is the same pass over the matches).
  std::optional<std::int64_t> total;
  std::optional<bool> total_exact;
  std::optional<std::string> corrected_query;  // the query as corrected for typos, when that was used
  BookSort sort = BookSort::kNewest;
  bool text_search = false;  // hits carry highlights
};

inline constexpr int kMaxSearchLimit = 100;
inline constexpr int kMaxSuggestLimit = 10;
inline constexpr int kMaxCompletions = 20;  // words a typed prefix may stand for in type-ahead
inline constexpr std::int64_t kTooFewMatches = 3;

class CatalogService {
 public:
  CatalogService(BookSearch& search, BookStore& books, const Secrets& secrets)
      : search_(search), books_(books), secrets_(secrets) {}

  Task<SearchResult> search(SearchRequest request);
  // Type-ahead for a partly typed query: its last word is a prefix.
  Task<Suggestions> suggest(std::string q, int limit);
  Task<BookRecord> book(std::int64_t id);  // kNotFound for unknown and deleted books
  Task<std::vector<GenreCount>> genres();
  Task<AuthorDetail> author(std::int64_t id);  // kNotFound
  Task<std::vector<AuthorMatch>> find_authors(std::string q, int limit);

 private:
  std::string sign_cursor(const SearchRequest& request, BookSort sort, const SearchPosition& position,
                          bool corrected) const;
  // The position and whether the first page used typo corrections; throws kBadRequest when invalid.
  std::pair<SearchPosition, bool> open_cursor(const SearchRequest& request, BookSort sort) const;

  BookSearch& search_;
  BookStore& books_;
  const Secrets& secrets_;
};

std::string_view to_string(BookSort sort) noexcept;
std::optional<BookSort> parse_book_sort(std::string_view name) noexcept;

}  // namespace bookstore::app
