#include "domain/catalog/search_query.hpp"

#include <algorithm>
#include <optional>

namespace bookstore::domain {
namespace {

// ASCII whitespace and control characters (and space) separate words.
bool is_separator(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c <= 0x20 || c == 0x7F;
}

bool is_ascii_letter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A letter, a digit or any non-ASCII byte (a letter of another script, most likely): worth searching.
bool has_word_character(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x80 || is_ascii_letter(c) || (c >= '0' && c <= '9');
  });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_separator(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_separator(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

// ---- parsing ----

struct Token {
  bool is_or = false;  // the bare word `or`
  bool negated = false;
  SearchTerm term;
};

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (is_separator(text[i])) {
      ++i;
      continue;
    }
    bool negated = false;
    if (text[i] == '-') {
      std::size_t j = i;
      while (j < n && text[j] == '-') ++j;
      i = j;
      if (j == n || is_separator(text[j])) continue;  // a lone '-' (or '--'): nothing to exclude
      negated = true;
    }
    if (text[i] == '"') {
      const std::size_t start = i + 1;
      std::size_t end = text.find('"', start);
      if (end == std::string_view::npos) end = n;  // an unterminated phrase runs to the end
      i = end == n ? n : end + 1;
      Token token;
      token.negated = negated;
      token.term.phrase = true;
      for (const std::string& word : split_words(text.substr(start, end - start))) {
        if (!has_word_character(word)) continue;
        if (token.term.words.size() == kMaxPhraseWords) break;
        token.term.words.push_back(ascii_lower(word));
      }
      if (!token.term.words.empty()) tokens.push_back(std::move(token));
      continue;
    }
    // A word runs to the next separator or quote; '-' inside it is part of it (sci-fi, x-men).
    const std::size_t start = i;
    while (i < n && !is_separator(text[i]) && text[i] != '"') ++i;
    const std::string_view word = text.substr(start, i - start);
    if (word.empty() || !has_word_character(word)) continue;
    Token token;
    token.negated = negated;
    token.term.words.push_back(ascii_lower(word));
    token.is_or = !negated && token.term.words.front() == "or";
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// ---- tsquery text ----

// A to_tsquery() literal: single-quoted, ' and \ doubled.
std::string literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string key_of(const SearchTerm& term) {
  return join(term.words, " ");
}

// A positive clause of one word outside quotes, with no alternatives.
bool is_plain_word(const SearchClause& clause) {
  if (clause.negated || clause.alternatives.size() != 1) return false;
  const SearchTerm& term = clause.alternatives.front();
  return !term.phrase && term.words.size() == 1;
}

// The OR-items of a group, without duplicates (by their text, before quoting).
class Items {
 public:
  void add_text(const std::string& text, std::string suffix = {}) {
    if (text.empty() || std::find(seen_.begin(), seen_.end(), text) != seen_.end()) return;
    seen_.push_back(text);
    items_.push_back(literal(text) + suffix);
  }
  // An expansion from the synonym or correction tables, whitespace normalised to single spaces.
  void add_other(const std::string& raw) { add_text(join(split_words(raw), " ")); }

  std::string group() const {
    return items_.size() == 1 ? items_.front() : "( " + join(items_, " | ") + " )";
  }

 private:
  std::vector<std::string> seen_;
  std::vector<std::string> items_;
};

void add_term(Items& items, const SearchTerm& term, bool positive, bool prefix, const SynonymMap& synonyms,
              const Corrections& corrections) {
  const std::string key = key_of(term);
  items.add_text(key, prefix ? ":*" : "");
  if (const auto it = synonyms.find(key); it != synonyms.end())
    for (const std::string& other : it->second) items.add_other(other);
  if (positive && !term.phrase && term.words.size() == 1) {
    if (const auto it = corrections.find(key); it != corrections.end())
      for (const std::string& fix : it->second) items.add_other(fix);
  }
}

// ( 'w1' & 'w2' | 'other' ... ) for a bigram with synonyms, or nullopt when it has none.
std::optional<std::string> bigram_group(const std::string& w1, const std::string& w2, bool prefix,
                                        const SynonymMap& synonyms) {
  const std::string key = w1 + " " + w2;
  const auto it = synonyms.find(key);
  if (it == synonyms.end()) return std::nullopt;
  std::vector<std::string> parts;
  for (const std::string& other : it->second) {
    const std::string text = join(split_words(other), " ");
    if (text.empty() || text == key || std::find(parts.begin(), parts.end(), text) != parts.end()) continue;
    parts.push_back(text);
  }
  if (parts.empty()) return std::nullopt;
  std::string out = "( " + literal(w1) + " & " + literal(w2) + (prefix ? ":*" : "");
  for (const std::string& text : parts) out += " | " + literal(text);
  out += " )";
  return out;
}

}  // namespace

SearchQuery parse_search_query(std::string_view text) {
  SearchQuery query;
  bool pending_or = false;  // an `or` follows a positive clause and waits for its right-hand term
  for (Token& token : tokenize(text)) {
    if (token.is_or) {
      // Only between two terms: after a positive clause; a leading or repeated `or` changes nothing.
      pending_or = !query.clauses.empty() && !query.clauses.back().negated;
      continue;
    }
    if (pending_or && !token.negated) {
      pending_or = false;
      auto& alternatives = query.clauses.back().alternatives;
      if (alternatives.size() < kMaxSearchAlternatives) alternatives.push_back(std::move(token.term));
      continue;
    }
    pending_or = false;
    if (query.clauses.size() == kMaxSearchClauses) break;  // the rest is dropped
    SearchClause clause;
    clause.negated = token.negated;
    clause.alternatives.push_back(std::move(token.term));
    query.clauses.push_back(std::move(clause));
  }
  return query;
}

std::string to_tsquery_text(const SearchQuery& q, const SynonymMap& synonyms, const Corrections& corrections,
                            bool prefix_last) {
  const auto& clauses = q.clauses;
  std::size_t last_positive = clauses.size();
  for (std::size_t i = 0; i < clauses.size(); ++i)
    if (!clauses[i].negated) last_positive = i;
  const auto prefix_at = [&](std::size_t i) {
    return prefix_last && i == last_positive && is_plain_word(clauses[i]);
  };

  std::vector<std::string> parts;
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    const SearchClause& clause = clauses[i];
    if (clause.alternatives.empty()) continue;
    if (i + 1 < clauses.size() && is_plain_word(clause) && is_plain_word(clauses[i + 1])) {
      const auto group =
          bigram_group(clause.alternatives.front().words.front(),
                       clauses[i + 1].alternatives.front().words.front(), prefix_at(i + 1), synonyms);
      if (group) {
        parts.push_back(*group);
        ++i;  // both clauses are in the group
        continue;
      }
    }
    Items items;
    if (clause.negated) {
      add_term(items, clause.alternatives.front(), false, false, synonyms, corrections);
      parts.push_back("!" + items.group());
      continue;
    }
    for (const SearchTerm& term : clause.alternatives)
      add_term(items, term, true, prefix_at(i), synonyms, corrections);
    parts.push_back(items.group());
  }
  return join(parts, " & ");
}

std::vector<std::string> synonym_candidates(const SearchQuery& q) {
  std::vector<std::string> keys;
  const auto add = [&](std::string key) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  };
  const auto& clauses = q.clauses;
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    if (clauses[i].negated) continue;
    for (const SearchTerm& term : clauses[i].alternatives) add(key_of(term));
    if (i > 0 && is_plain_word(clauses[i - 1]) && is_plain_word(clauses[i]))
      add(clauses[i - 1].alternatives.front().words.front() + " " +
          clauses[i].alternatives.front().words.front());
  }
  return keys;
}

