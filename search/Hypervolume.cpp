#include "search/Hypervolume.h"

#include <algorithm>

#include "core/Error.h"

namespace tunelab {

namespace {

// Two objectives: sorted by the first, each point of the front adds the rectangle between it,
// the reference and the best second objective so far.
double hypervolume2d(ObjectivePoints points, std::span<const double> reference) {
  std::sort(points.begin(), points.end());
  double volume = 0;
  double bestSecond = reference[1];
  for (const auto& p : points) {
    if (p[1] >= bestSecond) continue;
    volume += (reference[0] - p[0]) * (bestSecond - p[1]);
    bestSecond = p[1];
  }
  return volume;
}

// More objectives: slices between consecutive values of the last objective; each slice is the
// (d-1)-dimensional hypervolume of the points below it times its thickness.
double hypervolumeNd(ObjectivePoints points, std::span<const double> reference) {
  const std::size_t d = reference.size();
  if (d == 2) return hypervolume2d(std::move(points), reference);
  std::sort(points.begin(), points.end(),
            [d](const auto& a, const auto& b) { return a[d - 1] < b[d - 1]; });
  double volume = 0;
  ObjectivePoints below;
  for (std::size_t i = 0; i < points.size(); ++i) {
    below.emplace_back(points[i].begin(), points[i].end() - 1);
    const double next = i + 1 < points.size() ? points[i + 1][d - 1] : reference[d - 1];
    if (next > points[i][d - 1]) {
      volume += hypervolumeNd(below, reference.first(d - 1)) * (next - points[i][d - 1]);
    }
  }
  return volume;
}

}  // namespace

double hypervolume(const ObjectivePoints& points, std::span<const double> reference) {
  ObjectivePoints inside;
  for (const auto& p : points) {
    if (p.size() != reference.size()) {
      throw Error("hypervolume: a point has " + std::to_string(p.size()) +
                  " objectives, the reference " + std::to_string(reference.size()));
    }
    bool dominatesReference = true;
    for (std::size_t i = 0; i < p.size(); ++i) dominatesReference &= p[i] < reference[i];
    if (dominatesReference) inside.push_back(p);
  }
  if (inside.empty()) return 0;
  if (reference.size() == 1) {
    double best = reference[0];
    for (const auto& p : inside) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  return hypervolumeNd(std::move(inside), reference);
}

}  // namespace tunelab
