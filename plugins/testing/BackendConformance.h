#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "backends/reference/ReferenceBackend.h"
#include "core/BackendRegistry.h"
#include "core/Rng.h"
#include "plugins/testing/CaseName.h"

namespace tunelab::testing {

/// A backend under test: how to make one instance (as its plugin registers it) and the thread
/// count to give it.
struct BackendCase {
  std::string name;  // names the tests: letters, digits, underscores
  BackendFactory make;
  int threads = 1;
};

/// Prints the case's name in test messages (GoogleTest finds the printer by this name).
void PrintTo(const BackendCase& c, std::ostream* os);  // NOLINT(readability-identifier-naming)

/// Every op of core/Backend.h against the reference backend (the oracle): both transposes,
/// alpha and beta, every activation, shapes from 1x1x1 to ones large enough to be shared
/// between threads, batch 1, a last partial batch, one output column, views whose rows are
/// wider than their columns (with NaN between them, which must be neither read nor written).
/// Tolerances grow with the reduction length. Instantiate with your factory:
///
///   #include "plugins/testing/BackendConformance.h"
///   using tunelab::testing::BackendConformance;
///   INSTANTIATE_TEST_SUITE_P(Mine, BackendConformance,
///       ::testing::Values(tunelab::testing::BackendCase{
///           "mine", [] { return std::make_unique<MyBackend>(); }}),
///       tunelab::testing::CaseName{});
class BackendConformance : public ::testing::TestWithParam<BackendCase> {
 public:
  BackendConformance();
  ~BackendConformance() override;

 protected:
  std::unique_ptr<Backend> backend_;
  ReferenceBackend reference_;
  Rng rng_{17};
};

}  // namespace tunelab::testing
