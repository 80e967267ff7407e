// libFuzzer target: an experiment file as `tunelab run` reads it before any data or trial:
// YAML text to a YamlDocument, parseExperiment (every section, every probe point), the
// mistake described at its file:line:col, and for a valid study what the run computes next
// (the experiment bound at the centre of the space, the store's result fingerprint).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/Error.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/YamlDocument.h"

namespace {

void parseAsARunWould(const tunelab::YamlDocument& document) {
  try {
    const tunelab::ExperimentSpec experiment = tunelab::parseExperiment(document);
    const auto& space = experiment.study.space;
    experiment.bind(space.decode(std::vector<double>(space.dimensions(), 0.5)));
    tunelab::resultFingerprint(document.root());
  } catch (const tunelab::ConfigError& e) {
    document.describe(e);  // the message: file:line:col, key path, nearest valid key
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    parseAsARunWould(tunelab::YamlDocument::parse(text, "fuzz.yaml"));
  } catch (const tunelab::Error&) {
    // ExperimentError: a YAML syntax error, a duplicate key, an alias bomb, bad UTF-8.
  }
  return 0;
}
