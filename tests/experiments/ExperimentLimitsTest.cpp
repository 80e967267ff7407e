// Numbers, names and YAML constructs an experiment file cannot hold: each is refused before
// anything runs, at its place in the file (or its --set), saying what is allowed. The limits
// are the ones docs/experiment-format.md lists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/Error.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/config/ExperimentSpec.h"
#include "experiments/config/Overrides.h"
#include "experiments/config/YamlDocument.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// A sound study; each case replaces one piece of text.
constexpr const char* kLimitsBase = R"(name: limits
data: {source: toy.csv, target: label}
model:
  layers:
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train:
  epochs: 3
  batch_size: 16
  early_stopping: {patience: 2}
search:
  strategy: grid
  parameters:
    units: {values: [4, 8]}
execution: {seed: 7, parallel_trials: 1}
)";

// What the user reads after "error: ", or "" when the file is accepted.
std::string refusal(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    YamlDocument document = YamlDocument::parse(text, "exp.yaml");
    applyOverrides(document, sets);
    try {
      parseExperiment(document);
    } catch (const ConfigError& e) {
      return document.describe(e);
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string refusalOfEdit(const std::string& from, const std::string& to) {
  return refusal(test::replaced(kLimitsBase, from, to));
}

TEST(ExperimentLimits, TheBaseStudyIsAccepted) { EXPECT_EQ(refusal(kLimitsBase), ""); }

TEST(ExperimentLimits, EpochsBeyondTheLimitAreRefused) {
  EXPECT_EQ(refusalOfEdit("epochs: 3", "epochs: 1e12"),
            "exp.yaml:9:3: train.epochs: must be >= 1 and <= 1000000, got 1000000000000");
  EXPECT_EQ(refusalOfEdit("epochs: 3", "epochs: 99999999999999999999"),
            "exp.yaml:9:3: train.epochs: must be >= 1 and <= 1000000, got 1e+20");
  EXPECT_EQ(refusalOfEdit("epochs: 3", "epochs: 1000000"), "");
}

TEST(ExperimentLimits, EveryCountOfTheTrainSectionHasALimit) {
  EXPECT_THAT(refusalOfEdit("batch_size: 16", "batch_size: 1e10"),
              HasSubstr("exp.yaml:10:3: train.batch_size: must be >= 1 and <= 16777216"));
  EXPECT_THAT(refusalOfEdit("patience: 2", "patience: 5000000000"),
              HasSubstr("train.early_stopping.patience: must be >= 0 and <= 1000000"));
  EXPECT_THAT(refusalOfEdit("{patience: 2}", "{start_from_epoch: 1e9}"),
              HasSubstr("train.early_stopping.start_from_epoch: must be >= 0 and <= 1000000"));
  EXPECT_THAT(refusalOfEdit("batch_size: 16", "validation: {kfold: 100000}"),
              HasSubstr("train.validation.kfold: must be >= 2 and <= 1000"));
}

TEST(ExperimentLimits, ASettingWithoutItsOwnLimitStillFitsAnInt) {
  EXPECT_THAT(refusalOfEdit("batch_size: 16",
                            "learning_rate_schedule: {type: step_decay, step_size: 1e12}"),
              HasSubstr("train.learning_rate_schedule.step_size: must be >= 1 and <= "
                        "2147483647, got 1000000000000"));
}

TEST(ExperimentLimits, RepeatCountAndExpandedModelAreBounded) {
  const std::string repeat = "    - {type: dense, units: 1, activation: sigmoid}";
  EXPECT_EQ(refusalOfEdit(repeat, "    - {repeat: 100000000, layers: [{type: dense, units: 1}]}"),
            "exp.yaml:6:8: model.layers[1].repeat: must be >= 0 and <= 1000, got 100000000");
  // Nested counts multiply: 1000 x 1000 empty repetitions are stopped at the limit.
  EXPECT_EQ(refusalOfEdit(repeat, "    - {repeat: 1000, layers: [{repeat: 1000, layers: []}]}"),
            "exp.yaml:6:32: model.layers[1].layers[0].repeat: the repeat blocks expand the model "
            "to more than 10000 layers (the limit)");
  EXPECT_EQ(refusalOfEdit(repeat, "    - {repeat: 11, layers: [{repeat: 1000, layers: []}]}"),
            "exp.yaml:6:30: model.layers[1].layers[0].repeat: the repeat blocks expand the model "
            "to more than 10000 layers (the limit)");
}

TEST(ExperimentLimits, AYamlAliasBombIsRefusedWithinItsBudget) {
  std::string bomb = "name: limits\nx0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    const std::string number = std::to_string(level);
    bomb.append("x").append(number).append(": &a").append(number).append(" [");
    for (int i = 0; i < 9; ++i) {
      bomb += i > 0 ? ", " : "";
      bomb += previous;
    }
    bomb += "]\n";
  }
  const std::string message = refusal(bomb);
  EXPECT_THAT(message, HasSubstr("the file expands to more than 100000 values (YAML aliases"));
  EXPECT_THAT(message, HasSubstr("exp.yaml:"));
  // A few aliases, as a file uses them to share settings, are fine.
  EXPECT_EQ(refusal(test::replaced(kLimitsBase, "{patience: 2}", "&stop {patience: 2}") +
                    "description: *stop\n"),
            "exp.yaml:17:1: description: must be a string, got a mapping");
}

TEST(ExperimentLimits, NanAndInfUnquotedAreTextAsInYaml) {
  // Four spellings, four distinct values: none collapses into another (or into null).
  const auto document = YamlDocument::parse(R"(name: words
objective: {command: [echo, $word]}
search:
  strategy: grid
  parameters:
    word: {values: [nan, NaN, inf, -Infinity]}
)",
                                            "exp.yaml");
  const auto spec = parseExperiment(document);
  const auto& values = spec.study.space.parameters().at(0).values;
  EXPECT_EQ(nlohmann::json(values), nlohmann::json::parse(R"(["nan", "NaN", "inf", "-Infinity"])"));
}

