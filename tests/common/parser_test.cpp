// The event reader: every field, the messy shapes real timelines use, errors
// with file positions, the JSON reader, and hostile input (deep nesting,
// alias bombs, FIFOs, huge files, bad bytes).
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "../test_support.h"
#include "tlsearch/event.h"
#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

ParseResult md(const std::string& text,
               const std::string& path = "events/2024-01-24--sample.md",
               const ParseLimits& limits = {}) {
  return parse_event_text(text, path, EventFormat::kMarkdown, limits);
}

ParseResult json(const std::string& text,
                 const std::string& path = "old/2001-09-11--entry.json") {
  return parse_event_text(text, path, EventFormat::kJson);
}

Strings warnings(const ParseResult& r) {
  Strings out;
  for (const Diagnostic& d : r.diagnostics)
    if (d.severity == Severity::kWarning) out.push_back(d.message);
  return out;
}

// A copy, like event_of().
Diagnostic only_error(const ParseResult& r) {
  REQUIRE(r.status == ParseStatus::kError);
  REQUIRE_FALSE(r.event.has_value());
  const auto errors = std::count_if(
      r.diagnostics.begin(), r.diagnostics.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; });
  REQUIRE(errors == 1);
  return *std::find_if(
      r.diagnostics.begin(), r.diagnostics.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

// The event of a file expected to parse; warnings are allowed. A copy, so
// `const Event& e = event_of(md(...))` outlives the temporary result.
Event event_of(const ParseResult& r) {
  INFO((r.diagnostics.empty() ? std::string()
                              : r.diagnostics.front().to_string()));
  REQUIRE(r.status == ParseStatus::kOk);
  REQUIRE(r.event.has_value());
  return *r.event;
}

bool any_contains(const Strings& messages, const std::string& part) {
  return std::any_of(
      messages.begin(), messages.end(),
      [&](const std::string& m) { return m.find(part) != std::string::npos; });
}

bool is_clean(const std::string& s) {
  return s.find('\0') == std::string::npos && sanitize_utf8(s) == s;
}

// ---- Every field ----------------------------------------------------------

const char* const kFullEntry =
    "---\n"
    "id: 2024-01-24--harbour-board-vote\n"
    "date: 2024-01-24\n"
    "title: Harbour board votes to sell the pier\n"
    "importance: 8\n"
    "status: confirmed\n"
    "type: timeline_event\n"
    "location: Port Example, Somewhere\n"
    "actors:\n"
    "  - Harbour Board\n"
    "  - Jane Q. Example\n"
    "tags: [harbour, privatisation, public-assets]\n"
    "capture_lanes:\n"
    "  - Regulatory Capture\n"
    "  - Financial Capture\n"
    "sources:\n"
    "  - title: Board minutes\n"
    "    url: https://example.org/minutes.pdf\n"
    "    outlet: Example Gazette\n"
    "    date: '2024-01-25'\n"
    "    tier: 1\n"
    "notes: Vote was 5-2.\n"
    "description: The board sold the pier.\n"
    "---\n"
    "\n"
    "## What happened\n"
    "\n"
    "The board *voted* to sell. See [[2023-06-01--pier-survey]].\n";

TEST_CASE("every field of a well-formed entry is read", "[parser]") {
  const ParseResult r = md(kFullEntry);
  CHECK(r.diagnostics.empty());
  const Event& e = event_of(r);
  CHECK(e.path == "events/2024-01-24--sample.md");
  CHECK(e.id == "2024-01-24--harbour-board-vote");
  CHECK_FALSE(e.id_from_filename);
  CHECK(e.date.text == "2024-01-24");
  CHECK(e.date.year == 2024);
  CHECK(e.date.month == 1);
  CHECK(e.date.day == 24);
  CHECK(e.date.end_year == 0);
  CHECK(e.title == "Harbour board votes to sell the pier");
  CHECK(e.importance == 8);
  CHECK(e.status == "confirmed");
  CHECK(e.type == "timeline_event");
  CHECK(e.location == "Port Example, Somewhere");
  CHECK(e.actors == Strings{"Harbour Board", "Jane Q. Example"});
  CHECK(e.tags == Strings{"harbour", "privatisation", "public-assets"});
  CHECK(e.lanes == Strings{"Regulatory Capture", "Financial Capture"});
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].title == "Board minutes");
  CHECK(e.sources[0].url == "https://example.org/minutes.pdf");
  CHECK(e.sources[0].outlet == "Example Gazette");
  CHECK(e.sources[0].date == "2024-01-25");
  CHECK(e.sources[0].tier == "1");
  CHECK(e.notes == "Vote was 5-2.");
  CHECK(e.description == "The board sold the pier.");
  CHECK(e.body_markdown ==
        "\n## What happened\n\nThe board *voted* to sell. See "
        "[[2023-06-01--pier-survey]].\n");
  CHECK(e.body_text ==
        "What happened\n\nThe board voted to sell. See "
        "2023-06-01--pier-survey.");
  CHECK(e.links == Strings{"2023-06-01--pier-survey"});
  CHECK(e.body_line == 25);
}

TEST_CASE("the id defaults to the file name without extension", "[parser]") {
  const Event& e = event_of(
      md("---\ntitle: T\n---\nbody\n", "some/dir/1999-12-31--party.md"));
  CHECK(e.id == "1999-12-31--party");
  CHECK(e.id_from_filename);
  CHECK(e.body_line == 4);

  const ParseResult blank = md("---\nid: '  '\ntitle: T\n---\n", "x/y.md");
  CHECK(event_of(blank).id == "y");
  CHECK(event_of(blank).id_from_filename);
  CHECK(any_contains(warnings(blank), "'id' is empty"));
}

TEST_CASE("a missing or empty title falls back to the id", "[parser]") {
  for (const char* text : {"---\ndate: 2020\n---\n", "---\ntitle: ''\n---\n",
                           "---\ntitle:\n---\n", "---\ntitle: '   '\n---\n"}) {
    const ParseResult r = md(text, "a/2020--no-title.md");
    CHECK(event_of(r).title == "2020--no-title");
    CHECK(any_contains(warnings(r), "title"));
  }
}

TEST_CASE("a missing date is fine and gives year 0", "[parser]") {
  const ParseResult r = md("---\ntitle: Undated\n---\n");
  CHECK(r.diagnostics.empty());
  CHECK(event_of(r).date.year == 0);
  CHECK(event_of(r).date.text.empty());
}

TEST_CASE("dates may be bare, quoted, partial or ranges", "[parser]") {
  auto date_of = [](const std::string& value) {
    return event_of(md("---\ntitle: T\ndate: " + value + "\n---\n")).date;
  };
  CHECK(date_of("2024-01-24").sort_key() == 20240124);
  CHECK(date_of("'2024-01-24'").sort_key() == 20240124);
  CHECK(date_of("\"2025-11\"").sort_key() == 20251100);
  CHECK(date_of("1998").year == 1998);
  CHECK(date_of("1998-2016").end_year == 2016);
  CHECK(date_of("2019-03..2019-06").month == 3);
  CHECK(date_of("2019-03-01 to 2019-06-30").text == "2019-03-01 to 2019-06-30");
  CHECK(date_of("circa 1600").year == 1600);
}

