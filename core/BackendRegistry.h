#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/Backend.h"
#include "core/Export.h"
#include "core/NamedRegistry.h"

namespace tunelab {

/// Makes a fresh backend instance (one per trial).
using BackendFactory = std::function<std::unique_ptr<Backend>()>;

/// Compute backends by name ("reference", "openblas", "onednn").
class TUNELAB_API BackendRegistry : public NamedRegistry<BackendFactory> {
 public:
  BackendRegistry();
  ~BackendRegistry();
  /// Throws ConfigError listing the available backends for an unknown name.
  std::unique_ptr<Backend> create(const std::string& name) const;
};

}  // namespace tunelab
