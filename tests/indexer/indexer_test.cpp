// Indexing: summaries, incremental re-index, per-file errors, duplicate ids,
// atomic commits and the writer lock, against a real Xapian database.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <xapian.h>

#include "../searcher/corpus_counts.h"
#include "../searcher/fixture.h"
#include "tlsearch/error.h"
#include "tlsearch/schema.h"

using namespace tlsearch;
using tlsearch::test::event_text;
using tlsearch::test::TempDir;
using tlsearch::test::write_file;

namespace {

std::string simple(const std::string& id, const std::string& title,
                   const std::string& body = "Some text about the matter.") {
  return event_text(id, "2020-01-01", title, 5, "[Lane One]", "[Someone]", "[tag]", body);
}

struct Run {
  IndexSummary summary;
  std::vector<Diagnostic> diagnostics;
};

Run index(const std::filesystem::path& db, std::vector<std::filesystem::path> inputs) {
  Run run;
  IndexOptions options;
  options.db_path = db;
  options.on_diagnostic = [&](const Diagnostic& d) { run.diagnostics.push_back(d); };
  run.summary = index_paths(inputs, options);
  return run;
}

std::size_t count(Searcher& s, const std::string& q) {
  SearchRequest r;
  r.query = q;
  r.facet_limit = 0;
  return s.search(r).total;
}

// Sets a file's mtime forward so a rewrite of equal size is noticed.
void touch_later(const std::filesystem::path& p) {
  auto t = std::filesystem::last_write_time(p);
  std::filesystem::last_write_time(p, t + std::chrono::seconds(5));
}

}  // namespace

TEST_CASE("an event reached through a link that breaks is kept until the link goes",
          "[indexer]") {
  TempDir dir;
  write_file(dir / "tl/one.md", simple("one", "First event"));
  write_file(dir / "elsewhere/two.md", simple("two", "Linked event"));
  std::filesystem::create_symlink(dir / "elsewhere/two.md", dir / "tl/two.md");
  REQUIRE(index(dir / "db", {dir / "tl"}).summary.documents == 2);
  std::filesystem::remove(dir / "elsewhere/two.md");
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.errors == 1);
  CHECK(run.summary.removed == 0);
  CHECK(run.summary.documents == 2);
  REQUIRE(run.diagnostics.size() == 1);
  CHECK(run.diagnostics[0].message.find("broken symbolic link") != std::string::npos);
  {
    Searcher s(dir / "db");
    CHECK(count(s, "linked") == 1);
  }
  std::filesystem::remove(dir / "tl/two.md");
  run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.errors == 0);
  CHECK(run.summary.removed == 1);
  CHECK(run.summary.documents == 1);
}

TEST_CASE("a timeline reached through a link, moved, or deleted leaves no stale events",
          "[indexer]") {
  TempDir dir;
  write_file(dir / "real/one.md", simple("one", "First event"));
  write_file(dir / "real/two.md", simple("two", "Second event"));
  std::filesystem::create_directory_symlink(dir / "real", dir / "link");
  REQUIRE(index(dir / "db", {dir / "real"}).summary.documents == 2);
  // The same folder through a link: the same events, not two more.
  Run run = index(dir / "db", {dir / "link"});
  CHECK(run.summary.added == 0);
  CHECK(run.summary.unchanged == 2);
  CHECK(run.summary.documents == 2);
  {
    Searcher s(dir / "db");  // `show` by either path
    CHECK(s.find_events((dir / "link/one.md").string()).size() == 1);
    CHECK(s.find_events((dir / "real/one.md").string()).size() == 1);
  }
  // A folder renamed: its old events go when the new name is indexed.
  std::filesystem::rename(dir / "real", dir / "renamed");
  run = index(dir / "db", {dir / "renamed"});
  CHECK(run.summary.added == 2);
  CHECK(run.summary.removed == 2);
  CHECK(run.summary.documents == 2);
  // Another folder's events stay while their files exist, and go after.
  write_file(dir / "other/three.md", simple("three", "Third event"));
  REQUIRE(index(dir / "db", {dir / "other"}).summary.documents == 3);
  CHECK(index(dir / "db", {dir / "renamed"}).summary.documents == 3);
  std::filesystem::remove_all(dir / "other");
  run = index(dir / "db", {dir / "renamed"});
  CHECK(run.summary.removed == 1);
  CHECK(run.summary.documents == 2);
  run = index(dir / "db", {dir / "renamed"});
  CHECK(run.summary.documents == 2);
  // A rebuild (--force) does the same.
  std::filesystem::rename(dir / "renamed", dir / "again");
  IndexOptions options;
  options.db_path = dir / "db";
  options.force = true;
  const IndexSummary forced = index_paths({dir / "again"}, options);
  CHECK(forced.removed == 2);
  CHECK(forced.documents == 2);
}

TEST_CASE("an index kept inside the timeline folder is not walked", "[indexer]") {
  TempDir dir;
  write_file(dir / "tl/one.md", simple("one", "First event"));
  write_file(dir / "tl/two.md", simple("two", "Second event"));
  // Spelled as users do: relative, with a trailing slash, from inside.
  for (const auto& db : {dir / "tl" / "index", dir / "tl" / "sub" / ".." / "index" / ""}) {
    for (int pass = 0; pass < 2; ++pass) {
      Run run = index(db, {dir / "tl"});
      INFO(db << " pass " << pass);
      CHECK(run.summary.skipped == 0);
      CHECK(run.summary.skip_reasons.empty());
      CHECK(run.summary.documents == 2);
    }
  }
}