TEST_CASE("a malformed date is a warning with its position", "[parser]") {
  const ParseResult r = md("---\ntitle: T\ndate: 2024-13-45\n---\n");
  const Event& e = event_of(r);
  CHECK(e.date.year == 2024);
  CHECK(e.date.month == 0);
  CHECK(e.date.day == 0);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == Severity::kWarning);
  CHECK(r.diagnostics[0].line == 3);
  CHECK(r.diagnostics[0].column == 7);
  CHECK_THAT(r.diagnostics[0].message, Catch::Contains("invalid month 13"));

  const ParseResult list = md("---\ntitle: T\ndate: [2020, 2021]\n---\n");
  CHECK(event_of(list).date.year == 0);
  CHECK(any_contains(warnings(list), "'date' should be a date"));
}

TEST_CASE("importance accepts 1-10 as a number or a string", "[parser]") {
  auto read = [](const std::string& value) {
    return md("---\ntitle: T\nimportance: " + value + "\n---\n");
  };
  CHECK(event_of(read("7")).importance == 7);
  CHECK(event_of(read("'7'")).importance == 7);
  CHECK(event_of(read("\" 10 \"")).importance == 10);
  CHECK(event_of(read("1")).importance == 1);
  CHECK(read("7").diagnostics.empty());
  CHECK(event_of(read("")).importance == std::nullopt);
  CHECK(read("").diagnostics.empty());
}

TEST_CASE("invalid importance is a warning and absent", "[parser]") {
  for (const char* value : {"high", "0", "11", "-3", "7.5", "1e3", "[7]",
                            "{level: 7}", "99999999999999999999"}) {
    INFO(value);
    const ParseResult r =
        md(std::string("---\ntitle: T\nimportance: ") + value + "\n---\n");
    CHECK(event_of(r).importance == std::nullopt);
    CHECK(warnings(r).size() == 1);
    CHECK(any_contains(warnings(r), "importance"));
  }
  const ParseResult r = md("---\ntitle: T\nimportance: 11\n---\n");
  CHECK(any_contains(warnings(r), "out of range"));
  CHECK(r.diagnostics[0].line == 3);
  CHECK(r.diagnostics[0].column == 13);
}

TEST_CASE("status, type and other texts are trimmed", "[parser]") {
  const Event& e =
      event_of(md("---\ntitle: '  Spaced    title  '\nstatus: ' reported '\n"
                  "type: \"  timeline_event\"\nlocation: '  Town  '\n---\n"));
  CHECK(e.title == "Spaced title");
  CHECK(e.status == "reported");
  CHECK(e.type == "timeline_event");
  CHECK(e.location == "Town");
}

TEST_CASE("location may be a list", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\nlocation:\n  - 'Capital City, Region'\n  - Abroad\n"
         "---\n");
  CHECK(event_of(r).location == "Capital City, Region, Abroad");
  CHECK(r.diagnostics.empty());
}

TEST_CASE("description falls back to summary", "[parser]") {
  CHECK(event_of(md("---\ntitle: T\nsummary: Short one.\n---\n")).description ==
        "Short one.");
  CHECK(event_of(md("---\ntitle: T\nsummary: S\ndescription: D\n---\n"))
            .description == "D");
  CHECK(event_of(md("---\ntitle: T\ndescription: ''\nsummary: S\n---\n"))
            .description == "S");
}

TEST_CASE("notes keep their lines", "[parser]") {
  const Event& e =
      event_of(md("---\ntitle: T\nnotes: |\n  first line\n  second line\n"
                  "---\n"));
  CHECK(e.notes == "first line\nsecond line");
  const ParseResult list = md("---\ntitle: T\nnotes: [One., Two.]\n---\n");
  CHECK(event_of(list).notes == "One.\nTwo.");
  CHECK(list.diagnostics.empty());
}

TEST_CASE("unknown keys are ignored without warnings", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\ncoverage: {a: 1}\npatterns: [x, y]\n"
         "validation_metadata:\n  checked: true\n  by: [someone]\n"
         "_merge_note: whatever\nbody: not used in markdown\n---\n");
  CHECK(r.diagnostics.empty());
  CHECK(event_of(r).body_markdown.empty());
}

TEST_CASE("keys are matched without regard to case", "[parser]") {
  const Event& e = event_of(md("---\nTitle: Upper\nTAGS: [a]\n---\n"));
  CHECK(e.title == "Upper");
  CHECK(e.tags == Strings{"a"});
}

TEST_CASE("a repeated key keeps its first value", "[parser]") {
  const ParseResult r = md("---\ntitle: First\ntitle: Second\n---\n");
  CHECK(event_of(r).title == "First");
  CHECK(any_contains(warnings(r), "duplicate key 'title'"));
}

// ---- Messy list fields ----------------------------------------------------

TEST_CASE("a string where a list belongs is one value, or split on commas",
          "[parser]") {
  const ParseResult one = md("---\ntitle: T\nactors: Solo Actor\n---\n");
  CHECK(event_of(one).actors == Strings{"Solo Actor"});
  CHECK(any_contains(warnings(one), "'actors' should be a list"));

  const ParseResult split =
      md("---\ntitle: T\ntags: 'alpha, beta ,gamma,,'\n---\n");
  CHECK(event_of(split).tags == Strings{"alpha", "beta", "gamma"});
  CHECK(any_contains(warnings(split), "split on commas"));
}

TEST_CASE("list items may be mappings, numbers or nulls", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\n"
         "actors:\n"
         "  - name: First Person\n"
         "    role: chair\n"
         "  - {name: Second Person}\n"
         "  - ~\n"
         "  - 42\n"
         "  -\n"
         "  - role: nameless\n"
         "  - [Nested One, Nested Two]\n"
         "---\n");
  const Event& e = event_of(r);
  CHECK(e.actors == Strings{"First Person", "Second Person", "42", "Nested One",
                            "Nested Two"});
  const Strings w = warnings(r);
  CHECK(w.size() == 2);
  CHECK(any_contains(w, "mapping without a name"));
  CHECK(any_contains(w, "itself a list"));
}

TEST_CASE("a mapping where a list belongs is read as one item", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\nactors: {name: Lone Person, role: x}\n---\n");
  CHECK(event_of(r).actors == Strings{"Lone Person"});
  CHECK(any_contains(warnings(r), "'actors' should be a list"));
}

TEST_CASE("list values are de-duplicated by facet key, first spelling kept",
          "[parser]") {
  const Event& e = event_of(
      md("---\ntitle: T\n"
         "tags: [Public Assets, public-assets, '  PUBLIC_ASSETS ', other]\n"
         "actors: ['  Spaced   Name ', \"spaced name\", '']\n---\n"));
  CHECK(e.tags == Strings{"Public Assets", "other"});
  CHECK(e.actors == Strings{"Spaced Name"});
}

TEST_CASE("long lists are de-duplicated too, in their order", "[parser]") {
  // Past the first values the check moves from a scan to a hash set.
  std::string tags;
  Strings expected;
  for (int i = 0; i < 200; ++i) {
    tags += (i ? ", " : "") + std::string(i % 2 ? "T" : "t") + std::to_string(i / 2);
    if (i % 2 == 0) expected.push_back("t" + std::to_string(i / 2));
  }
  const Event& e = event_of(md("---\ntitle: T\ntags: [" + tags + "]\n---\n"));
  CHECK(e.tags == expected);
}

