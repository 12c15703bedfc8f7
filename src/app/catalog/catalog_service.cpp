#include "app/catalog/catalog_service.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "domain/catalog/search_query.hpp"
#include "domain/error.hpp"

namespace bookstore::app {

namespace {

using domain::Error;
using domain::ErrorCode;

constexpr std::array<std::pair<BookSort, std::string_view>, 6> kSortNames{{
    {BookSort::kRelevance, "relevance"},
    {BookSort::kPriceAsc, "price_asc"},
    {BookSort::kPriceDesc, "price_desc"},
    {BookSort::kRating, "rating"},
    {BookSort::kNewest, "newest"},
    {BookSort::kBestSelling, "bestselling"},
}};

Error bad_cursor() {
  return Error(ErrorCode::kBadRequest, "The cursor is not valid for this search",
               {{"cursor", "is not a cursor of this search; start again without it"}});
}

// Everything a cursor is bound to, in a fixed order and unambiguous (each part ends with '\n').
std::string search_identity(const SearchRequest& r, BookSort sort) {
  std::string s = "q=" + r.q + "\nsort=" + std::string(to_string(sort)) + "\ngenres=";
  for (const auto& g : r.filters.genres) s += g + ",";
  s += "\nauthors=";
  for (auto a : r.filters.authors) s += std::to_string(a) + ",";
  auto opt = [&](std::string_view name, const auto& v) {
    s += name;
    s += '=';
    if (v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>)
        s += *v;
      else
        s += std::to_string(*v);
    }
    s += '\n';
  };
  opt("\nlanguage", r.filters.language);
  opt("price_min", r.filters.price_min);
  opt("price_max", r.filters.price_max);
  opt("rating_min", r.filters.rating_min);
  opt("year_min", r.filters.year_min);
  opt("year_max", r.filters.year_max);
  opt("format", r.filters.format);
  s += r.filters.in_stock ? "in_stock=1\n" : "in_stock=0\n";
  s += "limit=" + std::to_string(r.limit) + "\n";
  return s;
}

// A sort key as the store returns it: a decimal or float text. Anything else cannot be a position.
bool plausible_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > 40) return false;
  for (char c : key) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    if (!ok) return false;
  }
  return true;
}

// How many books a page shows were found: the count when it was made, else at least what is on the page.
std::int64_t found(const SearchPage& page) {
  return page.facets ? page.total : static_cast<std::int64_t>(page.hits.size()) + (page.more ? 1 : 0);
}

bool too_few(const SearchPage& page) {
  return found(page) < kTooFewMatches;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    parts.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

std::string_view to_string(BookSort sort) noexcept {
  for (const auto& [value, name] : kSortNames)
    if (value == sort) return name;
  return "newest";
}

std::optional<BookSort> parse_book_sort(std::string_view name) noexcept {
  for (const auto& [value, n] : kSortNames)
    if (n == name) return value;
  return std::nullopt;
}

std::string CatalogService::sign_cursor(const SearchRequest& request, BookSort sort,
                                        const SearchPosition& position, bool corrected) const {
  std::string payload = std::string(to_string(sort)) + "~" + position.key + "~" +
                        std::to_string(position.id) + "~" + (corrected ? "c" : "p");
  std::string mac =
      secrets_.digest("catalog-cursor\n" + search_identity(request, sort) + payload).substr(0, 32);
  return payload + "~" + mac;
}

std::pair<SearchPosition, bool> CatalogService::open_cursor(const SearchRequest& request,
                                                            BookSort sort) const {
  const std::string& cursor = *request.cursor;
  if (cursor.size() > 200) throw bad_cursor();
  auto parts = split(cursor, '~');
  if (parts.size() != 5) throw bad_cursor();
  if (parts[0] != to_string(sort)) throw bad_cursor();
  if (!plausible_key(parts[1])) throw bad_cursor();
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), id);
  if (ec != std::errc() || end != parts[2].data() + parts[2].size() || id < 1) throw bad_cursor();
  if (parts[3] != "c" && parts[3] != "p") throw bad_cursor();
  SearchPosition position{parts[1], id};
  // Recompute the signature over exactly what was parsed; a different search gives another one.
  if (sign_cursor(request, sort, position, parts[3] == "c") != cursor) throw bad_cursor();
  return {std::move(position), parts[3] == "c"};
}