TEST_CASE("a first run adds every event and reports what it skipped", "[indexer]") {
  TempDir dir;
  write_file(dir / "tl/one.md", simple("one", "First event"));
  write_file(dir / "tl/sub/two.md", simple("two", "Second event"));
  write_file(dir / "tl/three.json",
             R"({"id": "three", "title": "Third event", "date": "1999",
                 "summary": "Kept as JSON by an older tool."})");
  write_file(dir / "tl/README.md", "# About this folder\n\nNo front matter here.\n");
  write_file(dir / "tl/one.md.bak", simple("one", "Old copy"));
  write_file(dir / "tl/.git/config.md", simple("hidden", "Never indexed"));
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.added == 3);
  CHECK(run.summary.errors == 0);
  CHECK(run.summary.skipped == 2);  // README.md and one.md.bak
  CHECK(run.summary.documents == 3);
  std::set<std::string> reasons;
  for (auto& [reason, n] : run.summary.skip_reasons) reasons.insert(reason);
  CHECK(reasons.count("no front matter") == 1);
  CHECK(reasons.count("not an event file") == 1);
  Searcher s(dir / "db");
  CHECK(count(s, "json older tool") == 1);
  CHECK(count(s, "never indexed") == 0);
}

TEST_CASE("re-indexing touches only added, changed and removed files", "[indexer][incremental]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha event"));
  write_file(dir / "tl/b.md", simple("b", "Beta event"));
  write_file(dir / "tl/c.md", simple("c", "Gamma event"));
  CHECK(index(dir / "db", {dir / "tl"}).summary.added == 3);

  Run again = index(dir / "db", {dir / "tl"});
  CHECK(again.summary.unchanged == 3);
  CHECK(again.summary.added + again.summary.updated + again.summary.removed == 0);

  write_file(dir / "tl/b.md", simple("b", "Beta event renamed zeppelin"));
  touch_later(dir / "tl/b.md");
  std::filesystem::remove(dir / "tl/c.md");
  write_file(dir / "tl/d.md", simple("d", "Delta event"));
  Run changed = index(dir / "db", {dir / "tl"});
  CHECK(changed.summary.added == 1);
  CHECK(changed.summary.updated == 1);
  CHECK(changed.summary.removed == 1);
  CHECK(changed.summary.unchanged == 1);
  CHECK(changed.summary.documents == 3);

  Searcher s(dir / "db");
  CHECK(count(s, "zeppelin") == 1);
  CHECK(count(s, "gamma") == 0);
  CHECK(count(s, "delta") == 1);
  CHECK(count(s, "") == 3);
}

// An index written by an older tlsearch (schema 1 indexed words as written)
// is rebuilt by the next run instead of being refused or, worse, mixed.
TEST_CASE("an index of an older schema is rebuilt from the files", "[indexer][schema]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha event", "Requests were filed."));
  write_file(dir / "tl/b.md", simple("b", "Beta event"));
  REQUIRE(index(dir / "db", {dir / "tl"}).summary.added == 2);
  {
    Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_OPEN);
    db.set_metadata(schema::kMetaSchemaVersion, "1");
    db.commit();
  }
  CHECK_THROWS_AS(Searcher(dir / "db"), Error);

  Run again = index(dir / "db", {dir / "tl"});
  CHECK(again.summary.updated == 2);  // every event read again
  CHECK(again.summary.added == 0);
  CHECK(again.summary.unchanged == 0);
  CHECK(again.summary.documents == 2);
  REQUIRE(again.diagnostics.size() == 1);
  CHECK(again.diagnostics[0].severity == Severity::kWarning);
  CHECK(again.diagnostics[0].message.find("schema 1") != std::string::npos);
  Searcher s(dir / "db");
  CHECK(count(s, "request") == 1);
  CHECK(count(s, "") == 2);
  // The next run finds it current again.
  CHECK(index(dir / "db", {dir / "tl"}).summary.unchanged == 2);
}

TEST_CASE("a schema rebuild keeps the events of folders the run does not name",
          "[indexer][schema]") {
  TempDir dir;
  write_file(dir / "one/a.md", simple("a", "Alpha event"));
  write_file(dir / "one/gone.md", simple("gone", "Deleted before the rebuild"));
  write_file(dir / "two/b.md", simple("b", "Beta event", "Requests were filed."));
  write_file(dir / "two/c.md", simple("c", "Gamma event"));
  index(dir / "db", {dir / "one"});
  index(dir / "db", {dir / "two"});
  {
    Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_OPEN);
    db.set_metadata(schema::kMetaSchemaVersion, "1");
    db.commit();
  }
  std::filesystem::remove(dir / "two/c.md");  // gone: dropped, not carried over
  std::filesystem::remove(dir / "one/gone.md");
  Run again = index(dir / "db", {dir / "one"});
  CHECK(again.summary.documents == 2);
  CHECK(again.summary.removed == 2);  // in the named folder and in the other
  CHECK(again.summary.updated == 2);
  Searcher s(dir / "db");
  CHECK(count(s, "id:b") == 1);
  CHECK(count(s, "request") == 1);  // read again from its file, in the new schema
  CHECK(count(s, "id:c") == 0);
  // And they are still the other folder's: its own run finds them unchanged.
  CHECK(index(dir / "db", {dir / "two"}).summary.unchanged == 1);
}