TEST_CASE("YAML merge keys fill in what the mapping does not set", "[parser]") {
  const ParseResult r = md(
      "---\nid: m\ntitle: Own title\n"
      "base: &b {title: Base title, status: confirmed, importance: 7}\n"
      "<<: *b\n"
      "more: &c {tags: [x], status: other}\n"
      "extra: &d {actors: [A]}\n"
      "sources:\n  - &s {outlet: Wire, url: 'https://x.example'}\n"
      "  - {<<: *s, outlet: Other}\n---\nbody\n");
  REQUIRE(r.event);
  CHECK(r.diagnostics.empty());
  CHECK(r.event->title == "Own title");  // set by the mapping itself
  CHECK(r.event->status == "confirmed");
  CHECK(r.event->importance == 7);
  REQUIRE(r.event->sources.size() == 2);
  CHECK(r.event->sources[1].outlet == "Other");
  CHECK(r.event->sources[1].url == "https://x.example");
  // A list of bases: the first one that sets a key wins.
  const Event& e = event_of(md("---\ntitle: T\n<<: [{status: first, tags: [a]}, "
                               "{status: second, actors: [B]}]\n---\n"));
  CHECK(e.status == "first");
  CHECK(e.tags == Strings{"a"});
  CHECK(e.actors == Strings{"B"});
  // A quoted "<<" is an ordinary (unknown) key.
  CHECK(event_of(md("---\ntitle: T\n\"<<\": {status: no}\n---\n")).status.empty());
}

TEST_CASE("lanes come from capture_lanes, capture_lane and lane", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\n"
         "capture_lanes:\n"
         "  - Media Capture & Control\n"
         "  - 'Judicial Capture'\n"
         "capture_lane: media capture and control\n"
         "lane: detention-pipeline\n"
         "---\n");
  const Event& e = event_of(r);
  CHECK(e.lanes == Strings{"Media Capture & Control", "Judicial Capture",
                           "detention-pipeline"});
  // The singular keys naturally hold one string: no warning for that.
  CHECK(r.diagnostics.empty());

  const Event& listed =
      event_of(md("---\ntitle: T\ncapture_lane:\n  - Financial Capture\n"
                  "capture_lanes: [Other Lane, financial capture]\n---\n"));
  CHECK(listed.lanes == Strings{"Financial Capture", "Other Lane"});
}

TEST_CASE("a stray quote in a lane does not make a new lane", "[parser]") {
  const Event& e = event_of(
      md("---\ntitle: T\ncapture_lanes:\n  - \"'Media Capture & Control\"\n"
         "  - Media Capture and Control\n---\n"));
  CHECK(e.lanes == Strings{"Media Capture & Control"});
}

// ---- Sources --------------------------------------------------------------

TEST_CASE("sources in their messy shapes", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\n"
         "sources:\n"
         "  - title: With publisher\n"
         "    publisher: Example Press\n"
         "    tier: '1-equivalent'\n"
         "  - title: Both\n"
         "    outlet: The Outlet\n"
         "    publisher: Ignored Press\n"
         "    url: '  https://example.org/both  '\n"
         "    tier: 2\n"
         "    date: 2023-05-06\n"
         "    extra_key: whatever\n"
         "  - Just a title given as text\n"
         "  - https://example.org/bare-url\n"
         "  - ~\n"
         "  - {tier: 3}\n"
         "---\n");
  const Event& e = event_of(r);
  REQUIRE(e.sources.size() == 4);
  CHECK(e.sources[0].title == "With publisher");
  CHECK(e.sources[0].outlet == "Example Press");
  CHECK(e.sources[0].tier == "1-equivalent");
  CHECK(e.sources[1].outlet == "The Outlet");
  CHECK(e.sources[1].url == "https://example.org/both");
  CHECK(e.sources[1].tier == "2");
  CHECK(e.sources[1].date == "2023-05-06");
  CHECK(e.sources[2].title == "Just a title given as text");
  CHECK(e.sources[2].url.empty());
  CHECK(e.sources[3].url == "https://example.org/bare-url");
  CHECK(e.sources[3].title.empty());
  const Strings w = warnings(r);
  CHECK(w.size() == 2);
  CHECK(any_contains(w, "a source is plain text"));
}

TEST_CASE("a single source mapping instead of a list", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\nsources:\n  title: Only one\n  url: "
         "https://example.org/one\n---\n");
  const Event& e = event_of(r);
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].title == "Only one");
  CHECK(any_contains(warnings(r), "'sources' should be a list"));
  CHECK(event_of(md("---\ntitle: T\nsources: []\n---\n")).sources.empty());
}

TEST_CASE("a mapping where text belongs is a warning", "[parser]") {
  const ParseResult r =
      md("---\ntitle: {name: Named Title}\nstatus: {x: 1}\n---\n");
  const Event& e = event_of(r);
  CHECK(e.title == "Named Title");
  CHECK(e.status.empty());
  CHECK(warnings(r).size() == 2);

  const ParseResult list = md("---\ntitle: [Part one, Part two]\n---\n");
  CHECK(event_of(list).title == "Part one, Part two");
  CHECK(any_contains(warnings(list), "not a list"));
}

// ---- Front matter framing -------------------------------------------------

TEST_CASE("a Markdown file without front matter is skipped", "[parser]") {
  for (const char* text :
       {"# Just a README\n\nText.\n", "", "\n---\ntitle: T\n---\n",
        " ---\ntitle: T\n---\n", "----\ntitle: T\n----\n"}) {
    const ParseResult r = md(text);
    CHECK(r.status == ParseStatus::kSkipped);
    CHECK(r.skip_reason == "no front matter");
    CHECK_FALSE(r.event.has_value());
    // Front matter after a blank line is named in a warning; others quiet.
    if (text[0] == '\n' || text[0] == ' ')
      CHECK(any_contains(warnings(r), "must start on the first line"));
    else
      CHECK(r.diagnostics.empty());
  }
}

TEST_CASE("a UTF-8 BOM before the front matter is skipped", "[parser]") {
  const ParseResult r = md("\xEF\xBB\xBF---\ntitle: With BOM\n---\nBody\n");
  CHECK(r.diagnostics.empty());
  CHECK(event_of(r).title == "With BOM");
  CHECK(event_of(r).body_text == "Body");
}

TEST_CASE("CRLF line endings and padded delimiters work", "[parser]") {
  const ParseResult r =
      md("---  \r\ntitle: Windows file\r\ntags:\r\n  - one\r\n  - two\r\n"
         "date: 2021-02-03\r\n---\t \r\n\r\nBody line\r\nsecond\r\n");
  CHECK(r.diagnostics.empty());
  const Event& e = event_of(r);
  CHECK(e.title == "Windows file");
  CHECK(e.tags == Strings{"one", "two"});
  CHECK(e.date.sort_key() == 20210203);
  CHECK(e.body_text == "Body line second");
  CHECK(e.body_line == 8);
}

