#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/Error.h"

namespace tunelab::wire {

// The hot messages (every epoch of every trial) are plain bytes in this machine's order:
// building and walking a MessagePack tree cost rank 0 more than all its MPI calls. Every rank
// of a job runs the same build on the same kind of machine.
static_assert(std::endian::native == std::endian::little, "MPI messages are little-endian");

/// Appends numbers, text and byte strings to a message.
class Writer {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  void put(T value) {
    const auto at = bytes_.size();
    bytes_.resize(at + sizeof(T));
    std::memcpy(bytes_.data() + at, &value, sizeof(T));
  }
  void text(std::string_view s) { items(s.data(), s.size(), 1); }
  void blob(const std::vector<std::uint8_t>& b) { items(b.data(), b.size(), 1); }
  void floats(const std::vector<float>& f) { items(f.data(), f.size(), sizeof(float)); }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  // The count, then the items' bytes.
  void items(const void* data, std::size_t count, std::size_t itemSize) {
    put(static_cast<std::uint64_t>(count));
    const std::size_t size = count * itemSize;
    const auto at = bytes_.size();
    bytes_.resize(at + size);
    if (size > 0) std::memcpy(bytes_.data() + at, data, size);
  }
  std::vector<std::uint8_t> bytes_;
};

/// Reads what a Writer wrote, in the same order; a message cut short is an Error, never a read
/// past its end.
class Reader {
 public:
  explicit Reader(const std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}
  explicit Reader(std::vector<std::uint8_t>&&) = delete;  // it would outlive the bytes
  template <typename T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)  // a byte of 2 is no bool
      T get() {
    T value{};
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string text() {
    const auto size = length(1);
    return {reinterpret_cast<const char*>(take(size)), size};
  }
  std::vector<std::uint8_t> blob() {
    const auto size = length(1);
    const auto* at = take(size);
    return {at, at + size};
  }
  std::vector<float> floats() {
    const auto count = length(sizeof(float));
    std::vector<float> f(count);
    if (count > 0) std::memcpy(f.data(), take(count * sizeof(float)), count * sizeof(float));
    return f;
  }
  /// A small whole number read as one byte that must be at most `largest` (an enum's value).
  std::uint8_t code(std::uint8_t largest) {
    const auto value = get<std::uint8_t>();
    if (value > largest) throw Error("a damaged MPI message (a value out of range)");
    return value;
  }
  /// Throws unless every byte was read: a message longer than what it says is damaged too, or
  /// comes from another build of tunelab.
  void finish() const {
    if (at_ != bytes_.size()) throw Error("a damaged MPI message (bytes after its end)");
  }
  /// A count of items of `itemSize` (> 0) bytes each that the rest of the message can hold.
  std::size_t length(std::size_t itemSize) {
    const auto count = get<std::uint64_t>();
    if (count > (bytes_.size() - at_) / itemSize) damaged();
    return static_cast<std::size_t>(count);
  }

 private:
  const std::uint8_t* take(std::size_t size) {
    if (size > bytes_.size() - at_) damaged();
    const std::uint8_t* p = bytes_.data() + at_;
    at_ += size;
    return p;
  }
  [[noreturn]] static void damaged() { throw Error("a damaged MPI message (cut short)"); }
  const std::vector<std::uint8_t>& bytes_;
  std::size_t at_ = 0;
};

}  // namespace tunelab::wire
