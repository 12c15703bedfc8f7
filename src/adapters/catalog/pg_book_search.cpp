#include "adapters/catalog/pg_book_search.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <nlohmann/json.hpp>

#include "adapters/jobs/queue.hpp"

namespace bookstore::catalog {

namespace {

using json = nlohmann::json;
using app::BookSort;

// ---- statement fragments (constants; input only ever travels as parameters) ----
//
// Parameters of every search statement:
//   $1 tsquery text (NULL: browse)   $2 genre ids integer[]   $3 author ids bigint[]   $4 language
//   $5 price_min   $6 price_max   $7 rating_min   $8 year_min   $9 year_max   $10 format   $11 in_stock
//   $12 the previous page's last sort key (text, NULL: first page)   $13 its id   $14 rows to return

constexpr std::string_view kQuery = "to_tsquery('bookstore_english', $1::text)";

// Several genres: books that have all of them. The ids come as a value (kGenreIds before), so that the
// planner sees which genre it is: looked up in a subquery, romance's 123k books were estimated at 5k
// and the plan scanned the whole genre (~0.9 s at 1M books) instead of filtering the ranked scan.
constexpr std::string_view kFilters = R"(b.deleted_at IS NULL
   AND ($2::integer[] IS NULL OR b.genre_ids @> $2::integer[])
   AND ($3::bigint[] IS NULL OR b.author_ids @> $3::bigint[])
   AND ($4::text IS NULL OR b.language = $4::text)
   AND ($5::bigint IS NULL OR b.price_minor >= $5::bigint)
   AND ($6::bigint IS NULL OR b.price_minor <= $6::bigint)
   AND ($7::real IS NULL OR b.rating_avg >= $7::real)
   AND ($8::integer IS NULL OR b.publication_year >= $8::integer)
   AND ($9::integer IS NULL OR b.publication_year <= $9::integer)
   AND ($10::text IS NULL OR b.format = $10::text)
   AND (NOT $11::boolean OR b.stock IS NULL OR b.stock > 0))";

// The columns a page row needs (read from books b; the search adds score).
constexpr std::string_view kRowColumns =
    "b.id, b.isbn13, b.title, b.subtitle, b.description, b.author_ids, b.genre_ids, b.language, "
    "b.publication_year, b.price_minor, b.currency, b.format, b.stock, b.rating_avg, b.rating_count, "
    "b.sales_count, b.cover_url";

// Relevance blends the text rank (1 / RUM distance) with popularity (sales, logarithmic) and the rating
// (Bayesian: 20 imaginary votes of 3.5 pull books with few ratings to the middle). Each factor stays
// within about x0.8..x1.6, so text relevance leads and popularity breaks near-ties.
constexpr std::string_view kScore =
    "(1.0 / c.dist::float8) * (1 + 0.05 * ln(2 + b.sales_count)) * "
    "(0.8 + 0.05 * ((b.rating_avg * b.rating_count + 70.0) / (b.rating_count + 20)))";

struct SortSql {
  std::string_view key;    // the keyset column, rendered as text into sort_key
  std::string_view order;  // ORDER BY of the rows (s.)
  std::string_view after;  // rows after ($12, $13)
};

SortSql sort_sql(BookSort sort) {
  switch (sort) {
    case BookSort::kRelevance:
      return {"s.score", "s.score DESC, s.id DESC", "(s.score, s.id) < ($12::float8, $13::bigint)"};
    case BookSort::kPriceAsc:
      return {"s.price_minor", "s.price_minor, s.id", "(s.price_minor, s.id) > ($12::bigint, $13::bigint)"};
    case BookSort::kPriceDesc:
      return {"s.price_minor", "s.price_minor DESC, s.id DESC",
              "(s.price_minor, s.id) < ($12::bigint, $13::bigint)"};
    case BookSort::kRating:
      return {"s.rating_avg", "s.rating_avg DESC, s.id DESC",
              "(s.rating_avg, s.id) < ($12::real, $13::bigint)"};
    case BookSort::kNewest:
      return {"coalesce(s.publication_year, 0)", "coalesce(s.publication_year, 0) DESC, s.id DESC",
              "(coalesce(s.publication_year, 0), s.id) < ($12::integer, $13::bigint)"};
    case BookSort::kBestSelling:
      return {"s.sales_count", "s.sales_count DESC, s.id DESC",
              "(s.sales_count, s.id) < ($12::bigint, $13::bigint)"};
  }
  return sort_sql(BookSort::kNewest);
}

// Facets over m (the counted matches): one pass of GROUPING SETS for the one-valued attributes, one
// aggregate each for genres and authors (several per book), as one JSON object.
constexpr std::string_view kFacetsCte = R"(facets AS (
  SELECT json_build_object(
    'total', (SELECT count(*) FROM m),
    'genre', (SELECT json_agg(json_build_array(x.slug, x.name, x.n) ORDER BY x.n DESC, x.slug)
                FROM (SELECT g.slug, g.name, count(*) AS n FROM m, unnest(m.genre_ids) AS gi(id)
                        JOIN genres g ON g.id = gi.id GROUP BY g.slug, g.name
                       ORDER BY n DESC, g.slug LIMIT 20) x),
    'author', (SELECT json_agg(json_build_array(x.id::text, x.name, x.n) ORDER BY x.n DESC, x.id)
                 FROM (SELECT a.id, a.name, count(*) AS n FROM m, unnest(m.author_ids) AS ai(id)
                         JOIN authors a ON a.id = ai.id GROUP BY a.id, a.name
                        ORDER BY n DESC, a.id LIMIT 20) x),
    'grouped', (SELECT json_agg(json_build_array(y.facet, y.value, y.n))
                  FROM (SELECT CASE WHEN GROUPING(language) = 0 THEN 'language'
                                    WHEN GROUPING(format) = 0 THEN 'format'
                                    WHEN GROUPING(in_stock) = 0 THEN 'in_stock'
                                    WHEN GROUPING(rating) = 0 THEN 'rating'
                                    WHEN GROUPING(price_bucket) = 0 THEN 'price'
                                    ELSE 'year' END AS facet,
                               CASE WHEN GROUPING(language) = 0 THEN language
                                    WHEN GROUPING(format) = 0 THEN format
                                    WHEN GROUPING(in_stock) = 0 THEN in_stock::text
                                    WHEN GROUPING(rating) = 0 THEN rating::text
                                    WHEN GROUPING(price_bucket) = 0 THEN price_bucket::text
                                    ELSE decade::text END AS value,
                               count(*) AS n
                          FROM m
                         GROUP BY GROUPING SETS ((language), (format), (in_stock), (rating), (price_bucket),
                                                 (decade))) y)) AS js))";

