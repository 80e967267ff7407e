#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "experiments/cli/StoredStudy.h"

namespace tunelab {

/// `tunelab export`: every trial (and with json, every epoch) as CSV, JSON, the HTML report, or
/// the report's charts as PNG images in the directory `output`.
int runExport(const StudyLocation& where, const std::string& format,
              const std::filesystem::path& output, std::ostream& out, std::ostream& err);

/// `tunelab export report.html --format png`: the charts of a written report (a study's or
/// tunelab train's) as PNG images in `dir`.
int runExportReportPngs(const std::filesystem::path& report, const std::filesystem::path& dir,
                        std::ostream& out, std::ostream& err);

}  // namespace tunelab
