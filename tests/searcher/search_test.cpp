// Query syntax, filters, sorting, pagination, facets and snippets, on the
// inline fixture timeline (fixture.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <utility>
#include <thread>
#include <vector>

#include "corpus_counts.h"
#include "tlsearch/normalize.h"
#include "fixture.h"
#include "tlsearch/error.h"

using namespace tlsearch;
using tlsearch::test::facet_string;
using tlsearch::test::hit_ids;
using tlsearch::test::TempDir;
using tlsearch::test::write_file;

namespace {

SearchRequest query(const std::string& text) {
  SearchRequest r;
  r.query = text;
  r.limit = 50;
  r.facet_limit = 100;
  return r;
}

// The ids of the events `q` finds, sorted.
std::vector<std::string> sorted_ids(Searcher& s, const std::string& q) {
  auto ids = hit_ids(s.search(query(q)));
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_CASE("ranked search puts events matching in the title first", "[search]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto r = s.search(query("police footage warrant"));
  // Every word is required: the wiretap law has "warrant" but not footage.
  REQUIRE(r.total == 2);
  auto ids = hit_ids(r);
  CHECK(contains(ids, "doorbell-portal"));
  CHECK(contains(ids, "warrantless-requests"));
  CHECK(r.hits[0].score >= r.hits[1].score);
  CHECK(r.hits[0].score > 0);
}

TEST_CASE("stemming matches other forms of a word", "[search]") {
  test::Timeline t;
  auto r = t.searcher().search(query("request"));
  auto ids = hit_ids(r);
  CHECK(contains(ids, "doorbell-portal"));       // "requests"
  CHECK(contains(ids, "warrantless-requests"));
}

TEST_CASE("words are indexed by stem: phrases and highlights follow", "[search][stemming]") {
  test::Timeline t;
  Searcher s = t.searcher();
  // Titles say "footage requests"; the phrase matches it in another form.
  auto phrase = s.search(query("\"footage request\""));
  CHECK(phrase.total == 2);
  CHECK(contains(hit_ids(phrase), "doorbell-portal"));
  CHECK(contains(hit_ids(phrase), "warrantless-requests"));
  // The snippet marks the word as written in the text, not the query's form.
  auto r = s.search(query("requesting thousands"));
  REQUIRE(r.total == 1);
  CHECK(r.hits[0].snippet.find("<mark>requests</mark>") != std::string::npos);
  CHECK(r.hits[0].snippet.find("<mark>thousands</mark>") != std::string::npos);
  // Wildcards expand over the stems: "governs" and "governance" share one.
  CHECK(hit_ids(s.search(query("govern*"))) ==
        std::vector<std::string>{"ancient-council"});
  CHECK(hit_ids(s.search(query("title:depos*"))).empty());
  CHECK(hit_ids(s.search(query("depos*"))) == std::vector<std::string>{"bank-run"});
}

TEST_CASE("phrases require adjacent words", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto r = s.search(query("\"wiretap warrant\""));
  CHECK(hit_ids(r) == std::vector<std::string>{"wiretap-law"});
  CHECK(s.search(query("\"warrant wiretap\"")).total == 0);
}

TEST_CASE("boolean operators, exclusion and wildcards", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  CHECK(s.search(query("wiretap OR depositors")).total == 2);
  auto r = s.search(query("warrant NOT wiretap"));
  CHECK(!contains(hit_ids(r), "wiretap-law"));
  CHECK(r.total == 2);
  CHECK(s.search(query("footage -warrant")).total ==
        s.search(query("footage")).total - 2);
  auto w = s.search(query("wiret*"));
  CHECK(hit_ids(w) == std::vector<std::string>{"wiretap-law"});
}

TEST_CASE("field prefixes search one field", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  // "footage" is in several titles and bodies; title: keeps title matches.
  auto r = s.search(query("title:footage"));
  for (const auto& hit : r.hits) CHECK(hit.title.find("ootage") != std::string::npos);
  CHECK(r.total == 3);
  CHECK(hit_ids(s.search(query("actor:amazon"))) ==
        std::vector<std::string>{"doorbell-portal"});
  CHECK(s.search(query("actor:\"police departments\"")).total == 1);
  // Facet fields match any spelling of the value.
  CHECK(s.search(query("lane:\"Media Capture and Control\"")).total == 2);
  CHECK(s.search(query("lane:media-capture-&-control")).total == 2);
  CHECK(s.search(query("tag:police-access")).total == 2);
  CHECK(s.search(query("status:reported")).total == 1);
  CHECK(hit_ids(s.search(query("id:Bank-Run"))) == std::vector<std::string>{"bank-run"});
  CHECK(s.search(query("outlet:wire")).total == 8);
}

TEST_CASE("date and importance ranges in the query", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto r = s.search(query("date:2018..2021"));
  CHECK(r.total == 3);  // 2018-03-31, 2019-08-28, 2021-06-03
  CHECK(s.search(query("date:2019-08-01..2019-08-31")).total == 1);
  CHECK(s.search(query("date:2020..")).total == 2);
  CHECK(s.search(query("date:..1700")).total == 1);
  CHECK(s.search(query("date:1996")).total == 1);
  CHECK(s.search(query("importance:7..10")).total == 2);
  CHECK(s.search(query("footage importance:8..10")).total == 1);
  // A value and a range of one field are alternatives, as two values are
  // (the range was ANDed with the value: nothing).
  CHECK(s.search(query("date:1996 date:2018..2019")).total == 3);
  CHECK(s.search(query("date:2018..2019 date:1996")).total == 3);
  CHECK(s.search(query("importance:6 importance:8..10")).total == 3);
  CHECK(s.search(query("importance:..3 importance:>=8")).total == 3);
}

TEST_CASE("date and importance comparisons: >, >=, < and <=", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto total = [&](const std::string& q) { return s.search(query(q)).total; };
  REQUIRE(total("date:2019") == 1);
  REQUIRE(total("importance:6") == 2);
  // Each comparison against the range it stands for (neither side empty).
  const std::pair<const char*, const char*> same[] = {
      {"date:>2019", "date:2020.."},
      {"date:>=2019", "date:2019.."},
      {"date:<2019", "date:..2018"},
      {"date:<=2019-08", "date:..2019-08"},
      {"date:>2019-08-27", "date:2019-08-28.."},
      {"importance:>6", "importance:7..10"},
      {"importance:>=6", "importance:6..10"},
      {"importance:<6", "importance:1..5"},
      {"importance:<=6", "importance:1..6"},
      {"footage importance:>=8", "footage importance:8..10"},
      {"importance:>=7 date:<2020", "importance:7..10 date:..2019"},
  };
  for (const auto& [comparison, range] : same) {
    INFO(comparison);
    CHECK(total(comparison) > 0);
    CHECK(total(comparison) == total(range));
  }
  // Strict and inclusive forms differ by exactly the bound's own events.
  CHECK(total("date:>=2019") == total("date:>2019") + total("date:2019"));
  CHECK(total("date:<=2019") == total("date:<2019") + total("date:2019"));
  CHECK(total("date:>2019-08-27") == total("date:>2019-08-28") + 1);
  CHECK(total("importance:>=6") == total("importance:>6") + 2);
  for (const char* none : {"date:>9999", "importance:>10", "importance:<1"}) {
    INFO(none);
    CHECK(total(none) == 0);
  }
  // Importance runs from 1 to 10: a value or range outside it finds nothing
  // and says why, without dropping the rest of the query.
  for (const char* outside : {"importance:11", "importance:0", "importance:>=11",
                              "importance:>10", "importance:<1", "importance:<=0",
                              "importance:11..20", "importance:..0", "footage importance:11"}) {
    INFO(outside);
    const auto r = s.search(query(outside));
    CHECK(r.total == 0);
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].find("importance runs from 1 to 10") != std::string::npos);
  }
  for (const char* inside : {"importance:10..20", "importance:>=1", "importance:..1"})
    CHECK(s.search(query(inside)).notices.empty());
  // A reversed range is reported as a date's is, not as "no searchable words".
  const auto reversed = s.search(query("importance:8..6"));
  CHECK(reversed.total == 0);
  REQUIRE(!reversed.notices.empty());
  CHECK(reversed.notices.front().find("'8..6' ends before it starts") != std::string::npos);
}

TEST_CASE("a malformed date or importance matches nothing and says what is expected",
          "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  REQUIRE(s.search(query("importance:6")).total == 2);
  // Regression: facet_key() folds `-` to a space, which once turned -6 into 6.
  for (const char* bad : {"importance:-6", "importance:+6", "importance:06", "importance:6.0",
                          "importance:abc", "importance:-10", "importance:high",
                          "importance:>>5", "importance:>", "date:>soon", "date:<=",
                          "date:=>2020"}) {
    INFO(bad);
    const auto r = s.search(query(bad));
    CHECK(r.total == 0);
    REQUIRE(!r.notices.empty());
    const std::string what = std::string(bad).substr(0, std::string(bad).find(':'));
    CHECK(r.notices.front().find("invalid " + what) != std::string::npos);
    CHECK(r.notices.front().find("expected") != std::string::npos);
  }
}