constexpr std::string_view kFacetColumns =
    "b.genre_ids, b.author_ids, b.language, b.format, (b.stock IS NULL OR b.stock > 0) AS in_stock, "
    "floor(b.rating_avg)::integer AS rating, "
    "width_bucket(b.price_minor, ARRAY[10000, 25000, 50000, 100000]::bigint[]) AS price_bucket, "
    "b.publication_year / 10 * 10 AS decade";

// The page's rows with their authors, genres and highlights (ts_headline on these rows only).
std::string final_select(bool text, std::string_view order) {
  std::string highlight_title =
      text ? "ts_headline('bookstore_english', p.title, " + std::string(kQuery) +
                 ", 'HighlightAll=true, StartSel=' || chr(2) || ', StopSel=' || chr(3))"
           : std::string("p.title");
  std::string snippet = text ? "ts_headline('bookstore_english', p.description, " + std::string(kQuery) +
                                   ", 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \", "
                                   "StartSel=' || chr(2) || "
                                   "', StopSel=' || chr(3))"
                             : std::string("left(p.description, 200)");
  std::string order_p(order);
  for (std::size_t pos = 0; (pos = order_p.find("s.", pos)) != std::string::npos; pos += 2)
    order_p[pos] = 'p';
  return "SELECT p.id, p.isbn13, p.title, p.subtitle, "
         "(SELECT json_agg(json_build_array(a.id, a.name) ORDER BY u.n) "
         "FROM unnest(p.author_ids) WITH ORDINALITY AS u(id, n) JOIN authors a ON a.id = u.id)::text, "
         "(SELECT json_agg(json_build_array(g.id, g.slug, g.name) ORDER BY g.id) "
         "FROM genres g WHERE g.id = ANY(p.genre_ids))::text, "
         "p.language, p.publication_year, p.price_minor, p.currency, p.format, (p.stock IS NULL OR p.stock > "
         "0), "
         "p.rating_avg, p.rating_count, p.sales_count, p.cover_url, " +
         highlight_title + ", " + snippet + ", p.sort_key, row_number() OVER (ORDER BY " + order_p +
         ") AS rn FROM page p ORDER BY " + order_p;
}

