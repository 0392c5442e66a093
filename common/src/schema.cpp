#include "tlsearch/schema.h"

#include "tlsearch/normalize.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

namespace tlsearch::schema {

std::string stub_generation(const std::string& db) {
  std::ifstream in(std::filesystem::path(db) / kStubFile);
  std::string backend, name;
  if (in >> backend >> name) return name;
  return {};
}

std::string id_key(std::string_view id) {
  // Read as the front matter's id is (display_label: trimmed, runs of
  // spaces as one), so the id as written in the file finds its event;
  // case-insensitive in every script, and the same key for composed and
  // decomposed accents.
  return fold_case(display_label(id));
}

namespace {

std::string hash_hex(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

// The first `n` bytes of `text`, or fewer so as not to cut a UTF-8 character.
std::string_view utf8_head(std::string_view text, std::size_t n) {
  if (text.size() <= n) return text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

std::string boolean_term(std::string_view prefix, std::string_view key) {
  std::string term(prefix);
  if (prefix.size() + key.size() <= kMaxTermBytes) return term.append(key);
  term.append("#").append(hash_hex(key)).append(":");
  return term.append(utf8_head(key, kMaxTermBytes - term.size()));
}

std::string term_key(std::string_view term, std::string_view prefix) {
  if (term.substr(0, prefix.size()) != prefix) return {};
  std::string_view key = term.substr(prefix.size());
  // Hashed terms are 237-240 bytes long (the head ends on a whole character).
  if (prefix.size() + key.size() + 3 >= kMaxTermBytes && key.size() > 18 &&
      key[0] == '#' && key[17] == ':')
    return std::string(key.substr(18)) + "...";
  return std::string(key);
}

std::string indexed_file_path(const std::string& absolute) {
  const std::filesystem::path path(absolute);
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(path.parent_path(), ec);
  return ec ? absolute : (folder / path.filename()).lexically_normal().string();
}

std::string path_term(std::string_view path) {
  std::string term(kPath);
  if (term.size() + path.size() <= kMaxTermBytes) return term.append(path);
  // The tail keeps the file name readable when debugging; unique together
  // with the hash of the whole path.
  return term.append("#").append(hash_hex(path)).append(":").append(
      path.substr(path.size() - 100));
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

std::vector<std::string> facet_entries(const FacetEntries& entries) {
  std::vector<std::string> packed;
  std::unordered_set<std::string_view> seen;  // (a hostile list is long)
  for (const auto& [key, label] : entries) {
    if (key.empty()) continue;
    if (!seen.insert(key).second) continue;
    // The label alone when it gives the key back: one string to keep, and
    // the key is derived once per distinct entry when counts are read.
    if (label.find(kLabelSep) == std::string::npos && facet_key(label) == key)
      packed.push_back(label);
    else
      packed.push_back(key + kLabelSep + label);
  }
  return packed;
}

std::string pack_facet_values(const FacetEntries& entries) {
  std::string packed;
  for (const auto& entry : facet_entries(entries)) {
    if (!packed.empty()) packed += kEntrySep;
    packed += entry;
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

std::string file_slot_path(const std::string& value) {
  auto first = value.find(' ');
  if (first == std::string::npos) return {};
  auto second = value.find(' ', first + 1);
  if (second == std::string::npos) return {};
  return value.substr(second + 1);
}

}  // namespace tlsearch::schema
