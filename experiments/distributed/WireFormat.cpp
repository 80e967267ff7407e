#include "experiments/distributed/WireFormat.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/Error.h"
#include "experiments/distributed/WireBytes.h"
#include "experiments/store/CheckpointCodec.h"

namespace tunelab {

namespace {

using Json = nlohmann::json;

Json bytes(const std::vector<std::uint8_t>& b) { return Json::binary(b); }
std::vector<std::uint8_t> bytesOf(const Json& j) { return j.get_binary(); }

// A checkpoint's bytes (CBOR) inside a message: bytes that are no checkpoint are a damaged
// message, like any other.
Checkpoint checkpointIn(wire::Reader& in) {
  try {
    return decodeCheckpoint(in.blob());
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("a damaged MPI message (its checkpoint: ") + e.what() + ")");
  }
}

// An epoch's values, a trial's test metrics: their count, then each name and value.
void putValues(wire::Writer& out, const std::map<std::string, double>& values) {
  out.put<std::uint64_t>(values.size());
  for (const auto& [name, value] : values) {
    out.text(name);
    out.put(value);
  }
}

std::map<std::string, double> getValues(wire::Reader& in) {
  std::map<std::string, double> values;
  for (auto n = in.length(1); n > 0; --n) {
    std::string name = in.text();
    values.emplace(std::move(name), in.get<double>());
  }
  return values;
}

void putEpoch(wire::Writer& out, const EpochRecord& e) {
  out.put<std::int32_t>(e.epoch);
  out.put(e.learningRate);
  out.put(e.seconds);
  putValues(out, e.values);
}

EpochRecord getEpoch(wire::Reader& in) {
  EpochRecord e;
  e.epoch = in.get<std::int32_t>();
  e.learningRate = in.get<double>();
  e.seconds = in.get<double>();
  e.values = getValues(in);
  return e;
}

template <typename T, typename Put>
void putOptional(wire::Writer& out, const std::optional<T>& value, Put put) {
  out.put<std::uint8_t>(value ? 1 : 0);
  if (value) put(*value);
}

template <typename Get>
auto getOptional(wire::Reader& in, Get get) -> std::optional<decltype(get())> {
  if (in.code(1) == 0) return std::nullopt;
  return get();
}

void putRun(wire::Writer& out, const TrialRun& r) {
  out.put(static_cast<std::uint8_t>(r.ending));
  out.put(static_cast<std::uint8_t>(r.fit.status));
  out.put<std::uint64_t>(r.fit.history.size());
  for (const auto& e : r.fit.history) putEpoch(out, e);
  out.put<std::int32_t>(r.fit.bestEpoch);
  out.text(r.fit.message);
  putValues(out, r.test);
  out.text(r.error);
  out.put(r.seconds);
  out.put(r.peakMemoryKiB);
  putOptional(out, r.value, [&](double v) { out.put(v); });
  putOptional(out, r.parameterCount, [&](double v) { out.put(v); });
  putOptional(out, r.checkpoint, [&](const Checkpoint& c) { out.blob(encodeCheckpoint(c)); });
  putOptional(out, r.weights, [&](const ModelWeights& w) {
    out.floats(w.params);
    out.floats(w.state);
  });
}

TrialRun getRun(wire::Reader& in) {
  TrialRun r;
  r.ending =
      static_cast<TrialRun::Ending>(in.code(static_cast<std::uint8_t>(TrialRun::Ending::Stopped)));
  r.fit.status = static_cast<FitStatus>(in.code(static_cast<std::uint8_t>(FitStatus::Stopped)));
  for (auto n = in.length(1); n > 0; --n) r.fit.history.push_back(getEpoch(in));
  r.fit.bestEpoch = in.get<std::int32_t>();
  r.fit.message = in.text();
  r.test = getValues(in);
  r.error = in.text();
  r.seconds = in.get<double>();
  r.peakMemoryKiB = in.get<std::int64_t>();
  r.value = getOptional(in, [&] { return in.get<double>(); });
  r.parameterCount = getOptional(in, [&] { return in.get<double>(); });
  r.checkpoint = getOptional(in, [&] { return checkpointIn(in); });
  r.weights = getOptional(in, [&] {
    ModelWeights w;
    w.params = in.floats();
    w.state = in.floats();
    return w;
  });
  return r;
}

void putEvent(wire::Writer& out, const TrialEvent& event) {
  out.put(static_cast<std::uint8_t>(event.kind));
  out.put(event.handle);
  switch (event.kind) {
    case TrialEvent::Kind::Epoch:
      putEpoch(out, event.epoch);
      out.put<std::uint8_t>(event.awaitsAnswer ? 1 : 0);
      break;
    case TrialEvent::Kind::Progress:
      out.blob(encodeCheckpoint(*event.progress));
      break;
    case TrialEvent::Kind::Done:
      putRun(out, event.result);
      break;
  }
}

TrialEvent getEvent(wire::Reader& in) {
  TrialEvent event;
  event.kind =
      static_cast<TrialEvent::Kind>(in.code(static_cast<std::uint8_t>(TrialEvent::Kind::Done)));
  event.handle = in.get<std::uint64_t>();
  switch (event.kind) {
    case TrialEvent::Kind::Epoch:
      event.epoch = getEpoch(in);
      event.awaitsAnswer = in.code(1) != 0;
      break;
    case TrialEvent::Kind::Progress:
      event.progress = checkpointIn(in);
      break;
    case TrialEvent::Kind::Done:
      event.result = getRun(in);
      break;
  }
  return event;
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
         {"every", task.checkpointEverySeconds},
         {"answers", task.answerEveryEpoch}};
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
  task.answerEveryEpoch = j.at("answers").get<bool>();
  if (j.contains("resume")) task.resume = decodeCheckpoint(bytesOf(j.at("resume")));
  return task;
}

std::vector<std::uint8_t> encodeEvents(const std::vector<TrialEvent>& events) {
  wire::Writer out;
  out.put<std::uint64_t>(events.size());
  for (const auto& event : events) putEvent(out, event);
  return out.take();
}

std::vector<TrialEvent> decodeEvents(const std::vector<std::uint8_t>& data) {
  wire::Reader in(data);
  std::vector<TrialEvent> events;
  for (auto n = in.length(1); n > 0; --n) events.push_back(getEvent(in));
  in.finish();
  return events;
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

std::vector<std::uint8_t> encodeBye(const CommunicationCost& cost) {
  return Json::to_msgpack(Json{{"cpu", cost.cpuSeconds}, {"wall", cost.wallSeconds}});
}

CommunicationCost decodeBye(int rank, const std::vector<std::uint8_t>& data) {
  if (data.empty()) return {rank};  // a rank that never served (its hello said why)
  const Json j = Json::from_msgpack(data);
  return {rank, j.at("cpu").get<double>(), j.at("wall").get<double>()};
}

std::vector<std::uint8_t> encodeAnswer(const EpochAnswer& answer) {
  wire::Writer out;
  out.put(answer.handle);
  out.put<std::uint8_t>(answer.goOn ? 1 : 0);
  return out.take();
}

EpochAnswer decodeAnswer(const std::vector<std::uint8_t>& data) {
  wire::Reader in(data);
  const auto handle = in.get<std::uint64_t>();
  const bool goOn = in.code(1) != 0;
  in.finish();
  return {handle, goOn};
}

}  // namespace tunelab
