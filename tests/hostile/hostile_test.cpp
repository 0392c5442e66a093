// Hostile input through the `tlsearch` binary: a corpus of bad files
// generated at test time (nothing big is committed), indexed for real, with
// assertions on each file's message, the exit status, what was indexed and
// that the index still passes xapian-check; then bad queries and parameters.
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>

#include <thread>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../test_support.h"
#include "process.h"

namespace tlsearch::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string event(const std::string& title, const std::string& body = "body words\n") {
  return "---\ntitle: " + title + "\ndate: 2021-05-01\n---\n" + body;
}

// Messages of `index --json` per file name: "error: ..." / "warning: ...".
std::map<std::string, std::vector<std::string>> messages_by_file(const json& summary) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& d : summary["diagnostics"]) {
    out[fs::path(d["path"].get<std::string>()).filename().string()].push_back(
        d["severity"].get<std::string>() + ": " + d["message"].get<std::string>());
  }
  return out;
}

bool has(const std::vector<std::string>& messages, const std::string& part) {
  for (const auto& m : messages)
    if (m.find(part) != std::string::npos) return true;
  return false;
}

// The ids the index holds, through `search --format ids` on every event.
std::vector<std::string> indexed_titles(const fs::path& db) {
  Output o = run_tlsearch(
      {"--db", db.string(), "--json", "search", "--limit", "10000", "--facet-limit", "0"});
  std::vector<std::string> titles;
  INFO(o.err);
  REQUIRE(!o.out.empty());
  const json result = json::parse(o.out);
  for (const auto& hit : result["hits"]) titles.push_back(hit["title"]);
  std::sort(titles.begin(), titles.end());
  return titles;
}

void require_sound(const fs::path& db) {
  if (!have_xapian_check()) {
    WARN("xapian-check not installed (xapian-tools); index not checked");
    return;
  }
  Output check = xapian_check(db);
  INFO(check.out << check.err);
  CHECK(check.status == 0);
}

