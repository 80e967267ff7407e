// At least 25 distinct study-level mistakes, one edit each of a sound study: typos at every
// level of the file, bad values in every position of a list and at both ends of ranges,
// impossible combinations. Each stops `tunelab run` before its first trial with exit 2 at the
// file:line:col of the mistake and its message. docs/mistakes.md is this list as a table
// (MistakesDoc.IsThisList checks it; TUNELAB_WRITE_MISTAKES_DOC=1 writes it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "experiments/cli/ExitCode.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A sound study over a toy binary CSV (columns x0, x1, label) that uses every section.
constexpr const char* kBase = R"(name: mistakes
data:
  source: toy.csv
  target: label
  split: {test: 0.2, validation: 0.25}
model:
  layers:
    - {type: dense, units: $units, activation: $activation}
    - {type: dropout, rate: $dropout}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
  metrics: [accuracy]
train:
  optimizer: {type: $optimizer, learning_rate: $lr, momentum: $momentum}
  learning_rate_schedule: {type: exponential_decay, decay_rate: 0.9, decay_steps: 10}
  early_stopping: {monitor: val_loss, patience: 2}
  batch_size: $batch
  epochs: 2
search:
  strategy: random
  max_trials: 4
  metric: val_loss
  parameters:
    units: {values: [4, 8]}
    activation: {values: [relu, tanh]}
    dropout: {min: 0.0, max: 0.5, q: 0.25}
    lr: {min: 0.001, max: 0.1, distribution: log_uniform}
    batch: {min: 16, max: 64, distribution: int_log_uniform}
    optimizer: {values: [adam, sgd]}
    momentum: {values: [0.0, 0.9], when: {optimizer: sgd}}
execution: {backend: reference, seed: 1, parallel_trials: 1, output: out}
)";

struct Mistake {
  const char* what;
  const char* from;  // text of kBase
  const char* to;    // what the mistake writes instead
  const char* at;    // line:col in exp.yaml
  const char* message;
};

