#pragma once

#include <memory>
#include <string>

#include "backends/onednn/OneDnnBackend.h"
#include "backends/openblas/OpenBlasBackend.h"
#include "backends/reference/ReferenceBackend.h"

namespace tunelab::bench {

/// Backends by index, for benchmark arguments: 0 reference, 1 openblas, 2 onednn.
inline const char* backendName(long index) {
  static const char* names[] = {"reference", "openblas", "onednn"};
  return names[index];
}

inline std::unique_ptr<Backend> makeBackend(long index) {
  if (index == 1) return std::make_unique<OpenBlasBackend>();
  if (index == 2) return std::make_unique<OneDnnBackend>();
  return std::make_unique<ReferenceBackend>();
}

}  // namespace tunelab::bench
