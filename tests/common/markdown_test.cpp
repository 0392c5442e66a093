// markdown_to_text() and extract_wikilinks(): Markdown bodies as the plain
// text that is indexed and shown in snippets, and the event ids they link.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tlsearch/event.h"

namespace tlsearch {
namespace {

using Links = std::vector<std::string>;

TEST_CASE("headings are kept as lines of text", "[markdown]") {
  CHECK(markdown_to_text("# Main heading\n\nBody text.\n\n## Second\n") ==
        "Main heading\n\nBody text.\n\nSecond");
  CHECK(markdown_to_text("Setext heading\n==============\n\nafter") ==
        "Setext heading\n\nafter");
}

TEST_CASE("inline markup is dropped, its text kept", "[markdown]") {
  CHECK(markdown_to_text("Some *emphasis*, **strong** and ~~struck~~ "
                         "words.") ==
        "Some emphasis, strong and struck words.");
  CHECK(markdown_to_text("Call `run_it()` now.") == "Call run_it() now.");
  CHECK(markdown_to_text("Fish &amp; chips &copy;") == "Fish & chips \u00A9");
}

TEST_CASE("links keep their text, not their URL", "[markdown]") {
  const std::string text = markdown_to_text(
      "Read [the ruling](https://example.org/ruling.pdf \"Title\") "
      "and ![a court sketch](sketch.png).");
  CHECK(text == "Read the ruling and a court sketch.");
  CHECK(markdown_to_text("See [ref][1].\n\n[1]: https://example.org/x\n") ==
        "See ref.");
}

TEST_CASE("bare URLs stay as their visible text", "[markdown]") {
  CHECK(markdown_to_text("Source: https://example.org/page today") ==
        "Source: https://example.org/page today");
}

TEST_CASE("soft breaks join lines, hard breaks keep them", "[markdown]") {
  CHECK(markdown_to_text("one\ntwo") == "one two");
  CHECK(markdown_to_text("one  \ntwo") == "one\ntwo");
  CHECK(markdown_to_text("one\\\ntwo") == "one\ntwo");
}

TEST_CASE("lists become one line per item", "[markdown]") {
  CHECK(markdown_to_text("Intro:\n\n- first\n- second\n  - nested\n\nEnd.") ==
        "Intro:\n\nfirst\nsecond\nnested\n\nEnd.");
  CHECK(markdown_to_text("1. one\n2. two\n") == "one\ntwo");
}

TEST_CASE("task list boxes are dropped", "[markdown]") {
  CHECK(markdown_to_text("- [ ] open task\n- [x] done task\n") ==
        "open task\ndone task");
}

TEST_CASE("tables keep their cells", "[markdown]") {
  const std::string table =
      "| Year | Event |\n"
      "|------|-------|\n"
      "| 1998 | *Start* |\n"
      "| 2016 | End |\n";
  CHECK(markdown_to_text(table) == "Year | Event\n1998 | Start\n2016 | End");
}

TEST_CASE("code blocks keep their content", "[markdown]") {
  CHECK(markdown_to_text("Before\n\n```bash\necho hi\nls -l\n```\n\nAfter") ==
        "Before\n\necho hi\nls -l\n\nAfter");
  CHECK(markdown_to_text("    indented code\n") == "indented code");
}

TEST_CASE("block quotes and rules", "[markdown]") {
  CHECK(markdown_to_text("> quoted *words*\n\n---\n\nnext") ==
        "quoted words\n\nnext");
}

TEST_CASE("raw HTML keeps its text only", "[markdown]") {
  CHECK(markdown_to_text("a <span class=\"x\">b</span> c") == "a b c");
  CHECK(markdown_to_text("line<br>break") == "line break");
  CHECK(markdown_to_text("<div>\nblock text\n</div>\n\nafter") ==
        "block text\n\nafter");
}

TEST_CASE("runs of blank lines collapse to one", "[markdown]") {
  CHECK(markdown_to_text("\n\n\none\n\n\n\n\ntwo\n\n\n") == "one\n\ntwo");
  CHECK(markdown_to_text("") == "");
  CHECK(markdown_to_text("   \n\t\n") == "");
}

TEST_CASE("wikilinks show their label or target as text", "[markdown]") {
  CHECK(markdown_to_text("See [[2019-01-02--first-event]] and "
                         "[[2020-05-06--second|the second one]].") ==
        "See 2019-01-02--first-event and the second one.");
}

TEST_CASE("extract_wikilinks returns targets in order, unique", "[markdown]") {
  CHECK(extract_wikilinks("[[b-event]] then [[a-event|label]] then "
                          "[[b-event]] and [[ c-event ]]") ==
        Links{"b-event", "a-event", "c-event"});
  CHECK(extract_wikilinks("*[[in-emphasis]]* and **[[in-strong|x]]**") ==
        Links{"in-emphasis", "in-strong"});
  CHECK(extract_wikilinks("- [[in-list]]\n\n> [[in-quote]]") ==
        Links{"in-list", "in-quote"});
}

TEST_CASE("wikilink targets drop headings and the .md extension",
          "[markdown]") {
  CHECK(extract_wikilinks("[[target-one#Section]] [[target-two.md]]") ==
        Links{"target-one", "target-two"});
}

TEST_CASE("code is never scanned for wikilinks", "[markdown]") {
  CHECK(extract_wikilinks("`[[not-a-link]]`") == Links{});
  CHECK(extract_wikilinks("```\nif [[ -f file ]]; then\n```\n") == Links{});
  CHECK(markdown_to_text("`[[kept]]`") == "[[kept]]");
}

TEST_CASE("malformed wikilinks are left as text", "[markdown]") {
  CHECK(extract_wikilinks("[[]] [[ ]] [[|label only]] [[unclosed") == Links{});
  CHECK(markdown_to_text("[[unclosed text") == "[[unclosed text");
  CHECK(extract_wikilinks("[[[triple]]]") == Links{"triple"});
  CHECK(extract_wikilinks("no links [here] at all") == Links{});
}

TEST_CASE("invalid UTF-8 and NUL bytes do not leak into the text",
          "[markdown]") {
  const char raw[] = "bad \xFF byte and nul\0here";
  const std::string text = markdown_to_text(std::string(raw, sizeof raw - 1));
  CHECK(text == "bad \uFFFD byte and nulhere");
}

TEST_CASE("deeply nested Markdown is handled", "[markdown]") {
  // Up to 64 levels are Markdown; deeper is plain text (cmark-gfm is
  // quadratic in depth times emphasis), which neither crashes nor loses text.
  CHECK(markdown_to_text(std::string(64, '>') + " deep") == "deep");
  CHECK(markdown_to_text(std::string(5000, '>') + " deep") ==
        std::string(5000, '>') + " deep");
  std::string list;
  for (int i = 0; i < 64; ++i) list += "- ";
  CHECK(markdown_to_text(list + "item") == "item");
  CHECK(markdown_to_text("- " + list + "item") == "- " + list + "item");
  // Indentation: two columns per level at least.
  CHECK(markdown_to_text(std::string(130, ' ') + "x") == std::string(130, ' ') + "x");
  const std::string brackets = std::string(20000, '[') + "x";
  CHECK(markdown_to_text(brackets).size() == 20001);
}

TEST_CASE("very wide tables are read as plain text", "[markdown]") {
  // cmark-gfm 0.29.0.gfm.6 is quadratic in columns: 160 kB took 4 s.
  std::string header = "|", rule = "|";
  for (int i = 0; i < 20000; ++i) {
    header += "h|";
    rule += "-|";
  }
  const std::string text = markdown_to_text(header + "\n" + rule + "\n");
  CHECK(text == header + "\n" + rule);
  CHECK(markdown_to_text("| a | b |\n|---|---|\n| 1 | 2 |\n") == "a | b\n1 | 2");
}

TEST_CASE("wikilink scanning is linear in nested brackets", "[markdown]") {
  // `[[[[…x]]` used to restart the search after each `[`: quadratic.
  const std::string many = std::string(200000, '[') + "x]]";
  CHECK(extract_wikilinks("`c` " + many) == Links{"x"});
  CHECK(extract_wikilinks("[[a\nb]] [[c]] [[a]b]] [[d]]") == Links{"c", "d"});
  CHECK(markdown_to_text("[[[x]]") == "[x");
}

}  // namespace
}  // namespace tlsearch
