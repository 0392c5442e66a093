// The schema's packed facet values and facet table, which the indexer
// writes and the searcher reads.
#include "tlsearch/schema.h"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "tlsearch/normalize.h"
#include "facet_dictionary.h"
#include "../test_support.h"

namespace tlsearch {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("packed facet values round-trip", "[schema]") {
  const Entries entries = {
      {"media capture and control", "Media Capture & Control"},
      {"courts", "Courts"},
      {"cafe", "Caf\u00E9"}};
  const std::string packed = schema::pack_facet_values(entries);
  // Each label gives its key back, so the labels alone are stored.
  CHECK(packed ==
        "Media Capture & Control\x1e"
        "Courts\x1e"
        "Caf\u00E9");
  CHECK(schema::unpack_facet_values(packed) == entries);
}

TEST_CASE("a key its label does not give is stored with the label", "[schema]") {
  const Entries entries = {{"nyt", "The New York Times"}, {"courts", "Courts"}};
  const std::string packed = schema::pack_facet_values(entries);
  CHECK(packed ==
        "nyt\x1f"
        "The New York Times\x1e"
        "Courts");
  CHECK(schema::unpack_facet_values(packed) == entries);
  CHECK(schema::unpack_facet_entry("Courts") == std::make_pair(std::string("courts"),
                                                               std::string("Courts")));
}

TEST_CASE("packing drops empty keys and repeated keys", "[schema]") {
  const Entries entries = {{"", "Blank"},
                           {"courts", "Courts"},
                           {"courts", "COURTS"},
                           {"media", "Media"}};
  CHECK(schema::unpack_facet_values(schema::pack_facet_values(entries)) ==
        Entries{{"courts", "Courts"}, {"media", "Media"}});
  CHECK(schema::pack_facet_values({}) == "");
}

TEST_CASE("unpacking tolerates empty and label-less input", "[schema]") {
  CHECK(schema::unpack_facet_values("").empty());
  CHECK(schema::unpack_facet_values("solo") == Entries{{"solo", "solo"}});
  CHECK(schema::unpack_facet_values("a\x1f"
                                    "A\x1e"
                                    "b") == Entries{{"a", "A"}, {"b", "b"}});
  CHECK(schema::unpack_facet_values("a\x1f") == Entries{{"a", ""}});
}

TEST_CASE("normalised values survive packing unchanged", "[schema]") {
  // facet_key() and display_label() never produce the separators, so
  // whatever a file says comes back as it went in.
  const std::string raw =
      "Tricky\x1e"
      "Value\x1f"
      "Here";
  const Entries entries = {{facet_key(raw), display_label(raw)}};
  CHECK(schema::unpack_facet_values(schema::pack_facet_values(entries)) ==
        entries);
  CHECK(entries[0].first == "tricky value here");
}

TEST_CASE("facets are found by name and by field", "[schema]") {
  const schema::FacetInfo* by_name = schema::find_facet("lanes");
  const schema::FacetInfo* by_field = schema::find_facet("lane");
  REQUIRE(by_name != nullptr);
  CHECK(by_name == by_field);
  CHECK(by_name->facet == schema::Facet::kLanes);
  CHECK(std::string(by_name->term_prefix) == schema::kLane);
  REQUIRE(schema::find_facet("actor") != nullptr);
  CHECK(schema::find_facet("actor")->facet == schema::Facet::kActors);
  CHECK(schema::find_facet("tags")->facet == schema::Facet::kTags);
  CHECK(schema::find_facet("year")->facet == schema::Facet::kYear);
  CHECK(schema::find_facet("nope") == nullptr);
  CHECK(schema::find_facet("") == nullptr);
  CHECK(schema::find_facet("Lanes") == nullptr);
}

TEST_CASE("every facet has its own prefix and name", "[schema]") {
  for (const auto& a : schema::kFacets) {
    CHECK(&schema::facet_info(a.facet) == &a);
    CHECK(&schema::kFacets[schema::facet_index(a.facet)] == &a);
    for (const auto& b : schema::kFacets) {
      if (&a == &b) continue;
      CHECK(std::string(a.term_prefix) != b.term_prefix);
      CHECK(std::string(a.name) != b.name);
    }
  }
}

// Every facet's ids in one slot: empty groups in front, between and at the
// end must keep each id in its own facet, at every varint length.
TEST_CASE("facet ids pack into one slot and read back by facet", "[schema]") {
  auto read_back = [](const std::string& packed) {
    std::string out;
    bool ok = schema::for_each_facet_id(packed, [&](std::size_t i, std::uint32_t id) {
      out += std::to_string(i) + ":" + std::to_string(id) + "|";
    });
    return ok ? out : "bad:" + out;
  };
  schema::FacetIds none;
  CHECK(schema::pack_facet_ids(none).empty());
  CHECK(read_back("").empty());

  schema::FacetIds some;
  some[1] = {0, 127, 128};
  some[4] = {16383, 16384, 4294967295u};
  const std::string packed = schema::pack_facet_ids(some);
  CHECK(read_back(packed) == "1:0|1:127|1:128|4:16383|4:16384|4:4294967295|");
  // Counts and ids: 1, 1 + 1 + 1 + 2, 1, 1, 1 + 2 + 3 + 5 bytes.
  CHECK(packed.size() == 19);

  schema::FacetIds ends;
  ends[0] = {5};
  ends[6] = {9};
  CHECK(read_back(schema::pack_facet_ids(ends)) == "0:5|6:9|");

  // Damaged values stop without reading past the end.
  CHECK(read_back(packed.substr(0, packed.size() - 1)).rfind("bad:", 0) == 0);
  CHECK(read_back(std::string("\x02\x01", 2)) == "bad:0:1|");
  CHECK(read_back(std::string(6, '\xff')) == "bad:");
  CHECK(read_back(std::string(8, '\x00')) == "bad:");  // more groups than facets
}

TEST_CASE("facet entries drop empty and repeated keys", "[schema]") {
  CHECK(schema::facet_entries({{"courts", "Courts"}, {"", "x"}, {"courts", "courts"},
                               {"nyt", "The New York Times"}}) ==
        std::vector<std::string>{"Courts", "nyt\x1fThe New York Times"});
}

// The facet dictionary, in a real Xapian database: ids survive a save and
// a reload, a second run appends after them, chunks are read lazily.
TEST_CASE("facet dictionary saves, reloads and extends ids", "[schema][facets]") {
  test::TempDir dir;
  const std::string path = (dir / "db").string();
  using Groups = std::array<schema::FacetEntries, schema::kFacets.size()>;
  const std::size_t actors = schema::facet_index(schema::Facet::kActors);
  const std::size_t lanes = schema::facet_index(schema::Facet::kLanes);

  schema::FacetDictionary first;
  Groups a;
  a[lanes] = {{"courts", "Courts"}};
  a[actors] = {{"amazon", "Amazon"}, {"ring", "Ring"}, {"amazon", "AMAZON"}};
  schema::FacetIds ids = first.ids(a);
  CHECK(ids[lanes] == std::vector<std::uint32_t>{0});
  CHECK(ids[actors] == std::vector<std::uint32_t>{0, 1});  // one amazon only
  // Another spelling of a key is another entry; the same spelling the same id.
  Groups b;
  b[actors] = {{"amazon", "AMAZON"}, {"ring", "Ring"}};
  CHECK(first.ids(b)[actors] == std::vector<std::uint32_t>{2, 1});
  // Enough actors for three chunks.
  const std::uint32_t many = 2 * schema::kFacetChunk + 10;
  for (std::uint32_t i = 3; i < many; ++i) {
    Groups g;
    g[actors] = {{"actor " + std::to_string(i), "Actor " + std::to_string(i)}};
    REQUIRE(first.ids(g)[actors] == std::vector<std::uint32_t>{i});
  }
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    first.save(db);
    db.commit();
  }

