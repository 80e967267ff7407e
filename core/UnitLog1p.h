#pragma once

// log(1 + x) for x in [0, 1] (and NaN), for the cross-entropy a user reads. It is written so a
// loop over it runs in vector lanes: no call and no branch, where glibc's log1p is a call per
// element. Within one rounding of the exact value, as a vectorised loop computes it
// (UnitLog1pTest).

#include <initializer_list>

namespace tunelab {

inline double unitLog1p(double x) {
  constexpr double kLn2Hi = 0x1.62e42feep-1;  // ln 2 to 32 bits; ln 2 = kLn2Hi + kLn2Lo
  constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
  constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;
  const double u = 1.0 + x;
  const double lost = (x - (u - 1.0)) / u;  // log(1 + x) = log(u) + lost, to first order
  // log(u) = k ln 2 + log(1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)]; f is exact.
  const bool halve = u > kSqrt2;
  const double k = halve ? 1.0 : 0.0;
  const double f = (halve ? 0.5 * u : u) - 1.0;
  // log(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R), s = f / (2 + f), R = 2 sum z^n/(2n+1)
  // over z = s^2 <= 0.0295: ten terms leave under 1e-18 of the result out.
  const double s = f / (2.0 + f);
  const double z = s * s;
  double r = 2.0 / 21.0;
  for (const double c : {2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0, 2.0 / 9.0,
                         2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0}) {
    r = c + z * r;
  }
  r *= z;
  const double halfSquare = 0.5 * f * f;
  return k * kLn2Hi - ((halfSquare - (s * (halfSquare + r) + (k * kLn2Lo + lost))) - f);
}

}  // namespace tunelab
