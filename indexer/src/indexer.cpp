#include "tlsearch/indexer.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "document_builder.h"
#include "facet_dictionary.h"
#include "tlsearch/error.h"
#include "tlsearch/event_json.h"
#include "tlsearch/schema.h"

namespace tlsearch {
namespace {

namespace fs = std::filesystem;

// An event file found by the walk, with its stamp.
struct Candidate {
  std::string path;
  FileStamp stamp;
};

struct Walk {
  std::vector<Candidate> candidates;
  std::vector<Diagnostic> problems;  // files that cannot be read at all
  std::map<std::string, std::size_t> skip_reasons;
  std::vector<std::string> dir_roots;   // folders walked ("/a/b", no slash)
  std::vector<std::string> file_roots;  // files given directly
  // Folders that could not be opened, and files that could not even be
  // looked at: what was indexed from them is kept, as an unreadable file's
  // last version is, not removed.
  std::vector<std::string> unreadable;
  // Inputs that do not exist: deleted since they were indexed (their events
  // are removed, as a walked folder's deleted files are) or mistyped
  // (reported once the index says which).
  std::vector<std::string> missing;
  std::vector<std::string> missing_as_given;  // the same, as typed
  std::size_t inputs = 0;
  std::string index_dir;  // the index's own folder, if inside a walked one
};

Diagnostic file_error(const std::string& path, const std::string& message) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.path = path;
  d.message = message;
  return d;
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

// A file's stamp, by which unchanged files are known without reading them.
FileStamp stamp_of(const struct stat& st) {
  FileStamp stamp;
  stamp.size = static_cast<std::uintmax_t>(st.st_size);
  stamp.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return stamp;
}

// "a, b: no such file or folder": the inputs that name nothing.
Error no_such_inputs(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return Error(ErrorKind::kIo, joined + ": no such file or folder");
}

// Adds `path` as an event file if it is one. Directories are the caller's.
// A hidden file is skipped in a folder, not when it is named (`named`).
void consider_file(const std::string& path, Walk& walk, bool named = false) {
  fs::path p(path);
  std::string name = p.filename().string();
  if (!named && !name.empty() && name[0] == '.') {
    ++walk.skip_reasons["hidden file"];
    return;
  }
  if (!event_format_for(p)) {
    ++walk.skip_reasons["not an event file"];
    return;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    struct stat lst;
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      // Kept if indexed, as an unreadable file is: the link is still there,
      // so the event may come back; deleting the link removes it.
      walk.problems.push_back(file_error(
          path, err == ELOOP ? "symbolic link loop (the indexed version, if any, is kept)"
                             : "broken symbolic link (the indexed version, if any, is kept)"));
      walk.unreadable.push_back(path);
    } else {
      walk.problems.push_back(file_error(path, std::strerror(err)));
      if (err == EACCES) walk.unreadable.push_back(path);
    }
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    walk.problems.push_back(file_error(
        path, std::string("not a regular file (") + file_kind(st.st_mode) + ")"));
    return;
  }
  walk.candidates.push_back({path, stamp_of(st)});
}

// A folder the walk cannot list. The directory iterator, told to skip
// folders it may not open (else the first one would end the whole walk),
// skips them silently; each is checked here first, so it is reported.
bool unreadable_folder(const std::string& path, Walk& walk) {
  if (::faccessat(AT_FDCWD, path.c_str(), R_OK | X_OK, AT_EACCESS) == 0) return false;
  walk.problems.push_back(
      file_error(path, std::string("cannot read folder: ") + std::strerror(errno) +
                           " (what was indexed from it is kept)"));
  walk.unreadable.push_back(path);
  return true;
}

void walk_directory(const fs::path& root, Walk& walk) {
  if (unreadable_folder(root.string(), walk)) return;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    walk.problems.push_back(file_error(root.string(), ec.message()));
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      walk.problems.push_back(file_error(it->path().string(), ec.message()));
      ec.clear();
      continue;
    }
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    std::error_code type_ec;
    bool is_link = entry.is_symlink(type_ec);
    // Symlinked folders are not followed (no loops, no escaping the tree);
    // a real folder is entered unless hidden (.git, .obsidian...).
    if (!is_link && entry.is_directory(type_ec)) {
      if ((!name.empty() && name[0] == '.') || entry.path() == walk.index_dir ||
          unreadable_folder(entry.path().string(), walk))
        it.disable_recursion_pending();
      continue;
    }
    if (is_link && entry.is_directory(type_ec)) {
      ++walk.skip_reasons["symbolic link to a folder (not followed)"];
      continue;
    }
    consider_file(entry.path().string(), walk);
  }
}

Walk walk_inputs(const std::vector<fs::path>& inputs, const fs::path& db_path) {
  Walk walk;
  // An index kept inside the timeline folder is no part of the timeline.
  // Folders are named by their real path (symbolic links resolved), so a
  // timeline reached through a link, or under a linked home folder, is one
  // set of events whichever way it is given. Files keep their own name.
  auto real = [](const fs::path& absolute, bool folder) {
    if (!folder) return fs::path(schema::indexed_file_path(absolute.string()));
    std::error_code ec;
    const fs::path resolved = fs::weakly_canonical(absolute, ec);
    return ec ? absolute : resolved.lexically_normal();
  };
  std::error_code db_ec;
  walk.index_dir = real(fs::absolute(db_path, db_ec).lexically_normal(), true).string();
  while (walk.index_dir.size() > 1 && walk.index_dir.back() == '/') walk.index_dir.pop_back();
  walk.inputs = inputs.size();
  for (const auto& input : inputs) {
    std::error_code ec;
    fs::path absolute = fs::absolute(input, ec).lexically_normal();
    if (ec) throw Error(ErrorKind::kIo, input.string() + ": " + ec.message());
    if (absolute.has_filename() || absolute.has_parent_path())
      absolute = real(absolute, fs::is_directory(absolute, ec));
    std::string text = absolute.string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    auto status = fs::status(absolute, ec);
    if (ec == std::errc::permission_denied) {
      // In a folder that may not be searched: reported, and kept if indexed.
      walk.file_roots.push_back(text);
      walk.problems.push_back(file_error(text, ec.message()));
      walk.unreadable.push_back(text);
      continue;
    }
    if (ec || !fs::exists(status)) {
      walk.missing.push_back(text);
      walk.missing_as_given.push_back(input.string());
      continue;
    }
    if (fs::is_directory(status)) {
      walk.dir_roots.push_back(text);
      walk_directory(text, walk);
    } else {
      walk.file_roots.push_back(text);
      std::size_t before = walk.candidates.size() + walk.problems.size();
      consider_file(text, walk, true);
      // A file named explicitly is never silently ignored.
      if (walk.candidates.size() + walk.problems.size() == before &&
          !event_format_for(absolute)) {
        walk.problems.push_back(file_error(
            text, "not an event file (expected .md, .markdown or .json)"));
        --walk.skip_reasons["not an event file"];
        if (walk.skip_reasons["not an event file"] == 0)
          walk.skip_reasons.erase("not an event file");
      }
    }
  }
  // One file reached twice (two overlapping inputs) is indexed once.
  std::sort(walk.candidates.begin(), walk.candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
  walk.candidates.erase(
      std::unique(walk.candidates.begin(), walk.candidates.end(),
                  [](const Candidate& a, const Candidate& b) {
                    return a.path == b.path;
                  }),
      walk.candidates.end());
  return walk;
}

// Whether an indexed event outside the walked folders is gone for good: its
// folder no longer exists (it was renamed or deleted, so no later run of
// its own could remove it), or it is the same file as one this run indexed
// under its real path (it was indexed through a symbolic link). Other
// folders' events are otherwise left to their folder's own runs, deleted
// files included, and so are those that cannot be looked at.
bool superseded(const std::string& path, const std::set<std::string>& seen) {
  const fs::path p(path);
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) return false;
    return ::lstat(p.parent_path().c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
  }
  const std::string real = schema::indexed_file_path(path);
  return real != path && seen.count(real) > 0;
}

