// facet_key(), display_label() and sanitize_utf8(): one bucket per facet
// value however it is spelled, a readable label, and text that is always
// safe to index and print.
#include "tlsearch/normalize.h"

#include <catch2/catch.hpp>
#include <string>

namespace tlsearch {
namespace {

bool has_control_bytes(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

TEST_CASE("facet_key puts every spelling of a lane in one bucket",
          "[normalize]") {
  const std::string expected = "media capture and control";
  CHECK(facet_key("Media Capture & Control") == expected);
  CHECK(facet_key("media capture and control") == expected);
  CHECK(facet_key("\"Media Capture and Control\"") == expected);
  CHECK(facet_key("media-capture-and-control") == expected);
  CHECK(facet_key("'Media Capture & Control") == expected);
  CHECK(facet_key("\u201CMedia Capture and Control\u201D") == expected);
  CHECK(facet_key("  Media_Capture/and   Control\t") == expected);
  CHECK(facet_key("Media Capture&Control") == expected);
}

TEST_CASE("facet_key of blank or punctuation-only text is empty",
          "[normalize]") {
  CHECK(facet_key("") == "");
  CHECK(facet_key("  ") == "");
  CHECK(facet_key("\t\n\r") == "");
  CHECK(facet_key("\"''\"") == "");
  CHECK(facet_key("- _ /") == "");
}

TEST_CASE("facet_key drops quotes and backticks inside values", "[normalize]") {
  CHECK(facet_key("Women's History") == "womens history");
  CHECK(facet_key("Women\u2019s History") == "womens history");
  CHECK(facet_key("`code` name") == "code name");
}

TEST_CASE("facet_key folds case beyond ASCII, and accents", "[normalize]") {
  CHECK(facet_key("\u00C9COLE") == "ecole");                          // ÉCOLE
  CHECK(facet_key("M\u00DCLLER") == "muller");                        // MÜLLER
  CHECK(facet_key("\u0141\u00D3D\u0179") == "\u0142odz");              // ŁÓDŹ (Ł is a letter)
  CHECK(facet_key("\u0160koda") == "skoda");                          // Škoda
  CHECK(facet_key("\u0178") == "y");                                  // Ÿ
  CHECK(facet_key("\u0391\u0398\u0397\u039D\u0391") ==
        "\u03B1\u03B8\u03B7\u03BD\u03B1");  // ΑΘΗΝΑ
  CHECK(facet_key("\u041C\u041E\u0421\u041A\u0412\u0410") ==
        "\u043C\u043E\u0441\u043A\u0432\u0430");  // МОСКВА
  // The multiplication sign sits among Latin-1 capitals but is no letter.
  CHECK(facet_key("A\u00D7B") == "a\u00D7b");
  // Scripts without case pass through.
  CHECK(facet_key("\u6771\u4EAC") == "\u6771\u4EAC");
}

TEST_CASE("composed and decomposed accents are one spelling (NFC)", "[normalize]") {
  const std::string composed = "Caf\u00E9 na\u00EFve";         // é, ï
  const std::string decomposed = "Cafe\u0301 nai\u0308ve";     // e + U+0301, i + U+0308
  REQUIRE(composed != decomposed);
  CHECK(sanitize_utf8(decomposed) == composed);
  CHECK(sanitize_utf8(composed) == composed);
  CHECK(facet_key(decomposed) == facet_key(composed));
  CHECK(facet_key(decomposed) == "cafe naive");
  CHECK(fold_case("\u00DCN\u00CFC\u00D6DE\u0301-\u0418\u0414") ==
        "\u00FCn\u00EFc\u00F6d\u00E9-\u0438\u0434");  // ÜNÏCÖDÉ-ИД
  // Singletons NFC replaces: the Angstrom and Ohm signs.
  CHECK(sanitize_utf8("\u212B \u2126") == "\u00C5 \u03A9");
  // Hangul jamo compose into syllables; the order of stacked marks is fixed.
  CHECK(sanitize_utf8("\u1100\u1161") == "\uAC00");
  CHECK(sanitize_utf8("a\u0323\u0302") == sanitize_utf8("a\u0302\u0323"));
  // Text that is already NFC comes back byte for byte.
  for (const char* same : {"\u2019quotes\u201D \u2014 dash", "\u6771\u4EAC", "\U0001F600 emoji",
                           "\u00C5ngstr\u00F6m", "\u0928\u092E\u0938\u094D\u0924\u0947"}) {
    INFO(same);
    CHECK(sanitize_utf8(same) == same);
  }
  // A U+FFFD written as such is no replacement; a bad byte is.
  bool replaced = false;
  CHECK(sanitize_utf8("a\uFFFDb", &replaced) == "a\uFFFDb");
  CHECK(!replaced);
  CHECK(sanitize_utf8("Cafe\u0301", &replaced) == "Caf\u00E9");
  CHECK(!replaced);
  CHECK(sanitize_utf8("a\xFF" "b", &replaced) == "a\uFFFDb");
  CHECK(replaced);
}

TEST_CASE("accents of Latin, Greek and Cyrillic letters fold away, other marks stay",
          "[normalize]") {
  CHECK(fold_diacritics("Orb\u00E1n") == "Orban");
  CHECK(fold_diacritics("Orba\u0301n") == "Orban");        // decomposed
  CHECK(fold_diacritics("Vel\u00E1zquez Garc\u00EDa") == "Velazquez Garcia");
  CHECK(fold_diacritics("\u00C5ngstr\u00F6m") == "Angstrom");
  CHECK(fold_diacritics("\u1F08\u03B8\u1FC6\u03BD\u03B1\u03B9") ==
        "\u0391\u03B8\u03B7\u03BD\u03B1\u03B9");     // polytonic Greek
  CHECK(fold_diacritics("\u0419") == "\u0418");          // Й -> И
  CHECK(fold_diacritics("plain ascii") == "plain ascii");
  // Letters that are not letter + accent, and marks of other scripts, stay.
  for (const char* kept : {"\u00F8 \u00DF \u0142", "\u0928\u092E\u0938\u094D\u0924\u0947",
                           "\u05E9\u05C1\u05B8\u05DC\u05D5\u05B9\u05DD", "\u6771\u4EAC"}) {
    INFO(kept);
    CHECK(fold_diacritics(kept) == sanitize_utf8(kept));  // (NFC orders marks)
  }
  // Compatibility forms read as the letters they show: a ligature copied
  // from a PDF, full-width letters, a superscript digit.
  CHECK(fold_diacritics("\uFB01nance") == "finance");
  CHECK(fold_diacritics("\uFF32\uFF49\uFF4E\uFF47") == "Ring");
  CHECK(fold_diacritics("m\u00B2") == "m2");
  CHECK(facet_key("\uFB01nance") == facet_key("finance"));
  // Full-width punctuation folds as its ASCII form does.
  CHECK(facet_key("police\uFF0Daccess") == facet_key("police-access"));
  CHECK(facet_key("\uFF50\uFF4F\uFF4C\uFF49\uFF43\uFF45\uFF3F\uFF41\uFF43\uFF43\uFF45\uFF53\uFF53") ==
        facet_key("police-access"));
  CHECK(facet_key("Media Capture \uFF06 Control") == facet_key("media capture and control"));
  CHECK(facet_key("Viktor Orb\u00E1n") == facet_key("viktor orban"));
  CHECK(facet_key("Viktor Orb\u00E1n") == "viktor orban");
}

TEST_CASE("facet_key never returns control characters", "[normalize]") {
  const std::string raw = std::string(
      "a\x01"
      "b\x1e"
      "c\x1f"
      "d\x00"
      "e",
      9);
  const std::string key = facet_key(raw);
  CHECK_FALSE(has_control_bytes(key));
  CHECK(key == "a b c d e");
  CHECK(facet_key("tab\tand\nnewline") == "tab and newline");
}

TEST_CASE("facet_key replaces invalid UTF-8", "[normalize]") {
  CHECK(facet_key("caf\xE9") == "caf\uFFFD");
  CHECK(facet_key("\xFF"
                  "abc") ==
        "\uFFFD"
        "abc");
}

TEST_CASE("facet_key treats unicode spaces and dashes as separators",
          "[normalize]") {
  CHECK(facet_key("digital\u00A0and\u2003tech") == "digital and tech");
  CHECK(facet_key("tech\u2013capture") == "tech capture");
}

TEST_CASE("display_label trims and collapses but keeps case", "[normalize]") {
  CHECK(display_label("  Media   Capture & Control \n") ==
        "Media Capture & Control");
  CHECK(display_label("a\tb") == "a b");
  CHECK(display_label("") == "");
  CHECK(display_label(" \t ") == "");
}

TEST_CASE("display_label drops stray surrounding quotes", "[normalize]") {
  CHECK(display_label("'Media Capture and Control'") ==
        "Media Capture and Control");
  CHECK(display_label("\"Quoted\"") == "Quoted");
  CHECK(display_label("\u201CCurly\u201D") == "Curly");
  CHECK(display_label("\"'Twice'\"") == "Twice");
  CHECK(display_label(" ' Padded ' ") == "Padded");
  // A quote left behind by a broken YAML quote.
  CHECK(display_label("'Digital & Tech Capture") == "Digital & Tech Capture");
  CHECK(display_label("Dangling\"") == "Dangling");
  // Quotes that belong to the value stay.
  CHECK(display_label("Women's History") == "Women's History");
  CHECK(display_label("The Jones'") == "The Jones'");
  CHECK(display_label("\"Quoted\" phrase") == "\"Quoted\" phrase");
  // A headline that starts and ends with quoted words keeps all of them;
  // an apostrophe inside a word does not count as a quote.
  CHECK(display_label("'Offenders' portal lists 'enemies'") ==
        "'Offenders' portal lists 'enemies'");
  CHECK(display_label("\"Ring\" and \"Nest\"") == "\"Ring\" and \"Nest\"");
  CHECK(display_label("\u201CA\u201D and \u201CB\u201D") == "\u201CA\u201D and \u201CB\u201D");
  CHECK(display_label("'Trump's plan'") == "Trump's plan");
  CHECK(display_label("\"Don't 'stop'\"") == "Don't 'stop'");
}

TEST_CASE("display_label removes control characters", "[normalize]") {
  const std::string raw = std::string(
      "a\x01"
      "b\x00"
      "c\x1e"
      "d",
      7);
  const std::string label = display_label(raw);
  CHECK(label == "abcd");
  CHECK_FALSE(has_control_bytes(label));
  CHECK(display_label("x\x7Fy") == "xy");
}

TEST_CASE("display_label replaces invalid UTF-8", "[normalize]") {
  CHECK(display_label("bad\xC3") == "bad\uFFFD");
}

TEST_CASE("sanitize_utf8 keeps valid text unchanged", "[normalize]") {
  const std::string text =
      "plain, caf\u00E9, \u6771\u4EAC, \U0001F600, tab\tnewline\n\x01";
  CHECK(sanitize_utf8(text) == text);
}

TEST_CASE("sanitize_utf8 removes NUL bytes", "[normalize]") {
  CHECK(sanitize_utf8(std::string("a\0b\0", 4)) == "ab");
  CHECK(sanitize_utf8(std::string(3, '\0')) == "");
}

TEST_CASE("sanitize_utf8 replaces each invalid sequence", "[normalize]") {
  // A lone continuation byte and a byte that never starts a sequence.
  CHECK(sanitize_utf8("a\x80"
                      "b") ==
        "a\uFFFD"
        "b");
  CHECK(sanitize_utf8("\xFE") == "\uFFFD");
  // Overlong encodings of '/' and NUL.
  CHECK(sanitize_utf8("\xC0\xAF") == "\uFFFD\uFFFD");
  CHECK(sanitize_utf8("\xE0\x80\xAF") == "\uFFFD\uFFFD\uFFFD");
  // A UTF-16 surrogate and a code point past U+10FFFF.
  CHECK(sanitize_utf8("\xED\xA0\x80") == "\uFFFD\uFFFD\uFFFD");
  CHECK(sanitize_utf8("\xF4\x90\x80\x80") == "\uFFFD\uFFFD\uFFFD\uFFFD");
  // A truncated sequence costs one replacement and keeps what follows.
  CHECK(sanitize_utf8("\xE2\x82"
                      "A") ==
        "\uFFFD"
        "A");
  CHECK(sanitize_utf8("end\xF0\x9F\x98") == "end\uFFFD");
}

TEST_CASE("sanitize_utf8 keeps the text between repairs", "[normalize]") {
  // Valid runs are copied whole: each repair must keep both its neighbours.
  const std::string mixed("ab\0cd\x80" "ef\u00E9\0\xFF" "gh\u6771", 17);
  CHECK(sanitize_utf8(mixed) == "abcd\uFFFD" "ef\u00E9\uFFFD" "gh\u6771");
  CHECK(sanitize_utf8(std::string("\0x\0", 3)) == "x");
  CHECK(sanitize_utf8("\x80\x80") == "\uFFFD\uFFFD");
}

}  // namespace
}  // namespace tlsearch

TEST_CASE("edit_distance counts a swap of neighbours as one edit", "[normalize]") {
  CHECK(tlsearch::edit_distance("title", "title") == 0);
  CHECK(tlsearch::edit_distance("titel", "title") == 1);
  CHECK(tlsearch::edit_distance("actros", "actors") == 1);
  CHECK(tlsearch::edit_distance("tag", "tags") == 1);
  CHECK(tlsearch::edit_distance("", "date") == 4);
  CHECK(tlsearch::edit_distance("lane", "") == 4);
  CHECK(tlsearch::edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("drop_invisibles drops what is not seen and splits at a zero-width space",
          "[normalize]") {
  using tlsearch::drop_invisibles;
  CHECK(drop_invisibles("plain text") == "plain text");
  CHECK(drop_invisibles("\u26a0\ufe0f alert") == "\u26a0 alert");
  CHECK(drop_invisibles("police\u200bfootage") == "police footage");
  CHECK(drop_invisibles("sur\u00adveillance") == "surveillance");
  CHECK(drop_invisibles("\U0001F46E\u200d\u2640\ufe0f") == "\U0001F46E\u2640");
  CHECK(drop_invisibles("a\u2060b\ufeffc") == "abc");
  // Bidi marks, embeddings, overrides and isolates, and the Arabic letter mark.
  CHECK(drop_invisibles("sur\u200eveil\u200flance") == "surveillance");
  CHECK(drop_invisibles("\u202aa\u202bb\u202cc\u202dd\u202ee") == "abcde");
  CHECK(drop_invisibles("\u2066x\u2067y\u2068z\u2069") == "xyz");
  CHECK(drop_invisibles("\u0627\u061c\u0628") == "\u0627\u0628");
  CHECK(drop_invisibles("\u200d\u2010\u2030\u2065\u206a\u061b") ==
        "\u2010\u2030\u2065\u206a\u061b");
  CHECK(drop_invisibles("\u8fb6\U000E0100") == "\u8fb6");
  // Other characters of the same lead bytes stay.
  CHECK(drop_invisibles("\u00e9\u2014\ufe30\u2061") == "\u00e9\u2014\ufe30\u2061");
}

TEST_CASE("facet keys and labels read invisible characters as the text shows", "[normalize]") {
  CHECK(tlsearch::facet_key("sur\u00adveillance") == "surveillance");
  CHECK(tlsearch::facet_key("Eve\u200e") == "eve");
  CHECK(tlsearch::facet_key("\u202bEve\u202c") == "eve");
  CHECK(tlsearch::display_label("Eve\u200e") == "Eve");
  CHECK(tlsearch::facet_key("police\u200b-state") == tlsearch::facet_key("police-state"));
  CHECK(tlsearch::display_label("police\u200b-state") == "police-state");
  CHECK(tlsearch::display_label("\u26a0\ufe0f Alert") == "\u26a0 Alert");
  CHECK(tlsearch::drop_invisibles("a\u200bb", false) == "ab");
}

TEST_CASE("is_cjk knows the scripts written without spaces that the indexer splits",
          "[normalize]") {
  using tlsearch::is_cjk;
  CHECK(is_cjk(U'\u76d1'));      // Han
  CHECK(is_cjk(U'\u30ab'));      // katakana
  CHECK(is_cjk(U'\u3072'));      // hiragana
  CHECK(is_cjk(U'\uac00'));      // Hangul syllable
  CHECK(is_cjk(U'\U00020000'));  // Han extension B
  CHECK_FALSE(is_cjk(U'a'));
  CHECK_FALSE(is_cjk(U'\u00e9'));
  CHECK_FALSE(is_cjk(U'\u0e01'));  // Thai: Xapian 1.4 does not split it
  CHECK_FALSE(is_cjk(U'\U0001f600'));
  CHECK(tlsearch::contains_cjk("police \xe7\x9b\x91\xe6\x8e\xa7"));
  CHECK_FALSE(tlsearch::contains_cjk("Orb\xc3\xa1n \xe2\x80\x94 caf\xc3\xa9"));
  CHECK_FALSE(tlsearch::contains_cjk("\xe7\x9b"));  // cut short: no character
}

TEST_CASE("split_unspaced_words separates the words of Thai, Lao, Myanmar and Khmer",
          "[normalize]") {
  using tlsearch::split_unspaced_words;
  const std::string sep = tlsearch::kWordSeparator;
  CHECK(sep == "\u2063");
  // "test system", "police install camera CCTV throughout city".
  CHECK(split_unspaced_words("ทดสอบระบบ") ==
        "ทดสอบ" + sep + "ระบบ");
  const std::string thai =
      "ตำรวจติดตั้งกล"
      "้อง";  // police install camera
  CHECK(split_unspaced_words("Police " + thai + ", 2024.") ==
        "Police ตำรวจ" + sep + "ติด" + sep +
            "ตั้ง" + sep + "กล้อง, 2024.");
  // Lao, Khmer, Myanmar: split, nothing lost.
  for (const std::string text :
       {"ຕຳຫຼວດຕິດຕັ້ງ",
        "សួស្តីពិភពលោក",
        "မင်္ဂလာပါ"}) {
    INFO(text);
    const std::string split = split_unspaced_words(text);
    CHECK(split.find(sep) != std::string::npos);
    std::string joined = split;
    for (std::size_t at; (at = joined.find(sep)) != std::string::npos;) joined.erase(at, sep.size());
    CHECK(joined == text);
    CHECK(split_unspaced_words(split) == split);  // once is enough
  }
  // One word, other scripts and bytes cut short are left as they are.
  CHECK(split_unspaced_words("ตำรวจ") == "ตำรวจ");
  CHECK(split_unspaced_words("café 监控 — ok") == "café 监控 — ok");
  CHECK(split_unspaced_words("\xe0\xb8") == "\xe0\xb8");
  CHECK(split_unspaced_words("") == "");
  CHECK(tlsearch::is_unspaced(U'ก'));
  CHECK_FALSE(tlsearch::is_unspaced(U'a'));
  CHECK_FALSE(tlsearch::is_unspaced(U'监'));
}

TEST_CASE("fold_width reads full-width and half-width forms as the plain ones",
          "[normalize]") {
  using tlsearch::fold_width;
  CHECK(fold_width("\uFF32\uFF49\uFF4E\uFF47 \uFF11\uFF12") == "Ring 12");
  // Half-width katakana with a voiced sound mark: one composed kana.
  CHECK(fold_width("\uFF76\uFF9E") == "\u30AC");
  CHECK(fold_width("caf\u00e9 \uFFFD \uFEFF") == "caf\u00e9 \uFFFD \uFEFF");  // untouched
  CHECK(fold_width("\xEF\xBC") == "\xEF\xBC");                                // cut short
  CHECK(fold_width("\u76d1\u63a7\uFF0C") == "\u76d1\u63a7,");                // full-width comma
}
