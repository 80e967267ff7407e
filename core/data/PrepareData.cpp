#include "core/data/PrepareData.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "core/Error.h"
#include "core/Options.h"
#include "core/data/CsvReader.h"
#include "core/data/DataSanity.h"
#include "core/data/IdxReader.h"
#include "core/data/Split.h"

namespace tunelab {

namespace {

// Classification when the target is text, or a few whole numbers.
TaskKind inferTask(const Column& target, const std::vector<std::string>& distinct) {
  if (target.kind == Column::Kind::Categorical) {
    return distinct.size() == 2 ? TaskKind::Binary : TaskKind::Multiclass;
  }
  const bool whole = std::all_of(target.numbers.begin(), target.numbers.end(),
                                 [](double v) { return std::isnan(v) || std::floor(v) == v; });
  if (distinct.size() == 2) return TaskKind::Binary;
  if (whole && distinct.size() <= 20) return TaskKind::Multiclass;
  return TaskKind::Regression;
}

// Distinct labels, numbers in numeric order, text in lexical order.
std::vector<std::string> distinctLabels(const Column& column,
                                        const std::vector<std::uint32_t>& rows) {
  if (column.kind == Column::Kind::Numeric) {
    std::set<double> values;
    for (auto r : rows) values.insert(column.numbers[r]);
    Column one;
    one.numbers.assign(values.begin(), values.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < one.numbers.size(); ++i) out.push_back(labelText(one, i));
    return out;
  }
  std::set<std::string> values;
  for (auto r : rows) values.insert(column.text[r]);
  return {values.begin(), values.end()};
}

Dataset makeDataset(const Table& table, const Preprocessor& p,
                    const std::vector<std::uint32_t>& rows) {
  Dataset d;
  d.x = p.transformFeatures(table, rows);
  d.y = p.encodeTargets(table, rows);
  d.sampleShape = p.sampleShape();
  d.featureNames = p.featureNames();
  d.targetName = p.targetName();
  d.task = p.task();
  d.classNames = p.classNames();
  d.targetScaling = p.targetScaling();
  return d;
}

// A data set with its own test file: the test rows are appended; returns where they start.
std::size_t appendTestFile(Table& table, const ResolvedSource& source, const CsvOptions& csv) {
  const std::size_t testStart = table.rows();
  if (source.testFile.empty()) return testStart;
  Table test = readCsv(source.testFile, csv);
  if (test.names() != table.names()) {
    throw DataError(source.testFile.string() + ": its columns differ from " +
                    source.file.filename().string());
  }
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    auto& to = table.columns[c];
    auto& from = test.columns[c];
    if (to.kind != from.kind) {
      throw DataError(source.testFile.string() + ": column '" + to.name +
                      "' is numeric in one file and text in the other; declare it under "
                      "data.columns");
    }
    to.numbers.insert(to.numbers.end(), from.numbers.begin(), from.numbers.end());
    to.text.insert(to.text.end(), from.text.begin(), from.text.end());
    to.missing.insert(to.missing.end(), from.missing.begin(), from.missing.end());
  }
  table.lines.insert(table.lines.end(), test.lines.begin(), test.lines.end());
  return testStart;
}

std::size_t targetColumn(const DataSpec& spec, const Table& table, const ResolvedSource& source) {
  const std::size_t target =
      spec.target.empty() ? table.columns.size() - 1 : table.find(spec.target);
  if (target != static_cast<std::size_t>(-1)) return target;
  std::string message = "no column '" + spec.target + "' in " + source.file.filename().string();
  if (auto near = nearestName(spec.target, table.names()); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  throw ConfigError("target", message + "; columns: " + joinNames(table.names()));
}

// Every column but the target and the dropped ones.
std::vector<std::size_t> inputColumns(const DataSpec& spec, const Table& table,
                                      std::size_t target) {
  for (const auto& name : spec.dropColumns) {
    if (table.find(name) == static_cast<std::size_t>(-1)) {
      throw ConfigError("drop",
                        "no column '" + name + "' to drop; columns: " + joinNames(table.names()));
    }
  }
  std::vector<std::size_t> inputs;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& name = table.columns[c].name;
    if (c != target && std::find(spec.dropColumns.begin(), spec.dropColumns.end(), name) ==
                           spec.dropColumns.end()) {
      inputs.push_back(c);
    }
  }
  if (inputs.empty()) throw ConfigError("target", "no input columns are left besides the target");
  return inputs;
}

// Rows without a target are unusable; with missing: drop, so are rows missing any input.
std::vector<std::uint32_t> usableRows(const DataSpec& spec, const Table& table, std::size_t target,
                                      const std::vector<std::size_t>& inputs) {
  std::vector<std::uint32_t> usable;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    bool keep = !table.columns[target].isMissing(r);
    if (keep && spec.missing == "drop") {
      for (auto c : inputs) keep = keep && !table.columns[c].isMissing(r);
    }
    if (keep) usable.push_back(static_cast<std::uint32_t>(r));
  }
  return usable;
}

