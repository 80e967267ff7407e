#include "core/data/Task.h"

#include "core/Error.h"

namespace tunelab {

std::string_view taskName(TaskKind task) {
  switch (task) {
    case TaskKind::Binary:
      return "binary";
    case TaskKind::Multiclass:
      return "multiclass";
    case TaskKind::Regression:
      return "regression";
  }
  return "unknown";
}

TaskKind parseTask(std::string_view name) {
  if (name == "binary") return TaskKind::Binary;
  if (name == "multiclass") return TaskKind::Multiclass;
  if (name == "regression") return TaskKind::Regression;
  throw ConfigError(
      "", "unknown task '" + std::string(name) + "'; valid tasks: binary, multiclass, regression");
}

}  // namespace tunelab