TEST_CASE("indexing one folder leaves another folder's events alone", "[indexer][incremental]") {
  TempDir dir;
  write_file(dir / "x/a.md", simple("a", "Alpha event"));
  write_file(dir / "y/b.md", simple("b", "Beta event"));
  index(dir / "db", {dir / "x"});
  index(dir / "db", {dir / "y"});
  std::filesystem::remove(dir / "x/a.md");
  Run run = index(dir / "db", {dir / "y"});
  CHECK(run.summary.removed == 0);
  CHECK(run.summary.documents == 2);
  Run x = index(dir / "db", {dir / "x"});
  CHECK(x.summary.removed == 1);
  CHECK(x.summary.documents == 1);
}

TEST_CASE("a broken file is reported with its position and skipped", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/good.md", simple("good", "Good event"));
  write_file(dir / "tl/bad.md", "---\ntitle: Broken\ntags: [unclosed\n---\nBody\n");
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.added == 1);
  CHECK(run.summary.errors == 1);
  REQUIRE(!run.diagnostics.empty());
  const Diagnostic& d = run.diagnostics.front();
  CHECK(d.severity == Severity::kError);
  CHECK(d.path == (dir / "tl/bad.md").string());
  CHECK(d.line >= 2);
  CHECK(d.to_string().rfind(d.path + ":" + std::to_string(d.line) + ":", 0) == 0);
  CHECK(d.to_string().find(": error: ") != std::string::npos);
  Searcher s(dir / "db");
  CHECK(count(s, "") == 1);
}

TEST_CASE("an edit that breaks a file keeps its last good version", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha event with a quokka"));
  index(dir / "db", {dir / "tl"});
  write_file(dir / "tl/a.md", "---\ntitle: [broken\n---\n");
  touch_later(dir / "tl/a.md");
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.errors == 1);
  CHECK(run.summary.removed == 0);
  Searcher s(dir / "db");
  CHECK(count(s, "quokka") == 1);
}

TEST_CASE("two events with one id both stay findable, with a warning", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("same-id", "First of two"));
  write_file(dir / "tl/b.md", simple("same-id", "Second of two"));
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.added == 2);
  CHECK(run.summary.duplicate_ids >= 1);
  bool warned = false;
  for (auto& d : run.diagnostics)
    warned |= d.severity == Severity::kWarning &&
              d.message.find("duplicate id 'same-id'") != std::string::npos;
  CHECK(warned);
  Searcher s(dir / "db");
  CHECK(s.find_events("same-id").size() == 2);
  CHECK(count(s, "two") == 2);
}

TEST_CASE("ids, tags, actors and paths too long for a Xapian term still find their events",
          "[indexer][errors]") {
  TempDir dir;
  const std::string id(300, 'i');
  const std::string tag = std::string(280, 't') + " end";
  const std::string actor = std::string(260, 'A') + " Person";
  // A folder path long enough that the file's own term would pass 245 bytes.
  const std::filesystem::path deep = dir / "tl" / std::string(120, 'd') / std::string(120, 'e');
  auto long_event = [&](const std::string& title) {
    return event_text(id, "2020-01-01", title, 5, "[Lane One]", "[\"" + actor + "\"]",
                      "[\"" + tag + "\"]", "Body words.");
  };
  write_file(deep / "a.md", long_event("First long"));
  write_file(deep / "b.md", long_event("Second long"));
  write_file(dir / "tl/c.md", simple("other", "Short one"));
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.added == 3);
  bool warned = false;
  for (auto& d : run.diagnostics)
    warned |= d.message.find("duplicate id 'iiii") != std::string::npos;
  CHECK(warned);
  Searcher s(dir / "db");
  CHECK(s.find_events(id).size() == 2);
  CHECK(s.find_events(std::string(299, 'i')).empty());
  CHECK(s.find_events((deep / "a.md").string()).size() == 1);
  SearchRequest by_tag;
  by_tag.tags = {tag};
  CHECK(s.search(by_tag).total == 2);
  SearchRequest by_actor;
  by_actor.actors = {actor};
  CHECK(s.search(by_actor).total == 2);
  SearchRequest other_tag;
  other_tag.tags = {std::string(280, 't') + " other"};
  CHECK(s.search(other_tag).total == 0);
  CHECK(count(s, "id:" + id) == 2);
  CHECK(count(s, "tag:\"" + tag + "\"") == 2);
  // Listing a facet's values gives the whole key back, which filters.
  bool listed = false;
  for (const auto& value : s.facet_values("tags", "", 100).values)
    listed |= value.key == facet_key(tag) && value.count == 2;
  CHECK(listed);
}

TEST_CASE("fields of unexpected shape are warnings, never a lost event", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/odd.md",
             "---\ntitle: Odd shapes\nactors: Lone Actor\ntags: {a: b}\n"
             "importance: high\nsources: [just a string]\nmystery_key: 3\n---\nBody\n");
  Run run = index(dir / "db", {dir / "tl"});
  CHECK(run.summary.added == 1);
  CHECK(run.summary.errors == 0);
  CHECK(run.summary.warnings >= 1);
  Searcher s(dir / "db");
  auto events = s.find_events("odd");
  REQUIRE(events.size() == 1);
  CHECK(events[0].actors == std::vector<std::string>{"Lone Actor"});
}

