#include "experiments/config/CommandSpec.h"

#include "core/Error.h"
#include "core/Options.h"
#include "experiments/config/Duration.h"
#include "search/SearchSpace.h"

namespace tunelab {

CommandSpec parseCommandSpec(const nlohmann::json& objective) {
  Options o(objective, "the objective section");
  CommandSpec spec;
  const auto& command = o.raw("command");
  if (!command.is_array() || command.empty()) {
    throw ConfigError("command",
                      "expected the program and its arguments as a list, such as "
                      "[python3, train.py, --lr, $lr] (no shell is used)");
  }
  for (std::size_t i = 0; i < command.size(); ++i) {
    const auto& arg = command[i];
    if (!arg.is_string() && !arg.is_number()) {
      throw ConfigError("command[" + std::to_string(i) + "]",
                        "expected a string or a number, got " + arg.dump());
    }
    spec.argv.push_back(shownValue(arg));
  }
  if (o.has("timeout")) spec.timeout = parseDuration(o.raw("timeout"), "timeout", false);
  o.finish();
  return spec;
}

}  // namespace tunelab