TEST_CASE("excluded items alone, and excluded ranges, exclude", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto total = [&](const std::string& q) { return s.search(query(q)).total; };
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  const std::size_t all = total("");
  REQUIRE(all == 8);
  // Xapian 1.4 reads a query of only `-x` items as if the `-` were not
  // there: `-footage` once returned the footage events themselves.
  const char* alone[] = {"footage", "lane:\"judicial capture\"", "\"camera footage\"",
                         "date:2019..2021", "title:wiretap", "tag:media"};
  for (const char* item : alone) {
    INFO(item);
    const std::size_t with = total(item);
    REQUIRE(with > 0);
    CHECK(total(std::string("-") + item) == all - with);
    CHECK(total(std::string("-") + item) == total(std::string("NOT ") + item));
    for (const auto& id : ids(std::string("-") + item)) CHECK(!contains(ids(item), id));
  }
  CHECK(total("-footage -wiretap") == total("NOT footage NOT wiretap"));
  CHECK(total("-footage -wiretap") == all - total("footage OR wiretap"));
  // NEAR/ADJ with a distance that is no number of words: the nearest
  // reading, with a notice, not the words "near 0" and a fallback.
  for (const auto& [typed, read] : std::vector<std::pair<std::string, std::string>>{
           {"police NEAR/0 footage", "police NEAR/1 footage"},
           {"police ADJ/0 footage", "police ADJ/1 footage"},
           {"police NEAR/x footage", "police NEAR footage"},
           {"police NEAR/-1 footage", "police NEAR footage"}}) {
    INFO(typed);
    const auto r = s.search(query(typed));
    CHECK(hit_ids(r) == ids(read));
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].find("the distance is a number of words from 1") != std::string::npos);
  }
  CHECK(s.search(query("police NEAR/2 footage")).notices.empty());
  // One that ends the query joins nothing: ignored, not the word "near".
  for (const char* q : {"police NEAR", "police ADJ/3"}) {
    INFO(q);
    const auto r = s.search(query(q));
    CHECK(hit_ids(r) == ids("police"));
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].find("ends the query with no word after it") != std::string::npos);
  }
  // Two signs, as on a command line, are one: not the words "not footage".
  CHECK(total("--footage") == all - total("footage"));
  CHECK(ids("police --footage") == ids("police -footage"));
  CHECK(ids("(police --footage)") == ids("police -footage"));
  // An excluded range beside words was a syntax error.
  for (const char* q : {"footage -date:2020..2023", "footage -importance:7..10"}) {
    INFO(q);
    const auto r = s.search(query(q));
    CHECK(r.notices.empty());
    CHECK(r.total > 0);
    CHECK(r.total < total("footage"));
  }
  CHECK(ids("footage -date:2020..2023") == ids("footage NOT date:2020..2023"));
  CHECK(!contains(ids("footage -date:2020..2023"), "warrantless-requests"));
  // Mixed queries are left to the parser as before.
  CHECK(total("footage -police") == total("footage NOT police"));
}

TEST_CASE("a filter beside OR applies to the whole query, as --from/--to do",
          "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  // wiretap (1978) OR footage (2019, 2021, undated): before 2000, only 1978.
  SearchRequest to;
  to.query = "wiretap OR footage";
  to.to = "1999";
  const auto expected = hit_ids(s.search(to));
  REQUIRE(expected == std::vector<std::string>{"wiretap-law"});
  for (const char* q : {"wiretap OR footage date:..1999", "date:..1999 wiretap OR footage",
                        "footage OR wiretap date:<2000", "(wiretap OR footage) date:..1999"}) {
    INFO(q);
    CHECK(ids(q) == expected);
  }
  CHECK(ids("wiretap OR footage year:2021") == std::vector<std::string>{"warrantless-requests"});
  CHECK(ids("footage OR wiretap tag:warrants") == ids("(footage OR wiretap) tag:warrants"));
  // A filter that is an operand stays one.
  CHECK(s.search(query("tag:wiretap OR tag:media")).total == 3);
  CHECK(s.search(query("footage OR date:1978")).total ==
        s.search(query("footage")).total + 1);
}

TEST_CASE("field names as the front matter spells them, in any case, unknown ones noted",
          "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  const std::pair<const char*, const char*> same[] = {
      {"tags:warrants", "tag:warrants"},
      {"actors:congress", "actor:congress"},
      {"capture_lanes:\"judicial capture\"", "lane:\"judicial capture\""},
      {"TITLE:wiretap", "title:wiretap"},
      {"Lane:\"media capture and control\"", "lane:\"media capture and control\""},
      {"footage -Tags:warrants", "footage -tag:warrants"},
  };
  for (const auto& [alias, field] : same) {
    INFO(alias);
    const auto r = s.search(query(alias));
    CHECK(r.total > 0);
    CHECK(hit_ids(r) == hit_ids(s.search(query(field))));
    CHECK(r.notices.empty());
  }
  // A name that is no field is searched as words, and said so.
  auto r = s.search(query("titel:wiretap"));
  REQUIRE(!r.notices.empty());
  CHECK(r.notices.front().find("'titel:' is not a field") != std::string::npos);
  CHECK(r.notices.front().find("did you mean 'title:'") != std::string::npos);
  r = s.search(query("colour:red"));
  REQUIRE(!r.notices.empty());
  CHECK(r.notices.front().find("fields: title") != std::string::npos);
  // Not field names: a phrase, a time, a web address, a colon before a space.
  for (const char* q : {"\"titel:wiretap\"", "wiretap 10:30", "https://example.com",
                        "Note: wiretap"}) {
    INFO(q);
    for (const auto& notice : s.search(query(q)).notices)
      CHECK(notice.find("not a field") == std::string::npos);
  }
}

TEST_CASE("an open quote or bracket is closed at the end, with a notice", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  const std::pair<const char*, const char*> cases[] = {
      {"\"camera footage", "a quote is not closed"},
      {"(footage OR wiretap", "a bracket is not closed"},
      {"footage)", "a closing bracket has no opening one"},
  };
  for (const auto& [q, notice] : cases) {
    INFO(q);
    const auto r = s.search(query(q));
    CHECK(r.total > 0);
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].find(notice) != std::string::npos);
  }
  CHECK(hit_ids(s.search(query("\"camera footage"))) ==
        hit_ids(s.search(query("\"camera footage\""))));
  // After a field name too: not the field's name searched as a word.
  const auto field_phrase = hit_ids(s.search(query("title:\"footage")));
  CHECK(!field_phrase.empty());
  CHECK(field_phrase == hit_ids(s.search(query("title:footage"))));
  // A quote with nothing after it opens nothing.
  const auto stray = s.search(query("camera footage\""));
  CHECK(hit_ids(stray) == hit_ids(s.search(query("camera footage"))));
  REQUIRE(stray.notices.size() == 1);
  CHECK(stray.notices[0].find("no partner") != std::string::npos);
  for (const char* fine : {"\"camera footage\"", "(footage OR wiretap) police", "\"a (b\""})
    CHECK(s.search(query(fine)).notices.empty());
}

TEST_CASE("a query the parser rejects degrades to words with a notice", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  for (const char* bad : {"wiretap AND", "\"unbalanced wiretap", "(wiretap", "NOT",
                          "date:20x0..2", "wiretap)) OR ((", "*"}) {
    INFO(bad);
    SearchResult r;
    REQUIRE_NOTHROW(r = s.search(query(bad)));
  }
  auto r = s.search(query("date:20x0..2 wiretap"));
  CHECK(!r.notices.empty());
  CHECK(contains(hit_ids(r), "wiretap-law"));
}

TEST_CASE("when no event has every word, any word is enough", "[search]") {
  test::Timeline t;
  auto r = t.searcher().search(query("wiretap depositors"));
  CHECK(r.total == 2);
  REQUIRE(!r.notices.empty());
  CHECK(r.notices.back().find("some of them") != std::string::npos);
}

TEST_CASE("filters: OR within a facet, AND across facets", "[search][filters]") {
  test::Timeline t;
  Searcher s = t.searcher();
  SearchRequest r = query("");
  r.lanes = {"Financial Capture", "judicial capture"};
  CHECK(s.search(r).total == 2);
  r.tags = {"warrants"};
  CHECK(hit_ids(s.search(r)) == std::vector<std::string>{"wiretap-law"});
  SearchRequest m = query("");
  m.lanes = {"MEDIA CAPTURE & CONTROL"};
  CHECK(s.search(m).total == 2);
  m.actors = {"broadcasters"};
  m.statuses = {"Confirmed"};
  CHECK(s.search(m).total == 2);
  m.from = "2000";
  CHECK(hit_ids(s.search(m)) == std::vector<std::string>{"media-script"});
  SearchRequest i = query("footage");
  i.min_importance = 7;
  CHECK(s.search(i).total == 2);
  SearchRequest d = query("");
  d.from = "2019-08";
  d.to = "2021";
  CHECK(s.search(d).total == 2);
}

