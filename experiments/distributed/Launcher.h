#pragma once

namespace tunelab {

/// Whether an MPI launcher started this process: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE),
/// Slurm's srun or another PMI launcher (PMI_SIZE, PMIX_RANK).
bool launchedByMpi();

}  // namespace tunelab
