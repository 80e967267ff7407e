#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// `tunelab export`: every trial (and with json, every epoch) as CSV, JSON or the HTML report.
int runExport(const StudyLocation& where, const std::string& format,
              const std::filesystem::path& output, std::ostream& out, std::ostream& err);

}  // namespace tunelab