TEST_CASE("bad parameters are usage errors", "[search][filters]") {
  test::Timeline t;
  Searcher s = t.searcher();
  SearchRequest r = query("");
  r.from = "last tuesday";
  CHECK_THROWS_AS(s.search(r), Error);
  SearchRequest i = query("");
  i.min_importance = 11;
  CHECK_THROWS_AS(s.search(i), Error);
  SearchRequest l = query("");
  l.limit = 1000000;
  CHECK_THROWS_AS(s.search(l), Error);
  // The command line's limits hold for every program using the library.
  auto usage = [&](const SearchRequest& bad, const std::string& name) {
    try {
      s.search(bad);
      FAIL("no error for " << name);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kUsage);
      CHECK(std::string(e.what()).rfind(name + " must be at most", 0) == 0);
    }
  };
  SearchRequest o = query("footage");
  o.offset = std::size_t{4294967296};
  usage(o, "offset");
  o.offset = 4294967295u;
  CHECK(s.search(o).hits.empty());
  // The facet limit is the exception: SIZE_MAX asks for every value.
  SearchRequest f = query("footage");
  f.facet_limit = SIZE_MAX;
  CHECK(s.search(f).total == s.search(query("footage")).total);
  SearchRequest q = query(std::string(100000, 'a'));
  try {
    s.search(q);
    FAIL("no error for a 100,000-byte query");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    CHECK(std::string(e.what()).find("too long") != std::string::npos);
  }
}

TEST_CASE("dates that do not exist and reversed ranges are reported", "[search][filters]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto usage_error = [&](const std::string& from, const std::string& to) -> std::string {
    SearchRequest r = query("");
    r.from = from;
    r.to = to;
    try {
      s.search(r);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kUsage);
      return e.what();
    }
    return "";
  };
  // A day past the end of its month is not a date, as when indexing.
  CHECK(usage_error("2023-02-29", "").find("from: invalid date '2023-02-29'") !=
        std::string::npos);
  CHECK(usage_error("", "2021-04-31").find("to: invalid date '2021-04-31'") !=
        std::string::npos);
  CHECK(usage_error("2024-02-29", "").empty());  // a leap day
  CHECK(usage_error("2000-02-29", "").empty());  // divisible by 400
  CHECK(usage_error("1900-02-29", "") != "");    // divisible by 100
  // From after to is a mistake, not an empty result.
  const std::string reversed = usage_error("2021", "2019");
  CHECK(reversed.find("'2021' is after to: '2019'") != std::string::npos);
  CHECK(usage_error("2019-08", "2019-08").empty());
  // The same checks in the query syntax give a notice.
  for (const char* bad : {"date:2023-02-29", "date:2021..2019", "date:2019-09..2019-08-31"}) {
    INFO(bad);
    const auto r = s.search(query(bad));
    REQUIRE(!r.notices.empty());
    CHECK(r.notices.front().find("date") != std::string::npos);
  }
  CHECK(s.search(query("date:2021..2019")).notices.front().find("ends before it starts") !=
        std::string::npos);
  CHECK(s.search(query("date:2019..2019")).notices.empty());
}

TEST_CASE("browsing with no query sorts by date, undated last", "[search][sort]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto r = s.search(query(""));
  REQUIRE(r.total == 8);
  CHECK(r.sort == SortOrder::kDateAsc);
  CHECK(r.hits.front().id == "ancient-council");
  CHECK(r.hits.back().id == "undated-note");
  SearchRequest d = query("");
  d.sort = SortOrder::kDateDesc;
  auto rd = s.search(d);
  CHECK(rd.hits.front().id == "bank-run");
  CHECK(rd.hits.back().id == "undated-note");
  SearchRequest i = query("");
  i.sort = SortOrder::kImportance;
  auto ri = s.search(i);
  CHECK(ri.hits.front().id == "doorbell-portal");
  CHECK(ri.hits.back().id == "undated-note");
  // Importance never increases down the list.
  for (std::size_t k = 1; k < ri.hits.size(); ++k)
    CHECK(*ri.hits[k - 1].importance >= *ri.hits[k].importance);
}

TEST_CASE("pagination returns consecutive windows of one ranking", "[search][sort]") {
  test::Timeline t;
  Searcher s = t.searcher();
  SearchRequest all = query("");
  auto full = hit_ids(s.search(all));
  std::vector<std::string> paged;
  for (std::size_t offset = 0; offset < 8; offset += 3) {
    SearchRequest page = query("");
    page.offset = offset;
    page.limit = 3;
    auto r = s.search(page);
    CHECK(r.total == 8);
    for (auto& id : hit_ids(r)) paged.push_back(id);
  }
  CHECK(paged == full);
  SearchRequest past = query("");
  past.offset = 100;
  auto r = s.search(past);
  CHECK(r.hits.empty());
  CHECK(r.total == 8);
}

TEST_CASE("facet counts are exact and merge spellings", "[search][facets]") {
  test::Timeline t;
  auto r = t.searcher().search(query(""));
  // Media Capture & Control and media capture and control are one bucket,
  // shown with the first spelling in label order among equal counts.
  CHECK(facet_string(r, "lanes") ==
        "lanes:Surveillance Infrastructure=4|lanes:Media Capture & Control=2|"
        "lanes:Corporate Capture=1|lanes:Democratic Innovation=1|"
        "lanes:Financial Capture=1|lanes:Judicial Capture=1");
    // police-access and Police Access: one bucket; equal counts, so the
  // label is the first spelling in byte order.
  CHECK(facet_string(r, "tags").find("tags:Police Access=2") != std::string::npos);
  CHECK(facet_string(r, "status") == "status:confirmed=7|status:reported=1");
  CHECK(facet_string(r, "year").find("year:2019=1") != std::string::npos);
  CHECK(facet_string(r, "importance").find("importance:6=2") != std::string::npos);
}

TEST_CASE("facets are disjunctive: a facet ignores its own filter", "[search][facets]") {
  test::Timeline t;
  Searcher s = t.searcher();
  SearchRequest r = query("");
  r.lanes = {"Financial Capture"};
  auto result = s.search(r);
  CHECK(result.total == 1);
  // Lane counts are those without the lane filter, with the choice marked.
  std::string lanes = facet_string(result, "lanes");
  CHECK(lanes.find("lanes:Surveillance Infrastructure=4") != std::string::npos);
  CHECK(lanes.find("lanes:Financial Capture=1") != std::string::npos);
  for (const auto& f : result.facets)
    if (f.name == "lanes")
      for (const auto& v : f.values) CHECK(v.selected == (v.key == "financial capture"));
  // Other facets follow the filter.
  CHECK(facet_string(result, "actors") == "actors:Regulators=1");
  // With a query, counts cover every match, not only the page shown.
  SearchRequest q = query("footage");
  q.limit = 1;
  auto fr = s.search(q);
  CHECK(fr.hits.size() == 1);
  CHECK(facet_string(fr, "lanes").find("Surveillance Infrastructure=3") != std::string::npos);
}

TEST_CASE("facet_limit bounds values, not counts", "[search][facets]") {
  test::Timeline t;
  SearchRequest r = query("");
  r.facet_limit = 2;
  r.lanes = {"judicial capture"};
  auto result = t.searcher().search(r);
  for (const auto& f : result.facets) {
    if (f.name != "lanes") continue;
    CHECK(f.distinct == 6);
    // Top two, plus the selected value that falls outside them.
    REQUIRE(f.values.size() == 3);
    CHECK(f.values[2].key == "judicial capture");
    CHECK(f.values[2].selected);
  }
  SearchRequest none = query("");
  none.facet_limit = 0;
  CHECK(t.searcher().search(none).facets.empty());
}

TEST_CASE("snippets highlight matched words and escape HTML", "[search][snippets]") {
  test::Timeline t;
  test::write_file(t.events() / "x.md",
             test::event_text("xss", "2020-01-01", "Script <b>tag</b> event", 5, "[X]",
                              "[Y]", "[z]", "The wiretap memo said 5 < 6 & \"x\" > y."));
  t.index();
  auto r = t.searcher().search(query("wiretap memo"));
  REQUIRE(r.total == 1);
  const std::string& snippet = r.hits[0].snippet;
  CHECK(snippet.find("<mark>wiretap</mark>") != std::string::npos);
  CHECK(snippet.find("5 &lt; 6 &amp;") != std::string::npos);
  CHECK(snippet.find(" < ") == std::string::npos);
  // Quotes too, as docs/json.md says: safe in an attribute.
  CHECK(snippet.find("&quot;x&quot; &gt; y") != std::string::npos);
  CHECK(snippet.find('"') == std::string::npos);
}

