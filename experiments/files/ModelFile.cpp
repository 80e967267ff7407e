#include "experiments/files/ModelFile.h"

#include <fstream>
#include <iterator>

#include "core/Error.h"
#include "experiments/files/AtomicFile.h"

namespace tunelab {

namespace {

constexpr const char* kFormat = "tunelab-model";
constexpr int kFormatVersion = 1;

}  // namespace

nlohmann::json savedExperiment(const nlohmann::json& boundExperiment) {
  nlohmann::json kept = nlohmann::json::object();
  for (const char* key : {"name", "data", "model", "train"}) {
    if (boundExperiment.contains(key)) kept[key] = boundExperiment.at(key);
  }
  return kept;
}

void saveModel(const std::filesystem::path& file, const SavedModel& model) {
  const nlohmann::json json{{"format", kFormat},
                            {"version", kFormatVersion},
                            {"experiment", model.experiment},
                            {"preprocessor", model.preprocessor.toJson()},
                            {"params", model.params},
                            {"state", model.state},
                            {"info", model.info}};
  const auto bytes = nlohmann::json::to_cbor(json);
  writeFileAtomically(file, std::string(bytes.begin(), bytes.end()));
}

SavedModel loadModel(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataError(file.string() + ": cannot open the model file");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  const auto json = nlohmann::json::from_cbor(bytes, true, false);
  if (json.is_discarded() || !json.is_object() || json.value("format", "") != kFormat) {
    throw DataError(file.string() +
                    ": not a tunelab model (tunelab train and tunelab run save one as "
                    "model.tunelab / best_model.tunelab)");
  }
  if (json.value("version", 0) != kFormatVersion) {
    throw DataError(file.string() + ": model format version " +
                    std::to_string(json.value("version", 0)) + ", this tunelab reads version " +
                    std::to_string(kFormatVersion));
  }
  try {
    SavedModel model;
    model.experiment = json.at("experiment");
    model.preprocessor = Preprocessor::fromJson(json.at("preprocessor"));
    model.params = json.at("params").get<std::vector<float>>();
    model.state = json.at("state").get<std::vector<float>>();
    model.info = json.at("info");
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file.string() + ": damaged model file (" + e.what() + ")");
  }
}

}  // namespace tunelab
