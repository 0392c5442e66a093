#include "tlsearch/searcher.h"

#include "tlsearch/output.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <tuple>
#include <array>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "facet_dictionary.h"
#include "query_builder.h"
#include "stemmer_internal.h"
#include "tlsearch/error.h"
#include "tlsearch/event_json.h"
#include "tlsearch/normalize.h"
#include "tlsearch/schema.h"

namespace tlsearch {
namespace {

namespace fs = std::filesystem;

// Ceiling of SearchRequest::limit: a page, not a dump of the index.
constexpr std::size_t kMaxLimit = 10000;
constexpr std::size_t kMaxOffset = 4294967295u;  // Xapian counts documents in 32 bits
// Fewer hits than this and a spelling suggestion is looked for.
constexpr std::size_t kSuggestBelow = 3;
// Notices of unknown filter values at most (a list of a thousand misspelt
// values is not answered with a thousand suggestions).
constexpr std::size_t kMaxNotices = 10;
// Attempts when a concurrent commit invalidates what was being read.
constexpr int kRetries = 5;

// Per facet value: how many matches have it, and how often each spelling
// was seen (nearly always one spelling).
struct Tally {
  std::size_t count = 0;
  std::vector<std::pair<std::string, std::size_t>> labels;

  void add_label(std::string_view label, std::size_t n) {
    for (auto& [seen, count] : labels) {
      if (seen == label) {
        count += n;
        return;
      }
    }
    labels.emplace_back(std::string(label), n);
  }
};

// The tallies of one facet: key -> Tally, open addressing over a table of
// (hash, index) slots, entries kept in insertion order. A broad query at 1M
// events does some twenty lookups per match: std::unordered_map's nodes
// (a cache miss each) and a key copy per lookup were 44% of its time.
class FacetTally {
 public:
  using Entry = std::pair<std::string, Tally>;

  // The tally of `key`, added with a zero count when new.
  Tally& add(std::string_view key) {
    if ((entries_.size() + 1) * 4 > slots_.size() * 3) grow();
    const std::size_t hash = std::hash<std::string_view>()(key);
    Slot& slot = slots_[probe(key, hash)];
    if (slot.index == kEmpty) {
      slot = {hash, static_cast<std::uint32_t>(entries_.size())};
      entries_.emplace_back(std::string(key), Tally());
    }
    return entries_[slot.index].second;
  }
  bool contains(std::string_view key) const {
    if (slots_.empty()) return false;
    return slots_[probe(key, std::hash<std::string_view>()(key))].index != kEmpty;
  }
  std::size_t size() const { return entries_.size(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    std::size_t hash = 0;
    std::uint32_t index = kEmpty;
  };

  // The slot holding `key`, or the empty slot where it would go.
  std::size_t probe(std::string_view key, std::size_t hash) const {
    std::size_t i = hash & (slots_.size() - 1);
    while (slots_[i].index != kEmpty &&
           !(slots_[i].hash == hash && entries_[slots_[i].index].first == key))
      i = (i + 1) & (slots_.size() - 1);
    return i;
  }

  void grow() {
    std::vector<Slot> slots(std::max<std::size_t>(64, slots_.size() * 2));
    for (const Slot& old : slots_) {
      if (old.index == kEmpty) continue;
      std::size_t i = old.hash & (slots.size() - 1);
      while (slots[i].index != kEmpty) i = (i + 1) & (slots.size() - 1);
      slots[i] = old;
    }
    slots_.swap(slots);
  }

  std::vector<Slot> slots_;  // a power of two, at most 3/4 full
  std::vector<Entry> entries_;
};

// Counts the values of some facets over every match. For each matching
// document it reads the one kSlotFacets value and adds one to the count of
// each id of a counted facet; ids are spelt out (and merged by key) only
// for the values counted, once per query, in tally().
//
// Values are read from a stream over the slot, moved forward to each match:
// Xapian's matcher hands documents over in docid order, so each block of
// values is read once, where Document::get_value() looks every value up
// through the B-tree again (a third of a broad query's time at 1M events,
// mostly in pread). A document that comes out of order restarts the stream.
//
// Why a match spy of our own: Xapian's ValueCountMatchSpy counts whole
// slot values, so it needed one slot per facet (7 value reads per match)
// and a map of packed strings that, for actors and tags, is as big as the
// match set; the strings were then unpacked into per-value maps. A stock
// xapian-tcpsrv cannot run this spy (remote shards would need it
// registered), which no front end of tlsearch uses.
class FacetSpy : public Xapian::MatchSpy {
 public:
  // `mask`: bit i set counts the facet at index i of schema::kFacets.
  FacetSpy(const Xapian::Database& db, schema::FacetEntryReader& entries,
           std::uint32_t mask)
      : db_(db), entries_(entries), mask_(mask) {
    for (std::size_t index = 0; index < limits_.size(); ++index)
      if ((mask_ >> index) & 1u) limits_[index] = entries_.size(db_, index);
  }

  void operator()(const Xapian::Document& doc, double) override {
    const Xapian::docid did = doc.get_docid();
    if (!stream_open_ || did < last_) {
      values_ = db_.valuestream_begin(schema::kSlotFacets);
      stream_open_ = true;
    }
    last_ = did;
    const Xapian::ValueIterator end = db_.valuestream_end(schema::kSlotFacets);
    if (values_ == end) return;
    values_.skip_to(did);
    if (values_ == end || values_.get_docid() != did) return;
    const std::string packed = *values_;
    schema::for_each_facet_id(packed, [&](std::size_t index, std::uint32_t id) {
      // Ids the dictionary does not have (a damaged value) are not counted.
      if (id >= limits_[index]) return;
      std::vector<std::uint32_t>& counts = counts_[index];
      if (id >= counts.size())
        counts.resize(std::min<std::size_t>(
            limits_[index], std::max<std::size_t>(id + 1, counts.size() * 2)));
      ++counts[id];
    });
  }
  Xapian::MatchSpy* clone() const override { return new FacetSpy(db_, entries_, mask_); }
  std::string name() const override { return "tlsearch.FacetSpy"; }

  // The counts of the facet at `index`, by key, with their spellings.
  FacetTally tally(std::size_t index) const {
    FacetTally by_key;
    const std::vector<std::uint32_t>& counts = counts_[index];
    for (std::uint32_t id = 0; id < counts.size(); ++id) {
      if (counts[id] == 0) continue;
      const std::string* entry = entries_.entry(db_, index, id);
      if (!entry) continue;
      auto [key, label] = schema::unpack_facet_entry(*entry);
      Tally& t = by_key.add(key);
      t.count += counts[id];
      t.add_label(label, counts[id]);
    }
    return by_key;
  }

