#pragma once

#include <string>
#include <string_view>

namespace tunelab {

/// Text made safe inside HTML and SVG elements and attributes.
std::string escapeHtml(std::string_view text);

/// A number with `digits` significant digits ("nan", "inf" and "-inf" as such).
std::string formatNumber(double v, int digits = 4);

}  // namespace tunelab
