#pragma once

#include <string>

namespace tunelab {

/// A duration in the unit a reader takes in at a glance, three significant digits:
/// "41.2 us", "3.75 ms", "1.25 s", "2m05s".
std::string readableSeconds(double seconds);

/// A median and its spread in one unit, the largest figure's: "3.75 ms (3.60-3.90 ms)",
/// "0.98 ms (0.87-28.4 ms)".
std::string readableRange(double median, double low, double high);

/// A metric or objective value: five significant digits ("0.33116"), a whole number in full
/// ("125460", never "1.2546e+05": a parameter count is read exactly).
std::string readableValue(double value);

}  // namespace tunelab
