// The `tlsearch` binary, run as a user would: exit codes, JSON output
// decoded field by field, messages for missing indexes and bad options.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "../test_support.h"

using tlsearch::test::TempDir;
using tlsearch::test::source_dir;

namespace {

using Output = tlsearch::test::CommandOutput;
using tlsearch::test::shell_quote;

Output run(const std::vector<std::string>& args, const std::string& env = "") {
  return tlsearch::test::run_command(TLSEARCH_BINARY, args, env);
}

}  // namespace

TEST_CASE("the command prints its help and version", "[cli]") {
  Output help = run({"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("index") != std::string::npos);
  Output version = run({"--version"});
  CHECK(version.status == 0);
  CHECK(version.out.find("tlsearch") != std::string::npos);
  CHECK(run({}).status == 2);
}

TEST_CASE("index seeds, then search, show and stats as JSON", "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  Output index = run({"--db", db, "index", (source_dir() / "seeds").string(), "--json"});
  REQUIRE(index.status == 0);
  auto summary = nlohmann::json::parse(index.out);
  CHECK(summary["added"].get<int>() >= 30);
  CHECK(summary["errors"] == 0);
  CHECK(summary["documents"] == summary["added"]);

  Output search = run({"--db", db, "--json", "police footage warrant"});
  REQUIRE(search.status == 0);
  auto r = nlohmann::json::parse(search.out);
  CHECK(r["version"] == 1);
  CHECK(r["query"] == "police footage warrant");
  CHECK(r["total"].get<int>() >= 1);
  CHECK(r["offset"] == 0);
  CHECK(r["limit"] == 10);
  REQUIRE(!r["hits"].empty());
  const auto& hit = r["hits"][0];
  for (const char* field : {"id", "title", "date", "importance", "path", "score", "snippet",
                            "lanes", "actors", "tags"}) {
    INFO(field);
    CHECK(hit.contains(field));
  }
  CHECK(hit["snippet"].get<std::string>().find("<mark>") != std::string::npos);
  for (const char* facet : {"lanes", "actors", "tags", "status", "year", "importance"}) {
    INFO(facet);
    REQUIRE(r["facets"].contains(facet));
    CHECK(r["facets"][facet].is_array());
  }
  CHECK(r["facets"]["lanes"][0].contains("value"));
  CHECK(r["facets"]["lanes"][0].contains("count"));
  CHECK(r.contains("suggestion"));

  std::string id = hit["id"];
  Output show = run({"--db", db, "show", id, "--json"});
  CHECK(show.status == 0);
  auto shown = nlohmann::json::parse(show.out);
  CHECK(shown["events"][0]["id"] == id);

  Output stats = run({"--db", db, "stats", "--json"});
  CHECK(stats.status == 0);
  CHECK(nlohmann::json::parse(stats.out)["documents"] == summary["documents"]);
  // The index's own path, absolute and without a trailing slash, and a
  // small index's size in KiB rather than "0.0 MiB".
  Output slash = run({"--db", db + "/", "stats", "--json"});
  CHECK(nlohmann::json::parse(slash.out)["path"] == db);
  Output text = run({"--db", db, "stats"});
  CHECK(text.out.find(" 0.0 MiB") == std::string::npos);

  // TLSEARCH_DB selects the index too.
  Output env = run({"search", "--json", "police"}, "TLSEARCH_DB=" + shell_quote(db));
  CHECK(env.status == 0);
}

TEST_CASE("exit codes: 1 for no hits, 2 for errors, no stack traces", "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output none = run({"--db", db, "zzzxqv"});
  CHECK(none.status == 1);
  Output missing = run({"--db", (dir / "nothing").string(), "police"});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("tlsearch index") != std::string::npos);
  Output sort = run({"--db", db, "police", "--sort", "sideways"});
  CHECK(sort.status == 2);
  CHECK(sort.err.find("--sort") != std::string::npos);
  Output date = run({"--db", db, "police", "--from", "yesterday"});
  CHECK(date.status == 2);
  CHECK(date.err.find("from: invalid date") != std::string::npos);
  Output unknown = run({"--db", db, "show", "no-such-id"});
  CHECK(unknown.status == 1);
  CHECK(unknown.err == "tlsearch: no event with id 'no-such-id'\n");
  // Part of an id: the ids holding it, one per line (here one).
  Output part = run({"--db", db, "show", "ring-familiar-faces"});
  CHECK(part.status == 1);
  CHECK(part.err.find("an id like it:\n  2025-11-01--ring-familiar-faces-rollout\n") !=
        std::string::npos);
  Output nofolder = run({"--db", db, "index", (dir / "absent").string()});
  CHECK(nofolder.status == 2);
  CHECK(nofolder.err.find("absent") != std::string::npos);
}

TEST_CASE("an unquoted -word says how to exclude it, -- and quotes both work", "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output unquoted = run({"--db", db, "police", "-ring"});
  CHECK(unquoted.status == 2);
  CHECK(unquoted.err.find("-ring") != std::string::npos);
  CHECK(unquoted.err.find("quote the whole query") != std::string::npos);
  // A mistyped long option gets CLI11's message alone; a word after two
  // dashes gets the hint.
  Output typo = run({"--db", db, "police", "--limt", "3"});
  CHECK(typo.status == 2);
  CHECK(typo.err.find("exclude") == std::string::npos);
  for (const char* word : {"--ring", "--war"}) {  // --war is no slip of --tag
    Output dashes_word = run({"--db", db, "police", word});
    CHECK(dashes_word.status == 2);
    CHECK(dashes_word.err.find("quote the whole query") != std::string::npos);
  }
  Output quoted = run({"--db", db, "--json", "police -ring"});
  Output dashes = run({"--db", db, "--json", "--", "police", "-ring"});
  Output all = run({"--db", db, "--json", "police"});
  REQUIRE(quoted.status == 0);
  REQUIRE(dashes.status == 0);
  REQUIRE(all.status == 0);
  const auto q = nlohmann::json::parse(quoted.out);
  const auto d = nlohmann::json::parse(dashes.out);
  CHECK(q["total"] == d["total"]);
  CHECK(q["total"].get<int>() < nlohmann::json::parse(all.out)["total"].get<int>());
  // `--` after some words, with options and their values on either side.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--db", db, "--json", "police", "--", "-ring"},
           {"--db", db, "police", "--json", "--sort", "date", "--", "-ring"},
           {"police", "--db", db, "-n", "10", "--json", "--", "-ring"},
           {"search", "--json", "police", "--limit=10", "--db", db, "--", "-ring"}}) {
    Output late = run(args);
    REQUIRE(late.status == 0);
    CHECK(nlohmann::json::parse(late.out)["total"] == q["total"]);
  }
}

