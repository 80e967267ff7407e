#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tunelab {

/// The experiment's `name` ("experiment" when the file gives none). It names the study's
/// folder (runs/<name>) and the model `tunelab train` saves, so it must be one plain part of
/// a file name: not empty, not "." or "..", no '/' or '\', no control characters, at most 200
/// bytes. Throws ConfigError keyed "name" saying which of these the value breaks.
std::string experimentName(const nlohmann::json& root);

}  // namespace tunelab
