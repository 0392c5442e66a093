// The English stemmer behind a word cache, shared by the indexer (which
// also counts spelling words with it) and the searcher (the query parser
// stems every query word with it, snippets every word of the text they are
// cut from). Internal to tlsearch.
#ifndef TLSEARCH_STEMMER_INTERNAL_H
#define TLSEARCH_STEMMER_INTERNAL_H

#include <string>
#include <unordered_map>

#include <xapian.h>

#include "tlsearch/normalize.h"

namespace tlsearch {

// Word -> number of occurrences, for the spelling dictionary.
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

namespace internal {

// The English stemmer behind a cache, which also counts spelling words.
// TermGenerator stems every word it indexes; a timeline repeats the same few
// thousand words, so a hash lookup replaces most Snowball runs. The stemmer
// is the one place that sees every word as written (lower-cased), so the
// same lookup counts the word for the spelling dictionary while `counting`.
class CachingStemmer : public Xapian::StemImplementation {
 public:
  bool counting = false;

  std::string operator()(const std::string& word) override {
    auto it = cache_.find(word);
    if (it == cache_.end()) {
      // Bounded, so a corpus of random words cannot grow it without limit;
      // counts of forgotten words are kept aside first.
      if (cache_.size() >= kMaxCached) spill();
      // Accents are dropped before stemming, for every word indexed,
      // searched or highlighted: `Orban` and `Orbán` are one term.
      it = cache_.emplace(word, Entry{english_(fold_diacritics(word)), 0, spelling_word(word)})
               .first;
    }
    if (counting && it->second.speller) {
      if (it->second.pending++ == 0) ++pending_words_;
    }
    return it->second.stem;
  }
  std::string get_description() const override {
    return "tlsearch caching " + english_.get_description();
  }

  std::size_t pending_words() const { return pending_words_ + spilled_.size(); }

  void take(SpellingCounts& counts) {
    for (auto& [word, entry] : cache_) {
      if (entry.pending == 0) continue;
      counts[word] += entry.pending;
      entry.pending = 0;
    }
    for (const auto& [word, n] : spilled_) counts[word] += n;
    spilled_.clear();
    pending_words_ = 0;
  }

 private:
  struct Entry {
    std::string stem;
    Xapian::termcount pending;  // occurrences not yet taken
    bool speller;               // a word worth suggesting
  };

  // Words that make useful suggestions: numbers do not, nor do words too
  // short or too long to be misspelt usefully.
  static bool spelling_word(const std::string& word) {
    unsigned char first = static_cast<unsigned char>(word[0]);
    return word.size() >= 3 && word.size() <= 40 && first >= 'a' && first <= 'z';
  }

  void spill() {
    for (const auto& [word, entry] : cache_)
      if (entry.pending) spilled_[word] += entry.pending;
    pending_words_ = 0;
    cache_.clear();
  }

  static constexpr std::size_t kMaxCached = 200000;
  Xapian::Stem english_{"english"};
  std::unordered_map<std::string, Entry> cache_;
  SpellingCounts spilled_;
  std::size_t pending_words_ = 0;  // cache entries with pending > 0
};

}  // namespace internal
}  // namespace tlsearch

#endif  // TLSEARCH_STEMMER_INTERNAL_H