TEST(ExperimentLimits, NonFiniteNumbersAreRefusedSayingToQuoteThem) {
  EXPECT_EQ(refusalOfEdit("values: [4, 8]", "values: [4, .nan]"),
            "exp.yaml:15:25: search.parameters.units.values[1]: .nan is not a finite number, "
            "and no setting takes one; write it in quotes ('.nan') if you mean the text");
  EXPECT_THAT(refusalOfEdit("values: [4, 8]", "values: [-.inf, .Inf]"),
              HasSubstr("exp.yaml:15:22: search.parameters.units.values[0]: -.inf is not a "
                        "finite number"));
  EXPECT_THAT(refusalOfEdit("epochs: 3", "epochs: 1e400"),
              HasSubstr("exp.yaml:9:11: train.epochs: the number 1e400 is beyond what a double "
                        "holds"));
  // Quoted, they are text.
  const auto quoted = parseExperiment(YamlDocument::parse(
      test::replaced(kLimitsBase, "values: [4, 8]", "values: ['.nan', \"-.inf\"]"), "exp.yaml"));
  EXPECT_EQ(nlohmann::json(quoted.study.space.parameters().at(0).values),
            nlohmann::json::parse(R"([".nan", "-.inf"])"));
}

TEST(ExperimentLimits, SeedIsAWholeNumberOf64Bits) {
  EXPECT_EQ(refusalOfEdit("seed: 7", "seed: 1e30"),
            "exp.yaml:16:13: execution.seed: must be a whole number from 0 to "
            "18446744073709551615, got 1e+30");
  EXPECT_THAT(refusalOfEdit("seed: 7", "seed: -1"), HasSubstr("got -1"));
  EXPECT_THAT(refusalOfEdit("seed: 7", "seed: 1.5"), HasSubstr("got 1.5"));
  EXPECT_EQ(refusalOfEdit("seed: 7", "seed: 18446744073709551615"), "");
  EXPECT_THAT(refusalOfEdit("seed: 7", "seed: 18446744073709551616"), HasSubstr("got 1.8"));
}

