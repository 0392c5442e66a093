// One pass over a Markdown body giving both its plain text and its wikilinks,
// so the event reader parses each body once.
#ifndef TLSEARCH_COMMON_MARKDOWN_INTERNAL_H
#define TLSEARCH_COMMON_MARKDOWN_INTERNAL_H

#include <string>
#include <string_view>
#include <vector>

namespace tlsearch::internal {

struct MarkdownContent {
  std::string text;                // as markdown_to_text() returns it
  std::vector<std::string> links;  // as extract_wikilinks() returns them
  // Why the body was read as plain text instead of Markdown; empty when it
  // was parsed as Markdown.
  std::string plain_text_reason;
};

// What is handed to cmark-gfm. Its parser is quadratic in block nesting
// times inline delimiters (`>>>>…a*a*a*…`) and in table columns (both fixed
// upstream after the 0.29.0.gfm.6 Debian 12 ships), so bodies past these
// limits are read as plain text instead: bounded time, words still indexed.
struct MarkdownLimits {
  std::size_t max_bytes = 1u << 20;
  int max_nesting = 64;               // quotes and list items on one line
  std::size_t max_table_columns = 256;  // `|` on one line
};

// Parses `markdown` (GFM) once. Never throws on bad input; invalid UTF-8 is
// replaced. Wikilinks inside code spans and code blocks are not links.
MarkdownContent convert_markdown(std::string_view markdown,
                                 const MarkdownLimits& limits = {});

}  // namespace tlsearch::internal

#endif  // TLSEARCH_COMMON_MARKDOWN_INTERNAL_H