std::string search_sql(BookSort sort, bool text, bool facets) {
  const SortSql s = sort_sql(sort);
  std::string sql = "WITH ";
  if (text) {
    sql += "cand AS MATERIALIZED (SELECT b.id, b.search <=> " + std::string(kQuery) +
           " AS dist FROM books b WHERE b.search @@ " + std::string(kQuery) + " AND " +
           std::string(kFilters) + " ORDER BY b.search <=> " + std::string(kQuery) + " LIMIT " +
           std::to_string(app::kMaxCountedMatches + 1) + "),\n";
    sql += "s AS (SELECT " + std::string(kRowColumns) + ", " + std::string(kScore) +
           " AS score FROM (SELECT * FROM cand ORDER BY dist LIMIT " +
           std::to_string(app::kMaxCountedMatches) + ") c JOIN books b ON b.id = c.id),\n";
    sql += "page AS (SELECT s.*, (" + std::string(s.key) +
           ")::text AS sort_key FROM s WHERE ($12::text IS NULL OR " + std::string(s.after) + ") ORDER BY " +
           std::string(s.order) + " LIMIT $14::integer)";
    if (facets)
      sql += ",\nm AS (SELECT " + std::string(kFacetColumns) +
             " FROM cand c JOIN books b ON b.id = c.id),\n" + std::string(kFacetsCte);
  } else {
    sql += "s AS (SELECT " + std::string(kRowColumns) + " FROM books b WHERE $1::text IS NULL AND " +
           std::string(kFilters) + "),\n";
    sql += "page AS (SELECT s.*, (" + std::string(s.key) +
           ")::text AS sort_key FROM s WHERE ($12::text IS NULL OR " + std::string(s.after) + ") ORDER BY " +
           std::string(s.order) + " LIMIT $14::integer)";
    if (facets)
      sql += ",\nm AS MATERIALIZED (SELECT " + std::string(kFacetColumns) + " FROM books b WHERE " +
             std::string(kFilters) + " LIMIT " + std::to_string(app::kMaxCountedMatches + 1) + "),\n" +
             std::string(kFacetsCte);
  }
  sql += "\n";
  if (facets)
    sql += "SELECT r.*, facets.js::text FROM facets LEFT JOIN (" + final_select(text, s.order) +
           ") r ON true ORDER BY r.rn";
  else
    sql += final_select(text, s.order);
  return sql;
}

}  // namespace

// Every statement text, made once: [sort][text][facets].
const std::string& search_statement(BookSort sort, bool text, bool facets) {
  static const auto all = [] {
    std::array<std::array<std::array<std::string, 2>, 2>, 6> s;
    for (int i = 0; i < 6; ++i)
      for (int t = 0; t < 2; ++t)
        for (int f = 0; f < 2; ++f) s[i][t][f] = search_sql(static_cast<BookSort>(i), t == 1, f == 1);
    return s;
  }();
  return all[static_cast<int>(sort)][text ? 1 : 0][facets ? 1 : 0];
}

