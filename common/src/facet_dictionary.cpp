#include "facet_dictionary.h"

#include <stdexcept>

namespace tlsearch::schema {
namespace {

void put_varint(std::string& out, std::uint32_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

// The entries of one chunk value.
std::vector<std::string> split_chunk(std::string_view value) {
  std::vector<std::string> entries;
  while (!value.empty()) {
    const auto end = value.find(kEntrySep);
    entries.emplace_back(value.substr(0, end));
    if (end == std::string_view::npos) break;
    value.remove_prefix(end + 1);
  }
  return entries;
}

// The stored number of entries of a facet; 0 when absent or unreadable.
std::uint32_t stored_count(const Xapian::Database& db, std::size_t index) {
  const std::string text = db.get_metadata(facet_count_key(index));
  std::uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > (UINT32_MAX - 9) / 10) return 0;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return n;
}

}  // namespace

std::string pack_facet_ids(const FacetIds& ids) {
  std::size_t groups = ids.size();
  while (groups > 0 && ids[groups - 1].empty()) --groups;
  std::string packed;
  for (std::size_t index = 0; index < groups; ++index) {
    put_varint(packed, static_cast<std::uint32_t>(ids[index].size()));
    for (std::uint32_t id : ids[index]) put_varint(packed, id);
  }
  return packed;
}

std::string facet_count_key(std::size_t index) {
  return std::string(kMetaFacetPrefix) + kFacets.at(index).name;
}

std::string facet_chunk_key(std::size_t index, std::uint32_t chunk) {
  return facet_count_key(index) + '.' + std::to_string(chunk);
}

FacetDictionary::FacetDictionary(const Xapian::Database& db) {
  for (std::size_t index = 0; index < facets_.size(); ++index) {
    Facet& facet = facets_[index];
    const std::uint32_t count = stored_count(db, index);
    facet.entries.reserve(count);
    for (std::uint32_t chunk = 0; facet.entries.size() < count; ++chunk) {
      std::vector<std::string> entries =
          split_chunk(db.get_metadata(facet_chunk_key(index, chunk)));
      // A damaged or missing chunk leaves its ids unknown ("") and the
      // following ones in place.
      entries.resize(kFacetChunk);
      for (auto& entry : entries) {
        if (facet.entries.size() == count) break;
        if (!entry.empty())
          facet.ids.emplace(entry, static_cast<std::uint32_t>(facet.entries.size()));
        facet.entries.push_back(std::move(entry));
      }
    }
    facet.saved = facet.entries.size();
  }
}

std::uint32_t FacetDictionary::intern(std::size_t index, const std::string& entry) {
  Facet& facet = facets_[index];
  auto [it, added] =
      facet.ids.emplace(entry, static_cast<std::uint32_t>(facet.entries.size()));
  if (added) {
    if (facet.entries.size() >= UINT32_MAX)
      throw std::length_error("too many distinct facet values");
    facet.entries.push_back(entry);
  }
  return it->second;
}

FacetIds FacetDictionary::ids(const std::array<FacetEntries, kFacets.size()>& groups) {
  std::array<std::vector<std::string>, kFacets.size()> entries;
  for (std::size_t index = 0; index < groups.size(); ++index)
    entries[index] = facet_entries(groups[index]);
  FacetIds ids;
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t index = 0; index < entries.size(); ++index)
    for (const auto& entry : entries[index]) ids[index].push_back(intern(index, entry));
  return ids;
}

const std::string* FacetDictionary::entry(std::size_t index, std::uint32_t id) const {
  const Facet& facet = facets_.at(index);
  if (id >= facet.entries.size() || facet.entries[id].empty()) return nullptr;
  return &facet.entries[id];
}

std::string FacetDictionary::translate(const FacetDictionary& from,
                                       std::string_view packed) {
  FacetIds ids;
  std::lock_guard<std::mutex> lock(mutex_);
  for_each_facet_id(packed, [&](std::size_t index, std::uint32_t id) {
    if (const std::string* entry = from.entry(index, id))
      ids[index].push_back(intern(index, *entry));
  });
  return pack_facet_ids(ids);
}

void FacetDictionary::save(Xapian::WritableDatabase& db) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t index = 0; index < facets_.size(); ++index) {
    Facet& facet = facets_[index];
    if (facet.saved == facet.entries.size()) continue;
    // The chunk holding the first unsaved entry is rewritten whole.
    for (std::size_t first = facet.saved / kFacetChunk * kFacetChunk;
         first < facet.entries.size(); first += kFacetChunk) {
      std::string value;
      const std::size_t last = std::min(facet.entries.size(), first + kFacetChunk);
      for (std::size_t i = first; i < last; ++i) {
        if (i > first) value += kEntrySep;
        value += facet.entries[i];
      }
      db.set_metadata(facet_chunk_key(index, static_cast<std::uint32_t>(first / kFacetChunk)),
                      value);
    }
    db.set_metadata(facet_count_key(index), std::to_string(facet.entries.size()));
    facet.saved = facet.entries.size();
  }
}

std::uint32_t FacetEntryReader::size(const Xapian::Database& db, std::size_t index) {
  if (sizes_.at(index) < 0) sizes_[index] = stored_count(db, index);
  return static_cast<std::uint32_t>(sizes_[index]);
}

const std::string* FacetEntryReader::entry(const Xapian::Database& db,
                                           std::size_t index, std::uint32_t id) {
  if (id >= size(db, index)) return nullptr;
  const std::uint32_t chunk = id / kFacetChunk;
  const std::uint64_t key = (static_cast<std::uint64_t>(index) << 32) | chunk;
  auto it = chunks_.find(key);
  if (it == chunks_.end())
    it = chunks_.emplace(key, split_chunk(db.get_metadata(facet_chunk_key(index, chunk))))
             .first;
  const std::uint32_t at = id % kFacetChunk;
  if (at >= it->second.size() || it->second[at].empty()) return nullptr;
  return &it->second[at];
}

void FacetEntryReader::clear() {
  sizes_.fill(-1);
  chunks_.clear();
}

}  // namespace tlsearch::schema
