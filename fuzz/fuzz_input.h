// A fuzz input read as a sequence of choices, so a target builds with g++
// too (the regression replay in tests/hostile/ runs without libFuzzer; clang's
// FuzzedDataProvider.h is not installed there). Reading past the end gives
// zeros and empty strings.
#ifndef TLSEARCH_FUZZ_INPUT_H
#define TLSEARCH_FUZZ_INPUT_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace tlsearch::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() { return (byte() & 1) != 0; }

  // Any value of T, from the next sizeof(T) bytes.
  template <typename T>
  T integer() {
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      value = static_cast<T>((value << 8) | byte());
    return value;
  }

  // A number in [0, n).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : byte() % n; }

  // A string of up to `max` bytes, its length given by the next byte.
  std::string text(std::size_t max) {
    std::size_t n = below(max + 1);
    std::string out;
    while (n-- > 0 && pos_ < size_) out += static_cast<char>(data_[pos_++]);
    return out;
  }

  std::string rest() {
    std::string out(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    pos_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace tlsearch::fuzz

#endif  // TLSEARCH_FUZZ_INPUT_H