TEST_CASE("snippets are cut from the body as text, events keep their Markdown",
          "[search][snippets]") {
  test::Timeline t;
  const std::string body =
      "## Ledger\n\nThe **auditor** found [missing funds](https://example.org/a) "
      "in the `ledger`.";
  test::write_file(t.events() / "m.md",
                   test::event_text("ledger", "2020-01-01", "Audit event", 5, "[X]",
                                    "[Y]", "[z]", body));
  t.index();
  Searcher s = t.searcher();
  auto r = s.search(query("auditor ledger"));
  REQUIRE(r.total == 1);
  // No Markdown syntax in the snippet: the stored plain text is used.
  const std::string& snippet = r.hits[0].snippet;
  CHECK(snippet.find("<mark>auditor</mark> found missing funds") != std::string::npos);
  CHECK(snippet.find("**") == std::string::npos);
  CHECK(snippet.find("https://") == std::string::npos);
  // The full event carries the body as written.
  auto events = s.find_events("ledger");
  REQUIRE(events.size() == 1);
  CHECK(events[0].body_markdown.find(body) != std::string::npos);
}

TEST_CASE("snippets mark the words of phrases, hyphenated words and fields",
          "[search][snippets]") {
  test::Timeline t;
  // The matching words are in the middle of a long body: a snippet that
  // does not find them shows the body's end instead.
  std::string body;
  for (int i = 0; i < 40; ++i) body += "Filler sentence number " + std::to_string(i) + " here. ";
  body += "Officers switched off the body camera during the co-op raid. ";
  for (int i = 0; i < 40; ++i) body += "Closing remark " + std::to_string(i) + " there. ";
  test::write_file(t.events() / "p.md",
                   test::event_text("cam", "2020-01-01", "Camera policy", 5, "[Ann Lee]",
                                    "[Y]", "[z]", body));
  t.index();
  Searcher s = t.searcher();
  auto marked = [&](const std::string& q) {
    auto r = s.search(query(q));
    REQUIRE(r.total == 1);
    return r.hits[0].snippet;
  };
  CHECK(marked("\"body camera\"").find("<mark>body</mark> <mark>camera</mark>") !=
        std::string::npos);
  CHECK(marked("co-op").find("<mark>co</mark>-<mark>op</mark>") != std::string::npos);
  CHECK(marked("title:camera").find("<mark>camera</mark>") != std::string::npos);
  CHECK(marked("body NEAR camera").find("<mark>body</mark> <mark>camera</mark>") !=
        std::string::npos);
  // Stopwords and operators are not marked (the phrase boost holds them).
  for (const char* q : {"the body camera", "body AND camera", "\"the body camera\""}) {
    INFO(q);
    const std::string snippet = marked(q);
    CHECK(snippet.find("<mark>body</mark>") != std::string::npos);
    CHECK(snippet.find("<mark>the</mark>") == std::string::npos);
    CHECK(snippet.find("<mark>and</mark>") == std::string::npos);
  }
  // An excluded word is not marked, even when it is in the passage.
  const std::string excluded = marked("raid -title:officers");
  CHECK(excluded.find("<mark>raid</mark>") != std::string::npos);
  CHECK(excluded.find("<mark>Officers</mark>") == std::string::npos);
}

TEST_CASE("invisible characters neither make words nor glue them", "[search][text]") {
  test::Timeline t;
  test::write_file(t.events() / "e.md",
                   test::event_text("emoji", "2020-01-01", "Emoji \u26a0\ufe0f alert", 5,
                                    "[X]", "[Y]", "[z]",
                                    "Officers kept the zorblat\u200bquintex and the "
                                    "fru\u00adgalmate logs, copied from a page with "
                                    "marks: glorp\u200fvantine."));
  // An actor written with a left-to-right mark after it is the same actor.
  test::write_file(t.events() / "f.md",
                   test::event_text("marked", "2020-01-02", "Marked actor", 5, "[X]",
                                    "[Y\u200e]", "[z]", "Plain."));
  t.index();
  Searcher s = t.searcher();
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  const std::vector<std::string> emoji{"emoji"};
  CHECK(ids("quintex") == emoji);
  CHECK(ids("frugalmate") == emoji);
  CHECK(ids("zorblat\u200bquintex") == emoji);
  CHECK(ids("fru\u00adgalmate") == emoji);
  CHECK(ids("glorpvantine") == emoji);
  CHECK(ids("vantine").empty());
  CHECK(test::result_counts(s.search(query("emoji OR marked")), "actors", &FacetValue::value) ==
        std::map<std::string, std::size_t>{{"Y", 2}});
  // An emoji's variation selector is no word: it finds nothing, and says so,
  // alone too (it is no empty query, which would browse every event).
  for (const char* q : {"\u2764\ufe0f", "\u26a0\ufe0f", "\ufe0f", "\u200b"}) {
    const auto r = s.search(query(q));
    CHECK(r.total == 0);
    REQUIRE(!r.notices.empty());
    CHECK(r.notices.back().find("no searchable words") != std::string::npos);
  }
  const auto marked = s.search(query("zorblat\u200bquintex"));
  REQUIRE(marked.total == 1);
  CHECK(marked.hits[0].snippet.find("<mark>zorblat</mark> <mark>quintex</mark>") !=
        std::string::npos);
}

