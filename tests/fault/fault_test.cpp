// Concurrency and faults, for real: a long-lived Searcher reading while
// `tlsearch index` processes commit; the write lock; kill -9 of index runs
// at random points; a full disk and a read-only index during a run. After
// each fault the index must pass xapian-check and show exactly the last
// committed state, and the next run must complete it.
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../hostile/process.h"
#include "../test_support.h"
#include "tlsearch/error.h"
#include "tlsearch/searcher.h"

extern char** environ;

namespace tlsearch::test {
namespace {

namespace fs = std::filesystem;
using State = std::map<std::string, std::size_t>;  // tag -> events

// A corpus whose every event carries the tag `r-N` of the round that last
// wrote it, so the tag counts tell which commit a reader sees.
class RoundCorpus {
 public:
  RoundCorpus(fs::path dir, std::size_t files) : dir_(std::move(dir)), round_(files, 0) {
    for (std::size_t i = 0; i < files; ++i) write(i);
  }

  // Rewrites the files in `which` for round `round`.
  void rewrite(const std::vector<std::size_t>& which, int round) {
    for (std::size_t i : which) {
      round_[i] = round;
      write(i);
    }
  }

  State state() const {
    State s;
    for (int r : round_) ++s["r-" + std::to_string(r)];
    return s;
  }

  const fs::path& dir() const { return dir_; }
  std::size_t size() const { return round_.size(); }

 private:
  void write(std::size_t i) {
    write_file(dir_ / ("e" + std::to_string(i) + ".md"),
               "---\ntitle: Event " + std::to_string(i) + "\ndate: 2020-01-01\ntags: [r-" +
                   std::to_string(round_[i]) + "]\n---\nbody words for event " +
                   std::to_string(i) + " in round " + std::to_string(round_[i]) + "\n");
  }

