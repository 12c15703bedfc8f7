#pragma once
// The shop's search box language (PRODUCT.md 3), parsed here and turned into the text of a PostgreSQL
// to_tsquery('bookstore_english', ...) call. Web-style syntax: words are ANDed, "quoted phrases" must
// appear in order, a leading - excludes a word or phrase, and the word `or` between two terms makes
// them alternatives. The database stems and folds accents (unaccent + english_stem), so this code only
// splits, lower-cases ASCII and quotes; every word reaches to_tsquery as a quoted literal, so operator
// characters typed by a person (& | ! ( ) : * < > ' \) are text, never syntax.
// Synonyms (kept in a table) and typo corrections (found with pg_trgm) are looked up by the caller for
// the keys synonym_candidates() and typo_candidates() name, and folded in by to_tsquery_text().
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::domain {

inline constexpr std::size_t kMaxSearchClauses = 16;       // further clauses are dropped
inline constexpr std::size_t kMaxPhraseWords = 8;          // further words of a phrase are dropped
inline constexpr std::size_t kMaxSearchAlternatives = 16;  // further `or` alternatives are dropped

struct SearchTerm {
  std::vector<std::string> words;  // never empty; ASCII lower-cased, other bytes as typed
  bool phrase = false;             // typed in "quotes" (even a single word)
};

struct SearchClause {
  std::vector<SearchTerm> alternatives;  // never empty; joined by OR
  bool negated = false;                  // then exactly one alternative
};

struct SearchQuery {
  std::vector<SearchClause> clauses;  // joined by AND
};

// key: a lower-cased term (one word, or several joined by one space); value: the other terms of its
// synonym group, each possibly several words.
using SynonymMap = std::map<std::string, std::vector<std::string>>;
// key: a lower-cased word of the query; value: replacement words (typo fixes), best first.
using Corrections = std::map<std::string, std::vector<std::string>>;

// Never throws on any bytes (the caller has checked UTF-8 and the length). Words are split on ASCII
// whitespace and control characters; words of punctuation only are dropped.
SearchQuery parse_search_query(std::string_view text);

// The to_tsquery() text: 'word' literals, 'w1 w2' for phrases (to_tsquery makes them <-> phrases),
// ' & ' between clauses, ' | ' between alternatives, '!' for exclusions, ( ) for groups. A term with
// synonyms or corrections becomes ( 'term' | 'other' ... ); two adjacent one-word clauses whose bigram
// has synonyms become ( 'w1' & 'w2' | 'other' ... ). With prefix_last the last positive clause, when it
// is one plain word, matches as a prefix ('pot':*), for type-ahead. "" when the query has no terms.
std::string to_tsquery_text(const SearchQuery& q, const SynonymMap& synonyms, const Corrections& corrections,
                            bool prefix_last);

// The synonym keys worth looking up: every term of a positive clause and every bigram of two adjacent
// positive one-word clauses; no duplicates, in order of appearance.
std::vector<std::string> synonym_candidates(const SearchQuery& q);

// The words worth checking for typos: positive words outside phrases, at least 4 bytes, with a letter;
// no duplicates, in order of appearance.
std::vector<std::string> typo_candidates(const SearchQuery& q);

// The query as a person reads it ("Did you mean ..."), each corrected word replaced by its first
// correction: `hary poter` -> `harry potter`. Parsing the result gives the corrected query.
std::string corrected_text(const SearchQuery& q, const Corrections& corrections);

// Whether anything must match (a query of exclusions only matches by exclusion).
bool has_positive_terms(const SearchQuery& q) noexcept;

}  // namespace bookstore::domain