bool under_folder(const std::string& path, const std::string& root) {
  return root == "/" || (path.size() > root.size() &&
                         path.compare(0, root.size(), root) == 0 &&
                         path[root.size()] == '/');
}

// Whether the walk covered `path`, so that its absence means it is gone.
bool under_roots(const std::string& path, const Walk& walk) {
  for (const auto& dir : walk.unreadable)
    if (path == dir || under_folder(path, dir)) return false;
  for (const auto& root : walk.file_roots)
    if (path == root) return true;
  for (const auto& root : walk.dir_roots)
    if (under_folder(path, root)) return true;
  for (const auto& root : walk.missing)
    if (path == root || under_folder(path, root)) return true;
  return false;
}

struct Indexed {
  Xapian::docid docid;
  FileStamp stamp;
};

std::unordered_map<std::string, Indexed> load_indexed(const Xapian::Database& db) {
  std::unordered_map<std::string, Indexed> indexed;
  for (auto it = db.valuestream_begin(schema::kSlotFile);
       it != db.valuestream_end(schema::kSlotFile); ++it) {
    FileStamp stamp;
    std::string path;
    if (decode_file_slot(*it, &stamp, &path))
      indexed[path] = Indexed{it.get_docid(), stamp};
  }
  return indexed;
}

// A file a run skipped, remembered by its stamp (schema::kMetaSkipped).
struct SkippedFile {
  std::string path;
  FileStamp stamp;
  std::string reason;
};

std::unordered_map<std::string, SkippedFile> load_skipped(const Xapian::Database& db) {
  std::unordered_map<std::string, SkippedFile> skipped;
  const std::string text = db.get_metadata(schema::kMetaSkipped);
  if (text.empty()) return skipped;
  const auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) return skipped;  // damaged: the files are read again
  for (const auto& item : list) {
    if (!item.is_array() || item.size() != 4 || !item[0].is_string() ||
        !item[1].is_number_unsigned() || !item[2].is_number_integer() || !item[3].is_string())
      continue;
    SkippedFile file{item[0].get<std::string>(), FileStamp{}, item[3].get<std::string>()};
    file.stamp.size = item[1].get<std::uintmax_t>();
    file.stamp.mtime_ns = item[2].get<std::int64_t>();
    skipped.emplace(file.path, std::move(file));
  }
  return skipped;
}

