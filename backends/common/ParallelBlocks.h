#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "backends/common/ParallelThreshold.h"
#include "core/Backend.h"
#include "core/FlushDenormals.h"

namespace tunelab {

/// Runs body(block) for every block in [0, threads) on up to `threads` OpenMP threads of the
/// calling thread's team (libgomp keeps one team per calling thread, so two trials' backends
/// never share threads). Compiled
/// without ThreadSanitizer: libgomp is not instrumented, and the hand-over of the region's
/// data would be reported as a race; runInBlocks orders it with atomics instead.
void runOnThreads(int threads, void (*body)(void* context, int block), void* context);

/// How many threads an OpenMP region started on this thread gets when it asks for `wanted`:
/// fewer under OMP_THREAD_LIMIT, and one inside a parallel region that may not nest. oneDNN
/// splits its work for the count it is told, so it must be told one it will get.
int openMpThreadsFor(int wanted);

/// Calls block(begin, count) for [0, length) cut into one block per thread, each a multiple
/// of 16 floats (one AVX-512 register, so no two threads write one cache line of a row),
/// with flush-to-zero in every thread. Every block has returned when this returns.
template <typename Block>
void runInBlocks(int threads, std::size_t length, const Block& block) {
  struct Context {
    const Block& block;
    std::size_t length;
    std::size_t step;
    std::atomic<int> handedOut{0};
    std::atomic<int> handedBack{0};
  };
  const auto count = static_cast<std::size_t>(threads);
  Context context{block, length, (length + count * 16 - 1) / (count * 16) * 16};
  context.handedOut.store(1, std::memory_order_release);
  runOnThreads(
      threads,
      [](void* opaque, int index) {
        auto& c = *static_cast<Context*>(opaque);
        (void)c.handedOut.load(std::memory_order_acquire);
        const FlushDenormals flush;
        const std::size_t begin = std::min(c.length, static_cast<std::size_t>(index) * c.step);
        const std::size_t size = std::min(c.length, begin + c.step) - begin;
        if (size > 0) c.block(begin, size);
        c.handedBack.fetch_add(1, std::memory_order_release);
      },
      &context);
  (void)context.handedBack.load(std::memory_order_acquire);
}

/// Backend::adamUpdate shared between `threads` threads when the buffers are large.
inline void adamUpdateOnThreads(int threads, std::span<float> params, std::span<const float> grads,
                                std::span<float> m, std::span<float> v, const AdamStep& step) {
  if (threads <= 1 || params.size() < kParallelAdamSize) {
    adamUpdateLoop(params, grads, m, v, step);
    return;
  }
  runInBlocks(threads, params.size(), [&](std::size_t begin, std::size_t count) {
    adamUpdateLoop(params.subspan(begin, count), grads.subspan(begin, count),
                   m.subspan(begin, count), v.subspan(begin, count), step);
  });
}

}  // namespace tunelab
