#include "search/RngState.h"

#include <algorithm>
#include <vector>

#include "core/Error.h"

namespace tunelab {

nlohmann::json rngStateToJson(const Rng::State& state) {
  return std::vector<std::uint64_t>(state.words.begin(), state.words.end());
}

Rng::State rngStateFromJson(const nlohmann::json& json) {
  const auto words = json.get<std::vector<std::uint64_t>>();
  Rng::State state;
  if (words.size() != state.words.size()) throw Error("a saved random generator state is damaged");
  std::copy(words.begin(), words.end(), state.words.begin());
  return state;
}

}  // namespace tunelab