TEST(ExperimentLimits, ExecutionCountsAndDurationsAreBounded) {
  EXPECT_THAT(refusalOfEdit("parallel_trials: 1", "parallel_trials: 4294967297"),
              HasSubstr("execution.parallel_trials: expected a whole number from 1 to 1024"));
  EXPECT_THAT(refusalOfEdit("parallel_trials: 1", "threads_per_trial: 100000"),
              HasSubstr("execution.threads_per_trial: expected a whole number from 1 to 1024"));
  EXPECT_THAT(refusalOfEdit("parallel_trials: 1", "report_every: 1e300"),
              HasSubstr("execution.report_every: must be at most 366 days (31622400 seconds)"));
  EXPECT_THAT(refusalOfEdit("parallel_trials: 1", "checkpoint_every: \"1e20h\""),
              HasSubstr("execution.checkpoint_every: must be at most 366 days"));
  EXPECT_THAT(refusalOfEdit("strategy: grid", "strategy: grid\n  max_trials: 1e15"),
              HasSubstr("search.max_trials: must be >= 1 and <= 10000000, got 1000000000000000"));
}

TEST(ExperimentLimits, ACommandTimeoutIsBounded) {
  const std::string command = R"(name: cmd
objective: {command: [python3, train.py, $lr], timeout: 1e300}
search:
  strategy: random
  max_trials: 2
  parameters:
    lr: {min: 0.001, max: 0.1}
)";
  EXPECT_THAT(refusal(command),
              HasSubstr("exp.yaml:2:48: objective.timeout: must be at most 366 days"));
}

TEST(ExperimentLimits, QuantisedAndIntegerRangesMustBeSampleable) {
  const std::string values = "units: {values: [4, 8]}";
  const auto range = [&](const std::string& spec) {
    return refusalOfEdit(values, "units: {values: [4, 8]}\n    rate: " + spec);
  };
  EXPECT_THAT(range("{min: 0.0, max: 0.5, q: 0}"),
              HasSubstr("search.parameters.rate.q: must be > 0, got 0"));
  EXPECT_THAT(range("{min: 0.0, max: 0.5, q: -0.1}"),
              HasSubstr("search.parameters.rate.q: must be > 0, got -0.1"));
  EXPECT_THAT(range("{min: 0.0, max: 0.5, q: 2}"),
              HasSubstr("search.parameters.rate.q: q 2.0 is larger than the range"));
  EXPECT_THAT(range("{min: 0.0, max: 1.0, q: 1e-9}"),
              HasSubstr("search.parameters.rate.q: q 1e-09 cuts the range into more than "
                        "1000000 values"));
  EXPECT_THAT(range("{min: -1e308, max: 1e308}"),
              HasSubstr("search.parameters.rate.max: the range from -1e+308 to 1e+308 is wider"));
  EXPECT_THAT(range("{min: 0, max: 100000000000000000000, distribution: int_uniform}"),
              HasSubstr("search.parameters.rate.max: int_uniform needs bounds from -2^53"));
  EXPECT_THAT(range("{min: 0.0, max: 1.0, distribution: log_uniform}"),
              HasSubstr("search.parameters.rate.min: log_uniform needs min > 0"));
  EXPECT_THAT(range("{min: 2.0, max: 1.0}"),
              HasSubstr("search.parameters.rate.min: min 2.0 is greater than max 1.0"));
}

TEST(ExperimentLimits, ASecondYamlDocumentIsRefusedAtItsLine) {
  EXPECT_EQ(refusal(std::string(kLimitsBase) + "---\nname: other\n"),
            "exp.yaml:17:1: a second YAML document starts here; an experiment file is one "
            "document (remove the '---' and what follows, or merge it into the first)");
  EXPECT_THAT(refusal(std::string(kLimitsBase) + "---\n"),
              HasSubstr("exp.yaml:17:1: a second YAML document starts here"));
  // A '---' that opens the only document is YAML's usual start.
  EXPECT_EQ(refusal(std::string("---\n") + kLimitsBase), "");
}