// clang-format off
constexpr Mistake kMistakes[] = {
    {"top-level key misspelled",
     "name: mistakes", "nmae: mistakes",
     "1:1",
     "nmae: unknown key 'nmae' for an experiment file (did you mean 'name'?); valid keys: data, description, execution, model, name, objective, search, train"},
    {"data key misspelled",
     "target: label", "traget: label",
     "4:3",
     "data.traget: unknown key 'traget' for the data section (did you mean 'target'?); valid keys: columns, delimiter, drop, preprocess, source, split, target"},
    {"data: a target column the file does not have",
     "target: label", "target: lable",
     "4:3",
     "data.target: no column 'lable' in toy.csv (did you mean 'label'?); columns: x0, x1, label"},
    {"data: a split fraction out of range",
     "validation: 0.25}", "validation: 1.5}",
     "5:22",
     "data.split.validation: must be >= 0 and < 1, got 1.5"},
    {"layer key misspelled",
     "units: $units, activation", "unit: $units, activation",
     "8:21",
     "model.layers[0].unit: unknown key 'unit' for a dense layer (did you mean 'units'?)"},
    {"layer type unknown",
     "type: dropout", "type: dropuot",
     "9:8",
     "model.layers[1].type: unknown layer type 'dropuot' (did you mean 'dropout'?); available: activation, batch_normalization, dense, dropout"},
    {"model key misspelled",
     "  loss: binary_crossentropy", "  los: binary_crossentropy",
     "11:3",
     "model.los: unknown key 'los' for the model section (did you mean 'loss'?)"},
    {"loss unknown",
     "loss: binary_crossentropy", "loss: binary_crossentropi",
     "11:3",
     "model.loss: unknown loss 'binary_crossentropi' (did you mean 'binary_crossentropy'?); valid losses: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse, mae, huber"},
    {"sigmoid output with a categorical loss",
     "loss: binary_crossentropy", "loss: categorical_crossentropy",
     "10:7",
     "model.layers[2]: categorical_crossentropy needs an output layer with one unit per class (at least 2) and softmax activation; the last layer has 1 unit and sigmoid activation"},
    {"metric name unknown",
     "metrics: [accuracy]", "metrics: [acuracy]",
     "12:13",
     "model.metrics[0]: unknown metric 'acuracy' (did you mean 'accuracy'?); known metrics: accuracy, auc, precision, recall, mse, mae, rmse, r2"},
    {"metric of another task",
     "metrics: [accuracy]", "metrics: [accuracy, r2]",
     "12:23",
     "model.metrics[1]: metric 'r2' does not apply to a binary task; valid metrics: accuracy, auc, precision, recall, mse, mae, rmse"},
    {"train key misspelled",
     "  epochs: 2", "  epoch: 2",
     "18:3",
     "train.epoch: unknown key 'epoch' for the train section (did you mean 'epochs'?)"},
    {"optimizer key misspelled",
     "learning_rate: $lr", "learnig_rate: $lr",
     "14:33",
     "train.optimizer.learnig_rate: unknown key 'learnig_rate' for the optimizer (did you mean 'learning_rate'?); valid keys: clipnorm, clipvalue, ema_momentum, ema_overwrite_frequency, global_clipnorm, learning_rate, momentum, nesterov, type, use_ema, weight_decay"},
    {"schedule key misspelled",
     "decay_rate: 0.9", "decay_rat: 0.9",
     "15:53",
     "train.learning_rate_schedule.decay_rat: unknown key 'decay_rat' for the learning-rate schedule (did you mean 'decay_rate'?)"},
    {"schedule type unknown",
     "type: exponential_decay", "type: exponential_decai",
     "15:28",
     "train.learning_rate_schedule.type: unknown value 'exponential_decai' (did you mean 'exponential_decay'?); valid values: constant, exponential_decay, step_decay, reduce_on_plateau"},
    {"early_stopping key misspelled",
     "patience: 2", "patiense: 2",
     "16:39",
     "train.early_stopping.patiense: unknown key 'patiense' for early_stopping (did you mean 'patience'?); valid keys: min_delta, mode, monitor, patience, restore_best_weights, start_from_epoch"},
    {"early_stopping watches a value never recorded",
     "monitor: val_loss", "monitor: val_acc",
     "16:20",
     "train.early_stopping.monitor: 'val_acc' is not recorded; each epoch records loss, accuracy, val_loss, val_accuracy"},
    {"search key misspelled",
     "  max_trials: 4", "  max_trial: 4",
     "21:3",
     "search.max_trial: unknown key 'max_trial' for the search section; valid keys: early_terminate, metric, parameters, strategy"},
    {"search strategy unknown",
     "strategy: random", "strategy: randon",
     "20:3",
     "search.strategy: unknown strategy 'randon' (did you mean 'random'?); available: gp, grid, hyperband, nsga2, random, tpe"},
    {"search metric never recorded",
     "  metric: val_loss", "  metric: val_los",
     "22:3",
     "search.metric: 'val_los' is not recorded by a trial (did you mean 'val_loss'?); each epoch records loss, accuracy, val_loss, val_accuracy"},
    {"parameter key misspelled",
     "units: {values: [4, 8]}", "units: {valeus: [4, 8]}",
     "24:13",
     "search.parameters.units.valeus: unknown key 'valeus' for parameter 'units' (did you mean 'values'?)"},
    {"parameter setting that does not apply",
     "units: {values: [4, 8]}", "units: {values: [4, 8], distribution: log_uniform}",
     "24:29",
     "search.parameters.units.distribution: unknown key 'distribution' for parameter 'units'; valid keys: values"},
    {"bad value first in a list",
     "units: {values: [4, 8]}", "units: {values: [0, 8]}",
     "24:22",
     "search.parameters.units.values[0]: with $units = 0: model.layers[0].units: must be >= 1 and <= 65536, got 0"},
    {"bad value last in a list",
     "activation: {values: [relu, tanh]}", "activation: {values: [relu, tanh, sigmoidd]}",
     "25:39",
     "search.parameters.activation.values[2]: with $activation = sigmoidd: model.layers[0].activation: unknown activation 'sigmoidd' (did you mean 'sigmoid'?); valid activations: linear, relu, leaky_relu, elu, tanh, sigmoid, softmax, gelu, swish, silu, softplus, softsign, hard_sigmoid, selu, exponential, relu6, mish, hard_silu, hard_swish, log_sigmoid, celu, log_softmax"},
    {"activation parameter out of Keras' range",
     "activation: {values: [relu, tanh]}", "activation: {values: [relu, {type: leaky_relu, alpha: -0.1}]}",
     "25:33",
     "search.parameters.activation.values[1]: with $activation = {\"alpha\":-0.1,\"type\":\"leaky_relu\"}: model.layers[0].activation.alpha: must be >= 0, got -0.1"},
    {"bad value in the middle of a list",
     "optimizer: {values: [adam, sgd]}", "optimizer: {values: [adam, adamm, sgd]}",
     "29:32",
     "search.parameters.optimizer.values[1]: with $optimizer = adamm: train.optimizer.type: unknown optimizer 'adamm' (did you mean 'adam'?); valid optimizers: sgd, rmsprop, adagrad, adadelta, adam, adamw, adamax, nadam, ftrl, lion, lamb"},
    {"log range with a lower end <= 0",
     "batch: {min: 16,", "batch: {min: 0,",
     "28:13",
     "search.parameters.batch.min: int_log_uniform needs min > 0 (it samples log(x)), got 0.0"},
    {"bad upper end of a quantised range",
     "max: 0.5, q: 0.25", "max: 1.0, q: 0.25",
     "26:25",
     "search.parameters.dropout.max: with $dropout = 1.0: model.layers[1].rate: must be >= 0 and < 1, got 1"},
    {"bad upper end of a log range",
     "dropout: {min: 0.0, max: 0.5, q: 0.25}", "dropout: {min: 0.01, max: 1.0, distribution: log_uniform}",
     "26:26",
     "search.parameters.dropout.max: with $dropout = 1.0: model.layers[1].rate: must be >= 0 and < 1, got 1"},
    {"bad lower end of an int range",
     "batch: {min: 16, max: 64, distribution: int_log_uniform}", "batch: {min: 0, max: 64, distribution: int_uniform}",
     "28:13",
     "search.parameters.batch.min: with $batch = 0: train.batch_size: must be >= 1 and <= 16777216, got 0"},
    {"bad value of a conditional parameter",
     "momentum: {values: [0.0, 0.9]", "momentum: {values: [0.0, 1.9]",
     "30:30",
     "search.parameters.momentum.values[1]: with $momentum = 1.9: train.optimizer.momentum: must be >= 0 and < 1, got 1.9"},
    {"condition names an unknown parameter",
     "when: {optimizer: sgd}", "when: {optimiser: sgd}",
     "30:36",
     "search.parameters.momentum.when: condition on unknown parameter 'optimiser' (did you mean 'optimizer'?)"},
    {"condition names a value its parameter never takes",
     "when: {optimizer: sgd}", "when: {optimizer: [sgd, rmsprop]}",
     "30:60",
     "search.parameters.momentum.when.optimizer[1]: 'optimizer' never takes the value rmsprop; its values: adam, sgd"},
    {"reference to an undefined parameter",
     "units: $units,", "units: $unit,",
     "8:21",
     "model.layers[0].units: refers to $unit, which search.parameters does not define (did you mean $units?); defined parameters: activation, batch, dropout, lr, momentum, optimizer, units"},
    {"parameter defined but never used",
     "    units: {values: [4, 8]}\n", "    units: {values: [4, 8]}\n    width: {values: [4, 8]}\n",
     "25:5",
     "search.parameters.width: $width is defined but never used in data, model or train"},
    {"execution key misspelled",
     "seed: 1,", "sed: 1,",
     "31:33",
     "execution.sed: unknown key 'sed' for the execution section (did you mean 'seed'?); valid keys: backend, checkpoint_every, output, parallel_trials, report_every, seed, threads_per_trial"},
    {"execution backend unknown",
     "backend: reference", "backend: referense",
     "31:13",
     "execution.backend: unknown backend 'referense' (did you mean 'reference'?); available: onednn, openblas, reference"},
    {"execution value out of range",
     "parallel_trials: 1", "parallel_trials: 0",
     "31:42",
     "execution.parallel_trials: expected a whole number from 1 to 1024, or auto, got 0"},
    {"epochs beyond the limit",
     "  epochs: 2", "  epochs: 1e12",
     "18:3",
     "train.epochs: must be >= 1 and <= 1000000, got 1000000000000"},
    {"layer wider than the limit",
     "{type: dense, units: 1, activation: sigmoid}", "{type: dense, units: 1e9, activation: sigmoid}",
     "10:21",
     "model.layers[2].units: must be >= 1 and <= 65536, got 1000000000"},
    {"repeat count beyond the limit",
     "    - {type: dense, units: 1, activation: sigmoid}", "    - {repeat: 100000000, layers: [{type: dense, units: 1}]}\n    - {type: dense, units: 1, activation: sigmoid}",
     "10:8",
     "model.layers[2].repeat: must be >= 0 and <= 1000, got 100000000"},
    {"seed that is not a 64-bit whole number",
     "seed: 1,", "seed: 1e30,",
     "31:33",
     "execution.seed: must be a whole number from 0 to 18446744073709551615, got 1e+30"},
    {"quantised range with q 0",
     "max: 0.5, q: 0.25", "max: 0.5, q: 0",
     "26:35",
     "search.parameters.dropout.q: must be > 0, got 0"},
    {"non-finite number in a list of values",
     "units: {values: [4, 8]}", "units: {values: [4, .nan]}",
     "24:25",
     "search.parameters.units.values[1]: .nan is not a finite number, and no setting takes one; write it in quotes ('.nan') if you mean the text"},
    {"name that is not a plain file name",
     "name: mistakes", "name: ../../x",
     "1:1",
     "name: the name \"../../x\" contains a path separator; it names the study's folder (runs/<name>), so write a plain name such as my-study (execution.output chooses the folder)"},
    {"second YAML document",
     "output: out}\n", "output: out}\n---\nname: other\n",
     "32:1",
     "a second YAML document starts here; an experiment file is one document (remove the '---' and what follows, or merge it into the first)"},
};
// clang-format on

