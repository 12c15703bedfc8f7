#include "adapters/http/catalog_query.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "adapters/http/query_fields.hpp"
#include "adapters/http/request.hpp"
#include "adapters/mail/templates.hpp"
#include "domain/catalog/book_rules.hpp"
#include "domain/error.hpp"
#include "domain/identity/utf8.hpp"

namespace bookstore::http {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxQueryChars = 200;
constexpr std::size_t kMaxLookupChars = 100;
constexpr std::size_t kMaxListItems = 10;

}  // namespace

app::SearchRequest search_request_from(const Request& req) {
  QueryFields p(req);
  p.reject_unknown({"q", "genre", "author", "language", "price_min", "price_max", "rating_min", "year_min",
                    "year_max", "format", "in_stock", "sort", "limit", "cursor", "facets"});
  app::SearchRequest r;
  r.q = domain::trim_text(p.utf8_text("q", kMaxQueryChars).value_or(""));

  for (auto& slug : p.list("genre", kMaxListItems)) {
    if (auto problem = domain::check_genre_slug(slug)) {
      p.error("genre", "\"" + domain::trim_text(slug.substr(0, 60)) + "\": " + *problem);
      break;
    }
    r.filters.genres.push_back(std::move(slug));
  }
  for (const auto& id : p.list("author", kMaxListItems)) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (ec != std::errc() || end != id.data() + id.size() || n < 1) {
      p.error("author", "must be author ids (positive integers), comma-separated");
      break;
    }
    r.filters.authors.push_back(n);
  }
  if (auto language = p.utf8_text("language", 8)) {
    if (auto problem = domain::check_language(*language))
      p.error("language", *problem);
    else
      r.filters.language = std::move(language);
  }
  constexpr std::int64_t kMaxPrice = 1'000'000'000;
  r.filters.price_min = p.integer<std::int64_t>("price_min", 0, kMaxPrice,
                                                "must be a whole number of minor units from 0 to 1000000000");
  r.filters.price_max = p.integer<std::int64_t>("price_max", 0, kMaxPrice,
                                                "must be a whole number of minor units from 0 to 1000000000");
  if (r.filters.price_min && r.filters.price_max && *r.filters.price_min > *r.filters.price_max)
    p.error("price_min", "must not be greater than price_max");
  r.filters.rating_min = p.decimal("rating_min", 0, 5, "must be a number from 0 to 5");
  r.filters.year_min = p.integer<int>("year_min", 1, 9999, "must be a year (1 to 9999)");
  r.filters.year_max = p.integer<int>("year_max", 1, 9999, "must be a year (1 to 9999)");
  if (r.filters.year_min && r.filters.year_max && *r.filters.year_min > *r.filters.year_max)
    p.error("year_min", "must not be after year_max");
  if (auto format = p.utf8_text("format", 8)) {
    if (domain::check_format(*format))
      p.error("format", "must be epub or pdf");
    else
      r.filters.format = std::move(format);
  }
  r.filters.in_stock = p.boolean("in_stock").value_or(false);
  if (auto sort = p.utf8_text("sort", 20)) {
    r.sort = app::parse_book_sort(*sort);
    if (!r.sort)
      p.error("sort", "must be one of relevance, price_asc, price_desc, rating, newest, bestselling");
  }
  if (r.sort == app::BookSort::kRelevance && r.q.empty() && !p.failed("q"))
    p.error("sort", "relevance needs a search query (q)");
  r.limit = p.limit(20, app::kMaxSearchLimit);
  r.cursor = p.utf8_text("cursor", 200);
  if (p.failed("cursor")) r.cursor.reset();
  r.facets = p.boolean("facets").value_or(true);
  p.check();
  return r;
}

TextLookup text_lookup_from(const Request& req, int max_limit, int fallback) {
  QueryFields p(req);
  p.reject_unknown({"q", "limit"});
  TextLookup t;
  t.q = domain::trim_text(p.utf8_text("q", kMaxLookupChars).value_or(""));
  if (t.q.empty() && !p.failed("q")) p.error("q", "is required");
  t.limit = p.limit(fallback, max_limit);
  p.check();
  return t;
}

std::string marked_html(std::string_view marked) {
  std::string out;
  out.reserve(marked.size() + 32);
  std::size_t start = 0;
  for (std::size_t i = 0; i <= marked.size(); ++i) {
    if (i < marked.size() && marked[i] != app::kMarkStart && marked[i] != app::kMarkEnd) continue;
    out += mail::html_escape(marked.substr(start, i - start));
    if (i < marked.size()) out += marked[i] == app::kMarkStart ? "<mark>" : "</mark>";
    start = i + 1;
  }
  return out;
}