TEST_CASE("front matter may be closed by YAML's document end '...'", "[parser]") {
  const ParseResult r = md("---\ntitle: Pandoc style\n...  \r\nBody\n---\nMore\n");
  CHECK(r.diagnostics.empty());
  const Event& e = event_of(r);
  CHECK(e.title == "Pandoc style");
  CHECK(e.body_line == 4);
  CHECK_THAT(e.body_markdown, Catch::StartsWith("Body\n---"));
  // Only as a closing line of its own: it never opens front matter, and
  // `....` or `... x` do not close it.
  CHECK(md("...\ntitle: T\n...\n").status == ParseStatus::kSkipped);
  CHECK(only_error(md("---\ntitle: T\n....\n... x\nBody\n")).line == 1);
}

TEST_CASE("front matter may be empty", "[parser]") {
  const ParseResult r = md("---\n---\nText\n", "dir/empty-front.md");
  CHECK(event_of(r).title == "empty-front");
  CHECK(event_of(r).body_text == "Text");
  CHECK(md("---\n# only a comment\n---\n").status == ParseStatus::kOk);
}

TEST_CASE("the body may be missing", "[parser]") {
  const ParseResult r = md("---\ntitle: T\n---");
  CHECK(event_of(r).body_markdown.empty());
  CHECK(event_of(r).body_text.empty());
}

TEST_CASE("a closing delimiter is required", "[parser]") {
  const Diagnostic& d = only_error(md("---\ntitle: Never closed\n\nBody\n"));
  CHECK(d.line == 1);
  CHECK_THAT(d.message, Catch::Contains("not closed"));
  CHECK(only_error(md("---")).line == 1);
}

// ---- Errors with positions ------------------------------------------------

TEST_CASE("YAML errors point at the file's line and column", "[parser]") {
  SECTION("a mapping value where none may start") {
    const Diagnostic& d =
        only_error(md("---\ntitle: Good\nsummary: a: b\n---\n", "e/bad.md"));
    CHECK(d.line == 3);
    CHECK(d.column == 11);
    CHECK_THAT(d.message, Catch::Contains("invalid YAML"));
    CHECK(d.to_string().rfind("e/bad.md:3:11: error: invalid YAML", 0) == 0);
  }
  SECTION("a tab used for indentation") {
    // yaml-cpp objects to the `-` that follows the tab.
    const Diagnostic& d = only_error(md("---\ntitle: x\ntags:\n\t- a\n---\n"));
    CHECK(d.line == 4);
    CHECK(d.column == 2);
    CHECK_THAT(d.message, Catch::Contains("illegal block entry"));
  }
  SECTION("an unclosed flow sequence") {
    // yaml-cpp notices it at the first `key:` that cannot be inside the
    // brackets; reported where the bracket opens.
    const Diagnostic& d =
        only_error(md("---\ntitle: x\ntags: [a, b\nstatus: ok\n---\n"));
    CHECK(d.line == 3);
    CHECK(d.column == 7);
    CHECK_THAT(d.message, Catch::Contains("end of sequence flow not found"));
  }
  SECTION("positions count the BOM line and CRLF files the same way") {
    const Diagnostic& d =
        only_error(md("\xEF\xBB\xBF---\r\nid: x\r\n\r\nsummary: a: b\r\n"
                      "---\r\n"));
    CHECK(d.line == 4);
    CHECK(d.column == 11);
  }
  SECTION("an undefined alias") {
    const Diagnostic& d =
        only_error(md("---\ntitle: T\ntags: *missing\n---\n"));
    CHECK(d.line == 3);
    CHECK(d.column == 7);
  }
}

TEST_CASE("front matter must be a mapping", "[parser]") {
  const Diagnostic& list = only_error(md("---\n- a\n- b\n---\n"));
  CHECK_THAT(list.message, Catch::Contains("a list"));
  CHECK(list.line == 2);
  const Diagnostic& scalar = only_error(md("---\njust words\n---\n"));
  CHECK_THAT(scalar.message, Catch::Contains("a single value"));
  CHECK(scalar.line == 2);
}

TEST_CASE("Diagnostic::to_string omits unknown positions", "[parser]") {
  Diagnostic d;
  d.path = "a/b.md";
  d.message = "something";
  CHECK(d.to_string() == "a/b.md: error: something");
  d.line = 7;
  CHECK(d.to_string() == "a/b.md:7: error: something");
  d.column = 3;
  CHECK(d.to_string() == "a/b.md:7:3: error: something");
  d.severity = Severity::kWarning;
  CHECK(d.to_string() == "a/b.md:7:3: warning: something");
}

TEST_CASE("warnings carry the position of the value", "[parser]") {
  const ParseResult r =
      md("---\ntitle: T\nsources:\n  - plain text source\n---\n", "w.md");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].line == 4);
  CHECK(r.diagnostics[0].column == 5);
  CHECK(r.diagnostics[0].to_string().rfind("w.md:4:5: warning: ", 0) == 0);
}

// ---- JSON -----------------------------------------------------------------

TEST_CASE("JSON entries use the same keys", "[parser]") {
  const ParseResult r = json(R"({
    "date": "2001-09-11",
    "title": "  Old timeline entry ",
    "importance": 9,
    "actors": ["First Agency", {"name": "Second Agency"}],
    "capture_lanes": ["Intelligence Penetration"],
    "capture_lane": "intelligence-penetration",
    "sources": [{"title": "Report", "url": "https://example.org/r",
                 "publisher": "Example Wire", "tier": 1}],
    "summary": "A summary.",
    "body": "Body with **markup** and [[1999-01-01--earlier]].",
    "unknown": {"deep": [1, 2, 3]}
  })");
  CHECK(r.diagnostics.empty());
  const Event& e = event_of(r);
  CHECK(e.id == "2001-09-11--entry");
  CHECK(e.id_from_filename);
  CHECK(e.date.sort_key() == 20010911);
  CHECK(e.title == "Old timeline entry");
  CHECK(e.importance == 9);
  CHECK(e.actors == Strings{"First Agency", "Second Agency"});
  CHECK(e.lanes == Strings{"Intelligence Penetration"});
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].outlet == "Example Wire");
  CHECK(e.sources[0].tier == "1");
  CHECK(e.description == "A summary.");
  CHECK(e.body_markdown == "Body with **markup** and [[1999-01-01--earlier]].");
  CHECK(e.body_text == "Body with markup and 1999-01-01--earlier.");
  CHECK(e.links == Strings{"1999-01-01--earlier"});
}

TEST_CASE("a JSON entry without body has an empty body", "[parser]") {
  const Event& e = event_of(json(
      R"({"id": "x1", "title": "T", "description": "D", "summary": "S"})"));
  CHECK(e.id == "x1");
  CHECK(e.description == "D");
  CHECK(e.body_markdown.empty());
  CHECK(e.body_text.empty());
}

TEST_CASE("messy JSON values are handled like YAML ones", "[parser]") {
  const ParseResult r = json(
      R"({"title": "T", "importance": "high", "tags": "a, b", "date": 2020,
          "location": ["Here", "There"], "actors": [null, 7, true]})");
  const Event& e = event_of(r);
  CHECK(e.importance == std::nullopt);
  CHECK(e.tags == Strings{"a", "b"});
  CHECK(e.date.year == 2020);
  CHECK(e.location == "Here, There");
  CHECK(e.actors == Strings{"7", "true"});
  CHECK(warnings(r).size() == 2);
  CHECK(event_of(json(R"({"title": "T", "importance": 7.5})")).importance ==
        std::nullopt);
}

