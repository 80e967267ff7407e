#pragma once

#include <string>
#include <vector>

namespace tunelab {

/// The CPU a rank's communication thread used while the study ran: rank 0's coordinator
/// thread (strategy, store and MPI), each executor rank's relay loop. Trials' own threads are
/// not counted.
struct CommunicationCost {
  int rank = 0;
  double cpuSeconds = 0;
  double wallSeconds = 0;
  double shareOfACore() const { return wallSeconds > 0 ? cpuSeconds / wallSeconds : 0; }
};

/// "MPI: communication CPU: rank 0 (coordinator) 0.21 s in 52.3 s (0.4% of a core); executor
/// ranks at most 0.3% of a core (rank 2: 0.15 s)"; "" without costs.
std::string describeCommunicationCost(const std::vector<CommunicationCost>& costs);

}  // namespace tunelab
