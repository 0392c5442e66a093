// The benchmark's own driver: the SQLite FTS5 baseline (index, incremental
// update, in-process queries, one-shot search) and in-process tlsearch
// queries over the same query mix. bench/run calls it; see bench/README.md.
//
// The FTS5 baseline is meant to be a fair, careful peer, not a straw man:
// it reads files with tlsearch's own event reader (so parse cost is equal,
// on the same number of threads), inserts in one transaction with prepared
// statements, indexes the same text (title weighted like tlsearch's, body,
// description, notes, location, actors, source titles and outlets) with
// porter stemming, keeps actors/tags/lanes in side tables with covering
// indexes, and counts every facet exactly with GROUP BY over all matches.
//
//   tlbench fts5-index DB FOLDER          full index, or incremental update
//   tlbench fts5-query DB MIXFILE REPS    in-process latencies (JSON)
//   tlbench fts5-search DB QUERY          one search, JSON, like tlsearch --json
//   tlbench tlsearch-query DB MIXFILE REPS
//
// MIXFILE lines: `class<TAB>query<TAB>lane filter (may be empty)`.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "tlsearch/event.h"
#include "tlsearch/normalize.h"
#include "tlsearch/searcher.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::cerr << "tlbench: " << message << "\n";
  std::exit(2);
}

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) die(sqlite3_errmsg(db_));
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
      die(std::string(err ? err : "?") + " in: " + sql);
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql) {
    if (sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                           &st_, nullptr) != SQLITE_OK)
      die(std::string(sqlite3_errmsg(db.get())) + " in: " + sql);
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, long long v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) die(sqlite3_errmsg(sqlite3_db_handle(st_)));
    return false;
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  long long integer(int col) { return sqlite3_column_int64(st_, col); }
  std::string text(int col) {
    auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  }

 private:
  sqlite3_stmt* st_ = nullptr;
};

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS events(
  rowid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INT, mtime INT,
  id TEXT, title TEXT, date TEXT, sortdate INT, year INT, importance INT,
  status TEXT, type TEXT, body TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  title, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS lanes(event INT, key TEXT, label TEXT);
CREATE TABLE IF NOT EXISTS actors(event INT, key TEXT, label TEXT);
CREATE TABLE IF NOT EXISTS tags(event INT, key TEXT, label TEXT);
CREATE INDEX IF NOT EXISTS lanes_event ON lanes(event, key);
CREATE INDEX IF NOT EXISTS lanes_key ON lanes(key, event);
CREATE INDEX IF NOT EXISTS actors_event ON actors(event, key);
CREATE INDEX IF NOT EXISTS actors_key ON actors(key, event);
CREATE INDEX IF NOT EXISTS tags_event ON tags(event, key);
CREATE INDEX IF NOT EXISTS tags_key ON tags(key, event);
)SQL";

struct File {
  std::string path;
  long long size = 0, mtime = 0;
};

std::vector<File> walk(const fs::path& root) {
  std::vector<File> files;
  for (auto it = fs::recursive_directory_iterator(root);
       it != fs::recursive_directory_iterator(); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory()) {
      if (!name.empty() && name[0] == '.') it.disable_recursion_pending();
      continue;
    }
    if (name.empty() || name[0] == '.' || !tlsearch::event_format_for(it->path())) continue;
    struct stat st;
    std::string path = fs::absolute(it->path()).lexically_normal().string();
    if (::stat(path.c_str(), &st) != 0) continue;
    files.push_back({path, static_cast<long long>(st.st_size),
                     static_cast<long long>(st.st_mtim.tv_sec) * 1000000000 +
                         st.st_mtim.tv_nsec});
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.path < b.path; });
  return files;
}