TEST_CASE("JSON syntax errors point at the file's line and column",
          "[parser]") {
  const Diagnostic& d =
      only_error(json("{\n  \"title\": \"x\",\n  \"date\": ,\n}\n", "j.json"));
  CHECK(d.line == 3);
  CHECK(d.column == 11);
  CHECK_THAT(d.message, Catch::Contains("invalid JSON"));
  CHECK(d.to_string().rfind("j.json:3:11: error: invalid JSON", 0) == 0);

  const Diagnostic& truncated = only_error(json("{\"title\": \"x\""));
  CHECK(truncated.line == 1);
  CHECK(truncated.column == 14);

  const Diagnostic& bom = only_error(json("\xEF\xBB\xBF{\"a\" 1}"));
  CHECK(bom.line == 1);
  CHECK(bom.column == 9);
}

TEST_CASE("regression: a JSON number out of range is an error with its position",
          "[parser]") {
  const Diagnostic d =
      only_error(json("{\"id\": \"n\",\n  \"importance\": 1e999}", "j.json"));
  CHECK(d.to_string() == "j.json:2:17: error: invalid JSON: number overflow parsing '1e999'");
  const Diagnostic big = only_error(json("{\"a\": -" + std::string(400, '9') + "}"));
  CHECK(big.line == 1);
  CHECK(big.column == 7);
  CHECK_THAT(big.message, Catch::StartsWith("invalid JSON: number overflow"));
}

TEST_CASE("regression: a repeated JSON key warns and keeps its first value, as in YAML",
          "[parser]") {
  const ParseResult r = json(
      "{\"title\": \"First\", \"tags\": [\"a\"], \"other\": 1, \"other\": 2,\n"
      " \"sources\": [{\"title\": \"S1\", \"title\": \"S2\"}],\n"
      "  \"tags\": {\"tags\": 1}, \"t\\u0069tle\": \"Second\"}",
      "d.json");
  const Event& e = event_of(r);
  CHECK(e.title == "First");
  CHECK(e.tags == Strings{"a"});
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].title == "S1");
  // Only keys the reader uses are reported, at the repeat, as YAML does.
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].to_string() ==
        "d.json:3:3: warning: duplicate key 'tags' (the first value is used)");
  CHECK(r.diagnostics[1].to_string() ==
        "d.json:3:24: warning: duplicate key 'title' (the first value is used)");
}

TEST_CASE("regression: diagnostics escape control characters in names and messages",
          "[parser]") {
  Diagnostic d;
  d.path = "tl/a\nb\x1b[2J\t\r\x7F\xC2\x9B\xE2\x80\xAE\xE2\x81\xA6.md";
  d.line = 3;
  d.message = "duplicate key 'x\ny'";
  CHECK(d.to_string() ==
        "tl/a\\nb\\x1b[2J\\t\\r\\x7f\\u009b\\u202e\\u2066.md:3: error: duplicate key 'x\\ny'");
  d.path = "caf\xC3\xA9 \xE2\x80\x94.md";  // other UTF-8 is kept
  CHECK(d.to_string() == "caf\xC3\xA9 \xE2\x80\x94.md:3: error: duplicate key 'x\\ny'");
}

TEST_CASE("a JSON entry must be an object", "[parser]") {
  CHECK_THAT(only_error(json("[{\"title\": \"x\"}]")).message,
             Catch::Contains("expected an object"));
  CHECK_THAT(only_error(json("\"text\"")).message,
             Catch::Contains("expected an object"));
  CHECK(json("").status == ParseStatus::kError);
}

// ---- Formats and files ----------------------------------------------------

TEST_CASE("event_format_for goes by extension", "[parser]") {
  CHECK(event_format_for("a/b.md") == EventFormat::kMarkdown);
  CHECK(event_format_for("a/b.MD") == EventFormat::kMarkdown);
  CHECK(event_format_for("b.markdown") == EventFormat::kMarkdown);
  CHECK(event_format_for("b.json") == EventFormat::kJson);
  CHECK(event_format_for("b.Json") == EventFormat::kJson);
  CHECK(event_format_for("b.md.bak") == std::nullopt);
  CHECK(event_format_for("b.yaml") == std::nullopt);
  CHECK(event_format_for("README") == std::nullopt);
  CHECK(event_format_for(".md") == std::nullopt);
}

TEST_CASE("parse_event_file reads Markdown and JSON files", "[parser]") {
  test::TempDir dir;
  test::write_file(dir / "2020-02-02--a.markdown",
                   "---\ntitle: From disk\n---\nText\n");
  test::write_file(dir / "UPPER.JSON", R"({"title": "JSON from disk"})");
  const ParseResult a = parse_event_file(dir / "2020-02-02--a.markdown");
  CHECK(event_of(a).title == "From disk");
  CHECK(event_of(a).id == "2020-02-02--a");
  CHECK(event_of(a).path == (dir / "2020-02-02--a.markdown").string());
  CHECK(event_of(parse_event_file(dir / "UPPER.JSON")).title ==
        "JSON from disk");
}

TEST_CASE("parse_event_file skips files of other types", "[parser]") {
  test::TempDir dir;
  test::write_file(dir / "notes.md.bak", "---\ntitle: backup\n---\n");
  const ParseResult r = parse_event_file(dir / "notes.md.bak");
  CHECK(r.status == ParseStatus::kSkipped);
  CHECK_THAT(r.skip_reason, Catch::Contains(".bak"));
}

TEST_CASE("parse_event_file refuses what is not a regular file", "[parser]") {
  test::TempDir dir;
  SECTION("a missing file") {
    const Diagnostic& d = only_error(parse_event_file(dir / "absent.md"));
    CHECK_THAT(d.message, Catch::Contains("no such file"));
    CHECK(d.path == (dir / "absent.md").string());
  }
  SECTION("a directory, even one named like an event") {
    fs::create_directory(dir / "folder.md");
    CHECK_THAT(only_error(parse_event_file(dir / "folder.md")).message,
               Catch::Contains("directory"));
  }
  SECTION("a FIFO, without blocking") {
    const fs::path fifo = dir / "pipe.md";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    const Diagnostic& d = only_error(parse_event_file(fifo));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK_THAT(d.message, Catch::Contains("FIFO"));
  }
  SECTION("a socket") {
    const fs::path path = dir / "sock.md";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path.string();
    if (p.size() < sizeof addr.sun_path) {
      p.copy(addr.sun_path, p.size());
      REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
      CHECK_THAT(only_error(parse_event_file(path)).message,
                 Catch::Contains("socket"));
    } else {
      WARN("temp path too long for a Unix socket; socket case skipped");
    }
    ::close(fd);
  }
  SECTION("a symlink to a file is followed") {
    test::write_file(dir / "real.md", "---\ntitle: Linked\n---\n");
    fs::create_symlink(dir / "real.md", dir / "link.md");
    CHECK(event_of(parse_event_file(dir / "link.md")).title == "Linked");
    fs::create_symlink(dir / "gone.md", dir / "dangling.md");
    CHECK(parse_event_file(dir / "dangling.md").status == ParseStatus::kError);
  }
}

