#include "tests/support/CountedNew.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::int64_t> gLiveBytes{0};
std::atomic<std::int64_t> gPeakBytes{0};
std::atomic<std::int64_t> gAllocations{0};

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
void* counted(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  gAllocations.fetch_add(1);
  const auto size = static_cast<std::int64_t>(malloc_usable_size(p));
  const auto now = gLiveBytes.fetch_add(size) + size;
  for (auto peak = gPeakBytes.load(); now > peak && !gPeakBytes.compare_exchange_weak(peak, now);) {
  }
  return p;
}
void uncounted(void* p) noexcept {
  if (p == nullptr) return;
  gLiveBytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)));
  std::free(p);
}
void* alignedCounted(std::size_t size, std::align_val_t align) {
  const auto alignment = static_cast<std::size_t>(align);
  return counted(std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment));
}
#endif
}  // namespace

namespace tunelab::test {
std::int64_t liveBytes() { return gLiveBytes.load(); }
std::int64_t peakBytes() { return gPeakBytes.load(); }
void resetPeakBytes() { gPeakBytes = gLiveBytes.load(); }
std::int64_t allocations() { return gAllocations.load(); }
}  // namespace tunelab::test

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
void* operator new(std::size_t size) { return counted(std::malloc(size == 0 ? 1 : size)); }
void* operator new[](std::size_t size) { return counted(std::malloc(size == 0 ? 1 : size)); }
void* operator new(std::size_t size, std::align_val_t align) { return alignedCounted(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) {
  return alignedCounted(size, align);
}
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }
void operator delete(void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
#endif
