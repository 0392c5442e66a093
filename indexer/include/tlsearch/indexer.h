// Building and updating a tlsearch index from timeline folders and files.
//
// Example:
//   tlsearch::IndexOptions options;
//   options.db_path = "timeline.db";
//   tlsearch::IndexSummary summary = tlsearch::index_paths({"events/"}, options);
//   // summary.errors files were reported through options.on_diagnostic
//
// Indexing is incremental: a file whose size and modification time match the
// index is not read again; changed files are re-read; files that disappeared
// from a folder being indexed are removed. A reader sees the old index or the
// new one, never a mix, and a run killed half-way leaves the old index: a run
// changing few files commits them in one Xapian transaction; a run changing
// more (IndexOptions::transaction_limit) updates a copy of the index; a run
// changing most of them (the first, --force) builds a new generation of the
// index beside the live one, in parallel shards with bounded memory. Both
// swap the new generation in by renaming the folder's Xapian stub file
// (docs/schema.md).
#ifndef TLSEARCH_INDEXER_H
#define TLSEARCH_INDEXER_H

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tlsearch/event.h"

namespace tlsearch {

// What a run is doing when it reports progress.
enum class IndexPhase {
  kReading,  // reading files: files_done of files_total
  kCopying,  // copying the live index for an update too large for one
             // transaction: bytes_done of bytes_total
  kMerging,  // merging the parts a rebuild wrote into one index (Xapian's
             // compaction), one table after another, named in `table`
  kSaving,   // committing the changes and flushing them to disk
};

// Progress of a run, reported while files are processed, then at each
// step after them (which can take minutes for a million events).
struct IndexProgress {
  std::size_t files_done = 0;   // files examined so far
  std::size_t files_total = 0;  // files found by the walk
  IndexPhase phase = IndexPhase::kReading;
  std::uintmax_t bytes_done = 0;   // kCopying: bytes of the index copied
  std::uintmax_t bytes_total = 0;  // kCopying: bytes to copy
  std::string table;               // kMerging: "postlist", "position", ...
};

struct IndexOptions {
  // The Xapian database folder; created when missing. Required.
  std::filesystem::path db_path;
  // Size and nesting limits for each entry. Default: ParseLimits{}.
  ParseLimits limits;
  // Called for every warning and error about a file, in walk order.
  // Default: none (diagnostics are still counted in the summary).
  std::function<void(const Diagnostic&)> on_diagnostic;
  // Called about every 100 files, at the end of them, and at each step
  // after them (see IndexPhase). Default: none.
  std::function<void(const IndexProgress&)> on_progress;
  // Build the spelling dictionary used for "did you mean". Default: true.
  bool spelling = true;
  // Re-read every file even if its size and mtime are unchanged. Default: false.
  bool force = false;
  // How long to wait, in seconds, for another run holding the index's write
  // lock to finish before failing with "locked". Default: 0 (fail at once).
  double lock_wait_seconds = 0;
  // Changes (files read again, events removed) a run applies to the live
  // index in one Xapian transaction, held in memory until it commits (about
  // 12 KB each). A run with more, or with more than 32 MiB of changed files,
  // writes them into a copy of the index, committed every this many, and
  // swaps the copy in: memory stays bounded, for the price of copying the
  // index once. Default: 10,000.
  std::size_t transaction_limit = 10000;
};

// What a run did. Every file the walk found lands in exactly one of added,
// updated, unchanged, skipped or errors.
struct IndexSummary {
  std::size_t added = 0;
  std::size_t updated = 0;
  std::size_t removed = 0;    // documents whose files disappeared
  std::size_t unchanged = 0;
  std::size_t skipped = 0;    // not event files, or Markdown without front matter
  std::size_t errors = 0;     // files that could not be read as events
  std::size_t warnings = 0;   // warnings (the files were still indexed)
  std::size_t duplicate_ids = 0;  // events read by this run sharing an id with another
  std::size_t documents = 0;  // documents in the index after the run
  double seconds = 0;
  // Why files were skipped: reason -> count (e.g. "no front matter" -> 1).
  std::vector<std::pair<std::string, std::size_t>> skip_reasons;
};

// Indexes `inputs` (folders, walked recursively, and single files) into
// options.db_path and commits once. Folders named with a leading dot (.git,
// .obsidian) are not entered; symlinked folders are not followed.
// Throws tlsearch::Error (kDatabase) when the index cannot be opened, is
// locked by another writer, or cannot be committed; kIo when an input does
// not exist. A bad entry never throws: it is reported and counted.
IndexSummary index_paths(const std::vector<std::filesystem::path>& inputs,
                         const IndexOptions& options);

}  // namespace tlsearch

#endif  // TLSEARCH_INDEXER_H
