#pragma once
// The public catalog's reads (PRODUCT.md 3 "Search", "Filters and facets"): one page of books for a
// text query and/or filters in one of the sorts, facet counts, type-ahead, the synonyms and spelling
// corrections the query builder needs, genres and authors. The database does the linguistics (stems,
// accents, ranking); the use case (app/catalog/catalog_service) turns the typed query into to_tsquery text.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/catalog/catalog_types.hpp"
#include "app/task.hpp"

namespace bookstore::app {

// A keyset position: the sort key of the last row of the previous page (as text, exactly as the store
// returned it) and its id.
struct SearchPosition {
  std::string key;
  std::int64_t id = 0;
};

struct SearchPlan {
  std::optional<std::string> tsquery;  // to_tsquery('bookstore_english', ...) text; nullopt: browse
  BookFilters filters;
  BookSort sort = BookSort::kNewest;
  int limit = 20;                       // the page size; the store tells whether more rows follow
  std::optional<SearchPosition> after;  // the next page starts after this row
  bool facets = false;                  // also count facets and the total (the first page)
};

struct BookHit {
  std::int64_t id = 0;
  std::string isbn13;
  std::string title;
  std::string subtitle;
  std::vector<AuthorRef> authors;
  std::vector<GenreRef> genres;
  std::string language;
  std::optional<int> publication_year;
  std::int64_t price_minor = 0;
  std::string currency;
  std::string format;
  bool in_stock = true;
  double rating_avg = 0;
  std::int64_t rating_count = 0;
  std::int64_t sales_count = 0;
  std::optional<std::string> cover_url;
  // Text searches only: the title and a snippet of the description with the matched words between
  // kMarkStart and kMarkEnd (the HTTP layer escapes the text and turns the marks into <mark>).
  std::string title_marked;
  std::string snippet_marked;
  std::string sort_key;  // for SearchPosition
};

inline constexpr char kMarkStart = '\x02';
inline constexpr char kMarkEnd = '\x03';

struct FacetValue {
  std::string value;  // what the filter takes: a slug, an author id, "en", "epub", "4", "10000-24999"
  std::string label;  // for people (genre and author names); empty when value says it all
  std::int64_t count = 0;
  std::optional<std::int64_t> min, max;  // price and year buckets
};

// Facet name ("genre", "author", "language", "format", "in_stock", "rating", "price", "year") -> values.
using Facets = std::map<std::string, std::vector<FacetValue>>;

struct SearchPage {
  std::vector<BookHit> hits;
  bool more = false;  // a next page exists
  // With SearchPlan::facets: the matches counted (at most kMaxCountedMatches) and their facets; exact
  // when every match was counted.
  std::optional<Facets> facets;
  std::int64_t total = 0;
  bool exact = true;
};

// A text search ranks, pages and counts at most this many best matches (Meilisearch's maxTotalHits
// default); browsing without text counts at most this many for totals and facets.
inline constexpr std::int64_t kMaxCountedMatches = 1000;

struct Suggestion {
  std::int64_t id = 0;
  std::string title;
  std::string title_marked;
  std::vector<std::string> authors;
};

struct Suggestions {
  std::vector<Suggestion> books;
  std::vector<AuthorRef> authors;
};

struct GenreCount {
  GenreRef genre;
  std::int64_t book_count = 0;
};

struct AuthorMatch {
  AuthorRef author;
  std::int64_t book_count = 0;
};

struct AuthorDetail {
  AuthorRef author;
  std::string bio;
  std::int64_t book_count = 0;
  std::vector<BookHit> books;  // best-selling first, at most 20
};

class BookSearch {
 public:
  virtual ~BookSearch() = default;
  virtual Task<SearchPage> search(SearchPlan plan) = 0;
  // The synonym groups of the given lower-cased terms: term -> the other terms of its groups.
  virtual Task<std::map<std::string, std::vector<std::string>>> synonyms(std::vector<std::string> terms) = 0;
  // For each word that the catalog does not contain, up to 3 catalog words that look alike (nearest
  // first); known words and words with nothing close are left out.
  virtual Task<std::map<std::string, std::vector<std::string>>> corrections(
      std::vector<std::string> words) = 0;
  // Words of the catalog's titles and author names that start with `prefix` (folded), at most `limit`:
  // type-ahead matches them whole, since the stemmed text no longer holds what was typed ('runni' is
  // a prefix of 'running', stored as 'run').
  virtual Task<std::vector<std::string>> completions(std::string prefix, int limit) = 0;
  // Books whose text matches the tsquery (its last word a prefix), most relevant and popular first, and
  // authors whose name starts like `prefix` (folded).
  virtual Task<Suggestions> suggest(std::string tsquery, std::string prefix, int limit) = 0;
  virtual Task<std::vector<GenreCount>> genres() = 0;
  virtual Task<std::optional<AuthorDetail>> author(std::int64_t id) = 0;
  // Authors whose name resembles q (trigram similarity, so misspelt names still match), best first.
  virtual Task<std::vector<AuthorMatch>> find_authors(std::string q, int limit) = 0;
};

}  // namespace bookstore::app