  fs::path dir_;
  std::vector<int> round_;
};

// The tag counts the index shows, and its total.
State indexed_state(Searcher& searcher, std::size_t* total = nullptr) {
  SearchRequest request;
  request.limit = 0;
  request.facet_limit = 100000;
  const SearchResult result = searcher.search(request);
  if (total) *total = result.total;
  State s;
  for (const auto& facet : result.facets)
    if (facet.name == "tags")
      for (const auto& v : facet.values) s[v.value] = v.count;
  return s;
}

std::string describe(const State& s) {
  std::string out;
  for (const auto& [tag, n] : s) out += tag + "=" + std::to_string(n) + " ";
  return out;
}

void require_sound(const fs::path& db) {
  if (!have_xapian_check()) {
    WARN("xapian-check not installed (xapian-tools); index not checked");
    return;
  }
  Output check = xapian_check(db);
  INFO(check.out.substr(0, 2000) << check.err);
  REQUIRE(check.status == 0);
}

Output index(const fs::path& corpus, const fs::path& db,
             const std::vector<std::string>& extra = {}, const std::string& prefix = "") {
  std::vector<std::string> args = {"--db", db.string(), "index", "-q", corpus.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_tlsearch(args, 300, prefix);
}

// Starts `tlsearch --db DB index -q CORPUS` and returns its pid.
pid_t spawn_index(const fs::path& corpus, const fs::path& db,
                  const std::vector<std::string>& extra = {}) {
  const std::string binary = TLSEARCH_BINARY, db_s = db.string(), corpus_s = corpus.string();
  std::vector<char*> argv = {const_cast<char*>(binary.c_str()), const_cast<char*>("--db"),
                             const_cast<char*>(db_s.c_str()), const_cast<char*>("index"),
                             const_cast<char*>("-q"), const_cast<char*>(corpus_s.c_str())};
  for (const auto& arg : extra) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

std::vector<std::size_t> all(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST_CASE("searches during repeated commits never fail and never mix states",
          "[fault]") {
  TempDir dir;
  const std::size_t n = 200;
  RoundCorpus corpus(dir / "corpus", n);
  const fs::path db = dir / "db";
  REQUIRE(index(corpus.dir(), db).status == 0);

  std::mutex mutex;
  std::vector<State> valid = {corpus.state()};
  std::atomic<bool> done{false};
  std::vector<std::string> writer_errors;
  // The writer: real `tlsearch index` processes. Even rounds rewrite every
  // file (a rebuilt generation swapped in), odd rounds half of them (one
  // transaction on the live database).
  std::thread writer([&] {
    for (int round = 1; round <= 12; ++round) {
      std::vector<std::size_t> which = all(round % 2 == 0 ? n : n / 2);
      corpus.rewrite(which, round);
      {
        std::lock_guard<std::mutex> lock(mutex);
        valid.push_back(corpus.state());
      }
      Output o = index(corpus.dir(), db);
      if (o.status != 0) writer_errors.push_back(o.err);
    }
    done = true;
  });

  Searcher searcher(db);
  std::size_t searches = 0, failures = 0, mixed = 0;
  std::string first_problem;
  while (!done) {
    try {
      std::size_t total = 0;
      const State seen = indexed_state(searcher, &total);
      std::lock_guard<std::mutex> lock(mutex);
      const bool ok =
          total == n && std::find(valid.begin(), valid.end(), seen) != valid.end();
      if (!ok && first_problem.empty()) first_problem = describe(seen);
      mixed += ok ? 0 : 1;
    } catch (const Error& e) {
      ++failures;
      if (first_problem.empty()) first_problem = e.what();
    }
    ++searches;
  }
  writer.join();
  INFO("first problem: " << first_problem);
  CHECK(writer_errors.empty());
  CHECK(searches > 20);
  CHECK(failures == 0);
  CHECK(mixed == 0);
  // The long-lived searcher ends on the last commit.
  CHECK(indexed_state(searcher) == corpus.state());
  require_sound(db);
}

TEST_CASE("a second index run gets a clear 'locked' error, or waits when asked",
          "[fault]") {
  TempDir dir;
  RoundCorpus corpus(dir / "corpus", 20);
  const fs::path db = dir / "db";
  REQUIRE(index(corpus.dir(), db).status == 0);
  const std::string holder = std::string(TLSEARCH_LOCK_HOLDER) + " " +
                             shell_quote(db.string()) + " 3 > " +
                             shell_quote((dir / "held").string()) + " &";
  auto hold = [&] {
    fs::remove(dir / "held");
    run_shell(holder);
    for (int i = 0; i < 100 && read_file(dir / "held").find("locked") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(read_file(dir / "held") == "locked\n");
  };

  hold();
  corpus.rewrite({0}, 1);
  Output refused = index(corpus.dir(), db);
  CHECK(refused.status == 2);
  CHECK(refused.err == "tlsearch: index " + db.string() +
                           " is locked by another process (is a `tlsearch index` run "
                           "still going?)\n");
  Output short_wait = index(corpus.dir(), db, {"--wait-lock=1"});
  CHECK(short_wait.status == 2);
  CHECK(short_wait.err.find("is locked by another process") != std::string::npos);
  // Waiting long enough outlasts the holder (3 s) and completes.
  Output waited = index(corpus.dir(), db, {"--wait-lock=60"});
  CHECK(waited.status == 0);
  Searcher searcher(db);
  CHECK(indexed_state(searcher) == corpus.state());

  // Two real runs at once: each completes or is refused as locked, never
  // anything else, and the index ends sound and complete.
  corpus.rewrite(all(20), 2);
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  const std::string cmd = shell_quote(TLSEARCH_BINARY) + " --db " + shell_quote(db.string()) +
                          " index -q " + shell_quote(corpus.dir().string());
  run_shell("(" + cmd + " 2>" + shell_quote(a) + "; echo $? >>" + shell_quote(a) + ") & (" +
            cmd + " 2>" + shell_quote(b) + "; echo $? >>" + shell_quote(b) + ") & wait");
  for (const std::string& out : {read_file(a), read_file(b)}) {
    INFO(out);
    CHECK((out == "0\n" || (out.find("is locked by another process") != std::string::npos &&
                            out.substr(out.size() - 2) == "2\n")));
  }
  CHECK(index(corpus.dir(), db).status == 0);
  CHECK(indexed_state(searcher) == corpus.state());
  require_sound(db);
}

TEST_CASE("kill -9 at random points leaves the last committed index and the next run "
          "completes it",
          "[fault]") {
  TempDir dir;
  const std::size_t n = 1500;
  RoundCorpus corpus(dir / "corpus", n);
  const fs::path db = dir / "db";
  auto started = std::chrono::steady_clock::now();
  REQUIRE(index(corpus.dir(), db, {"--force"}).status == 0);
  const double full_run =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const unsigned seed = std::random_device{}();
  INFO("random seed " << seed << ", a full run takes " << full_run << " s");
  std::mt19937 rng(seed);
  std::size_t old_seen = 0, new_seen = 0;
  for (int round = 1; round <= 20; ++round) {
    const State before = corpus.state();
    // Odd rounds change everything (rebuild and swap), even rounds a tenth:
    // one transaction on the live database, or, every fourth round, more
    // changes than --max-transaction (a copy of the index, swapped in).
    std::vector<std::size_t> which = all(n);
    if (round % 2 == 0) {
      std::shuffle(which.begin(), which.end(), rng);
      which.resize(n / 10);
    }
    corpus.rewrite(which, round);
    const State after = corpus.state();

    const pid_t pid =
        spawn_index(corpus.dir(), db,
                    round % 4 == 0 ? std::vector<std::string>{"--max-transaction", "40"}
                                   : std::vector<std::string>{});
    const auto delay = std::chrono::duration<double>(
        std::uniform_real_distribution<double>(0, full_run * 1.1)(rng));
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    INFO("round " << round << ", killed after " << delay.count() << " s");

    require_sound(db);
    {
      Searcher searcher(db);
      std::size_t total = 0;
      const State seen = indexed_state(searcher, &total);
      INFO("seen " << describe(seen));
      CHECK(total == n);
      const bool is_old = seen == before, is_new = seen == after;
      REQUIRE((is_old || is_new));
      ++(is_old ? old_seen : new_seen);
    }
    Output o = index(corpus.dir(), db);
    INFO(o.err);
    REQUIRE(o.status == 0);
    Searcher searcher(db);
    REQUIRE(indexed_state(searcher) == after);
    require_sound(db);
  }
  WARN(old_seen << " kills left the previous commit, " << new_seen
                << " came after the new one was committed");
  // Generations left by killed rebuilds are cleaned by the next rebuild.
  REQUIRE(index(corpus.dir(), db, {"--force"}).status == 0);
  std::size_t generations = 0;
  for (const auto& e : fs::directory_iterator(db)) generations += e.is_directory() ? 1 : 0;
  CHECK(generations == 1);
}

// A tmpfs mounted for the test, when the test may mount (root in CI).
class SmallFilesystem {
 public:
  SmallFilesystem(const fs::path& at, const std::string& size) : at_(at) {
    fs::create_directories(at);
    mounted_ = ::geteuid() == 0 &&
               run_shell("mount -t tmpfs -o size=" + size + " tmpfs " + shell_quote(at.string()))
                       .status == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) run_shell("umount " + shell_quote(at_.string()));
  }
  bool mounted() const { return mounted_; }
  bool remount(const std::string& mode) {
    return run_shell("mount -o remount," + mode + " " + shell_quote(at_.string())).status == 0;
  }

 private:
  fs::path at_;
  bool mounted_ = false;
};

// Adds files of distinct words, 40 x 100 kB: more than the space left.
void add_big_files(const fs::path& corpus) {
  for (int f = 0; f < 40; ++f) {
    std::string body;
    for (int w = 0; body.size() < 100000; ++w)
      body += "big" + std::to_string(f) + "w" + std::to_string(w) + " ";
    write_file(corpus / ("big" + std::to_string(f) + ".md"),
               "---\ntitle: Big " + std::to_string(f) + "\n---\n" + body + "\n");
  }
}

void remove_big_files(const fs::path& corpus) {
  for (int f = 0; f < 40; ++f) fs::remove(corpus / ("big" + std::to_string(f) + ".md"));
}

// The fault, checked: a clear error (exit 2, naming the index), the
// previous index intact and sound, and a complete run once it is gone.
void check_refused_then_recovered(const Output& o, const fs::path& db, const State& before,
                                  const std::string& cause, const std::function<void()>& heal,
                                  const RoundCorpus& corpus) {
  INFO(o.err);
  CHECK(o.status == 2);
  CHECK(o.err.rfind("tlsearch: ", 0) == 0);
  CHECK(o.err.find(cause) != std::string::npos);
  {
    Searcher searcher(db);
    std::size_t total = 0;
    CHECK(indexed_state(searcher, &total) == before);
    CHECK(total == corpus.size());
  }
  heal();
  // After healing (xapian-check opens tables read/write), before any run.
  require_sound(db);
  Output again = index(corpus.dir(), db);
  INFO(again.err);
  CHECK(again.status == 0);
  Searcher searcher(db);
  CHECK(indexed_state(searcher) == corpus.state());
  require_sound(db);
}

TEST_CASE("a full disk is a clear error and leaves the previous index intact", "[fault]") {
  TempDir dir;
  RoundCorpus corpus(dir / "corpus", 100);

  SECTION("a 3 MB tmpfs fills up") {
    SmallFilesystem small(dir / "mnt", "3m");
    if (!small.mounted()) {
      WARN("cannot mount a tmpfs here (not root?); the file-size limit case covers this");
      return;
    }
    const fs::path db = dir / "mnt" / "db";
    REQUIRE(index(corpus.dir(), db).status == 0);
    const State before = corpus.state();
    // In place (one transaction), through a copy of the index, rebuilding.
    const std::vector<std::vector<std::string>> ways = {
        {}, {"--max-transaction", "10"}, {"--force"}};
    for (const auto& way : ways) {
      INFO((way.empty() ? std::string("in place") : way[0]));
      add_big_files(corpus.dir());
      Output o = index(corpus.dir(), db, way);
      check_refused_then_recovered(o, db, before, "No space left on device",
                                   [&] { remove_big_files(corpus.dir()); }, corpus);
    }
  }
  SECTION("the file-size limit (RLIMIT_FSIZE) stops a write") {
    const fs::path db = dir / "db";
    REQUIRE(index(corpus.dir(), db).status == 0);
    const State before = corpus.state();
    add_big_files(corpus.dir());
    // 1000 blocks of 512 bytes in dash: tables may not grow past 512 kB.
    Output o = index(corpus.dir(), db, {}, "trap '' XFSZ; ulimit -f 1000;");
    check_refused_then_recovered(o, db, before, "File too large",
                                 [&] { remove_big_files(corpus.dir()); }, corpus);
  }
}

TEST_CASE("a read-only index is a clear error and stays intact", "[fault]") {
  TempDir dir;
  RoundCorpus corpus(dir / "corpus", 100);
  if (::geteuid() == 0) {
    SmallFilesystem small(dir / "mnt", "20m");
    if (!small.mounted()) {
      WARN("root without mount: permissions do not stop root; not tested");
      return;
    }
    const fs::path db = dir / "mnt" / "db";
    REQUIRE(index(corpus.dir(), db).status == 0);
    const State before = corpus.state();
    REQUIRE(small.remount("ro"));
    corpus.rewrite({1, 2, 3}, 1);
    Output o = index(corpus.dir(), db);
    check_refused_then_recovered(o, db, before, "cannot write to index " + db.string() +
                                                    ": Unable to get write lock on",
                                 [&] { REQUIRE(small.remount("rw")); }, corpus);
  } else {
    const fs::path db = dir / "db";
    REQUIRE(index(corpus.dir(), db).status == 0);
    const State before = corpus.state();
    run_shell("chmod -R a-w " + shell_quote(db.string()));
    corpus.rewrite({1, 2, 3}, 1);
    Output o = index(corpus.dir(), db);
    check_refused_then_recovered(o, db, before, "Permission denied",
                                 [&] { run_shell("chmod -R u+w " + shell_quote(db.string())); },
                                 corpus);
  }
}

TEST_CASE("an unreadable folder is an error, and its indexed events stay", "[fault]") {
  TempDir dir;
  RoundCorpus corpus(dir / "corpus", 4);
  const fs::path locked = corpus.dir() / "locked";
  for (int i = 0; i < 2; ++i)
    write_file(locked / ("l" + std::to_string(i) + ".md"),
               "---\ntitle: Locked " + std::to_string(i) +
                   "\ntags: [locked]\n---\nlockedword\n");
  const fs::path db = dir / "db";
  fs::create_directories(db);
  // Root opens a mode-000 folder anyway: the runs are made as nobody then.
  std::string as;
  if (::geteuid() == 0) {
    if (run_shell("command -v setpriv").status != 0) {
      WARN("root without setpriv: permissions do not stop root; not tested");
      return;
    }
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    fs::permissions(dir.path(), fs::perms::all);
    fs::permissions(db, fs::perms::all);
  }
  auto run = [&](std::vector<std::string> args) {
    std::string cmd = as + shell_quote(TLSEARCH_BINARY) + " --db " + shell_quote(db.string()) +
                      " index -q";
    for (const auto& a : args) cmd += " " + shell_quote(a);
    return run_shell(cmd);
  };
  auto events = [&] {
    Searcher searcher(db);
    std::size_t total = 0;
    indexed_state(searcher, &total);
    return total;
  };
  REQUIRE(run({corpus.dir().string()}).status == 0);
  REQUIRE(events() == 6);
  fs::permissions(locked, fs::perms::none);
  // Reported by name, exit 1, and nothing removed: by an incremental run,
  // a rebuild, or the folder (or a file in it) named directly.
  for (bool force : {false, true}) {
    Output o = force ? run({"--force", corpus.dir().string()}) : run({corpus.dir().string()});
    INFO(o.err);
    CHECK(o.status == 1);
    CHECK(o.err.find(locked.string() + ": error: cannot read folder: Permission denied") !=
          std::string::npos);
    CHECK(events() == 6);
  }
  for (const fs::path& input : {locked, locked / "l0.md"}) {
    Output o = run({input.string()});
    INFO(o.err);
    CHECK(o.status == 1);
    CHECK(o.err.find("Permission denied") != std::string::npos);
    CHECK(events() == 6);
  }
  fs::permissions(locked, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  CHECK(run({corpus.dir().string()}).status == 0);
  CHECK(events() == 6);
}

}  // namespace
}  // namespace tlsearch::test
