#pragma once

#include <string>

namespace tunelab {

/// Acquisition functions for minimisation, at a point whose posterior is N(mean, sd^2), with
/// `best` the lowest value observed. Larger is better for all three.
enum class AcquisitionKind {
  LogExpectedImprovement,
  UpperConfidenceBound,
  ProbabilityOfImprovement
};

AcquisitionKind parseAcquisition(const std::string& name);

/// log E[max(best - f, 0)], accurate also far in the tail where EI underflows to 0.
double logExpectedImprovement(double mean, double sd, double best);
/// E[max(best - f, 0)] = sd * (z Phi(z) + phi(z)), z = (best - mean) / sd.
double expectedImprovement(double mean, double sd, double best);
/// P(f < best) = Phi(z).
double probabilityOfImprovement(double mean, double sd, double best);
/// -(mean - kappa * sd): the lower confidence bound, negated so that larger is better.
double upperConfidenceBound(double mean, double sd, double kappa);

double acquisition(AcquisitionKind kind, double mean, double sd, double best, double kappa);

}  // namespace tunelab