std::string save_skipped(std::vector<SkippedFile> files) {
  // In path order, so that an unchanged list is unchanged text (and no
  // commit with nothing changed makes a new revision).
  std::sort(files.begin(), files.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : files)
    list.push_back({f.path, f.stamp.size, f.stamp.mtime_ns, f.reason});
  // Paths are bytes, not always UTF-8: replaced, not refused (such a file
  // is then read again at each run, as before).
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The outcome of reading one changed file, prepared off the writer thread.
struct Prepared {
  ParseResult result;
  std::optional<Xapian::Document> document;
};

// Parses and builds documents for `batch` using up to `threads` threads;
// the spelling words of every document built are added to `spelling`, and
// new facet values to `facets`.
std::vector<Prepared> prepare_batch(const std::vector<const Candidate*>& batch,
                                    const ParseLimits& limits,
                                    unsigned threads, SpellingCounts* spelling,
                                    schema::FacetDictionary& facets) {
  std::vector<Prepared> prepared(batch.size());
  threads = std::max(1u, std::min<unsigned>(threads, batch.size()));
  std::vector<SpellingCounts> words(threads);
  auto work = [&](std::size_t first, std::size_t step) {
    DocumentBuilder builder(facets);
    for (std::size_t i = first; i < batch.size(); i += step) {
      Prepared& out = prepared[i];
      out.result = parse_event_file(batch[i]->path, limits);
      if (out.result.status == ParseStatus::kOk && out.result.event) {
        out.result.event->path = batch[i]->path;
        out.document = builder.build(*out.result.event, batch[i]->stamp,
                                     spelling != nullptr);
      }
    }
    builder.take_spelling(words[first]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
  work(0, threads);
  for (auto& thread : pool) thread.join();
  if (spelling)
    for (auto& counts : words)
      for (const auto& [word, n] : counts) (*spelling)[word] += n;
  return prepared;
}

// False when `db` is a tlsearch index written with another schema version:
// its documents are then worth nothing to this version, and the run builds
// the index again from the files. Throws when `db` is not a tlsearch index.
bool schema_is_current(Xapian::WritableDatabase& db, const std::string& path) {
  std::string version = db.get_metadata(schema::kMetaSchemaVersion);
  if (version.empty()) {
    if (db.get_doccount() != 0)
      throw Error(ErrorKind::kDatabase,
                  path + " is a Xapian database but not a tlsearch index");
    db.set_metadata(schema::kMetaSchemaVersion,
                    std::to_string(schema::kSchemaVersion));
    return true;
  }
  return version == std::to_string(schema::kSchemaVersion);
}

class Run {
 public:
  Run(const IndexOptions& options, IndexSummary& summary)
      : options_(options), summary_(summary) {}

  // Errors are counted per file by the caller; warnings one by one.
  void report(const Diagnostic& d) {
    if (d.severity == Severity::kWarning) summary_.warnings += d.count;
    if (options_.on_diagnostic) options_.on_diagnostic(d);
  }

  void progress(std::size_t done, std::size_t total) {
    files_done_ = done;
    files_total_ = total;
    if (!options_.on_progress) return;
    IndexProgress p;
    p.files_done = done;
    p.files_total = total;
    options_.on_progress(p);
  }

  // A step after the files (copying, merging, saving), reported with the
  // files' last count.
  void step(IndexProgress p) {
    p.files_done = files_done_;
    p.files_total = files_total_;
    if (options_.on_progress) options_.on_progress(p);
  }

 private:
  const IndexOptions& options_;
  IndexSummary& summary_;
  std::size_t files_done_ = 0;
  std::size_t files_total_ = 0;
};

IndexProgress saving_step() {
  IndexProgress p;
  p.phase = IndexPhase::kSaving;
  return p;
}

// Reports each table Xapian's compactor starts merging.
class MergeProgress : public Xapian::Compactor {
 public:
  explicit MergeProgress(Run& run) : run_(run) {}
  void set_status(const std::string& table, const std::string& status) override {
    if (!status.empty()) return;  // the end of a table: the next one says more
    IndexProgress p;
    p.phase = IndexPhase::kMerging;
    p.table = table;
    run_.step(p);
  }

 private:
  Run& run_;
};

// Warns about each touched event whose id another indexed event also uses.
void check_duplicate_ids(Xapian::WritableDatabase& db,
                         const std::vector<std::pair<std::string, std::string>>& touched,
                         Run& run, IndexSummary& summary) {
  for (const auto& [id, path] : touched) {
    std::string key = schema::id_key(id);
    if (key.empty()) continue;
    std::string term = schema::boolean_term(schema::kId, key);
    if (db.get_termfreq(term) < 2) continue;
    std::vector<std::string> others;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      FileStamp stamp;
      std::string other;
      if (decode_file_slot(db.get_document(*it).get_value(schema::kSlotFile),
                           &stamp, &other) &&
          other != path)
        others.push_back(other);
    }
    if (others.empty()) continue;
    ++summary.duplicate_ids;
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.path = path;
    d.message = "duplicate id '" + id + "' (also used by " + others.front() +
                (others.size() > 1
                     ? " and " + std::to_string(others.size() - 1) + " more"
                     : std::string()) +
                (others.size() > 1 ? "); all " + std::to_string(others.size() + 1) +
                                         " stay searchable"
                                   : std::string("); both stay searchable"));
    run.report(d);
  }
}


// ---- Generations -------------------------------------------------------------
// An index folder holds a Xapian stub file and one database per generation:
// `db/XAPIANDB` reads "glass gN" and `db/gN/` is the database (Xapian opens a
// folder holding XAPIANDB through the stub, for reading and writing). A big
// run builds generation N+1 beside the live one with periodic commits, so
// its memory is bounded, then renames a new stub over the old one: readers
// see the old index or the new one, never a mix, and a killed run leaves the
// old one. Xapian's own compactor swaps stub folders the same way. Folders
// written by older versions (a database directly in `db/`) are converted at
// their first rebuild.
using schema::kStubFile;
// Documents per shard between commits during a rebuild: bounds the memory of
// Xapian's in-memory posting buffers (and makes flushing cheaper: a smaller
// buffer is friendlier to the cache than one holding a whole run). Measured
// on the real corpus, one thread, seconds of Xapian writes: 100 docs 4.7,
// 300 docs 4.3, 1,000 docs 5.2, 3,000 docs 6.5.
constexpr unsigned kRebuildFlushDocs = 300;
// ... or fewer, once their files add up to this many bytes (or their new
// spelling words to kMaxPendingSpelling). Events are a few KB, so this does
// not cut a batch of real ones short; it bounds what
// documents built from huge files hold in memory before they are written (a
// 1 MB body of distinct words builds a document of about 60 MB).
constexpr std::uintmax_t kFlushBytes = 2u << 20;
// Documents in one part of a rebuild's shard: each part is a fresh database,
// and the compactor merges them all at the end. Committing into one growing
// database rewrites the last block of every term's posting list at each
// commit, reading it back through the B-tree first; at 1M events that was
// 926 s of system time in a 31-minute run. Xapian's advice for bulk loads.
constexpr std::size_t kDocsPerPart = 20000;

// A run changing most files rebuilds (below), but not a small one: on a
// timeline of three files, two skipped ones (a README, a package.json) are
// read again at every run, as they are never indexed, and rebuilt the index
// each time, a new revision with nothing changed. Below these, one
// transaction holds the changes easily.
constexpr std::size_t kMinRebuildFiles = 200;
constexpr std::uintmax_t kMinRebuildBytes = 1u << 20;
// Bytes of changed files one transaction may hold, beside the number of
// changes (options.transaction_limit): ordinary events take about twice
// their size in Xapian's buffers, a file of 1 MB of distinct words about
// 20 MB.
constexpr std::uintmax_t kMaxTransactionBytes = 32u << 20;
// Distinct spelling words a rebuild's thread may hold before adding them to
// its shard early: about 100 bytes each here, and some 700 more in Xapian
// until the commit (a set entry per fragment of the word). Real corpora
// stay far below it; a corpus of random words reaches it every 100,000.
constexpr std::size_t kMaxPendingSpelling = 100000;

bool has_legacy_database(const fs::path& db) {
  std::error_code ec;
  return fs::exists(db / "iamglass", ec);
}

void sync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Points the stub at `generation` with one atomic rename.
void write_stub(const fs::path& db, const std::string& generation) {
  fs::path tmp = db / (std::string(kStubFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "glass " << generation << "\n";
    out.flush();
    if (!out)
      throw Error(ErrorKind::kDatabase, "cannot write " + tmp.string());
  }
  sync_path(tmp, O_RDONLY);
  if (::rename(tmp.c_str(), (db / kStubFile).c_str()) != 0)
    throw Error(ErrorKind::kDatabase, "cannot replace " +
                                          (db / kStubFile).string() + ": " +
                                          std::strerror(errno));
  sync_path(db, O_RDONLY | O_DIRECTORY);
}

// `g12` or `g12.build`: a folder of tlsearch's own, and nothing else.
bool is_generation_name(const std::string& name) {
  std::string digits = name;
  const std::string build = ".build";
  if (digits.size() > build.size() &&
      digits.compare(digits.size() - build.size(), build.size(), build) == 0)
    digits.resize(digits.size() - build.size());
  return digits.size() > 1 && digits[0] == 'g' &&
         digits.find_first_not_of("0123456789", 1) == std::string::npos;
}

// A new index folder gets the generation layout, with an empty first
// generation, so the live database can be opened (and locked) through the
// stub as usual. Existing folders are left as they are.
void prepare_index_folder(const fs::path& db) {
  std::error_code ec;
  if (fs::exists(db / kStubFile, ec) || has_legacy_database(db)) return;
  // A new index goes into a new or empty folder, never among other files
  // (`--db ~/timeline` by mistake): a rebuild later removes the old
  // generations it finds there. A first run cut short leaves only
  // generations, and hidden files (.DS_Store) are not the user's data.
  if (fs::exists(db, ec)) {
    const std::string own = "; an index needs a folder of its own (new or empty)";
    if (!fs::is_directory(db, ec))
      throw Error(ErrorKind::kUsage, "index path " + db.string() + " is a file" + own);
    for (fs::directory_iterator it(db, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      // The stub another first run renamed into place since the check
      // above: the folder is an index now.
      if (name == kStubFile) return;
      // XAPIANDB.tmp: the stub another first run is writing this moment.
      if (name.empty() || name[0] == '.' || is_generation_name(name) ||
          name == std::string(kStubFile) + ".tmp")
        continue;
      throw Error(ErrorKind::kUsage,
                  "index path " + db.string() + " is a folder that holds other files (" +
                      name + ") and no tlsearch index" + own);
    }
  }
  fs::create_directories(db, ec);
  if (ec) return;  // the open that follows reports the problem
  {
    Xapian::WritableDatabase first((db / schema::kFirstGeneration).string(),
                                   Xapian::DB_CREATE_OR_OPEN);
    // Searches made while the first run builds see an empty index.
    first.set_metadata(schema::kMetaSchemaVersion,
                       std::to_string(schema::kSchemaVersion));
    first.commit();
    // Written while the first generation's lock is held, so that two first
    // runs never write the stub at once (one's rename found the other's
    // temporary file gone, or the other saw it and took the folder for
    // someone else's: found under ASan, where the timing is wider).
    if (!fs::exists(db / kStubFile, ec)) write_stub(db, schema::kFirstGeneration);
  }
}

std::string next_generation(const std::string& current) {
  unsigned long n = 0;
  if (current.size() > 1 && current[0] == 'g')
    n = std::strtoul(current.c_str() + 1, nullptr, 10);
  return "g" + std::to_string(n + 1);
}

// Removes what a rebuild leaves behind: older generations, crashed builds
// and, after a conversion, the files of a database written directly in `db`.
// Only called with the writer lock held, so no other writer uses them.
void remove_stale(const fs::path& db, const std::string& keep) {
  std::error_code ec;
  // iamglass first: from then on the folder opens through the stub.
  fs::remove(db / "iamglass", ec);
  for (fs::directory_iterator it(db, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name == kStubFile || name == keep) continue;
    bool generation = is_generation_name(name);
    bool legacy_file = name == "flintlock" || name == "iamglass" ||
                       (name.size() > 6 && name.compare(name.size() - 6, 6, ".glass") == 0);
    std::error_code rm;
    if (generation || legacy_file) fs::remove_all(it->path(), rm);
  }
}

// A rebuild killed midway (SIGKILL, a power cut) leaves its `gN.build`
// folder, as large as the index, and a crash after the stub was renamed
// the generation before: any run removes them, under the writer lock, so
// they are not left until the next rebuild. Only generation folders: the
// files of a database written directly in the folder (before generations)
// stay until its conversion.
void remove_leftover_generations(const fs::path& db) {
  const std::string live = schema::stub_generation(db.string());
  if (live.empty() || has_legacy_database(db)) return;
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(db, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name != live && is_generation_name(name)) leftovers.push_back(it->path());
  }
  for (const auto& path : leftovers) fs::remove_all(path, ec);
}

// Copies one file, with the system's own reason when it fails (a full disk
// is "No space left on device"; std::filesystem::copy_file says "Input/output
// error"). copy_file_range lets the kernel (or a reflink) do it.
// `copied(n)` is called after each chunk of n bytes.
void copy_file_checked(const fs::path& from, const fs::path& to,
                       const std::function<void(std::uintmax_t)>& copied) {
  auto fail = [&] {
    throw Error(ErrorKind::kDatabase, "cannot copy " + from.string() + " to " + to.string() +
                                          ": " + std::strerror(errno));
  };
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) fail();
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int saved = errno;
    ::close(in);
    errno = saved;
    fail();
  }
  bool kernel = true;
  std::vector<char> buffer;
  while (true) {
    ssize_t n = -1;
    if (kernel) {
      n = ::copy_file_range(in, nullptr, out, nullptr, 64 << 20, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                    errno == EOPNOTSUPP)) {
        kernel = false;
        continue;
      }
    } else {
      buffer.resize(1 << 20);
      n = ::read(in, buffer.data(), buffer.size());
      for (ssize_t written = 0; n > 0 && written < n;) {
        const ssize_t w = ::write(out, buffer.data() + written,
                                  static_cast<std::size_t>(n - written));
        if (w < 0) {
          n = -1;
          break;
        }
        written += w;
      }
    }
    if (n == 0) break;
    if (n > 0) copied(static_cast<std::uintmax_t>(n));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(in);
      ::close(out);
      errno = saved;
      fail();
    }
  }
  ::close(in);
  if (::close(out) != 0) fail();
}

