#include "experiments/objective/CommandObjective.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <sstream>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"
#include "experiments/objective/ChildProcess.h"
#include "experiments/objective/ObjectiveLine.h"

namespace tunelab {

namespace {

const std::set<std::string> kOwnNames = {"trial_id", "seed", "threads", "budget"};

std::string argumentText(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// Replaces $name and ${name} in `text`; "$$" is a literal "$".
std::string expand(const std::string& text, const std::string& key,
                   const std::map<std::string, nlohmann::json>& values,
                   std::set<std::string>* used) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::size_t end = i + 1;
    if (text[end] == '{') {
      const auto close = text.find('}', end);
      if (close == std::string::npos) throw ConfigError(key, "'${' without a closing '}'");
      name = text.substr(end + 1, close - end - 1);
      end = close + 1;
    } else {
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
        ++end;
      }
      name = text.substr(i + 1, end - i - 1);
    }
    if (name.empty()) {
      out += '$';
      continue;
    }
    auto it = values.find(name);
    if (it == values.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : values) known.push_back(k);
      std::string message = "refers to $" + name + ", which search.parameters does not define";
      if (auto near = nearestName(name, known); !near.empty())
        message += " (did you mean $" + near + "?)";
      throw ConfigError(key, message + "; known names: " + joinNames(known));
    }
    if (used != nullptr) used->insert(name);
    out += argumentText(it->second);
    i = end - 1;
  }
  return out;
}

std::map<std::string, nlohmann::json> placeholderValues(const SearchSpace& space) {
  std::map<std::string, nlohmann::json> values;
  for (const auto& p : space.parameters()) values[p.name] = nullptr;
  for (const auto& name : kOwnNames) values[name] = 0;
  return values;
}

std::string withStderr(std::string message, const ChildExit& exit) {
  if (!exit.stderrTail.empty()) message += "; the end of its stderr:\n" + exit.stderrTail;
  return message;
}

std::string formatBytes(std::uint64_t bytes) {
  std::ostringstream s;
  s << static_cast<double>(bytes) / static_cast<double>(1U << 20) << " MiB";
  return s.str();
}

// Whether the program's own words say an allocation failed.
bool saysOutOfMemory(const std::string& stderrTail) {
  std::string lower = stderrTail;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* words : {"memoryerror", "bad_alloc", "out of memory", "cannot allocate memory",
                            "memory exhausted", "failed to allocate", "allocation failed"}) {
    if (lower.find(words) != std::string::npos) return true;
  }
  return false;
}

// "exited with status 1", and under a memory limit whether it ran out of memory there.
std::string describeFailure(const ChildExit& exit, std::optional<std::uint64_t> memoryLimit) {
  std::string text = describeExit(exit);
  if (!memoryLimit) return text;
  const std::string limit = "objective.memory_limit (" + formatBytes(*memoryLimit) + ")";
  if (saysOutOfMemory(exit.stderrTail)) return "ran out of memory under " + limit + " and " + text;
  if (exit.signal == SIGSEGV || exit.signal == SIGABRT || exit.signal == SIGBUS) {
    return text + "; it ran under " + limit + ": an allocation beyond it fails, which may be why";
  }
  return text;
}

std::string formatDuration(std::chrono::milliseconds d) {
  std::ostringstream s;
  s << static_cast<double>(d.count()) / 1000.0 << " s";
  return s.str();
}

}  // namespace

CommandObjective::CommandObjective(CommandSpec spec, const SearchSpace& space, std::string metric)
    : spec_(std::move(spec)), metric_(std::move(metric)) {
  for (const auto& p : space.parameters()) {
    if (kOwnNames.contains(p.name)) {
      throw ConfigError("search.parameters." + p.name,
                        "$" + p.name +
                            " is the name of a value tunelab passes to the command "
                            "itself; give the parameter another name");
    }
  }
  const auto values = placeholderValues(space);
  for (std::size_t i = 0; i < spec_.argv.size(); ++i) {
    expand(spec_.argv[i], "objective.command[" + std::to_string(i) + "]", values, &referenced_);
  }
  for (const auto& p : space.parameters()) {
    if (!referenced_.contains(p.name)) {
      throw ConfigError("search.parameters." + p.name,
                        "$" + p.name + " is defined but objective.command never uses it");
    }
  }
}

std::vector<std::string> CommandObjective::arguments(const TrialSpec& trial,
                                                     const TrialContext& context) const {
  std::map<std::string, nlohmann::json> values;
  for (const auto& [name, value] : trial.params.items()) values[name] = value;
  for (const auto& name : referenced_) values.try_emplace(name, nullptr);  // inactive ones
  values["trial_id"] = trial.id;
  values["seed"] = context.seed;
  values["threads"] = context.threads;
  values["budget"] = trial.budget;
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < spec_.argv.size(); ++i) {
    argv.push_back(
        expand(spec_.argv[i], "objective.command[" + std::to_string(i) + "]", values, nullptr));
  }
  return argv;
}