TEST_CASE("index exits 1 when some files had errors, and says which", "[cli]") {
  TempDir dir;
  tlsearch::test::write_file(dir / "tl/good.md", "---\ntitle: Good\n---\nBody\n");
  tlsearch::test::write_file(dir / "tl/bad.md", "---\ntitle: [oops\n---\nBody\n");
  Output o = run({"--db", (dir / "db").string(), "index", (dir / "tl").string()});
  CHECK(o.status == 1);
  CHECK(o.err.find("bad.md:") != std::string::npos);
  CHECK(o.err.find("error:") != std::string::npos);
  CHECK(o.out.find("1 added") != std::string::npos);
}

TEST_CASE("browsing a lane with filters and no query", "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output o = run({"--db", db, "--json", "--lane", "media capture & control"});
  REQUIRE(o.status == 0);
  auto r = nlohmann::json::parse(o.out);
  CHECK(r["sort"] == "date");
  CHECK(r["total"].get<int>() >= 4);  // four spellings of one lane in seeds/
  for (const auto& v : r["facets"]["lanes"])
    if (v["key"] == "media capture and control") CHECK(v["selected"] == true);
}

TEST_CASE("regression: a filter option followed by a query keeps the query", "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output o = run({"--db", db, "--json", "--lane", "Surveillance Infrastructure",
                  "police footage", "--tag", "ring", "warrant"});
  REQUIRE(o.status == 0);
  auto r = nlohmann::json::parse(o.out);
  CHECK(r["query"] == "police footage warrant");
  CHECK(r["sort"] == "relevance");
  for (const auto& v : r["facets"]["lanes"])
    CHECK(v["selected"] == (v["key"] == "surveillance infrastructure"));
  for (const auto& v : r["facets"]["tags"])
    CHECK(v["selected"] == (v["key"] == "ring"));
}

