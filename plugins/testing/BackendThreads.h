#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/Rng.h"
#include "plugins/testing/BackendConformance.h"

namespace tunelab::testing {

/// Threads give the same bits: gemm, denseForward and adamUpdate on 2 and 3 threads equal,
/// bit for bit, what one thread computes, on products large enough to be shared and cut at
/// edges that are not multiples of any kernel's tile. A trial's results then do not depend on
/// threads_per_trial. (`threads` of the BackendCase is not used.)
///
///   using tunelab::testing::BackendThreads;
///   INSTANTIATE_TEST_SUITE_P(Mine, BackendThreads, ::testing::Values(myCase),
///                            tunelab::testing::CaseName{});
class BackendThreads : public ::testing::TestWithParam<BackendCase> {
 public:
  ~BackendThreads() override;

 protected:
  /// A new instance from the case's factory, set to `threads`.
  std::unique_ptr<Backend> withThreads(int threads) const;

  Rng rng_{5};
};

}  // namespace tunelab::testing
