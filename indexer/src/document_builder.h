// Turning an Event into a Xapian document, following common/schema.h.
// Internal to the indexer; docs/schema.md describes the result.
#ifndef TLSEARCH_INDEXER_DOCUMENT_BUILDER_H
#define TLSEARCH_INDEXER_DOCUMENT_BUILDER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include <xapian.h>

#include "facet_dictionary.h"
#include "stemmer_internal.h"
#include "tlsearch/event.h"

namespace tlsearch {

// Size and modification time of an entry's file, used to decide whether it
// changed since it was indexed.
struct FileStamp {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
};

// Encodes/decodes the kSlotFile value: "<size> <mtime_ns> <path>".
std::string encode_file_slot(const FileStamp& stamp, const std::string& path);
bool decode_file_slot(const std::string& value, FileStamp* stamp,
                      std::string* path);

// Turns events into Xapian documents as docs/schema.md says: free text as
// "Z"-prefixed English stems with positions, boolean filter terms, value
// slots and the event's JSON as document data. It also counts the words of
// the events it builds for the spelling dictionary ("did you mean"), so a
// run adds each distinct word once rather than once per document (each
// add_spelling() call is a B-tree lookup, plus n-gram fragments for a new
// word).
//
// Facet values are written as ids of `facets`, which assigns ids to new
// values; several builders may share one dictionary, whose entries must
// then be saved in the same commit as the documents (FacetDictionary::save).
//
// Thread-compatible: one builder per thread. No database is touched except
// by flush_spelling().
class DocumentBuilder {
 public:
  explicit DocumentBuilder(schema::FacetDictionary& facets);
  ~DocumentBuilder();
  DocumentBuilder(const DocumentBuilder&) = delete;
  DocumentBuilder& operator=(const DocumentBuilder&) = delete;

  // Builds the document for `event`, whose file is `event.path` (absolute).
  // With `spelling`, the event's searchable words (as written, lower-cased,
  // 3-40 bytes, starting with an ASCII letter) are counted.
  Xapian::Document build(const Event& event, const FileStamp& stamp,
                         bool spelling = true);

  // Number of distinct words counted and not yet taken.
  std::size_t spelling_words() const;
  // Adds the counted words to `counts` and forgets them.
  void take_spelling(SpellingCounts& counts);
  // Adds the counted words to the spelling dictionary of `db` and forgets
  // them.
  void flush_spelling(Xapian::WritableDatabase& db);

 private:
  schema::FacetDictionary& facets_;
  internal::CachingStemmer* stemmer_;  // owned by generator_ (Xapian reference counts it)
  Xapian::TermGenerator generator_;
};

// Adds `counts` to the spelling dictionary of `db` and empties it.
void flush_spelling(SpellingCounts& counts, Xapian::WritableDatabase& db);

}  // namespace tlsearch

#endif  // TLSEARCH_INDEXER_DOCUMENT_BUILDER_H
