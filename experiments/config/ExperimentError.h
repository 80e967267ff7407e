#pragma once

#include <string>

#include "core/Error.h"

namespace tunelab {

/// A mistake in the experiment file, located: "exp.yaml:12:9: model.layers[1].rate: ...".
class ExperimentError : public Error {
 public:
  explicit ExperimentError(const std::string& message) : Error(message) {}
};

}  // namespace tunelab