std::string withMistake(const Mistake& m) {
  std::string text = kBase;
  const auto at = text.find(m.from);
  if (at != std::string::npos) text.replace(at, std::string(m.from).size(), m.to);
  return text;
}

class StudyMistake : public ::testing::TestWithParam<Mistake> {};

TEST_P(StudyMistake, StopsTheRunBeforeTheFirstTrialAtItsPlaceInTheFile) {
  const Mistake& m = GetParam();
  ASSERT_NE(std::string(kBase).find(m.from), std::string::npos) << m.from;
  const auto dir = test::scratchDir(
      std::string("mistake-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  test::writeSeparableCsv(dir / "toy.csv", 200);
  std::ofstream(dir / "exp.yaml") << withMistake(m);
  const auto r = test::runTunelab({"run", "exp.yaml", "--data-dir", dir.string()}, dir);
  EXPECT_EQ(r.code, kExitBadInput) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(std::string("error: exp.yaml:") + m.at + ": " + m.message));
  EXPECT_THAT(r.out, Not(HasSubstr("trial")));
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "study.db"));
}

std::string testName(const ::testing::TestParamInfo<Mistake>& info) {
  std::string name;
  bool upper = true;
  for (const char c : std::string(info.param.what)) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Run, StudyMistake, ::testing::ValuesIn(kMistakes), testName);