 private:
  Xapian::Database db_;
  schema::FacetEntryReader& entries_;
  std::uint32_t mask_;
  // Per facet: ids below the limit are valid (0 for facets not counted).
  std::array<std::uint32_t, schema::kFacets.size()> limits_{};
  std::array<std::vector<std::uint32_t>, schema::kFacets.size()> counts_;
  Xapian::ValueIterator values_;
  bool stream_open_ = false;
  Xapian::docid last_ = 0;
};

// The most common spelling of a value (ties: the smaller label), or its key.
const std::string& best_label(const Tally& tally, const std::string& key) {
  const std::string* best = nullptr;
  std::size_t best_count = 0;
  for (const auto& [label, count] : tally.labels) {
    if (count > best_count || (count == best_count && best && label < *best)) {
      best = &label;
      best_count = count;
    }
  }
  return best ? *best : key;
}

// A key's characters, each as the number its UTF-8 bytes make (keys are
// valid UTF-8): enough to compare them one by one.
std::vector<std::uint32_t> key_chars(std::string_view key) {
  std::vector<std::uint32_t> chars;
  for (unsigned char byte : key) {
    if ((byte & 0xC0) == 0x80 && !chars.empty())
      chars.back() = chars.back() << 8 | byte;
    else
      chars.push_back(byte);
  }
  return chars;
}

// Levenshtein distance between a and b, or more than `most` when it is.
// Only the band of cells within `most` of the diagonal is computed, so a
// scan of a million ids costs a few cells per character.
std::size_t edit_distance(const std::vector<std::uint32_t>& a,
                          const std::vector<std::uint32_t>& b, std::size_t most) {
  const std::size_t over = most + 1;
  if (std::max(a.size(), b.size()) - std::min(a.size(), b.size()) > most) return over;
  // row[j]: distance between a's first i characters and b's first j;
  // cells outside the band hold `over`.
  std::vector<std::size_t> row(b.size() + 1, over);
  for (std::size_t j = 0; j <= std::min(b.size(), most); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t from = i > most ? i - most : 1;
    const std::size_t to = std::min(b.size(), i + most);
    std::size_t diagonal = row[from - 1];
    row[from - 1] = i <= most ? i : over;
    std::size_t smallest = row[from - 1];
    for (std::size_t j = from; j <= to; ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      row[j] = std::min(row[j], over);
      diagonal = above;
      smallest = std::min(smallest, row[j]);
    }
    if (smallest > most) return over;
  }
  return row[b.size()];
}

// Typing slips allowed in a text of `length` characters: none up to three,
// where one slip makes another word.
std::size_t slips_allowed(std::size_t length) {
  return length < 4 ? 0 : length < 8 ? 1 : length < 14 ? 2 : 3;
}

// Whether every word of `key` is a word of `other` (`thiel` of `peter thiel`).
bool words_within(const std::string& key, const std::string& other) {
  const std::string padded = " " + other + " ";
  std::size_t start = 0;
  while (start < key.size()) {
    std::size_t end = key.find(' ', start);
    if (end == std::string::npos) end = key.size();
    if (end > start && padded.find(" " + key.substr(start, end - start) + " ") == std::string::npos)
      return false;
    start = end + 1;
  }
  return true;
}

// The keys a user who typed `key` (known to no event) may have meant, at
// most three, best first: values holding all its words (`thiel`: `peter
// thiel`), most common first, then values a few typing slips away
// (`survelance infrastructure`), nearest first. Reads every value of the
// facet, only for a filter that matched nothing.
std::vector<std::string> suggest_facet_keys(
    const std::string& key, const Xapian::Database& db, const std::string& term_prefix,
    const std::function<std::string(const std::string&)>& key_of) {
  constexpr std::size_t kSuggestions = 3;
  const std::vector<std::uint32_t> typed = key_chars(key);
  const std::size_t most = slips_allowed(typed.size());
  struct Candidate {
    std::string key;
    bool holds_words;
    std::size_t distance;
    Xapian::doccount count;
  };
  std::vector<Candidate> candidates;
  for (auto it = db.allterms_begin(term_prefix); it != db.allterms_end(term_prefix); ++it) {
    const std::string other = key_of(*it);
    if (other.empty() || other == key) continue;
    if (words_within(key, other)) {
      candidates.push_back({other, true, 0, it.get_termfreq()});
    } else if (most > 0) {
      const std::size_t distance = edit_distance(typed, key_chars(other), most);
      if (distance <= most) candidates.push_back({other, false, distance, it.get_termfreq()});
    }
  }
  auto better = [](const Candidate& a, const Candidate& b) {
    if (a.holds_words != b.holds_words) return a.holds_words;
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.count != b.count) return a.count > b.count;
    return a.key < b.key;
  };
  const std::size_t top = std::min(kSuggestions, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(top),
                    candidates.end(), better);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < top; ++i) keys.push_back(std::move(candidates[i].key));
  return keys;
}

FacetCounts finish_facet(const schema::FacetInfo& info, const FacetTally& tally,
                         const std::vector<std::string>* selected_values,
                         std::size_t limit) {
  FacetCounts counts;
  counts.name = info.name;
  counts.distinct = tally.size();
  // Each selected value once (by key, first spelling kept), looked up in a
  // set: a filter of thousands of values (an MCP client's list) took
  // quadratic time, and a value given twice was listed twice.
  std::vector<std::pair<std::string, std::string>> selected;  // key, as given
  std::unordered_set<std::string> selected_keys;
  std::vector<std::string> selected_starts;  // `police*`: the values it selects
  if (selected_values)
    for (const auto& v : *selected_values) {
      if (auto start = facet_wildcard_start(v)) {
        if (!start->empty()) selected_starts.push_back(std::move(*start));
        continue;
      }
      std::string key = facet_key(v);
      if (!key.empty() && selected_keys.insert(key).second)
        selected.emplace_back(std::move(key), display_label(v));
    }
  auto is_selected = [&](const std::string& key) {
    if (selected_keys.count(key) > 0) return true;
    for (const auto& start : selected_starts)
      if (key.compare(0, start.size(), start) == 0) return true;
    return false;
  };
  // Rank references, not copies: a broad query has thousands of actors and
  // tags, of which only `limit` (plus selected ones) are returned.
  struct Ref {
    const std::string* key;
    const std::string* label;
    std::size_t count;
  };
  std::vector<Ref> refs;
  refs.reserve(tally.size());
  for (const auto& [key, t] : tally) refs.push_back({&key, &best_label(t, key), t.count});
  // Ties by value ascending; years and importances as numbers (9 before
  // 10), which for whole numbers without leading zeros is shorter first.
  const bool numeric = info.facet == schema::Facet::kYear ||
                       info.facet == schema::Facet::kImportance;
  auto before = [numeric](const Ref& a, const Ref& b) {
    if (a.count != b.count) return a.count > b.count;
    if (numeric && a.label->size() != b.label->size())
      return a.label->size() < b.label->size();
    return *a.label < *b.label;
  };
  const std::size_t top = std::min(limit, refs.size());
  std::partial_sort(refs.begin(), refs.begin() + static_cast<std::ptrdiff_t>(top),
                    refs.end(), before);
  auto emit = [&](const Ref& r) {
    FacetValue v;
    v.key = *r.key;
    v.value = *r.label;
    v.count = r.count;
    v.selected = is_selected(v.key);
    counts.values.push_back(std::move(v));
  };
  for (std::size_t i = 0; i < top; ++i) emit(refs[i]);
  // Selected values outside the top keep their place in the order.
  if ((!selected.empty() || !selected_starts.empty()) && top < refs.size()) {
    std::vector<Ref> rest;
    for (std::size_t i = top; i < refs.size(); ++i)
      if (is_selected(*refs[i].key)) rest.push_back(refs[i]);
    std::sort(rest.begin(), rest.end(), before);
    for (const auto& r : rest) emit(r);
  }
  // A selected value with no match left still shows, so it can be removed.
  for (const auto& [key, label] : selected) {
    if (tally.contains(key)) continue;
    FacetValue v;
    v.key = key;
    v.value = label;
    v.selected = true;
    counts.values.push_back(v);
  }
  return counts;
}

std::string format_sort_key(double key) {
  auto v = static_cast<long long>(std::llround(key));
  char buf[32];
  int year = static_cast<int>(v / 10000), month = static_cast<int>(v / 100 % 100),
      day = static_cast<int>(v % 100);
  if (month == 0)
    std::snprintf(buf, sizeof buf, "%04d", year);
  else if (day == 0)
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

// The weight of every match, as the matcher computed it (the phrase
// boost's first pass, below).
class WeightSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& doc, double weight) override {
    seen.emplace_back(weight, doc.get_docid());
  }
  std::vector<std::pair<double, Xapian::docid>> seen;
};