TEST_CASE("files over the size limit are refused", "[parser]") {
  test::TempDir dir;
  const std::string text =
      "---\ntitle: Big enough\n---\n" + std::string(200, 'x') + "\n";
  test::write_file(dir / "big.md", text);
  ParseLimits limits;
  limits.max_file_bytes = 100;
  const Diagnostic& d = only_error(parse_event_file(dir / "big.md", limits));
  CHECK(d.message == "file too large (" + std::to_string(text.size()) +
                         " bytes, limit 100)");
  CHECK(only_error(md(text, "big.md", limits)).message == d.message);

  limits.max_file_bytes = text.size();
  CHECK(parse_event_file(dir / "big.md", limits).status == ParseStatus::kOk);
}

// ---- Hostile input --------------------------------------------------------

TEST_CASE("deep flow nesting is refused before yaml-cpp sees it", "[parser]") {
  const auto start = std::chrono::steady_clock::now();
  const std::string text =
      "---\ntitle: T\ntags: " + std::string(100000, '[') + "\n---\n";
  const Diagnostic& d = only_error(md(text));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK_THAT(d.message, Catch::Contains("nests deeper than 64"));
  CHECK(d.line == 3);

  const std::string braces = "---\n" + std::string(100000, '{') + "\n---\n";
  CHECK(md(braces).status == ParseStatus::kError);
}

TEST_CASE("nesting past yaml-cpp's own guard says so, whatever --max-nesting allows",
          "[parser]") {
  ParseLimits limits;
  limits.max_nesting = 10000;
  const std::string text = "---\nid: z\nx: " + std::string(600, '[') +
                           std::string(600, ']') + "\n---\nbody\n";
  const Diagnostic& d = only_error(md(text, "events/z.md", limits));
  CHECK_THAT(d.message, Catch::Contains("nests deeper than yaml-cpp can read"));
  CHECK(d.line == 3);
  // Within its guard, the same limit reads the event.
  const std::string fine = "---\nid: y\nx: " + std::string(300, '[') +
                           std::string(300, ']') + "\n---\nbody\n";
  CHECK(md(fine, "events/y.md", limits).status == ParseStatus::kOk);
}

TEST_CASE("deep block nesting is refused", "[parser]") {
  std::string text = "---\ntitle: T\n";
  for (int i = 0; i < 5000; ++i)
    text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  text += "---\n";
  ParseLimits roomy;  // 12 MB of front matter: let the nesting scan see it
  roomy.max_front_matter_bytes = text.size();
  const Diagnostic& d = only_error(md(text, "deep.md", roomy));
  CHECK_THAT(d.message, Catch::Contains("nests deeper"));
  // With the default limits the size alone refuses it.
  CHECK_THAT(only_error(md(text)).message,
             Catch::Contains("front matter too large"));

  std::string dashes = "---\ntitle: T\ntags: ";
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  dashes += "x\n---\n";
  CHECK(md(dashes).status == ParseStatus::kError);
}

TEST_CASE("front matter over its size limit is refused", "[parser]") {
  // yaml-cpp needs ~250 bytes per byte of a flow list: 6 MB took 1.4 GB.
  std::string list = "---\ntitle: T\ntags: [";
  for (int i = 0; i < 100000; ++i) list += "[a],";
  list += "]\n---\nbody\n";
  const auto start = std::chrono::steady_clock::now();
  const Diagnostic& d = only_error(md(list));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(d.message == "front matter too large (" +
                         std::to_string(list.size() - 13) +
                         " bytes, limit 262144)");
  CHECK(d.line == 2);

  ParseLimits limits;
  limits.max_front_matter_bytes = 20;
  const std::string small = "---\ntitle: Twelve chars\n---\n";
  CHECK(md(small, "s.md", limits).status == ParseStatus::kOk);
  limits.max_front_matter_bytes = 19;
  CHECK(md(small, "s.md", limits).status == ParseStatus::kError);
}

TEST_CASE("JSON with too many values is refused before parsing", "[parser]") {
  std::string many = "{\"title\": \"T\", \"x\": [";
  for (int i = 0; i < 200000; ++i) many += "0,";
  many += "0]}";
  const Diagnostic& d = only_error(json(many));
  CHECK_THAT(d.message, Catch::Contains("more than 100000 values"));
  // Commas inside strings are text, not values.
  CHECK(json("{\"title\": \"" + std::string(300000, ',') + "\"}").status ==
        ParseStatus::kOk);
}

TEST_CASE("a flood of warnings is capped per file", "[parser]") {
  std::string text = "---\n";
  for (int i = 0; i < 10000; ++i) text += "title: T\n";
  text += "---\n";
  const ParseResult r = md(text);
  const Event& e = event_of(r);
  CHECK(e.title == "T");
  const Strings w = warnings(r);
  REQUIRE(w.size() == 51);
  CHECK_THAT(w[0], Catch::Contains("duplicate key 'title'"));
  CHECK(w.back() == "9949 more warnings not shown");
}

TEST_CASE("a pathological Markdown body is indexed as plain text", "[parser]") {
  // cmark-gfm 0.29.0.gfm.6 needs ~20 s for this 60 kB body (CVE-2023-24824).
  const std::string quotes = "---\ntitle: T\n---\n" + std::string(20000, '>') +
                             [] {
                               std::string s;
                               for (int i = 0; i < 20000; ++i) s += "a*";
                               return s;
                             }() + " tail\n";
  const auto start = std::chrono::steady_clock::now();
  const ParseResult r = md(quotes);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  const Event& e = event_of(r);
  CHECK(e.body_text.size() > 60000);
  CHECK_THAT(e.body_text, Catch::EndsWith("a* tail"));
  REQUIRE(warnings(r).size() == 1);
  CHECK(warnings(r)[0] ==
        "line 1 of the body nests quotes or lists deeper than 64 levels; it "
        "is indexed as plain text, not Markdown");
  CHECK(r.diagnostics[0].line == 4);
}

TEST_CASE("only the first max_body_bytes of a body are indexed", "[parser]") {
  std::string body;
  for (int i = 0; body.size() < 3000; ++i)
    body += "w" + std::to_string(i) + " [[link" + std::to_string(i % 7) + "]] ";
  ParseLimits limits;
  limits.max_body_bytes = 1000;
  const ParseResult r = md("---\ntitle: T\n---\n" + body, "b.md", limits);
  const Event& e = event_of(r);
  CHECK(e.body_markdown == body);  // stored whole
  CHECK(e.body_text.size() <= 1000);
  CHECK(e.body_text.size() > 900);
  CHECK(e.body_text.back() != ' ');
  CHECK(e.links.size() == 7);
  REQUIRE(warnings(r).size() == 1);
  CHECK(warnings(r)[0] ==
        "the body is larger than 1000 bytes; it is read as plain text and "
        "only its first 1000 bytes are indexed");
}

TEST_CASE("at most 1000 wikilinks are kept per event", "[parser]") {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "[[e" + std::to_string(i) + "]] ";
  const ParseResult r = md("---\ntitle: T\n---\n" + body);
  const Event& e = event_of(r);
  REQUIRE(e.links.size() == 1000);
  CHECK(e.links.front() == "e0");
  CHECK(e.links.back() == "e999");
  CHECK(any_contains(warnings(r), "links to 5000 events; only the first 1000"));
}

