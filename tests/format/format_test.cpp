// --format on search, through the binary: every format lists the same hits
// as --format json, in the same order, and CSV follows RFC 4180.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "../test_support.h"

using tlsearch::test::source_dir;
using tlsearch::test::TempDir;

namespace {

using Output = tlsearch::test::CommandOutput;

Output run(const std::vector<std::string>& args) {
  return tlsearch::test::run_command(TLSEARCH_BINARY, args);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A strict RFC 4180 reader: records end with CRLF, quoted fields may hold
// commas, quotes (doubled) and line breaks. Fails the test on anything else.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      for (;;) {
        REQUIRE(i < text.size());
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') { field += '"'; i += 2; continue; }
          ++i;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r') {
        REQUIRE(text[i] != '"');
        REQUIRE(text[i] != '\n');
        field += text[i++];
      }
    }
    REQUIRE(i < text.size());
    record.push_back(field);
    field.clear();
    if (text[i] == ',') { ++i; continue; }
    REQUIRE(text.compare(i, 2, "\r\n") == 0);
    i += 2;
    records.push_back(record);
    record.clear();
  }
  return records;
}

std::string joined(const nlohmann::json& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : "; ") + v.get<std::string>();
  return out;
}

}  // namespace

TEST_CASE("every --format lists the hits of --format json", "[format]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  const std::vector<std::string> query = {"--db", db, "search", "police footage", "-n", "6"};
  auto with = [&](const std::string& format) {
    std::vector<std::string> args = query;
    args.push_back("--format");
    args.push_back(format);
    Output o = run(args);
    INFO(format << ": " << o.err);
    REQUIRE(o.status == 0);
    return o.out;
  };
  auto json = nlohmann::json::parse(with("json"));
  const auto& hits = json["hits"];
  REQUIRE(hits.size() >= 3);
  CHECK(json["version"] == 1);

  SECTION("--json is --format json") {
    std::vector<std::string> args = query;
    args.push_back("--json");
    auto alias = nlohmann::json::parse(run(args).out);
    alias.erase("elapsed_ms");
    auto reference = json;
    reference.erase("elapsed_ms");
    CHECK(alias == reference);
  }
  SECTION("ndjson: one hit object per line, as in hits[]") {
    auto rows = lines(with("ndjson"));
    REQUIRE(rows.size() == hits.size());
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(nlohmann::json::parse(rows[i]) == hits[i]);
  }
  SECTION("ids and paths: one per line") {
    auto ids = lines(with("ids"));
    auto paths = lines(with("paths"));
    REQUIRE(ids.size() == hits.size());
    REQUIRE(paths.size() == hits.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      CHECK(ids[i] == hits[i]["id"]);
      CHECK(paths[i] == hits[i]["path"]);
    }
  }
  SECTION("csv: header row, then one record per hit") {
    auto records = parse_csv(with("csv"));
    REQUIRE(records.size() == hits.size() + 1);
    CHECK(records[0] == std::vector<std::string>{"id", "title", "date", "importance", "path",
                                                 "score", "lanes", "actors", "tags"});
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const auto& r = records[i + 1];
      const auto& h = hits[i];
      REQUIRE(r.size() == 9);
      CHECK(r[0] == h["id"]);
      CHECK(r[1] == h["title"]);
      CHECK(r[2] == h["date"]);
      CHECK(r[3] == std::to_string(h["importance"].get<int>()));
      CHECK(r[4] == h["path"]);
      CHECK(std::stod(r[5]) == Approx(h["score"].get<double>()).epsilon(1e-5));
      CHECK(r[6] == joined(h["lanes"]));
      CHECK(r[7] == joined(h["actors"]));
      CHECK(r[8] == joined(h["tags"]));
    }
  }
}

TEST_CASE("csv quotes commas, quotes and line breaks, unknown importance is empty",
          "[format]") {
  TempDir dir;
  // A line break reaches a CSV field through a file name (a title's line
  // breaks are folded to spaces when it is read).
  tlsearch::test::write_file(dir / "tl/odd\nname.md",
                             "---\n"
                             "id: odd-one\n"
                             "title: \"Zebra says \\\"no\\\", twice\\nthen leaves\"\n"
                             "date: 2020-02-02\n"
                             "tags: [\"a, b\", c]\n"
                             "---\nZebra body.\n");
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (dir / "tl").string(), "-q"}).status == 0);
  Output o = run({"--db", db, "zebra", "--format", "csv"});
  REQUIRE(o.status == 0);
  auto records = parse_csv(o.out);
  REQUIRE(records.size() == 2);
  CHECK(records[1][0] == "odd-one");
  CHECK(records[1][1] == "Zebra says \"no\", twice then leaves");
  CHECK(records[1][4] == (dir / "tl/odd\nname.md").string());
  CHECK(records[1][3].empty());
  CHECK(records[1][8] == "a, b; c");
}

