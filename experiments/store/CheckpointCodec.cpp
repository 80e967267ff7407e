#include "experiments/store/CheckpointCodec.h"

#include <cmath>

#include "search/RngState.h"

namespace tunelab {

namespace {

nlohmann::json historyToJson(const std::vector<EpochRecord>& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : history) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, v] : r.values)
      values[name] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
    out.push_back(
        {{"epoch", r.epoch}, {"values", values}, {"lr", r.learningRate}, {"seconds", r.seconds}});
  }
  return out;
}

std::vector<EpochRecord> historyFromJson(const nlohmann::json& records) {
  std::vector<EpochRecord> history;
  for (const auto& r : records) {
    EpochRecord record;
    record.epoch = r.at("epoch").get<int>();
    record.learningRate = r.at("lr").get<double>();
    record.seconds = r.at("seconds").get<double>();
    for (const auto& [name, v] : r.at("values").items()) {
      record.values[name] = v.is_number() ? v.get<double>() : std::nan("");
    }
    history.push_back(std::move(record));
  }
  return history;
}

}  // namespace

std::vector<std::uint8_t> encodeCheckpoint(const Checkpoint& c) {
  const nlohmann::json json{{"epochs_done", c.epochsDone},
                            {"params", c.params},
                            {"state", c.state},
                            {"optimizer", c.optimizer},
                            {"rng", rngStateToJson(c.rng)},
                            {"schedule", c.schedule},
                            {"early_stopping", c.earlyStopping},
                            {"kept_best", c.keptBest},
                            {"history", historyToJson(c.history)}};
  return nlohmann::json::to_cbor(json);
}

Checkpoint decodeCheckpoint(const std::vector<std::uint8_t>& bytes) {
  const auto json = nlohmann::json::from_cbor(bytes);
  Checkpoint c;
  c.epochsDone = json.at("epochs_done").get<int>();
  c.params = json.at("params").get<std::vector<float>>();
  c.state = json.at("state").get<std::vector<float>>();
  c.optimizer = json.at("optimizer").get<std::vector<float>>();
  c.rng = rngStateFromJson(json.at("rng"));
  c.schedule = json.at("schedule");
  c.earlyStopping = json.at("early_stopping");
  c.keptBest = json.value("kept_best", nlohmann::json());  // none in checkpoints before it
  c.history = historyFromJson(json.at("history"));
  return c;
}

std::vector<std::uint8_t> encodeWeights(const ModelWeights& weights) {
  return nlohmann::json::to_cbor(
      nlohmann::json{{"params", weights.params}, {"state", weights.state}});
}

ModelWeights decodeWeights(const std::vector<std::uint8_t>& bytes) {
  const auto json = nlohmann::json::from_cbor(bytes);
  return {json.at("params").get<std::vector<float>>(), json.at("state").get<std::vector<float>>()};
}

}  // namespace tunelab