TEST_CASE("nesting within the limit is accepted", "[parser]") {
  ParseLimits limits;
  limits.max_nesting = 8;
  const std::string ok =
      "---\ntitle: T\nextra: [[[[[1]]]]]\nmore:\n  a:\n    b: c\n---\n";
  CHECK(md(ok, "n.md", limits).status == ParseStatus::kOk);
  const std::string deep = "---\ntitle: T\nextra: [[[[[[[[1]]]]]]]]\n---\n";
  CHECK(md(deep, "n.md", limits).status == ParseStatus::kError);
  // Brackets inside quoted or block text are not nesting.
  const std::string text_brackets =
      "---\ntitle: '[[[[[[[[[[[[[[[['\nnotes: |\n  [[[[[[[[[[[[[[[[[[[\n"
      "summary: \"{{{{{{{{{{{{{{{{\"\nother: a [[[[[[[[[[[[[[[[[[[[ b\n"
      "# [[[[[[[[[[[[[[[[[[[[[[[[\n---\n";
  const ParseResult r = md(text_brackets, "n.md", limits);
  CHECK(event_of(r).title == "[[[[[[[[[[[[[[[[");
  CHECK(event_of(r).notes == "[[[[[[[[[[[[[[[[[[[");
}

TEST_CASE("deep JSON nesting is refused", "[parser]") {
  const std::string deep =
      "{\"title\": \"T\", \"x\": " + std::string(100000, '[') + "}";
  const Diagnostic& d = only_error(json(deep));
  CHECK_THAT(d.message, Catch::Contains("nests deeper than 64"));
  CHECK(d.line == 1);
  CHECK(d.column == 84);
  // Brackets inside strings do not count.
  CHECK(json("{\"title\": \"" + std::string(1000, '[') + "\"}").status ==
        ParseStatus::kOk);
}

TEST_CASE("an alias bomb is stopped by the node budget", "[parser]") {
  std::string bomb = "---\ntitle: T\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", " : "") + prev;
    bomb += "]\n";
  }
  SECTION("walked through a field the reader uses") {
    const auto start = std::chrono::steady_clock::now();
    const Diagnostic& d = only_error(md(bomb + "tags: *a8\n---\n"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK_THAT(d.message, Catch::Contains("100000 YAML nodes"));
    CHECK(d.line == 12);
  }
  SECTION("ignored when only unknown keys hold it") {
    CHECK(md(bomb + "---\n").status == ParseStatus::kOk);
  }
}

TEST_CASE("a self-referencing alias does not loop", "[parser]") {
  const ParseResult r = md("---\ntitle: T\ntags: &loop [a, *loop]\n---\n");
  CHECK(r.status == ParseStatus::kError);
}

TEST_CASE("aliases within the budget are expanded", "[parser]") {
  const Event& e = event_of(
      md("---\ntitle: T\nshared: &people [One, Two]\nactors: *people\n---\n"));
  CHECK(e.actors == Strings{"One", "Two"});
}

TEST_CASE("NUL bytes and invalid UTF-8 never reach the event", "[parser]") {
  const char raw[] =
      "---\ntitle: Bad \xFF\xFE bytes\0 here\ntags: [ok, \"esc\\0aped\", "
      "\"\\x01ctl\"]\nimportance: 5\n---\nBody \xC3( and \0nul\n";
  const ParseResult r = md(std::string(raw, sizeof raw - 1));
  const Event& e = event_of(r);
  CHECK(any_contains(warnings(r), "invalid UTF-8"));
  CHECK(e.title == "Bad \uFFFD\uFFFD bytes here");
  CHECK(e.importance == 5);
  CHECK(e.tags == Strings{"ok", "escaped", "ctl"});
  CHECK(is_clean(e.body_markdown));
  CHECK(is_clean(e.body_text));
  CHECK(e.body_text == "Body \uFFFD( and nul");
  for (const Diagnostic& d : r.diagnostics) CHECK(is_clean(d.message));

  // A bad byte among valid UTF-8 is replaced; a file with no valid UTF-8
  // beyond ASCII is Windows-1252 (below).
  const char json_raw[] = "{\"title\": \"J\xFF \xC3\xA9\", \"notes\": \"a\\u0000b\"}";
  const Event& j = event_of(json(std::string(json_raw, sizeof json_raw - 1)));
  CHECK(j.title == "J\uFFFD \u00e9");
  CHECK(j.notes == "ab");
}

TEST_CASE("a Latin-1 or Windows-1252 file is read as such, with a warning", "[parser]") {
  // `José Martínez` and curly quotes as a Windows editor saves them.
  const ParseResult r = md("---\ntitle: \x93Jos\xE9\x94 report\nactors: [Jos\xE9 Mart\xEDnez]\n"
                           "---\nNa\xEFve caf\xE9 \x80 5.\n");
  const Event& e = event_of(r);
  CHECK(e.title == "\u201cJos\u00e9\u201d report");
  CHECK(e.actors == Strings{"Jos\u00e9 Mart\u00ednez"});
  CHECK(e.body_text == "Na\u00efve caf\u00e9 \u20ac 5.");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].line == 2);
  CHECK(r.diagnostics[0].message.find("read as Windows-1252") != std::string::npos);
  // A NUL or a valid UTF-8 sequence says it is no Latin-1 file.
  CHECK(event_of(md("---\ntitle: Jos\xE9 \xC3\xA9\n---\n")).title == "Jos\uFFFD \u00e9");
}

// `text` (ASCII) as UTF-16 or UTF-32, with `bom` before it.
std::string wide(const std::string& text, std::size_t unit, bool big_endian,
                 const std::string& bom) {
  std::string out = bom;
  for (char c : text) {
    std::string ch(unit, '\0');
    ch[big_endian ? unit - 1 : 0] = c;
    out += ch;
  }
  return out;
}

TEST_CASE("regression: a UTF-16 or UTF-32 file is an error that says so", "[parser]") {
  const std::string entry = "---\nid: u\ntitle: t\n---\nbody\n";
  const std::vector<std::string> files = {
      wide(entry, 2, false, "\xFF\xFE"),  wide(entry, 2, true, "\xFE\xFF"),
      wide(entry, 2, false, ""),           wide(entry, 2, true, ""),
      wide(entry, 4, false, std::string("\xFF\xFE\0\0", 4)),
      wide(entry, 4, true, std::string("\0\0\xFE\xFF", 4)),
      wide(entry, 4, false, "")};
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(i);
    const Diagnostic d = only_error(md(files[i], "f16/a.md"));
    CHECK(d.to_string() == "f16/a.md: error: file is UTF-16 (or UTF-32); save it as UTF-8");
  }
  CHECK_THAT(only_error(json(wide("{\"title\": \"x\"}", 2, false, "\xFF\xFE"))).message,
             Catch::Contains("UTF-16"));
  // NULs alone are not UTF-16: they are replaced as before.
  const ParseResult nuls = md(std::string(64, '\0'));
  CHECK(nuls.status == ParseStatus::kSkipped);
  CHECK(any_contains(warnings(nuls), "NUL bytes were replaced"));
  CHECK(md(std::string("-\0", 2)).status == ParseStatus::kSkipped);
}

