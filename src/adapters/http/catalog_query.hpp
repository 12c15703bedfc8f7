#pragma once
// The public catalog's query strings -> the use case's inputs, and its results -> JSON. Every parameter
// is checked and every problem reported at once as a 422 naming the parameter; unknown parameters are
// refused too (a misspelt filter must not silently match everything).
//
// GET /books: q (<= 200 characters), genre (slugs, comma-separated: books with all of them), author (ids,
// likewise), language, price_min, price_max (minor units), rating_min (0..5), year_min, year_max, format,
// in_stock (true|false), sort, limit (1..100, default 20), cursor, facets (true|false).
#include <string>

#include <nlohmann/json.hpp>

#include "app/catalog/catalog_service.hpp"

namespace bookstore::http {

class Request;

app::SearchRequest search_request_from(const Request& req);

// GET /books/suggest and /authors: q (required, <= 100 characters), limit (1..max, default `fallback`).
struct TextLookup {
  std::string q;
  int limit = 5;
};
TextLookup text_lookup_from(const Request& req, int max_limit, int fallback);

// Text with kMarkStart/kMarkEnd around matches -> HTML-escaped text with <mark>...</mark>.
std::string marked_html(std::string_view marked);

nlohmann::json search_result_json(const app::SearchResult& result);
nlohmann::json hit_json(const app::BookHit& hit, bool text_search);
nlohmann::json suggestions_json(const app::Suggestions& s);
nlohmann::json genres_json(const std::vector<app::GenreCount>& genres);
nlohmann::json author_detail_json(const app::AuthorDetail& author);
nlohmann::json author_matches_json(const std::vector<app::AuthorMatch>& authors);

}  // namespace bookstore::http
