#include "experiments/distributed/WireFormat.h"

#include <nlohmann/json.hpp>

#include "experiments/store/CheckpointCodec.h"

namespace tunelab {

namespace {

using Json = nlohmann::json;

Json bytes(const std::vector<std::uint8_t>& b) { return Json::binary(b); }
std::vector<std::uint8_t> bytesOf(const Json& j) { return j.get_binary(); }

Json epochJson(const EpochRecord& e) {
  return {{"epoch", e.epoch}, {"values", e.values}, {"lr", e.learningRate}, {"s", e.seconds}};
}

EpochRecord epochOf(const Json& j) {
  return {j.at("epoch").get<int>(), j.at("values").get<std::map<std::string, double>>(),
          j.at("lr").get<double>(), j.at("s").get<double>()};
}

Json fitJson(const FitResult& fit) {
  Json history = Json::array();
  for (const auto& e : fit.history) history.push_back(epochJson(e));
  return {{"status", static_cast<int>(fit.status)},
          {"history", history},
          {"best", fit.bestEpoch},
          {"message", fit.message}};
}

FitResult fitOf(const Json& j) {
  FitResult fit;
  fit.status = static_cast<FitStatus>(j.at("status").get<int>());
  for (const auto& e : j.at("history")) fit.history.push_back(epochOf(e));
  fit.bestEpoch = j.at("best").get<int>();
  fit.message = j.at("message").get<std::string>();
  return fit;
}

Json runJson(const TrialRun& r) {
  Json j{{"ending", static_cast<int>(r.ending)},
         {"fit", fitJson(r.fit)},
         {"test", r.test},
         {"error", r.error},
         {"seconds", r.seconds},
         {"peak", r.peakMemoryKiB}};
  if (r.value) j["value"] = *r.value;
  if (r.parameterCount) j["parameters"] = *r.parameterCount;
  if (r.checkpoint) j["checkpoint"] = bytes(encodeCheckpoint(*r.checkpoint));
  if (r.weights) j["weights"] = bytes(encodeWeights(*r.weights));
  return j;
}

TrialRun runOf(const Json& j) {
  TrialRun r;
  r.ending = static_cast<TrialRun::Ending>(j.at("ending").get<int>());
  r.fit = fitOf(j.at("fit"));
  r.test = j.at("test").get<std::map<std::string, double>>();
  r.error = j.at("error").get<std::string>();
  r.seconds = j.at("seconds").get<double>();
  r.peakMemoryKiB = j.at("peak").get<std::int64_t>();
  if (j.contains("value")) r.value = j.at("value").get<double>();
  if (j.contains("parameters")) r.parameterCount = j.at("parameters").get<double>();
  if (j.contains("checkpoint")) r.checkpoint = decodeCheckpoint(bytesOf(j.at("checkpoint")));
  if (j.contains("weights")) r.weights = decodeWeights(bytesOf(j.at("weights")));
  return r;
}

}  // namespace

std::vector<std::uint8_t> encodeTask(const TrialTask& task) {
  Json j{{"handle", task.handle},
         {"id", task.spec.id},
         {"params", task.spec.params},
         {"budget", task.spec.budget},
         {"backend", task.backend},
         {"seed", task.seed},
         {"threads", task.threads},
         {"keep", task.keepCheckpoint},
         {"progress", task.progressCheckpoints},
         {"every", task.checkpointEverySeconds}};
  if (task.spec.resumeFrom) j["resume_from"] = *task.spec.resumeFrom;
  if (task.resume) j["resume"] = bytes(encodeCheckpoint(*task.resume));
  return Json::to_msgpack(j);
}

TrialTask decodeTask(const std::vector<std::uint8_t>& data) {
  const Json j = Json::from_msgpack(data);
  TrialTask task;
  task.handle = j.at("handle").get<std::uint64_t>();
  task.spec.id = j.at("id").get<TrialId>();
  task.spec.params = j.at("params");
  task.spec.budget = j.at("budget").get<int>();
  if (j.contains("resume_from")) task.spec.resumeFrom = j.at("resume_from").get<TrialId>();
  task.backend = j.at("backend").get<std::string>();
  task.seed = j.at("seed").get<std::uint64_t>();
  task.threads = j.at("threads").get<int>();
  task.keepCheckpoint = j.at("keep").get<bool>();
  task.progressCheckpoints = j.at("progress").get<bool>();
  task.checkpointEverySeconds = j.at("every").get<double>();
  if (j.contains("resume")) task.resume = decodeCheckpoint(bytesOf(j.at("resume")));
  return task;
}

std::vector<std::uint8_t> encodeEvent(const TrialEvent& event) {
  Json j{{"kind", static_cast<int>(event.kind)}, {"handle", event.handle}};
  switch (event.kind) {
    case TrialEvent::Kind::Epoch:
      j["epoch"] = epochJson(event.epoch);
      break;
    case TrialEvent::Kind::Progress:
      j["progress"] = bytes(encodeCheckpoint(*event.progress));
      break;
    case TrialEvent::Kind::Done:
      j["result"] = runJson(event.result);
      break;
  }
  return Json::to_msgpack(j);
}

TrialEvent decodeEvent(const std::vector<std::uint8_t>& data) {
  const Json j = Json::from_msgpack(data);
  TrialEvent event;
  event.kind = static_cast<TrialEvent::Kind>(j.at("kind").get<int>());
  event.handle = j.at("handle").get<std::uint64_t>();
  switch (event.kind) {
    case TrialEvent::Kind::Epoch:
      event.epoch = epochOf(j.at("epoch"));
      break;
    case TrialEvent::Kind::Progress:
      event.progress = decodeCheckpoint(bytesOf(j.at("progress")));
      break;
    case TrialEvent::Kind::Done:
      event.result = runOf(j.at("result"));
      break;
  }
  return event;
}

std::vector<std::uint8_t> encodeHello(const ExecutorHello& hello) {
  return Json::to_msgpack(
      Json{{"capacity", hello.capacity}, {"host", hello.host}, {"error", hello.error}});
}

ExecutorHello decodeHello(const std::vector<std::uint8_t>& data) {
  const Json j = Json::from_msgpack(data);
  return {j.at("capacity").get<int>(), j.at("host").get<std::string>(),
          j.at("error").get<std::string>()};
}

std::vector<std::uint8_t> encodeAnswer(const EpochAnswer& answer) {
  return Json::to_msgpack(Json{{"handle", answer.handle}, {"go", answer.goOn}});
}

EpochAnswer decodeAnswer(const std::vector<std::uint8_t>& data) {
  const Json j = Json::from_msgpack(data);
  return {j.at("handle").get<std::uint64_t>(), j.at("go").get<bool>()};
}

}  // namespace tunelab