TEST_CASE("a hostile corpus is indexed file by file, never stopping the run",
          "[hostile]") {
  TempDir dir;
  const fs::path c = dir / "corpus";
  // Front matter.
  write_file(c / "good.md", event("Good entry", "findable zebra words\n"));
  write_file(c / "bad-yaml.md", "---\ntitle: [unclosed\ndate: 2020\n---\nx\n");
  write_file(c / "no-close.md", "---\ntitle: never closed\nbody\n");
  write_file(c / "list.md", "---\n- a\n- b\n---\nbody\n");
  write_file(c / "scalar.md", "---\njust a sentence\n---\nbody\n");
  write_file(c / "types.md",
             "---\ntitle: Typed wrong\nimportance: \"high\"\nactors: Amazon\n"
             "tags: {a: 1}\nsources: [just text, https://example.org/x]\n---\nb\n");
  write_file(c / "empty-title.md", "---\ntitle: \"\"\n---\nbody\n");
  std::string bomb = "---\ntitle: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i)
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" +
            repeat("*a" + std::to_string(i - 1) + ", ", 9) + "*a" +
            std::to_string(i - 1) + "]\n";
  write_file(c / "alias-bomb.md", bomb + "tags: *a8\n---\n");
  write_file(c / "brackets.md", "---\ntitle: " + std::string(100000, '[') + "\n---\n");
  write_file(c / "brackets-body.md",
             event("Brackets in the body", std::string(100000, '[') + " bracketword\n"));
  // Bytes.
  write_file(c / "long-line.md",
             event("Long line", "firstword " + repeat("filler ", 400000) + "\n"));
  write_file(c / "nul.md", std::string(100000, '\0'));
  write_file(c / "invalid-utf8.md", "---\ntitle: caf\xE9 \xFF\xFE ok\n---\nbody \xC3\x28 \xC3\xA9\n");
  // No valid UTF-8 above ASCII at all: Latin-1 (Windows-1252).
  write_file(c / "latin1.md", "---\ntitle: Jos\xE9 \x93quoted\x94\n---\nbody\n");
  write_file(c / "bom.md", "\xEF\xBB\xBF" + event("With a BOM"));
  write_file(c / "crlf.md", "---\r\ntitle: CRLF entry\r\n---\r\nbody\r\n");
  // Markdown that is pathological for cmark-gfm 0.29.0.gfm.6.
  write_file(c / "deep-quotes.md",
             event("Deep quotes", std::string(20000, '>') + repeat("a*", 20000) + "\n"));
  std::string lists;
  for (int i = 0; i < 200; ++i) lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- x\n";
  write_file(c / "deep-lists.md", event("Deep lists", lists));
  write_file(c / "wide-table.md",
             event("Wide table", "|" + repeat("h|", 20000) + "\n|" + repeat("-|", 20000) + "\n"));
  write_file(c / "tall-table.md",
             event("Tall table", "| a | b |\n|---|---|\n" + repeat("| tallcell | 2 |\n", 30000)));
  // JSON.
  write_file(c / "deep.json", std::string(100000, '['));
  write_file(c / "wrong-types.json",
             "{\"title\": \"JSON typed wrong\", \"importance\": [1], \"tags\": {\"x\": 1}, "
             "\"actors\": \"A, B\"}");

  // The filesystem.
  write_file(c / "unreadable.md", event("Unreadable"));
  ::chmod((c / "unreadable.md").c_str(), 0);
  // Root (CI) reads a mode-000 file anyway: find out which case this is.
  const int probe = ::open((c / "unreadable.md").c_str(), O_RDONLY);
  const bool can_read_000 = probe >= 0;
  if (probe >= 0) ::close(probe);
  fs::create_symlink(c / "missing-target.md", c / "broken-link.md");
  fs::create_symlink(c / "loop-b.md", c / "loop-a.md");
  fs::create_symlink(c / "loop-a.md", c / "loop-b.md");
  REQUIRE(::mkfifo((c / "fifo.md").c_str(), 0644) == 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = (c / "socket.md").string();
  REQUIRE(sock_path.size() < sizeof addr.sun_path);
  std::copy(sock_path.begin(), sock_path.end(), addr.sun_path);
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  write_file(c / "folder.md" / "inside.md", event("Inside a folder named .md"));
  // A 100 MB file, made sparse so it costs no disk: refused by its size
  // before a byte is read.
  {
    std::FILE* f = std::fopen((c / "huge.md").c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("---\ntitle: huge\n---\n", f);
    std::fclose(f);
    fs::resize_file(c / "huge.md", 100u << 20);
  }

  const fs::path db = dir / "db";
  Output o = run_tlsearch({"--db", db.string(), "index", "--json", c.string()});
  ::close(sock);
  INFO(o.err.substr(0, 4000));
  // Errors in some files: exit 1, never 2 (fatal) and never a crash.
  REQUIRE(o.status == 1);
  const json summary = json::parse(o.out);
  auto m = messages_by_file(summary);

  CHECK(has(m["bad-yaml.md"], "error: invalid YAML in front matter"));
  CHECK(has(m["no-close.md"], "error: front matter is not closed"));
  CHECK(has(m["list.md"], "error: front matter is a list"));
  CHECK(has(m["scalar.md"], "error: front matter is a single value"));
  CHECK(has(m["types.md"], "warning: importance 'high' is not a whole number"));
  CHECK(has(m["types.md"], "warning: 'actors' should be a list, not text"));
  CHECK(has(m["types.md"], "warning: 'tags' should be a list, not a mapping"));
  CHECK(has(m["types.md"], "warning: a source is plain text"));
  CHECK(has(m["empty-title.md"], "warning: missing or empty title"));
  CHECK(has(m["alias-bomb.md"], "error: front matter expands to more than 100000 YAML nodes"));
  CHECK(has(m["brackets.md"], "error: front matter nests deeper than 64 levels"));
  CHECK(has(m["long-line.md"], "only its first 1048576 bytes are indexed"));
  CHECK(has(m["nul.md"], "warning: invalid UTF-8 or NUL bytes were replaced"));
  CHECK(has(m["invalid-utf8.md"], "warning: invalid UTF-8 or NUL bytes were replaced"));
  CHECK(has(m["latin1.md"], "warning: the file is not UTF-8: read as Windows-1252"));
  CHECK(has(m["deep-quotes.md"], "nests quotes or lists deeper than 64 levels"));
  CHECK(has(m["deep-lists.md"], "nests quotes or lists deeper than 64 levels"));
  CHECK(has(m["wide-table.md"], "more than 256 table cells"));
  CHECK(m["tall-table.md"].empty());
  CHECK(has(m["deep.json"], "error: JSON nests deeper than 64 levels"));
  CHECK(has(m["wrong-types.json"], "warning: 'importance' should be a number"));
  CHECK(has(m["broken-link.md"], "error: broken symbolic link"));
  CHECK(has(m["loop-a.md"], "error: symbolic link loop"));
  CHECK(has(m["loop-b.md"], "error: symbolic link loop"));
  CHECK(has(m["fifo.md"], "error: not a regular file (a FIFO)"));
  CHECK(has(m["socket.md"], "error: not a regular file (a socket)"));
  CHECK(has(m["huge.md"], "error: file too large (104857600 bytes, limit 16777216)"));
  CHECK(m["folder.md"].empty());
  if (can_read_000) {
    WARN("running as root: a mode-000 file is readable, so it is indexed");
    CHECK(m["unreadable.md"].empty());
  } else {
    CHECK(has(m["unreadable.md"], "error: cannot open: Permission denied"));
  }
  // Every message names its file in the `path:line:col: severity:` form.
  for (const auto& d : summary["diagnostics"])
    CHECK(d["path"].get<std::string>().rfind(c.string(), 0) == 0);
  CHECK(std::regex_search(o.err, std::regex("/bad-yaml\\.md:[0-9]+:[0-9]+: error: invalid YAML")));

  const std::size_t errors = can_read_000 ? 13 : 14;
  CHECK(summary["errors"] == errors);
  CHECK(summary["skip_reasons"]["no front matter"] == 1);  // nul.md
  std::vector<std::string> expected = {
      "Brackets in the body", "CRLF entry", "Deep lists", "Deep quotes",
      "Good entry", "Inside a folder named .md", "JSON typed wrong", "Long line",
      "Tall table", "Typed wrong", "Wide table", "With a BOM",
      "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD ok", "empty-title",
      "Jos\u00e9 \u201cquoted\u201d"};
  if (can_read_000) expected.push_back("Unreadable");
  std::sort(expected.begin(), expected.end());
  CHECK(indexed_titles(db) == expected);
  CHECK(summary["documents"] == expected.size());
  require_sound(db);

  // The words of the odd files are searchable.
  for (const char* word : {"zebra", "bracketword", "firstword", "tallcell"}) {
    Output s = run_tlsearch({"--db", db.string(), "--json", word});
    INFO(word);
    CHECK(s.status == 0);
  }
  fs::remove(c / "huge.md");
  ::chmod((c / "unreadable.md").c_str(), 0644);
}

TEST_CASE("files that vanish or change while being indexed", "[hostile]") {
  TempDir dir;
  const fs::path c = dir / "corpus";
  for (int i = 0; i < 300; ++i)
    write_file(c / ("e" + std::to_string(i) + ".md"),
               event("Entry " + std::to_string(i), "stable words\n"));
  // A wrapper that deletes and rewrites files once the run has walked the
  // folder: `index` prints nothing before, so the only reliable point is a
  // signal-free race, repeated; each run must finish cleanly whatever it meets.
  const fs::path db = dir / "db";
  for (int round = 0; round < 5; ++round) {
    const std::string churn =
        "for i in $(seq " + std::to_string(round * 40) + " " + std::to_string(round * 40 + 39) +
        "); do rm -f " + shell_quote(c.string()) + "/e$i.md; printf -- '---\\ntitle: "
        "Rewritten %s\\n---\\nnew words %s\\n' $i $i > " + shell_quote(c.string()) +
        "/n$i.md; done; touch " + shell_quote((dir / ("churned" + std::to_string(round))).string());
    std::vector<std::string> args = {"--db", db.string(), "index", "--json", c.string()};
    if (round % 2 == 0) args.push_back("--force");  // the rebuild path, then in place
    Output o = run_tlsearch(args, 120, "(" + churn + ") & ");
    INFO(o.err.substr(0, 2000));
    REQUIRE((o.status == 0 || o.status == 1));
    const json summary = json::parse(o.out);
    // A file deleted after the walk saw it, or caught half-written.
    for (const auto& d : summary["diagnostics"]) {
      const std::string message = d["message"];
      CHECK((message == "no such file" || message == "No such file or directory" ||
             message.rfind("front matter is not closed", 0) == 0));
    }
    require_sound(db);
    // The churn runs on after `index` (it is not waited for): let it end,
    // or the next run races it. A loaded machine made the last run meet a
    // file the churn had just truncated.
    const fs::path churned = dir / ("churned" + std::to_string(round));
    for (int i = 0; i < 600 && !fs::exists(churned); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(churned));
  }
  // Once still, one more run sees exactly what is on disk.
  Output o = run_tlsearch({"--db", db.string(), "index", "--json", c.string()});
  REQUIRE(o.status == 0);
  std::size_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(c)) on_disk += e.is_regular_file() ? 1 : 0;
  CHECK(json::parse(o.out)["documents"] == on_disk);
  CHECK(indexed_titles(db).size() == on_disk);
  require_sound(db);
}

TEST_CASE("limits can be changed by options", "[hostile]") {
  TempDir dir;
  write_file(dir / "c" / "a.md", event("Nested", "body\n") + "");
  write_file(dir / "c" / "b.md", "---\ntitle: B\nx: [[[[1]]]]\n---\n" + repeat("word ", 400));
  const std::string db = (dir / "db").string();
  Output o = run_tlsearch({"--db", db, "index", "--json", "--max-nesting", "3",
                           "--max-body-size", "100", "--max-front-matter-size", "1000",
                           "--max-file-size", "100000", (dir / "c").string()});
  REQUIRE(o.status == 1);
  auto m = messages_by_file(json::parse(o.out));
  CHECK(has(m["b.md"], "error: front matter nests deeper than 3 levels"));
  o = run_tlsearch({"--db", db, "index", "--json", "--max-front-matter-size", "10",
                    (dir / "c").string()});
  m = messages_by_file(json::parse(o.out));
  CHECK(has(m["b.md"], "error: front matter too large"));
  o = run_tlsearch({"--db", db, "index", "--json", "--max-body-size", "100", "--force",
                    (dir / "c").string()});
  REQUIRE(o.status == 0);
  m = messages_by_file(json::parse(o.out));
  CHECK(has(m["b.md"], "only its first 100 bytes are indexed"));
  o = run_tlsearch({"--db", db, "index", "--force", "--max-file-size", "10", (dir / "c").string()});
  CHECK(o.status == 1);
  CHECK(o.err.find("file too large") != std::string::npos);
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"--max-file-size", "-1"}, {"--max-nesting", "0"}, {"--max-body-size", "x"},
           {"--wait-lock=-3"}}) {
    std::vector<std::string> args = {"--db", db, "index"};
    args.insert(args.end(), bad.begin(), bad.end());
    args.push_back((dir / "c").string());
    Output b = run_tlsearch(args);
    INFO(bad[0]);
    CHECK(b.status == 2);
    CHECK(b.err.find(bad[0].substr(0, bad[0].find('='))) != std::string::npos);
  }
}