TEST_CASE("a missing input is an error before anything changes", "[indexer][errors]") {
  TempDir dir;
  CHECK_THROWS_AS(index(dir / "db", {dir / "nope"}), Error);
  CHECK(!std::filesystem::exists(dir / "db"));
}

TEST_CASE("a named file or folder deleted since it was indexed is removed from the index",
          "[indexer][incremental]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  write_file(dir / "other/x.md", simple("x", "Extra"));
  write_file(dir / "other/y.md", simple("y", "Why"));
  write_file(dir / "more/m.md", simple("m", "More"));
  REQUIRE(index(dir / "db", {dir / "tl", dir / "other/x.md", dir / "more"}).summary.added == 3);
  std::filesystem::remove(dir / "other/x.md");
  std::filesystem::remove_all(dir / "more");
  write_file(dir / "tl/b.md", simple("b", "Beta"));
  // The same command again: the deleted file and folder are deletions, not
  // errors, and the rest of the run goes on.
  Run again = index(dir / "db", {dir / "tl", dir / "other/x.md", dir / "more"});
  CHECK(again.summary.errors == 0);
  CHECK(again.summary.added == 1);
  CHECK(again.summary.removed == 2);
  Searcher s(dir / "db");
  CHECK(count(s, "") == 2);
  CHECK(count(s, "id:x") == 0);
  CHECK(count(s, "id:m") == 0);
  // A name that never held an event is a mistake: reported, the rest done.
  write_file(dir / "tl/c.md", simple("c", "Gamma"));
  Run typo = index(dir / "db", {dir / "tl", dir / "tl/typo.md"});
  CHECK(typo.summary.errors == 1);
  CHECK(typo.summary.added == 1);
  REQUIRE(typo.diagnostics.size() == 1);
  CHECK(typo.diagnostics[0].message == "no such file or folder");
  // Only mistakes: nothing changes.
  CHECK_THROWS_AS(index(dir / "db", {dir / "tl/typo.md"}), Error);
  CHECK(count(s, "") == 3);
}

TEST_CASE("a hidden file named on the command line is indexed", "[indexer]") {
  TempDir dir;
  write_file(dir / "tl/.draft.md", simple("draft", "Draft"));
  write_file(dir / "tl/seen.md", simple("seen", "Seen"));
  CHECK(index(dir / "db", {dir / "tl"}).summary.added == 1);
  CHECK(index(dir / "db", {dir / "tl", dir / "tl/.draft.md"}).summary.added == 1);
  Searcher s(dir / "db");
  CHECK(count(s, "id:draft") == 1);
}

TEST_CASE("a new index is never written among other files", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  write_file(dir / "tl/g5-notes.md", simple("g5", "Notes"));
  // --db pointed at the timeline itself: refused, nothing written there.
  try {
    index(dir / "tl", {dir / "tl"});
    FAIL("an index was written into a folder of event files");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    CHECK(std::string(e.what()).find("holds other files") != std::string::npos);
  }
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "tl"),
                      std::filesystem::directory_iterator()) == 2);
  // A file is not a folder.
  write_file(dir / "plain.txt", "x");
  CHECK_THROWS_AS(index(dir / "plain.txt", {dir / "tl"}), Error);
  CHECK(tlsearch::test::read_file(dir / "plain.txt") == "x");
  // An empty folder, one with only hidden files, or a first run cut short
  // after its empty generation: all fine.
  std::filesystem::create_directories(dir / "empty");
  CHECK(index(dir / "empty", {dir / "tl"}).summary.added == 2);
  write_file(dir / "hidden/.DS_Store", "");
  CHECK(index(dir / "hidden", {dir / "tl"}).summary.added == 2);
  std::filesystem::create_directories(dir / "cut/g1");
  CHECK(index(dir / "cut", {dir / "tl"}).summary.added == 2);
}

TEST_CASE("a rebuild removes only its own old generations from the index folder",
          "[indexer][schema]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  index(dir / "db", {dir / "tl"});
  // Files a user keeps next to the index, named like generations.
  write_file(dir / "db/g5-notes.txt", "mine");
  std::filesystem::create_directories(dir / "db/g9x");
  IndexOptions force;
  force.db_path = dir / "db";
  force.force = true;
  index_paths({dir / "tl"}, force);
  Searcher s(dir / "db");
  CHECK(count(s, "alpha") == 1);
  CHECK(tlsearch::test::read_file(dir / "db/g5-notes.txt") == "mine");
  CHECK(std::filesystem::is_directory(dir / "db/g9x"));
  std::size_t generations = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "db")) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 1 && name[0] == 'g' &&
        name.find_first_not_of("0123456789", 1) == std::string::npos)
      ++generations;
  }
  CHECK(generations == 1);
}

TEST_CASE("a second writer gets a clear lock error", "[indexer][concurrency]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  index(dir / "db", {dir / "tl"});
  Xapian::WritableDatabase holder((dir / "db").string(), Xapian::DB_OPEN);
  try {
    index(dir / "db", {dir / "tl"});
    FAIL("indexed while another writer held the lock");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kDatabase);
    CHECK(std::string(e.what()).find("locked") != std::string::npos);
  }
}

