// The latin_hypercube strategy against the plugin kit's strategy contract.
#include <gtest/gtest.h>

#include "LatinHypercube.h"
#include "plugins/testing/StrategyContract.h"

namespace {

using tunelab::testing::StrategyContract;

INSTANTIATE_TEST_SUITE_P(
    LatinHypercube, StrategyContract,
    ::testing::Values(tunelab::testing::StrategyCase{
        .name = "latin_hypercube",
        .make =
            [](const tunelab::StrategyContext& context) {
              return std::make_unique<example::LatinHypercube>(context);
            },
        .finiteMaxTrials = 12}),  // it needs max_trials (the design's size) on every space
    tunelab::testing::CaseName{});

}  // namespace
