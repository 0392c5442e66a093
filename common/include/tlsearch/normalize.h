// Facet value normalisation: one bucket per value, however it is spelled.
//
// Real timelines spell the same lane, actor or tag many ways
// (`Media Capture & Control`, `media capture and control`, `"Media Capture and
// Control"`, `media-capture-and-control`). facet_key() maps them all to one
// key; display_label() keeps a readable spelling of what was written.
#ifndef TLSEARCH_NORMALIZE_H
#define TLSEARCH_NORMALIZE_H

#include <string>
#include <string_view>

namespace tlsearch {

// The bucket key of a facet value, in NFC: lower case (Unicode's simple
// mapping, every script), Latin, Greek and Cyrillic accents removed
// (`Orbán` and `Orban` are one actor), straight and curly quotes and
// backticks dropped, `&` read as the word `and`, `-` `_` `/` and runs of
// whitespace folded to one space, trimmed. Invalid UTF-8 bytes are
// replaced by U+FFFD. The result never contains the control characters
// 0x00-0x1F. Empty when nothing is left (the value is then ignored).
std::string facet_key(std::string_view raw);

// The readable form of a value as written: trimmed, stray surrounding quotes
// dropped, inner whitespace collapsed to single spaces, control characters
// removed, invalid UTF-8 replaced. Case and punctuation are kept.
std::string display_label(std::string_view raw);

// Returns `text` with invalid UTF-8 sequences replaced by U+FFFD and NUL
// bytes removed, so it is safe to index, print and emit as JSON, and in
// Unicode Normalization Form C, so that composed and decomposed spellings of
// the same text (é as one code point, or e and a combining accent) match.
// `*replaced` (if given) is set to true when bytes were replaced or removed.
std::string sanitize_utf8(std::string_view text, bool* replaced = nullptr);

// `text` without the accents of Latin, Greek and Cyrillic letters (the
// combining marks U+0300-U+036F once decomposed), in NFKC: `Orbán` gives
// `Orban`, the ligature in `ﬁnance` `finance`, full-width `Ｒｉｎｇ` `Ring`.
// Words are indexed and looked up this way, so either spelling finds both;
// ASCII text comes back unchanged.
std::string fold_diacritics(std::string_view text);

// `text` with control characters written as escapes (`\n`, `\t`, `\r`,
// `\x1b`, `\u009b` for C1 and `\u202e` for bidi controls), so that a file
// named `a<newline>b.md` keeps its diagnostic on one line and cannot send
// escape sequences to the terminal.
std::string escape_controls(std::string_view text);

// `text` in NFC and lower case (Unicode's simple one-to-one mapping): the
// form ids are compared in.
std::string fold_case(std::string_view text);

// `text` without the invisible characters that would split or glue words
// unseen: variation selectors (the U+FE0F after an emoji), zero-width
// joiners, word joiners, soft hyphens, stray BOMs and bidi controls
// (direction marks, embeddings, overrides and isolates, which text copied
// from right-to-left pages carries) are dropped; a
// zero-width space becomes a space (it separates words), or nothing with
// `space_for_zwsp` false (labels, shown as they look). Applied to text
// before it is indexed and to queries, so both read the same words.
std::string drop_invisibles(std::string_view text, bool space_for_zwsp = true);

// `text` read as Windows-1252 (Latin-1's superset, as older Windows
// editors save), in UTF-8: bytes 0x80-0x9F are its punctuation (curly
// quotes, dashes, the euro sign), 0xA0-0xFF Latin-1's letters.
std::string windows_1252_to_utf8(std::string_view text);

// The key `text` starts as a prefix of facet keys: facet_key(text), and a
// space after it when `text` ends with what folds to one (`police-`,
// `police –`, `police_`): then a word must follow, so `police-` does not
// select `police` itself.
std::string facet_key_prefix(std::string_view text);

// `text` with its half-width and full-width forms (U+FF01-U+FFEE:
// full-width Latin letters, digits and signs, half-width katakana and
// Hangul) in compatibility form (NFKC): `Ｒｉｎｇ` is `Ring`, `ｶﾞ` is `ガ`.
// Applied to text before it is split into words, indexed or searched, since
// Xapian's CJK splitting counts those forms as CJK characters.
std::string fold_width(std::string_view text);

// Whether `cp` is a letter, mark or sign of a script written without
// spaces between words whose words ICU's dictionaries find: Thai, Lao,
// Myanmar (Burmese) and Khmer.
bool is_unspaced(char32_t cp);

// What separates the words split_unspaced_words() finds: U+2063 INVISIBLE
// SEPARATOR, which Xapian reads as a word break (not as part of a word,
// as it reads a zero-width space) and readers do not see.
inline constexpr const char* kWordSeparator = "\u2063";

// `text` with kWordSeparator between the words of each run of Thai, Lao,
// Myanmar or Khmer text (ICU's word breaker), which Xapian would
// otherwise read as one word: `ทดสอบระบบ` becomes `ทดสอบ` + U+2063 + `ระบบ`.
// Other text is unchanged.
std::string split_unspaced_words(std::string text);

// `text` as words are read from it, by the indexer, the query parser and
// snippets alike: drop_invisibles(), fold_width(), then
// split_unspaced_words().
std::string text_for_words(std::string_view text);

// Whether `cp` is a character of Chinese, Japanese or Korean text that
// the indexer splits into one- and two-character terms
// (Xapian::TermGenerator::FLAG_CJK_NGRAM): Han ideographs, kana, Hangul,
// Bopomofo and their compatibility and full-width forms, in the ranges
// Xapian's own test uses.
bool is_cjk(char32_t cp);

// Whether `text` holds any such character.
bool contains_cjk(std::string_view text);

// The edit distance between `a` and `b`, in bytes (insertions, deletions,
// substitutions and swaps of neighbours): how a mistyped
// field or key name finds the one meant.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tlsearch

#endif  // TLSEARCH_NORMALIZE_H
