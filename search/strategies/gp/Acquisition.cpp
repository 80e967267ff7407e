#include "search/strategies/gp/Acquisition.h"

#include <cmath>
#include <numbers>

#include "core/Error.h"

namespace tunelab {

namespace {

double normalPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi); }
double normalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// log(z Phi(z) + phi(z)).
double logH(double z) {
  if (z > -25.0) return std::log(z * normalCdf(z) + normalPdf(z));
  // Far in the lower tail, where Phi(z) heads for underflow: z Phi(z) + phi(z) = phi(z) / z^2 * (1
  // - 3/z^2 + 15/z^4 - ...).
  const double z2 = z * z;
  return -0.5 * z2 - 0.5 * std::log(2.0 * std::numbers::pi) - std::log(z2) +
         std::log1p(-3.0 / z2 + 15.0 / (z2 * z2) - 105.0 / (z2 * z2 * z2));
}

}  // namespace

AcquisitionKind parseAcquisition(const std::string& name) {
  if (name == "log_ei" || name == "ei") return AcquisitionKind::LogExpectedImprovement;
  if (name == "ucb") return AcquisitionKind::UpperConfidenceBound;
  if (name == "pi") return AcquisitionKind::ProbabilityOfImprovement;
  throw ConfigError("acquisition", "unknown acquisition '" + name + "'; choose log_ei, ucb or pi");
}

double logExpectedImprovement(double mean, double sd, double best) {
  return std::log(sd) + logH((best - mean) / sd);
}

double expectedImprovement(double mean, double sd, double best) {
  const double z = (best - mean) / sd;
  return sd * (z * normalCdf(z) + normalPdf(z));
}

double probabilityOfImprovement(double mean, double sd, double best) {
  return normalCdf((best - mean) / sd);
}

double upperConfidenceBound(double mean, double sd, double kappa) { return -(mean - kappa * sd); }

double acquisition(AcquisitionKind kind, double mean, double sd, double best, double kappa) {
  switch (kind) {
    case AcquisitionKind::LogExpectedImprovement:
      return logExpectedImprovement(mean, sd, best);
    case AcquisitionKind::UpperConfidenceBound:
      return upperConfidenceBound(mean, sd, kappa);
    case AcquisitionKind::ProbabilityOfImprovement:
      return probabilityOfImprovement(mean, sd, best);
  }
  return 0.0;
}

}  // namespace tunelab