// The documents of a sorted list, for OP_FILTER: the phrase boost's second
// pass ranks only these.
class DocidList : public Xapian::PostingSource {
 public:
  explicit DocidList(std::vector<Xapian::docid> ids) : ids_(std::move(ids)) {}
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return count(); }
  Xapian::doccount get_termfreq_max() const override { return count(); }
  void init(const Xapian::Database&) override { at_ = ids_.size(), started_ = false; }
  void next(double) override {
    at_ = started_ ? at_ + 1 : 0;
    started_ = true;
  }
  void skip_to(Xapian::docid did, double) override {
    const auto from = ids_.begin() + static_cast<std::ptrdiff_t>(started_ ? at_ : 0);
    at_ = static_cast<std::size_t>(std::lower_bound(from, ids_.end(), did) - ids_.begin());
    started_ = true;
  }
  bool at_end() const override { return started_ && at_ >= ids_.size(); }
  Xapian::docid get_docid() const override { return ids_[at_]; }
  DocidList* clone() const override { return new DocidList(ids_); }
  std::string name() const override { return std::string(); }

 private:
  Xapian::doccount count() const { return static_cast<Xapian::doccount>(ids_.size()); }
  std::vector<Xapian::docid> ids_;
  std::size_t at_ = 0;
  bool started_ = false;
};

// From how many matches, as estimated_matches() guesses them, the two
// passes pay (boosted_page): below, the second pass and the list of
// weights cost more than the phrase checks they save. On the real corpus,
// every plain-words query in two passes took 1.7 ms at the median against
// 1.5 in one; at 1M events the topic queries (estimates of 2,400-5,700 for
// 6,000-13,000 matches: their words go together) took 45.4 ms against
// 50.9 (medians of 5 alternating runs), and the name query (1,336 matches)
// 18 against 15.
constexpr double kTwoPassMatches = 2000;

// The number of events holding all of `query`'s terms, were they
// independent: Xapian's own estimate for an AND, from term frequencies
// alone (no posting list is read).
double estimated_matches(const Xapian::Database& db, const Xapian::Query& query) {
  const double all = db.get_doccount();
  if (all == 0) return 0;
  double estimate = all;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it)
    estimate *= db.get_termfreq(*it) / all;
  return estimate;
}

// The page [offset, offset + limit) of `boosted` (`parsed.query`, the
// OP_AND_MAYBE of the words and their phrase, with the request's filters)
// ranked by relevance, in two passes,
// so that the phrase's positions are read for the events that can reach
// the page, not for every match (at 1M events, a topic query matched in
// 27 ms with the phrase and 13 without, facets aside).
//
// The first pass matches the words alone and counts every match (the
// facet spy rides on it); each match's weight there, w(d), is the weight
// of the words' part of the full query (the same terms, weighed alike).
// The boost adds 0.3 times the phrase's weight, the sum of its terms'
// weights: at most w(d) for the terms the words share with the phrase,
// plus E, the highest possible weight of the phrase's other terms (its
// stopwords: `the government` searches `government`). So an event scores
// at most 1.3 w(d) + 0.3 E with the boost, and at least w(d). With W the
// first-pass weight of the page's last event, the offset + limit events
// of weight >= W all score >= W, so an event with 1.3 w(d) + 0.3 E < W
// cannot reach the page: only the others are ranked again, with the
// boost, and their page is the page one pass would give (tests compare
// pages with the whole ranking). Returns that page and the number of
// matches.
std::pair<Xapian::MSet, Xapian::doccount> boosted_page(
    const Xapian::Database& db, Xapian::Enquire& enquire, const ParsedQuery& parsed,
    const SearchRequest& request, const Xapian::Query& boosted, Xapian::doccount offset,
    Xapian::doccount limit, Xapian::doccount all) {
  WeightSpy weights;
  enquire.add_matchspy(&weights);
  enquire.set_query(apply_filters(parsed.unboosted, request, std::nullopt));
  Xapian::MSet first = enquire.get_mset(offset, limit, all);
  enquire.clear_matchspies();
  const Xapian::doccount total = first.get_matches_estimated();
  std::vector<std::pair<double, Xapian::docid>>& seen = weights.seen;
  if (limit == 0 || offset >= seen.size()) return {first, total};  // no page to rank
  if (seen.size() != total) {
    // The spy did not see every match (a time limit): one pass.
    enquire.set_query(boosted);
    return {enquire.get_mset(offset, limit, all), total};
  }
  const std::size_t page_end = static_cast<std::size_t>(offset) + limit;
  double keep_from = -std::numeric_limits<double>::infinity();
  if (seen.size() > page_end) {
    std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(page_end - 1),
                     seen.end(), std::greater<>());
    const double last_on_page = seen[page_end - 1].first;
    // The phrase's terms the words do not hold (as many times).
    std::multiset<std::string> words(parsed.unboosted.get_terms_begin(),
                                     parsed.unboosted.get_terms_end());
    std::vector<std::string> others;
    for (auto it = parsed.boost.get_terms_begin(); it != parsed.boost.get_terms_end(); ++it) {
      const auto found = words.find(*it);
      if (found != words.end())
        words.erase(found);
      else
        others.push_back(*it);
    }
    double others_most = 0.0;
    if (!others.empty()) {
      Xapian::Enquire bound(db);
      bound.set_query(Xapian::Query(Xapian::Query::OP_OR, others.begin(), others.end()));
      others_most = bound.get_mset(0, 0).get_max_possible();
    }
    // A margin for rounding: an extra event ranked again changes nothing.
    keep_from = (last_on_page - kPhraseBoost * others_most) / (1.0 + kPhraseBoost) -
                1e-9 * (1.0 + std::abs(last_on_page));
  }
  std::vector<Xapian::docid> kept;
  for (const auto& [weight, did] : seen)
    if (weight >= keep_from) kept.push_back(did);
  std::sort(kept.begin(), kept.end());
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, boosted,
                                  Xapian::Query((new DocidList(std::move(kept)))->release())));
  return {enquire.get_mset(offset, limit), total};
}

