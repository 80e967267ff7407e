#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace tunelab {

struct RunArguments {
  std::filesystem::path experiment;
  std::vector<std::string> overrides;             // --set key=value
  std::vector<std::filesystem::path> dataDirs;    // --data-dir
  std::vector<std::filesystem::path> pluginDirs;  // --plugin-dir
  bool newStudy = false;                          // --new-study: discard a stored study
  bool progressBar = false;                       // redraw one line (a terminal)
  bool dryRun = false;  // --dry-run: check everything, print the plan, run and store nothing
};

/// `tunelab run exp.yaml`: checks the whole study (every probe point of the space, see
/// checkStudy), then runs (or resumes) it, storing every trial and epoch, and prints the best
/// trials. Returns an ExitCode: kExitNoCompleteTrial when no trial completed.
int runStudy(const RunArguments& args, std::ostream& out, std::ostream& err);

}  // namespace tunelab