namespace {

std::vector<app::AuthorRef> authors_from(std::string_view text) {
  std::vector<app::AuthorRef> out;
  if (text.empty()) return out;
  for (const auto& a : json::parse(text))
    out.push_back({a.at(0).get<std::int64_t>(), a.at(1).get<std::string>()});
  return out;
}

std::vector<app::GenreRef> genres_from(std::string_view text) {
  std::vector<app::GenreRef> out;
  if (text.empty()) return out;
  for (const auto& g : json::parse(text))
    out.push_back({g.at(0).get<std::int32_t>(), g.at(1).get<std::string>(), g.at(2).get<std::string>()});
  return out;
}

// Columns 0..18 of final_select() (19 is the row number, 20 the facets of the first page).
app::BookHit hit_at(const pg::Result& r, int row) {
  app::BookHit h;
  h.id = r.int64(row, 0);
  h.isbn13 = std::string(r.text(row, 1));
  h.title = std::string(r.text(row, 2));
  h.subtitle = std::string(r.text(row, 3));
  h.authors = authors_from(r.text(row, 4));
  h.genres = genres_from(r.text(row, 5));
  h.language = std::string(r.text(row, 6));
  if (!r.is_null(row, 7)) h.publication_year = static_cast<int>(r.int64(row, 7));
  h.price_minor = r.int64(row, 8);
  h.currency = std::string(r.text(row, 9));
  h.format = std::string(r.text(row, 10));
  h.in_stock = r.boolean(row, 11);
  h.rating_avg = r.float64(row, 12);
  h.rating_count = r.int64(row, 13);
  h.sales_count = r.int64(row, 14);
  h.cover_url = r.optional_text(row, 15);
  h.title_marked = std::string(r.text(row, 16));
  h.snippet_marked = std::string(r.text(row, 17));
  h.sort_key = std::string(r.text(row, 18));
  return h;
}

app::FacetValue facet(std::string value, std::string label, std::int64_t count) {
  app::FacetValue v;
  v.value = std::move(value);
  v.label = std::move(label);
  v.count = count;
  return v;
}

constexpr std::array<std::int64_t, 5> kPriceBounds{0, 10000, 25000, 50000, 100000};

// The facets JSON of kFacetsCte -> app::Facets; the total of the counted matches.
app::Facets facets_from(const json& js, std::int64_t& counted) {
  app::Facets facets;
  counted = js.at("total").get<std::int64_t>();
  for (const char* name : {"genre", "author", "language", "format", "in_stock", "rating", "price", "year"})
    facets[name];
  if (js.at("genre").is_array())
    for (const auto& v : js["genre"])
      facets["genre"].push_back(
          facet(v.at(0).get<std::string>(), v.at(1).get<std::string>(), v.at(2).get<std::int64_t>()));
  if (js.at("author").is_array())
    for (const auto& v : js["author"])
      facets["author"].push_back(
          facet(v.at(0).get<std::string>(), v.at(1).get<std::string>(), v.at(2).get<std::int64_t>()));
  std::array<std::int64_t, 6> by_floor{};  // books with floor(rating) = i
  if (js.at("grouped").is_array()) {
    for (const auto& v : js["grouped"]) {
      if (v.at(1).is_null()) continue;  // e.g. books without a year
      const auto name = v.at(0).get<std::string>();
      const auto value = v.at(1).get<std::string>();
      const auto n = v.at(2).get<std::int64_t>();
      if (name == "rating") {
        int f = std::stoi(value);
        if (f >= 0 && f <= 5) by_floor[static_cast<std::size_t>(f)] += n;
      } else if (name == "price") {
        // width_bucket over the bounds after 0: bucket b is the range starting at kPriceBounds[b].
        int b = std::stoi(value);
        if (b < 0 || b > 4) continue;
        app::FacetValue fv;
        fv.min = kPriceBounds[static_cast<std::size_t>(b)];
        if (b < 4) fv.max = kPriceBounds[static_cast<std::size_t>(b + 1)] - 1;
        fv.value = std::to_string(*fv.min) + "-" + (fv.max ? std::to_string(*fv.max) : std::string());
        fv.count = n;
        facets["price"].push_back(std::move(fv));
      } else if (name == "year") {
        app::FacetValue fv;
        int decade = std::stoi(value);
        fv.min = decade;
        fv.max = decade + 9;
        fv.value = std::to_string(decade) + "-" + std::to_string(decade + 9);
        fv.count = n;
        facets["year"].push_back(std::move(fv));
      } else if (name == "in_stock") {
        if (value == "true") facets["in_stock"].push_back(facet("true", "", n));
      } else {
        facets[name].push_back(facet(value, "", n));
      }
    }
  }
  // Minimum rating: books rated at least 4, 3, 2, 1 (cumulative, like the rating_min filter).
  std::int64_t at_least = by_floor[5];
  for (int r = 4; r >= 1; --r) {
    at_least += by_floor[static_cast<std::size_t>(r)];
    if (at_least > 0) facets["rating"].push_back(facet(std::to_string(r), "", at_least));
  }
  auto by_count = [](const app::FacetValue& a, const app::FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::sort(facets["language"].begin(), facets["language"].end(), by_count);
  std::sort(facets["format"].begin(), facets["format"].end(), by_count);
  auto by_min = [](const app::FacetValue& a, const app::FacetValue& b) { return a.min < b.min; };
  std::sort(facets["price"].begin(), facets["price"].end(), by_min);
  std::sort(facets["year"].begin(), facets["year"].end(),
            [](const auto& a, const auto& b) { return a.min > b.min; });
  return facets;
}

constexpr std::string_view kSearchSettings =
    "SET LOCAL plan_cache_mode = force_custom_plan; SET TRANSACTION READ ONLY";

// The live genres' ids of the slugs; '{0}' (no genre has id 0, so nothing matches) when any is unknown.
constexpr std::string_view kGenreIds = R"(
SELECT coalesce((SELECT array_agg(g.id ORDER BY g.id) FROM genres g
                  WHERE g.slug = ANY($1::text[]) AND g.deleted_at IS NULL
                 HAVING count(*) = cardinality($1::text[])), '{0}')::text)";

constexpr std::string_view kSynonyms = R"(
SELECT k.term, o.term
  FROM unnest($1::text[]) AS k(term)
  JOIN search_synonyms s ON catalog_fold(s.term) = catalog_fold(k.term)
  JOIN search_synonyms o ON o.group_id = s.group_id AND catalog_fold(o.term) <> catalog_fold(k.term)
 ORDER BY k.term, o.term)";

