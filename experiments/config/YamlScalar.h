#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tunelab {

/// A plain (unquoted) YAML scalar typed as YAML 1.2's core schema does: null, true/false,
/// integers, floats. `nan`, `inf` and the like are text, as in YAML; `.nan` and `.inf` are
/// numbers that no setting takes, so they are refused rather than turned into JSON's null.
struct TypedScalar {
  nlohmann::json value;
  std::string problem;  // non-empty: why this text cannot be a value (the caller locates it)
};

TypedScalar typePlainScalar(const std::string& text);

}  // namespace tunelab