TEST_CASE("regression: a UTF-16 file is an error naming it, the others are indexed",
          "[cli]") {
  TempDir dir;
  tlsearch::test::write_file(dir / "tl/good.md", "---\ntitle: Good\n---\nBody\n");
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("---\nid: u\ntitle: t\n---\nbody\n")) utf16 += {c, '\0'};
  tlsearch::test::write_file(dir / "tl/a.md", utf16);
  Output o = run({"--db", (dir / "db").string(), "index", (dir / "tl").string()});
  CHECK(o.status == 1);
  CHECK(o.err.find("a.md: error: file is UTF-16 (or UTF-32); save it as UTF-8") !=
        std::string::npos);
  CHECK(o.err.find("invalid UTF-8") == std::string::npos);
  CHECK(o.out.find("1 added") != std::string::npos);
}

TEST_CASE("regression: show and search never print control or bidi characters from a file",
          "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  tlsearch::test::write_file(
      dir / "tl/esc.md",
      "---\nid: esc\ntitle: \"t\\u202Eevil\"\ndate: 2020-01-01\ncapture_lanes: [\"L\\u2066x\"]\n"
      "notes: \"n\\x9Bq\"\n---\nbody \x1b]0;pwned\x07 \x1b[2J\x1b[31m red \xC2\x9B"
      "2J \xE2\x80\xAEtxt \xE2\x81\xA9\x7F\tend\r\nline two\n");
  REQUIRE(run({"--db", db, "index", (dir / "tl").string(), "-q"}).status == 0);
  auto clean = [](const std::string& out) {
    for (unsigned char c : out)
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
    for (const char* bad : {"\xC2\x9B", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x81\xA9"})
      if (out.find(bad) != std::string::npos) return false;
    return true;
  };
  Output show = run({"--db", db, "show", "esc"});
  REQUIRE(show.status == 0);
  CHECK(clean(show.out));
  CHECK(show.out.find("body ]0;pwned [2J[31m red 2J txt \tend\nline two\n") != std::string::npos);
  CHECK(show.out.find("tevil") != std::string::npos);
  CHECK(show.out.find("nq") != std::string::npos);
  Output search = run({"--db", db, "search", "red", "--color", "always"});
  REQUIRE(search.status == 0);
  std::string plain = search.out;  // only our own colour codes may remain
  for (const char* code : {"\x1b[1m", "\x1b[2m", "\x1b[36m", "\x1b[0m"})
    for (std::size_t at; (at = plain.find(code)) != std::string::npos;)
      plain.erase(at, std::string(code).size());
  CHECK(clean(plain));
  CHECK(plain.find("tevil") != std::string::npos);
  CHECK(plain.find("Lx") != std::string::npos);
  // --json keeps the text, escaped.
  Output json = run({"--db", db, "show", "esc", "--json"});
  auto body = nlohmann::json::parse(json.out)["events"][0]["body"].get<std::string>();
  CHECK(body.find("\x1b]0;pwned\x07") != std::string::npos);
  // Snippets are printed by scripts: no control characters in them either.
  Output hits = run({"--db", db, "--json", "search", "red"});
  REQUIRE(hits.status == 0);
  const auto snippet =
      nlohmann::json::parse(hits.out)["hits"][0]["snippet"].get<std::string>();
  CHECK(snippet.find("<mark>red</mark>") != std::string::npos);
  CHECK(clean(snippet));
}

TEST_CASE("regression: search prints a title as written, markup and entities included",
          "[cli]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  tlsearch::test::write_file(dir / "tl/mk.md",
                             "---\nid: mk\ntitle: \"Use <mark>tags</mark> &amp; more\"\n---\n"
                             "zebra\n");
  REQUIRE(run({"--db", db, "index", (dir / "tl").string(), "-q"}).status == 0);
  Output search = run({"--db", db, "search", "zebra", "--color", "never"});
  REQUIRE(search.status == 0);
  CHECK(search.out.find("1. Use <mark>tags</mark> &amp; more\n") != std::string::npos);
}

