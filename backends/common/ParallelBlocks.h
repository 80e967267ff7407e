#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "backends/common/ParallelThreshold.h"
#include "core/Backend.h"
#include "core/FlushDenormals.h"

namespace tunelab {

/// Runs body(context, block) for every block in [0, blocks) on up to `threads` OpenMP threads
/// of the calling thread's team (libgomp keeps one team per calling thread, so two trials'
/// backends never share threads). Compiled without ThreadSanitizer: libgomp is not
/// instrumented, and the hand-over of the region's data would be reported as a race; runBlocks
/// orders it with atomics instead.
void runOnThreads(int threads, int blocks, void (*body)(void* context, int block, int slot),
                  void* context);

/// Keeps the OpenMP runtime (libgomp, loaded with the backend plugin that uses it) mapped for
/// the rest of the process: its pooled worker threads outlive the regions that started them,
/// and unmapping the library under them when the plugin is unloaded at exit is undefined (it
/// also left libgomp's own start-up allocation reported as a leak "in an unknown module").
/// Each backend plugin that uses OpenMP calls it when it registers.
void keepOpenMpLoaded();

/// Calls block(index, slot) for every index in [0, blocks), shared among up to `threads`
/// threads, with flush-to-zero in every thread; slot numbers the thread that runs the block
/// (0 to threads - 1; no two blocks run at once with one slot). On one thread the blocks run in
/// turn on the caller, in slot 0. Every block has returned when this returns.
template <typename Block>
void runBlocks(int threads, int blocks, const Block& block) {
  if (threads <= 1 || blocks <= 1) {
    for (int i = 0; i < blocks; ++i) block(i, 0);
    return;
  }
  struct Context {
    const Block& block;
    std::atomic<int> handedOut{0};
    std::atomic<int> handedBack{0};
  };
  Context context{block};
  context.handedOut.store(1, std::memory_order_release);
  runOnThreads(
      std::min(threads, blocks), blocks,
      [](void* opaque, int index, int slot) {
        auto& c = *static_cast<Context*>(opaque);
        (void)c.handedOut.load(std::memory_order_acquire);
        const FlushDenormals flush;
        c.block(index, slot);
        c.handedBack.fetch_add(1, std::memory_order_release);
      },
      &context);
  (void)context.handedBack.load(std::memory_order_acquire);
}

/// Calls block(begin, count) for [0, length) cut into one block per thread, each a multiple
/// of 16 floats (one AVX-512 register, so no two threads write one cache line of a row). For
/// element-wise work only: where the cut falls depends on the thread count.
template <typename Block>
void runInBlocks(int threads, std::size_t length, const Block& block) {
  const auto count = static_cast<std::size_t>(threads);
  const std::size_t step = (length + count * 16 - 1) / (count * 16) * 16;
  runBlocks(threads, threads, [&](int index, int /*slot*/) {
    const std::size_t begin = std::min(length, static_cast<std::size_t>(index) * step);
    const std::size_t size = std::min(length, begin + step) - begin;
    if (size > 0) block(begin, size);
  });
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
