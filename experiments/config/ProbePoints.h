#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"
#include "search/SearchSpace.h"

namespace tunelab {

/// A point of the search space that is checked before the first trial, and where in the file
/// each of its values is written (so a mistake it shows is reported there).
struct ProbePoint {
  nlohmann::json params = nlohmann::json::object();  // the active parameters only
  std::string varied;  // the parameter this point sets apart from the base point ("" for it)
  std::map<std::string, std::string> sources;  // parameter -> key path of its value
};

/// The points that check a whole space without its Cartesian product: first the base point
/// (the centre of the space), then, one parameter at a time, every value of a list and both
/// ends of a range (ints, log and quantised ranges included), the other parameters as in the
/// base point. A conditional parameter is checked where it is active: its parent (and the
/// parent's parent) take a value of its condition. Points equal to an earlier one are left out.
std::vector<ProbePoint> probePoints(const SearchSpace& space);

/// The point of `space` where every parameter takes its value in `choices` when active there
/// (the others as in `base`): e.g. each parameter's value that gave the smallest model.
ProbePoint combinedPoint(const SearchSpace& space, const nlohmann::json& base,
                         const std::map<std::string, nlohmann::json>& choices);

/// `error`, raised by the experiment `root` bound at `point`, keyed where the value that causes
/// it is written: the value of the parameter its key path refers to ($name), else the value
/// `point` varies; the detail says which value and what it broke ("with $lr = -1:
/// train.optimizer.learning_rate: must be > 0, got -1"). Unchanged for a mistake that no
/// parameter value causes, and for an unknown key (the key is the mistake, not its value).
ConfigError blameParameter(const ConfigError& error, const ProbePoint& point,
                           const nlohmann::json& root);

}  // namespace tunelab