// Peak resident memory of the largest child process waited for so far, MiB.
double children_peak_rss_mib() {
  struct rusage usage {};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Files of about 1 MB of distinct random words: each builds a document of
// about 60 MB and adds 115,000 spelling words. A run used to hold every one
// of them until the end of its batch (300 files) or its transaction.
TEST_CASE("huge files of distinct words are indexed in bounded memory", "[hostile]") {
#if defined(__SANITIZE_ADDRESS__)
  WARN("skipped under AddressSanitizer, whose shadow memory makes RSS meaningless");
  return;
#endif
  TempDir dir;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::vector<std::string> needles;
  for (int f = 0; f < 5; ++f) {
    std::string body;
    for (int w = 0; w < 115000; ++w) {
      std::string word;
      for (int c = 0; c < 8; ++c) word += static_cast<char>(letter(random));
      if (w == 5000) needles.push_back(word);
      body += word + ' ';
    }
    write_file(dir / "huge" / ("h" + std::to_string(f) + ".md"),
               event("Huge " + std::to_string(f), body + "\n"));
  }
  const std::string db = (dir / "db").string();
  // A first run, then the same files added to a small indexed folder (an
  // incremental run, unless the bytes changed make it a rebuild).
  Output o = run_tlsearch({"--db", db, "index", "-q", (dir / "huge").string()}, 300);
  REQUIRE(o.status == 0);
  const std::string db2 = (dir / "db2").string();
  fs::create_directories(dir / "mixed");
  for (const auto& entry : fs::directory_iterator(source_dir() / "seeds"))
    fs::copy(entry.path(), dir / "mixed" / entry.path().filename());
  REQUIRE(run_tlsearch({"--db", db2, "index", "-q", (dir / "mixed").string()}).status <= 1);
  for (const auto& entry : fs::directory_iterator(dir / "huge"))
    fs::copy(entry.path(), dir / "mixed" / entry.path().filename());
  o = run_tlsearch({"--db", db2, "index", "-q", (dir / "mixed").string()}, 300);
  REQUIRE(o.status <= 1);
  // About 200 MB with the bounds; over 650 MB without them.
  CHECK(children_peak_rss_mib() < 400);
  for (const auto& index : {db, db2}) {
    for (std::size_t f = 0; f < needles.size(); ++f) {
      Output hit = run_tlsearch({"--db", index, "search", "--format", "ids", needles[f]});
      INFO(index << " " << needles[f]);
      CHECK(hit.status == 0);
      CHECK(hit.out.find("h" + std::to_string(f)) != std::string::npos);
    }
  }
  require_sound(db);
  require_sound(db2);
}

// ---- Bad queries and parameters -------------------------------------------

struct SeedsIndex {
  TempDir dir;
  std::string db = (dir / "db").string();
  SeedsIndex() {
    Output o = run_tlsearch({"--db", db, "index", "-q", (source_dir() / "seeds").string()});
    REQUIRE(o.status <= 1);
  }
};

TEST_CASE("bad queries answer with results or a clear error, never a crash",
          "[hostile]") {
  SeedsIndex seeds;
  const std::string binary_bytes("po\x01\xff\xfe\x7flice");  // argv has no NULs
  struct Case {
    std::string query;
    std::vector<int> statuses;  // acceptable exit statuses
    std::string notice;         // part of a notice or error, "" for none
  };
  const std::vector<Case> cases = {
      {"\"unbalanced quote", {0, 1}, ""},
      {"(police AND", {0, 1}, ""},
      {")))", {1}, ""},
      {"AND", {0, 1}, ""},
      {"OR", {0, 1}, ""},
      {"NOT", {0, 1}, ""},
      {"-", {1}, "no searchable words"},
      {"\"", {1}, ""},
      {std::string(100000, 'a'), {2}, "query is too long (100000 bytes; the limit is 8192)"},
      {binary_bytes, {0, 1}, ""},
      {"a*", {0}, ""},
      {"*", {0, 1}, ""},
      {repeat("a* ", 2000), {0, 1}, "too many wildcards (2000; the limit is 16)"},
      {"date:abc", {0, 1}, "invalid date 'abc'"},
      {"date:2020..abc", {0, 1}, "invalid date 'abc'"},
      {"importance:abc..xyz", {0, 1}, ""},
      {"year: lane: tag:", {0, 1}, ""},
      {repeat("(", 4000), {0, 1}, ""},
      {"police NEAR/99999999999 warrant", {0, 1}, ""},
  };
  for (const auto& k : cases) {
    INFO("query: " << k.query.substr(0, 60));
    std::vector<std::string> args = {"--db", seeds.db, "--json", "search", "--", k.query};
    Output o = run_tlsearch(args, 60);
    CHECK(std::find(k.statuses.begin(), k.statuses.end(), o.status) != k.statuses.end());
    CHECK(o.err.find("terminate") == std::string::npos);
    CHECK(o.err.find("Sanitizer") == std::string::npos);
    if (o.status == 2) {
      CHECK(o.err.rfind("tlsearch: ", 0) == 0);
      CHECK(o.err.find(k.notice) != std::string::npos);
    } else {
      const json r = json::parse(o.out);  // valid JSON whatever the bytes
      if (!k.notice.empty()) {
        std::string notices = r["notices"].dump();
        CHECK(notices.find(k.notice) != std::string::npos);
      }
    }
  }
}

TEST_CASE("bad parameters are a clear error with exit status 2", "[hostile]") {
  SeedsIndex seeds;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--limit", "-5"}, "--limit: must be a whole number from 0 to 10000, not '-5'"},
      {{"--limit", "99999999999"}, "--limit: must be a whole number"},
      {{"--offset", "99999999999999999999"}, "--offset: must be a whole number"},
      {{"--offset", "-1"}, "--offset: must be a whole number"},
      {{"--facet-limit", "-1"}, "--facet-limit: must be a whole number"},
      {{"--min-importance", "0"}, "--min-importance: must be a whole number from 1 to 10"},
      {{"--min-importance", "abc"}, "--min-importance"},
      {{"--from", "2020-13"}, "from: invalid date '2020-13'"},
      {{"--to", "yesterday"}, "to: invalid date 'yesterday'"},
      {{"--from", std::string(100000, ' ')}, "from: invalid date"},
      {{"--sort", "sideways"}, "--sort must be relevance, date, -date or importance"},
      {{"--format", "xml"}, "--format"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"--db", seeds.db, "search", "police"};
    args.insert(args.end(), extra.begin(), extra.end());
    Output o = run_tlsearch(args, 60);
    INFO(extra[0] << " " << extra[1].substr(0, 30) << "\n" << o.err.substr(0, 300));
    CHECK(o.status == 2);
    CHECK(o.err.find(message) != std::string::npos);
    CHECK(o.err.rfind("tlsearch: ", 0) == 0);  // named, as every error is
  }
  // Unknown facet values, an offset past the end and the largest limit are
  // answers, not errors.
  Output o = run_tlsearch({"--db", seeds.db, "--json", "search", "--lane", "no such lane"});
  CHECK(o.status == 1);
  CHECK(json::parse(o.out)["total"] == 0);
  o = run_tlsearch({"--db", seeds.db, "--json", "search", "police", "--offset", "4294967295",
                    "--limit", "10000"});
  CHECK(o.status == 1);  // matches exist, none on this page (docs/limits.md)
  CHECK(json::parse(o.out)["total"].get<int>() > 0);
  CHECK(json::parse(o.out)["hits"].empty());
}

}  // namespace
}  // namespace tlsearch::test