// Words the catalog does not know get up to three look-alikes (trigram similarity >= 0.4, nearest first).
constexpr std::string_view kCorrections = R"(
SELECT w.word, c.word
  FROM unnest($1::text[]) AS w(word)
  CROSS JOIN LATERAL (SELECT cw.word, cw.word <-> catalog_fold(w.word) AS distance
                        FROM catalog_words cw
                       ORDER BY cw.word <-> catalog_fold(w.word) LIMIT 3) c
 WHERE NOT EXISTS (SELECT 1 FROM catalog_words k WHERE k.word = catalog_fold(w.word))
   AND c.distance <= 0.6
 ORDER BY w.word, c.distance, c.word)";

// A range over the primary key: under the cluster's C.UTF-8 collation words sort by code point, so
// everything that starts with the prefix lies between it and the prefix followed by the last code point.
constexpr std::string_view kCompletions = R"(
SELECT word FROM catalog_words
 WHERE word >= catalog_fold($1::text) AND word < catalog_fold($1::text) || chr(1114111)
 ORDER BY word LIMIT $2::integer)";

// The 50 best text matches by the index, then the most popular of those first.
constexpr std::string_view kSuggestBooks = R"(
SELECT b.id, b.title,
       ts_headline('bookstore_english', b.title, to_tsquery('bookstore_english', $1::text),
                   'HighlightAll=true, StartSel=' || chr(2) || ', StopSel=' || chr(3)),
       (SELECT json_agg(a.name ORDER BY u.n) FROM unnest(b.author_ids) WITH ORDINALITY AS u(id, n)
          JOIN authors a ON a.id = u.id)::text
  FROM (SELECT id, search <=> to_tsquery('bookstore_english', $1::text) AS dist FROM books
         WHERE deleted_at IS NULL AND search @@ to_tsquery('bookstore_english', $1::text)
         ORDER BY search <=> to_tsquery('bookstore_english', $1::text) LIMIT 50) c
  JOIN books b ON b.id = c.id
 ORDER BY (1.0 / c.dist::float8) * (1 + 0.05 * ln(2 + b.sales_count)) DESC, b.id
 LIMIT $2::integer)";