std::vector<std::string> typo_candidates(const SearchQuery& q) {
  std::vector<std::string> words;
  for (const SearchClause& clause : q.clauses) {
    if (clause.negated) continue;
    for (const SearchTerm& term : clause.alternatives) {
      if (term.phrase) continue;
      for (const std::string& word : term.words) {
        const bool letter = std::any_of(word.begin(), word.end(), [](char ch) {
          const auto c = static_cast<unsigned char>(ch);
          return c >= 0x80 || is_ascii_letter(c);
        });
        if (word.size() >= 4 && letter && std::find(words.begin(), words.end(), word) == words.end())
          words.push_back(word);
      }
    }
  }
  return words;
}

std::string corrected_text(const SearchQuery& q, const Corrections& corrections) {
  std::vector<std::string> parts;
  for (const SearchClause& clause : q.clauses) {
    std::vector<std::string> alternatives;
    for (const SearchTerm& term : clause.alternatives) {
      if (term.phrase) {
        alternatives.push_back("\"" + key_of(term) + "\"");
        continue;
      }
      std::vector<std::string> words = term.words;
      if (!clause.negated) {
        for (std::string& word : words) {
          const auto it = corrections.find(word);
          if (it == corrections.end() || it->second.empty()) continue;
          const std::string fix = join(split_words(it->second.front()), " ");
          if (!fix.empty()) word = fix;
        }
      }
      alternatives.push_back(join(words, " "));
    }
    parts.push_back((clause.negated ? "-" : "") + join(alternatives, " or "));
  }
  return join(parts, " ");
}

bool has_positive_terms(const SearchQuery& q) noexcept {
  return std::any_of(q.clauses.begin(), q.clauses.end(),
                     [](const SearchClause& c) { return !c.negated && !c.alternatives.empty(); });
}

}  // namespace bookstore::domain
