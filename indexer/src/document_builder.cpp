#include "document_builder.h"

#include <cctype>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsearch/event_json.h"
#include "tlsearch/normalize.h"
#include "tlsearch/schema.h"

namespace tlsearch {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

void add_boolean(Xapian::Document& doc, const char* prefix,
                 const std::string& key) {
  if (key.empty()) return;
  std::string term = prefix + key;
  if (term.size() > schema::kMaxTermBytes) return;
  doc.add_boolean_term(term);
}

Entries entries_for(const std::vector<std::string>& values) {
  Entries entries;
  for (const auto& value : values)
    entries.emplace_back(facet_key(value), display_label(value));
  return entries;
}

Entries single_entry(const std::string& value) {
  if (value.empty()) return {};
  return {{facet_key(value), display_label(value)}};
}

// Sets the facet's packed slot and its filter terms.
void add_facet(Xapian::Document& doc, schema::Facet facet,
               const Entries& entries) {
  const auto& info = schema::facet_info(facet);
  std::string packed = schema::pack_facet_values(entries);
  if (!packed.empty()) doc.add_value(info.slot, packed);
  for (const auto& entry : entries) add_boolean(doc, info.term_prefix, entry.first);
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string unique_term_for_path(const std::string& path) {
  std::string term = schema::kPath + path;
  if (term.size() <= schema::kMaxTermBytes) return term;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(path)));
  // Keep the tail of the path readable for debugging; it is unique enough
  // together with the hash of the whole path.
  std::string tail = path.substr(path.size() - 100);
  return std::string(schema::kPath) + "#" + hex + ":" + tail;
}

std::string encode_file_slot(const FileStamp& stamp, const std::string& path) {
  return std::to_string(stamp.size) + ' ' + std::to_string(stamp.mtime_ns) +
         ' ' + path;
}

bool decode_file_slot(const std::string& value, FileStamp* stamp,
                      std::string* path) {
  auto first = value.find(' ');
  if (first == std::string::npos) return false;
  auto second = value.find(' ', first + 1);
  if (second == std::string::npos) return false;
  try {
    stamp->size = std::stoull(value.substr(0, first));
    stamp->mtime_ns = std::stoll(value.substr(first + 1, second - first - 1));
  } catch (const std::exception&) {
    return false;
  }
  *path = value.substr(second + 1);
  return true;
}

Xapian::TermGenerator make_term_generator() {
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem("english"));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  return generator;
}

Xapian::Document build_document(const Event& event, const FileStamp& stamp,
                                Xapian::TermGenerator& generator) {
  Xapian::Document doc;
  generator.set_document(doc);

  // Free text. Each field is separated by a position gap so that a phrase
  // never matches across two fields or two actors.
  auto gap = [&] { generator.increase_termpos(100); };
  generator.index_text(event.title, schema::kTitleWeight);
  generator.index_text(event.title, 1, schema::kTitle);
  gap();
  generator.index_text(event.body_text);
  gap();
  generator.index_text(event.description);
  gap();
  generator.index_text(event.notes);
  gap();
  generator.index_text(event.location);
  gap();
  for (const auto& actor : event.actors) {
    generator.index_text(actor);
    generator.index_text(actor, 1, schema::kActorText);
    gap();
  }
  for (const auto& source : event.sources) {
    generator.index_text(source.title);
    gap();
    generator.index_text(source.outlet);
    generator.index_text(source.outlet, 1, schema::kOutletText);
    gap();
  }

  // Boolean filter terms and facets.
  doc.add_boolean_term(unique_term_for_path(event.path));
  add_boolean(doc, schema::kId, schema::id_key(event.id));
  add_facet(doc, schema::Facet::kLanes, entries_for(event.lanes));
  add_facet(doc, schema::Facet::kActors, entries_for(event.actors));
  add_facet(doc, schema::Facet::kTags, entries_for(event.tags));
  add_facet(doc, schema::Facet::kStatus, single_entry(event.status));
  add_facet(doc, schema::Facet::kType, single_entry(event.type));
  if (event.date.has_year()) {
    std::string year = std::to_string(event.date.year);
    add_facet(doc, schema::Facet::kYear, {{year, year}});
    doc.add_value(schema::kSlotDate,
                  Xapian::sortable_serialise(
                      static_cast<double>(event.date.sort_key())));
  }
  if (event.importance) {
    std::string imp = std::to_string(*event.importance);
    add_facet(doc, schema::Facet::kImportance, {{imp, imp}});
    doc.add_value(schema::kSlotImportance,
                  Xapian::sortable_serialise(*event.importance));
  }
  for (const auto& source : event.sources) {
    add_boolean(doc, schema::kOutlet, facet_key(source.outlet));
    add_boolean(doc, schema::kTier, facet_key(source.tier));
  }
  for (const auto& link : event.links) add_boolean(doc, schema::kLink, link);

  doc.add_value(schema::kSlotFile, encode_file_slot(stamp, event.path));
  nlohmann::json data = event_to_json(event);
  data["v"] = schema::kDataVersion;
  doc.set_data(data.dump(-1, ' ', false,
                         nlohmann::json::error_handler_t::replace));
  return doc;
}

namespace {

// Unprefixed, unstemmed words only: prefixed and stemmed ("Z") terms start
// with an upper-case letter; numbers make poor suggestions.
bool spelling_word(const std::string& term) {
  unsigned char first = static_cast<unsigned char>(term[0]);
  return term.size() >= 3 && term.size() <= 40 && std::islower(first);
}

}  // namespace

void add_spelling_from(const Xapian::Document& document,
                       Xapian::WritableDatabase& db) {
  for (auto it = document.termlist_begin(); it != document.termlist_end();
       ++it) {
    const std::string& term = *it;
    if (spelling_word(term)) db.add_spelling(term, it.get_wdf());
  }
}

void collect_spelling(const Xapian::Document& document, SpellingCounts& counts) {
  for (auto it = document.termlist_begin(); it != document.termlist_end();
       ++it) {
    const std::string& term = *it;
    if (spelling_word(term)) counts[term] += it.get_wdf();
  }
}

void flush_spelling(SpellingCounts& counts, Xapian::WritableDatabase& db) {
  for (const auto& [word, freq] : counts) db.add_spelling(word, freq);
  counts.clear();
}

}  // namespace tlsearch
