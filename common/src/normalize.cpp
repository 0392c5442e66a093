#include "tlsearch/normalize.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <utf8proc.h>

namespace tlsearch {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at `text[*pos]` and advances `*pos`. An invalid
// sequence yields U+FFFD and advances past its maximal valid prefix (at least
// one byte), as the Unicode standard recommends, so one bad byte costs one
// replacement character and never swallows the valid text after it.
char32_t decode_one(std::string_view text, std::size_t* pos) {
  auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const std::size_t start = *pos;
  const unsigned char lead = byte(start);
  if (lead < 0x80) {
    *pos = start + 1;
    return lead;
  }
  int length = 0;
  char32_t cp = 0;
  // Bounds of the second byte exclude overlong forms and surrogates.
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    *pos = start + 1;
    return kReplacement;
  }
  std::size_t i = start + 1;
  for (int k = 1; k < length; ++k, ++i) {
    if (i >= text.size()) {
      *pos = i;
      return kReplacement;
    }
    const unsigned char b = byte(i);
    const unsigned char min = (k == 1) ? lo : 0x80;
    const unsigned char max = (k == 1) ? hi : 0xBF;
    if (b < min || b > max) {
      *pos = i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos = i;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

// C0 and C1 controls and DEL, whitespace controls included.
bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool is_quote(char32_t cp) {
  return cp == '"' || cp == '\'' || cp == '`' || cp == 0x2018 || cp == 0x2019 ||
         cp == 0x201C || cp == 0x201D;
}

// Simple (one to one) lower case, from Unicode's data (utf8proc).
char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

// utf8proc_map over `text` (valid UTF-8) with `options` and
// UTF8PROC_STABLE; `text` itself if utf8proc refuses it.
std::string utf8proc_apply(std::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  if (n < 0) return std::string(text);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

// Whether `cp` is sure to come out of NFC unchanged and to leave its
// neighbours unchanged: false for combining marks, for code points that
// compose with what precedes them, and for those NFC replaces (singletons
// such as U+212B ANGSTROM SIGN, composition exclusions). Conservative: a
// false costs one utf8proc pass over the text, which changes nothing.
// Answers are cached per code point: text is mostly a few hundred of them.
bool nfc_stable(char32_t cp) {
  if (cp < 0x300) return true;
  if (cp > 0x10FFFF) return false;
  static std::atomic<unsigned char> known[0x110000];  // 0 unknown, 1 yes, 2 no
  const unsigned char cached = known[cp].load(std::memory_order_relaxed);
  if (cached) return cached == 1;
  const auto* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  bool stable = p->combining_class == 0 && !p->comp_exclusion &&
                p->category != UTF8PROC_CATEGORY_MN &&
                p->category != UTF8PROC_CATEGORY_MC &&
                p->category != UTF8PROC_CATEGORY_ME &&
                !(cp >= 0x1160 && cp <= 0x11FF);  // Hangul vowels and finals
  if (stable && p->decomp_type == 0 && p->decomp_seqindex != UINT16_MAX) {
    // A canonical decomposition: stable only if NFC gives it back as is.
    std::string one;
    append_utf8(one, cp);
    stable = utf8proc_apply(one, UTF8PROC_COMPOSE) == one;
  }
  known[cp].store(stable ? 1 : 2, std::memory_order_relaxed);
  return stable;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// `text` (valid UTF-8) in Unicode Normalization Form C.
std::string to_nfc(std::string_view text) { return utf8proc_apply(text, UTF8PROC_COMPOSE); }

// `text` in NFC if it may not be, else unchanged (`storage` holds a copy).
std::string_view nfc_view(std::string_view text, std::string& storage) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    if (!nfc_stable(decode_one(text, &pos))) {
      storage = to_nfc(text);
      return storage;
    }
  }
  return text;
}

// Appends `cp`, folding every run of whitespace into one space and dropping
// leading whitespace; the caller trims the one trailing space that may stay.
void append_collapsed(std::string& out, char32_t cp) {
  if (cp == ' ') {
    if (!out.empty() && out.back() != ' ') out += ' ';
    return;
  }
  append_utf8(out, cp);
}

void trim_trailing_space(std::string& out) {
  while (!out.empty() && out.back() == ' ') out.pop_back();
}

// Quote characters that pair with `open` when closing a quoted value.
bool closes(char32_t open, char32_t close) {
  if (open == 0x201C) return close == 0x201D;
  if (open == 0x2018) return close == 0x2019;
  return open == close;
}

}  // namespace

std::string sanitize_utf8(std::string_view text, bool* replaced) {
  std::string out;
  out.reserve(text.size());
  // Valid text is copied a run at a time (appending each character was most
  // of the cost of turning a body into text); only a NUL or an invalid
  // sequence ends a run.
  // Text is also put in NFC, so that a word typed with a precomposed letter
  // (é) finds the same word stored decomposed (e and U+0301, as macOS
  // file systems and some editors write it), and both spellings are one
  // facet value.
  bool stable = true;
  std::size_t pos = 0, run = 0;
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c != 0 && c < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t start = pos;
    const char32_t cp = decode_one(text, &pos);
    if (cp != 0 && cp != kReplacement) {
      if (stable && !nfc_stable(cp)) stable = false;
      continue;
    }
    out.append(text.substr(run, start - run));
    if (cp == kReplacement) append_utf8(out, cp);
    run = pos;
    // (A U+FFFD written as such is not a replacement.)
    if (replaced && text.substr(start, pos - start) != "\xEF\xBF\xBD") *replaced = true;
  }
  out.append(text.substr(run));
  return stable ? out : to_nfc(out);
}

std::string display_label(std::string_view raw) {
  std::string visible;
  if (!is_ascii(raw)) {
    visible = drop_invisibles(raw, false);  // shown as it looks: no space
    raw = visible;
  }
  std::vector<char32_t> cps;
  cps.reserve(raw.size());
  std::size_t pos = 0;
  while (pos < raw.size()) {
    char32_t cp = decode_one(raw, &pos);
    if (is_space(cp))
      cp = ' ';
    else if (is_control(cp))
      continue;
    if (cp == ' ' && (cps.empty() || cps.back() == ' ')) continue;
    cps.push_back(cp);
  }
  while (!cps.empty() && cps.back() == ' ') cps.pop_back();

  // Strip quotes around the whole value, then a lone opening quote (as left
  // behind by a broken YAML quote: `'Media Capture`) or a lone closing double
  // quote. A lone closing single quote is kept: it is usually a possessive.
  auto trim_spaces = [&]() {
    while (!cps.empty() && cps.back() == ' ') cps.pop_back();
    std::size_t lead = 0;
    while (lead < cps.size() && cps[lead] == ' ') ++lead;
    cps.erase(cps.begin(), cps.begin() + static_cast<std::ptrdiff_t>(lead));
  };
  auto count = [&](char32_t a, char32_t b) {
    std::size_t n = 0;
    for (char32_t cp : cps) n += (cp == a || cp == b);
    return n;
  };
  // Only when those two are the value's only quotes of their kind that
  // open or close something: a headline `'Enemies' list names 'critics'`
  // keeps its quotes, `'Trump's plan'` loses the outer pair (an apostrophe
  // inside a word is no quote).
  auto word = [](char32_t cp) {
    const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
           (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
  };
  auto only_pair = [&] {
    const char32_t open = cps.front(), close = cps.back();
    for (std::size_t i = 1; i + 1 < cps.size(); ++i) {
      if (cps[i] != open && cps[i] != close) continue;
      const bool inside_word = i >= 2 && i + 2 < cps.size() && word(cps[i - 1]) && word(cps[i + 1]);
      if (!inside_word) return false;
    }
    return true;
  };
  while (cps.size() >= 2 && is_quote(cps.front()) &&
         closes(cps.front(), cps.back()) && only_pair()) {
    cps.pop_back();
    cps.erase(cps.begin());
    trim_spaces();
  }
  if (!cps.empty() && is_quote(cps.front())) {
    const char32_t q = cps.front();
    const char32_t partner = q == 0x201C ? 0x201D : q == 0x2018 ? 0x2019 : q;
    if (count(q, partner) == 1) {
      cps.erase(cps.begin());
      trim_spaces();
    }
  }
  if (!cps.empty() && (cps.back() == '"' || cps.back() == 0x201D)) {
    if (count(cps.back(), cps.back() == '"' ? '"' : 0x201C) == 1) {
      cps.pop_back();
      trim_spaces();
    }
  }

  std::string out;
  out.reserve(raw.size());
  for (char32_t cp : cps) append_utf8(out, cp);
  return out;
}

std::string facet_key(std::string_view raw) {
  // In compatibility form (NFKC) first, so that full-width and other
  // presentation forms of `-`, `_`, `&` and spaces fold as those do.
  // Invisible characters as the text is read (`sur<soft hyphen>veillance`
  // is `surveillance`).
  std::string storage;
  if (!is_ascii(raw)) {
    storage = utf8proc_apply(
        drop_invisibles(raw), static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    raw = storage;
  }
  std::string out;
  out.reserve(raw.size() + 8);
  std::size_t pos = 0;
  while (pos < raw.size()) {
    char32_t cp = decode_one(raw, &pos);
    if (is_quote(cp)) continue;
    if (cp == '&') {
      append_collapsed(out, ' ');
      out += "and";
      append_collapsed(out, ' ');
      continue;
    }
    if (is_space(cp) || is_control(cp) || cp == '-' || cp == '_' || cp == '/' ||
        (cp >= 0x2010 && cp <= 0x2015)) {
      append_collapsed(out, ' ');
      continue;
    }
    append_collapsed(out, to_lower(cp));
  }
  trim_trailing_space(out);
  return fold_diacritics(out);
}

std::string fold_case(std::string_view text) {
  std::string storage;
  text = nfc_view(text, storage);
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      out += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 0x20 : c);
      ++pos;
      continue;
    }
    append_utf8(out, to_lower(decode_one(text, &pos)));
  }
  return out;
}

