#include "experiments/files/ModelFile.h"

#include <fstream>
#include <iterator>

#include "core/Error.h"
#include "experiments/files/AtomicFile.h"
#include "experiments/files/InputFile.h"

namespace tunelab {

namespace {

constexpr const char* kFormat = "tunelab-model";
constexpr int kFormatVersion = 1;

// The file's bytes as JSON. nlohmann's reader throws even when asked not to for some damage (an
// array or string whose declared size exceeds what it can hold): every kind is the same
// damaged file to the user.
nlohmann::json decodeCbor(const std::vector<std::uint8_t>& bytes, const std::string& source) {
  try {
    return nlohmann::json::from_cbor(bytes, true, false);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(source + ": damaged model file (" + e.what() + ")");
  }
}

bool isTunelabModel(const nlohmann::json& json) {
  if (json.is_discarded() || !json.is_object()) return false;
  const auto format = json.find("format");
  return format != json.end() && format->is_string() && *format == kFormat;
}

// The version as the file writes it ("none" when it has none).
std::string describeVersion(const nlohmann::json& json) {
  const auto version = json.find("version");
  return version == json.end() ? "none" : version->dump();
}

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

SavedModel parseModel(const std::vector<std::uint8_t>& bytes, const std::string& source) {
  const auto json = decodeCbor(bytes, source);
  if (!isTunelabModel(json)) {
    throw DataError(source +
                    ": not a tunelab model (tunelab train and tunelab run save one as "
                    "model.tunelab / best_model.tunelab)");
  }
  if (const auto version = json.find("version");
      version == json.end() || *version != kFormatVersion) {
    throw DataError(source + ": model format version " + describeVersion(json) +
                    ", this tunelab reads version " + std::to_string(kFormatVersion));
  }
  try {
    SavedModel model;
    model.experiment = json.at("experiment");
    // predict and export-model read the data section first (its CSV options).
    if (!model.experiment.is_object() || !model.experiment.contains("data")) {
      throw DataError(source + ": damaged model file (its experiment has no data section)");
    }
    model.preprocessor = Preprocessor::fromJson(json.at("preprocessor"));
    model.params = json.at("params").get<std::vector<float>>();
    model.state = json.at("state").get<std::vector<float>>();
    model.info = json.at("info");
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(source + ": damaged model file (" + e.what() + ")");
  }
}

SavedModel loadModel(const std::filesystem::path& file) {
  checkInputFile(file, "model file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataError(file.string() + ": cannot open the model file");
  std::vector<std::uint8_t> bytes;
  try {  // libstdc++'s filebuf throws on a read error (EIO, a FIFO's writer gone)
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure& e) {
    throw DataError(file.string() + ": cannot read the model file: " + e.what());
  }
  return parseModel(bytes, file.string());
}

}  // namespace tunelab
