// libFuzzer target: a model file (model.tunelab) as `tunelab predict` reads it: parseModel (the
// bytes loadModel reads), its data section, the layers rebuilt with the saved weights
// (LoadedModel, the bundled layer module loaded once), then predict and evaluate on three
// rows of MAGIC (the data of the seed models).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/Error.h"
#include "core/data/CsvReader.h"
#include "core/data/DataSpec.h"
#include "experiments/files/ModelFile.h"
#include "experiments/objective/LoadedModel.h"
#include "plugins/PluginHost.h"

namespace {

constexpr const char* kRows =
    "fLength,fWidth,fSize,fConc,fConc1,fAsym,fM3Long,fM3Trans,fAlpha,fDist,class\n"
    "28.7967,16.0021,2.6449,0.3918,0.1982,27.7004,22.011,-8.2027,40.092,81.8828,g\n"
    "31.6036,11.7235,2.5185,0.5303,0.3773,26.2722,23.8238,-9.9574,6.3609,205.261,g\n"
    "75.1362,30.9205,3.1611,0.3168,0.1832,-5.5277,28.5525,21.8393,4.648,356.462,h\n";

const tunelab::PluginHost& bundledPlugins() {
  static tunelab::PluginHost host;
  static const bool kLoaded = [] {
    host.loadDirectories({tunelab::PluginHost::bundledDirectory()});
    return true;
  }();
  static_cast<void>(kLoaded);
  return host;
}

void predictAsTunelabWould(tunelab::SavedModel saved) {
  if (saved.preprocessor.sampleShape().dims.size() > 1) return;  // images: predict refuses
  tunelab::parseDataSpec(saved.experiment.at("data"));
  static const tunelab::Table kTable = tunelab::parseCsv(kRows, "magic.csv");
  tunelab::LoadedModel model(std::move(saved), bundledPlugins(), "fuzz.tunelab");
  model.predict(kTable);
  model.evaluate(kTable);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  try {
    predictAsTunelabWould(
        tunelab::parseModel(std::vector<std::uint8_t>(data, data + size), "fuzz.tunelab"));
  } catch (const tunelab::Error&) {
    // DataError (not a model, damaged, weights that do not fit), ConfigError (its sections).
  }
  return 0;
}