constexpr std::string_view kFindAuthors =
    "SELECT id, name, book_count FROM catalog_find_authors($1::text, $2::integer)";

constexpr std::string_view kGenres = R"(
SELECT g.id, g.slug, g.name, count(bg.book_id) FILTER (WHERE b.id IS NOT NULL)
  FROM genres g
  LEFT JOIN book_genres bg ON bg.genre_id = g.id
  LEFT JOIN books b ON b.id = bg.book_id AND b.deleted_at IS NULL
 WHERE g.deleted_at IS NULL
 GROUP BY g.id
 ORDER BY g.name)";

constexpr std::string_view kAuthor = R"(
SELECT a.id, a.name, a.bio,
       (SELECT count(*) FROM books b WHERE b.author_ids @> ARRAY[a.id] AND b.deleted_at IS NULL)
  FROM authors a WHERE a.id = $1::bigint AND a.deleted_at IS NULL)";

}  // namespace

Task<app::SearchPage> PgBookSearch::search(app::SearchPlan plan) {
  // One read-only transaction on a connection of its own: a search takes tens of milliseconds, which
  // would hold up every statement queued behind it on a shared pipelined connection, and SET LOCAL makes
  // PostgreSQL plan it for its values every time. With the generic plan a prepared statement falls back
  // to after five runs, the ranked RUM scan became a bitmap scan and sort (13 -> 100+ ms at 20k books).
  seen("begin", "BEGIN");
  auto page = co_await pool_.transaction([&](pg::Connection& tx) -> Task<app::SearchPage> {
    seen("settings", kSearchSettings);
    co_await tx.execute_script(kSearchSettings);
    pg::Param genre_ids;
    if (!plan.filters.genres.empty()) {
      std::vector<pg::Param> slugs{jobs::array_literal(plan.filters.genres)};
      seen("genres", kGenreIds, slugs);
      auto ids = co_await tx.query_params(kGenreIds, slugs);
      genre_ids = std::string(ids.text(0, 0));
    }
    co_return co_await run_search(tx, plan, std::move(genre_ids));
  });
  seen("commit", "COMMIT");
  co_return page;
}

Task<app::SearchPage> PgBookSearch::run_search(pg::Connection& tx, app::SearchPlan plan,
                                               pg::Param genre_ids) {
  const bool text = plan.tsquery.has_value();
  const auto& f = plan.filters;
  std::vector<pg::Param> params{
      pg::to_param(plan.tsquery),
      std::move(genre_ids),
      f.authors.empty() ? pg::Param{} : pg::Param{jobs::array_literal(f.authors)},
      pg::to_param(f.language),
      pg::to_param(f.price_min),
      pg::to_param(f.price_max),
      pg::to_param(f.rating_min),
      pg::to_param(f.year_min),
      pg::to_param(f.year_max),
      pg::to_param(f.format),
      pg::to_param(f.in_stock),
      plan.after ? pg::Param{plan.after->key} : pg::Param{},
      plan.after ? pg::to_param(plan.after->id) : pg::Param{},
      pg::to_param(plan.limit + 1),
  };
  const std::string& sql = search_statement(plan.sort, text, plan.facets);
  seen("search", sql, params);
  pg::Result r = co_await tx.query_params(sql, params);

  app::SearchPage page;
  const int rows = r.rows();
  for (int i = 0; i < rows; ++i) {
    if (r.is_null(i, 0)) continue;  // the facets row of an empty page
    if (static_cast<int>(page.hits.size()) == plan.limit) {
      page.more = true;
      break;
    }
    page.hits.push_back(hit_at(r, i));
  }
  if (plan.facets && rows > 0) {
    std::int64_t counted = 0;
    page.facets = facets_from(json::parse(r.text(0, 20)), counted);
    page.exact = counted <= app::kMaxCountedMatches;
    page.total = std::min(counted, app::kMaxCountedMatches);
  }
  co_return page;
}