// Whether any event matches `query`.
bool any_match(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire.get_mset(0, 0, 1).get_matches_lower_bound() > 0;
}

Hit make_hit(const Event& event) {
  Hit hit;
  hit.id = event.id;
  hit.title = event.title;
  hit.date = event.date.text;
  if (event.date.has_year()) hit.year = event.date.year;
  hit.importance = event.importance;
  hit.path = event.path;
  hit.lanes = event.lanes;
  hit.actors = event.actors;
  hit.tags = event.tags;
  hit.status = event.status;
  hit.type = event.type;
  return hit;
}

// The event stored in `doc`; the body is read from its slot when asked for.
Event decode_document(const Xapian::Document& doc, bool with_body) {
  try {
    Event event = event_from_document_data(doc.get_data());
    if (with_body) event.body_markdown = doc.get_value(schema::kSlotBody);
    return event;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kDatabase,
                std::string("damaged document data in the index: ") + e.what());
  }
}

// The plain text a hit's snippet is cut from: its body's, stored at index
// time, or else its description or notes.
std::string snippet_text(const Xapian::Document& doc, const Event& event) {
  std::string text = doc.get_value(schema::kSlotText);
  if (text.find_first_not_of(" \n\t") == std::string::npos) text = event.description;
  if (text.find_first_not_of(" \n\t") == std::string::npos) text = event.notes;
  return text;
}

// The free-text words of `query` a snippet should mark, as the `Z` + stem
// terms Xapian's highlighter looks for. It marks loose words of the default
// field only: not the words of a phrase (its exact-phrase check compares the
// text's words as written, and only stems are indexed), nor field words
// (`ZS`, `ZXA`, `ZXW` + stem). Excluded words (the right of AND_NOT) are
// left out: the event may hold them outside the excluded field.
void collect_highlight_terms(const Xapian::Query& query, std::set<std::string>& out,
                             std::set<std::string>& stopwords) {
  switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      auto it = query.get_terms_begin();
      if (it == query.get_terms_end()) return;
      const std::string term = *it;
      if (term.empty() || term[0] != 'Z') return;
      std::size_t start = 1;
      while (start < term.size() && term[start] >= 'A' && term[start] <= 'Z') ++start;
      // Stopwords are searched only inside phrases (and the phrase boost
      // holds every word of the query): marked, they would light up every
      // `the` and `and` of a passage.
      if (start < term.size())
        (is_stopword_stem(std::string_view(term).substr(start)) ? stopwords : out)
            .insert("Z" + term.substr(start));
      return;
    }
    case Xapian::Query::OP_AND_NOT:
      if (query.get_num_subqueries() > 0)
        collect_highlight_terms(query.get_subquery(0), out, stopwords);
      return;
    default:
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
        collect_highlight_terms(query.get_subquery(i), out, stopwords);
  }
}

void set_sort(Xapian::Enquire& enquire, SortOrder order, bool browsing) {
  switch (order) {
    case SortOrder::kRelevance:
      enquire.set_sort_by_relevance_then_value(schema::kSlotDate, true);
      break;
    case SortOrder::kDateAsc: {
      // Events without a date sort last, not first.
      auto* key = new Xapian::MultiValueKeyMaker;
      key->add_value(schema::kSlotDate, false, "\xff");
      enquire.set_sort_by_key_then_relevance(key->release(), false);
      break;
    }
    case SortOrder::kDateDesc: {
      auto* key = new Xapian::MultiValueKeyMaker;
      key->add_value(schema::kSlotDate, true);
      enquire.set_sort_by_key_then_relevance(key->release(), false);
      break;
    }
    case SortOrder::kImportance: {
      auto* key = new Xapian::MultiValueKeyMaker;
      key->add_value(schema::kSlotImportance, true);
      if (browsing) key->add_value(schema::kSlotDate, true);
      enquire.set_sort_by_key_then_relevance(key->release(), false);
      break;
    }
  }
}

// Identity of the index folder's stub file (XAPIANDB): the indexer swaps in
// a rebuilt generation by renaming a new stub over the old one, which
// reopen() cannot see, so a changed stub means opening the index afresh.
// Empty when there is no stub (an index written directly in the folder).
std::string stub_signature(const fs::path& db_path) {
  struct stat st;
  if (::stat((db_path / schema::kStubFile).c_str(), &st) != 0) return {};
  return std::to_string(st.st_ino) + ':' + std::to_string(st.st_mtim.tv_sec) +
         '.' + std::to_string(st.st_mtim.tv_nsec) + ':' + std::to_string(st.st_size);
}

// The number of the generation the stub names (`glass g12` gives "12");
// empty for an index folder written before generations.
std::string generation_number(const fs::path& db_path) {
  const std::string folder = schema::stub_generation(db_path.string());
  if (folder.size() < 2 || folder[0] != 'g' ||
      folder.find_first_not_of("0123456789", 1) != std::string::npos)
    return {};
  return folder.substr(1);
}

}  // namespace

