// Markdown bodies to plain text, through cmark-gfm's syntax tree: parsing is
// cmark's job, so emphasis, links, tables and code come out right without a
// hand-written scanner, and wikilinks are found only in prose (a shell
// `[[ -f x ]]` in a code block is not a link).
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "markdown_internal.h"
#include "tlsearch/event.h"
#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};

// GitHub's extensions, as the issue asks. The registry is process-wide and
// registering it is not thread-safe, hence call_once.
std::unique_ptr<cmark_parser, ParserDeleter> make_parser() {
  static std::once_flag registered;
  std::call_once(registered, cmark_gfm_core_extensions_ensure_registered);
  std::unique_ptr<cmark_parser, ParserDeleter> parser(
      cmark_parser_new(CMARK_OPT_DEFAULT));
  for (const char* name :
       {"table", "strikethrough", "autolink", "tagfilter", "tasklist"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  return parser;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool type_is(cmark_node* node, std::string_view name) {
  const char* type = cmark_node_get_type_string(node);
  return type != nullptr && name == type;
}

// Builds the text; consecutive text nodes are gathered into a run first,
// because cmark splits `[[target|label]]` into several text nodes.
class TextBuilder {
 public:
  void add_text(const char* literal) {
    if (literal != nullptr) run_ += literal;
  }

  void add_literal(std::string_view text) {
    flush();
    out_ += text;
  }

  // Ends a block: a line break, or a blank line between paragraphs.
  // Nested blocks end together (a paragraph, its item, its list), so only
  // the missing line breaks are added.
  void end_block(bool blank_line) {
    flush();
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t'))
      out_.pop_back();
    if (out_.empty()) return;
    if (out_.back() != '\n') out_ += '\n';
    if (blank_line && (out_.size() < 2 || out_[out_.size() - 2] != '\n'))
      out_ += '\n';
  }

  void start_block() {
    flush();
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }

  void flush() {
    if (run_.empty()) return;
    replace_wikilinks(run_);
    run_.clear();
  }

  internal::MarkdownContent finish() {
    flush();
    internal::MarkdownContent content;
    content.text = tidy(out_);
    content.links = std::move(links_);
    return content;
  }

 private:
  // Appends `run` with each `[[target|label]]` shown as its label (or its
  // target), recording the target.
  void replace_wikilinks(std::string_view run) {
    std::size_t pos = 0;
    while (pos < run.size()) {
      std::size_t open = run.find("[[", pos);
      if (open == std::string_view::npos) break;
      const std::size_t close = run.find("]]", open + 2);
      if (close == std::string_view::npos) break;
      // The innermost `[[` before the `]]` (`[[[x]]` links x). Each byte is
      // looked at a bounded number of times: `[[[[…]]` must not be quadratic.
      open = run.rfind("[[", close - 1);
      std::string_view inner = run.substr(open + 2, close - open - 2);
      if (inner.find_first_of("[]\n") != std::string_view::npos) {
        out_ += run.substr(pos, close + 1 - pos);  // no link ends at this `]]`
        pos = close + 1;
        continue;
      }
      std::string_view target = inner, label;
      if (const std::size_t bar = inner.find('|');
          bar != std::string_view::npos) {
        target = inner.substr(0, bar);
        label = trim(inner.substr(bar + 1));
      }
      target = trim(target);
      out_ += run.substr(pos, open - pos);
      out_ += label.empty() ? target : label;
      add_link(target);
      pos = close + 2;
    }
    out_ += run.substr(pos);
  }

  // `[[id#Heading]]` and `[[id.md]]` name the event `id`.
  void add_link(std::string_view target) {
    if (const std::size_t hash = target.find('#');
        hash != std::string_view::npos)
      target = trim(target.substr(0, hash));
    if (target.size() > 3) {
      std::string_view ext = target.substr(target.size() - 3);
      if (ext == ".md" || ext == ".MD") target.remove_suffix(3);
    }
    if (target.empty()) return;
    std::string link(target);
    if (!seen_links_.insert(link).second) return;
    links_.push_back(std::move(link));
  }

  // Trailing spaces dropped, at most one blank line in a row, no blank
  // lines at either end.
  static std::string tidy(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    int newlines = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      while (!line.empty() &&
             (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
      if (line.empty()) {
        ++newlines;
      } else {
        if (!out.empty()) out.append(newlines > 0 ? "\n\n" : "\n");
        out += line;
        newlines = 0;
      }
      pos = end + 1;
    }
    return out;
  }

  std::string out_;
  std::string run_;
  std::vector<std::string> links_;
  std::unordered_set<std::string> seen_links_;  // a body may have 10^6 links
};

// Text of raw HTML with the tags removed, so `<details>Why</details>` still
// indexes "Why".
std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<')
      in_tag = true;
    else if (c == '>' && in_tag)
      in_tag = false;
    else if (!in_tag)
      out += c;
  }
  return out;
}

// A block nested in a list item ends with the item's line, not a blank one.
bool inside_item(cmark_node* node) {
  cmark_node* parent = cmark_node_parent(node);
  return parent != nullptr && cmark_node_get_type(parent) == CMARK_NODE_ITEM;
}

bool in_tight_list(cmark_node* paragraph) {
  cmark_node* item = cmark_node_parent(paragraph);
  if (item == nullptr || cmark_node_get_type(item) != CMARK_NODE_ITEM)
    return false;
  cmark_node* list = cmark_node_parent(item);
  return list != nullptr && cmark_node_get_list_tight(list) != 0;
}

// Why `markdown` should not be given to cmark-gfm (see MarkdownLimits), or
// "" when it can be. One linear pass.
std::string pathological_markdown(std::string_view markdown,
                                  const internal::MarkdownLimits& limits) {
  if (markdown.size() > limits.max_bytes)
    return "the body is larger than " + std::to_string(limits.max_bytes) +
           " bytes";
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < markdown.size()) {
    std::size_t end = markdown.find('\n', pos);
    if (end == std::string_view::npos) end = markdown.size();
    const std::string_view line = markdown.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    // Container markers at the start of the line: `>`, bullets, ordered
    // list numbers; leading indentation counts as one level per two
    // columns, the least a nested list item needs.
    int markers = 0;
    std::size_t columns = 0;
    std::size_t i = 0;
    while (i < line.size()) {
      const char c = line[i];
      if (c == ' ' || c == '\t') {
        if (markers == 0) columns += c == ' ' ? 1 : 4;
        ++i;
        continue;
      }
      const bool space_after =
          i + 1 >= line.size() || line[i + 1] == ' ' || line[i + 1] == '\t';
      if (c == '>') {
        ++markers;
        ++i;
        continue;
      }
      if ((c == '-' || c == '*' || c == '+') && space_after) {
        ++markers;
        ++i;
        continue;
      }
      std::size_t digits = 0;
      while (i + digits < line.size() && digits < 10 &&
             line[i + digits] >= '0' && line[i + digits] <= '9')
        ++digits;
      if (digits > 0 && digits < 10 && i + digits < line.size() &&
          (line[i + digits] == '.' || line[i + digits] == ')') &&
          (i + digits + 1 >= line.size() || line[i + digits + 1] == ' ' ||
           line[i + digits + 1] == '\t')) {
        ++markers;
        i += digits + 1;
        continue;
      }
      break;
    }
    const std::size_t depth = static_cast<std::size_t>(markers) + columns / 2;
    if (depth > static_cast<std::size_t>(limits.max_nesting))
      return "line " + std::to_string(line_no) + " of the body nests " +
             "quotes or lists deeper than " +
             std::to_string(limits.max_nesting) + " levels";
    std::size_t bars = 0;
    for (char c : line) bars += c == '|' ? 1 : 0;
    if (bars > limits.max_table_columns)
      return "line " + std::to_string(line_no) + " of the body has more " +
             "than " + std::to_string(limits.max_table_columns) +
             " table cells";
  }
  return {};
}

}  // namespace