TEST_CASE("wildcards: filter values by their start, and notices where none can work",
          "[search][syntax]") {
  TempDir dir;
  write_file(dir / "tl/a.md", test::event_text("a", "2020-01-01", "Alpha", 5, "[Judicial Capture]",
                                               "[A]", "[police-state, courts]",
                                               "Surveillance everywhere."));
  write_file(dir / "tl/b.md", test::event_text("b", "2020-01-02", "Beta", 5, "[Judicial Review]",
                                               "[A]", "[Police]", "Nothing."));
  write_file(dir / "tl/c.md", test::event_text("c", "2020-01-03", "Gamma", 5, "[Media]", "[A]",
                                               "[policing]", "Nothing."));
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  Searcher s(dir / "db");
  auto ids = [&](const std::string& q) { return sorted_ids(s, q); };
  using V = std::vector<std::string>;
  CHECK(ids("tag:police*") == V{"a", "b"});
  // A separator before the `*` asks for a word after it: not `police` alone.
  CHECK(ids("tag:police-*") == V{"a"});
  CHECK(ids("tag:\"police *\"") == V{"a"});
  CHECK(ids("tag:police\u2013*") == V{"a"});  // an en dash is a separator too
  // The facet value search agrees (the page's filter box, MCP).
  auto listed = [&](const std::string& prefix) {
    std::vector<std::string> keys;
    for (const auto& v : s.facet_values("tags", prefix, 10).values) keys.push_back(v.key);
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  CHECK(listed("police-") == V{"police state"});
  CHECK(listed("police ") == V{"police", "police state"});  // still typing
  CHECK(ids("tag:polic*") == V{"a", "b", "c"});
  CHECK(ids("lane:judicial*") == V{"a", "b"});
  CHECK(ids("lane:\"judicial c*\"") == V{"a"});
  CHECK(ids("-tag:police*") == V{"c"});
  CHECK(s.search(query("tag:police*")).notices.empty());
  // The options take the same values (`--tag 'police*'`), and mark every
  // value they select.
  SearchRequest by_option = query("");
  by_option.tags = {"police*"};
  const auto selected = s.search(by_option);
  auto option_ids = hit_ids(selected);
  std::sort(option_ids.begin(), option_ids.end());
  CHECK(option_ids == V{"a", "b"});
  for (const auto& f : selected.facets) {
    if (f.name != "tags") continue;
    for (const auto& v : f.values) {
      INFO(v.key);
      CHECK(v.selected == (v.key.rfind("police", 0) == 0));
    }
  }
  // A stem no indexed word starts with, and a wildcard at a word's start.
  auto notice = [&](const std::string& q) {
    const auto r = s.search(query(q));
    return r.notices.empty() ? std::string() : r.notices.front();
  };
  CHECK(notice("surveillanc*").find("no indexed word starts with 'surveillanc'") !=
        std::string::npos);
  CHECK(notice("surveil*").empty());
  CHECK(notice("*veillance").find("at the end of a word") != std::string::npos);
}

TEST_CASE("a filter value no event has is named, with the values meant", "[search][facets]") {
  TempDir dir;
  write_file(dir / "tl/a.md",
             test::event_text("a", "2020-01-01", "Alpha", 5, "[Surveillance Infrastructure]",
                              "[Peter Thiel, Amazon]", "[police-state]", "Court papers."));
  write_file(dir / "tl/b.md",
             test::event_text("b", "2020-01-02", "Beta", 5, "[Surveillance Infrastructure]",
                              "[Thiel Capital]", "[courts]", "Court papers."));
  write_file(dir / "tl/c.md", test::event_text("c", "2020-01-03", "Gamma", 5,
                                               "[Judicial Capture]", "[Peter Thiel]",
                                               "[courts]", "Court papers."));
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  Searcher s(dir / "db");
  auto notices = [&](SearchRequest request) {
    const auto r = s.search(request);
    if (!r.notices.empty()) CHECK(r.total == 0);
    return r.notices;
  };
  using V = std::vector<std::string>;
  SearchRequest request = query("");
  // A slip in a lane: the value meant, with its number of events.
  request.lanes = {"Survelance Infrastructure"};
  CHECK(notices(request) ==
        V{"no event has the lane 'Survelance Infrastructure'; did you mean "
          "'Surveillance Infrastructure' (2 events)?"});
  // Part of a name: the values holding its words, most common first.
  request.lanes.clear();
  request.actors = {"thiel"};
  CHECK(notices(request) == V{"no event has the actor 'thiel'; did you mean 'Peter Thiel' "
                              "(2 events) or 'Thiel Capital' (1 event)?"});
  request.actors = {"Peter Theil"};
  CHECK(notices(request) ==
        V{"no event has the actor 'Peter Theil'; did you mean 'Peter Thiel' (2 events)?"});
  // Nothing near: said all the same, so an empty answer is not a mystery.
  request.actors = {"xyzzy"};
  CHECK(notices(request) == V{"no event has the actor 'xyzzy'"});
  request.actors.clear();
  request.tags = {"zzz*"};
  CHECK(notices(request) == V{"no tag starts with 'zzz'"});
  // Every spelling of a known value is known; the same unknown value in two
  // spellings is named once.
  request.tags = {"police*"};
  request.lanes = {"surveillance-infrastructure", "SURVEILLANCE INFRASTRUCTURE"};
  CHECK(notices(request).empty());
  request.lanes = {"No Such Lane", "no-such lane"};
  request.tags.clear();
  CHECK(notices(request).size() == 1);
  // The query's own filters are checked the same way, once with an option.
  SearchRequest in_query = query("court lane:\"Judicial Captur\"");
  CHECK(notices(in_query) ==
        V{"no event has the lane 'Judicial Captur'; did you mean 'Judicial Capture' (1 event)?"});
  in_query.lanes = {"judicial captur"};
  CHECK(notices(in_query).size() == 1);
  CHECK(notices(query("court lane:\"Judicial Capture\"")).empty());
  // A list of many unknown values is answered with a few notices.
  request.lanes.clear();
  for (int i = 0; i < 50; ++i) request.lanes.push_back("lane number " + std::to_string(i));
  CHECK(notices(request).size() == 10);
}

TEST_CASE("a phrase of stopwords alone marks them", "[search][snippets]") {
  TempDir dir;
  write_file(dir / "tl/a.md", test::event_text("a", "2020-01-01", "Alpha", 5, "[L]", "[A]", "[t]",
                                               "Most of the records were lost."));
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  const auto r = Searcher(dir / "db").search(query("\"of the\""));
  REQUIRE(r.total == 1);
  CHECK(r.hits[0].snippet.find("<mark>of</mark> <mark>the</mark>") != std::string::npos);
}

TEST_CASE("did you mean: suggestions for misspelt words", "[search][spelling]") {
  test::Timeline t;
  auto r = t.searcher().search(query("wiretpa"));
  CHECK(r.total == 0);
  CHECK(r.suggestion == "wiretap");
  CHECK(t.searcher().search(query("wiretap")).suggestion.empty());
  // Only unknown words are corrected, the rest of the query stays as typed.
  auto mixed = t.searcher().search(query("wiretpa title:congress"));
  CHECK(mixed.suggestion == "wiretap title:congress");
  CHECK(t.searcher().search(query("lane:\"Judicial Capture\" wiretpa")).suggestion ==
        "lane:\"Judicial Capture\" wiretap");
  // In the case it was typed.
  CHECK(t.searcher().search(query("Wiretpa")).suggestion == "Wiretap");
  CHECK(t.searcher().search(query("WIRETPA")).suggestion == "WIRETAP");
  CHECK(t.searcher().search(query("WireTpa")).suggestion == "WireTap");
  // A letter missing before a capital does not shift it (MConnell).
  CHECK(t.searcher().search(query("WirTap")).suggestion == "WireTap");
  // A word with digits is a code or a name (H1B, wiretap2), not a slip.
  CHECK(t.searcher().search(query("wiretap2")).suggestion.empty());
}

// Regression: with an index of stems, Xapian's own correction took every
// word for unknown (no term is the word as written) and offered "nations"
// for "nation", a word the event contains.
TEST_CASE("did you mean: a word in the index is never corrected", "[search][spelling]") {
  test::Timeline t;
  auto r = t.searcher().search(query("nation"));
  CHECK(r.total == 1);
  CHECK(r.suggestion.empty());
}

TEST_CASE("facet value search finds values by word prefix", "[search][facets]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto lanes = s.facet_values("lanes", "capt", 10);
  std::vector<std::string> keys;
  for (auto& v : lanes.values) keys.push_back(v.key);
  CHECK(keys == std::vector<std::string>{"media capture and control", "corporate capture",
                                         "financial capture", "judicial capture"});
  CHECK(lanes.values[0].count == 2);
  CHECK_THROWS_AS(s.facet_values("colour", "", 10), Error);
}

TEST_CASE("find_events by id and by path, stats", "[search]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto events = s.find_events("BANK-RUN");
  REQUIRE(events.size() == 1);
  CHECK(events[0].title == "Regional bank collapses after a run");
  CHECK(events[0].sources.size() == 1);
  CHECK(s.find_events((t.events() / "f.md").string()).size() == 1);
  CHECK(s.find_events("no-such-event").empty());
  IndexStats stats = s.stats();
  CHECK(stats.documents == 8);
  CHECK(stats.first_date == "1600");
  CHECK(stats.last_date == "2023-03-10");
  // After an incremental run removes the oldest and the newest events, the
  // range is the remaining events' (Xapian's own bounds stay wide).
  std::filesystem::remove(t.events() / "f.md");  // 2023-03-10
  std::filesystem::remove(t.events() / "g.md");  // 1600
  REQUIRE(t.index().removed == 2);
  stats = t.searcher().stats();
  CHECK(stats.documents == 6);
  CHECK(stats.first_date == "1978-10-25");
  CHECK(stats.last_date == "2021-06-03");
}

TEST_CASE("an unknown id names the ids like it", "[search]") {
  test::Timeline t;
  Searcher s = t.searcher();
  using V = std::vector<std::string>;
  // Ids starting with the text, then ids holding it, in order of id.
  CHECK(s.similar_ids("media") == V{"media-merger", "media-script"});
  CHECK(s.similar_ids("RUN") == V{"bank-run"});
  CHECK(s.similar_ids("requests") == V{"warrantless-requests"});
  // Typing slips: one in a short id, two in a long one.
  CHECK(s.similar_ids("bank-rum") == V{"bank-run"});
  CHECK(s.similar_ids("warantless-reqests") == V{"warrantless-requests"});
  CHECK(s.similar_ids("doorbell-portal-x") == V{"doorbell-portal"});
  CHECK(s.similar_ids("media", 1) == V{"media-merger"});
  CHECK(s.similar_ids("zzzz").empty());
  CHECK(s.similar_ids("").empty());
  CHECK(s.similar_ids("abc").empty());  // no slips allowed in three letters
}

TEST_CASE("a word or value matches whether its accents are composed or not",
          "[search][unicode]") {
  test::TempDir dir;
  const std::string nfc = "Caf\u00E9 Lane", nfd = "Cafe\u0301 Lane";
  test::write_file(dir / "e" / "a.md", "---\nid: \u00C9t\u00E9-\u0418\u0414\ntitle: Na\u00EFve "
                                   "review\ncapture_lanes: [" + nfc + "]\n---\nBody.\n");
  test::write_file(dir / "e" / "b.md", "---\nid: b\ntitle: Nai\u0308ve plan\ncapture_lanes: [" +
                                   nfd + "]\n---\nBody.\n");
  IndexOptions options;
  options.db_path = dir / "db";
  const IndexSummary summary = index_paths({dir / "e"}, options);
  CHECK(summary.warnings == 0);
  Searcher s(dir / "db");
  for (const std::string& word : {std::string("na\u00EFve"), std::string("nai\u0308ve")}) {
    INFO(word);
    CHECK(s.search(query(word)).total == 2);
  }
  SearchRequest by_lane;
  by_lane.lanes = {nfd};
  CHECK(s.search(by_lane).total == 2);
  by_lane.lanes = {nfc};
  const auto r = s.search(by_lane);
  CHECK(r.total == 2);
  CHECK(facet_string(r, "lanes") == "lanes:" + nfc + "=2");
  // Ids compare without case in any script, composed or not.
  CHECK(s.find_events("\u00E9TE\u0301-\u0438\u0434").size() == 1);
  // Accents fold away in words and facet values: `naive`, `cafe lane`.
  CHECK(s.search(query("naive")).total == 2);
  CHECK(s.search(query("\"naive review\"")).total == 1);
  by_lane.lanes = {"cafe lane"};
  CHECK(s.search(by_lane).total == 2);
}

TEST_CASE("ligatures and full-width letters match the letters they show",
          "[search][unicode]") {
  test::TempDir dir;
  // A ligature as copied from a PDF (U+FB01), full-width letters.
  test::write_file(dir / "e" / "a.md",
                   "---\nid: a\ntitle: Campaign \uFB01nance filing\ntags: [\uFF32\uFF49\uFF4E\uFF47]\n"
                   "---\nThe \uFB02ow of money.\n");
  test::write_file(dir / "e" / "b.md",
                   "---\nid: b\ntitle: Campaign finance report\ntags: [ring]\n---\nA flow chart.\n");
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "e"}, options).errors == 0);
  Searcher s(dir / "db");
  for (const char* q : {"finance", "\uFB01nance", "\"campaign finance\"", "flow", "\uFF26\uFF4C\uFF4F\uFF57"}) {
    INFO(q);
    CHECK(s.search(query(q)).total == 2);
  }
  SearchRequest by_tag;
  by_tag.tags = {"Ring"};
  const auto r = s.search(by_tag);
  CHECK(r.total == 2);
  CHECK(s.search(query("tag:\uFF52\uFF49\uFF4E\uFF47")).total == 2);
  // Wildcards and "did you mean" read them the same way.
  CHECK(s.search(query("\uFB01n*")).total == 2);
  CHECK(s.search(query("\uFF26\uFF29\uFF2E*")).total == 2);
  CHECK(s.search(query("\uFB01nanse")).suggestion.find("finance") != std::string::npos);
  // Snippets still show the text as written.
  const auto hits = s.search(query("id:a flow")).hits;
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].snippet.find("<mark>\uFB02ow</mark>") != std::string::npos);
}