namespace {

json authors_json(const std::vector<app::AuthorRef>& authors) {
  json a = json::array();
  for (const auto& author : authors) a.push_back({{"id", author.id}, {"name", author.name}});
  return a;
}

json facet_values_json(const std::vector<app::FacetValue>& values) {
  json out = json::array();
  for (const auto& v : values) {
    json j = {{"value", v.value}, {"count", v.count}};
    if (!v.label.empty()) j["label"] = v.label;
    if (v.min || v.max) {
      j["min"] = v.min ? json(*v.min) : json(nullptr);
      j["max"] = v.max ? json(*v.max) : json(nullptr);
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

json hit_json(const app::BookHit& h, bool text_search) {
  json j = json::object();
  j["id"] = h.id;
  j["isbn13"] = h.isbn13;
  j["title"] = h.title;
  j["subtitle"] = h.subtitle;
  j["authors"] = authors_json(h.authors);
  json genres = json::array();
  for (const auto& g : h.genres) genres.push_back({{"id", g.id}, {"slug", g.slug}, {"name", g.name}});
  j["genres"] = std::move(genres);
  j["language"] = h.language;
  j["publication_year"] = h.publication_year ? json(*h.publication_year) : json(nullptr);
  j["price_minor"] = h.price_minor;
  j["currency"] = h.currency;
  j["format"] = h.format;
  j["in_stock"] = h.in_stock;
  j["rating"] = {{"average", std::round(h.rating_avg * 100) / 100}, {"count", h.rating_count}};
  j["sales_count"] = h.sales_count;
  j["cover_url"] = h.cover_url ? json(*h.cover_url) : json(nullptr);
  if (text_search)
    j["highlight"] = {{"title", marked_html(h.title_marked)}, {"snippet", marked_html(h.snippet_marked)}};
  else
    j["highlight"] = nullptr;
  return j;
}

json search_result_json(const app::SearchResult& r) {
  json j = json::object();
  json items = json::array();
  for (const auto& h : r.hits) items.push_back(hit_json(h, r.text_search));
  j["items"] = std::move(items);
  j["next_cursor"] = r.next_cursor ? json(*r.next_cursor) : json(nullptr);
  j["sort"] = std::string(app::to_string(r.sort));
  j["total"] = r.total ? json(*r.total) : json(nullptr);
  j["total_exact"] = r.total_exact ? json(*r.total_exact) : json(nullptr);
  if (r.facets) {
    json facets = json::object();
    for (const auto& [name, values] : *r.facets) facets[name] = facet_values_json(values);
    j["facets"] = std::move(facets);
    j["facets_exact"] = r.total_exact.value_or(true);
  } else {
    j["facets"] = nullptr;
    j["facets_exact"] = nullptr;
  }
  j["corrected_query"] = r.corrected_query ? json(*r.corrected_query) : json(nullptr);
  return j;
}

json suggestions_json(const app::Suggestions& s) {
  json books = json::array();
  for (const auto& b : s.books)
    books.push_back({{"id", b.id},
                     {"title", b.title},
                     {"authors", b.authors},
                     {"highlight", marked_html(b.title_marked)}});
  return {{"books", std::move(books)}, {"authors", authors_json(s.authors)}};
}

json genres_json(const std::vector<app::GenreCount>& genres) {
  json items = json::array();
  for (const auto& g : genres)
    items.push_back(
        {{"id", g.genre.id}, {"slug", g.genre.slug}, {"name", g.genre.name}, {"book_count", g.book_count}});
  return {{"items", std::move(items)}};
}

json author_detail_json(const app::AuthorDetail& a) {
  json books = json::array();
  for (const auto& h : a.books) books.push_back(hit_json(h, false));
  return {{"id", a.author.id},
          {"name", a.author.name},
          {"bio", a.bio},
          {"book_count", a.book_count},
          {"books", std::move(books)}};
}

json author_matches_json(const std::vector<app::AuthorMatch>& authors) {
  json items = json::array();
  for (const auto& m : authors)
    items.push_back({{"id", m.author.id}, {"name", m.author.name}, {"book_count", m.book_count}});
  return {{"items", std::move(items)}};
}

}  // namespace bookstore::http
