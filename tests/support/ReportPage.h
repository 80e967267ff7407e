#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "experiments/config/StudySpec.h"

namespace tunelab::test {

/// The spec of a grid study on the reference backend whose report a test writes.
inline StudySpec reportedStudy(const std::string& name, const std::string& metric) {
  StudySpec spec;
  spec.name = name;
  spec.strategy = "grid";
  spec.metric.name = metric;
  spec.execution.backends = {"reference"};
  return spec;
}

/// The study a report.html page embeds: the JSON of its <script id="report-data"> element,
/// as the page's script reads it (an empty object, with a test failure, when it has none).
inline nlohmann::json reportDataOf(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="report-data">)";
  const auto start = html.find(open);
  const auto end = start == std::string::npos ? start : html.find("</script>", start);
  if (end == std::string::npos) {
    ADD_FAILURE() << "the page has no report-data element";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(html.substr(start + open.size(), end - start - open.size()));
}

}  // namespace tunelab::test