Task<std::map<std::string, std::vector<std::string>>> PgBookSearch::synonyms(std::vector<std::string> terms) {
  std::map<std::string, std::vector<std::string>> out;
  if (terms.empty()) co_return out;
  std::vector<pg::Param> params{jobs::array_literal(terms)};
  seen("synonyms", kSynonyms, params);
  auto r = co_await pool_.query_params(kSynonyms, params);
  for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))].emplace_back(r.text(i, 1));
  co_return out;
}

Task<std::map<std::string, std::vector<std::string>>> PgBookSearch::corrections(
    std::vector<std::string> words) {
  std::map<std::string, std::vector<std::string>> out;
  if (words.empty()) co_return out;
  std::vector<pg::Param> params{jobs::array_literal(words)};
  seen("corrections", kCorrections, params);
  auto r = co_await pool_.query_params(kCorrections, params);
  for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))].emplace_back(r.text(i, 1));
  co_return out;
}

Task<std::vector<std::string>> PgBookSearch::completions(std::string prefix, int limit) {
  std::vector<std::string> out;
  if (prefix.empty()) co_return out;
  auto r = co_await pool_.query(kCompletions, prefix, limit);
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
  co_return out;
}

Task<app::Suggestions> PgBookSearch::suggest(std::string tsquery, std::string prefix, int limit) {
  app::Suggestions out;
  auto books = co_await pool_.query(kSuggestBooks, tsquery, limit);
  for (int i = 0; i < books.rows(); ++i) {
    app::Suggestion s;
    s.id = books.int64(i, 0);
    s.title = std::string(books.text(i, 1));
    s.title_marked = std::string(books.text(i, 2));
    if (!books.is_null(i, 3))
      for (const auto& name : json::parse(books.text(i, 3))) s.authors.push_back(name.get<std::string>());
    out.books.push_back(std::move(s));
  }
  if (prefix.size() >= 3) {
    auto authors = co_await pool_.query(kFindAuthors, prefix, limit);
    for (int i = 0; i < authors.rows(); ++i)
      out.authors.push_back({authors.int64(i, 0), std::string(authors.text(i, 1))});
  }
  co_return out;
}

Task<std::vector<app::GenreCount>> PgBookSearch::genres() {
  {
    std::lock_guard lock(genres_mutex_);
    if (!genres_cache_.empty() && std::chrono::steady_clock::now() - genres_loaded_ < std::chrono::minutes(1))
      co_return genres_cache_;
  }
  auto r = co_await pool_.query(kGenres);
  std::vector<app::GenreCount> out;
  for (int i = 0; i < r.rows(); ++i) {
    app::GenreCount g;
    g.genre = {static_cast<std::int32_t>(r.int64(i, 0)), std::string(r.text(i, 1)),
               std::string(r.text(i, 2))};
    g.book_count = r.int64(i, 3);
    out.push_back(std::move(g));
  }
  std::lock_guard lock(genres_mutex_);
  genres_cache_ = out;
  genres_loaded_ = std::chrono::steady_clock::now();
  co_return out;
}

Task<std::optional<app::AuthorDetail>> PgBookSearch::author(std::int64_t id) {
  auto r = co_await pool_.query(kAuthor, id);
  if (r.rows() == 0) co_return std::nullopt;
  app::AuthorDetail d;
  d.author = {r.int64(0, 0), std::string(r.text(0, 1))};
  d.bio = std::string(r.text(0, 2));
  d.book_count = r.int64(0, 3);
  app::SearchPlan plan;
  plan.filters.authors = {id};
  plan.sort = BookSort::kBestSelling;
  plan.limit = 20;
  auto page = co_await search(std::move(plan));
  d.books = std::move(page.hits);
  co_return d;
}

Task<std::vector<app::AuthorMatch>> PgBookSearch::find_authors(std::string q, int limit) {
  auto r = co_await pool_.query(kFindAuthors, q, limit);
  std::vector<app::AuthorMatch> out;
  for (int i = 0; i < r.rows(); ++i) {
    app::AuthorMatch m;
    m.author = {r.int64(i, 0), std::string(r.text(i, 1))};
    m.book_count = r.int64(i, 2);
    out.push_back(std::move(m));
  }
  co_return out;
}

}  // namespace bookstore::catalog
