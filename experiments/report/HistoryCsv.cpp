#include "experiments/report/HistoryCsv.h"

#include <iomanip>
#include <set>
#include <sstream>

#include "experiments/files/AtomicFile.h"

namespace tunelab {

void writeHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
  std::set<std::string> names;
  for (const auto& record : history) {
    for (const auto& [name, value] : record.values) names.insert(name);
  }
  std::ostringstream out;
  out << "epoch,seconds,learning_rate";
  for (const auto& name : names) out << ',' << name;
  out << '\n' << std::setprecision(9);
  for (const auto& record : history) {
    out << record.epoch << ',' << record.seconds << ',' << record.learningRate;
    for (const auto& name : names) {
      out << ',';
      if (auto it = record.values.find(name); it != record.values.end()) out << it->second;
    }
    out << '\n';
  }
  writeFileAtomically(path, out.str());
}

}  // namespace tunelab
