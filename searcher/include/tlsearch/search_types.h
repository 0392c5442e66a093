// The request and result of a search: plain types with no Xapian in sight,
// so printers, servers and their tests build without the engine.
#ifndef TLSEARCH_SEARCH_TYPES_H
#define TLSEARCH_SEARCH_TYPES_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlsearch {

enum class SortOrder {
  kRelevance,   // BM25 score, ties by date, newest first
  kDateAsc,     // oldest first; events without a date last
  kDateDesc,    // newest first; events without a date last
  kImportance,  // most important first, ties by relevance then date
};

// Parses "relevance", "date", "-date", "importance"; nullopt otherwise.
std::optional<SortOrder> parse_sort_order(const std::string& text);
const char* sort_order_name(SortOrder order);

struct SearchRequest {
  // The query in tlsearch syntax (docs/query-syntax.md). Empty browses:
  // every event passing the filters matches. Default: "".
  std::string query;
  // Facet filters: OR within one facet, AND across facets. Values are
  // matched after normalisation, so any spelling of a value works.
  // Default: none.
  std::vector<std::string> lanes;
  std::vector<std::string> actors;
  std::vector<std::string> tags;
  std::vector<std::string> statuses;
  std::vector<std::string> types;
  // Date bounds, inclusive, as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A partial
  // `from` starts at its first day and a partial `to` ends at its last.
  // Default: unbounded.
  std::string from;
  std::string to;
  // Only events with at least this importance (1-10). Default: none.
  std::optional<int> min_importance;
  // Default: relevance for a query, date (oldest first) for browsing.
  std::optional<SortOrder> sort;
  // Window of hits returned. Default: the first 10.
  std::size_t offset = 0;
  std::size_t limit = 10;
  // Values returned per facet (the counts are exact over all matches
  // whatever this is). 0 returns no facets at all. Default: 10.
  std::size_t facet_limit = 10;
  // Approximate length of each snippet in bytes. Default: 240.
  std::size_t snippet_length = 240;
  // Time budget of each match pass in seconds (Xapian's Enquire time
  // limit): past it the match stops early and `total` and facet counts
  // become estimates. For servers facing pathological queries. 0 (the
  // default): no limit, counts always exact.
  double time_limit_seconds = 0;
};

struct Hit {
  std::string id;
  std::string title;
  std::string date;  // as written in the event
  std::optional<int> year;
  std::optional<int> importance;
  std::string path;  // UTF-8 (bytes that are not UTF-8 shown as U+FFFD)
  // The path as the file system names it, byte for byte: what `--format
  // paths` prints for other programs to open. Equal to `path` unless the
  // name is not valid UTF-8.
  std::string file;
  double score = 0;  // BM25 weight, whatever the sort; 0 when browsing (no words)
  // HTML-escaped text with matches wrapped in <mark>...</mark>.
  std::string snippet;
  std::vector<std::string> lanes;
  std::vector<std::string> actors;
  std::vector<std::string> tags;
  std::string status;
  std::string type;
};

struct FacetValue {
  std::string value;  // display label: the most common spelling among matches
  std::string key;    // normalised key, what filters match
  std::size_t count = 0;
  bool selected = false;  // the request filters on this value
};

struct FacetCounts {
  std::string name;  // "lanes", "actors", "tags", "status", "type", "year",
                     // "importance"
  // Count descending, then value ascending; at most facet_limit values, plus
  // any selected value that would otherwise fall outside.
  std::vector<FacetValue> values;
  std::size_t distinct = 0;  // how many distinct values the matches have
};

struct SearchResult {
  std::string query;
  std::size_t offset = 0;
  std::size_t limit = 0;
  std::size_t total = 0;  // exact number of matching events
  SortOrder sort = SortOrder::kRelevance;
  std::vector<Hit> hits;
  std::vector<FacetCounts> facets;  // in schema order; empty if facet_limit 0
  // "Did you mean": a corrected query string with more matches, or empty.
  std::string suggestion;
  // Things the user should know: a query that had to be degraded, words
  // relaxed from AND to OR, a wildcard capped. Human-readable sentences.
  std::vector<std::string> notices;
  double elapsed_ms = 0;
};

// What `tlsearch stats` reports about an index.
struct IndexStats {
  std::string path;
  std::uint64_t documents = 0;
  std::uint64_t terms = 0;  // distinct terms
  double average_length = 0;
  std::string first_date;  // earliest and latest event dates (yyyy-mm-dd)
  std::string last_date;
  std::uint64_t bytes_on_disk = 0;
  std::string revision;
  int schema_version = 0;
  // Distinct values per facet (lanes, actors, tags, status, type, year...).
  std::vector<std::pair<std::string, std::size_t>> facet_values;
};

}  // namespace tlsearch

#endif  // TLSEARCH_SEARCH_TYPES_H