TEST_CASE("Chinese, Japanese and Korean words are found inside runs of text",
          "[search][unicode]") {
  TempDir dir;
  // Written without spaces between words (Korean with spaces, and particles
  // glued to its words).
  write_file(dir / "e/zh.md",
             "---\nid: zh\ntitle: 政府监控系统扩大\ntags: [监控, 中文 标签]\n---\n"
             "政府宣布扩大人脸识别监控系统，警方可以调取录像。Police cameras everywhere.\n");
  write_file(dir / "e/ja.md", "---\nid: ja\ntitle: 警察のカメラ映像\n---\n"
                              "警察はカメラの映像を令状なしで取得した。\n");
  write_file(dir / "e/ko.md", "---\nid: ko\ntitle: 경찰 카메라 영상 공개\n---\n"
                              "경찰이 카메라 영상을 영장 없이 확보했다.\n");
  write_file(dir / "e/en.md", "---\nid: en\ntitle: Police footage warrant\n---\n"
                              "The police requested the footage.\n");
  // Half-width katakana, as old Japanese systems write it: ﾃﾚﾋﾞｶﾒﾗ.
  write_file(dir / "e/hw.md", "---\nid: hw\ntitle: Old system\n---\n"
                              "\uFF83\uFF9A\uFF8B\uFF9E\uFF76\uFF92\uFF97 and \uFF26\uFF22\uFF29.\n");
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "e"}, options).errors == 0);
  Searcher s(dir / "db");
  auto ids = [&](const std::string& q) { return sorted_ids(s, q); };
  using V = std::vector<std::string>;
  for (const char* q : {"监控", "人脸识别", "识别 police", "title:监控", "\"监控系统\""}) {
    INFO(q);
    CHECK(ids(q) == V{"zh"});
    CHECK(s.search(query(q)).notices.empty());
  }
  CHECK(ids("カメラ") == V{"hw", "ja"});
  CHECK(ids("テレビ") == V{"hw"});
  CHECK(ids("\uFF83\uFF9A\uFF8B\uFF9E") == V{"hw"});
  CHECK(ids("fbi") == V{"hw"});
  CHECK(ids("映像") == V{"ja"});
  CHECK(ids("카메라") == V{"ko"});
  CHECK(ids("경찰") == V{"ko"});  // inside 경찰이
  CHECK(ids("police") == V{"en", "zh"});
  CHECK(ids("-监控 police") == V{"en"});
  CHECK(ids("监控 OR カメラ") == V{"hw", "ja", "zh"});
  CHECK(ids("监视").empty());  // a character in common is not the word
  // Quoted, a phrase is read as its words (the terms' positions do not line
  // up with Xapian's phrase matching), said when that widens it.
  const auto phrase = s.search(query("title:\"监控 系统\""));
  CHECK(hit_ids(phrase) == V{"zh"});
  REQUIRE(phrase.notices.size() == 1);
  CHECK(phrase.notices[0].find("in any order") != std::string::npos);
  CHECK(ids("-\"监控 系统\" police") == V{"en"});
  CHECK(ids("\"경찰 카메라\"") == V{"ko"});
  const auto near = s.search(query("监控 NEAR/3 police"));
  CHECK(hit_ids(near) == V{"zh"});
  REQUIRE(near.notices.size() == 1);
  CHECK(near.notices[0].find("NEAR") != std::string::npos);
  // A quoted filter value stays a key.
  CHECK(ids("tag:\"中文 标签\"") == V{"zh"});
  CHECK(ids("tag:监控") == V{"zh"});
  // English phrases are as before.
  CHECK(ids("\"police footage\"") == V{"en"});
  // Snippets mark the word as one run; no "did you mean" for CJK text.
  const auto marked = s.search(query("监控系统"));
  REQUIRE(marked.hits.size() == 1);
  CHECK(marked.hits[0].snippet.find("<mark>监控系统</mark>") != std::string::npos);
  CHECK(s.search(query("监控系")).suggestion.empty());
  const auto two = s.search(query("カメラ 映像"));
  REQUIRE(two.hits.size() == 1);
  CHECK(two.hits[0].snippet.find("<mark>カメラ</mark>の<mark>映像</mark>") != std::string::npos);
}

TEST_CASE("Thai, Lao, Khmer and Myanmar words are found inside runs of text",
          "[search][unicode]") {
  TempDir dir;
  // Thai: "Police install CCTV cameras throughout the city" / "The court
  // orders the police to disclose the footage"; Khmer: "police install
  // cameras"; Lao: "police install cameras".
  write_file(dir / "e/th.md",
             "---\nid: th\ntitle: ตำรวจติดตั้งกล้องวงจรปิดทั่วเมือง\n---\n"
             "ตำรวจติดตั้งกล้องวงจรปิดทั่วเมือง Police cameras.\n");
  write_file(dir / "e/court.md", "---\nid: court\ntitle: Court order\n---\n"
                                 "ศาลสั่งให้ตำรวจเปิดเผยภาพ\n");
  write_file(dir / "e/km.md", "---\nid: km\ntitle: ប៉ូលីសដំឡើងកាមេរ៉ា\n---\nbody\n");
  write_file(dir / "e/lo.md", "---\nid: lo\ntitle: ຕຳຫຼວດຕິດຕັ້ງກ້ອງ\n---\nbody\n");
  // The same words, apart and side by side (p2, found second on disk).
  write_file(dir / "e/p1.md", "---\nid: p1\ntitle: Apart\n---\nวงจรปิด ประตู กล้อง\n");
  write_file(dir / "e/p2.md", "---\nid: p2\ntitle: Close\n---\nกล้องวงจรปิด ประตู\n");
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "e"}, options).errors == 0);
  Searcher s(dir / "db");
  auto ids = [&](const std::string& q) { return sorted_ids(s, q); };
  using V = std::vector<std::string>;
  CHECK(ids("ตำรวจ") == V{"court", "th"});       // police, inside both runs
  CHECK(ids("กล้องวงจรปิด") == V{"p1", "p2", "th"});  // CCTV camera, typed as one run
  // Its words side by side rank higher, as English words do.
  const V ranked = hit_ids(s.search(query("กล้องวงจรปิด")));
  const auto rank = [&](const char* id) { return std::find(ranked.begin(), ranked.end(), id) - ranked.begin(); };
  CHECK(rank("p2") < rank("p1"));
  CHECK(ids("title:เมือง") == V{"th"});           // city
  CHECK(ids("ศาล") == V{"court"});                // court
  CHECK(ids("ตำรวจ police") == V{"th"});
  CHECK(ids("\"ติดตั้งกล้อง\"") == V{"th"});     // a phrase of words
  CHECK(ids("\"กล้องติดตั้ง\"").empty());         // the words in another order
  CHECK(ids("ตำรวจ NEAR/4 กล้อง") == V{"th"});
  CHECK(ids("កាមេរ៉ា") == V{"km"});               // Khmer: camera
  CHECK(ids("ຕຳຫຼວດ") == V{"lo"});                // Lao: police
  // Snippets mark the words, and show the text as written.
  const auto hits = s.search(query("id:th กล้อง")).hits;
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].snippet.find("ตำรวจติดตั้ง<mark>กล้อง</mark>วงจรปิดทั่วเมือง") != std::string::npos);
  CHECK(hits[0].snippet.find(tlsearch::kWordSeparator) == std::string::npos);
  const auto both = s.search(query("id:th กล้องวงจรปิด")).hits;
  REQUIRE(both.size() == 1);
  CHECK(both[0].snippet.find("ติดตั้ง<mark>กล้องวงจรปิด</mark>ทั่ว") != std::string::npos);
  CHECK(hits[0].title == "ตำรวจติดตั้งกล้องวงจรปิดทั่วเมือง");
}

