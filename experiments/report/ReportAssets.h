#pragma once

#include <string_view>

namespace tunelab {

// The files report.html inlines, compiled in from experiments/report/web/ by
// cmake/EmbedAssets.cmake (the generated ReportAssets.cpp in the build tree).
std::string_view reportAssetUplotJs();
std::string_view reportAssetUplotCss();
std::string_view reportAssetUplotLicense();
std::string_view reportAssetReportJs();
std::string_view reportAssetReportCss();

}  // namespace tunelab