TEST(StudyMistakes, AreAtLeast25DistinctMistakesOfASoundStudy) {
  std::set<std::string> files;
  for (const auto& m : kMistakes) files.insert(withMistake(m));
  EXPECT_GE(files.size(), 25U);
  EXPECT_EQ(files.size(), std::size(kMistakes));
  EXPECT_FALSE(files.contains(kBase));

  const auto dir = test::scratchDir("mistakes-base");
  test::writeSeparableCsv(dir / "toy.csv", 200);
  std::ofstream(dir / "exp.yaml") << kBase;
  const auto r =
      test::runTunelab({"run", "exp.yaml", "--dry-run", "--data-dir", dir.string()}, dir);
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
}

// Text for a table cell: no bar, no line break.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

// Code for a table cell, each line in its own backticks.
std::string code(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    out += (out.empty() ? "`" : "<br>`") + cell(line) + "`";
  }
  return out;
}

std::string mistakesDoc() {
  std::ostringstream doc;
  doc << "# Mistakes `tunelab run` stops before the first trial\n\n"
         "Each row is one edit of the sound study below and one test case\n"
         "(`tests/experiments/MistakesTest.cpp`, which also writes this file): `tunelab run`\n"
         "exits with code 2 before any trial, prints `error: exp.yaml:LINE:COL: ` and the\n"
         "message, and creates no study database. `tunelab run --dry-run` reports the same.\n"
         "Where a parameter's value causes the mistake, the place is that value in\n"
         "`search.parameters` and the message says which value and what it broke.\n\n"
         "```yaml\n"
      << kBase
      << "```\n\n"
         "| # | mistake | the file writes | instead of | at | message |\n"
         "|---|---|---|---|---|---|\n";
  int row = 0;
  for (const auto& m : kMistakes) {
    doc << "| " << ++row << " | " << m.what << " | " << code(m.to) << " | " << code(m.from) << " | "
        << m.at << " | " << cell(m.message) << " |\n";
  }
  return doc.str();
}

TEST(MistakesDoc, IsThisList) {
  const auto file = test::sourceDir() / "docs" / "mistakes.md";
  if (std::getenv("TUNELAB_WRITE_MISTAKES_DOC") != nullptr) std::ofstream(file) << mistakesDoc();
  EXPECT_EQ(test::readText(file), mistakesDoc())
      << "docs/mistakes.md differs from the test's list: run MistakesTest with "
         "TUNELAB_WRITE_MISTAKES_DOC=1 to write it";
}

}  // namespace
}  // namespace tunelab
