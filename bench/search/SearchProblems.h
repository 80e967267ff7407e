#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tunelab::bench {

/// One problem of the search benchmark, defined once: the C++ side optimises it directly and
/// the Python peers (bench/optuna_peer.py) ask this program to evaluate their points
/// (`tunelab_bench_search --serve`), so both sides optimise the same function over the same
/// space.
struct SearchProblem {
  std::string name;
  std::string kind;                // smooth, ill-conditioned, multimodal, plateau, mixed, ...
  nlohmann::json parameters;       // search.parameters in tunelab's syntax
  std::vector<std::string> order;  // the parameters in declaration order
  std::function<double(const nlohmann::json&)> evaluate;
  std::optional<double> minimum;  // known optimum; none for the real tasks
};

/// The test functions (shifted, in 2-10 dimensions) and the mixed and conditional spaces.
std::vector<SearchProblem> syntheticProblems();

/// Where the real tasks find their files.
struct RealTaskPaths {
  std::filesystem::path sourceDir;    // the checkout (bench/search/*.yaml)
  std::filesystem::path benchBinary;  // this program, run as the external command
};

/// The real tasks: an MLP on MAGIC trained by tunelab in this process, and an MLP on the
/// diabetes data trained by an external command (this program with --evaluate).
std::vector<SearchProblem> realTasks(const RealTaskPaths& paths);

/// The value of one point of a real task's experiment file, trained in this process
/// (what --evaluate prints for the external command).
double trainExperimentPoint(const std::filesystem::path& experiment, const nlohmann::json& params);

}  // namespace tunelab::bench