// A classifier learns nothing from one class (CSV and IDX data alike).
void checkSeveralClasses(const std::vector<std::string>& labels, const std::string& target,
                         const std::string& file) {
  if (labels.size() >= 2) return;
  throw DataError(file + ": the target '" + target + "' has one class ('" + labels.front() +
                  "') in every usable row; a classifier needs at least 2");
}

TaskKind checkedTask(const DataSpec& spec, const Column& target,
                     const std::vector<std::string>& labels, const std::string& file) {
  const TaskKind task = spec.task ? *spec.task : inferTask(target, labels);
  if (task != TaskKind::Regression) checkSeveralClasses(labels, target.name, file);
  if (task == TaskKind::Regression && target.kind != Column::Kind::Numeric) {
    throw ConfigError("task",
                      "regression needs a numeric target, but '" + target.name + "' holds text");
  }
  if (task == TaskKind::Binary && labels.size() != 2) {
    throw ConfigError("task", "binary needs a target with 2 classes; '" + target.name + "' has " +
                                  std::to_string(labels.size()));
  }
  return task;
}

// Train, validation and test rows of the table; with an own test file (rows from `testStart`
// on), those are the test rows and validation comes from the train file only.
SplitIndices splitTable(const DataSpec& spec, const Column& target,
                        const std::vector<std::uint32_t>& usable,
                        std::optional<std::size_t> testStart,
                        const std::vector<std::string>& classNames, std::uint64_t seed) {
  std::vector<std::uint32_t> classOf(usable.size());
  for (std::size_t i = 0; i < usable.size() && !classNames.empty(); ++i) {
    const std::string label = labelText(target, usable[i]);
    classOf[i] = static_cast<std::uint32_t>(std::find(classNames.begin(), classNames.end(), label) -
                                            classNames.begin());
  }
  const bool stratified = spec.stratify && !classNames.empty();
  SplitIndices split;
  if (testStart) {
    const auto trainPart = static_cast<std::size_t>(
        std::lower_bound(usable.begin(), usable.end(), static_cast<std::uint32_t>(*testStart)) -
        usable.begin());
    std::vector<std::uint32_t> trainLabels(
        classOf.begin(), classOf.begin() + static_cast<std::ptrdiff_t>(trainPart));
    split = splitRows(trainPart, 0.0, spec.validationFraction, seed,
                      stratified ? &trainLabels : nullptr);
    for (std::size_t i = trainPart; i < usable.size(); ++i) {
      split.test.push_back(static_cast<std::uint32_t>(i));
    }
  } else {
    split = splitRows(usable.size(), spec.testFraction, spec.validationFraction, seed,
                      stratified ? &classOf : nullptr);
  }
  for (auto* part : {&split.train, &split.validation, &split.test}) {
    for (auto& i : *part) i = usable[i];
  }
  return split;
}

// Every part the split asks for needs rows: a model cannot train, be scored or be tested on
// none.
// `name` is the file the rows come from; `ownTest`: the test rows come from a file of their own.
void checkSplitSizes(const DataSpec& spec, const SplitIndices& split, std::size_t usable,
                     const std::string& name, bool ownTest) {
  const bool tooFew = split.train.empty() ||
                      (spec.validationFraction > 0 && split.validation.empty()) ||
                      ((ownTest || spec.testFraction > 0) && split.test.empty());
  if (!tooFew) return;
  auto fraction = [](double f) {
    std::ostringstream text;
    text << f;
    return text.str();
  };
  throw DataError(name + ": " + std::to_string(usable) + " usable row" +
                  (usable == 1 ? " is" : "s are") + " too few for the split (test " +
                  (ownTest ? std::string("file") : fraction(spec.testFraction)) + ", validation " +
                  fraction(spec.validationFraction) + "): train " +
                  std::to_string(split.train.size()) + ", validation " +
                  std::to_string(split.validation.size()) + ", test " +
                  std::to_string(split.test.size()) +
                  " rows; every part needs at least one (set a fraction to 0 to leave it out)");
}

PreparedData prepareTable(const DataSpec& spec, const ResolvedSource& source, std::uint64_t seed) {
  const CsvOptions csv = csvOptionsFor(spec);
  Table table = readCsv(source.file, csv);
  const std::size_t testStart = appendTestFile(table, source, csv);
  const std::size_t target = targetColumn(spec, table, source);
  const auto inputs = inputColumns(spec, table, target);
  auto warnings = checkDataSanity(table, spec, inputs, target);
  const auto usable = usableRows(spec, table, target, inputs);
  if (usable.empty()) {
    throw DataError(source.file.string() + ": no usable rows (all are missing values)");
  }
  const Column& targetValues = table.columns[target];
  const auto labels = distinctLabels(targetValues, usable);
  const TaskKind task = checkedTask(spec, targetValues, labels, source.file.filename().string());
  std::vector<std::string> classNames;
  if (task != TaskKind::Regression) classNames = labels;
  const SplitIndices split = splitTable(
      spec, targetValues, usable, source.testFile.empty() ? std::nullopt : std::optional(testStart),
      classNames, seed);
  checkSplitSizes(spec, split, usable.size(), source.file.filename().string(),
                  !source.testFile.empty());

  PreparedData out;
  out.resolvedSource = source.file;
  out.warnings = std::move(warnings);
  out.preprocessor = Preprocessor::fit(table, spec, inputs, target, task, classNames, split.train);
  out.train = makeDataset(table, out.preprocessor, split.train);
  out.validation = makeDataset(table, out.preprocessor, split.validation);
  out.test = makeDataset(table, out.preprocessor, split.test);
  for (const auto row : split.test) out.testLines.push_back(table.lines[row]);
  return out;
}