ChildCommand CommandObjective::childCommand(const TrialSpec& trial,
                                            const TrialContext& context) const {
  ChildCommand command;
  command.argv = arguments(trial, context);
  command.timeout = spec_.timeout;
  command.memoryLimitBytes = spec_.memoryLimitBytes;
  command.longestLine = kMaxObjectiveLineBytes;
  command.environment = {{"TUNELAB_TRIAL_ID", std::to_string(trial.id)},
                         {"TUNELAB_SEED", std::to_string(context.seed)},
                         {"OMP_NUM_THREADS", std::to_string(context.threads)}};
  return command;
}

// How the trial ended, from how the program ended and the last JSON line it printed.
void CommandObjective::settle(const ChildExit& exit, const std::string& program,
                              const PrintedLines& printed, TrialRun& run) const {
  run.seconds = exit.seconds;
  run.peakMemoryKiB = exit.peakMemoryKiB;
  const auto fail = [&](std::string why) {
    run.ending = TrialRun::Ending::Failed;
    run.error = std::move(why);
  };
  if (exit.timedOut) {
    fail(withStderr("'" + program + "' ran past objective.timeout (" +
                        formatDuration(*spec_.timeout) + ") and was killed",
                    exit));
  } else if (exit.stopped) {
    run.ending = TrialRun::Ending::Stopped;
  } else if (!exit.started) {
    fail(describeExit(exit));
  } else if (exit.signal != 0 || exit.exitCode != 0) {
    fail(withStderr("'" + program + "' " + describeFailure(exit, spec_.memoryLimitBytes), exit));
  } else if (auto problem = resultProblem(program, printed)) {
    fail(withStderr(*problem, exit));
  } else {
    run.value = printed.last.numbers.at(metric_);
    run.fit.bestEpoch = static_cast<int>(run.fit.history.size());
  }
}

// What is wrong with the trial's result line, if anything.
std::optional<std::string> CommandObjective::resultProblem(const std::string& program,
                                                           const PrintedLines& printed) const {
  const ObjectiveLine& last = printed.last;
  const std::string example = "such as {\"" + metric_ + "\": 0.25}";
  if (last.kind == ObjectiveLine::Kind::Text) {
    std::string message = "'" + program + "' printed no JSON line on stdout; its last line must " +
                          "be a JSON object holding the metric, " + example;
    if (!printed.lastNotObject.empty()) {
      message += " (it printed " + printed.lastNotObject + ", JSON but not an object)";
    }
    return message;
  }
  const std::string where = "the last JSON line of '" + program + "' (" + printed.lastText + ")";
  if (last.kind == ObjectiveLine::Kind::Invalid) return where + ": " + last.problem;
  if (const auto other = last.others.find(metric_); other != last.others.end()) {
    return where + " has '" + metric_ + "' as " + other->second + ", not a number; " + example;
  }
  if (!last.numbers.contains(metric_)) {
    std::vector<std::string> names;
    for (const auto& [name, value] : last.numbers) names.push_back(name);
    for (const auto& [name, value] : last.others) names.push_back(name);
    return where + " has no '" + metric_ + "' (search.metric)" +
           (names.empty() ? "" : "; it has " + joinNames(names));
  }
  if (!std::isfinite(last.numbers.at(metric_))) {
    return "'" + program + "' reported a non-finite " + metric_ + " (" +
           std::to_string(last.numbers.at(metric_)) + ")";
  }
  return std::nullopt;
}

TrialRun CommandObjective::run(const TrialSpec& trial, const TrialContext& context,
                               const TrialEpochCallback& onEpoch) const {
  TrialRun run;
  if (trial.budget > 0 && !referenced_.contains("budget")) {
    run.ending = TrialRun::Ending::Failed;
    run.error =
        "the search strategy gives each trial an epoch budget, which objective.command "
        "must pass on with $budget";
    return run;
  }
  ChildCommand command;
  try {
    command = childCommand(trial, context);
  } catch (const ConfigError& e) {
    run.ending = TrialRun::Ending::Failed;
    run.error = e.keyPath() + ": " + e.detail();
    return run;
  }
  PrintedLines printed;
  // An epoch's time is the time since the program's previous epoch line (or its start).
  auto epochStarted = std::chrono::steady_clock::now();
  auto onLine = [&](std::string_view line) {
    ObjectiveLine parsed = parseObjectiveLine(line);
    if (parsed.kind == ObjectiveLine::Kind::Text) return true;
    if (parsed.kind == ObjectiveLine::Kind::NotObject) {
      printed.lastNotObject = printableExcerpt(line, 60);
      return true;
    }
    printed.last = std::move(parsed);
    printed.lastText = printableExcerpt(line);
    if (!printed.last.numbers.contains(metric_)) return true;
    EpochRecord record;
    record.epoch = static_cast<int>(run.fit.history.size()) + 1;
    const auto now = std::chrono::steady_clock::now();
    record.seconds = std::chrono::duration<double>(now - epochStarted).count();
    epochStarted = now;
    record.values = printed.last.numbers;
    run.fit.history.push_back(record);
    return onEpoch(record);
  };
  ChildExit exit;
  try {
    exit = runChild(command, onLine, context.cancelled);
  } catch (const std::exception& e) {  // a trial must end with an outcome, never vanish
    run.ending = TrialRun::Ending::Failed;
    run.error = "internal error running '" + command.argv[0] + "': " + e.what();
    return run;
  }
  settle(exit, command.argv[0], printed, run);
  return run;
}

}  // namespace tunelab