TEST(ExperimentLimits, ACommaWhereAValueShouldStartIsASyntaxErrorNotAHang) {
  // yaml-cpp's LoadAll looped on it forever, its memory growing (found by tests/fuzz).
  EXPECT_EQ(refusal(","), "exp.yaml:1:1: YAML syntax error: ',' cannot start a value here");
  EXPECT_EQ(refusal("# an experiment\n, name: x\n"),
            "exp.yaml:2:1: YAML syntax error: ',' cannot start a value here");
  EXPECT_EQ(refusal(std::string(kLimitsBase) + "---\n,\n"),
            "exp.yaml:18:1: YAML syntax error: ',' cannot start a value here");
  EXPECT_THAT(refusal(std::string(kLimitsBase) + ",\n"), HasSubstr("YAML syntax error"));
}

TEST(ExperimentLimits, ANameMustBeAPlainPartOfAFileName) {
  for (const std::string name : {"'../../x'", "a/b", "'..'", "''", "\"a\\tb\"", "'a\\b'"}) {
    EXPECT_THAT(refusalOfEdit("name: limits", "name: " + name),
                HasSubstr("exp.yaml:1:1: name: the name "))
        << name;
  }
  EXPECT_EQ(refusalOfEdit("name: limits", "name: ../../x"),
            "exp.yaml:1:1: name: the name \"../../x\" contains a path separator; it names the "
            "study's folder (runs/<name>), so write a plain name such as my-study "
            "(execution.output chooses the folder)");
  EXPECT_THAT(refusalOfEdit("name: limits", "name: 12"), HasSubstr("name: must be a string"));
  EXPECT_THAT(refusalOfEdit("name: limits", "name: " + std::string(201, 'n')),
              HasSubstr("is longer than 200 bytes"));
  EXPECT_EQ(refusalOfEdit("name: limits", "name: my study-2.v1"), "");
}

TEST(ExperimentLimits, TextThatIsNotUtf8IsRefusedAtItsPlace) {
  // JSON holds only UTF-8: such a byte would otherwise end the run when the study is stored.
  EXPECT_EQ(refusalOfEdit("name: limits", "name: lim\xffits"),
            "exp.yaml:1:10: the file is not UTF-8 text (a byte that starts no UTF-8 character)");
  EXPECT_THAT(refusalOfEdit("values: [4, 8]", "values: [4, \"\xc0\xaf\"]"),
              HasSubstr("exp.yaml:15:26: the file is not UTF-8"));       // an overlong '/'
  EXPECT_EQ(refusalOfEdit("name: limits", "name: lim\xc3\xa4its"), "");  // a valid 'ä'
  EXPECT_EQ(refusal(kLimitsBase, {"description=\xfe"}), "--set description=\xfe: not UTF-8 text");
  EXPECT_EQ(refusal(kLimitsBase, {"x\xfe=1"}), "--set x\xfe=1: not UTF-8 text");
}

TEST(ExperimentLimits, TextThatYamlReadsAsBytesThatAreNoUtf8IsRefusedAtItsPlace) {
  // yaml-cpp writes "\_" and "\N" as the bytes 0xA0 and 0x85, and a NUL byte does what the
  // backslash does: the experiment, stored as JSON, ended the run with nlohmann's type_error
  // (found by tests/fuzz).
  EXPECT_EQ(refusalOfEdit("name: limits", "name: \"lim\\_its\""),
            "exp.yaml:1:7: name: the text is not UTF-8 once read as YAML (yaml-cpp reads the "
            "escapes \\N and \\_, and a NUL byte, as bytes that are no UTF-8): write the "
            "character itself, and no NUL byte");
  EXPECT_THAT(refusal(std::string(kLimitsBase) + "\"x\\Ny\": 1\n"),
              HasSubstr("exp.yaml:17:1: the text is not UTF-8 once read as YAML"));
  EXPECT_THAT(refusal(std::string(kLimitsBase) + std::string("description: a\0Nb\n", 18)),
              HasSubstr("exp.yaml:17:14: description: the text is not UTF-8 once read as YAML"));
  EXPECT_THAT(refusal(kLimitsBase, {"description=\"a\\_b\""}),
              HasSubstr("--set description=\"a\\_b\": "));
  EXPECT_EQ(refusalOfEdit("name: limits", "name: \"lim\\u00a0its\""), "");  // the same, in UTF-8
}

