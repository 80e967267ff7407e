#include "experiments/distributed/Launcher.h"

#include <cstdlib>
#include <initializer_list>

namespace tunelab {

bool launchedByMpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

}  // namespace tunelab