namespace internal {

MarkdownContent convert_markdown(std::string_view markdown,
                                 const MarkdownLimits& limits) {
  const std::string clean = sanitize_utf8(markdown);
  if (std::string reason = pathological_markdown(clean, limits);
      !reason.empty()) {
    TextBuilder text;
    text.add_text(clean.c_str());
    MarkdownContent content = text.finish();
    content.plain_text_reason = std::move(reason);
    return content;
  }
  std::unique_ptr<cmark_node, NodeDeleter> document;
  {
    auto parser = make_parser();
    if (!parser) return {};
    cmark_parser_feed(parser.get(), clean.data(), clean.size());
    document.reset(cmark_parser_finish(parser.get()));
  }
  if (!document) return {};
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(document.get()));

  TextBuilder text;
  for (cmark_event_type event = cmark_iter_next(iter.get());
       event != CMARK_EVENT_DONE; event = cmark_iter_next(iter.get())) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    const bool entering = event == CMARK_EVENT_ENTER;
    const cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_TEXT) {
      text.add_text(cmark_node_get_literal(node));
      continue;
    }
    text.flush();
    switch (type) {
      case CMARK_NODE_CODE:
        text.add_literal(
            cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "");
        break;
      case CMARK_NODE_SOFTBREAK:
        text.add_literal(" ");
        break;
      case CMARK_NODE_LINEBREAK:
        text.add_literal("\n");
        break;
      case CMARK_NODE_HTML_INLINE: {
        const char* html = cmark_node_get_literal(node);
        if (html != nullptr && (std::string_view(html).rfind("<br", 0) == 0 ||
                                std::string_view(html).rfind("<BR", 0) == 0))
          text.add_literal(" ");
        break;
      }
      case CMARK_NODE_CODE_BLOCK:
      case CMARK_NODE_HTML_BLOCK: {
        const char* literal = cmark_node_get_literal(node);
        text.start_block();
        if (literal != nullptr)
          text.add_literal(type == CMARK_NODE_CODE_BLOCK ? std::string(literal)
                                                         : strip_tags(literal));
        text.end_block(true);
        break;
      }
      case CMARK_NODE_THEMATIC_BREAK:
        text.end_block(true);
        break;
      case CMARK_NODE_PARAGRAPH:
        if (!entering) text.end_block(!in_tight_list(node));
        break;
      case CMARK_NODE_HEADING:
      case CMARK_NODE_LIST:
      case CMARK_NODE_BLOCK_QUOTE:
        if (entering)
          text.start_block();
        else
          text.end_block(!inside_item(node));
        break;
      case CMARK_NODE_ITEM:
        if (entering)
          text.start_block();
        else
          text.end_block(false);
        break;
      default:
        if (entering) break;
        if (type_is(node, "table_cell")) {
          if (cmark_node_next(node) != nullptr) text.add_literal(" | ");
        } else if (type_is(node, "table_row") ||
                   type_is(node, "table_header")) {
          text.end_block(false);
        } else if (type_is(node, "table")) {
          text.end_block(true);
        }
        break;
    }
  }
  return text.finish();
}

}  // namespace internal

std::string markdown_to_text(std::string_view markdown) {
  return internal::convert_markdown(markdown).text;
}

std::vector<std::string> extract_wikilinks(std::string_view markdown) {
  return internal::convert_markdown(markdown).links;
}

}  // namespace tlsearch