  Xapian::Database read(path);
  CHECK(read.get_metadata(schema::facet_count_key(actors)) == std::to_string(many));
  schema::FacetEntryReader reader;
  CHECK(reader.size(read, actors) == many);
  CHECK(reader.size(read, schema::facet_index(schema::Facet::kTags)) == 0);
  REQUIRE(reader.entry(read, actors, 2) != nullptr);
  CHECK(*reader.entry(read, actors, 2) == "AMAZON");
  REQUIRE(reader.entry(read, actors, many - 1) != nullptr);
  CHECK(*reader.entry(read, actors, many - 1) == "Actor " + std::to_string(many - 1));
  CHECK(reader.entry(read, actors, many) == nullptr);
  CHECK(reader.entry(read, lanes, 1) == nullptr);

  // A later run: the same entries keep their ids, new ones come after.
  {
    Xapian::WritableDatabase db(path, Xapian::DB_OPEN);
    schema::FacetDictionary second(db);
    REQUIRE(second.entry(actors, 1) != nullptr);
    CHECK(*second.entry(actors, 1) == "Ring");
    Groups c;
    c[actors] = {{"ring", "Ring"}, {"zed", "Zed"}};
    CHECK(second.ids(c)[actors] == std::vector<std::uint32_t>{1, many});
    second.save(db);
    db.commit();
  }
  read.reopen();
  reader.clear();
  CHECK(reader.size(read, actors) == many + 1);
  REQUIRE(reader.entry(read, actors, many) != nullptr);
  CHECK(*reader.entry(read, actors, many) == "Zed");
  CHECK(*reader.entry(read, actors, 0) == "Amazon");

