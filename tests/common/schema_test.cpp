// The schema's packed facet values and facet table, which the indexer
// writes and the searcher reads.
#include "tlsearch/schema.h"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("packed facet values round-trip", "[schema]") {
  const Entries entries = {
      {"media capture and control", "Media Capture & Control"},
      {"courts", "Courts"},
      {"caf\u00E9", "Caf\u00E9"}};
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

// Every facet's values in one slot: empty groups in front, between and at
// the end must keep each value in its own facet.
TEST_CASE("all facets pack into one slot and read back by facet", "[schema]") {
  using Groups = std::array<schema::FacetEntries, schema::kFacets.size()>;
  auto read_back = [](const std::string& packed) {
    std::string out;
    schema::for_each_facet_entry(packed, [&](std::size_t i, std::string_view entry) {
      auto [key, label] = schema::unpack_facet_entry(entry);
      out += std::to_string(i) + ":" + key + "=" + label + "|";
    });
    return out;
  };
  Groups none;
  CHECK(schema::pack_facets(none).empty());
  CHECK(read_back("").empty());

  Groups some;
  some[1] = {{"amazon", "Amazon"}, {"ring", "Ring"}};
  some[4] = {{"timeline event", "timeline_event"}};
  const std::string packed = schema::pack_facets(some);
  CHECK(read_back(packed) == "1:amazon=Amazon|1:ring=Ring|4:timeline event=timeline_event|");
  CHECK(schema::facet_group(packed, 0).empty());
  CHECK(schema::unpack_facet_values(schema::facet_group(packed, 1)) == some[1]);
  CHECK(schema::unpack_facet_values(schema::facet_group(packed, 4)) == some[4]);
  CHECK(schema::facet_group(packed, 6).empty());

  Groups ends;
  ends[0] = {{"a", "A"}};
  ends[6] = {{"9", "9"}};
  CHECK(read_back(schema::pack_facets(ends)) == "0:a=A|6:9=9|");
}

}  // namespace
}  // namespace tlsearch