Dataset idxDataset(const IdxData& images, const IdxData& labels, const std::string& where) {
  if (images.dims.size() != 3 || labels.dims.size() != 1) {
    throw DataError(where + ": expected an images file with 3 dimensions and a labels file with 1");
  }
  if (images.dims[0] != labels.dims[0]) {
    throw DataError(where + ": " + std::to_string(images.dims[0]) + " images but " +
                    std::to_string(labels.dims[0]) + " labels");
  }
  Dataset d;
  const std::size_t n = images.dims[0];
  const std::size_t pixels = images.dims[1] * images.dims[2];
  d.sampleShape = Shape{images.dims[1], images.dims[2]};
  d.x = Matrix(n, pixels);
  d.y = Matrix(n, 1);
  for (std::size_t i = 0; i < n * pixels; ++i) {
    d.x.data()[i] = static_cast<float>(images.values[i]) * (1.0F / 255.0F);
  }
  for (std::size_t i = 0; i < n; ++i) d.y(i, 0) = labels.values[i];
  d.task = TaskKind::Multiclass;
  d.targetName = "label";
  return d;
}

PreparedData prepareImages(const DataSpec& spec, const ResolvedSource& source, std::uint64_t seed) {
  auto load = [&](const char* prefix) {
    const auto dir = source.directory;
    return idxDataset(readIdx(dir / (std::string(prefix) + "-images-idx3-ubyte.gz")),
                      readIdx(dir / (std::string(prefix) + "-labels-idx1-ubyte.gz")),
                      (dir / prefix).string());
  };
  const std::string pooled = source.idxHasTrainFiles ? "train" : "t10k";
  Dataset pool = load(pooled.c_str());
  std::uint32_t maxLabel = 0;
  std::set<std::uint32_t> present;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const auto label = static_cast<std::uint32_t>(pool.y(i, 0));
    maxLabel = std::max(maxLabel, label);
    present.insert(label);
  }
  std::vector<std::string> presentNames;
  for (const auto label : present) presentNames.push_back(std::to_string(label));
  checkSeveralClasses(presentNames, pool.targetName, pooled + "-labels-idx1-ubyte.gz");
  std::vector<std::string> classNames;
  for (std::uint32_t c = 0; c <= maxLabel; ++c) classNames.push_back(std::to_string(c));
  std::vector<std::uint32_t> labels(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i)
    labels[i] = static_cast<std::uint32_t>(pool.y(i, 0));

  PreparedData out;
  out.resolvedSource = source.directory;
  out.preprocessor = Preprocessor::forImages(pool.sampleShape, classNames);
  // With its own test files, the test fraction does not apply.
  const double test = source.idxHasTrainFiles ? 0.0 : spec.testFraction;
  const SplitIndices split = splitRows(pool.size(), test, spec.validationFraction, seed,
                                       spec.stratify ? &labels : nullptr);
  pool.classNames = classNames;
  pool.featureNames = out.preprocessor.featureNames();
  out.train = selectRows(pool, split.train);
  out.validation = selectRows(pool, split.validation);
  out.test = source.idxHasTrainFiles ? load("t10k") : selectRows(pool, split.test);
  SplitIndices sizes = split;
  sizes.test.resize(out.test.size());
  checkSplitSizes(spec, sizes, pool.size(), pooled + "-images-idx3-ubyte.gz",
                  source.idxHasTrainFiles);
  out.test.classNames = classNames;
  out.test.featureNames = pool.featureNames;
  return out;
}

}  // namespace

CsvOptions csvOptionsFor(const DataSpec& spec) {
  CsvOptions csv;
  csv.delimiter = spec.delimiter;
  csv.missingMarkers = spec.missingMarkers;
  csv.columnTypes = spec.columnTypes;
  return csv;
}

PreparedData prepareData(const DataSpec& spec, const DataLocations& where, std::uint64_t seed) {
  const ResolvedSource source = resolveSource(spec.source, where);
  if (source.kind == ResolvedSource::Kind::Idx) return prepareImages(spec, source, seed);
  return prepareTable(spec, source, seed);
}

}  // namespace tunelab
