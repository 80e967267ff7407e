#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace tunelab {

/// Which study a read-only command looks at: an experiment file (its execution.storage, with
/// --set overrides applied) or a study database file directly.
struct StudyLocation {
  std::filesystem::path path;          // exp.yaml or study.db
  std::vector<std::string> overrides;  // --set key=value
};

/// `tunelab status`: trials by status, the best so far, what runs again on resume.
int runStatus(const StudyLocation& where, std::ostream& out, std::ostream& err);
/// `tunelab best`: the `count` best trials with their parameters and test metrics.
int runBest(const StudyLocation& where, std::size_t count, std::ostream& out, std::ostream& err);
/// `tunelab export`: every trial (and with json, every epoch) as CSV or JSON.
int runExport(const StudyLocation& where, const std::string& format,
              const std::filesystem::path& output, std::ostream& out, std::ostream& err);
/// `tunelab compare`: per backend, total time, median epoch time, peak memory and the largest
/// difference in final validation loss from the reference backend on the same trials.
int runCompare(const StudyLocation& where, std::ostream& out, std::ostream& err);

}  // namespace tunelab