// The text tlsearch indexes besides the title, in the same order.
std::string body_of(const tlsearch::Event& e) {
  std::string body = e.body_text;
  auto add = [&](const std::string& s) {
    if (!s.empty()) body.append("\n").append(s);
  };
  add(e.description);
  add(e.notes);
  add(e.location);
  for (const auto& a : e.actors) add(a);
  for (const auto& s : e.sources) {
    add(s.title);
    add(s.outlet);
  }
  return body;
}

int fts5_index(const std::string& db_path, const fs::path& folder) {
  auto t0 = std::chrono::steady_clock::now();
  Db db(db_path);
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  db.exec(kSchema);
  std::vector<File> files = walk(folder);
  // Unchanged files are recognised by size and mtime, without reading.
  std::unordered_map<std::string, std::tuple<long long, long long, long long>> known;
  {
    Stmt q(db, "SELECT path, size, mtime, rowid FROM events");
    while (q.step()) known[q.text(0)] = {q.integer(1), q.integer(2), q.integer(3)};
  }
  std::vector<const File*> changed;
  std::set<std::string> seen;
  for (const auto& f : files) {
    seen.insert(f.path);
    auto it = known.find(f.path);
    if (it == known.end() || std::get<0>(it->second) != f.size ||
        std::get<1>(it->second) != f.mtime)
      changed.push_back(&f);
  }
  db.exec("BEGIN");
  Stmt del_event(db, "DELETE FROM events WHERE rowid = ?");
  Stmt del_fts(db, "DELETE FROM fts WHERE rowid = ?");
  Stmt del_lanes(db, "DELETE FROM lanes WHERE event = ?");
  Stmt del_actors(db, "DELETE FROM actors WHERE event = ?");
  Stmt del_tags(db, "DELETE FROM tags WHERE event = ?");
  auto remove = [&](long long rowid) {
    for (Stmt* s : {&del_event, &del_fts, &del_lanes, &del_actors, &del_tags}) {
      s->bind(1, rowid);
      s->run();
    }
  };
  std::size_t removed = 0;
  for (const auto& [path, entry] : known) {
    if (!seen.count(path)) {
      remove(std::get<2>(entry));
      ++removed;
    }
  }
  Stmt ins_event(db,
                 "INSERT INTO events(path, size, mtime, id, title, date, sortdate, "
                 "year, importance, status, type, body) "
                 "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  Stmt ins_fts(db, "INSERT INTO fts(rowid, title, body) VALUES(?,?,?)");
  Stmt ins_lane(db, "INSERT INTO lanes(event, key, label) VALUES(?,?,?)");
  Stmt ins_actor(db, "INSERT INTO actors(event, key, label) VALUES(?,?,?)");
  Stmt ins_tag(db, "INSERT INTO tags(event, key, label) VALUES(?,?,?)");
  auto insert_values = [](Stmt& st, long long rowid, const std::vector<std::string>& values) {
    std::set<std::string> keys;
    for (const auto& v : values) {
      std::string key = tlsearch::facet_key(v);
      if (key.empty() || !keys.insert(key).second) continue;
      st.bind(1, rowid).bind(2, key).bind(3, tlsearch::display_label(v));
      st.run();
    }
  };
  // Parse on every core, in batches, with tlsearch's own reader; one writer.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr std::size_t kBatch = 512;
  std::size_t added = 0, errors = 0;
  for (std::size_t start = 0; start < changed.size(); start += kBatch) {
    std::size_t end = std::min(changed.size(), start + kBatch);
    std::vector<tlsearch::ParseResult> parsed(end - start);
    auto work = [&](unsigned t) {
      for (std::size_t i = start + t; i < end; i += threads)
        parsed[i - start] = tlsearch::parse_event_file(changed[i]->path, {});
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (std::size_t i = start; i < end; ++i) {
      const File& f = *changed[i];
      auto old = known.find(f.path);
      if (old != known.end()) remove(std::get<2>(old->second));
      auto& r = parsed[i - start];
      if (r.status != tlsearch::ParseStatus::kOk || !r.event) {
        ++errors;
        continue;
      }
      const tlsearch::Event& e = *r.event;
      ins_event.bind(1, f.path).bind(2, f.size).bind(3, f.mtime).bind(4, e.id)
          .bind(5, e.title).bind(6, e.date.text);
      if (e.date.has_year())
        ins_event.bind(7, static_cast<long long>(e.date.sort_key()))
            .bind(8, static_cast<long long>(e.date.year));
      else
        ins_event.bind_null(7).bind_null(8);
      if (e.importance) ins_event.bind(9, static_cast<long long>(*e.importance));
      else ins_event.bind_null(9);
      ins_event.bind(10, tlsearch::facet_key(e.status)).bind(11, tlsearch::facet_key(e.type))
          .bind(12, e.body_markdown);
      ins_event.run();
      long long rowid = sqlite3_last_insert_rowid(db.get());
      ins_fts.bind(1, rowid).bind(2, e.title).bind(3, body_of(e));
      ins_fts.run();
      insert_values(ins_lane, rowid, e.lanes);
      insert_values(ins_actor, rowid, e.actors);
      insert_values(ins_tag, rowid, e.tags);
      ++added;
    }
  }
  db.exec("COMMIT");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << json{{"files", files.size()}, {"indexed", added}, {"removed", removed},
                    {"errors", errors}, {"seconds", seconds}}
                   .dump()
            << "\n";
  return 0;
}

struct MixEntry {
  std::string cls, query, lane;
};

std::vector<MixEntry> read_mix(const std::string& path) {
  std::ifstream in(path);
  if (!in) die("cannot read " + path);
  std::vector<MixEntry> mix;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    MixEntry e;
    std::stringstream ss(line);
    std::getline(ss, e.cls, '\t');
    std::getline(ss, e.query, '\t');
    std::getline(ss, e.lane, '\t');
    mix.push_back(e);
  }
  return mix;
}

// One FTS5 search with what tlsearch returns: exact total, top 10 by BM25
// with the title weighted 4x (tlsearch's wdf factor), snippets, and every
// facet counted exactly over all matches.
class Fts5Searcher {
 public:
  explicit Fts5Searcher(Db& db) : db_(db) {}

  json search(const std::string& query, const std::string& lane) {
    json out;
    std::string key = lane.empty() ? std::string() : tlsearch::facet_key(lane);
    // The match set once, in a temp table all the counts read.
    db_.exec("DROP TABLE IF EXISTS temp.m; CREATE TEMP TABLE m(rowid INTEGER PRIMARY KEY)");
    {
      Stmt fill(db_, lane.empty()
                         ? "INSERT INTO m SELECT rowid FROM fts WHERE fts MATCH ?1"
                         : "INSERT INTO m SELECT rowid FROM fts WHERE fts MATCH ?1 "
                           "AND rowid IN (SELECT event FROM lanes WHERE key = ?2)");
      fill.bind(1, query);
      if (!lane.empty()) fill.bind(2, key);
      fill.run();
    }
    {
      Stmt total(db_, "SELECT count(*) FROM m");
      total.step();
      out["total"] = total.integer(0);
    }
    {
      Stmt top(db_,
               std::string("SELECT e.id, e.title, e.date, "
                           "snippet(fts, 1, '<mark>', '</mark>', '…', 32) "
                           "FROM fts JOIN events e ON e.rowid = fts.rowid "
                           "WHERE fts MATCH ?1 ") +
                   (lane.empty() ? "" : "AND fts.rowid IN (SELECT rowid FROM m) ") +
                   "ORDER BY bm25(fts, 4.0, 1.0) LIMIT 10");
      top.bind(1, query);
      json hits = json::array();
      while (top.step())
        hits.push_back({{"id", top.text(0)}, {"title", top.text(1)},
                        {"date", top.text(2)}, {"snippet", top.text(3)}});
      out["hits"] = hits;
    }
    json facets;
    auto side = [&](const char* name, const char* table) {
      // Disjunctive like tlsearch: the lane facet ignores the lane filter.
      bool own = lane.size() && std::strcmp(name, "lanes") == 0;
      std::string sql =
          std::string("SELECT key, min(label), count(*) AS n FROM ") + table +
          " WHERE event IN (" +
          (own ? "SELECT rowid FROM fts WHERE fts MATCH ?1" : "SELECT rowid FROM m") +
          ") GROUP BY key ORDER BY n DESC LIMIT 10";
      Stmt st(db_, sql);
      if (own) st.bind(1, query);
      json values = json::array();
      while (st.step()) values.push_back({{"value", st.text(1)}, {"count", st.integer(2)}});
      facets[name] = values;
    };
    side("lanes", "lanes");
    side("actors", "actors");
    side("tags", "tags");
    for (const char* col : {"status", "type", "year", "importance"}) {
      Stmt st(db_, std::string("SELECT ") + col + ", count(*) AS n FROM events " +
                       "WHERE rowid IN (SELECT rowid FROM m) AND " + col +
                       " IS NOT NULL GROUP BY " + col + " ORDER BY n DESC LIMIT 10");
      json values = json::array();
      while (st.step()) values.push_back({{"value", st.text(0)}, {"count", st.integer(1)}});
      facets[col] = values;
    }
    out["facets"] = facets;
    return out;
  }

 private:
  Db& db_;
};

json percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    if (ms.empty()) return 0.0;
    std::size_t i = static_cast<std::size_t>(q * (ms.size() - 1) + 0.5);
    return ms[std::min(i, ms.size() - 1)];
  };
  return json{{"p50", at(0.5)}, {"p95", at(0.95)}, {"p99", at(0.99)}, {"n", ms.size()}};
}