// Copies the files of the live generation `from` into a new folder `to`,
// for an update too large for one transaction. The writer lock is held and
// nothing is uncommitted, so the files are the last commit as it is on disk.
void copy_generation(const fs::path& from, const fs::path& to, Run& run) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec)
    throw Error(ErrorKind::kDatabase, "cannot create " + to.string() + ": " + ec.message());
  std::vector<fs::path> files;
  IndexProgress progress;
  progress.phase = IndexPhase::kCopying;
  for (fs::directory_iterator it(from, ec), end; it != end; it.increment(ec)) {
    if (it->path().filename() == "flintlock") continue;  // the copy gets its own lock
    files.push_back(it->path());
    std::error_code size_ec;
    const std::uintmax_t size = it->file_size(size_ec);
    if (!size_ec) progress.bytes_total += size;
  }
  if (ec)
    throw Error(ErrorKind::kDatabase, "cannot read " + from.string() + ": " + ec.message());
  run.step(progress);
  for (const auto& file : files)
    copy_file_checked(file, to / file.filename(), [&](std::uintmax_t n) {
      progress.bytes_done += n;
      run.step(progress);
    });
}

// Flushes every file of a generation written with DB_NO_SYNC, then the
// folder, before the stub points at it.
void sync_generation(const fs::path& folder) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    sync_path(it->path(), O_RDONLY);
  sync_path(folder, O_RDONLY | O_DIRECTORY);
}

// What a worker learnt about one file, kept until the end of the run so that
// diagnostics are reported in walk order.
struct Outcome {
  ParseStatus status = ParseStatus::kError;
  std::vector<Diagnostic> diagnostics;
  std::string skip_reason;
  bool preserve_old = false;  // copy the indexed version (file now unreadable)
};

