// The Xapian schema of a tlsearch index: term prefixes, value slots and the
// facet table. Xapian enforces no schema, so this file is the contract the
// indexer writes and the searcher reads; docs/schema.md explains each entry
// and must change with it. Bump kSchemaVersion on any incompatible change.
#ifndef TLSEARCH_SCHEMA_H
#define TLSEARCH_SCHEMA_H

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsearch::schema {

// Stored in the database metadata under kMetaSchemaVersion. A searcher
// refuses an index written with another version.
inline constexpr int kSchemaVersion = 10;
inline constexpr const char* kMetaSchemaVersion = "tlsearch.schema";
// Files a run skipped (no front matter, a JSON that is no event), as a JSON
// array of [path, size, mtime_ns, reason]: the next run knows them by their
// stamp, as it knows indexed files, instead of reading them again.
inline constexpr const char* kMetaSkipped = "tlsearch.skipped";

// The index folder (docs/schema.md, "Layout on disk"): a Xapian stub file
// naming the live generation, a folder `gN`; the first run creates `g1`.
inline constexpr const char* kStubFile = "XAPIANDB";
inline constexpr const char* kFirstGeneration = "g1";

// The generation folder the stub in index folder `db` names (`g12`), or ""
// when there is no stub (a new folder, or a database written directly in
// it before generations). Shared by the indexer, which swaps generations,
// and the searcher, which reports them in `stats`.
std::string stub_generation(const std::string& db);

// ---- Free-text prefixes (English stems, with positions) --------------------
// Every free-text term is "Z" + field prefix + the stem of a word, with its
// positions (TermGenerator::STEM_ALL under these prefixes). kText holds all
// searchable text: title (weighted), body, notes, description, actors, source
// titles and outlets, location. Words as written are not indexed: the stem
// answers the word and its other forms, and phrases match on stems. The "Z"
// on every field keeps Xapian's snippet highlighter and wildcard expansion
// (which both see the query's prefixed terms) working on stems.
inline constexpr const char* kText = "Z";          // default field
inline constexpr const char* kTitle = "ZS";        // title:
inline constexpr const char* kActorText = "ZXA";   // actor: (words of names)
inline constexpr const char* kOutletText = "ZXW";  // outlet: (words of outlets)
// wdf multiplier of title words in the unprefixed text, so BM25 ranks a title
// match above the same word in the body.
inline constexpr unsigned kTitleWeight = 4;

// ---- Boolean filter terms: prefix + facet_key(value) -----------------------
inline constexpr const char* kPath = "Q";  // unique: canonical absolute path
inline constexpr const char* kId = "XID:";          // id: (lower-cased id)
inline constexpr const char* kLane = "XLANE:";      // lane:, --lane
inline constexpr const char* kActor = "XACTOR:";    // --actor (whole name)
inline constexpr const char* kTag = "XTAG:";        // tag:, --tag
inline constexpr const char* kStatus = "XSTATUS:";  // status:, --status
inline constexpr const char* kType = "XTYPE:";      // type:, --type
inline constexpr const char* kOutlet = "XOUTLET:";  // whole outlet name
inline constexpr const char* kTier = "XTIER:";      // tier: source tier
inline constexpr const char* kYear = "XYEAR:";      // year:2024
inline constexpr const char* kLink = "XLINK:";      // wikilink target id
// The value of an event's kId term: the id trimmed, ASCII letters
// lower-cased, so `id:` lookups ignore case. Empty when the id is blank.
std::string id_key(std::string_view id);
// The longest term written (prefix included); Xapian's limit is 245 bytes.
inline constexpr std::size_t kMaxTermBytes = 240;
// The boolean term of `key` under `prefix`: prefix + key, or, when that is
// longer than kMaxTermBytes, prefix + "#" + 16 hex digits of a 64-bit hash of
// the whole key + ":" + the key's first bytes (whole UTF-8 characters), so
// an id, tag or actor of any length is still a filter. The indexer and every
// lookup build terms with it.
std::string boolean_term(std::string_view prefix, std::string_view key);
// The key a boolean_term holds after `prefix`: the key itself, or for a
// hashed one the kept first bytes followed by "...".
std::string term_key(std::string_view term, std::string_view prefix);
// The unique kPath term of an event file's absolute path; a path too long
// for a term becomes kPath + "#" + hash + ":" + its last 100 bytes.
std::string path_term(std::string_view path);

// The path an event file is indexed under, given its absolute path: its
// folder's real path (symbolic links resolved) and its own name, so that a
// timeline reached through a link is the same events. `absolute` as it is
// when the folder cannot be resolved.
std::string indexed_file_path(const std::string& absolute);

// ---- Value slots ------------------------------------------------------------
// kSlotDate: sortable_serialise(EventDate::sort_key()) (yyyymmdd), absent
// when the event has no year. kSlotImportance: sortable_serialise(1-10).
// kSlotFile: "<size> <mtime_ns> <path>" used by incremental indexing; the
// path byte for byte, even where it is not UTF-8 (file_slot_path).
// kSlotFacets: every facet value of the event, as ids (see Facets below).
// kSlotBody: the Markdown body as written, for `show` and full events.
// kSlotText: the body as plain text (markdown_to_text), which snippets are
// cut from. Neither is in the document data: a hit's snippet text is then
// one read, with no zlib inflate and no Markdown parse, and the JSON read
// for every hit stays small (bench/README.md has the figures).
inline constexpr unsigned kSlotDate = 0;
inline constexpr unsigned kSlotImportance = 1;
inline constexpr unsigned kSlotFile = 2;
inline constexpr unsigned kSlotFacets = 3;
inline constexpr unsigned kSlotBody = 4;
inline constexpr unsigned kSlotText = 5;

// The path held in a kSlotFile value, or "" if the value is malformed.
std::string file_slot_path(const std::string& value);

// ---- Facets ------------------------------------------------------------------
// All facet values of a document live in one slot, kSlotFacets, as small
// integer ids, one group per facet in kFacets order; the index's metadata
// maps each id to its packed entry, the display spelling (and the key when
// it cannot be derived from the spelling). facet_dictionary.h has both
// formats. The searcher's facet match spy reads that one slot per match
// and counts every id, so counts are exact for multi-valued facets at the
// cost of one small value read per match.
enum class Facet { kLanes, kActors, kTags, kStatus, kType, kYear, kImportance };

struct FacetInfo {
  Facet facet;
  const char* name;         // JSON name and /api/facets/{name}
  const char* field;        // query field prefix and CLI option (`lane`)
  const char* term_prefix;  // boolean filter term prefix
};

inline constexpr std::array<FacetInfo, 7> kFacets = {{
    {Facet::kLanes, "lanes", "lane", kLane},
    {Facet::kActors, "actors", "actor", kActor},
    {Facet::kTags, "tags", "tag", kTag},
    {Facet::kStatus, "status", "status", kStatus},
    {Facet::kType, "type", "type", kType},
    {Facet::kYear, "year", "year", kYear},
    {Facet::kImportance, "importance", "importance", "XIMP:"},
}};

const FacetInfo& facet_info(Facet facet);
// The position of `facet` in kFacets (its group in kSlotFacets).
std::size_t facet_index(Facet facet);
// Looks a facet up by JSON name (`lanes`) or field (`lane`); nullptr if none.
const FacetInfo* find_facet(std::string_view name_or_field);

// Separators of packed entries (kEntrySep also joins the entries of a
// facet dictionary chunk); facet_key() and display_label() never produce
// them.
inline constexpr char kEntrySep = '\x1e';
inline constexpr char kLabelSep = '\x1f';

using FacetEntries = std::vector<std::pair<std::string, std::string>>;

// The packed entry of each (key, label) pair: the label alone when
// facet_key(label) gives the key back (nearly always), else
// "key\x1flabel". Pairs with an empty key are dropped, as are later pairs
// repeating a key.
std::vector<std::string> facet_entries(const FacetEntries& entries);

// (key, label) pairs -> facet_entries() joined by kEntrySep.
std::string pack_facet_values(const FacetEntries& entries);
// Inverse of pack_facet_values(). Tolerates an empty string (no entries).
FacetEntries unpack_facet_values(std::string_view packed);
// The (key, label) of one packed entry.
std::pair<std::string, std::string> unpack_facet_entry(std::string_view entry);

// Document data: a JSON object without the body (event_json.h); the body is
// in kSlotBody and kSlotText. docs/schema.md lists the fields.
inline constexpr int kDataVersion = 3;

}  // namespace tlsearch::schema

#endif  // TLSEARCH_SCHEMA_H
