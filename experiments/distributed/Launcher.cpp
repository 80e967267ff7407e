#include "experiments/distributed/Launcher.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>

namespace tunelab {

bool launchedByMpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

std::string srunWithoutMpiHint() {
  const char* tasks = std::getenv("SLURM_STEP_NUM_TASKS");
  int count = 0;
  if (tasks != nullptr) std::from_chars(tasks, tasks + std::strlen(tasks), count);
  if (count <= 1 || launchedByMpi()) return "";
  return "srun started " + std::to_string(count) +
         " tasks without an MPI plugin, so each runs the study alone: to run it as one MPI job, "
         "use srun --mpi=pmix (or MpiDefault=pmix in slurm.conf; `srun --mpi=list` shows the "
         "plugins)";
}

}  // namespace tunelab