// Warns about every event sharing its id with another (a rebuild touched
// them all, so every id is checked by scanning the id terms).
void check_all_duplicate_ids(const Xapian::Database& db, Run& run,
                             IndexSummary& summary) {
  const std::string prefix = schema::kId;
  for (auto term = db.allterms_begin(prefix); term != db.allterms_end(prefix);
       ++term) {
    if (term.get_termfreq() < 2) continue;
    std::vector<std::string> paths;
    for (auto it = db.postlist_begin(*term); it != db.postlist_end(*term); ++it) {
      FileStamp stamp;
      std::string path;
      if (decode_file_slot(db.get_document(*it).get_value(schema::kSlotFile),
                           &stamp, &path))
        paths.push_back(path);
    }
    std::string id = schema::term_key(*term, prefix);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const std::string& other = paths[i == 0 ? 1 : 0];
      ++summary.duplicate_ids;
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.path = paths[i];
      d.message = "duplicate id '" + id + "' (also used by " + other +
                  (paths.size() > 2
                       ? " and " + std::to_string(paths.size() - 2) + " more"
                       : std::string()) +
                  (paths.size() > 2 ? "); all " + std::to_string(paths.size()) +
                                          " stay searchable"
                                    : std::string("); both stay searchable"));
      run.report(d);
    }
  }
}

// Everything the two ways of updating share.
struct RunState {
  const IndexOptions& options;
  Run& run;
  IndexSummary& summary;
  Walk& walk;
  const std::unordered_map<std::string, Indexed>& indexed;
  std::map<std::string, std::size_t>& skip_reasons;
  // Skipped files to remember: those known before, and this run's.
  std::vector<SkippedFile>& skipped;
};

// Builds a new generation from every candidate and swaps it in. Files are
// split into one contiguous range per thread; each thread parses, builds and
// writes its own shard (Xapian has one writer per database) as a series of
// part databases, and Xapian's compactor merges all parts into the new
// generation.
void rebuild(RunState& state, Xapian::WritableDatabase& live,
             const std::vector<bool>& is_changed) {
  const fs::path db_dir = state.options.db_path;
  const bool legacy = has_legacy_database(db_dir);
  const std::string generation =
      next_generation(legacy ? std::string() : schema::stub_generation(db_dir.string()));
  const fs::path target = db_dir / generation;
  const fs::path work = db_dir / (generation + ".build");
  std::error_code ec;
  fs::remove_all(target, ec);
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);

  const auto& candidates = state.walk.candidates;
  const std::size_t n = candidates.size();
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(threads, n / 64)));
  std::vector<Outcome> outcomes(n);
  // Each thread writes its range into parts of at most kDocsPerPart
  // documents, each a fresh database, in file order.
  std::vector<std::vector<std::string>> parts(threads);

  // The new generation's facet ids, shared by the threads: it only holds
  // the values its documents use.
  schema::FacetDictionary facets;
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::exception_ptr> errors(threads);
  auto worker = [&](unsigned t) {
    try {
      DocumentBuilder builder(facets);
      std::optional<Xapian::WritableDatabase> part;
      std::size_t in_part = 0;
      auto close_part = [&] {
        if (!part) return;
        part->commit();
        part->close();
        part.reset();
      };
      // Documents are built a batch at a time, then written together: the
      // parser's and Xapian's working sets then take turns in the cache
      // instead of evicting each other at every event (9.6 s instead of
      // 11.8 s of CPU for the real corpus on one thread).
      std::vector<Xapian::Document> batch;
      batch.reserve(kRebuildFlushDocs);
      std::uintmax_t batch_bytes = 0;
      auto write_batch = [&] {
        batch_bytes = 0;
        if (part && in_part >= kDocsPerPart) close_part();
        if (!part) {
          std::string path = (work / ("s" + std::to_string(t) + "-" +
                                      std::to_string(parts[t].size())))
                                 .string();
          part.emplace(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
          parts[t].push_back(path);
          in_part = 0;
        }
        for (const auto& doc : batch) part->add_document(doc);
        in_part += batch.size();
        batch.clear();
        // Spelling words wait for the end of the thread, so each is added
        // once, unless an unusual vocabulary makes them too many. Those
        // then end the part: adding more to a part's spelling table would
        // rewrite its ever longer fragment lists at each commit (quadratic),
        // where the compactor merges the parts' lists once.
        if (builder.spelling_words() > kMaxPendingSpelling) {
          builder.flush_spelling(*part);
          close_part();
          return;
        }
        part->commit();
      };
      const std::size_t first = n * t / threads, last = n * (t + 1) / threads;
      for (std::size_t i = first; i < last && !failed; ++i) {
        const Candidate& candidate = candidates[i];
        ParseResult result = parse_event_file(candidate.path, state.options.limits);
        Outcome& out = outcomes[i];
        out.status = result.status;
        out.skip_reason = std::move(result.skip_reason);
        if (result.status == ParseStatus::kOk && result.event) {
          result.event->path = candidate.path;
          batch.push_back(builder.build(*result.event, candidate.stamp,
                                        state.options.spelling));
          batch_bytes += candidate.stamp.size;
          if (batch.size() >= kRebuildFlushDocs || batch_bytes >= kFlushBytes ||
              builder.spelling_words() > kMaxPendingSpelling)
            write_batch();
        } else if (state.indexed.count(candidate.path)) {
          out.preserve_old = result.status == ParseStatus::kError ||
                             !is_changed[i];
        }
        out.diagnostics = std::move(result.diagnostics);
        ++done;
        if (t == 0 && i % 64 == 0)
          state.run.progress(done, n);
      }
      if (!batch.empty()) write_batch();
      if (part) builder.flush_spelling(*part);
      close_part();
    } catch (...) {
      errors[t] = std::current_exception();
      failed = true;
    }
  };
  {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& thread : pool) thread.join();
  }
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
  state.run.progress(n, n);

  // Report in walk order; keep what must survive from the live index.
  std::set<std::string> seen;
  std::vector<Xapian::docid> keep;
  for (std::size_t i = 0; i < n; ++i) {
    const Candidate& candidate = candidates[i];
    Outcome& out = outcomes[i];
    seen.insert(candidate.path);
    auto old = state.indexed.find(candidate.path);
    bool was_indexed = old != state.indexed.end();
    if (out.preserve_old) keep.push_back(old->second.docid);
    if (!is_changed[i]) continue;  // counted as unchanged, reported before
    for (const auto& d : out.diagnostics) state.run.report(d);
    switch (out.status) {
      case ParseStatus::kOk:
        ++(was_indexed ? state.summary.updated : state.summary.added);
        break;
      case ParseStatus::kSkipped: {
        const std::string reason =
            out.skip_reason.empty() ? std::string("not an event") : out.skip_reason;
        ++state.summary.skipped;
        ++state.skip_reasons[reason];
        state.skipped.push_back({candidate.path, candidate.stamp, reason});
        if (was_indexed) ++state.summary.removed;
        break;
      }
      case ParseStatus::kError:
        ++state.summary.errors;
        if (out.diagnostics.empty())
          state.run.report(file_error(candidate.path, "cannot read event"));
        break;
    }
  }
  outcomes = {};
  for (const auto& [path, entry] : state.indexed) {
    if (seen.count(path)) continue;
    if (under_roots(path, state.walk) || superseded(path, seen))
      ++state.summary.removed;
    else
      keep.push_back(entry.docid);  // indexed from another folder: kept
  }
  std::sort(keep.begin(), keep.end());
  // The last part: documents kept from the live index, and the metadata.
  const std::string last = (work / "kept").string();
  {
    Xapian::WritableDatabase kept(last, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    // Kept documents carry the live index's facet ids: translated to ids of
    // the new dictionary.
    std::optional<schema::FacetDictionary> live_facets;
    if (!keep.empty()) live_facets.emplace(live);
    for (Xapian::docid docid : keep) {
      Xapian::Document doc = live.get_document(docid);
      const std::string ids = doc.get_value(schema::kSlotFacets);
      if (!ids.empty()) {
        const std::string translated = facets.translate(*live_facets, ids);
        if (translated.empty())
          doc.remove_value(schema::kSlotFacets);
        else
          doc.add_value(schema::kSlotFacets, translated);
      }
      kept.add_document(doc);
    }
    if (state.options.spelling) {
      // Words of kept documents are in the live dictionary only: index their
      // stored events again to find them.
      DocumentBuilder builder(facets);
      for (Xapian::docid docid : keep) {
        Xapian::Document doc = live.get_document(docid);
        try {
          Event event = event_from_document_data(doc.get_data());
          event.body_markdown = doc.get_value(schema::kSlotBody);
          event.body_text = doc.get_value(schema::kSlotText);
          builder.build(event, FileStamp{});
        } catch (const nlohmann::json::exception&) {
          // Damaged data: the document is kept, its words just suggest nothing.
        }
      }
      builder.flush_spelling(kept);
    }
    // Metadata carries over, but for the live facet dictionary: the new
    // generation has its own.
    const std::string facet_prefix = schema::kMetaFacetPrefix;
    for (auto it = live.metadata_keys_begin(); it != live.metadata_keys_end(); ++it)
      if ((*it).compare(0, facet_prefix.size(), facet_prefix) != 0)
        kept.set_metadata(*it, live.get_metadata(*it));
    facets.save(kept);
    kept.set_metadata(schema::kMetaSchemaVersion, std::to_string(schema::kSchemaVersion));
    kept.set_metadata(schema::kMetaSkipped, save_skipped(state.skipped));
    kept.commit();
  }

  {
    // One merge of every part, in file order (docids follow it).
    Xapian::Database sources;
    for (const auto& thread_parts : parts)
      for (const auto& path : thread_parts) sources.add_database(Xapian::Database(path));
    sources.add_database(Xapian::Database(last));
    MergeProgress merge_progress(state.run);
    sources.compact(target.string(), Xapian::Compactor::STANDARD, 0, merge_progress);
  }
  fs::remove_all(work, ec);
  state.run.step(saving_step());
  {
    Xapian::Database fresh(target.string());
    check_all_duplicate_ids(fresh, state.run, state.summary);
    state.summary.documents = fresh.get_doccount();
  }
  write_stub(db_dir, generation);
  live.close();
  remove_stale(db_dir, generation);
}

