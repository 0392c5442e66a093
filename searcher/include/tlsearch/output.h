// Printing results: the JSON serialiser (one for the CLI, the HTTP API and
// every other caller) and the human-readable terminal printers.
//
// JSON format, version 1 (docs/json.md is the reference):
//   search: {"version":1, "query", "total", "offset", "limit", "sort",
//            "hits":[{"id","title","date","year","importance","path","score",
//                     "snippet","lanes","actors","tags","status","type"}],
//            "facets":{"lanes":[{"value","key","count","selected"}], ...},
//            "facet_distinct":{"lanes":N, ...},
//            "suggestion": string|null, "notices":[...], "elapsed_ms"}
//   snippet: HTML-escaped text; matched words are wrapped in <mark>...</mark>.
// New fields may be added within a version; none are removed or renamed.
#ifndef TLSEARCH_OUTPUT_H
#define TLSEARCH_OUTPUT_H

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tlsearch/event.h"
#include "tlsearch/search_types.h"

namespace tlsearch {

inline constexpr int kJsonVersion = 1;

nlohmann::json search_result_to_json(const SearchResult& result);
// One element of "hits" in search_result_to_json(); also one line of
// --format ndjson.
nlohmann::json hit_to_json(const Hit& hit);
nlohmann::json facet_counts_to_json(const FacetCounts& counts);
nlohmann::json stats_to_json(const IndexStats& stats);
// {"version":1, "events":[event_to_json...]} for `show`.
nlohmann::json events_to_json(const std::vector<Event>& events);

// Dumps `json` as one line (or indented when `pretty`), replacing any
// invalid UTF-8 rather than throwing.
std::string dump_json(const nlohmann::json& json, bool pretty = false);

struct PrintStyle {
  bool color = false;  // ANSI colours and bold highlights
  int width = 100;     // wrap snippets at this many columns
};

void print_search(const SearchResult& result, std::ostream& out,
                  const PrintStyle& style);
void print_events(const std::vector<Event>& events, std::ostream& out,
                  const PrintStyle& style);
void print_stats(const IndexStats& stats, std::ostream& out,
                 const PrintStyle& style);

// Formats for scripts (docs/json.md), all in rank order, hits only:
// ndjson: one hit_to_json() object per line, nothing else (no summary line).
void print_search_ndjson(const SearchResult& result, std::ostream& out);
// ids / paths: one hit id, or one absolute file path, per line (like grep -l);
// `end` '\0' ends each with a NUL instead, for names holding a newline
// (`xargs -0`, like find -print0).
void print_search_ids(const SearchResult& result, std::ostream& out, char end = '\n');
void print_search_paths(const SearchResult& result, std::ostream& out, char end = '\n');
// csv: RFC 4180 (CRLF line ends, fields quoted when they hold `,` `"` CR or
// LF), header row `id,title,date,importance,path,score,lanes,actors,tags`;
// importance empty when unknown; lanes, actors and tags joined with "; ".
void print_search_csv(const SearchResult& result, std::ostream& out);

// A snippet (HTML-escaped, <mark> highlights) as terminal text: entities
// decoded, highlights bold when `color`, else left unmarked, line breaks
// read as spaces, and cleaned like text_for_terminal().
std::string snippet_for_terminal(std::string_view snippet, bool color);

// Text from an event file made safe to print on a terminal: C0 control
// characters other than newline and tab, DEL, C1 controls (U+0080-U+009F)
// and the bidi embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069) are dropped, so a file can neither send escape sequences
// nor reorder the text printed around it. Every text printer uses it.
std::string text_for_terminal(std::string_view text);

}  // namespace tlsearch

#endif  // TLSEARCH_OUTPUT_H
