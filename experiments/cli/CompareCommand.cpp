#include "experiments/cli/CompareCommand.h"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "experiments/cli/ExitCode.h"
#include "experiments/report/BackendComparison.h"
#include "experiments/report/Units.h"

namespace tunelab {

namespace {

std::string threadsOf(const BackendStats& b) {
  if (b.maxThreads == 0) return "?";
  if (b.minThreads == b.maxThreads) return std::to_string(b.maxThreads);
  return std::to_string(b.minThreads) + "-" + std::to_string(b.maxThreads);
}

std::string speedUp(const BackendStats& b, const std::string& baseline) {
  if (!b.speedUp) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << *b.speedUp << "x";
  if (b.backend == baseline) s << " (baseline)";
  return s.str();
}

std::string scientific(double value) {
  std::ostringstream s;
  s << std::scientific << std::setprecision(1) << value;
  return s.str();
}

std::string percent(double fraction) {
  std::ostringstream s;
  s << std::setprecision(2) << fraction * 100 << "%";
  return s.str();
}

void printTable(const BackendComparison& c, std::ostream& out) {
  out << std::left << std::setw(12) << "backend" << std::setw(9) << "threads" << std::setw(8)
      << "trials" << std::setw(30) << "epoch time: median (IQR)" << std::setw(20) << "speed-up"
      << std::setw(14) << "peak tensors"
      << "max |val_loss - " << c.baseline << "|\n";
  for (const auto& b : c.backends) {
    out << std::setw(12) << b.backend << std::setw(9) << threadsOf(b) << std::setw(8) << b.trials
        << std::setw(30) << readableRange(b.medianEpoch, b.lowerQuartile, b.upperQuartile)
        << std::setw(20) << speedUp(b, c.baseline) << std::setw(14)
        << (std::to_string((b.largestTrialKiB + 1023) / 1024) + " MiB")
        << (b.backend == c.baseline  ? "-"
            : b.maxValLossDifference ? scientific(*b.maxValLossDifference)
                                     : "n/a")
        << "\n";
  }
}

void printAgreement(const BackendComparison& c, double tolerance, std::ostream& out) {
  out << "Agreement: ";
  if (c.backends.size() < 2) {
    out << "one backend ran, nothing to compare.\n";
  } else if (!c.maxRelativeDifference) {
    out << "no trial completed on " << c.baseline << " and another backend, nothing to compare.\n";
  } else {
    const auto& d = c.mostDifferent;
    const bool agree = *c.maxRelativeDifference <= tolerance;
    out << "the largest difference in val_loss at the best epoch is " << scientific(d.absolute)
        << " (" << percent(*c.maxRelativeDifference) << " of " << c.baseline << "'s "
        << d.baselineValue << "; trial " << d.trial << ", " << d.backend << "), "
        << (agree ? "within" : "above") << " the tolerance " << percent(tolerance) << ": "
        << (agree ? "the backends agree"
                  : "the backends differ (float32 rounding grows over the epochs; --tolerance "
                    "sets the limit)")
        << ".\n";
  }
  bool same = true;
  for (const auto& b : c.backends) same = same && b.best == c.backends.front().best;
  if (same && c.backends.front().best) {
    out << "Best trial: every backend picks trial " << *c.backends.front().best << ".\n";
    return;
  }
  out << "Best trial differs:";
  for (const auto& b : c.backends) {
    out << " " << b.backend << " picks " << (b.best ? "trial " + std::to_string(*b.best) : "none")
        << (&b == &c.backends.back() ? ".\n" : ",");
  }
}

}  // namespace

int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err, double tolerance) {
  return readStudy(where, err, [&](StoredStudy& s) {
    const BackendComparison comparison = compareBackends(s.spec, *s.store);
    printTable(comparison, out);
    printAgreement(comparison, tolerance, out);
    out << "Speed-up: the baseline's training time over each backend's, on the trials both "
           "ran. Peak tensors: the largest trial's float buffers (parameters, gradients, "
           "optimizer state, batches) as tunelab counts them, not the process's memory.\n";
    return kExitOk;
  });
}

}  // namespace tunelab