struct Searcher::Impl {
  fs::path path;
  Xapian::Database db;
  std::string stub;  // stub_signature() when db was opened
  std::string generation;  // generation_number() when db was opened
  // Snippets stem every word of each hit's text; the cache makes that a hash
  // lookup for words seen before (it was 28% of a topic query).
  Xapian::Stem stemmer{new internal::CachingStemmer};
  // Facet spellings read so far, valid for the revision in facets_at.
  schema::FacetEntryReader facet_entries;
  std::string facets_at;

  SearchResult run(const SearchRequest& request);
  // The key of a facet value's term: a hashed one (schema::boolean_term)
  // is read back from the facet entries of an event that holds it, when
  // the facet has entries (`index`; tiers have none).
  std::string key_of(const std::string& term, const std::string& term_prefix,
                     std::optional<std::size_t> index);
  // The most common spelling of a facet value among (up to 50 of) its events.
  std::string label_of(std::size_t index, const std::string& term, const std::string& key);
  // For a filter value no event has: a notice saying so, naming up to three
  // values the user may have meant.
  std::string unknown_value_notice(const std::string& field, const std::string& term_prefix,
                                   const std::string& value);
  // Runs `fn`, reopening and retrying when a commit changed the database
  // under it; translates Xapian errors into tlsearch::Error.
  template <typename Fn>
  auto guarded(Fn fn) -> decltype(fn()) {
    for (int attempt = 1;; ++attempt) {
      try {
        std::string current = stub_signature(path);
        if (current != stub) {
          generation = generation_number(path);
          db = Xapian::Database(path.string());
          stub = current;
        } else {
          db.reopen();
        }
        // A new generation or commit may have added facet values.
        const std::string at = stub + '#' + std::to_string(db.get_revision());
        if (at != facets_at) {
          facet_entries.clear();
          facets_at = at;
        }
        return fn();
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= kRetries)
          throw Error(ErrorKind::kDatabase,
                      "the index kept changing while being read; try again");
      } catch (const Xapian::DatabaseOpeningError& e) {
        // The generation named by the stub was replaced between reading the
        // stub and opening it: read the stub again.
        stub = "?";
        if (attempt >= kRetries)
          throw Error(ErrorKind::kDatabase, "cannot read index " + path.string() +
                                                ": " + e.get_description());
      } catch (const Xapian::Error& e) {
        throw Error(ErrorKind::kDatabase,
                    "cannot read index " + path.string() + ": " + e.get_description());
      }
    }
  }
};

std::string Searcher::Impl::key_of(const std::string& term, const std::string& term_prefix,
                                   std::optional<std::size_t> index) {
  std::string key = schema::term_key(term, term_prefix);
  if (key == term.substr(term_prefix.size()) || !index) return key;  // not hashed
  Xapian::PostingIterator first = db.postlist_begin(term);
  if (first == db.postlist_end(term)) return key;
  std::string found;
  schema::for_each_facet_id(
      db.get_document(*first).get_value(schema::kSlotFacets),
      [&](std::size_t group, std::uint32_t id) {
        if (group != *index || !found.empty()) return;
        const std::string* entry = facet_entries.entry(db, *index, id);
        if (!entry) return;
        std::string entry_key = schema::unpack_facet_entry(*entry).first;
        if (schema::boolean_term(term_prefix, entry_key) == term) found = entry_key;
      });
  return found.empty() ? key : found;
}

std::string Searcher::Impl::label_of(std::size_t index, const std::string& term,
                                     const std::string& key) {
  Tally spellings;
  int seen = 0;
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term) && seen < 50;
       ++it, ++seen) {
    const std::string packed = db.get_document(*it).get_value(schema::kSlotFacets);
    schema::for_each_facet_id(packed, [&](std::size_t group, std::uint32_t id) {
      if (group != index) return;
      const std::string* entry = facet_entries.entry(db, index, id);
      if (!entry) return;
      auto [entry_key, label] = schema::unpack_facet_entry(*entry);
      if (entry_key == key) spellings.add_label(label, 1);
    });
  }
  return best_label(spellings, key);
}

std::string Searcher::Impl::unknown_value_notice(const std::string& field,
                                                 const std::string& term_prefix,
                                                 const std::string& value) {
  const std::string shown = "'" + text_for_terminal(display_label(value)) + "'";
  if (facet_wildcard_start(value)) {
    const std::string start = value.substr(0, value.find_last_not_of("* \t") + 1);
    return "no " + field + " starts with '" + text_for_terminal(display_label(start)) + "'";
  }
  const std::string key = facet_key(value);
  const std::string missing = "no event has the " + field + " " + shown;
  if (key.empty()) return missing;
  std::optional<std::size_t> index;
  if (const auto* info = schema::find_facet(field)) index = schema::facet_index(info->facet);
  const std::vector<std::string> suggested =
      suggest_facet_keys(key, db, term_prefix, [&](const std::string& term) {
        return key_of(term, term_prefix, index);
      });
  if (suggested.empty()) return missing;
  std::string notice = missing + "; did you mean ";
  for (std::size_t i = 0; i < suggested.size(); ++i) {
    if (i > 0) notice += i + 1 == suggested.size() ? " or " : ", ";
    const std::string term = schema::boolean_term(term_prefix, suggested[i]);
    const std::string label = index ? label_of(*index, term, suggested[i]) : suggested[i];
    const Xapian::doccount n = db.get_termfreq(term);
    notice += "'" + text_for_terminal(label) + "' (" + std::to_string(n) +
              (n == 1 ? " event)" : " events)");
  }
  return notice + "?";
}

