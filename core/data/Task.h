#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/Export.h"

namespace tunelab {

enum class TaskKind : std::uint8_t { Binary, Multiclass, Regression };

TUNELAB_API std::string_view taskName(TaskKind task);
/// "binary" | "multiclass" | "regression"; throws ConfigError otherwise.
TUNELAB_API TaskKind parseTask(std::string_view name);

}  // namespace tunelab
