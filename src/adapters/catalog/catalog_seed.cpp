#include "adapters/catalog/catalog_seed.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "adapters/catalog/catalog_seed_demo.hpp"
#include "adapters/catalog/catalog_seed_words.hpp"
#include "domain/catalog/isbn.hpp"
#include "domain/error.hpp"

namespace bookstore::catalog {

namespace {

namespace w = seed_words;
using Clock = std::chrono::steady_clock;

// --- deterministic randomness -------------------------------------------------------------------------

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// splitmix64. Each generated item has its own stream (seed, kind, index), so an item does not depend on
// the batch size or on the items before it.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t kind, std::uint64_t index)
      : state_(mix64(mix64(seed + 0x9e3779b97f4a7c15ULL * (kind + 1)) ^ (index * 0xd1b54a32d192ed03ULL))) {}
  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  double real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return real() < p; }
  double normal() {
    double u1 = 1.0 - real(), u2 = real();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <class T>
  const T& pick(const T* items, std::size_t n) {
    return items[below(n)];
  }

 private:
  std::uint64_t state_;
};

enum Stream : std::uint64_t { kAuthorStream = 1, kPublisherStream = 2, kBookStream = 3 };

// --- text ---------------------------------------------------------------------------------------------

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) != 0 || c == '\'' || c == '-';
}

void capitalise_words(std::string& s, std::size_t from) {
  bool start = true;
  for (std::size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (start && c >= 'a' && c <= 'z') s[i] = static_cast<char>(c - 'a' + 'A');
    start = c == ' ';
  }
  // Small words stay lower case inside a multi-word entry ("Tales of the Deep").
  for (std::string_view small : {" Of ", " The ", " And ", " A ", " In ", " To "}) {
    for (auto p = s.find(small, from); p != std::string::npos; p = s.find(small, p + 1))
      s[p + 1] = static_cast<char>(s[p + 1] - 'A' + 'a');
  }
}

void lower_first(std::string& s, std::size_t from) {
  if (from < s.size() && s[from] >= 'A' && s[from] <= 'Z') s[from] = static_cast<char>(s[from] - 'A' + 'a');
}

void pluralise(std::string& s) {
  auto ends = [&](std::string_view e) {
    return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
  };
  if (ends("y") && s.size() >= 2 &&
      std::string_view("aeiou").find(s[s.size() - 2]) == std::string_view::npos) {
    s.back() = 'i';
    s += "es";
  } else if (ends("s") || ends("x") || ends("ch") || ends("sh")) {
    s += "es";
  } else {
    s += 's';
  }
}

struct TextContext {
  const w::Family* family = nullptr;
  const w::Culture* culture = nullptr;  // names in the text; random when null
  bool streets = false;                 // {p} may be a street named after someone
};

// Expands the {x} placeholders of a template (see catalog_seed_words.hpp) into out.
void expand(std::string& out, std::string_view tmpl, const TextContext& ctx, Rng& r) {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c != '{' || i + 2 >= tmpl.size() || tmpl[i + 2] != '}') {
      out += c;
      continue;
    }
    char key = tmpl[i + 1];
    i += 2;
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(key)));
    bool upper = key != lower;
    std::size_t from = out.size();
    auto culture = [&]() -> const w::Culture& {
      return ctx.culture ? *ctx.culture : w::kCultures[r.below(std::size(w::kCultures))];
    };
    switch (lower) {
      case 'p':
        // Streets and houses named after people ("Murder at Okafor Lane") for the families set in
        // towns, so that a million titles do not repeat a few dozen places.
        if (ctx.streets && r.chance(0.5)) {
          const w::Culture& names = culture();
          out += r.pick(names.last, names.last_count);
          out += ' ';
          out += r.pick(w::kStreetSuffixes, std::size(w::kStreetSuffixes));
          break;
        }
        [[fallthrough]];
      case 'a':
      case 'n':
      case 'm':
      case 't':
      case 'g': {
        auto slot = std::string_view("anmptg").find(lower);
        out += r.pick(ctx.family->lists[slot], ctx.family->sizes[slot]);
        break;
      }
      case 'f': {
        const w::Culture& names = culture();
        out += r.pick(names.first, names.first_count);
        break;
      }
      case 'l': {
        const w::Culture& names = culture();
        out += r.pick(names.last, names.last_count);
        break;
      }
      case 'c':
        out += r.pick(w::kCities, std::size(w::kCities));
        break;
      case 'k':
        out += r.pick(w::kNumbers, std::size(w::kNumbers));
        if (!upper) lower_first(out, from);
        break;
      case 's':
        out += r.pick(w::kSeasons, std::size(w::kSeasons));
        // Seasons are common nouns in a sentence; months (and the monsoon, as a title word) are not.
        if (!upper) {
          std::string_view season(out.data() + from, out.size() - from);
          if (season == "Summer" || season == "Winter" || season == "Spring" || season == "Autumn")
            lower_first(out, from);
        }
        break;
      case 'y':
        out += std::to_string(1850 + r.below(175));
        break;
      default:
        out += key;
        break;
    }
    if (upper) {
      capitalise_words(out, from);
      // "A History of the Cold War": an entry's leading article is capitalised only at the start.
      if (from > 0 && out.compare(from, 4, "The ") == 0) out[from] = 't';
    }
    // "{N}s": a plural, with the easy English rules.
    if (i + 1 < tmpl.size() && tmpl[i + 1] == 's' && (i + 2 >= tmpl.size() || !is_word_char(tmpl[i + 2]))) {
      std::string word = out.substr(from);
      out.resize(from);
      pluralise(word);
      out += word;
      ++i;
    }
  }
}

