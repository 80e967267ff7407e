#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tunelab {

/// One chart of a report written as a PNG image.
struct PngChart {
  std::string id;  // the report's section: history, importance, effects, parallel, ...
  std::filesystem::path file;
};

/// The charts of a written report.html as PNG images in `dir` (<id>.png, 1280 px wide), drawn by
/// headless Chromium from the same page, so that they look as they do in the browser. Chromium
/// is $TUNELAB_CHROMIUM, else the first of chromium, chromium-browser, google-chrome in PATH;
/// without it, or when it fails, an Error says so.
std::vector<PngChart> writeReportPngs(const std::filesystem::path& html,
                                      const std::filesystem::path& dir);

}  // namespace tunelab