Searcher::Searcher(const fs::path& db_path) : impl_(std::make_unique<Impl>()) {
  impl_->path = db_path;
  std::error_code ec;
  if (!fs::exists(db_path, ec))
    throw Error(ErrorKind::kDatabase,
                "no index at " + db_path.string() +
                    "; create one with `tlsearch index --db " + db_path.string() +
                    " FOLDER`");
  try {
    impl_->stub = stub_signature(db_path);
    impl_->generation = generation_number(db_path);
    impl_->db = Xapian::Database(db_path.string());
  } catch (const Xapian::DatabaseNotFoundError& e) {
    // The first `tlsearch index` writes its empty generation, then the
    // stub: a search in between finds the folder without either.
    if (fs::exists(db_path / schema::kFirstGeneration, ec) &&
        !fs::exists(db_path / schema::kStubFile, ec))
      throw Error(ErrorKind::kDatabase,
                  "no index at " + db_path.string() +
                      " yet: a first `tlsearch index` is creating it; search again "
                      "when it is done");
    // A folder holding no Xapian database at all (a timeline folder, or
    // the parent of the index): say what it is not, and how to make one.
    throw Error(ErrorKind::kDatabase,
                db_path.string() + " is not a tlsearch index (" + e.get_msg() +
                    "); point --db at the folder `tlsearch index` wrote, or create one "
                    "with `tlsearch index --db " +
                    db_path.string() + " FOLDER`");
  } catch (const Xapian::Error& e) {
    // Xapian reads a file as a stub listing databases: an event file given
    // as --db failed with "Bad line".
    if (fs::is_regular_file(db_path, ec) && e.get_type() == std::string("DatabaseOpeningError"))
      throw Error(ErrorKind::kDatabase,
                  db_path.string() + " is a file, not a tlsearch index (an index is a "
                                     "folder); point --db at the folder `tlsearch index` wrote");
    throw Error(ErrorKind::kDatabase, "cannot open index " + db_path.string() +
                                          ": " + e.get_description());
  }
  std::string version = impl_->db.get_metadata(schema::kMetaSchemaVersion);
  if (version.empty())
    throw Error(ErrorKind::kDatabase, db_path.string() + " is not a tlsearch index");
  if (version != std::to_string(schema::kSchemaVersion))
    throw Error(ErrorKind::kDatabase,
                db_path.string() + " was built with index schema " + version +
                    " but this tlsearch reads schema " +
                    std::to_string(schema::kSchemaVersion) + "; index again");
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResult Searcher::search(const SearchRequest& request) {
  // The command line's limits (docs/limits.md), for every program using
  // the library; the facet limit excepted, where SIZE_MAX asks for every
  // value of a corpus with any number of them.
  auto at_most = [](const char* name, std::size_t value, std::size_t max) {
    if (value > max)
      throw Error(ErrorKind::kUsage, std::string(name) + " must be at most " +
                                         std::to_string(max) + ", not " + std::to_string(value));
  };
  at_most("limit", request.limit, kMaxLimit);
  at_most("offset", request.offset, kMaxOffset);
  return impl_->guarded([&] { return impl_->run(request); });
}

SearchResult Searcher::Impl::run(const SearchRequest& request) {
  auto started = std::chrono::steady_clock::now();
  SearchResult result;
  result.query = request.query;
  result.offset = request.offset;
  result.limit = request.limit;

  ParsedQuery parsed = parse_query_text(request.query, db);
  result.notices = parsed.notices;
  // A filter value no event has (`--lane 'Survelance Infrastructure'`,
  // `--actor thiel`) answers nothing whatever else is asked: say so, with
  // the values meant. Each value once, whether an option or in the query.
  {
    std::vector<UnknownValue> unknown = parsed.unknown_values;
    for (const auto& info : schema::kFacets) {
      const auto* values = request_values(request, info.facet);
      if (!values) continue;
      for (const auto& value : *values)
        if (!facet_value_exists(db, info.term_prefix, value))
          unknown.push_back({info.field, info.term_prefix, value});
    }
    std::set<std::string> said;  // field and key: `No Such Lane`, `no-such lane` once
    for (const auto& u : unknown) {
      if (said.size() >= kMaxNotices) break;
      if (!said.insert(u.field + '\n' + facet_key(u.value) + '\n' +
                       (facet_wildcard_start(u.value) ? "*" : ""))
               .second)
        continue;
      result.notices.push_back(unknown_value_notice(u.field, u.term_prefix, u.value));
    }
  }
  const bool browsing = parsed.empty;
  result.sort = request.sort.value_or(browsing ? SortOrder::kDateAsc
                                               : SortOrder::kRelevance);
  const Xapian::doccount all = db.get_doccount();
  // Offsets past the end return no hits; clamp so Xapian never sees a
  // nonsensical window.
  const Xapian::doccount offset =
      static_cast<Xapian::doccount>(std::min<std::size_t>(request.offset, all));

  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BM25Weight());
  set_sort(enquire, result.sort, browsing);
  if (request.time_limit_seconds > 0) enquire.set_time_limit(request.time_limit_seconds);

  // Facets whose own filter is active are counted in a second pass without
  // that filter (disjunctive facets); the others on the main pass.
  const bool want_facets = request.facet_limit > 0;
  std::uint32_t main_mask = 0;
  std::vector<const schema::FacetInfo*> separate;
  if (want_facets) {
    for (const auto& info : schema::kFacets) {
      const auto* values = request_values(request, info.facet);
      if (values && !values->empty())
        separate.push_back(&info);
      else
        main_mask |= 1u << schema::facet_index(info.facet);
    }
  }
  auto spy = std::make_unique<FacetSpy>(db, facet_entries, main_mask);
  if (main_mask) enquire.add_matchspy(spy.get());

  Xapian::Query base = parsed.query;
  const Xapian::Query filtered = apply_filters(base, request, std::nullopt);
  Xapian::MSet mset;
  std::size_t strict_total = 0;
  if (!parsed.boost.empty() && result.sort == SortOrder::kRelevance &&
      estimated_matches(db, parsed.unboosted) >= kTwoPassMatches) {
    std::tie(mset, strict_total) =
        boosted_page(db, enquire, parsed, request, filtered, offset, request.limit, all);
  } else {
    enquire.set_query(filtered);
    mset = enquire.get_mset(offset, request.limit, all);
    strict_total = mset.get_matches_estimated();
  }
  std::size_t total = strict_total;

  // No event has every word: relax to any word, ranked, rather than answer
  // nothing. Said in a notice so the user knows. Decided on the words
  // alone: when some events hold them all, the filters (--lane, date:...)
  // leave none of those, and that is the answer, 0. Relaxing then widened
  // a drill-down beyond the unfiltered search, and the disjunctive counts
  // promised events that clicking the value did not give.
  auto words_somewhere = [&] {
    // A query read as plain words (a bad date) has no filters left in it.
    if (parsed.degraded)
      return filtered.serialise() != base.serialise() && !base.empty() &&
             any_match(db, base);
    const std::optional<std::string> words = words_without_filters(request.query);
    if (!words) return true;  // filters inside: never relax past them
    Xapian::Query probe = parse_query_text(*words, db).query;
    if (probe.serialise() == filtered.serialise()) return false;  // the search just made
    return !probe.empty() && any_match(db, probe);
  };
  if (strict_total == 0 && !browsing &&
      request.query.find_first_of("\"") == std::string::npos && !words_somewhere()) {
    ParsedQuery relaxed = parse_query_text(request.query, db, true);
    if (relaxed.query.serialise() != parsed.query.serialise()) {
      enquire.clear_matchspies();
      spy = std::make_unique<FacetSpy>(db, facet_entries, main_mask);
      if (main_mask) enquire.add_matchspy(spy.get());
      enquire.set_query(apply_filters(relaxed.query, request, std::nullopt));
      Xapian::MSet relaxed_mset = enquire.get_mset(offset, request.limit, all);
      if (relaxed_mset.get_matches_estimated() > 0) {
        total = relaxed_mset.get_matches_estimated();
        mset = relaxed_mset;
        base = relaxed.query;
        result.notices.push_back(
            "no event contains all the words; showing events with some of them");
      }
    }
  }
  result.total = total;

  // Snippets mark the query's words, those of phrases and fields included
  // (see collect_highlight_terms): the query given to the highlighter is the
  // search's own, ORed with those words loose. Its MSet comes from an empty
  // database, so nothing is matched again.
  std::optional<Xapian::MSet> highlighter;
  if (!mset.empty() && !browsing) {
    std::set<std::string> words, stopwords;
    // The search's query as the user asked it (the phrase boost's second
    // pass limits the one it ran to a list of events).
    const Xapian::Query searched = apply_filters(base, request, std::nullopt);
    collect_highlight_terms(searched, words, stopwords);
    // A phrase of stopwords alone ("of the") marks them: they are its words.
    if (words.empty()) words = std::move(stopwords);
    if (!words.empty()) {
      Xapian::Enquire marks{Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY)};
      marks.set_query(Xapian::Query(Xapian::Query::OP_OR, searched,
                                    Xapian::Query(Xapian::Query::OP_OR, words.begin(),
                                                  words.end())));
      highlighter = marks.get_mset(0, 0);
    }
  }
  const Xapian::MSet& snippets = highlighter ? *highlighter : mset;

  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    const Event event = decode_document(doc, false);
    Hit hit = make_hit(event);
    hit.file = hit.path;
    // A name that is not UTF-8 reached the document data with U+FFFD in
    // it; the file slot holds its bytes.
    if (hit.path.find("\xef\xbf\xbd") != std::string::npos) {
      std::string raw = schema::file_slot_path(doc.get_value(schema::kSlotFile));
      if (!raw.empty()) hit.file = std::move(raw);
    }
    hit.score = browsing ? 0.0 : it.get_weight();
    // No SNIPPET_BACKGROUND_MODEL: it looks up the frequency of every word
    // of every body shown (a B-tree read per word) and was 60% of a topic
    // query's time; the passage is still chosen by the query's matches. Not
    // SNIPPET_EXHAUSTIVE either: Xapian stops at the first passage holding
    // the query's words instead of scoring every passage of a long body.
    // Control and bidi characters are dropped from the text first: a
    // snippet is printed by scripts, terminals and pages (docs/json.md).
    hit.snippet = snippets.snippet(text_for_terminal(text_for_words(snippet_text(doc, event))),
                               request.snippet_length, stemmer,
                               Xapian::MSet::SNIPPET_CJK_NGRAM,
                               "<mark>", "</mark>", "\xe2\x80\xa6");
    // Thai and its kind are shown as written, without the separators
    // Xapian needed to find their words (text_for_words)...
    const std::string_view separator = kWordSeparator;
    for (std::size_t at = 0; (at = hit.snippet.find(separator, at)) != std::string::npos;)
      hit.snippet.erase(at, separator.size());
    // ...and CJK text is marked character by character: one mark per run.
    for (std::size_t at = 0; (at = hit.snippet.find("</mark><mark>", at)) != std::string::npos;)
      hit.snippet.erase(at, 13);
    // Xapian escapes < > & only; quotes too, so a snippet is safe in an
    // HTML attribute as well as in element content (docs/json.md).
    for (std::size_t at = 0; (at = hit.snippet.find('"', at)) != std::string::npos; at += 6)
      hit.snippet.replace(at, 1, "&quot;");
    result.hits.push_back(std::move(hit));
  }

  if (want_facets) {
    std::array<FacetTally, schema::kFacets.size()> separate_tallies;
    for (const auto* info : separate) {
      const std::size_t index = schema::facet_index(info->facet);
      Xapian::Enquire other(db);
      other.set_weighting_scheme(Xapian::BoolWeight());
      if (request.time_limit_seconds > 0) other.set_time_limit(request.time_limit_seconds);
      other.set_query(apply_filters(base, request, info->facet));
      FacetSpy facet_spy(db, facet_entries, 1u << index);
      other.add_matchspy(&facet_spy);
      other.get_mset(0, 0, all);
      separate_tallies[index] = facet_spy.tally(index);
    }
    for (const auto& info : schema::kFacets) {
      const std::size_t index = schema::facet_index(info.facet);
      const bool own_pass = (main_mask >> index & 1u) == 0;
      result.facets.push_back(finish_facet(
          info, own_pass ? separate_tallies[index] : spy->tally(index),
          request_values(request, info.facet), request.facet_limit));
    }
  }

  if (!browsing && strict_total < kSuggestBelow) {
    std::string corrected = spelling_suggestion(request.query, db);
    if (!corrected.empty() && corrected != request.query) {
      ParsedQuery alt = parse_query_text(corrected, db);
      Xapian::Enquire check(db);
      check.set_weighting_scheme(Xapian::BoolWeight());
      check.set_query(apply_filters(alt.query, request, std::nullopt));
      if (check.get_mset(0, 0, all).get_matches_estimated() > strict_total)
        result.suggestion = corrected;
    }
  }
  result.elapsed_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  return result;
}

