#include "experiments/objective/CommandObjective.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"
#include "experiments/objective/ChildProcess.h"

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

// Python's json.dumps writes NaN and Infinity, which JSON does not have: read them as such.
const std::map<std::string, double> kNonFinite = {
    {"NaN", std::numeric_limits<double>::quiet_NaN()},
    {"Infinity", std::numeric_limits<double>::infinity()},
    {"-Infinity", -std::numeric_limits<double>::infinity()}};

nlohmann::json parseJsonLine(std::string_view line) {
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (!json.is_discarded()) return json;
  // Quote the bare NaN / Infinity / -Infinity tokens outside strings, then read again.
  std::string quoted;
  bool inString = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (inString) {
      quoted += c;
      if (c == '\\' && i + 1 < line.size()) {
        quoted += line[++i];
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') inString = true;
    bool replaced = false;
    for (const auto& [token, value] : kNonFinite) {
      if (line.substr(i, token.size()) == token) {
        quoted += '"' + token + '"';
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) quoted += c;
  }
  return nlohmann::json::parse(quoted, nullptr, false);
}

std::string withStderr(std::string message, const ChildExit& exit) {
  if (!exit.stderrTail.empty()) message += "; the end of its stderr:\n" + exit.stderrTail;
  return message;
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

namespace {

// The numbers of a JSON object line (NaN/Infinity spelled as Python writes them); nothing for
// any other line.
std::optional<std::map<std::string, double>> numbersOfLine(std::string_view line) {
  const auto start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos || line[start] != '{') return std::nullopt;
  const auto json = parseJsonLine(line);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  std::map<std::string, double> values;
  for (const auto& [name, value] : json.items()) {
    if (value.is_number()) values[name] = value.get<double>();
    if (value.is_string() && kNonFinite.contains(value.get<std::string>())) {
      values[name] = kNonFinite.at(value.get<std::string>());
    }
  }
  return values;
}

}  // namespace

ChildCommand CommandObjective::childCommand(const TrialSpec& trial,
                                            const TrialContext& context) const {
  ChildCommand command;
  command.argv = arguments(trial, context);
  command.timeout = spec_.timeout;
  command.environment = {{"TUNELAB_TRIAL_ID", std::to_string(trial.id)},
                         {"TUNELAB_SEED", std::to_string(context.seed)},
                         {"OMP_NUM_THREADS", std::to_string(context.threads)}};
  return command;
}

// How the trial ended, from how the program ended and the last JSON line it printed.
void CommandObjective::settle(const ChildExit& exit, const std::string& program,
                              const std::optional<std::map<std::string, double>>& last,
                              TrialRun& run) const {
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
    fail(withStderr("'" + program + "' " + describeExit(exit), exit));
  } else if (!last) {
    fail(withStderr("'" + program +
                        "' printed no JSON line on stdout; its last line must hold the metric, "
                        "such as {\"" +
                        metric_ + "\": 0.25}",
                    exit));
  } else if (!last->contains(metric_)) {
    std::vector<std::string> names;
    for (const auto& [name, value] : *last) names.push_back(name);
    fail("the last JSON line of '" + program + "' has no '" + metric_ + "' (search.metric)" +
         (names.empty() ? "" : "; it has " + joinNames(names)));
  } else if (!std::isfinite(last->at(metric_))) {
    fail("'" + program + "' reported a non-finite " + metric_ + " (" +
         std::to_string(last->at(metric_)) + ")");
  } else {
    run.value = last->at(metric_);
    run.fit.bestEpoch = static_cast<int>(run.fit.history.size());
  }
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
  std::optional<std::map<std::string, double>> last;  // the last JSON line's numbers
  // An epoch's time is the time since the program's previous epoch line (or its start).
  auto epochStarted = std::chrono::steady_clock::now();
  auto onLine = [&](std::string_view line) {
    auto values = numbersOfLine(line);
    if (!values) return true;
    last = values;
    if (!values->contains(metric_)) return true;
    EpochRecord record;
    record.epoch = static_cast<int>(run.fit.history.size()) + 1;
    const auto now = std::chrono::steady_clock::now();
    record.seconds = std::chrono::duration<double>(now - epochStarted).count();
    epochStarted = now;
    record.values = std::move(*values);
    run.fit.history.push_back(record);
    return onEpoch(record);
  };
  const ChildExit exit = runChild(command, onLine, context.cancelled);
  settle(exit, command.argv[0], last, run);
  return run;
}

}  // namespace tunelab