// Lower case with the accents of the names above folded, to keep generated names apart the way the
// database's catalog_fold() does (anything it folds differently is caught by ON CONFLICT).
std::string fold(std::string_view s) {
  static const std::map<std::string_view, std::string_view> kFolds = {
      {"á", "a"}, {"à", "a"},  {"â", "a"}, {"ä", "a"}, {"ã", "a"}, {"å", "a"}, {"ą", "a"}, {"æ", "ae"},
      {"Å", "a"}, {"Á", "a"},  {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"ě", "e"}, {"É", "e"},
      {"í", "i"}, {"ì", "i"},  {"î", "i"}, {"ï", "i"}, {"ı", "i"}, {"Í", "i"}, {"ó", "o"}, {"ò", "o"},
      {"ô", "o"}, {"ö", "o"},  {"õ", "o"}, {"ø", "o"}, {"ō", "o"}, {"Ó", "o"}, {"Ö", "o"}, {"Ø", "o"},
      {"Ō", "o"}, {"ú", "u"},  {"ù", "u"}, {"û", "u"}, {"ü", "u"}, {"ū", "u"}, {"ũ", "u"}, {"ñ", "n"},
      {"ń", "n"}, {"ç", "c"},  {"č", "c"}, {"Č", "c"}, {"ć", "c"}, {"ş", "s"}, {"Ş", "s"}, {"š", "s"},
      {"ś", "s"}, {"ß", "ss"}, {"ł", "l"}, {"Ł", "l"}, {"ř", "r"}, {"ž", "z"}, {"ż", "z"}, {"ź", "z"},
      {"ð", "d"}, {"đ", "d"},  {"ý", "y"}, {"ĩ", "i"}, {"ọ", "o"}, {"œ", "oe"}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
      ++i;
      continue;
    }
    std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    auto it = kFolds.find(s.substr(i, len));
    if (it != kFolds.end()) {
      out += it->second;
    } else if (len == 2 && c == 0xcc) {
      // a combining mark: dropped
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

// --- what the database has ----------------------------------------------------------------------------

struct Genre {
  std::int32_t id = 0;
  std::string slug;
  std::string name;
};

struct Person {  // an author or a publisher as stored
  std::int64_t id = 0;
  std::string name;
};

Task<std::vector<Genre>> load_genres(pg::Connection& c) {
  auto res = co_await c.query("SELECT id, slug, name FROM genres WHERE deleted_at IS NULL ORDER BY id");
  std::vector<Genre> out;
  for (int i = 0; i < res.rows(); ++i)
    out.push_back({static_cast<std::int32_t>(res.int64(i, 0)), std::string(res.text(i, 1)),
                   std::string(res.text(i, 2))});
  co_return out;
}

// libpq text form of an array: {"a","b\"c",NULL,1}.
class ArrayText {
 public:
  ArrayText() : text_("{") {}
  void text(std::string_view v) {
    sep();
    text_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void integer(std::int64_t v) {
    sep();
    text_ += std::to_string(v);
  }
  void real(double v) {
    sep();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    text_ += buf;
  }
  void null() {
    sep();
    text_ += "NULL";
  }
  std::string done() {
    text_ += '}';
    return std::move(text_);
  }

 private:
  void sep() {
    if (text_.size() > 1) text_ += ',';
  }
  std::string text_;
};

// Inserts the named people (authors: name and bio; publishers: name) unless a live one with the same
// folded name exists, and returns them as stored, in the order asked.
Task<std::vector<Person>> upsert_people(pg::Connection& c, bool authors, std::vector<std::string> names,
                                        std::vector<std::string> bios) {
  ArrayText n, b;
  for (auto& s : names) n.text(s);
  for (auto& s : bios) b.text(s);
  auto names_param = n.done();
  if (authors) {
    auto bios_param = b.done();
    co_await c.query(
        "INSERT INTO authors (name, bio) SELECT n, b FROM unnest($1::text[], $2::text[]) WITH ORDINALITY "
        "AS t(n, b, i) ORDER BY i ON CONFLICT (catalog_fold(name)) WHERE deleted_at IS NULL DO NOTHING",
        names_param, bios_param);
  } else {
    co_await c.query(
        "INSERT INTO publishers (name) SELECT n FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) "
        "ORDER BY i ON CONFLICT (catalog_fold(name)) WHERE deleted_at IS NULL DO NOTHING",
        names_param);
  }
  auto res = co_await c.query(
      authors ? "SELECT t.i, a.id, a.name FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) "
                "JOIN authors a ON catalog_fold(a.name) = catalog_fold(t.n) AND a.deleted_at IS NULL"
              : "SELECT t.i, p.id, p.name FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) "
                "JOIN publishers p ON catalog_fold(p.name) = catalog_fold(t.n) AND p.deleted_at IS NULL",
      names_param);
  std::vector<Person> out(names.size());
  for (int i = 0; i < res.rows(); ++i) {
    auto at = static_cast<std::size_t>(res.int64(i, 0) - 1);
    out.at(at) = {res.int64(i, 1), std::string(res.text(i, 2))};
  }
  for (auto& p : out)
    if (p.id == 0) throw std::runtime_error("seed: an author or publisher was neither inserted nor found");
  co_return out;
}

// --- one book as inserted -----------------------------------------------------------------------------

struct BookRow {
  std::int64_t id = 0;
  std::string isbn;
  std::string title;
  std::string subtitle;
  std::string description;
  std::int64_t publisher_id = 0;  // 0: none
  std::string_view language = "en";
  int year = 0;
  int pages = 0;
  std::int64_t price_minor = 0;
  bool pdf = false;
  int stock = -1;  // -1: unlimited
  double rating = 0;
  std::int64_t rating_count = 0;
  std::int64_t sales = 0;
  std::vector<const Person*> authors;  // cover order, distinct
  std::vector<const Genre*> genres;    // by id, distinct
};

std::string isbn_with_check(std::string first12) {
  char check = domain::isbn13_check_digit(first12);
  if (check == '\0') throw std::logic_error("seed: bad ISBN prefix " + first12);
  first12 += check;
  return first12;
}

// Generated books get 979-8 ISBNs derived from their id (a bijection on 8 digits), so they never repeat
// while ids stay below 10^8, and never meet the demo's 978 ones.
std::string generated_isbn(std::int64_t id) {
  char digits[32];
  auto body = (static_cast<std::uint64_t>(id) * 48271ULL + 20250101ULL) % 100000000ULL;
  std::snprintf(digits, sizeof digits, "9798%08llu", static_cast<unsigned long long>(body));
  return isbn_with_check(digits);
}

// The one statement of a batch: the books with their copies of the joined rows, then their author and
// genre links (only for the books actually inserted: a taken ISBN skips its book).
constexpr std::string_view kInsertBatch = R"sql(
WITH b AS (
  INSERT INTO books (id, isbn13, title, subtitle, description, publisher_id, language, publication_year,
                     page_count, price_minor, currency, format, stock, rating_avg, rating_count, sales_count,
                     author_ids, authors_text, genre_ids, genres_text)
  OVERRIDING SYSTEM VALUE
  SELECT t.id, t.isbn, t.title, t.subtitle, t.description, t.publisher_id, t.language, t.year, t.pages,
         t.price, 'INR', t.format, t.stock, t.rating, t.rating_count, t.sales, t.author_ids::bigint[],
         t.authors_text, t.genre_ids::integer[], t.genres_text
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                $8::smallint[], $9::integer[], $10::bigint[], $11::text[], $12::integer[], $13::real[],
                $14::integer[], $15::bigint[], $16::text[], $17::text[], $18::text[], $19::text[])
         AS t(id, isbn, title, subtitle, description, publisher_id, language, year, pages, price, format,
              stock, rating, rating_count, sales, author_ids, authors_text, genre_ids, genres_text)
  ON CONFLICT (isbn13) WHERE deleted_at IS NULL DO NOTHING
  RETURNING id
), ba AS (
  INSERT INTO book_authors (book_id, author_id, position)
  SELECT l.book_id, l.author_id, l.position
    FROM unnest($20::bigint[], $21::bigint[], $22::smallint[]) AS l(book_id, author_id, position)
    JOIN b ON b.id = l.book_id
), bg AS (
  INSERT INTO book_genres (book_id, genre_id)
  SELECT l.book_id, l.genre_id
    FROM unnest($23::bigint[], $24::integer[]) AS l(book_id, genre_id)
    JOIN b ON b.id = l.book_id
)
SELECT count(*) FROM b)sql";

// The copies are written by kInsertBatch; the triggers would only check them again.
constexpr std::string_view kDisableLinkTriggers =
    "ALTER TABLE book_authors DISABLE TRIGGER book_authors_inserted;"
    "ALTER TABLE book_genres DISABLE TRIGGER book_genres_inserted";
constexpr std::string_view kEnableLinkTriggers =
    "ALTER TABLE book_authors ENABLE TRIGGER book_authors_inserted;"
    "ALTER TABLE book_genres ENABLE TRIGGER book_genres_inserted";

// Serialises generators and demo loads (the demo checks for an empty catalog under it).
constexpr std::int64_t kSeedLockKey = 0x626f6f6b73656564;  // "booksseed"

Task<std::vector<std::int64_t>> reserve_ids(pg::Connection& c, std::int64_t count) {
  auto res = co_await c.query(
      "SELECT nextval(pg_get_serial_sequence('books', 'id')) FROM generate_series(1, $1::integer)", count);
  std::vector<std::int64_t> ids;
  ids.reserve(static_cast<std::size_t>(res.rows()));
  for (int i = 0; i < res.rows(); ++i) ids.push_back(res.int64(i, 0));
  co_return ids;
}

Task<std::int64_t> insert_books(pg::Connection& c, const std::vector<BookRow>& rows) {
  ArrayText id, isbn, title, subtitle, description, publisher, language, year, pages, price, format, stock,
      rating, rating_count, sales, author_ids, authors_text, genre_ids, genres_text;
  ArrayText link_book, link_author, link_position, genre_book, genre_id;
  std::string buffer;
  for (auto& row : rows) {
    id.integer(row.id);
    isbn.text(row.isbn);
    title.text(row.title);
    subtitle.text(row.subtitle);
    description.text(row.description);
    if (row.publisher_id) {
      publisher.integer(row.publisher_id);
    } else {
      publisher.null();
    }
    language.text(row.language);
    if (row.year) {
      year.integer(row.year);
    } else {
      year.null();
    }
    pages.integer(row.pages);
    price.integer(row.price_minor);
    format.text(row.pdf ? "pdf" : "epub");
    if (row.stock >= 0) {
      stock.integer(row.stock);
    } else {
      stock.null();
    }
    rating.real(row.rating);
    rating_count.integer(row.rating_count);
    sales.integer(row.sales);
    // As catalog_refresh_books() computes them: authors by position, genres by id, names joined by ' '.
    buffer = "{";
    std::string names;
    for (std::size_t i = 0; i < row.authors.size(); ++i) {
      if (i) {
        buffer += ',';
        names += ' ';
      }
      buffer += std::to_string(row.authors[i]->id);
      names += row.authors[i]->name;
      link_book.integer(row.id);
      link_author.integer(row.authors[i]->id);
      link_position.integer(static_cast<std::int64_t>(i));
    }
    buffer += '}';
    author_ids.text(buffer);
    authors_text.text(names);
    buffer = "{";
    names.clear();
    for (std::size_t i = 0; i < row.genres.size(); ++i) {
      if (i) {
        buffer += ',';
        names += ' ';
      }
      buffer += std::to_string(row.genres[i]->id);
      names += row.genres[i]->name;
      genre_book.integer(row.id);
      genre_id.integer(row.genres[i]->id);
    }
    buffer += '}';
    genre_ids.text(buffer);
    genres_text.text(names);
  }
  std::vector<pg::Param> params;
  for (auto* a : {&id,          &isbn,         &title,       &subtitle,      &description,  &publisher,
                  &language,    &year,         &pages,       &price,         &format,       &stock,
                  &rating,      &rating_count, &sales,       &author_ids,    &authors_text, &genre_ids,
                  &genres_text, &link_book,    &link_author, &link_position, &genre_book,   &genre_id})
    params.emplace_back(a->done());
  auto res = co_await c.query_params(kInsertBatch, params);
  co_return res.int64(0, 0);
}

// --- the generator ------------------------------------------------------------------------------------

struct GeneratedAuthor {
  std::string name;
  std::string bio;
  const w::Culture* culture;
};

const w::Culture& pick_culture(Rng& r) {
  static const int total = [] {
    int t = 0;
    for (auto& c : w::kCultures) t += c.weight;
    return t;
  }();
  int x = static_cast<int>(r.below(static_cast<std::size_t>(total)));
  for (auto& c : w::kCultures) {
    if (x < c.weight) return c;
    x -= c.weight;
  }
  return w::kCultures[0];
}

std::vector<GeneratedAuthor> generate_authors(std::uint64_t seed, std::int64_t count) {
  std::vector<GeneratedAuthor> out;
  out.reserve(static_cast<std::size_t>(count));
  std::unordered_set<std::string> taken;
  for (std::int64_t i = 0; i < count; ++i) {
    Rng r(seed, kAuthorStream, static_cast<std::uint64_t>(i));
    const w::Culture& culture = pick_culture(r);
    std::string name;
    // A middle initial now and then, and whenever the plain name is taken (two when that is too).
    for (int attempt = 0;; ++attempt) {
      name = r.pick(culture.first, culture.first_count);
      name += ' ';
      int initials = attempt < 3 ? (r.chance(0.12) ? 1 : 0) : attempt < 12 ? 1 : 2;
      for (int k = 0; k < initials; ++k) {
        name += static_cast<char>('A' + r.below(26));
        name += ". ";
      }
      name += r.pick(culture.last, culture.last_count);
      if (taken.insert(fold(name)).second) break;
    }
    Rng bio_rng(seed, kAuthorStream + 100, static_cast<std::uint64_t>(i));
    std::string_view tmpl = bio_rng.pick(w::kBios, std::size(w::kBios));
    std::string bio;
    if (auto p = tmpl.find("{F}"); p != std::string_view::npos) {
      bio = std::string(tmpl.substr(0, p)) + name;
      TextContext ctx{&w::kFamilies[bio_rng.below(w::kFamilyCount)], &culture};
      expand(bio, tmpl.substr(p + 3), ctx, bio_rng);
    }
    out.push_back({std::move(name), std::move(bio), &culture});
  }
  return out;
}

std::vector<std::string> generate_publishers(std::uint64_t seed, std::int64_t count) {
  std::vector<std::string> out;
  std::unordered_set<std::string> taken;
  for (std::int64_t i = 0; static_cast<std::int64_t>(out.size()) < count && i < count * 20; ++i) {
    Rng r(seed, kPublisherStream, static_cast<std::uint64_t>(i));
    std::string_view form = r.pick(w::kPublisherForms, std::size(w::kPublisherForms));
    std::string name;
    for (std::size_t k = 0; k < form.size(); ++k) {
      if (form[k] != '{' || k + 2 >= form.size()) {
        name += form[k];
        continue;
      }
      char key = form[k + 1];
      k += 2;
      if (key == 'W' || key == 'V') {
        std::string_view word = r.pick(w::kPublisherWords, std::size(w::kPublisherWords));
        // "{W}{V}" glues two words: "Lanternwillow" reads better than "LanternWillow".
        if (key == 'V' && !name.empty() && name.back() != ' ' && name.back() != '&') {
          name += static_cast<char>(std::tolower(static_cast<unsigned char>(word[0])));
          name += word.substr(1);
        } else {
          name += word;
        }
      } else if (key == 'L' || key == 'M') {
        name += r.pick(w::kEnglishLast, std::size(w::kEnglishLast));
      } else if (key == 'c') {
        name += r.pick(w::kCities, std::size(w::kCities));
      }
    }
    if (taken.insert(fold(name)).second) out.push_back(std::move(name));
  }
  return out;
}

// Weighted choice of a first genre among those the database has.
struct GenrePlan {
  struct Entry {
    const w::GenreSpec* spec;
    const Genre* genre;
    int cumulative;
  };
  std::vector<Entry> entries;
  std::map<std::string_view, const Genre*> by_slug;
  int total = 0;

  explicit GenrePlan(const std::vector<Genre>& genres) {
    for (auto& g : genres) by_slug[g.slug] = &g;
    for (auto& spec : w::kGenreSpecs) {
      auto it = by_slug.find(spec.slug);
      if (it == by_slug.end()) continue;
      total += spec.weight;
      entries.push_back({&spec, it->second, total});
    }
    if (entries.empty()) throw std::runtime_error("seed: none of the catalog's genres exists");
  }
  const Entry& pick(Rng& r) const {
    int x = static_cast<int>(r.below(static_cast<std::size_t>(total)));
    for (auto& e : entries)
      if (x < e.cumulative) return e;
    return entries.back();
  }
};

class Generator {
 public:
  Generator(std::uint64_t seed, const GenrePlan& genres, const std::vector<GeneratedAuthor>& generated,
            const std::vector<Person>& authors, const std::vector<Person>& publishers)
      : seed_(seed), genres_(genres), generated_(generated), authors_(authors), publishers_(publishers) {}

  // Book number k of this run (0-based) with the given id.
  BookRow book(std::int64_t k, std::int64_t id) const {
    Rng r(seed_, kBookStream, static_cast<std::uint64_t>(k));
    BookRow row;
    row.id = id;
    row.isbn = generated_isbn(id);

    // Genres: one weighted first genre, sometimes one or two related ones.
    const auto& first = genres_.pick(r);
    row.genres.push_back(first.genre);
    double g = r.real();
    int more = g < 0.45 ? 0 : g < 0.85 ? 1 : 2;
    std::vector<std::string_view> related;
    for (std::string_view rest = first.spec->related; !rest.empty();) {
      auto sp = rest.find(' ');
      related.push_back(rest.substr(0, sp));
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    }
    for (int attempt = 0; more > 0 && attempt < 6; ++attempt) {
      auto it = genres_.by_slug.find(related[r.below(related.size())]);
      if (it == genres_.by_slug.end()) continue;
      if (std::find(row.genres.begin(), row.genres.end(), it->second) != row.genres.end()) continue;
      row.genres.push_back(it->second);
      --more;
    }
    std::sort(row.genres.begin(), row.genres.end(), [](auto* a, auto* b) { return a->id < b->id; });
    bool classic =
        std::any_of(row.genres.begin(), row.genres.end(), [](auto* x) { return x->slug == "classics"; });
    bool children =
        std::any_of(row.genres.begin(), row.genres.end(), [](auto* x) { return x->slug == "children"; });
    auto family_id = first.spec->family;
    const w::Family& fam = w::kFamilies[family_id];

    // Authors: Zipf-like popularity (a few write hundreds of books, most a handful).
    double a = r.real();
    std::size_t count = family_id == w::kTech ? (a < 0.55   ? 1
                                                 : a < 0.85 ? 2
                                                            : 3)
                                              : (a < 0.86   ? 1
                                                 : a < 0.97 ? 2
                                                            : 3);
    std::size_t first_author = 0;
    for (std::size_t attempt = 0; row.authors.size() < count && attempt < 10; ++attempt) {
      auto idx = static_cast<std::size_t>(static_cast<double>(authors_.size()) * std::pow(r.real(), 1.5));
      idx = std::min(idx, authors_.size() - 1);
      const Person* p = &authors_[idx];
      if (std::find(row.authors.begin(), row.authors.end(), p) != row.authors.end()) continue;
      if (row.authors.empty()) first_author = idx;
      row.authors.push_back(p);
    }
    const w::Culture* culture = generated_[first_author].culture;

    // Language: mostly English; an author's own language now and then.
    double l = r.real();
    if (culture->language != "en" && l < 0.3) {
      row.language = culture->language;
    } else if (l > 0.98) {
      static constexpr std::string_view kOthers[] = {"es", "fr", "de", "it", "pt", "hi"};
      row.language = kOthers[r.below(std::size(kOthers))];
    }

    // Texts.
    TextContext ctx{&fam, r.chance(0.7) ? culture : nullptr,
                    family_id == w::kLiterary || family_id == w::kMystery || family_id == w::kRomance ||
                        family_id == w::kHorror};
    expand(row.title, r.pick(fam.titles, fam.title_count), ctx, r);
    if (row.title.size() > 300) row.title.resize(300);
    if (r.chance(0.3)) expand(row.subtitle, r.pick(fam.subtitles, fam.subtitle_count), ctx, r);
    expand(row.description, r.pick(fam.openers, fam.opener_count), ctx, r);
    int middles = r.chance(0.6) || fam.middle_count < 2 ? 1 : 2;
    std::size_t middle = r.below(fam.middle_count);
    for (int i = 0; i < middles; ++i) {
      row.description += ' ';
      expand(row.description, fam.middles[(middle + static_cast<std::size_t>(i)) % fam.middle_count], ctx, r);
    }
    if (middles == 1 || r.chance(0.4)) {
      row.description += ' ';
      expand(row.description, r.pick(fam.closers, fam.closer_count), ctx, r);
    }

    row.publisher_id = publishers_[std::min(publishers_.size() - 1,
                                            static_cast<std::size_t>(static_cast<double>(publishers_.size()) *
                                                                     std::pow(r.real(), 1.3)))]
                           .id;

    // Mostly recent years: classics from 1850 to 1960, technology since 1980, others mostly since 1975
    // with a tail back to 1850.
    if (classic) {
      row.year = 1850 + static_cast<int>(r.below(111));
    } else if (family_id == w::kTech) {
      row.year = 2026 - static_cast<int>(46.0 * std::pow(r.real(), 2.0));
    } else if (r.chance(0.85)) {
      row.year = 2026 - static_cast<int>(51.0 * std::pow(r.real(), 1.8));
    } else {
      row.year = 2026 - static_cast<int>(177.0 * std::pow(r.real(), 1.5));
    }

    int lo = 150, hi = 520;
    if (children) {
      lo = 80, hi = 220;
    } else if (family_id == w::kPoetry) {
      lo = 80, hi = 200;
    } else if (family_id == w::kTech) {
      lo = 220, hi = 950;
    } else if (family_id == w::kLiterary || family_id == w::kFantasy) {
      lo = 180, hi = r.chance(0.1) ? 1200 : 640;
    }
    row.pages = lo + static_cast<int>((hi - lo) * (r.real() + r.real()) / 2);

    // Prices end in 99.00 or 49.00 rupees: k * 50 - 1 rupees, in paise.
    int kmin = 2, kmax = 12;
    if (family_id == w::kTech) {
      kmin = 10, kmax = 60;
    } else if (family_id == w::kBusiness || family_id == w::kScience || family_id == w::kHistory ||
               family_id == w::kMind || family_id == w::kLifestyle) {
      kmin = 5, kmax = 24;
    }
    if (classic) kmax = std::min(kmax, 6);
    int step = kmin + static_cast<int>((kmax - kmin + 1) * std::pow(r.real(), 1.7));
    row.price_minor = static_cast<std::int64_t>(step) * 5000 - 100;

    row.pdf = r.chance(0.3);
    row.stock = r.chance(0.9) ? -1 : static_cast<int>(r.below(51));

    // Ratings: a Zipf-like long tail of counts (median ~6, about 1% above 1,000); averages mostly
    // 3.2-4.6, wider when few people rated. The most popular authors' books get more.
    if (!r.chance(0.1)) {
      double count = 1 + 5 * (std::pow(1.0 - r.real(), -1.0 / 0.9) - 1);
      if (first_author < authors_.size() / 100 + 1) count *= 3;
      row.rating_count = std::min<std::int64_t>(100000, static_cast<std::int64_t>(count));
      double sd = 0.25 + 0.5 / std::sqrt(static_cast<double>(row.rating_count));
      row.rating = std::clamp(3.95 + sd * r.normal(), 1.0, 5.0);
      row.rating = std::round(row.rating * 100) / 100;
    }
    // Sales follow ratings (a few per rating) plus a long tail of their own.
    double extra = std::pow(1.0 - r.real(), -1.0 / 1.1) - 1;
    row.sales = static_cast<std::int64_t>(static_cast<double>(row.rating_count) * (5 + 30 * r.real()) +
                                          std::min(extra, 100000.0));
    return row;
  }

 private:
  std::uint64_t seed_;
  const GenrePlan& genres_;
  const std::vector<GeneratedAuthor>& generated_;
  const std::vector<Person>& authors_;
  const std::vector<Person>& publishers_;
};

// The indexes bulk mode drops and builds again (their definitions are read from the catalog, so they
// come back exactly as the migration made them).
constexpr std::string_view kBulkIndexes = "{books_search}";

struct SavedIndex {
  std::string drop;
  std::string create;
};

Task<std::vector<SavedIndex>> drop_bulk_indexes(pg::Connection& c) {
  auto res = co_await c.query(
      "SELECT format('DROP INDEX %I.%I', schemaname, indexname), indexdef FROM pg_indexes "
      "WHERE schemaname = current_schema() AND tablename = 'books' AND indexname = ANY($1::text[])",
      kBulkIndexes);
  std::vector<SavedIndex> saved;
  for (int i = 0; i < res.rows(); ++i)
    saved.push_back({std::string(res.text(i, 0)), std::string(res.text(i, 1))});
  for (auto& s : saved) co_await c.execute_script(s.drop);
  co_return saved;
}

Task<void> analyze(pg::Pool& pool) {
  auto conn = co_await pool.acquire();
  co_await conn->execute_script(
      "ANALYZE books, authors, publishers, book_authors, book_genres, catalog_words");
}

std::chrono::duration<double> since(Clock::time_point start) {
  return Clock::now() - start;
}

}  // namespace

