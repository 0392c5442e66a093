#include "tlsearch/schema.h"

#include "tlsearch/normalize.h"

#include <algorithm>
#include <stdexcept>

namespace tlsearch::schema {

std::string id_key(std::string_view id) {
  auto begin = id.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = id.find_last_not_of(" \t\r\n");
  std::string key(id.substr(begin, end - begin + 1));
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

const FacetInfo& facet_info(Facet facet) {
  for (const auto& info : kFacets)
    if (info.facet == facet) return info;
  throw std::logic_error("unknown facet");
}

std::size_t facet_index(Facet facet) {
  return static_cast<std::size_t>(&facet_info(facet) - kFacets.data());
}

const FacetInfo* find_facet(std::string_view name_or_field) {
  for (const auto& info : kFacets)
    if (name_or_field == info.name || name_or_field == info.field) return &info;
  return nullptr;
}

std::string pack_facet_values(const FacetEntries& entries) {
  std::string packed;
  std::vector<std::string_view> seen;
  for (const auto& [key, label] : entries) {
    if (key.empty()) continue;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    if (!packed.empty()) packed += kEntrySep;
    // The label alone halves the slot: facets are read for every match.
    if (label.find(kLabelSep) == std::string::npos && facet_key(label) == key) {
      packed += label;
    } else {
      packed += key;
      packed += kLabelSep;
      packed += label;
    }
  }
  return packed;
}

std::pair<std::string, std::string> unpack_facet_entry(std::string_view entry) {
  auto sep = entry.find(kLabelSep);
  if (sep == std::string_view::npos) return {facet_key(entry), std::string(entry)};
  return {std::string(entry.substr(0, sep)), std::string(entry.substr(sep + 1))};
}

FacetEntries unpack_facet_values(std::string_view packed) {
  FacetEntries entries;
  while (!packed.empty()) {
    auto end = packed.find(kEntrySep);
    entries.push_back(unpack_facet_entry(packed.substr(0, end)));
    if (end == std::string_view::npos) break;
    packed.remove_prefix(end + 1);
  }
  return entries;
}

std::string pack_facets(const std::array<FacetEntries, kFacets.size()>& groups) {
  std::string packed;
  std::size_t pending = 0;  // empty groups not yet written
  for (const auto& entries : groups) {
    std::string group = pack_facet_values(entries);
    if (group.empty()) {
      ++pending;
      continue;
    }
    if (!packed.empty() || pending) {
      // One separator per group boundary since the last group written.
      packed.append(packed.empty() ? pending : pending + 1, kGroupSep);
    }
    pending = 0;
    packed += group;
  }
  return packed;
}

std::string_view facet_group(std::string_view packed, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i) {
    auto sep = packed.find(kGroupSep);
    if (sep == std::string_view::npos) return {};
    packed.remove_prefix(sep + 1);
  }
  return packed.substr(0, packed.find(kGroupSep));
}

}  // namespace tlsearch::schema