TEST(ExperimentLimits, OverridesMeetTheSameChecks) {
  EXPECT_EQ(refusal(kLimitsBase, {"train.epochs=1e12"}),
            "exp.yaml (--set train.epochs): train.epochs: must be >= 1 and <= 1000000, got "
            "1000000000000");
  EXPECT_EQ(refusal(kLimitsBase, {"train.epochs=.nan"}),
            "--set train.epochs=.nan: .nan is not a finite number, and no setting takes one; "
            "write it in quotes ('.nan') if you mean the text");
  EXPECT_EQ(refusal(kLimitsBase, {"search.parameters.units.values=[4, -.inf]"}),
            "--set search.parameters.units.values=[4, -.inf]: -.inf is not a finite number, and "
            "no setting takes one; write it in quotes ('-.inf') if you mean the text");
  EXPECT_THAT(refusal(kLimitsBase, {"execution.seed=1e30"}),
              HasSubstr("exp.yaml (--set execution.seed): execution.seed: must be a whole number"));
  EXPECT_THAT(refusal(kLimitsBase, {"name=../x"}),
              HasSubstr("exp.yaml (--set name): name: the name \"../x\" contains a path"));
  EXPECT_EQ(refusal(kLimitsBase, {"train.epochs=1e400"}),
            "--set train.epochs=1e400: the number 1e400 is beyond what a double holds "
            "(magnitudes from about 2.2e-308 to 1.8e308, or 0)");
  EXPECT_EQ(refusal(kLimitsBase, {"train.epochs=[1"}),
            "--set train.epochs=[1: the value is not valid YAML");
}

// The issue's cases as a user meets them: the commands stop with exit 2 before training.
TEST(ExperimentLimitsCli, TrainRefusesEpochsBeyondTheLimitAndSavesNoModel) {
  const auto dir = test::scratchDir("limits-train-epochs");
  test::writeSeparableCsv(dir / "toy.csv", 100);
  std::ofstream(dir / "exp.yaml") << test::replaced(
      test::replaced(kLimitsBase, "units: {values: [4, 8]}", "units: {value: 4}"), "epochs: 3",
      "epochs: 1e12");
  const auto r = test::runTunelab({"train", "exp.yaml"}, dir);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: exp.yaml:9:3: train.epochs: must be >= 1 and <= 1000000, "
                               "got 1000000000000"));
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));
}

TEST(ExperimentLimitsCli, RunRefusesANameThatLeavesRunsAndWritesNothing) {
  const auto dir = test::scratchDir("limits-run-name") / "a" / "b";
  std::filesystem::create_directories(dir);
  test::writeSeparableCsv(dir / "toy.csv", 100);
  std::ofstream(dir / "exp.yaml") << test::replaced(kLimitsBase, "name: limits", "name: ../../x");
  const auto r = test::runTunelab({"run", "exp.yaml"}, dir);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: exp.yaml:1:1: name: the name \"../../x\" contains a path "
                               "separator"));
  EXPECT_FALSE(std::filesystem::exists(dir / ".." / ".." / "x"));
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));
}

// Ten levels of nine aliases, each line indented by `indent`.
std::string aliasBomb(const std::string& indent) {
  std::string bomb = indent + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string number = std::to_string(level);
    bomb.append(indent).append("a").append(number).append(": &a").append(number).append(" [");
    for (int i = 0; i < 9; ++i) {
      bomb += i > 0 ? ", *a" : "*a";
      bomb += std::to_string(level - 1);
    }
    bomb += "]\n";
  }
  return bomb;
}

TEST(ExperimentLimitsCli, RunRefusesAnAliasBombInAnyKey) {
  const auto dir = test::scratchDir("limits-run-bomb");
  std::ofstream(dir / "top.yaml") << "name: bomb\n" << aliasBomb("");
  std::ofstream(dir / "nested.yaml") << "name: bomb\ndescription:\n" << aliasBomb("  ");
  for (const char* file : {"top.yaml", "nested.yaml"}) {
    const auto r = test::runTunelab({"run", file, "--dry-run"}, dir);
    EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("the file expands to more than 100000 values")) << file;
  }
}

}  // namespace
}  // namespace tunelab
