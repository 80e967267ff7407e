#pragma once

#include <span>

namespace tunelab::bench {

// Standard noiseless test functions of z (the shift to the problem's optimum is applied by the
// caller). Each has its minimum value 0 at the point named in its comment unless stated.

double sphere(std::span<const double> z);          // 0 at z = 0
double ellipsoid(std::span<const double> z);       // conditioning 1e6, 0 at z = 0
double rosenbrock(std::span<const double> z);      // 0 at z = 1
double rastrigin(std::span<const double> z);       // 0 at z = 0
double ackley(std::span<const double> z);          // 0 at z = 0
double levy(std::span<const double> z);            // 0 at z = 1
double griewank(std::span<const double> z);        // 0 at z = 0
double schwefel(std::span<const double> z);        // ~0 at z = 420.9687
double styblinskiTang(std::span<const double> z);  // -39.16617 d at z = -2.903534
double stepEllipsoid(std::span<const double> z);   // plateaus; 0 on |z_i| < 0.5
double sharpRidge(std::span<const double> z);      // 0 at z = 0, not differentiable there
double hartmann6(std::span<const double> x);       // -3.32236801141551 on [0, 1]^6
double branin(std::span<const double> x);          // 0.397887357729739 on [-5, 10] x [0, 15]

}  // namespace tunelab::bench
