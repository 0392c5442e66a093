#include "fixture.h"

#include <algorithm>
#include <utility>

#include <catch2/catch.hpp>

namespace tlsearch::test {

std::string event_text(const std::string& id, const std::string& date,
                       const std::string& title, int importance,
                       const std::string& lanes, const std::string& actors,
                       const std::string& tags, const std::string& body,
                       const std::string& status) {
  return "---\nid: " + id + "\ndate: '" + date + "'\ntitle: \"" + title +
         "\"\nimportance: " + std::to_string(importance) +
         "\nstatus: " + status + "\ncapture_lanes: " + lanes +
         "\nactors: " + actors + "\ntags: " + tags +
         "\nsources:\n- title: A report\n  outlet: Example Wire\n  tier: 1\n"
         "---\n\n" + body + "\n";
}

Timeline::Timeline() {
  auto w = [&](const std::string& name, const std::string& text) {
    write_file(events() / name, text);
  };
  w("a.md", event_text("doorbell-portal", "2019-08-28",
                       "Doorbell company opens police portal for footage requests", 8,
                       "[Surveillance Infrastructure, Corporate Capture]",
                       "[Ring, Amazon]", "[police-access, doorbell]",
                       "Police departments could ask owners for camera footage "
                       "without a warrant through the portal."));
  w("b.md", event_text("warrantless-requests", "2021-06-03",
                       "Report counts warrantless footage requests by police", 7,
                       "[Surveillance Infrastructure]", "[Ring, Police Departments]",
                       "[Police Access, warrants]",
                       "The report found thousands of requests for footage. "
                       "No warrant was needed for most of them."));
  w("c.md", event_text("wiretap-law", "1978-10-25",
                       "Congress passes a wiretap warrant law", 6,
                       "[Surveillance Infrastructure, Judicial Capture]",
                       "[Congress]", "[warrants, wiretap]",
                       "A special court would approve each wiretap warrant "
                       "for foreign intelligence."));
  w("d.md", event_text("media-merger", "1996-02-08",
                       "Broadcast ownership limits lifted", 5,
                       "[Media Capture & Control]", "[Congress, Broadcasters]",
                       "[media, deregulation]",
                       "Station groups merged quickly after the limits went away."));
  w("e.md", event_text("media-script", "2018-03-31",
                       "Station group orders anchors to read a script", 4,
                       "[media capture and control]", "[Broadcasters]",
                       "[media]", "Anchors read the same words on dozens of stations."));
  w("f.md", event_text("bank-run", "2023-03-10",
                       "Regional bank collapses after a run", 6,
                       "[Financial Capture]", "[Regulators]", "[banking]",
                       "Depositors withdrew billions in one day."));
  w("g.md", event_text("ancient-council", "1600",
                       "Council of nations governs by consensus", 3,
                       "[Democratic Innovation]", "[Council]", "[governance]",
                       "Decisions needed the agreement of every nation."));
  w("h.md", event_text("undated-note", "",
                       "An undated event about footage archives", 2,
                       "[Surveillance Infrastructure]", "[Archivists]", "[archive]",
                       "Old footage was kept in boxes.", "reported"));
  index();
}

IndexSummary Timeline::index() const {
  IndexOptions options;
  options.db_path = db();
  return index_paths({events()}, options);
}

std::string facet_string(const SearchResult& result, const std::string& facet) {
  std::string out;
  for (const auto& f : result.facets) {
    if (f.name != facet) continue;
    for (const auto& v : f.values) {
      if (!out.empty()) out += "|";
      out += facet + ":" + v.value + "=" + std::to_string(v.count);
    }
  }
  return out;
}

std::vector<std::string> hit_ids(const SearchResult& result) {
  std::vector<std::string> ids;
  for (const auto& h : result.hits) ids.push_back(h.id);
  return ids;
}

std::size_t check_pages_are_slices(Searcher& searcher, const std::string& query) {
  INFO(query);
  SearchRequest whole;
  whole.query = query;
  whole.limit = 10000;
  whole.facet_limit = 0;
  const SearchResult reference = searcher.search(whole);
  REQUIRE(reference.hits.size() == reference.total);
  if (reference.total < 3) return reference.total;
  for (const auto& [offset, limit] : std::vector<std::pair<std::size_t, std::size_t>>{
           {0, 1}, {0, 10}, {3, 7}, {10, 10}, {25, 5}, {500, 3}, {reference.total - 2, 10}}) {
    INFO(offset << "+" << limit);
    SearchRequest page = whole;
    page.offset = offset;
    page.limit = limit;
    const SearchResult got = searcher.search(page);
    CHECK(got.total == reference.total);
    const std::size_t end = std::min(reference.hits.size(), offset + limit);
    REQUIRE(got.hits.size() == (offset < end ? end - offset : 0));
    for (std::size_t i = 0; i < got.hits.size(); ++i) {
      CHECK(got.hits[i].path == reference.hits[offset + i].path);
      CHECK(got.hits[i].score == Approx(reference.hits[offset + i].score).epsilon(1e-12));
    }
  }
  return reference.total;
}

}  // namespace tlsearch::test
