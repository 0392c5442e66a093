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
};

// Parses `markdown` (GFM) once. Never throws on bad input; invalid UTF-8 is
// replaced. Wikilinks inside code spans and code blocks are not links.
MarkdownContent convert_markdown(std::string_view markdown);

}  // namespace tlsearch::internal

#endif  // TLSEARCH_COMMON_MARKDOWN_INTERNAL_H
