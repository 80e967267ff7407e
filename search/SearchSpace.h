#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/Export.h"
#include "core/Rng.h"

namespace tunelab {

/// One search parameter, in the W&B-sweeps syntax of `search.parameters`:
///   {value: 2}                                   constant
///   {values: [16, 32, 64]}                       categorical (any JSON values)
///   {min: 1e-4, max: 1e-1, distribution: log_uniform}   float
///   {min: 0, max: 0.5, q: 0.1}                   float quantised to multiples of q from min
///   {min: 1, max: 4, distribution: int_uniform}  int (also int_log_uniform)
///   {values: [0.9, 0.99], when: {optimizer: sgd}}        conditional on another parameter
struct TUNELAB_API Parameter {
  enum class Kind { Constant, Categorical, Float, Int };
  std::string name;
  Kind kind = Kind::Constant;
  std::vector<nlohmann::json> values;  // Constant (one) and Categorical
  double min = 0;
  double max = 0;
  bool log = false;
  double step = 0;  // Float: quantisation step (0 = continuous)
  // Active only when the parameter `whenParent` has one of `whenValues`.
  std::string whenParent;
  std::vector<nlohmann::json> whenValues;

  bool conditional() const { return !whenParent.empty(); }
  /// Finite number of values (everything but a continuous float).
  bool finite() const;
  /// Number of distinct values of a finite parameter.
  std::size_t cardinality() const;
  /// The i-th value of a finite parameter, i < cardinality().
  nlohmann::json valueAt(std::size_t i) const;
  /// Maps u in [0, 1] to a value (log scale where declared; ints and categoricals by bins).
  nlohmann::json decode(double u) const;
  /// The inverse of decode: the centre of the value's bin for finite kinds.
  double encode(const nlohmann::json& value) const;
};

/// The validated `search.parameters`, in the file's order. Assignments are JSON objects
/// holding the active parameters only.
class TUNELAB_API SearchSpace {
 public:
  SearchSpace() = default;
  /// `order` lists the keys in the order the file declares them (a JSON object forgets it).
  /// Throws ConfigError keyed "<name>.<key>" for min > max, a log bound <= 0, empty values,
  /// a condition on an unknown or later parameter.
  static SearchSpace parse(const nlohmann::json& parameters, const std::vector<std::string>& order);

  const std::vector<Parameter>& parameters() const { return parameters_; }
  const Parameter* find(const std::string& name) const;
  /// Whether `p` is active given the values already in `assignment`.
  bool active(const Parameter& p, const nlohmann::json& assignment) const;
  /// True when every parameter is finite (grid and exhaustion make sense).
  bool finite() const;

  /// One dimension per non-constant parameter; inactive ones encode as 0.5.
  std::size_t dimensions() const { return searchable_.size(); }
  std::vector<double> encode(const nlohmann::json& assignment) const;
  /// The assignment whose encoding is nearest to `u` (only active parameters kept).
  nlohmann::json decode(std::span<const double> u) const;
  /// A uniform draw in the encoded cube, decoded.
  nlohmann::json sample(Rng& rng) const;

  /// A stable text form of the space, to tell whether a stored study used the same one.
  std::string fingerprint() const;

 private:
  std::vector<Parameter> parameters_;
  std::vector<std::size_t> searchable_;  // indices of non-constant parameters
};

/// A value as a user wrote it, for messages: a string without its quotes, anything else as JSON.
TUNELAB_API std::string shownValue(const nlohmann::json& value);

}  // namespace tunelab