std::string fold_diacritics(std::string_view text) {
  if (is_ascii(text))
    return std::string(text);
  // Compatibility decomposition (NFKD) first: ligatures as copied from PDFs
  // (U+FB01 in `ﬁnance`), full-width and other presentation forms read as
  // the letters they show.
  const std::string decomposed =
      utf8proc_apply(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
  // U+0300-U+036F, the combining accents of Latin, Greek and Cyrillic, are
  // CC 80-BF and CD 80-AF in UTF-8. Marks of other scripts (Indic vowel
  // signs, Hebrew and Arabic points) are letters' parts there, and stay.
  const std::size_t n = decomposed.size();
  std::string kept;
  kept.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(decomposed[i]);
    if (i + 1 < n && (c == 0xCC || (c == 0xCD && static_cast<unsigned char>(decomposed[i + 1]) <= 0xAF))) {
      ++i;
      continue;
    }
    kept += decomposed[i];
  }
  return to_nfc(kept);
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buf[16];
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = [&](std::size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {
      std::snprintf(buf, sizeof buf, "\\u%04x", next(1));
      out += buf;
      i += 1;
    } else if (c == 0xE2 && ((next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE) ||
                             (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9))) {
      std::snprintf(buf, sizeof buf, "\\u20%02x", (next(1) - 0x80) * 0x40 + (next(2) - 0x80));
      out += buf;
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string fold_width(std::string_view text) {
  // U+FF01-U+FFEE is EF BC 81 - EF BF AE in UTF-8.
  auto width_form = [&](std::size_t i) {
    if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xEF) return false;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    const auto b2 = static_cast<unsigned char>(text[i + 2]);
    if (b1 < 0xBC || b1 > 0xBF) return false;
    if (b1 == 0xBC && b2 == 0x80) return false;  // U+FF00, unassigned
    return !(b1 == 0xBF && b2 >= 0xAF);          // U+FFEF on: specials, U+FFFD
  };
  std::size_t at = text.find('\xEF');
  while (at != std::string_view::npos && !width_form(at)) at = text.find('\xEF', at + 1);
  if (at == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, at));
  while (at < text.size()) {
    if (!width_form(at)) {
      out += text[at++];
      continue;
    }
    // A run at once, so a voiced sound mark composes with its kana.
    std::size_t end = at;
    while (width_form(end)) end += 3;
    out += utf8proc_apply(text.substr(at, end - at),
                          static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    at = end;
  }
  return out;
}

bool is_unspaced(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||  // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||  // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||  // Khmer
         (cp >= 0x19E0 && cp <= 0x19FF) ||  // Khmer symbols
         (cp >= 0xA9E0 && cp <= 0xA9FF) ||  // Myanmar extended B
         (cp >= 0xAA60 && cp <= 0xAA7F);    // Myanmar extended A
}

namespace {

// Appends `run` (text of unspaced scripts only) to `out`, with
// kWordSeparator between the words ICU's dictionary-based word breaker
// finds in it; the run unsplit when ICU cannot make a breaker.
void append_words(std::string_view run, std::string& out) {
  // One per thread: a BreakIterator is not thread-safe, and making one
  // loads its rules (its dictionaries load on first use, once a process).
  thread_local const std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> made(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  if (!breaker) {
    out.append(run);
    return;
  }
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
  breaker->setText(text);
  int32_t start = breaker->first();
  for (int32_t end = breaker->next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker->next()) {
    if (start > 0) out += kWordSeparator;
    text.tempSubStringBetween(start, end).toUTF8String(out);
  }
}

}  // namespace

std::string split_unspaced_words(std::string text) {
  std::string out;
  std::size_t copied = 0;  // text[copied, pos) is still to copy
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Every such character is three bytes in UTF-8.
    if (static_cast<unsigned char>(text[pos]) < 0xE0) {
      ++pos;
      continue;
    }
    const std::size_t start = pos;
    if (!is_unspaced(decode_one(text, &pos))) continue;
    std::size_t end = pos;
    while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0xE0) {
      std::size_t next = end;
      if (!is_unspaced(decode_one(text, &next))) break;
      end = next;
    }
    out.append(text, copied, start - copied);
    append_words(std::string_view(text).substr(start, end - start), out);
    copied = pos = end;
  }
  if (copied == 0) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

std::string text_for_words(std::string_view text) {
  return split_unspaced_words(fold_width(drop_invisibles(text)));
}

bool is_cjk(char32_t cp) {
  if (cp < 0x1100) return false;
  // First and last code point of each block Xapian's n-gram splitter reads
  // as Chinese, Japanese or Korean.
  static constexpr std::pair<char32_t, char32_t> kBlocks[] = {
      {0x1100, 0x11FF},    // Hangul Jamo
      {0x2E80, 0x2FDF},    // CJK and Kangxi radicals
      {0x3000, 0x9FFF},    // punctuation, kana, Bopomofo, Hangul Jamo, Han
      {0xA700, 0xA71F},    // modifier tone letters
      {0xA960, 0xA97F},    // Hangul Jamo extended A
      {0xAC00, 0xD7FF},    // Hangul syllables, Jamo extended B
      {0xF900, 0xFAFF},    // compatibility ideographs
      {0xFE30, 0xFE4F},    // compatibility forms
      {0xFF00, 0xFFEF},    // half-width and full-width forms
      {0x1B000, 0x1B12F},  // kana supplement, extended A
      {0x1F200, 0x1F2FF},  // enclosed ideographic supplement
      {0x20000, 0x2A6DF},  // Han extension B
      {0x2A700, 0x2EBEF},  // Han extensions C-F
      {0x2F800, 0x2FA1F},  // compatibility ideographs supplement
  };
  for (const auto& [first, last] : kBlocks)
    if (cp <= last) return cp >= first;
  return false;
}

bool contains_cjk(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Every such character is three bytes or more in UTF-8.
    if (static_cast<unsigned char>(text[pos]) < 0xE1) {
      ++pos;
      continue;
    }
    if (is_cjk(decode_one(text, &pos))) return true;
  }
  return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of two neighbours (`titel`) is one edit.
  std::vector<std::size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) last[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({last[j] + 1, row[j - 1] + 1,
                         last[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, last);
    std::swap(last, row);
  }
  return last[b.size()];
}

std::string drop_invisibles(std::string_view text, bool space_for_zwsp) {
  std::string out;
  std::size_t copied = 0;  // text[copied, i) is still to copy
  auto skip = [&](std::size_t i, std::size_t length, const char* instead) {
    out.append(text.substr(copied, i - copied));
    out += instead;
    copied = i + length;
  };
  auto byte = [&](std::size_t i) {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = byte(i);
    if (c < 0xC2) continue;
    if (c == 0xC2 && byte(i + 1) == 0xAD) {
      skip(i, 2, "");  // U+00AD soft hyphen
    } else if (c == 0xE2 && byte(i + 1) == 0x80 && byte(i + 2) == 0x8B) {
      skip(i, 3, space_for_zwsp ? " " : "");  // U+200B zero-width space: a word break
    } else if (c == 0xE2 && byte(i + 1) == 0x80 && (byte(i + 2) == 0x8C || byte(i + 2) == 0x8D)) {
      skip(i, 3, "");  // U+200C, U+200D zero-width (non-)joiners
    } else if (c == 0xE2 && byte(i + 1) == 0x80 &&
               (byte(i + 2) == 0x8E || byte(i + 2) == 0x8F ||
                (byte(i + 2) >= 0xAA && byte(i + 2) <= 0xAE))) {
      skip(i, 3, "");  // U+200E, U+200F direction marks; U+202A-U+202E embeddings, overrides
    } else if (c == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 && byte(i + 2) <= 0xA9) {
      skip(i, 3, "");  // U+2066-U+2069 direction isolates
    } else if (c == 0xD8 && byte(i + 1) == 0x9C) {
      skip(i, 2, "");  // U+061C Arabic letter mark
    } else if (c == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) == 0xA0) {
      skip(i, 3, "");  // U+2060 word joiner
    } else if (c == 0xEF && byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) {
      skip(i, 3, "");  // U+FEFF, a BOM inside text
    } else if (c == 0xEF && byte(i + 1) == 0xB8 && byte(i + 2) >= 0x80 && byte(i + 2) <= 0x8F) {
      skip(i, 3, "");  // U+FE00-U+FE0F variation selectors (emoji style)
    } else if (c == 0xF3 && byte(i + 1) == 0xA0 && byte(i + 2) >= 0x84 && byte(i + 2) <= 0x87) {
      skip(i, 4, "");  // U+E0100-U+E01EF variation selectors
    } else {
      continue;
    }
    i = copied - 1;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

std::string facet_key_prefix(std::string_view text) {
  std::string key = facet_key(text);
  if (key.empty()) return key;
  // Whether the text's end folds to a separator: a probe letter after it
  // is then a word of its own.
  const std::string probe = facet_key(std::string(text) + "x");
  if (probe.size() == key.size() + 2 && probe.compare(0, key.size(), key) == 0 &&
      probe[key.size()] == ' ')
    key += ' ';
  return key;
}

std::string windows_1252_to_utf8(std::string_view text) {
  static constexpr char16_t kHigh[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    append_utf8(out, c < 0x80 ? c : c < 0xA0 ? kHigh[c - 0x80] : c);
  }
  return out;
}

}  // namespace tlsearch