Task<SeedReport> seed_catalog(pg::Pool& pool, SeedOptions options, SeedProgressFn progress) {
  if (options.books < 1 || options.books > kMaxSeedBooks)
    throw domain::Error::validation({{"books", "must be between 1 and 5000000"}});
  auto start = Clock::now();
  SeedReport report;
  report.bulk = options.bulk.value_or(options.books >= kBulkThreshold);
  std::int64_t batch = options.batch_size > 0 ? options.batch_size : report.bulk ? 50'000 : 10'000;
  auto report_progress = [&](std::string phase, std::int64_t done, std::int64_t total) {
    if (progress) progress(SeedProgress{std::move(phase), done, total, since(start)});
  };

  // Names first (cheap, in memory), then one connection does the rest.
  std::int64_t author_count = std::max<std::int64_t>(1, options.books / 20);
  std::int64_t publisher_count = std::clamp<std::int64_t>(options.books / 10, 10, 300);
  auto generated = generate_authors(options.seed, author_count);
  auto publisher_names = generate_publishers(options.seed, publisher_count);

  std::vector<Genre> genres;
  std::vector<Person> authors, publishers;
  std::int64_t inserted = 0;

  auto prepare = [&](pg::Connection& c) -> Task<void> {
    co_await c.query("SELECT pg_advisory_xact_lock($1)", kSeedLockKey);
    genres = co_await load_genres(c);
    std::vector<std::string> names, bios;
    for (auto& a : generated) {
      names.push_back(a.name);
      bios.push_back(a.bio);
    }
    authors = co_await upsert_people(c, true, std::move(names), std::move(bios));
    std::vector<std::string> no_bios;
    publishers = co_await upsert_people(c, false, publisher_names, no_bios);
    report_progress("authors", static_cast<std::int64_t>(authors.size()), author_count);
  };
  auto load_batch = [&](pg::Connection& c, std::int64_t first, const GenrePlan& plan) -> Task<void> {
    std::int64_t n = std::min(batch, options.books - first);
    auto ids = co_await reserve_ids(c, n);
    Generator gen(options.seed, plan, generated, authors, publishers);
    std::vector<BookRow> rows;
    rows.reserve(ids.size());
    for (std::int64_t i = 0; i < n; ++i)
      rows.push_back(gen.book(first + i, ids[static_cast<std::size_t>(i)]));
    inserted += co_await insert_books(c, rows);
    report_progress("books", first + n, options.books);
  };

  if (report.bulk) {
    // One transaction: the search index is dropped, every batch inserted, the index built again; any
    // failure rolls all of it back.
    auto all = [&](pg::Connection& c) -> Task<void> {
      co_await prepare(c);
      auto saved = co_await drop_bulk_indexes(c);
      co_await c.execute_script(kDisableLinkTriggers);
      GenrePlan plan(genres);
      for (std::int64_t first = 0; first < options.books; first += batch) co_await load_batch(c, first, plan);
      co_await c.execute_script(kEnableLinkTriggers);
      report_progress("index", 0, static_cast<std::int64_t>(saved.size()));
      co_await c.execute_script("SET LOCAL maintenance_work_mem = '256MB'");
      for (auto& s : saved) co_await c.execute_script(s.create);
    };
    co_await pool.transaction(all);
  } else {
    co_await pool.transaction(prepare);
    GenrePlan plan(genres);
    for (std::int64_t first = 0; first < options.books; first += batch) {
      auto one = [&](pg::Connection& c) -> Task<void> {
        co_await c.query("SELECT pg_advisory_xact_lock($1)", kSeedLockKey);
        co_await c.execute_script(kDisableLinkTriggers);
        co_await load_batch(c, first, plan);
        co_await c.execute_script(kEnableLinkTriggers);
      };
      co_await pool.transaction(one);
    }
  }

  report_progress("analyze", 0, 1);
  co_await analyze(pool);
  report.books = inserted;
  report.authors = static_cast<std::int64_t>(authors.size());
  report.publishers = static_cast<std::int64_t>(publishers.size());
  report.elapsed = since(start);
  co_return report;
}

