// The cluster of a tunelab built without MPI: none, and a clear refusal under mpirun (every
// rank would otherwise run the whole study on its own, all writing one store).
#include "core/Error.h"
#include "experiments/distributed/Cluster.h"
#include "experiments/distributed/Launcher.h"

namespace tunelab {

std::unique_ptr<Cluster> Cluster::join() {
  if (launchedByMpi()) {
    throw Error(
        "an MPI launcher started this tunelab, which was built without MPI (tunelab version "
        "says so): install libopenmpi-dev and build again, or run it without mpirun/srun");
  }
  return nullptr;
}

std::string Cluster::mpiLibrary() { return ""; }

}  // namespace tunelab
