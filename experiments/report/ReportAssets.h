#pragma once

#include <string_view>

namespace tunelab {

// The files report.html inlines, compiled in from experiments/report/web/ by
// cmake/EmbedAssets.cmake (the generated ReportAssets.cpp in the build tree).
std::string_view reportAsset_uplot_js();
std::string_view reportAsset_uplot_css();
std::string_view reportAsset_uplot_license();
std::string_view reportAsset_report_js();
std::string_view reportAsset_report_css();

}  // namespace tunelab
