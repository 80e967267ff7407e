#pragma once

#include <gtest/gtest.h>

#include <string>

namespace tunelab::testing {

/// Names each instantiated test after its case's `name` (letters, digits and underscores), so
/// that `--gtest_filter=*/mine` picks one case:
///   INSTANTIATE_TEST_SUITE_P(Mine, BackendConformance, ::testing::Values(...), CaseName{});
struct CaseName {
  template <class Case>
  std::string operator()(const ::testing::TestParamInfo<Case>& info) const {
    return info.param.name;
  }
};

}  // namespace tunelab::testing
