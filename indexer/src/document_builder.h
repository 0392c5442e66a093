// Turning an Event into a Xapian document, following common/schema.h.
// Internal to the indexer; docs/schema.md describes the result.
#ifndef TLSEARCH_INDEXER_DOCUMENT_BUILDER_H
#define TLSEARCH_INDEXER_DOCUMENT_BUILDER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include <xapian.h>

#include "tlsearch/event.h"

namespace tlsearch {

// Size and modification time of an entry's file, used to decide whether it
// changed since it was indexed.
struct FileStamp {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
};

// The unique "Q" term of a document, from its file's absolute path. Paths
// too long for a Xapian term are replaced by a stable hash.
std::string unique_term_for_path(const std::string& path);

// Encodes/decodes the kSlotFile value: "<size> <mtime_ns> <path>".
std::string encode_file_slot(const FileStamp& stamp, const std::string& path);
bool decode_file_slot(const std::string& value, FileStamp* stamp,
                      std::string* path);

// Builds the document for `event`, whose file is `event.path` (absolute).
// Thread-compatible: each thread needs its own `generator`; no database is
// touched (spelling data is added by the caller, see add_spelling_from).
Xapian::Document build_document(const Event& event, const FileStamp& stamp,
                                Xapian::TermGenerator& generator);

// A TermGenerator set up as the schema requires (English stemming, STEM_SOME).
Xapian::TermGenerator make_term_generator();

// Adds the document's plain words to the spelling dictionary of `db`.
void add_spelling_from(const Xapian::Document& document,
                       Xapian::WritableDatabase& db);

// Word -> summed wdf, gathered in memory so a bulk build calls Xapian's
// add_spelling() once per distinct word per flush instead of once per word
// per document (each call is a B-tree lookup for a word not yet buffered).
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;
// Adds the words add_spelling_from() would add to `counts`.
void collect_spelling(const Xapian::Document& document, SpellingCounts& counts);
// Adds `counts` to the spelling dictionary of `db` and empties it.
void flush_spelling(SpellingCounts& counts, Xapian::WritableDatabase& db);

}  // namespace tlsearch

#endif  // TLSEARCH_INDEXER_DOCUMENT_BUILDER_H
