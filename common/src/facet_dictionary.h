// Facet ordinals: the kSlotFacets value holds small integer ids, and the
// index's metadata maps each id back to its packed entry (a display
// spelling, or "key\x1flabel"), per facet. Shared by the indexer, which
// assigns ids, and the searcher, which counts ids and spells out only those
// it shows. docs/schema.md describes the format. Internal to tlsearch.
//
// Why: a query counts the facets of every match, so it reads kSlotFacets
// for each one. With the spellings themselves in the slot (180 bytes per
// event at 1M events) that read was most of a topic query's time, in
// Xapian's pread of value blocks; ids make the slot about six times
// smaller, and counting an id is an array increment, not a string hash.
#ifndef TLSEARCH_FACET_DICTIONARY_H
#define TLSEARCH_FACET_DICTIONARY_H

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "tlsearch/schema.h"

namespace tlsearch::schema {

// Ids of one event, one list per facet in kFacets order.
using FacetIds = std::array<std::vector<std::uint32_t>, kFacets.size()>;

// The kSlotFacets value: for each facet in kFacets order, the number of its
// ids then the ids, each a base-128 varint (low bits first, high bit set on
// every byte but the last). Trailing facets without ids are left out; an
// event without facet values gives "".
std::string pack_facet_ids(const FacetIds& ids);

// Calls fn(index, id) for every id of a kSlotFacets value, in order.
// Returns false, having stopped, when the value is malformed (truncated,
// an overlong varint, more groups than facets).
template <typename Fn>
bool for_each_facet_id(std::string_view packed, Fn&& fn) {
  std::size_t pos = 0;
  auto varint = [&](std::uint32_t& out) {
    out = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
      if (pos >= packed.size()) return false;
      const auto byte = static_cast<unsigned char>(packed[pos++]);
      out |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  };
  for (std::size_t index = 0; pos < packed.size(); ++index) {
    std::uint32_t count = 0;
    if (index >= kFacets.size() || !varint(count)) return false;
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t id = 0;
      if (!varint(id)) return false;
      fn(index, id);
    }
  }
  return true;
}

// Metadata: "tlsearch.facet.<name>" holds the number of entries of that
// facet; "tlsearch.facet.<name>.<n>" holds entries n*kFacetChunk onwards
// (at most kFacetChunk), joined by kEntrySep. An id is an entry's position.
inline constexpr const char* kMetaFacetPrefix = "tlsearch.facet.";
inline constexpr std::uint32_t kFacetChunk = 1024;
std::string facet_count_key(std::size_t index);
std::string facet_chunk_key(std::size_t index, std::uint32_t chunk);

// The indexer's side: every entry of an index, and new ones as documents
// are built. ids() is safe to call from several threads at once; the other
// members are not, and must not run while ids() may.
class FacetDictionary {
 public:
  FacetDictionary() = default;
  // Reads the dictionary of `db` (empty when it has none).
  explicit FacetDictionary(const Xapian::Database& db);

  // The ids of the (key, label) entries of each facet, new entries added.
  // Entries are packed as pack_facet_values() packs them: empty keys
  // dropped, a key repeated within a facet counted once.
  FacetIds ids(const std::array<FacetEntries, kFacets.size()>& groups);
  // The entry of `id`, or nullptr when there is none.
  const std::string* entry(std::size_t index, std::uint32_t id) const;
  // A kSlotFacets value written against `from` (another index's
  // dictionary), with the ids of this one; ids `from` lacks are dropped.
  std::string translate(const FacetDictionary& from, std::string_view packed);

  // Writes the entries added since the dictionary was read or last saved,
  // in the same commit as the documents that use them.
  void save(Xapian::WritableDatabase& db);

 private:
  std::uint32_t intern(std::size_t index, const std::string& entry);

  struct Facet {
    std::vector<std::string> entries;
    std::unordered_map<std::string, std::uint32_t> ids;
    std::size_t saved = 0;  // entries[0, saved) are in the database
  };
  std::array<Facet, kFacets.size()> facets_;
  std::mutex mutex_;
};

// The searcher's side: entries read chunk by chunk as ids are spelt out,
// so a query reads only the chunks of the values it counted. Not
// thread-safe; bound to one revision of one database (clear() it when the
// database changes).
class FacetEntryReader {
 public:
  FacetEntryReader() { sizes_.fill(-1); }
  // Number of entries of the facet at `index` (ids at or above it are
  // invalid and ignored).
  std::uint32_t size(const Xapian::Database& db, std::size_t index);
  // The packed entry of `id`, or nullptr when there is none.
  const std::string* entry(const Xapian::Database& db, std::size_t index,
                           std::uint32_t id);
  void clear();

 private:
  std::array<std::int64_t, kFacets.size()> sizes_;  // -1: not read yet
  std::unordered_map<std::uint64_t, std::vector<std::string>> chunks_;
};

}  // namespace tlsearch::schema

#endif  // TLSEARCH_FACET_DICTIONARY_H