Task<SearchResult> CatalogService::search(SearchRequest request) {
  if (request.sort == BookSort::kRelevance && request.q.empty())
    throw Error::validation({{"sort", "relevance needs a search query (q)"}});
  // A query of punctuation only has no words to search for: it browses (relevance means newest then).
  domain::SearchQuery query;
  if (!request.q.empty()) query = domain::parse_search_query(request.q);
  const bool text_search = !query.clauses.empty();
  BookSort sort = request.sort.value_or(text_search ? BookSort::kRelevance : BookSort::kNewest);
  if (sort == BookSort::kRelevance && !text_search) sort = BookSort::kNewest;

  std::optional<SearchPosition> after;
  bool corrected = false;
  if (request.cursor) std::tie(after, corrected) = open_cursor(request, sort);
  const bool first_page = !after;

  SearchPlan plan;
  plan.filters = request.filters;
  plan.sort = sort;
  plan.limit = request.limit;
  plan.after = after;
  // Facets and the total are one more pass over the matches (~20% of a common word's search): only when
  // asked for.
  plan.facets = first_page && request.facets;

  domain::SynonymMap synonyms;
  if (text_search) {
    auto keys = domain::synonym_candidates(query);
    if (!keys.empty()) synonyms = co_await search_.synonyms(std::move(keys));
  }
  domain::Corrections fixes;
  if (text_search) {
    if (corrected) {
      auto words = domain::typo_candidates(query);
      if (!words.empty()) fixes = co_await search_.corrections(std::move(words));
    }
    plan.tsquery = domain::to_tsquery_text(query, synonyms, fixes, false);
  }

  SearchPage page = co_await search_.search(plan);

  // Too little found: try again with misspelt words' look-alikes as alternatives (first page only; later
  // pages know from their cursor).
  if (text_search && first_page && too_few(page)) {
    auto words = domain::typo_candidates(query);
    if (!words.empty()) fixes = co_await search_.corrections(std::move(words));
    if (!fixes.empty()) {
      plan.tsquery = domain::to_tsquery_text(query, synonyms, fixes, false);
      SearchPage retry = co_await search_.search(plan);
      if (found(retry) > found(page)) {
        page = std::move(retry);
        corrected = true;
      }
    }
  }

  SearchResult result;
  result.sort = sort;
  result.text_search = text_search;
  if (plan.facets) {
    result.total = page.total;
    result.total_exact = page.exact;
    result.facets = std::move(page.facets);
  }
  if (corrected) result.corrected_query = domain::corrected_text(query, fixes);
  if (page.more && !page.hits.empty()) {
    const BookHit& last = page.hits.back();
    SearchPosition position{last.sort_key, last.id};
    result.next_cursor = sign_cursor(request, sort, position, corrected);
  }
  result.hits = std::move(page.hits);
  co_return result;
}

Task<Suggestions> CatalogService::suggest(std::string q, int limit) {
  auto query = domain::parse_search_query(q);
  if (!domain::has_positive_terms(query)) co_return Suggestions{};
  // The last word typed, for author names that start with it.
  std::string prefix;
  for (auto it = query.clauses.rbegin(); it != query.clauses.rend() && prefix.empty(); ++it) {
    if (!it->negated && !it->alternatives.empty() && !it->alternatives.front().words.empty())
      prefix = it->alternatives.front().words.back();
  }
  // It matches as a prefix of the stemmed text and, through the word list, as the start of whole words.
  domain::Corrections completions;
  if (!prefix.empty()) {
    auto words = co_await search_.completions(prefix, kMaxCompletions);
    if (!words.empty()) completions[prefix] = std::move(words);
  }
  std::string tsquery = domain::to_tsquery_text(query, {}, completions, true);
  co_return co_await search_.suggest(std::move(tsquery), std::move(prefix), limit);
}

Task<BookRecord> CatalogService::book(std::int64_t id) {
  auto found = co_await books_.find(id, false);
  if (!found) throw Error::not_found("No such book");
  co_return std::move(*found);
}

Task<std::vector<GenreCount>> CatalogService::genres() {
  co_return co_await search_.genres();
}

Task<AuthorDetail> CatalogService::author(std::int64_t id) {
  auto found = co_await search_.author(id);
  if (!found) throw Error::not_found("No such author");
  co_return std::move(*found);
}

Task<std::vector<AuthorMatch>> CatalogService::find_authors(std::string q, int limit) {
  co_return co_await search_.find_authors(std::move(q), limit);
}

}  // namespace bookstore::app