// Applies the changed files and the removals to `db`: the live database in
// a transaction (commit_every 0), or a copy of it committed every
// `commit_every` changes. The caller commits the last of them.
void update(RunState& state, Xapian::WritableDatabase& db,
            const std::vector<const Candidate*>& changed,
            const std::vector<Xapian::docid>& removals, std::size_t commit_every) {
  const IndexOptions& options = state.options;
  IndexSummary& summary = state.summary;
  // New facet values get ids after the live ones; saved with the documents.
  schema::FacetDictionary facets(db);
  std::size_t pending = 0;
  std::uintmax_t pending_bytes = 0;
  auto maybe_commit = [&] {
    if (commit_every == 0 || (pending < commit_every && pending_bytes < kMaxTransactionBytes))
      return;
    facets.save(db);
    db.commit();
    pending = 0;
    pending_bytes = 0;
  };
  std::vector<std::pair<std::string, std::string>> touched;
  const std::size_t total = state.walk.candidates.size();
  std::size_t done = summary.unchanged;
  state.run.progress(done, total);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  // Files prepared together: at most kBatch, and at most kFlushBytes of
  // them (but always one), so huge files do not all sit in memory at once.
  constexpr std::size_t kBatch = 512;
  for (std::size_t start = 0, end = 0; start < changed.size(); start = end) {
    std::uintmax_t bytes = 0;
    for (end = start; end < changed.size() && end - start < kBatch &&
                      (end == start || bytes + changed[end]->stamp.size <= kFlushBytes);
         ++end)
      bytes += changed[end]->stamp.size;
    std::vector<const Candidate*> batch(
        changed.begin() + static_cast<std::ptrdiff_t>(start),
        changed.begin() + static_cast<std::ptrdiff_t>(end));
    SpellingCounts spelling;
    std::vector<Prepared> prepared = prepare_batch(
        batch, options.limits, threads, options.spelling ? &spelling : nullptr,
        facets);
    flush_spelling(spelling, db);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Candidate& candidate = *batch[i];
      Prepared& item = prepared[i];
      for (const auto& d : item.result.diagnostics) state.run.report(d);
      auto old = state.indexed.find(candidate.path);
      bool was_indexed = old != state.indexed.end();
      switch (item.result.status) {
        case ParseStatus::kOk:
          // The docid is known from the stamp scan: replacing by unique
          // term would look the term up, which makes Xapian flush its
          // buffered document lengths on every call (quadratic in a run).
          if (was_indexed)
            db.replace_document(old->second.docid, *item.document);
          else
            db.add_document(*item.document);
          ++(was_indexed ? summary.updated : summary.added);
          touched.emplace_back(item.result.event->id, candidate.path);
          break;
        case ParseStatus::kSkipped: {
          const std::string reason = item.result.skip_reason.empty()
                                         ? std::string("not an event")
                                         : item.result.skip_reason;
          ++summary.skipped;
          ++state.skip_reasons[reason];
          state.skipped.push_back({candidate.path, candidate.stamp, reason});
          if (was_indexed) {
            db.delete_document(old->second.docid);
            ++summary.removed;
          }
          break;
        }
        case ParseStatus::kError:
          // A version indexed before stays searchable until the file is
          // fixed: nothing is lost because of one bad edit.
          ++summary.errors;
          if (item.result.diagnostics.empty())
            state.run.report(file_error(candidate.path, "cannot read event"));
          break;
      }
    }
    done += batch.size();
    pending += batch.size();
    pending_bytes += bytes;
    state.run.progress(done, total);
    maybe_commit();
  }
  for (Xapian::docid docid : removals) {
    db.delete_document(docid);
    ++summary.removed;
    ++pending;
    maybe_commit();
  }
  check_duplicate_ids(db, touched, state.run, summary);
  facets.save(db);
  const std::string skipped_text = save_skipped(state.skipped);
  if (skipped_text != db.get_metadata(schema::kMetaSkipped))
    db.set_metadata(schema::kMetaSkipped, skipped_text);
}

}  // namespace

