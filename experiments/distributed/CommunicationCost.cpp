#include "experiments/distributed/CommunicationCost.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace tunelab {

std::string describeCommunicationCost(const std::vector<CommunicationCost>& costs) {
  const auto coordinator =
      std::find_if(costs.begin(), costs.end(), [](const auto& c) { return c.rank == 0; });
  if (coordinator == costs.end()) return "";
  std::ostringstream line;
  line << std::fixed << std::setprecision(2) << "MPI: communication CPU: rank 0 (coordinator) "
       << coordinator->cpuSeconds << " s in " << std::setprecision(1) << coordinator->wallSeconds
       << " s (" << std::setprecision(2) << 100 * coordinator->shareOfACore() << "% of a core)";
  const CommunicationCost* busiest = nullptr;
  for (const auto& c : costs) {
    if (c.rank != 0 && (busiest == nullptr || c.shareOfACore() > busiest->shareOfACore())) {
      busiest = &c;
    }
  }
  if (busiest != nullptr) {
    line << "; executor ranks at most " << 100 * busiest->shareOfACore() << "% of a core (rank "
         << busiest->rank << ": " << busiest->cpuSeconds << " s)";
  }
  return line.str();
}

}  // namespace tunelab
