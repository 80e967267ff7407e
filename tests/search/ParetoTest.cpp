// Pareto fronts, crowding distances and hypervolumes against hand-worked examples.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "search/Hypervolume.h"
#include "search/Pareto.h"

namespace tunelab {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A(1,5) B(2,3) C(4,1) are not dominated; D(3,4) only by B; E(5,5) by A, B, C and D.
const ObjectivePoints kFivePoints{{1, 5}, {2, 3}, {4, 1}, {3, 4}, {5, 5}};

TEST(Pareto, DominanceNeedsNoWorseEverywhereAndBetterSomewhere) {
  EXPECT_TRUE(dominates(std::vector<double>{1, 2}, std::vector<double>{1, 3}));
  EXPECT_FALSE(dominates(std::vector<double>{1, 3}, std::vector<double>{1, 3}));
  EXPECT_FALSE(dominates(std::vector<double>{0, 4}, std::vector<double>{1, 3}));
}

TEST(Pareto, NonDominatedSortingGivesTheFrontsInOrder) {
  const auto fronts = nonDominatedFronts(kFivePoints);
  ASSERT_EQ(fronts.size(), 3U);
  EXPECT_EQ(fronts[0], (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(fronts[1], (std::vector<std::size_t>{3}));
  EXPECT_EQ(fronts[2], (std::vector<std::size_t>{4}));
  EXPECT_EQ(paretoMask(kFivePoints), (std::vector<bool>{true, true, true, false, false}));
}

TEST(Pareto, EqualPointsAreAllOnTheFront) {
  const ObjectivePoints twins{{1, 1}, {1, 1}, {2, 2}};
  EXPECT_EQ(paretoMask(twins), (std::vector<bool>{true, true, false}));
}

TEST(Pareto, CrowdingDistanceSumsTheNormalisedNeighbourGaps) {
  // Objective 0 (range 4): the second point's neighbours are 0 and 3 (0.75), the third's 1 and
  // 4 (0.75). Objective 1 (range 4): the second's are 1 and 4 (0.75), the third's 0 and 2 (0.5).
  const ObjectivePoints front{{0, 4}, {1, 2}, {3, 1}, {4, 0}};
  const std::vector<std::size_t> all{0, 1, 2, 3};
  const auto distance = crowdingDistances(front, all);
  EXPECT_EQ(distance[0], kInfinity);
  EXPECT_DOUBLE_EQ(distance[1], 1.5);
  EXPECT_DOUBLE_EQ(distance[2], 1.25);
  EXPECT_EQ(distance[3], kInfinity);
}

TEST(Hypervolume, TwoObjectivesSumTheStaircase) {
  // Against (6, 6): A adds 5 x 1, B 4 x 2, C 2 x 2; dominated D and E add nothing.
  const std::vector<double> reference{6, 6};
  EXPECT_DOUBLE_EQ(hypervolume(kFivePoints, reference), 17.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 5}, {2, 3}, {4, 1}}, reference), 17.0);
  // A point beyond the reference in one objective adds nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{7, 0}, {1, 5}}, reference), 5.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, reference), 0.0);
}

TEST(Hypervolume, ThreeObjectivesCountTheOverlapOnce) {
  // Boxes 2 x 2 x 1 and 1 x 1 x 2 that share a 1 x 1 x 1 cube: 4 + 2 - 1.
  const std::vector<double> reference{2, 2, 2};
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 1}, {1, 1, 0}}, reference), 5.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}}, reference), 1.0);
}

}  // namespace
}  // namespace tunelab