TEST_CASE("plain words with many matches: each page is the slice of the whole ranking",
          "[search][ranking]") {
  // Enough matches (an estimate of 5,000) that the phrase boost ranks in
  // two passes, the second only for the events that can reach the page:
  // every page must still be exactly what one pass over every match gives,
  // weights included. The whole ranking (a limit past the total) ranks
  // every match again. `the police` searches `police` (a stopword is
  // searched only in the phrase), with its phrase as the boost.
  TempDir dir;
  std::mt19937 random(7);
  for (int i = 0; i < 12000; ++i) {
    std::string body;
    const int length = 5 + static_cast<int>(random() % 40);
    for (int k = 0; k < length; ++k) {
      const unsigned pick = random() % 120;
      body += pick < 3    ? "police "
              : pick < 11 ? "the "
              : pick < 14 ? "officer "
                          : "filler" + std::to_string(random() % 2000) + " ";
    }
    write_file(dir / "e" / ("e" + std::to_string(i) + ".md"),
               "---\nid: e" + std::to_string(i) + "\ntitle: Event " + std::to_string(i) +
                   "\n---\n" + body + "\n");
  }
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "e"}, options).errors == 0);
  Searcher s(dir / "db");
  for (const char* q : {"the police", "police the"})
    CHECK(test::check_pages_are_slices(s, q) > 5000);
}

