#include "document_builder.h"

#include <array>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsearch/event_json.h"
#include "tlsearch/normalize.h"
#include "tlsearch/schema.h"
#include "stemmer_internal.h"

namespace tlsearch {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

void add_boolean(Xapian::Document& doc, const char* prefix,
                 const std::string& key) {
  if (key.empty()) return;
  doc.add_boolean_term(schema::boolean_term(prefix, key));
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

// Records the facet's entries for kSlotFacets (as ids) and adds its filter
// terms.
void add_facet(Xapian::Document& doc, schema::Facet facet, Entries entries,
               std::array<Entries, schema::kFacets.size()>& groups) {
  const auto& info = schema::facet_info(facet);
  for (const auto& entry : entries) add_boolean(doc, info.term_prefix, entry.first);
  groups[schema::facet_index(facet)] = std::move(entries);
}

}  // namespace

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

DocumentBuilder::DocumentBuilder(schema::FacetDictionary& facets)
    : facets_(facets), stemmer_(new internal::CachingStemmer) {
  generator_.set_stemmer(Xapian::Stem(stemmer_));
  // Stems only, each with positions (phrases match on stems, as in FTS5 with
  // porter): half the terms of STEM_SOME, which also stored every word as
  // written. The free-text prefixes start with "Z" (schema.h).
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
  // Chinese, Japanese and Korean text has no spaces between words: each
  // run of it is indexed as its characters and pairs of characters, so a
  // word inside a run is found (schema 8; the query parser splits the
  // query the same way).
  generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
}

DocumentBuilder::~DocumentBuilder() = default;

std::size_t DocumentBuilder::spelling_words() const {
  return stemmer_->pending_words();
}

void DocumentBuilder::take_spelling(SpellingCounts& counts) {
  stemmer_->take(counts);
}

void DocumentBuilder::flush_spelling(Xapian::WritableDatabase& db) {
  SpellingCounts counts;
  stemmer_->take(counts);
  tlsearch::flush_spelling(counts, db);
}

Xapian::Document DocumentBuilder::build(const Event& event, const FileStamp& stamp,
                                        bool spelling) {
  Xapian::Document doc;
  Xapian::TermGenerator& generator = generator_;
  generator.set_document(doc);
  // Spelling words come from the text of the default field only, once.
  auto text = [&](const std::string& value, Xapian::termcount weight = 1) {
    if (value.empty()) return;
    stemmer_->counting = spelling;
    generator.index_text(text_for_words(value), weight, schema::kText);
    stemmer_->counting = false;
  };
  auto field = [&](const std::string& value, const char* prefix) {
    if (!value.empty()) generator.index_text(text_for_words(value), 1, prefix);
  };

  // Free text. Each field is separated by a position gap so that a phrase
  // never matches across two fields or two actors.
  auto gap = [&] { generator.increase_termpos(100); };
  text(event.title, schema::kTitleWeight);
  field(event.title, schema::kTitle);
  gap();
  text(event.body_text);
  gap();
  text(event.description);
  gap();
  text(event.notes);
  gap();
  text(event.location);
  gap();
  for (const auto& actor : event.actors) {
    text(actor);
    field(actor, schema::kActorText);
    gap();
  }
  for (const auto& source : event.sources) {
    text(source.title);
    gap();
    text(source.outlet);
    field(source.outlet, schema::kOutletText);
    gap();
  }
  // Boolean filter terms and facets.
  doc.add_boolean_term(schema::path_term(event.path));
  add_boolean(doc, schema::kId, schema::id_key(event.id));
  std::array<Entries, schema::kFacets.size()> groups;
  add_facet(doc, schema::Facet::kLanes, entries_for(event.lanes), groups);
  add_facet(doc, schema::Facet::kActors, entries_for(event.actors), groups);
  add_facet(doc, schema::Facet::kTags, entries_for(event.tags), groups);
  add_facet(doc, schema::Facet::kStatus, single_entry(event.status), groups);
  add_facet(doc, schema::Facet::kType, single_entry(event.type), groups);
  if (event.date.has_year()) {
    std::string year = std::to_string(event.date.year);
    add_facet(doc, schema::Facet::kYear, {{year, year}}, groups);
    doc.add_value(schema::kSlotDate,
                  Xapian::sortable_serialise(
                      static_cast<double>(event.date.sort_key())));
  }
  if (event.importance) {
    std::string imp = std::to_string(*event.importance);
    add_facet(doc, schema::Facet::kImportance, {{imp, imp}}, groups);
    doc.add_value(schema::kSlotImportance,
                  Xapian::sortable_serialise(*event.importance));
  }
  std::string facets = schema::pack_facet_ids(facets_.ids(groups));
  if (!facets.empty()) doc.add_value(schema::kSlotFacets, facets);
  for (const auto& source : event.sources) {
    add_boolean(doc, schema::kOutlet, facet_key(source.outlet));
    add_boolean(doc, schema::kTier, facet_key(source.tier));
  }
  for (const auto& link : event.links) add_boolean(doc, schema::kLink, link);

  doc.add_value(schema::kSlotFile, encode_file_slot(stamp, event.path));
  if (!event.body_markdown.empty()) doc.add_value(schema::kSlotBody, event.body_markdown);
  if (!event.body_text.empty()) doc.add_value(schema::kSlotText, event.body_text);
  doc.set_data(event_to_document_data(event));
  return doc;
}

void flush_spelling(SpellingCounts& counts, Xapian::WritableDatabase& db) {
  for (const auto& [word, freq] : counts) db.add_spelling(word, freq);
  counts.clear();
}

}  // namespace tlsearch