  // Ids move from one dictionary to another by entry.
  schema::FacetDictionary fresh;
  schema::FacetIds old_ids;
  old_ids[actors] = {many, 1, many + 7};  // the last one unknown: dropped
  const std::string moved =
      fresh.translate(schema::FacetDictionary(read), schema::pack_facet_ids(old_ids));
  std::vector<std::string> spelt;
  schema::for_each_facet_id(moved, [&](std::size_t index, std::uint32_t id) {
    CHECK(index == actors);
    spelt.push_back(*fresh.entry(index, id));
  });
  CHECK(spelt == std::vector<std::string>{"Zed", "Ring"});
}

}  // namespace
TEST_CASE("boolean terms of any key length stay distinct and within Xapian's limit",
          "[schema]") {
  CHECK(schema::boolean_term("XTAG:", "courts") == "XTAG:courts");
  CHECK(schema::term_key("XTAG:courts", "XTAG:") == "courts");
  const std::string fits(schema::kMaxTermBytes - 5, 'x');
  CHECK(schema::boolean_term("XTAG:", fits) == "XTAG:" + fits);
  // Two long keys that differ only at the end: distinct terms.
  const std::string head(300, 'x');
  const std::string a = schema::boolean_term("XID:", head + "a");
  const std::string b = schema::boolean_term("XID:", head + "b");
  CHECK(a != b);
  CHECK(a.size() <= schema::kMaxTermBytes);
  CHECK(a.rfind("XID:#", 0) == 0);
  CHECK(a == schema::boolean_term("XID:", head + "a"));  // stable
  CHECK(schema::term_key(a, "XID:").rfind("xxxx", 0) == 0);
  CHECK(schema::term_key(a, "XID:").size() >= 3);
  CHECK(schema::term_key(a, "XID:").substr(schema::term_key(a, "XID:").size() - 3) == "...");
  // The kept head never ends inside a UTF-8 character.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\u00E9";  // 2 bytes each
  for (const char* prefix : {"XTAG:", "XACTOR:", "XLANE:"}) {
    const std::string term = schema::boolean_term(prefix, accents);
    INFO(prefix);
    CHECK(term.size() <= schema::kMaxTermBytes);
    const std::string key = schema::term_key(term, prefix);
    const std::string kept = key.substr(0, key.size() - 3);
    CHECK(kept.size() % 2 == 0);
    CHECK(accents.compare(0, kept.size(), kept) == 0);
  }
  // Paths keep their (long-standing) format: hash and last 100 bytes.
  const std::string path = "/" + std::string(300, 'p') + "/event.md";
  const std::string q = schema::path_term(path);
  CHECK(q.size() <= schema::kMaxTermBytes);
  CHECK(q.rfind("Q#", 0) == 0);
  CHECK(q.substr(q.size() - 9) == "/event.md");
  CHECK(schema::path_term("/short/event.md") == "Q/short/event.md");
}

TEST_CASE("an id's key reads it as the front matter does", "[schema]") {
  CHECK(schema::id_key("  2024-01-02--Ring  ") == "2024-01-02--ring");
  // Runs of spaces are one, as in the parsed id, so the id as written in
  // the file finds the event.
  CHECK(schema::id_key("a  b") == schema::id_key("a b"));
  CHECK(schema::id_key("\u00c9V\u00c9NEMENT") == schema::id_key("\u00e9v\u00e9nement"));
  CHECK(schema::id_key("   ").empty());
}

}  // namespace tlsearch