std::vector<Event> Searcher::find_events(const std::string& id) {
  return impl_->guarded([&] {
    std::vector<Event> events;
    auto collect = [&](const std::string& term) {
      for (auto it = impl_->db.postlist_begin(term); it != impl_->db.postlist_end(term);
           ++it)
        events.push_back(decode_document(impl_->db.get_document(*it), true));
    };
    std::string key = schema::id_key(id);
    if (!key.empty()) collect(schema::boolean_term(schema::kId, key));
    // `tlsearch show path/to/event.md` works too.
    if (events.empty()) {
      std::error_code ec;
      fs::path absolute = fs::absolute(id, ec).lexically_normal();
      if (!ec) collect(schema::path_term(absolute.string()));
      // The indexer names folders by their real path (links resolved).
      if (events.empty() && !ec) {
        const std::string real = schema::indexed_file_path(absolute.string());
        if (real != absolute.string()) collect(schema::path_term(real));
      }
    }
    return events;
  });
}

std::vector<std::string> Searcher::similar_ids(const std::string& text, std::size_t limit) {
  return impl_->guarded([&] {
    std::vector<std::string> ids;
    const std::string key = schema::id_key(text);
    if (key.empty() || limit == 0) return ids;
    const std::vector<std::uint32_t> typed = key_chars(key);
    const std::size_t most = std::min<std::size_t>(slips_allowed(typed.size()), 2);
    struct Candidate {
      std::string term;
      int kind;  // 0 starts with the text, 1 holds it, 2 a few slips away
      std::size_t distance;
    };
    std::vector<Candidate> found;
    Xapian::Database& db = impl_->db;
    const std::string prefix = schema::kId;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
      const std::string& term = *it;
      const std::string_view other = std::string_view(term).substr(prefix.size());
      if (other.size() >= key.size() && other.compare(0, key.size(), key) == 0) {
        found.push_back({term, 0, 0});
      } else if (other.find(key) != std::string_view::npos) {
        found.push_back({term, 1, 0});
      } else if (most > 0) {
        const std::size_t distance = edit_distance(typed, key_chars(other), most);
        if (distance <= most) found.push_back({term, 2, distance});
      }
    }
    // Ids start with their dates: in order, the earliest first.
    auto before = [](const Candidate& a, const Candidate& b) {
      return std::tie(a.kind, a.distance, a.term) < std::tie(b.kind, b.distance, b.term);
    };
    const std::size_t top = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(top),
                      found.end(), before);
    for (std::size_t i = 0; i < top; ++i) {
      Xapian::PostingIterator first = db.postlist_begin(found[i].term);
      if (first == db.postlist_end(found[i].term)) continue;
      ids.push_back(decode_document(db.get_document(*first), false).id);
    }
    return ids;
  });
}