TEST_CASE("garbage input never escapes as an exception", "[parser]") {
  const std::vector<std::string> inputs = {
      "---\n:\n---\n",
      "---\n? [a, b]\n: c\ntitle: T\n---\n",
      "---\n!!binary x: y\n---\n",
      "---\ntitle: !!int notanumber\n---\n",
      "---\n&a title: T\n---\n",
      "---\ntitle: \"unterminated\n---\n",
      "---\ntitle: 'x'\n...\n---\n",
      "---\n%YAML 1.2\n---\n",
      std::string("---\n\x04\x04\x04\n---\n"),
      "---\n" + std::string(10000, '-') + "\n---\n",
      "---\ntitle: " + std::string(100000, 'a') + "\n---\n",
  };
  for (const std::string& input : inputs) {
    INFO(input.substr(0, 60));
    ParseResult r;
    CHECK_NOTHROW(r = md(input));
    if (r.status == ParseStatus::kOk) CHECK_FALSE(r.event->title.empty());
    CHECK_NOTHROW(json(input));
  }
}

// ---- The real corpus ------------------------------------------------------

TEST_CASE("every file of the shared corpus parses", "[parser][corpus]") {
  const fs::path corpus = test::shared_corpus_dir();
  if (!fs::is_directory(corpus)) {
    WARN("shared corpus not found at " << corpus.string() << "; skipped");
    SUCCEED();
    return;
  }
  int ok_with_title = 0;
  Strings skipped, errors;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".md") continue;
    const ParseResult r = parse_event_file(entry.path());
    if (r.status == ParseStatus::kOk && !r.event->title.empty())
      ++ok_with_title;
    else if (r.status == ParseStatus::kSkipped)
      skipped.push_back(entry.path().filename().string());
    for (const Diagnostic& d : r.diagnostics)
      if (d.severity == Severity::kError) errors.push_back(d.to_string());
  }
  CHECK(errors == Strings{});
  CHECK(skipped == Strings{"README.md"});
  CHECK(ok_with_title == 5653);
}

TEST_CASE("a JSON object without id, title or date is not an event", "[parser][json]") {
  for (const char* text : {R"({"name": "site", "version": "1.0.0", "type": "module",
                               "description": "A web site"})",
                           R"({"compilerOptions": {"strict": true}})", "{}"}) {
    INFO(text);
    const ParseResult r = json(text, "site/package.json");
    CHECK(r.status == ParseStatus::kSkipped);
    CHECK(r.skip_reason == "JSON without id, title or date");
  }
  for (const char* text : {R"({"id": "a"})", R"({"title": "A"})", R"({"date": "2020"})"}) {
    INFO(text);
    CHECK(json(text).status == ParseStatus::kOk);
  }
}

TEST_CASE("front matter the reader does not take is named in a warning", "[parser]") {
  const std::pair<const char*, const char*> cases[] = {
      {"+++\ntitle = \"T\"\n+++\nbody\n", "TOML front matter"},
      {"\n\n---\ntitle: T\n---\nbody\n", "must start on the first line"},
      {"---\rtitle: T\r---\rbody\r", "carriage return only"},
  };
  for (const auto& [text, warning] : cases) {
    INFO(text);
    const ParseResult r = md(text);
    CHECK(r.status == ParseStatus::kSkipped);
    CHECK(any_contains(warnings(r), warning));
  }
  // A README is skipped quietly.
  CHECK(md("# Notes\n\n---\n\nText.\n").diagnostics.empty());
}

TEST_CASE("a whole number written with a decimal point is an importance", "[parser]") {
  auto importance_of = [](const std::string& value) {
    return event_of(md("---\ntitle: T\nimportance: " + value + "\n---\n")).importance;
  };
  CHECK(importance_of("7.0") == 7);
  CHECK(importance_of("10.00") == 10);
  CHECK(importance_of("7.5") == std::nullopt);
  CHECK(importance_of("7.") == std::nullopt);
  CHECK(importance_of(".0") == std::nullopt);
  CHECK(importance_of("11.0") == std::nullopt);
  CHECK(event_of(json(R"({"title": "J", "importance": 7.0})")).importance == 7);
}

TEST_CASE("lanes, actor, tag and source are read, near misses of known keys warned", "[parser]") {
  const Event e = event_of(md("---\ntitle: T\nlanes: [Lane A]\nactor: Ann Lee\n"
                              "actors: [Bo Chen]\ntag: t1\ncapture_lanes: [Lane B]\n---\n"));
  CHECK(e.lanes.size() == 2);
  CHECK(e.actors.size() == 2);
  CHECK(e.tags.size() == 1);
  const ParseResult one = md("---\ntitle: T\nsource:\n  url: https://a.example/x\n"
                             "  outlet: Alpha\n---\n");
  CHECK(one.diagnostics.empty());
  REQUIRE(event_of(one).sources.size() == 1);
  CHECK(event_of(one).sources[0].outlet == "Alpha");
  const ParseResult slips = md("---\ntitle: T\nactros: [A]\nimportnace: 5\nTitel: X\n"
                               "coverage: wide\ncategory: c\n---\n");
  CHECK(any_contains(warnings(slips), "unknown key 'actros' (did you mean 'actors'?)"));
  CHECK(any_contains(warnings(slips), "unknown key 'importnace' (did you mean 'importance'?)"));
  CHECK(any_contains(warnings(slips), "unknown key 'Titel' (did you mean 'title'?)"));
  CHECK(warnings(slips).size() == 3);  // other keys of their own stay quiet
  CHECK(any_contains(warnings(json(R"({"title": "T", "tagz": ["a"]})")),
                     "unknown key 'tagz' (did you mean 'tags'?)"));
  // Not an event: no warning about its keys.
  CHECK(json(R"({"name": "x", "types": "y"})").diagnostics.empty());
}

TEST_CASE("the commonest YAML slips get a hint and the line that caused them", "[parser][errors]") {
  const Diagnostic tab = only_error(md("---\ntitle: T\ntags:\n\t- x\n---\n"));
  CHECK(tab.message.find("line 4 is indented with a tab") != std::string::npos);
  const Diagnostic colon = only_error(md("---\ntitle: Breaking: news\n---\n"));
  CHECK(colon.message.find("must be quoted: title: \"Breaking: news\"") != std::string::npos);
  // An unclosed bracket is reported where it opens, not where the front
  // matter ends.
  const Diagnostic bracket = only_error(md("---\nid: a\ntitle: [broken\ndate: 2020\n---\n"));
  CHECK(bracket.line == 3);
  CHECK(bracket.column == 8);
  CHECK(bracket.message.find("never closed") != std::string::npos);
}

TEST_CASE("warnings beyond the first 50 of a file still count", "[parser][errors]") {
  std::string text = "---\ntitle: T\nsources:\n";
  for (int i = 0; i < 100; ++i) text += "  - \"https://x.example/" + std::to_string(i) + "\"\n";
  text += "---\nbody\n";
  const ParseResult r = md(text);
  std::size_t counted = 0;
  for (const auto& d : r.diagnostics)
    if (d.severity == Severity::kWarning) counted += d.count;
  CHECK(r.diagnostics.size() == 51);
  CHECK(counted == 100);
}

}  // namespace
}  // namespace tlsearch
