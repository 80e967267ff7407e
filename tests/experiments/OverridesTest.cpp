// `--set key=value` as a user types it: every malformed override is refused before anything
// runs, with exit code 2 and a message that quotes the override and says what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>

#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

constexpr const char* kExperiment = R"(name: overrides
data: {source: toy.csv, target: label}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train: {epochs: 1}
)";

struct BadOverride {
  std::string name;
  std::string set;      // what follows --set
  std::string message;  // what the user reads after "error: --set <set>: "
};

// How gtest names a case in its messages.
std::ostream& operator<<(std::ostream& os, const BadOverride& bad) {
  return os << "--set " << bad.set;
}

class Overrides : public ::testing::TestWithParam<BadOverride> {};

TEST_P(Overrides, MalformedOverrideIsRefusedSayingWhy) {
  const auto dir = test::scratchDir("overrides-" + GetParam().name);
  test::writeSeparableCsv(dir / "toy.csv", 50);
  std::ofstream(dir / "exp.yaml") << kExperiment;
  const test::ProcessResult train =
      test::runTunelab({"train", "exp.yaml", "-o", "out", "--set", GetParam().set}, dir);
  EXPECT_EQ(train.code, 2) << train.out << train.err;
  EXPECT_EQ(train.err, "error: --set " + GetParam().set + ": " + GetParam().message + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out")) << "nothing ran";
}

INSTANTIATE_TEST_SUITE_P(
    Set, Overrides,
    ::testing::Values(
        BadOverride{"no_equals_sign", "train.epochs", "expected key=value, e.g. train.epochs=5"},
        BadOverride{"no_key", "=5", "expected key=value, e.g. train.epochs=5"},
        BadOverride{"unclosed_index", "model.layers[0.units=8", "missing ']' in the key"},
        BadOverride{"index_not_a_number", "model.layers[first].units=8",
                    "the list index must be a number"},
        BadOverride{"empty_index", "model.layers[].units=8", "the list index must be a number"},
        BadOverride{"index_past_the_end", "model.layers[2].units=8",
                    "model.layers[2] is not an element of a list in the file"},
        BadOverride{"index_into_a_mapping", "train[0]=1",
                    "train[0] is not an element of a list in the file"},
        BadOverride{"empty_key", "train..epochs=5", "empty key"},
        BadOverride{"trailing_dot", "train.=5", "empty key"},
        BadOverride{"key_below_a_number", "train.epochs.value=5",
                    "'train.epochs' is not a mapping in the file"},
        BadOverride{"key_below_a_list", "model.layers.units=8",
                    "'model.layers' is not a mapping in the file"},
        BadOverride{"value_not_yaml", "train.epochs=[1,", "the value is not valid YAML"}),
    [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace tunelab