// Reports the inputs that do not exist and held no indexed event: typos,
// not deletions (those are removed like a walked folder's deleted files).
// When no input exists and none held an event, the run stops here, before
// it changes anything.
void report_missing_inputs(const Walk& walk,
                           const std::unordered_map<std::string, Indexed>& indexed,
                           Run& run, IndexSummary& summary) {
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < walk.missing.size(); ++i) {
    const std::string& root = walk.missing[i];
    const bool held = std::any_of(indexed.begin(), indexed.end(), [&](const auto& entry) {
      return entry.first == root || under_folder(entry.first, root);
    });
    if (!held) unknown.push_back(i);
  }
  if (unknown.empty()) return;
  if (unknown.size() == walk.inputs) {
    std::vector<std::string> names;
    for (std::size_t i : unknown) names.push_back(walk.missing_as_given[i]);
    throw no_such_inputs(names);
  }
  for (std::size_t i : unknown) {
    run.report(file_error(walk.missing_as_given[i], "no such file or folder"));
    ++summary.errors;
  }
}

IndexSummary index_paths(const std::vector<fs::path>& inputs,
                         const IndexOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (options.db_path.empty())
    throw Error(ErrorKind::kUsage, "no index path given");
  if (inputs.empty()) throw Error(ErrorKind::kUsage, "nothing to index");

  IndexSummary summary;
  Run run(options, summary);
  Walk walk = walk_inputs(inputs, options.db_path);
  // Nothing to index and no index to remove deleted events from: not even
  // an empty index is made.
  if (walk.missing.size() == walk.inputs && !fs::exists(options.db_path))
    throw no_such_inputs(walk.missing_as_given);

  const std::string db_path = options.db_path.string();
  std::optional<Xapian::WritableDatabase> db;
  try {
    std::error_code ec;
    if (options.db_path.has_parent_path())
      fs::create_directories(options.db_path.parent_path(), ec);
    // Xapian's lock cannot be waited on, so poll it for lock_wait_seconds.
    // Creating the first generation takes the lock too: two first runs wait
    // for each other like any two runs.
    const auto give_up = std::chrono::steady_clock::now() +
                         std::chrono::duration<double>(options.lock_wait_seconds);
    while (true) {
      std::string generation;
      try {
        prepare_index_folder(options.db_path);
        generation = schema::stub_generation(db_path);
        db.emplace(db_path, Xapian::DB_CREATE_OR_OPEN);
        // A run that swapped in a new generation while this one opened the
        // stub may have left it the lock of the old one, about to be
        // removed: open again (generations only move forward, and only
        // under the live generation's lock).
        if (schema::stub_generation(db_path) != generation) {
          db.reset();
          continue;
        }
        break;
      } catch (const Xapian::DatabaseLockError&) {
        if (std::chrono::steady_clock::now() >= give_up) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      } catch (const Xapian::DatabaseOpeningError&) {
        // The generation the stub named was removed as it was opened.
        if (schema::stub_generation(db_path) == generation) throw;
      }
    }
  } catch (const Xapian::DatabaseLockError& e) {
    // Xapian also reports a lock file it cannot create (a read-only
    // folder or file system) as a lock error.
    if (e.get_msg().find("already locked") == std::string::npos)
      throw Error(ErrorKind::kDatabase,
                  "cannot write to index " + db_path + ": " + e.get_msg());
    throw Error(ErrorKind::kDatabase,
                "index " + db_path +
                    " is locked by another process (is a `tlsearch index` "
                    "run still going?)");
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw Error(ErrorKind::kDatabase,
                "cannot open index " + db_path + ": " + e.get_description());
  } catch (const Xapian::DatabaseError& e) {
    // Unreadable blocks (a disk error, a copy cut short): the files are
    // what counts, and a fresh index is one run away.
    throw Error(ErrorKind::kDatabase,
                "cannot open index " + db_path + ": " + e.get_description() +
                    "; if the index is damaged, delete the folder " + db_path +
                    " and index again (the event files are not touched)");
  } catch (const Xapian::Error& e) {
    throw Error(ErrorKind::kDatabase,
                "cannot open index " + db_path + ": " + e.get_description());
  }

  remove_leftover_generations(options.db_path);
  try {
    // An index written by another version of the schema is rebuilt from
    // the files, in a new generation (readers keep the old one until then).
    const bool outdated = !schema_is_current(*db, db_path);
    std::unordered_map<std::string, Indexed> indexed = load_indexed(*db);
    std::set<std::string> old_paths;  // of an outdated index, for the summary
    report_missing_inputs(walk, indexed, run, summary);
    if (outdated) {
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.path = db_path;
      d.message = "the index was built with schema " +
                  db->get_metadata(schema::kMetaSchemaVersion) +
                  "; rebuilding it from the files for schema " +
                  std::to_string(schema::kSchemaVersion);
      run.report(d);
      // Nothing of the old schema is kept: the events of folders this run
      // does not name are read again from their files too (the new index
      // holds them as before); those whose file is gone are dropped, and
      // counted once the new generation is built.
      std::set<std::string> walked;
      for (const auto& candidate : walk.candidates) walked.insert(candidate.path);
      for (const auto& [path, entry] : indexed) {
        if (walked.count(path) || under_roots(path, walk)) continue;
        struct stat st;
        if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && event_format_for(path))
          walk.candidates.push_back({path, stamp_of(st)});
      }
      std::sort(walk.candidates.begin(), walk.candidates.end(),
                [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
      for (const auto& entry : indexed) old_paths.insert(entry.first);
      indexed.clear();  // re-read, not copied: every document is new
    }

    for (const auto& problem : walk.problems) run.report(problem);
    summary.errors += walk.problems.size();
    for (const auto& [reason, count] : walk.skip_reasons) {
      summary.skipped += count;
      summary.skip_reasons.emplace_back(reason, count);
    }

    // Unchanged files are recognised by their stamp alone, without reading:
    // indexed ones, and those skipped before (a README, a package.json),
    // which are otherwise read again at every run and counted as changed.
    const auto skipped_before = outdated || options.force
                                    ? std::unordered_map<std::string, SkippedFile>()
                                    : load_skipped(*db);
    std::vector<SkippedFile> skipped;  // to remember after this run
    std::map<std::string, std::size_t> remembered_reasons;
    std::set<std::string> seen;
    std::vector<const Candidate*> changed;
    for (const auto& candidate : walk.candidates) {
      seen.insert(candidate.path);
      auto it = indexed.find(candidate.path);
      auto was_skipped = skipped_before.find(candidate.path);
      auto same = [&](const FileStamp& stamp) {
        return stamp.size == candidate.stamp.size && stamp.mtime_ns == candidate.stamp.mtime_ns;
      };
      if (!options.force && it != indexed.end() && same(it->second.stamp)) {
        ++summary.unchanged;
      } else if (it == indexed.end() && was_skipped != skipped_before.end() &&
                 same(was_skipped->second.stamp)) {
        ++summary.skipped;
        ++remembered_reasons[was_skipped->second.reason];
        skipped.push_back(was_skipped->second);
      } else {
        changed.push_back(&candidate);
      }
    }
    // Other folders' skipped files are theirs to check.
    for (const auto& [path, file] : skipped_before)
      if (!seen.count(path) && !under_roots(path, walk)) skipped.push_back(file);

    std::map<std::string, std::size_t> skip_reasons(
        summary.skip_reasons.begin(), summary.skip_reasons.end());
    for (const auto& [reason, count] : remembered_reasons) skip_reasons[reason] += count;
    // Most files changed (a first run, --force), by count or by bytes: build
    // a new generation beside the live one, in parallel and with bounded
    // memory, and swap it in. Otherwise update the live database in one
    // transaction, which holds its changes in memory until it commits (so a
    // few huge new files go the bounded way).
    std::uintmax_t all_bytes = 0, changed_bytes = 0;
    for (const auto& candidate : walk.candidates) all_bytes += candidate.stamp.size;
    // A file past the size limit is refused unread: it weighs nothing here
    // (or a broken 30 MB export beside the events rebuilt the index, or
    // copied it, at every run).
    for (const Candidate* c : changed)
      if (c->stamp.size <= options.limits.max_file_bytes) changed_bytes += c->stamp.size;
    // Events whose files are gone from the folders walked.
    std::vector<Xapian::docid> removals;
    for (const auto& [path, entry] : indexed)
      if (seen.count(path) == 0 && (under_roots(path, walk) || superseded(path, seen)))
        removals.push_back(entry.docid);
    // A transaction holds its changes in memory until it commits (about
    // 12 KB per event). A larger update is written into a copy of the live
    // generation, committed every `transaction_limit` changes, and swapped
    // in like a rebuild: memory stays bounded and searches still see the
    // old index or the new one, never a mix. An index written before
    // generations has no generation to copy: it is rebuilt (and converted).
    const std::size_t limit = std::max<std::size_t>(1, options.transaction_limit);
    const bool large = changed.size() + removals.size() > limit ||
                       changed_bytes > kMaxTransactionBytes;
    const bool legacy = has_legacy_database(options.db_path);
    if (outdated || (large && legacy) ||
        (!changed.empty() &&
         (options.force || indexed.empty() ||
          (changed.size() >= kMinRebuildFiles && changed.size() * 2 > walk.candidates.size()) ||
          (changed_bytes >= kMinRebuildBytes && changed_bytes * 2 > all_bytes)))) {
      std::vector<bool> is_changed(walk.candidates.size(), false);
      for (const Candidate* c : changed)
        is_changed[static_cast<std::size_t>(c - walk.candidates.data())] = true;
      RunState state{options, run, summary, walk, indexed, skip_reasons, skipped};
      rebuild(state, *db, is_changed);
      if (outdated) {
        // Every event was read again: counted against the old index, file
        // by file (updated, added, or removed when gone or now skipped).
        const auto now = load_indexed(Xapian::Database(db_path));
        summary.added = summary.updated = summary.removed = 0;
        for (const auto& entry : now) ++(old_paths.count(entry.first) ? summary.updated : summary.added);
        for (const auto& path : old_paths) summary.removed += now.count(path) == 0;
      }
      summary.skip_reasons.assign(skip_reasons.begin(), skip_reasons.end());
      summary.seconds = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - started)
                            .count();
      return summary;
    }
    const bool copied = large;
    std::optional<Xapian::WritableDatabase> copy;
    std::string generation;
    fs::path target;
    if (copied) {
      generation = next_generation(schema::stub_generation(db_path));
      target = options.db_path / generation;
      std::error_code ec;
      fs::remove_all(target, ec);
      try {
        copy_generation(options.db_path / schema::stub_generation(db_path), target, run);
        copy.emplace(target.string(), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      } catch (const Error& e) {
        copy.reset();
        fs::remove_all(target, ec);
        // The way out when the disk cannot hold a second copy.
        throw Error(e.kind(), std::string(e.what()) +
                                  " (an update this large is written into a copy of the "
                                  "index; --max-transaction raises the number of changes "
                                  "made in place, now " +
                                  std::to_string(limit) + ")");
      } catch (...) {
        copy.reset();
        fs::remove_all(target, ec);
        throw;
      }
    } else {
      db->begin_transaction();
    }
    Xapian::WritableDatabase& out = copied ? *copy : *db;
    bool swapped = false;  // the copy is the live generation
    try {
      RunState state{options, run, summary, walk, indexed, skip_reasons, skipped};
      update(state, out, changed, removals, copied ? limit : 0);
      if (!changed.empty() || !removals.empty())
        run.step(saving_step());
      if (copied) {
        out.commit();
        summary.documents = out.get_doccount();
        out.close();
        copy.reset();
        sync_generation(target);
        write_stub(options.db_path, generation);
        swapped = true;
        db->close();
        remove_stale(options.db_path, generation);
      } else {
        db->commit_transaction();
        summary.documents = db->get_doccount();
      }
    } catch (...) {
      if (copied) {
        copy.reset();
        std::error_code ec;
        if (!swapped) fs::remove_all(target, ec);
      } else {
        try {
          db->cancel_transaction();
        } catch (const Xapian::Error&) {
        }
      }
      throw;
    }
    summary.skip_reasons.assign(skip_reasons.begin(), skip_reasons.end());
  } catch (const Xapian::Error& e) {
    throw Error(ErrorKind::kDatabase,
                "cannot update index " + db_path + ": " + e.get_description());
  }
  summary.seconds = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  return summary;
}

}  // namespace tlsearch
