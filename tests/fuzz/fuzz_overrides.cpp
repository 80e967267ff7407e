// libFuzzer target: `--set KEY=VALUE` overrides (one per input line) applied to a valid
// experiment (applyOverrides), then the experiment checked as `tunelab run` checks it
// (parseExperiment), the mistake described at its place.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/Error.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"

namespace {

std::vector<std::string> linesOf(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  // The reference grid, as the user has it.
  static const tunelab::YamlDocument kBase =
      tunelab::YamlDocument::load(TUNELAB_SOURCE_DIR "/experiments/configs/magic_grid.yaml");
  tunelab::YamlDocument document = kBase;
  try {
    tunelab::applyOverrides(document, linesOf({reinterpret_cast<const char*>(data), size}));
    tunelab::parseExperiment(document);
  } catch (const tunelab::ConfigError& e) {
    document.describe(e);
  } catch (const tunelab::Error&) {
    // ExperimentError: a malformed KEY=VALUE.
  }
  return 0;
}