template <typename Fn>
int run_mix(const std::string& mix_path, int reps, Fn search) {
  auto mix = read_mix(mix_path);
  std::map<std::string, std::vector<double>> by_class;
  std::map<std::string, long long> totals;
  std::vector<double> all;
  for (const auto& e : mix) totals[e.cls + ": " + e.query] = search(e);  // warm-up
  for (int r = 0; r < reps; ++r) {
    for (const auto& e : mix) {
      auto t0 = std::chrono::steady_clock::now();
      search(e);
      double ms = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
      by_class[e.cls].push_back(ms);
      all.push_back(ms);
    }
  }
  json out;
  for (auto& [cls, v] : by_class) out["classes"][cls] = percentiles(v);
  out["all"] = percentiles(all);
  out["totals"] = totals;
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 3 && args[0] == "fts5-index") return fts5_index(args[1], args[2]);
  if (args.size() >= 4 && args[0] == "fts5-query") {
    Db db(args[1]);
    Fts5Searcher s(db);
    return run_mix(args[2], std::stoi(args[3]), [&](const MixEntry& e) {
      return s.search(e.query, e.lane)["total"].get<long long>();
    });
  }
  if (args.size() >= 3 && args[0] == "fts5-search") {
    Db db(args[1]);
    Fts5Searcher s(db);
    std::cout << s.search(args[2], args.size() > 3 ? args[3] : "").dump() << "\n";
    return 0;
  }
  if (args.size() >= 4 && args[0] == "tlsearch-query") {
    tlsearch::Searcher searcher(args[1]);
    return run_mix(args[2], std::stoi(args[3]), [&](const MixEntry& e) {
      tlsearch::SearchRequest request;
      request.query = e.query;
      if (!e.lane.empty()) request.lanes = {e.lane};
      return static_cast<long long>(searcher.search(request).total);
    });
  }
  std::cerr << "usage: tlbench fts5-index DB FOLDER | fts5-query DB MIX REPS | "
               "fts5-search DB QUERY [LANE] | tlsearch-query DB MIX REPS\n";
  return 2;
}
