#include "tlsearch/schema.h"

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

const FacetInfo* find_facet(std::string_view name_or_field) {
  for (const auto& info : kFacets)
    if (name_or_field == info.name || name_or_field == info.field) return &info;
  return nullptr;
}

std::string pack_facet_values(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string packed;
  std::vector<std::string_view> seen;
  for (const auto& [key, label] : entries) {
    if (key.empty()) continue;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    if (!packed.empty()) packed += kEntrySep;
    packed += key;
    packed += kLabelSep;
    packed += label;
  }
  return packed;
}

std::vector<std::pair<std::string, std::string>> unpack_facet_values(
    std::string_view packed) {
  std::vector<std::pair<std::string, std::string>> entries;
  while (!packed.empty()) {
    auto end = packed.find(kEntrySep);
    std::string_view entry = packed.substr(0, end);
    auto sep = entry.find(kLabelSep);
    if (sep == std::string_view::npos)
      entries.emplace_back(std::string(entry), std::string(entry));
    else
      entries.emplace_back(std::string(entry.substr(0, sep)),
                           std::string(entry.substr(sep + 1)));
    if (end == std::string_view::npos) break;
    packed.remove_prefix(end + 1);
  }
  return entries;
}

}  // namespace tlsearch::schema
