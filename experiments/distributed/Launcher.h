#pragma once

#include <string>

namespace tunelab {

/// Whether an MPI launcher started this process: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE),
/// Slurm's srun or another PMI launcher (PMI_SIZE, PMIX_RANK).
bool launchedByMpi();

/// When srun started several tasks without an MPI plugin (SLURM_STEP_NUM_TASKS > 1, no PMI
/// variables), each is a lone process running the whole study, and all but one find it in
/// use: what to run instead, for that error. Empty otherwise. (Tasks that run studies of their
/// own are not refused: that is a way to use srun too.)
std::string srunWithoutMpiHint();

}  // namespace tunelab