TEST_CASE("formats: no hits, bad values and conflicts", "[format]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output none = run({"--db", db, "zzzxqv", "--format", "ids"});
  CHECK(none.status == 1);
  CHECK(none.out.empty());
  Output csv = run({"--db", db, "zzzxqv", "--format", "csv"});
  CHECK(csv.status == 1);
  CHECK(parse_csv(csv.out).size() == 1);  // the header only
  Output bad = run({"--db", db, "police", "--format", "xml"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--format") != std::string::npos);
  Output conflict = run({"--db", db, "--json", "police", "--format", "csv"});
  CHECK(conflict.status == 2);
  CHECK(conflict.err.find("--format") != std::string::npos);
  // The window options apply: --offset 1 drops the first id.
  auto all = lines(run({"--db", db, "police", "--format", "ids", "-n", "4"}).out);
  auto later = lines(run({"--db", db, "police", "--format", "ids", "-n", "3", "--offset", "1"}).out);
  REQUIRE(all.size() == 4);
  CHECK(later == std::vector<std::string>(all.begin() + 1, all.end()));
}

TEST_CASE("regression: --offset past the last match is no hits, exit 1, in every format",
          "[format]") {
  TempDir dir;
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", (source_dir() / "seeds").string(), "-q"}).status == 0);
  Output all = run({"--db", db, "police", "--format", "json"});
  REQUIRE(all.status == 0);
  const auto total = nlohmann::json::parse(all.out)["total"].get<std::size_t>();
  REQUIRE(total > 0);
  const std::string past = std::to_string(total);
  // The last page still finds something.
  CHECK(run({"--db", db, "police", "--offset", std::to_string(total - 1)}).status == 0);

  Output json = run({"--db", db, "police", "--format", "json", "--offset", past});
  CHECK(json.status == 1);
  auto r = nlohmann::json::parse(json.out);
  CHECK(r["total"] == total);
  CHECK(r["hits"].empty());
  Output text = run({"--db", db, "police", "--offset", past});
  CHECK(text.status == 1);
  CHECK(text.out.find(past + " events (none from offset " + past + ")") != std::string::npos);
  for (const char* format : {"ndjson", "ids", "paths"}) {
    INFO(format);
    Output o = run({"--db", db, "police", "--format", format, "--offset", past});
    CHECK(o.status == 1);
    CHECK(o.out.empty());
  }
  Output csv = run({"--db", db, "police", "--format", "csv", "--offset", past});
  CHECK(csv.status == 1);
  CHECK(parse_csv(csv.out).size() == 1);
  // --limit 0 asks only for the counts: matches were found.
  Output counts = run({"--db", db, "police", "--json", "--limit", "0"});
  CHECK(counts.status == 0);
  CHECK(nlohmann::json::parse(counts.out)["total"] == total);
  CHECK(run({"--db", db, "zzzxqv", "--json", "--limit", "0"}).status == 1);
}

TEST_CASE("search --format paths prints a file name that is not UTF-8 byte for byte", "[format]") {
  TempDir dir;
  const std::string latin1 = std::string("caf\xe9") + ".md";  // "café" in Latin-1
  tlsearch::test::write_file(dir / "tl" / latin1,
                             "---\nid: latin\ntitle: A Latin-1 name\ndate: 2024-01-01\n---\n"
                             "quokka sighting\n");
  tlsearch::test::write_file(dir / "tl" / "plain.md",
                             "---\nid: plain\ntitle: Plain name\ndate: 2024-01-02\n---\n"
                             "quokka count\n");
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", "-q", (dir / "tl").string()}).status == 0);
  Output paths = run({"--db", db, "search", "quokka", "--format", "paths", "--sort", "date"});
  REQUIRE(paths.status == 0);
  auto rows = lines(paths.out);
  REQUIRE(rows.size() == 2);
  // Each printed path opens the file it names.
  CHECK(rows[0] == (dir / "tl" / latin1).string());
  CHECK(rows[1] == (dir / "tl" / "plain.md").string());
  for (const auto& row : rows) CHECK(std::filesystem::exists(row));
  // JSON stays valid UTF-8: the byte that is not is shown as U+FFFD there.
  auto json = nlohmann::json::parse(
      run({"--db", db, "search", "quokka", "--json", "--sort", "date"}).out);
  CHECK(json["hits"][0]["path"] == (dir / "tl").string() + "/caf\xef\xbf\xbd.md");
}

TEST_CASE("search -0 ends ids and paths with NUL, so a newline in a name is safe", "[format]") {
  TempDir dir;
  const std::string odd = "two\nlines.md";
  tlsearch::test::write_file(dir / "tl" / odd,
                             "---\nid: odd\ntitle: Odd name\ndate: 2024-01-01\n---\nwombat\n");
  tlsearch::test::write_file(dir / "tl" / "plain.md",
                             "---\nid: plain\ntitle: Plain\ndate: 2024-01-02\n---\nwombat\n");
  std::string db = (dir / "db").string();
  REQUIRE(run({"--db", db, "index", "-q", (dir / "tl").string()}).status == 0);
  Output paths = run({"--db", db, "search", "wombat", "--format", "paths", "-0", "--sort", "date"});
  REQUIRE(paths.status == 0);
  CHECK(paths.out == (dir / "tl" / odd).string() + '\0' + (dir / "tl" / "plain.md").string() + '\0');
  Output ids = run({"--db", db, "search", "wombat", "--format", "ids", "--null", "--sort", "date"});
  CHECK(ids.out == std::string("odd\0plain\0", 10));
  // Other formats have records of their own: -0 there is a usage error.
  Output text = run({"--db", db, "search", "wombat", "-0"});
  CHECK(text.status == 2);
  CHECK(text.err.find("--format ids or --format paths") != std::string::npos);
}
