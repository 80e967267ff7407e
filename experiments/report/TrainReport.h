#pragma once

#include <map>
#include <string>

#include "core/Trainer.h"

namespace tunelab {

/// What `tunelab train` trained, as report.html shows it.
struct TrainedForReport {
  std::string name;  // the experiment's name
  std::string backend;
  std::string summary;  // the model summary, as printed
  const FitResult* fit = nullptr;
  std::map<std::string, double> test;  // loss and metrics on the test rows (no prefix)
};

/// The same page as a study's report (reportPage) for one model: the model summary, how the
/// fit ended and the test metrics as text, and its learning curves (every value with its val_
/// twin, the kept epoch marked) drawn by the page's script, as a Keras notebook plots them.
std::string renderTrainReport(const TrainedForReport& model);

}  // namespace tunelab