FacetCounts Searcher::facet_values(const std::string& facet, const std::string& prefix,
                                   std::size_t limit) {
  const schema::FacetInfo* info = schema::find_facet(facet);
  if (!info) {
    std::string names;
    for (const auto& f : schema::kFacets) names += std::string(names.empty() ? "" : ", ") + f.name;
    throw Error(ErrorKind::kUsage, "unknown facet '" + facet + "' (known: " + names + ")");
  }
  return impl_->guarded([&] {
    Xapian::Database& db = impl_->db;
    const std::string term_prefix = info->term_prefix;
    // `police-` lists values with a word after police, as tag:police-* finds;
    // a space still being typed (`police `) does not hide `police`.
    const std::string want =
        facet_key_prefix(std::string_view(prefix).substr(0, prefix.find_last_not_of(" \t") + 1));
    const std::size_t index = schema::facet_index(info->facet);
    FacetTally tally;
    // A prefix of punctuation or control characters only (a NUL) has an
    // empty key, yet asked for something: no value starts with it. Only a
    // blank prefix asks for every value.
    const bool impossible =
        want.empty() && prefix.find_first_not_of(" \t\n\r\f\v") != std::string::npos;
    for (auto it = db.allterms_begin(term_prefix);
         !impossible && it != db.allterms_end(term_prefix); ++it) {
      std::string key = impl_->key_of(*it, term_prefix, index);
      // Matches at the start of the value or of any word in it.
      if (!want.empty() && key.compare(0, want.size(), want) != 0 &&
          key.find(" " + want) == std::string::npos)
        continue;
      tally.add(key).count = it.get_termfreq();
    }
    FacetCounts counts = finish_facet(*info, tally, nullptr, limit);
    // Labels: the most common spelling among (up to 50 of) its events.
    for (auto& value : counts.values)
      value.value =
          impl_->label_of(index, schema::boolean_term(term_prefix, value.key), value.key);
    return counts;
  });
}

IndexStats Searcher::stats() {
  return impl_->guarded([&] {
    Xapian::Database& db = impl_->db;
    IndexStats stats;
    // Absolute, as scripts keep it: the folder it was given relative to
    // is theirs to forget.
    std::error_code absolute_ec;
    const fs::path absolute = fs::absolute(impl_->path, absolute_ec);
    fs::path shown = absolute_ec ? impl_->path : absolute.lexically_normal();
    if (shown.filename().empty() && shown.has_parent_path() && shown != shown.root_path())
      shown = shown.parent_path();  // `db/` as `db`
    stats.path = shown.string();
    stats.documents = db.get_doccount();
    stats.average_length = db.get_avlength();
    // Xapian's value bounds are not narrowed when documents go (an
    // incremental run that removed the newest event kept its date as the
    // last): each is checked, and looked for again only if stale.
    const std::string low_bound = db.get_value_lower_bound(schema::kSlotDate);
    const std::string high_bound = db.get_value_upper_bound(schema::kSlotDate);
    auto exact = [&](bool lowest) -> std::string {
      const std::string& bound = lowest ? low_bound : high_bound;
      if (bound.empty()) return bound;
      Xapian::Enquire enquire(db);
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      enquire.set_query(Xapian::Query(lowest ? Xapian::Query::OP_VALUE_LE
                                             : Xapian::Query::OP_VALUE_GE,
                                      schema::kSlotDate, bound));
      if (!enquire.get_mset(0, 1).empty()) return bound;
      enquire.set_query(
          Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, low_bound));
      enquire.set_sort_by_value(schema::kSlotDate, !lowest);
      const Xapian::MSet first = enquire.get_mset(0, 1);
      if (first.empty()) return std::string();
      return first.begin().get_document().get_value(schema::kSlotDate);
    };
    const std::string low = exact(true), high = exact(false);
    if (!low.empty()) stats.first_date = format_sort_key(Xapian::sortable_unserialise(low));
    if (!high.empty()) stats.last_date = format_sort_key(Xapian::sortable_unserialise(high));
    // A rebuild starts a new generation at revision 1: the generation
    // leads, so the string changes at every run that commits, rebuilds
    // included.
    const std::string& generation = impl_->generation;
    stats.revision = (generation.empty() ? std::string() : generation + ".") +
                     std::to_string(db.get_revision());
    stats.schema_version = std::stoi(db.get_metadata(schema::kMetaSchemaVersion));
    for (const auto& info : schema::kFacets) {
      std::size_t n = 0;
      for (auto it = db.allterms_begin(info.term_prefix);
           it != db.allterms_end(info.term_prefix); ++it)
        ++n;
      stats.facet_values.emplace_back(info.name, n);
    }
    std::error_code ec;
    for (fs::recursive_directory_iterator it(impl_->path, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file(ec)) stats.bytes_on_disk += it->file_size(ec);
    }
    return stats;
  });
}

}  // namespace tlsearch