TEST_CASE("first runs started together on a new index wait for each other",
          "[indexer][concurrency]") {
  TempDir dir;
  for (int i = 0; i < 30; ++i)
    write_file(dir / "tl" / ("e" + std::to_string(i) + ".md"),
               simple("e" + std::to_string(i), "Event " + std::to_string(i)));
  std::vector<std::string> failures(4);
  std::vector<std::thread> runs;
  for (std::size_t t = 0; t < failures.size(); ++t)
    runs.emplace_back([&, t] {
      try {
        IndexOptions options;
        options.db_path = dir / "db";
        options.lock_wait_seconds = 60;
        index_paths({dir / "tl"}, options);
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  for (auto& run : runs) run.join();
  for (const auto& failure : failures) {
    INFO(failure);
    CHECK(failure.empty());
  }
  Searcher s(dir / "db");
  CHECK(count(s, "") == 30);
}

TEST_CASE("a search while the first run creates the index says so", "[indexer][errors]") {
  TempDir dir;
  // What the first run has written before its stub: the empty generation.
  std::filesystem::create_directories(dir / "db" / "g1");
  try {
    Searcher s(dir / "db");
    FAIL("opened an index that does not exist yet");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kDatabase);
    CHECK(std::string(e.what()).find("is creating it") != std::string::npos);
  }
}

TEST_CASE("a damaged index is a clear error that says how to recover", "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  index(dir / "db", {dir / "tl"});
  std::filesystem::path live;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "db"))
    if (entry.is_directory()) live = entry.path();
  REQUIRE(std::filesystem::exists(live / "postlist.glass"));
  std::filesystem::resize_file(live / "postlist.glass", 100);
  try {
    index(dir / "db", {dir / "tl"});
    FAIL("a damaged index was opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kDatabase);
    CHECK(std::string(e.what()).find("delete the folder") != std::string::npos);
  }
  // Which is enough: the next run builds it again.
  std::filesystem::remove_all(dir / "db");
  CHECK(index(dir / "db", {dir / "tl"}).summary.added == 1);
}

TEST_CASE("readers see the old index or the new one, never a mix", "[indexer][concurrency]") {
  TempDir dir;
  for (int i = 0; i < 40; ++i)
    write_file(dir / ("tl/old" + std::to_string(i) + ".md"),
               simple("old" + std::to_string(i), "Old event " + std::to_string(i)));
  index(dir / "db", {dir / "tl"});
  for (int i = 0; i < 400; ++i)
    write_file(dir / ("tl/new" + std::to_string(i) + ".md"),
               simple("new" + std::to_string(i), "New event " + std::to_string(i)));
  std::atomic<bool> done{false};
  std::set<std::size_t> seen;
  std::thread reader([&] {
    Searcher s(dir / "db");
    while (!done) seen.insert(count(s, ""));
    seen.insert(count(s, ""));
  });
  index(dir / "db", {dir / "tl"});
  done = true;
  reader.join();
  for (auto n : seen) CHECK((n == 40 || n == 440));
  CHECK(seen.count(440) == 1);
}

namespace {

// label -> count of one facet of a result.
std::map<std::string, std::size_t> facet_counts(const SearchResult& result,
                                                const std::string& name) {
  return test::result_counts(result, name, &FacetValue::value);
}

}  // namespace

// Facet values are ids into a dictionary kept in the index: ids written by
// one run must spell the same values after an incremental run adds new
// ones, and after a rebuild that keeps another folder's documents (whose
// ids it translates into the new generation's dictionary).
TEST_CASE("facet counts stay exact across incremental runs and rebuilds",
          "[indexer][facets][incremental]") {
  TempDir dir;
  auto ev = [](const std::string& id, const std::string& lanes, const std::string& actors) {
    return event_text(id, "2021-05-01", "Event " + id, 5, lanes, actors, "[tag]", "Body.");
  };
  write_file(dir / "x/a.md", ev("a", "[Courts]", "[Amazon, Ring]"));
  write_file(dir / "x/b.md", ev("b", "[Courts, Media]", "[Amazon]"));
  write_file(dir / "x/c.md", ev("c", "[Media]", "[Ring]"));
  write_file(dir / "x/f.md", ev("f", "[Media]", "[Ring]"));
  REQUIRE(index(dir / "db", {dir / "x"}).summary.added == 4);
  // A first run for folder y rebuilds the index, keeping x's events.
  write_file(dir / "y/d.md", ev("d", "[Police]", "[Flock Safety, Amazon]"));
  REQUIRE(index(dir / "db", {dir / "y"}).summary.added == 1);
  // An incremental run in x: one new event, one changed, new values in both.
  write_file(dir / "x/e.md", ev("e", "[Police]", "[Zed Corp]"));
  write_file(dir / "x/c.md", ev("c", "[Media, Schools]", "[Ring, Zed Corp, Acme]"));
  touch_later(dir / "x/c.md");
  Run run = index(dir / "db", {dir / "x"});
  REQUIRE(run.summary.added == 1);
  REQUIRE(run.summary.updated == 1);
  REQUIRE(run.summary.unchanged == 3);

  Searcher s(dir / "db");
  SearchRequest all;
  SearchResult everything = s.search(all);
  REQUIRE(everything.total == 6);
  using Counts = std::map<std::string, std::size_t>;
  CHECK(facet_counts(everything, "actors") ==
        Counts{{"Acme", 1}, {"Amazon", 3}, {"Flock Safety", 1}, {"Ring", 3}, {"Zed Corp", 2}});
  CHECK(facet_counts(everything, "lanes") ==
        Counts{{"Courts", 2}, {"Media", 3}, {"Police", 2}, {"Schools", 1}});
  SearchRequest police;
  police.lanes = {"Police"};
  SearchResult filtered = s.search(police);
  CHECK(filtered.total == 2);
  CHECK(facet_counts(filtered, "actors") ==
        Counts{{"Amazon", 1}, {"Flock Safety", 1}, {"Zed Corp", 1}});
  FacetCounts listed = s.facet_values("actors", "", 10);
  Counts spelt;
  for (const auto& value : listed.values) spelt[value.value] = value.count;
  CHECK(spelt == facet_counts(everything, "actors"));
  // A prefix of punctuation or controls alone matches nothing; a blank one
  // everything.
  CHECK(s.facet_values("actors", std::string("\0", 1), 10).values.empty());
  CHECK(s.facet_values("actors", "-", 10).values.empty());
  CHECK(s.facet_values("actors", " ", 10).values.size() == listed.values.size());
  CHECK(s.facet_values("actors", "zed", 10).values.size() == 1);

  // A forced rebuild starts a fresh dictionary and counts the same.
  IndexOptions force;
  force.db_path = dir / "db";
  force.force = true;
  index_paths({dir / "x", dir / "y"}, force);
  Searcher again(dir / "db");
  CHECK(facet_counts(again.search(all), "actors") == facet_counts(everything, "actors"));
  CHECK(facet_counts(again.search(all), "lanes") == facet_counts(everything, "lanes"));
}

// A transaction holds its changes in memory until it commits: an update
// with more changes than transaction_limit is written into a copy of the
// live generation, committed as it goes, and swapped in. Searches see the
// old index or the new one, and the result is the one a rebuild gives.
TEST_CASE("an update larger than one transaction goes through a copy of the index",
          "[indexer][incremental][concurrency]") {
  TempDir dir;
  auto ev = [](int i, const std::string& lane, const std::string& word) {
    const std::string id = "e" + std::to_string(i);
    return event_text(id, "2021-05-01", "Event " + id + " " + word, 5, "[" + lane + "]",
                      "[Actor " + std::to_string(i % 3) + "]", "[tag]", "Body of " + word + ".");
  };
  for (int i = 0; i < 30; ++i)
    write_file(dir / ("tl/e" + std::to_string(i) + ".md"), ev(i, "Courts", "original"));
  REQUIRE(index(dir / "db", {dir / "tl"}).summary.added == 30);
  const std::string before = schema::stub_generation((dir / "db").string());
  REQUIRE(!before.empty());

  // 10 edited with a new lane, 10 new with another, 9 deleted: 29 changes.
  for (int i = 0; i < 10; ++i) {
    write_file(dir / ("tl/e" + std::to_string(i) + ".md"), ev(i, "Media", "revised"));
    touch_later(dir / ("tl/e" + std::to_string(i) + ".md"));
  }
  for (int i = 30; i < 40; ++i)
    write_file(dir / ("tl/e" + std::to_string(i) + ".md"), ev(i, "Police", "added"));
  for (int i = 21; i < 30; ++i) std::filesystem::remove(dir / ("tl/e" + std::to_string(i) + ".md"));

  std::atomic<bool> done{false};
  std::set<std::size_t> seen;
  std::thread reader([&] {
    Searcher s(dir / "db");
    while (!done) seen.insert(count(s, "revised OR added OR original"));
  });
  IndexOptions options;
  options.db_path = dir / "db";
  options.transaction_limit = 4;
  IndexSummary summary;
  try {
    summary = index_paths({dir / "tl"}, options);
  } catch (...) {
    done = true;
    reader.join();
    throw;
  }
  done = true;
  reader.join();
  CHECK(summary.updated == 10);
  CHECK(summary.added == 10);
  CHECK(summary.removed == 9);
  CHECK(summary.unchanged == 11);
  CHECK(summary.documents == 31);
  for (auto n : seen) CHECK((n == 30 || n == 31));

  // A new generation replaced the old one, which is gone.
  const std::string after = schema::stub_generation((dir / "db").string());
  CHECK(after != before);
  CHECK(!std::filesystem::exists(dir / "db" / before));
  CHECK(std::filesystem::exists(dir / "db" / after));

  Searcher s(dir / "db");
  CHECK(count(s, "revised") == 10);
  CHECK(count(s, "added") == 10);
  CHECK(count(s, "original") == 11);
  CHECK(count(s, "") == 31);
  SearchRequest all;
  const SearchResult copied = s.search(all);
  using Counts = std::map<std::string, std::size_t>;
  CHECK(facet_counts(copied, "lanes") == Counts{{"Courts", 11}, {"Media", 10}, {"Police", 10}});
  Counts actors = facet_counts(copied, "actors");

  // The next small run updates the copy in place, and a rebuild counts the same.
  write_file(dir / "tl/e40.md", ev(40, "Schools", "later"));
  Run small = index(dir / "db", {dir / "tl"});
  CHECK(small.summary.added == 1);
  CHECK(schema::stub_generation((dir / "db").string()) == after);
  IndexOptions force;
  force.db_path = dir / "db";
  force.force = true;
  index_paths({dir / "tl"}, force);
  Searcher rebuilt(dir / "db");
  CHECK(facet_counts(rebuilt.search(all), "lanes") ==
        Counts{{"Courts", 11}, {"Media", 10}, {"Police", 10}, {"Schools", 1}});
  ++actors["Actor 1"];  // e40's
  CHECK(facet_counts(rebuilt.search(all), "actors") == actors);
}

// A million events spend minutes after the last file is read (merging the
// parts, or copying the index for a large update): progress says so.
TEST_CASE("progress reports every step of a run, in order", "[indexer][progress]") {
  TempDir dir;
  for (int i = 0; i < 12; ++i)
    write_file(dir / ("tl/e" + std::to_string(i) + ".md"),
               simple("e" + std::to_string(i), "Event " + std::to_string(i)));
  auto run = [&](std::size_t limit) {
    std::vector<IndexProgress> steps;
    IndexOptions options;
    options.db_path = dir / "db";
    options.transaction_limit = limit;
    options.on_progress = [&](const IndexProgress& p) { steps.push_back(p); };
    index_paths({dir / "tl"}, options);
    REQUIRE(!steps.empty());
    // Phases only move forward: copying, reading, merging, saving.
    auto rank = [](IndexPhase phase) {
      switch (phase) {
        case IndexPhase::kCopying: return 0;
        case IndexPhase::kReading: return 1;
        case IndexPhase::kMerging: return 2;
        case IndexPhase::kSaving: return 3;
      }
      return -1;
    };
    for (std::size_t i = 1; i < steps.size(); ++i)
      CHECK(rank(steps[i - 1].phase) <= rank(steps[i].phase));
    return steps;
  };
  auto phases = [](const std::vector<IndexProgress>& steps) {
    std::set<IndexPhase> seen;
    for (const auto& step : steps) seen.insert(step.phase);
    return seen;
  };

  // A first run builds parts and merges them, table by table.
  auto first = run(10000);
  CHECK(phases(first) ==
        std::set<IndexPhase>{IndexPhase::kReading, IndexPhase::kMerging, IndexPhase::kSaving});
  std::set<std::string> tables;
  for (const auto& step : first) {
    if (step.phase == IndexPhase::kMerging) tables.insert(step.table);
    if (step.phase != IndexPhase::kReading) {
      // Later steps carry the files' final count.
      CHECK(step.files_done == 12);
      CHECK(step.files_total == 12);
    }
  }
  CHECK(tables.count("postlist") == 1);
  CHECK(tables.count("position") == 1);
  CHECK(first.back().phase == IndexPhase::kSaving);

  // A small update in place: reading, then saving.
  write_file(dir / "tl/e12.md", simple("e12", "Event 12"));
  auto small = run(10000);
  CHECK(phases(small) == std::set<IndexPhase>{IndexPhase::kReading, IndexPhase::kSaving});

  // An update past the transaction limit copies the index first, byte
  // counts growing to the whole index.
  for (int i = 0; i < 5; ++i) {
    write_file(dir / ("tl/e" + std::to_string(i) + ".md"),
               simple("e" + std::to_string(i), "Edited " + std::to_string(i)));
    touch_later(dir / ("tl/e" + std::to_string(i) + ".md"));
  }
  auto large = run(2);
  CHECK(phases(large) ==
        std::set<IndexPhase>{IndexPhase::kCopying, IndexPhase::kReading, IndexPhase::kSaving});
  std::uintmax_t copied = 0, total = 0;
  for (const auto& step : large) {
    if (step.phase != IndexPhase::kCopying) continue;
    CHECK(step.bytes_done >= copied);
    CHECK(step.bytes_done <= step.bytes_total);
    copied = step.bytes_done;
    total = step.bytes_total;
  }
  CHECK(total > 0);
  CHECK(copied == total);

  // Nothing changed: nothing to save.
  auto none = run(10000);
  CHECK(phases(none) == std::set<IndexPhase>{IndexPhase::kReading});
}

TEST_CASE("the index revision changes at every run that commits, rebuilds included",
          "[indexer][stats]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  write_file(dir / "tl/b.md", simple("b", "Beta"));
  index(dir / "db", {dir / "tl"});
  Searcher s(dir / "db");
  std::set<std::string> seen{s.stats().revision};
  auto run = [&](bool force) {
    IndexOptions options;
    options.db_path = dir / "db";
    options.force = force;
    index_paths({dir / "tl"}, options);
    const std::string revision = s.stats().revision;
    INFO(revision);
    CHECK(seen.insert(revision).second);  // never seen before
  };
  write_file(dir / "tl/c.md", simple("c", "Gamma"));
  run(false);
  run(true);  // a new generation, whose own revision starts again
  run(true);
  write_file(dir / "tl/d.md", simple("d", "Delta"));
  run(false);
  // Nothing changed: the same revision.
  const std::string before = s.stats().revision;
  index(dir / "db", {dir / "tl"});
  CHECK(s.stats().revision == before);
}

TEST_CASE("any run removes what a killed rebuild left in the index folder",
          "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  index(dir / "db", {dir / "tl"});
  const std::string live = tlsearch::test::read_file(dir / "db" / schema::kStubFile);
  // What a SIGKILL during a rebuild leaves: the next generation's build
  // folder, as large as the index, and maybe a finished older generation.
  write_file(dir / "db/g7.build/s0-0/postlist.glass", std::string(4096, 'x'));
  std::filesystem::create_directories(dir / "db/g0");
  write_file(dir / "db/notes.txt", "mine");  // not tlsearch's: never touched
  // An incremental run with nothing to do cleans up all the same.
  CHECK(index(dir / "db", {dir / "tl"}).summary.unchanged == 1);
  CHECK(!std::filesystem::exists(dir / "db/g7.build"));
  CHECK(!std::filesystem::exists(dir / "db/g0"));
  CHECK(std::filesystem::exists(dir / "db/notes.txt"));
  CHECK(tlsearch::test::read_file(dir / "db" / schema::kStubFile) == live);
  Searcher s(dir / "db");
  CHECK(count(s, "alpha") == 1);
}

TEST_CASE("skipped files do not make a small timeline rebuild at every run",
          "[indexer][stats]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  write_file(dir / "tl/package.json", "{\"name\": \"site\"}");  // skipped: read every run
  write_file(dir / "tl/t.md", "+++\ntitle = \"T\"\n+++\n");      // skipped, with a warning
  index(dir / "db", {dir / "tl"});
  Searcher s(dir / "db");
  const std::string first = s.stats().revision;
  for (int run = 0; run < 2; ++run) {
    const Run again = index(dir / "db", {dir / "tl"});
    CHECK(again.summary.unchanged == 1);
    CHECK(again.summary.skipped == 2);
  }
  CHECK(s.stats().revision == first);  // nothing changed: no new generation
}

// A file past the size limit is an error at every run, but it is never
// read, so it does not count as most of the folder's bytes changing.
TEST_CASE("a file too large to read does not rebuild the index at every run",
          "[indexer][errors]") {
  TempDir dir;
  write_file(dir / "tl/a.md", simple("a", "Alpha"));
  write_file(dir / "tl/b.md", simple("b", "Beta"));
  write_file(dir / "tl/huge.md", simple("huge", "Huge", std::string(3 << 20, 'x')));
  IndexOptions options;
  options.db_path = dir / "db";
  options.limits.max_file_bytes = 1 << 20;
  std::size_t errors = 0;
  options.on_diagnostic = [&](const Diagnostic& d) { errors += d.severity == Severity::kError; };
  REQUIRE(index_paths({dir / "tl"}, options).added == 2);
  CHECK(errors == 1);
  const std::string generation = schema::stub_generation((dir / "db").string());
  Searcher s(dir / "db");
  const std::string revision = s.stats().revision;
  for (int run = 0; run < 2; ++run) {
    errors = 0;
    const IndexSummary again = index_paths({dir / "tl"}, options);
    CHECK(again.unchanged == 2);
    CHECK(again.errors == 1);
    CHECK(errors == 1);
  }
  CHECK(schema::stub_generation((dir / "db").string()) == generation);
  CHECK(s.stats().revision == revision);
}

TEST_CASE("skipped files are known by their stamp, not read again at every run",
          "[indexer][stats]") {
  TempDir dir;
  for (int i = 0; i < 20; ++i)
    write_file(dir / "tl" / ("d" + std::to_string(i)) / "e.md",
               simple("e" + std::to_string(i), "Event"));
  for (int i = 0; i < 250; ++i)  // a README in every folder, and more
    write_file(dir / "tl" / ("d" + std::to_string(i)) / "README.md", "# Notes\n");
  // A large JSON that is no event (package-lock.json): over 1 MiB.
  write_file(dir / "tl/package-lock.json",
             "{\"name\": \"x\", \"pad\": \"" + std::string(1500000, 'a') + "\"}");
  write_file(dir / "other/o.md", simple("o", "Other"));
  write_file(dir / "other/README.md", "# Other notes\n");
  index(dir / "db", {dir / "tl"});
  index(dir / "db", {dir / "other"});
  Searcher s(dir / "db");
  const std::string first = s.stats().revision;
  for (int run = 0; run < 2; ++run) {
    const Run again = index(dir / "db", {dir / "tl"});
    CHECK(again.summary.unchanged == 20);
    CHECK(again.summary.skipped == 251);  // still counted, by their reasons
    CHECK(again.summary.added + again.summary.updated + again.summary.removed == 0);
  }
  CHECK(s.stats().revision == first);
  // The other folder's skipped file is still known to its own run.
  CHECK(index(dir / "db", {dir / "other"}).summary.skipped == 1);
  CHECK(s.stats().revision == first);
  // A skipped file that gains front matter is read and indexed.
  write_file(dir / "tl/d3/README.md", simple("readme", "Now an event"));
  touch_later(dir / "tl/d3/README.md");
  const Run changed = index(dir / "db", {dir / "tl"});
  CHECK(changed.summary.added == 1);
  CHECK(changed.summary.skipped == 250);
  CHECK(count(s, "id:readme") == 1);
}