TEST_CASE("regression: searchers in several threads at once, browsing", "[search][threads]") {
  // Each thread has its own Searcher, as the header allows. Browsing (no
  // words) once shared Xapian's static MatchAll query between threads,
  // whose reference count is not atomic: the HTTP server and C API
  // programs crashed with a few concurrent requests.
  test::Timeline t;
  std::atomic<std::size_t> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Searcher s = t.searcher();
      for (int n = 0; n < 1500; ++n) {
        SearchRequest request;
        request.limit = 1;
        request.facet_limit = 0;
        if ((n + i) % 3 == 1) request.lanes = {"Surveillance Infrastructure"};
        if ((n + i) % 3 == 2) request.query = "-wiretap";
        const std::size_t expected = (n + i) % 3 == 0 ? 8 : (n + i) % 3 == 1 ? 4 : 7;
        if (s.search(request).total != expected) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

TEST_CASE("a filter value given twice counts once, and over 1,024 values are refused", "[search][facets]") {
  test::Timeline t;
  Searcher s = t.searcher();
  SearchRequest request;
  request.limit = 0;
  request.lanes = {"No Such Lane", "no-such lane", "NO SUCH LANE", "Financial Capture",
                   "financial capture"};
  const auto r = s.search(request);
  CHECK(r.total == 1);
  // Lane counts ignore the lane filter (disjunctive); the unmatched
  // selected value is listed once, as first spelled.
  const std::string lanes = facet_string(r, "lanes");
  CHECK(lanes.find("lanes:Financial Capture=1") != std::string::npos);
  CHECK(lanes.find("No Such Lane") == lanes.rfind("No Such Lane"));
  REQUIRE(lanes.size() > 21);
  CHECK(lanes.substr(lanes.size() - 21) == "|lanes:No Such Lane=0");
  request.lanes.assign(1024, "Financial Capture");  // the documented limit
  CHECK(s.search(request).total == 1);
  request.lanes.push_back("one more");
  try {
    s.search(request);
    FAIL("a filter of " << request.lanes.size() << " values was taken");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    CHECK(std::string(e.what()).find("lane: too many values (1025; the limit is 1024)") !=
          std::string::npos);
  }
}

TEST_CASE("opening a missing index explains how to make one", "[search]") {
  test::TempDir dir;
  try {
    Searcher s(dir / "nothing-here");
    FAIL("opened a missing index");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kDatabase);
    CHECK(std::string(e.what()).find("tlsearch index") != std::string::npos);
  }
}

TEST_CASE("an excluded item as an operand of OR is NOT that item", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto total = [&](const std::string& q) { return s.search(query(q)).total; };
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  const std::size_t all = total("");
  // `-a OR -b` once found the events holding both words.
  REQUIRE(total("footage warrant") > 0);
  CHECK(total("-footage OR -warrant") == all - total("footage warrant"));
  CHECK(ids("-footage OR -warrant") == ids("(NOT footage) OR (NOT warrant)"));
  for (const auto& id : ids("footage warrant")) CHECK(!contains(ids("-footage OR -warrant"), id));
  // `a OR -b` was a syntax error, searched as plain words.
  const auto r = s.search(query("wiretap OR -footage"));
  CHECK(r.notices.empty());
  CHECK(r.total == all - total("footage -wiretap"));
  CHECK(contains(hit_ids(r), "wiretap-law"));
  CHECK(!contains(hit_ids(r), "doorbell-portal"));
  // Beside a word it is still that word's exclusion: (wiretap -footage) OR bank.
  CHECK(ids("wiretap -footage OR bank") == ids("(wiretap -footage) OR bank"));
  // An excluded range as an operand was a syntax error.
  // wiretap-law (1978) is inside the range, so it comes back through OR.
  const auto range = s.search(query("-date:1900..2020 OR wiretap"));
  CHECK(range.notices.empty());
  CHECK(hit_ids(range) == hit_ids(s.search(query("(NOT date:1900..2020) OR wiretap"))));
  CHECK(range.total == all - total("date:1900..2020") + 1);
  CHECK(contains(hit_ids(range), "wiretap-law"));

}

TEST_CASE("exclusions inside brackets, stray signs and open date ranges", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  const auto without = ids("-footage");
  REQUIRE(!without.empty());
  // A lone `-` or an item with nothing to search once turned `-footage`
  // into footage; so did brackets.
  for (const char* q : {"-footage -", "-footage -.", "-footage -()", "(-footage)", "- -footage"}) {
    INFO(q);
    CHECK(ids(q) == without);
  }
  CHECK(ids("warrant (-footage)") == ids("warrant -footage"));
  CHECK(ids("(-footage OR -warrant)") == ids("-footage OR -warrant"));
  CHECK(ids("(warrant OR -footage) police") == ids("(warrant OR (NOT footage)) police"));
  CHECK(ids("(wiretap OR footage date:..1999)") == ids("wiretap OR footage date:..1999"));
  // An excluded operand beside a filter that applies to the whole query.
  CHECK(ids("wiretap OR -footage date:..2000") == ids("(wiretap OR (NOT footage)) date:..2000"));
  CHECK(s.search(query("wiretap OR -footage date:..2000")).notices.empty());
  // `date:..` is every event with a date; undated-note has none.
  const auto dated = ids("date:..");
  CHECK(dated.size() == s.search(query("")).total - 1);
  CHECK(!contains(dated, "undated-note"));
}

TEST_CASE("a query of only excluded punctuation has no searchable words", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  // `NOT (--)` searched for the word "not".
  for (const char* q : {"---", "-!", "-!!! -...", "-()", "-\"\"", "-\xe2\x80\x94"}) {
    INFO(q);
    const auto r = s.search(query(q));
    CHECK(r.total == 0);
    REQUIRE(!r.notices.empty());
    CHECK(r.notices.back() == "the query has no searchable words");
  }
}

TEST_CASE("an excluded filter beside OR excludes from the whole query", "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  // footage: doorbell-portal, warrantless-requests, undated-note; wiretap:
  // wiretap-law. Tagged warrants: warrantless-requests, wiretap-law.
  const auto expected = ids("(footage OR wiretap) -tag:warrants");
  REQUIRE(expected.size() == 2);
  CHECK(ids("footage OR wiretap -tag:warrants") == expected);
  CHECK(ids("-tag:warrants footage OR wiretap") == expected);
  for (const auto& id : ids("footage OR wiretap -lane:\"judicial capture\""))
    CHECK(id != "wiretap-law");
  CHECK(ids("footage OR wiretap -importance:8") == ids("(footage OR wiretap) -importance:8"));
}

TEST_CASE("an unknown field name is dropped and its value searched everywhere",
          "[search][syntax]") {
  test::Timeline t;
  Searcher s = t.searcher();
  auto ids = [&](const std::string& q) { return hit_ids(s.search(query(q))); };
  // `titel:wiretap` was the phrase "titel wiretap": nothing, and no
  // fallback to events with some of the words.
  CHECK(ids("titel:wiretap") == ids("wiretap"));
  CHECK(contains(ids("titel:wiretap"), "wiretap-law"));
  CHECK(ids("footage colour:blue") == ids("footage blue"));
  // A `-` before it and an `OR` after it apply to the value: `-titel
  // wiretap` would have required wiretap.
  CHECK(ids("warrant -titel:wiretap") == ids("warrant -wiretap"));
  CHECK(ids("titel:wiretap OR bank") == ids("wiretap OR bank"));
  CHECK(ids("titel:\"camera footage\" OR bank") == ids("\"camera footage\" OR bank"));
  REQUIRE(!s.search(query("-titel:wiretap")).notices.empty());
  CHECK(s.search(query("-titel:wiretap")).total == s.search(query("-wiretap")).total);
}

TEST_CASE("filters never widen a search: the any-word fallback ignores them",
          "[search][filters]") {
  test::Timeline t;
  Searcher s = t.searcher();
  // Both words: doorbell-portal (2019), warrantless-requests (2021). In the
  // 1970s only wiretap-law (1978) has one of them.
  REQUIRE(s.search(query("footage warrant")).total == 2);
  SearchRequest seventies = query("footage warrant");
  seventies.from = "1970";
  seventies.to = "1979";
  auto r = s.search(seventies);
  CHECK(r.total == 0);
  CHECK(r.notices.empty());
  CHECK(s.search(query("footage warrant date:1970..1979")).total == 0);
  SearchRequest lane = query("footage warrant");
  lane.lanes = {"Judicial Capture"};
  CHECK(s.search(lane).total == 0);
  // Filters in brackets, or after NOT, as well.
  for (const char* q : {"footage warrant (date:1970..1979 OR date:1980)",
                        "footage warrant NOT tag:police-access",
                        "footage warrant (tag:wiretap OR tag:media)",
                        "footage warrant -lane:\"surveillance infrastructure\""}) {
    INFO(q);
    const auto filtered = s.search(query(q));
    CHECK(filtered.total == 0);
    CHECK(filtered.notices.empty());
  }
  // With no event holding every word anywhere, the fallback still applies,
  // within the filters.
  SearchRequest none = query("wiretap zebra");
  none.from = "1970";
  none.to = "1979";
  r = s.search(none);
  CHECK(hit_ids(r) == std::vector<std::string>{"wiretap-law"});
  REQUIRE(!r.notices.empty());
  CHECK(r.notices.back().find("showing events with some of them") != std::string::npos);
  CHECK(hit_ids(s.search(query("wiretap zebra date:1970..1979"))) ==
        std::vector<std::string>{"wiretap-law"});
}

TEST_CASE("an event dated by year or month is in every date range that overlaps it",
          "[search][filters]") {
  TempDir dir;
  auto w = [&](const std::string& id, const std::string& date) {
    write_file(dir / "tl" / (id + ".md"),
               test::event_text(id, date, "Event " + id, 5, "[Lane]", "[Someone]", "[tag]",
                                "Body text."));
  };
  w("year", "2025");
  w("month", "2025-11");
  w("oct31", "2025-10-31");
  w("nov1", "2025-11-01");
  w("dec1", "2025-12-01");
  w("leap-month", "2024-02");
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  Searcher s(dir / "db");
  auto ids = [&](const std::string& q, const std::string& from = "", const std::string& to = "") {
    SearchRequest r = query(q);
    r.from = from;
    r.to = to;
    auto found = hit_ids(s.search(r));
    std::sort(found.begin(), found.end());
    return found;
  };
  using V = std::vector<std::string>;
  CHECK(ids("", "2025-01-01", "2025-12-31") == V{"dec1", "month", "nov1", "oct31", "year"});
  CHECK(ids("date:2025-11-01..2025-11-30") == V{"month", "nov1", "year"});
  CHECK(ids("date:2025-11-15") == V{"month", "year"});
  CHECK(ids("date:>=2025-11-01") == V{"dec1", "month", "nov1", "year"});
  CHECK(ids("date:>2025-11-01") == V{"dec1", "month", "year"});
  CHECK(ids("date:>2025-11-30") == V{"dec1", "year"});  // November is over
  CHECK(ids("date:<2025-11-01") == V{"leap-month", "oct31", "year"});
  CHECK(ids("date:<2025-11") == V{"leap-month", "oct31", "year"});
  CHECK(ids("date:<2025-01-01") == V{"leap-month"});
  CHECK(ids("date:>2025") == V{});
  CHECK(ids("date:2025-11") == V{"month", "nov1", "year"});
  CHECK(ids("", "2025-06", "2026") == V{"dec1", "month", "nov1", "oct31", "year"});
  CHECK(ids("-date:2025-11-15") == V{"dec1", "leap-month", "nov1", "oct31"});
  CHECK(ids("date:2024-02-29") == V{"leap-month"});
  CHECK(ids("date:>2024-02-28") == V{"dec1", "leap-month", "month", "nov1", "oct31", "year"});
  CHECK(ids("date:>2024-02-29") == V{"dec1", "month", "nov1", "oct31", "year"});
  // After the last day of a year or month: none of it left.
  CHECK(ids("date:>2025-12-31") == V{});
  CHECK(ids("date:>2025-11-30") == V{"dec1", "year"});
  CHECK(ids("-date:>2025-12-31") == V{"dec1", "leap-month", "month", "nov1", "oct31", "year"});
  CHECK(ids("date:2024-03-01..2024-12-31") == V{});
}

TEST_CASE("year and importance facet ties are in numeric order", "[search][facets]") {
  TempDir dir;
  int n = 0;
  for (const auto& [date, importance] : std::vector<std::pair<std::string, int>>{
           {"0800", 10}, {"1600", 9}, {"2020", 2}, {"0950", 1}}) {
    const std::string id = "e" + std::to_string(++n);
    write_file(dir / "tl" / (id + ".md"),
               test::event_text(id, date, "Event", importance, "[Lane]", "[A]", "[t]", "Body."));
  }
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  const auto r = Searcher(dir / "db").search(query(""));
  CHECK(facet_string(r, "importance") ==
        "importance:1=1|importance:2=1|importance:9=1|importance:10=1");
  CHECK(facet_string(r, "year") == "year:800=1|year:950=1|year:1600=1|year:2020=1");
}

TEST_CASE("year: takes a year, a range of years or a comparison", "[search][syntax]") {
  TempDir dir;
  for (const char* date : {"0800", "1600", "1999-12-31", "2020", "2021-06", "2022-01-01"})
    write_file(dir / "tl" / (std::string("y") + date + ".md"),
               test::event_text(std::string("y") + date, date, "Event", 5, "[Lane]", "[A]",
                                "[t]", "Body."));
  IndexOptions options;
  options.db_path = dir / "db";
  REQUIRE(index_paths({dir / "tl"}, options).errors == 0);
  Searcher s(dir / "db");
  auto ids = [&](const std::string& q) {
    const auto r = s.search(query(q));
    CHECK(r.notices.empty());
    auto v = hit_ids(r);
    std::sort(v.begin(), v.end());
    return v;
  };
  using V = std::vector<std::string>;
  CHECK(ids("year:800") == V{"y0800"});
  CHECK(ids("year:0800") == V{"y0800"});
  CHECK(ids("year:2020..2021") == V{"y2020", "y2021-06"});
  CHECK(ids("year:>2020") == V{"y2021-06", "y2022-01-01"});
  CHECK(ids("year:<=1999") == V{"y0800", "y1600", "y1999-12-31"});
  CHECK(ids("year:..1600") == V{"y0800", "y1600"});
  CHECK(ids("year:1600 year:2022") == V{"y1600", "y2022-01-01"});
  CHECK(ids("year:800 OR year:2020..") == V{"y0800", "y2020", "y2021-06", "y2022-01-01"});
  for (const char* bad : {"year:abc", "year:20x0..2021", "year:0", "year:>soon"}) {
    INFO(bad);
    const auto r = s.search(query(bad));
    REQUIRE(!r.notices.empty());
    CHECK(r.notices[0].find("invalid year") != std::string::npos);
  }
}
