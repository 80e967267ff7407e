#include "core/TrackedMemory.h"

#include <algorithm>

namespace tunelab {

ThreadMemory& threadMemory() {
  thread_local ThreadMemory memory;
  return memory;
}

MemoryMeter::MemoryMeter() : start_(threadMemory().current), outerPeak_(threadMemory().peak) {
  threadMemory().peak = start_;
}

MemoryMeter::~MemoryMeter() {
  ThreadMemory& m = threadMemory();
  m.peak = std::max(m.peak, outerPeak_);
}

std::int64_t MemoryMeter::peakBytes() const { return threadMemory().peak - start_; }

}  // namespace tunelab
