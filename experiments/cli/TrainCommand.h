#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "core/Trainer.h"

namespace tunelab {

struct TrainArguments {
  std::filesystem::path experiment;
  std::vector<std::string> overrides;             // --set key=value
  std::vector<std::filesystem::path> dataDirs;    // --data-dir
  std::vector<std::filesystem::path> pluginDirs;  // --plugin-dir
  std::filesystem::path output;                   // --output; default runs/<name>
  bool quiet = false;                             // no per-epoch lines
};

/// What a training run produced, for callers that want the numbers rather than the text.
struct TrainReport {
  FitResult fit;
  std::map<std::string, double> test;  // loss and metrics on the test split
};

/// `tunelab train exp.yaml`: trains the one model the file describes, prints the summary,
/// one line per epoch and the test metrics, and writes history.csv. Returns an ExitCode;
/// every user mistake is reported on `err` with its file, line and key.
int runTrain(const TrainArguments& args, std::ostream& out, std::ostream& err,
             TrainReport* report = nullptr);

}  // namespace tunelab