Task<DemoReport> seed_demo(pg::Pool& pool) {
  auto start = Clock::now();
  auto demo = demo_books();
  auto body = [&](pg::Connection& c) -> Task<DemoReport> {
    co_await c.query("SELECT pg_advisory_xact_lock($1)", kSeedLockKey);
    auto existing = co_await c.query("SELECT count(*) FROM books");
    if (existing.int64(0, 0) > 0) {
      DemoReport not_loaded;
      not_loaded.books = existing.int64(0, 0);
      co_return not_loaded;
    }

    auto genres = co_await load_genres(c);
    std::map<std::string_view, const Genre*> by_slug;
    for (auto& g : genres) by_slug[g.slug] = &g;

    // Every distinct author and publisher once, in order of first appearance.
    std::vector<std::string> author_names, publisher_names;
    std::map<std::string, std::size_t> author_at, publisher_at;
    auto split_authors = [](std::string_view s) {
      std::vector<std::string> out;
      while (!s.empty()) {
        auto p = s.find("; ");
        out.emplace_back(s.substr(0, p));
        s = p == std::string_view::npos ? std::string_view() : s.substr(p + 2);
      }
      return out;
    };
    for (auto& d : demo) {
      for (auto& a : split_authors(d.authors))
        if (author_at.emplace(a, author_names.size()).second) author_names.push_back(a);
      if (publisher_at.emplace(std::string(d.publisher), publisher_names.size()).second)
        publisher_names.emplace_back(d.publisher);
    }
    std::vector<std::string> bios(author_names.size());
    auto authors = co_await upsert_people(c, true, author_names, std::move(bios));
    std::vector<std::string> no_bios;
    auto publishers = co_await upsert_people(c, false, publisher_names, no_bios);

    auto ids = co_await reserve_ids(c, static_cast<std::int64_t>(demo.size()));
    std::vector<BookRow> rows;
    for (std::size_t i = 0; i < demo.size(); ++i) {
      const DemoBook& d = demo[i];
      BookRow row;
      row.id = ids[i];
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "978014%06zu", 100000 + (i * 6737) % 900000);
      row.isbn = isbn_with_check(prefix);
      row.title = d.title;
      row.subtitle = d.subtitle;
      row.description = d.description;
      row.publisher_id = publishers[publisher_at.at(std::string(d.publisher))].id;
      row.language = d.language;
      row.year = d.year;
      row.pages = d.pages;
      row.price_minor = d.price_minor;
      row.pdf = d.format == 'p';
      // A few books with a limited number of licences, one of them sold out.
      row.stock = i % 12 == 5 ? static_cast<int>(i % 7 == 0 ? 0 : 3 + i % 25) : -1;
      row.rating = std::round(d.rating * 100) / 100;
      row.rating_count = d.rating_count;
      row.sales = d.sales;
      for (auto& a : split_authors(d.authors)) {
        const Person* p = &authors[author_at.at(a)];
        if (std::find(row.authors.begin(), row.authors.end(), p) == row.authors.end())
          row.authors.push_back(p);
      }
      for (std::string_view rest = d.genres; !rest.empty();) {
        auto sp = rest.find(' ');
        auto slug = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        auto it = by_slug.find(slug);
        if (it != by_slug.end() &&
            std::find(row.genres.begin(), row.genres.end(), it->second) == row.genres.end())
          row.genres.push_back(it->second);
      }
      std::sort(row.genres.begin(), row.genres.end(), [](auto* a, auto* b) { return a->id < b->id; });
      rows.push_back(std::move(row));
    }
    co_await c.execute_script(kDisableLinkTriggers);
    auto n = co_await insert_books(c, rows);
    co_await c.execute_script(kEnableLinkTriggers);
    DemoReport loaded;
    loaded.loaded = true;
    loaded.books = n;
    co_return loaded;
  };
  auto report = co_await pool.transaction(body);
  if (report.loaded) co_await analyze(pool);
  report.elapsed = since(start);
  co_return report;
}

}  // namespace bookstore::catalog
