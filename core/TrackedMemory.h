#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/Export.h"

namespace tunelab {

/// Bytes of float buffers (matrices, parameters, gradients, optimizer state, layer caches) the
/// calling thread holds now and at most. A trial trains on one thread, so its counters are the
/// trial's tensor memory.
struct ThreadMemory {
  std::int64_t current = 0;
  std::int64_t peak = 0;
};
TUNELAB_API ThreadMemory& threadMemory();

/// std::allocator that counts what it hands out in threadMemory(). A buffer freed on another
/// thread than the one that allocated it moves its bytes between the two threads' counters;
/// the trainer's buffers live and die on the trial's thread.
template <typename T>
struct TrackedAllocator {
  using value_type = T;
  TrackedAllocator() = default;
  template <typename U>
  explicit TrackedAllocator(const TrackedAllocator<U>& /*other*/) {}

  T* allocate(std::size_t n) {
    ThreadMemory& m = threadMemory();
    m.current += static_cast<std::int64_t>(n * sizeof(T));
    if (m.current > m.peak) m.peak = m.current;
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) {
    threadMemory().current -= static_cast<std::int64_t>(n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  friend bool operator==(const TrackedAllocator&, const TrackedAllocator&) { return true; }
};

/// The float buffer every tensor of core uses.
using FloatBuffer = std::vector<float, TrackedAllocator<float>>;

/// The peak of float buffers the calling thread allocated while this object lived (bytes above
/// what the thread held when it was made).
class TUNELAB_API MemoryMeter {
 public:
  MemoryMeter();
  ~MemoryMeter();
  MemoryMeter(const MemoryMeter&) = delete;
  MemoryMeter& operator=(const MemoryMeter&) = delete;
  std::int64_t peakBytes() const;

 private:
  std::int64_t start_;
  std::int64_t outerPeak_;
};

}  // namespace tunelab