TEST_CASE("regression: --db must name an index folder, never nothing or a file", "[cli]") {
  TempDir dir;
  tlsearch::test::write_file(dir / "tl/e.md", "---\ntitle: Some event\n---\nword\n");
  // An empty --db (a script's unset variable) once meant the home index.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", "", "word"},
        std::vector<std::string>{"--db", "", "index", (dir / "tl").string()}}) {
    Output o = run(args);
    CHECK(o.status == 2);
    CHECK(o.err.find("--db: the path is empty ('')") != std::string::npos);
  }
  Output o = run({"--db", (dir / "tl/e.md").string(), "word"});
  CHECK(o.status == 2);
  CHECK(o.err.find("is a file, not a tlsearch index") != std::string::npos);
  CHECK(o.err.find("Bad line") == std::string::npos);
  o = run({"--db", (dir / "tl").string(), "word"});
  CHECK(o.status == 2);
  CHECK(o.err.find("is not a tlsearch index") != std::string::npos);
}

TEST_CASE("regression: index '' names the empty path", "[cli]") {
  TempDir dir;
  Output o = run({"--db", (dir / "db").string(), "index", ""});
  CHECK(o.status == 2);
  CHECK(o.err.find("paths: a path is empty ('')") != std::string::npos);
  CHECK(o.err.find(": Invalid argument") == std::string::npos);
}

TEST_CASE("regression: a control character in a file name is escaped in diagnostics",
          "[cli]") {
  TempDir dir;
  tlsearch::test::write_file(dir / "tl/a\nb\x1b[2J.md", "---\ntitle: [oops\n---\n");
  Output o = run({"--db", (dir / "db").string(), "index", (dir / "tl").string()});
  CHECK(o.status == 1);
  CHECK(o.err.find("/a\\nb\\x1b[2J.md:2:8: error: invalid YAML") != std::string::npos);
  CHECK(o.err.find('\x1b') == std::string::npos);
  // --json keeps the name as it is (JSON escapes it).
  Output json = run({"--db", (dir / "db2").string(), "--json", "index", (dir / "tl").string()});
  auto path = nlohmann::json::parse(json.out)["diagnostics"][0]["path"].get<std::string>();
  CHECK(path.find("a\nb\x1b[2J.md") != std::string::npos);
}

TEST_CASE("index --wait-lock SECONDS with a space is the seconds, not a folder", "[cli]") {
  TempDir dir;
  tlsearch::test::write_file(dir / "tl/a.md", "---\nid: a\ntitle: A\n---\nx\n");
  Output o = run({"--db", (dir / "db").string(), "index", "--wait-lock", "0",
                  (dir / "tl").string()});
  CHECK(o.status == 0);
  CHECK(o.err.find("no such file") == std::string::npos);
  // A negative number is a bad value, said as such.
  Output negative = run({"--db", (dir / "db").string(), "index", "--wait-lock", "-1",
                         (dir / "tl").string()});
  CHECK(negative.status == 2);
  CHECK(negative.err.find("--wait-lock") != std::string::npos);
}
