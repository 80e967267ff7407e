#include "experiments/report/Units.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace tunelab {

namespace {

struct Unit {
  double scale;
  const char* name;
};

Unit unitOf(double seconds) {
  if (seconds < 1e-3) return {1e6, "us"};
  if (seconds < 1) return {1e3, "ms"};
  return {1, "s"};
}

std::string threeFigures(double value) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(value >= 100 ? 0 : (value >= 10 ? 1 : 2)) << value;
  return s.str();
}

}  // namespace

std::string readableRange(double median, double low, double high) {
  if (!std::isfinite(median)) return "n/a";
  // The unit of the largest figure, so that a slow outlier never prints as "28367 us".
  const Unit unit = unitOf(std::max({median, low, high}));
  return threeFigures(median * unit.scale) + " " + unit.name + " (" +
         threeFigures(low * unit.scale) + "-" + threeFigures(high * unit.scale) + " " + unit.name +
         ")";
}

std::string readableValue(double value) {
  std::ostringstream s;
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
    s << static_cast<long long>(value);
  } else {
    s << std::setprecision(5) << value;
  }
  return s.str();
}

std::string readableSeconds(double seconds) {
  if (!std::isfinite(seconds)) return "n/a";
  if (seconds < 120) {
    const Unit unit = unitOf(seconds);
    return threeFigures(seconds * unit.scale) + " " + unit.name;
  }
  std::ostringstream s;
  const auto whole = static_cast<long long>(std::llround(seconds));
  s << whole / 60 << "m" << std::setw(2) << std::setfill('0') << whole % 60 << "s";
  return s.str();
}

}  // namespace tunelab
