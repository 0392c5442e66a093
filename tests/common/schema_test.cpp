// The schema's packed facet values and facet table, which the indexer
// writes and the searcher reads.
#include "tlsearch/schema.h"

#include <catch2/catch.hpp>
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
  CHECK(packed ==
        "media capture and control\x1f"
        "Media Capture & Control\x1e"
        "courts\x1f"
        "Courts\x1e"
        "caf\u00E9\x1f"
        "Caf\u00E9");
  CHECK(schema::unpack_facet_values(packed) == entries);
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

TEST_CASE("every facet has its own slot and prefix", "[schema]") {
  for (const auto& a : schema::kFacets) {
    CHECK(&schema::facet_info(a.facet) == &a);
    CHECK(a.slot != schema::kSlotDate);
    CHECK(a.slot != schema::kSlotImportance);
    CHECK(a.slot != schema::kSlotFile);
    for (const auto& b : schema::kFacets) {
      if (&a == &b) continue;
      CHECK(a.slot != b.slot);
      CHECK(std::string(a.term_prefix) != b.term_prefix);
      CHECK(std::string(a.name) != b.name);
    }
  }
}

}  // namespace
}  // namespace tlsearch
