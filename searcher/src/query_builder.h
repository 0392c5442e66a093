// Turning a SearchRequest into a Xapian query: the query-string parser with
// tlsearch's fields and ranges, and the facet and date filters.
#ifndef TLSEARCH_SEARCHER_QUERY_BUILDER_H
#define TLSEARCH_SEARCHER_QUERY_BUILDER_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "tlsearch/schema.h"
#include "tlsearch/search_types.h"

namespace tlsearch {

// Limits that keep one query from costing unbounded time or memory.
inline constexpr std::size_t kMaxQueryBytes = 8192;
inline constexpr Xapian::termcount kMaxWildcardExpansion = 500;
// Most `word*` wildcards in one query: each may expand to
// kMaxWildcardExpansion terms, and 2,000 of them (`a* a* …` fits the length
// limit) made one search take 10 s. Past this, `*` is searched literally.
inline constexpr std::size_t kMaxWildcards = 16;
// Most values one facet filter takes (`--lane` repeated, an MCP list):
// 16,000 values once made one search take 5 s inside Xapian's OR.
inline constexpr std::size_t kMaxFilterValues = 1024;

// The parsed query string. `query` matches every document for an empty string.
// The part of the phrase's weight that plain words get as a boost
// (parse_query_text, where the value is explained).
inline constexpr double kPhraseBoost = 0.3;

// A facet value the query filters on (`lane:"..."`) that no event has.
struct UnknownValue {
  std::string field;        // the query field: "lane", "tag", "tier"...
  std::string term_prefix;  // its boolean term prefix
  std::string value;        // as written
};

struct ParsedQuery {
  Xapian::Query query;
  // When `query` is plain words with the phrase boost, the two parts:
  // query is OP_AND_MAYBE(unboosted, boost). Empty queries otherwise.
  Xapian::Query unboosted, boost;
  bool empty = true;              // no query text: browsing
  bool degraded = false;          // the syntax was rejected; plain words used
  std::vector<std::string> notices;
  // Filter values of the query that no event has, each once, for the
  // searcher to say so and suggest the values meant.
  std::vector<UnknownValue> unknown_values;
};

// Parses `text` with tlsearch's syntax (docs/query-syntax.md).
// `default_or` joins plain words with OR instead of AND. Never throws for
// syntax: a rejected query is retried as plain words with a notice.
ParsedQuery parse_query_text(const std::string& text, const Xapian::Database& db,
                             bool default_or = false);

// The query's words: its text without the filters at its top level
// (`lane:x`, `-date:..2020`, `NOT tag:x`), field names as the parser reads
// them. nullopt when a filter cannot be taken out (an operand of an
// operator, inside brackets). What decides whether any event holds all
// the words, whatever the filters.
std::optional<std::string> words_without_filters(const std::string& text);

// For a facet filter value ending in `*` (`police*`, `police-*`), the key
// start of the values it selects (facet_key_prefix; empty when it holds
// nothing to match); nullopt for a plain value.
std::optional<std::string> facet_wildcard_start(const std::string& value);

// Whether some event has the facet value `value` under the boolean term
// `prefix` (for a wildcard value, some value it selects).
bool facet_value_exists(const Xapian::Database& db, const std::string& prefix,
                        const std::string& value);

// Whether `stem` is one of the query parser's stopwords (`the`, `and`...),
// as indexed: snippets do not mark them.
bool is_stopword_stem(std::string_view stem);

// A corrected version of `text` from the spelling dictionary, or "".
std::string spelling_suggestion(const std::string& text,
                                const Xapian::Database& db);

// Inclusive bounds of a date as yyyymmdd sort keys: `2020` covers
// 20200000..20201299, `2020-05` 20200500..20200599. nullopt if malformed.
struct DateBounds {
  std::int64_t low;
  std::int64_t high;
};
std::optional<DateBounds> parse_date_bound(const std::string& text);

// The filter for one facet: OR of its values' terms; nullopt if no values.
std::optional<Xapian::Query> facet_filter(schema::Facet facet,
                                          const std::vector<std::string>& values);

// The values the request filters `facet` on.
const std::vector<std::string>* request_values(const SearchRequest& request,
                                               schema::Facet facet);

// Date and importance filters of the request (kUsage Error on bad values).
std::vector<Xapian::Query> range_filters(const SearchRequest& request);

// `query` filtered by every filter of the request except those on
// `excluded` (when given), for disjunctive facet counts.
Xapian::Query apply_filters(const Xapian::Query& query,
                            const SearchRequest& request,
                            std::optional<schema::Facet> excluded);

}  // namespace tlsearch

#endif  // TLSEARCH_SEARCHER_QUERY_BUILDER_H