namespace tlsearch::test {
namespace {

// The real corpus through the binary (under ASan+UBSan in build-asan): no
// crash, no error, and every file the run skipped accounted for by a reason
// checked independently here.
TEST_CASE("the real corpus indexes cleanly and every skipped file is explained",
          "[hostile][corpus]") {
  const fs::path corpus = shared_corpus_dir();
  if (!fs::is_directory(corpus)) {
    WARN("shared corpus not found at " << corpus.string() << "; skipped");
    return;
  }
  std::size_t events = 0, not_events = 0, no_front_matter = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file() || e.path().filename().string()[0] == '.') continue;
    const std::string ext = e.path().extension().string();
    if (ext != ".md" && ext != ".json") {
      ++not_events;
    } else if (read_file(e.path()).rfind("---", 0) != 0) {
      ++no_front_matter;
    } else {
      ++events;
    }
  }
  TempDir dir;
  Output o = run_tlsearch({"--db", (dir / "db").string(), "index", "--json", corpus.string()},
                          1800);
  INFO(o.err.substr(0, 4000));
  REQUIRE(o.status == 0);
  const json summary = json::parse(o.out);
  CHECK(summary["errors"] == 0);
  CHECK(summary["added"] == events);
  CHECK(summary["documents"] == events);
  CHECK(summary["skipped"] == not_events + no_front_matter);
  CHECK(summary["skip_reasons"].value("not an event file", std::size_t{0}) == not_events);
  CHECK(summary["skip_reasons"].value("no front matter", std::size_t{0}) == no_front_matter);
  CHECK(summary["skip_reasons"].size() ==
        (not_events > 0 ? 1u : 0u) + (no_front_matter > 0 ? 1u : 0u));
  require_sound(dir / "db");
}

}  // namespace
}  // namespace tlsearch::test
