#include "core/data/Preprocessor.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include "core/Error.h"

namespace tunelab {

Preprocessor::Preprocessor() = default;
Preprocessor::~Preprocessor() = default;
Preprocessor::Preprocessor(const Preprocessor&) = default;
Preprocessor& Preprocessor::operator=(const Preprocessor&) = default;
Preprocessor::Preprocessor(Preprocessor&&) noexcept = default;
Preprocessor& Preprocessor::operator=(Preprocessor&&) noexcept = default;

std::string labelText(const Column& column, std::size_t row) {
  if (column.kind == Column::Kind::Categorical) return column.text[row];
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, column.numbers[row]);
  return {buffer, end};
}

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

// The most frequent value; ties go to the smallest, so the result does not depend on order.
template <typename T>
T mostFrequent(const std::vector<T>& values) {
  std::map<T, std::size_t> counts;
  for (const auto& v : values) ++counts[v];
  T best{};
  std::size_t bestCount = 0;
  for (const auto& [v, c] : counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

// offset and scale so that (x - offset) * scale is min-max or standard scaled.
void scalingFor(const std::vector<double>& values, const std::string& method, double& offset,
                double& scale) {
  offset = 0.0;
  scale = 1.0;
  if (values.empty() || method == "none") return;
  if (method == "minmax") {
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    offset = *lo;
    scale = *hi > *lo ? 1.0 / (*hi - *lo) : 1.0;
    return;
  }
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double var = 0.0;
  for (double v : values) var += (v - mean) * (v - mean);
  var /= static_cast<double>(values.size());
  offset = mean;
  scale = var > 0.0 ? 1.0 / std::sqrt(var) : 1.0;
}

}  // namespace

Preprocessor Preprocessor::fit(const Table& table, const DataSpec& spec,
                               const std::vector<std::size_t>& inputs, std::size_t target,
                               TaskKind task, std::vector<std::string> classNames,
                               const std::vector<std::uint32_t>& trainRows) {
  Preprocessor p;
  p.task_ = task;
  p.classNames_ = std::move(classNames);
  p.targetName_ = table.columns[target].name;
  p.sampleShape_ = Shape{};
  for (std::size_t index : inputs) {
    const Column& column = table.columns[index];
    Input in;
    in.column = column.name;
    in.categorical = column.kind == Column::Kind::Categorical;
    if (in.categorical) {
      std::vector<std::string> present;
      for (auto r : trainRows) {
        if (!column.isMissing(r)) present.push_back(column.text[r]);
      }
      in.fillCategory = present.empty() ? std::string() : mostFrequent(present);
      in.categories = present;
      std::sort(in.categories.begin(), in.categories.end());
      in.categories.erase(std::unique(in.categories.begin(), in.categories.end()),
                          in.categories.end());
      for (const auto& c : in.categories) p.featureNames_.push_back(column.name + "=" + c);
    } else {
      std::vector<double> present;
      for (auto r : trainRows) {
        if (!column.isMissing(r)) present.push_back(column.numbers[r]);
      }
      if (spec.missing == "mean") {
        double sum = 0.0;
        for (double v : present) sum += v;
        in.fill = present.empty() ? 0.0 : sum / static_cast<double>(present.size());
      } else if (spec.missing == "most_frequent") {
        in.fill = present.empty() ? 0.0 : mostFrequent(present);
      } else {
        in.fill = median(present);
      }
      scalingFor(present, spec.numeric, in.offset, in.scale);
      p.featureNames_.push_back(column.name);
    }
    p.inputs_.push_back(std::move(in));
  }
  p.sampleShape_ = Shape{p.featureNames_.size()};
  if (task == TaskKind::Regression && spec.targetScaling != "none") {
    const Column& column = table.columns[target];
    std::vector<double> values;
    for (auto r : trainRows) values.push_back(column.numbers[r]);
    double offset = 0.0;
    double scale = 1.0;
    scalingFor(values, spec.targetScaling, offset, scale);
    p.targetOffset_ = offset;
    p.targetScale_ = scale;
  }
  return p;
}

Preprocessor Preprocessor::forImages(const Shape& sampleShape,
                                     std::vector<std::string> classNames) {
  Preprocessor p;
  p.images_ = true;
  p.task_ = TaskKind::Multiclass;
  p.classNames_ = std::move(classNames);
  p.sampleShape_ = sampleShape;
  p.targetName_ = "label";
  for (std::size_t i = 0; i < sampleShape.elements(); ++i) {
    p.featureNames_.push_back("pixel_" + std::to_string(i));
  }
  return p;
}

Matrix Preprocessor::transformFeatures(const Table& table,
                                       const std::vector<std::uint32_t>& rows) const {
  Matrix x(rows.size(), featureNames_.size());
  if (images_) {
    if (table.columns.size() != featureNames_.size()) {
      throw DataError(table.source + ": expected " + std::to_string(featureNames_.size()) +
                      " pixel columns, found " + std::to_string(table.columns.size()));
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        x(i, c) = static_cast<float>(table.columns[c].numbers[rows[i]] / 255.0);
      }
    }
    return x;
  }
  // Looked up by name once: a scan per input was quadratic in the columns (50,000: 8 s).
  std::unordered_map<std::string_view, std::size_t> columnIndex;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    columnIndex.try_emplace(table.columns[c].name, c);
  }
  std::size_t feature = 0;
  for (const auto& in : inputs_) {
    const auto found = columnIndex.find(in.column);
    if (found == columnIndex.end()) {
      throw DataError(table.source + ": the model needs column '" + in.column +
                      "', which the file does not have");
    }
    const Column& column = table.columns[found->second];
    if (in.categorical) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::size_t r = rows[i];
        const std::string& value = column.kind == Column::Kind::Categorical
                                       ? (column.isMissing(r) ? in.fillCategory : column.text[r])
                                       : in.fillCategory;
        auto it = std::lower_bound(in.categories.begin(), in.categories.end(), value);
        if (it != in.categories.end() && *it == value) {
          x(i, feature + static_cast<std::size_t>(it - in.categories.begin())) = 1.0F;
        }
      }
      feature += in.categories.size();
    } else {
      if (column.kind != Column::Kind::Numeric) {
        throw DataError(table.source + ": column '" + in.column +
                        "' was numeric when the model was trained, but holds text here");
      }
      for (std::size_t i = 0; i < rows.size(); ++i) {
        double v = column.numbers[rows[i]];
        if (std::isnan(v)) v = in.fill;
        x(i, feature) = static_cast<float>((v - in.offset) * in.scale);
      }
      ++feature;
    }
  }
  return x;
}

Matrix Preprocessor::transformFeatures(const Table& table) const {
  std::vector<std::uint32_t> rows(table.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::uint32_t>(i);
  return transformFeatures(table, rows);
}

int Preprocessor::classId(const std::string& label) const {
  auto it = std::find(classNames_.begin(), classNames_.end(), label);
  return it == classNames_.end() ? -1 : static_cast<int>(it - classNames_.begin());
}

Matrix Preprocessor::encodeTargets(const Table& table,
                                   const std::vector<std::uint32_t>& rows) const {
  const std::size_t index = table.find(targetName_);
  if (index == static_cast<std::size_t>(-1)) {
    throw DataError(table.source + ": no target column '" + targetName_ + "'");
  }
  const Column& column = table.columns[index];
  Matrix y(rows.size(), 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t r = rows[i];
    if (task_ == TaskKind::Regression) {
      y(i, 0) = static_cast<float>((column.numbers[r] - targetOffset_) * targetScale_);
      continue;
    }
    const int id = classId(labelText(column, r));
    if (id < 0) {
      throw DataError(table.source + ":" + std::to_string(table.lines[r]) + ": unknown class '" +
                      labelText(column, r) + "'");
    }
    y(i, 0) = static_cast<float>(id);
  }
  return y;
}

void Preprocessor::inverseTargets(MatrixView values) const {
  for (std::size_t r = 0; r < values.rows; ++r) {
    for (auto& v : values.row(r)) v = targetScaling().undo(v);
  }
}

nlohmann::json Preprocessor::toJson() const {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& in : inputs_) {
    inputs.push_back({{"column", in.column},
                      {"categorical", in.categorical},
                      {"fill", in.fill},
                      {"fill_category", in.fillCategory},
                      {"offset", in.offset},
                      {"scale", in.scale},
                      {"categories", in.categories}});
  }
  return {{"inputs", inputs},
          {"feature_names", featureNames_},
          {"class_names", classNames_},
          {"target", targetName_},
          {"task", std::string(taskName(task_))},
          {"target_offset", targetOffset_},
          {"target_scale", targetScale_},
          {"images", images_},
          {"sample_shape", sampleShape_.dims}};
}

Preprocessor Preprocessor::fromJson(const nlohmann::json& json) {
  Preprocessor p;
  try {
    for (const auto& in : json.at("inputs")) {
      p.inputs_.push_back({in.at("column").get<std::string>(), in.at("categorical").get<bool>(),
                           in.at("fill").get<double>(), in.at("fill_category").get<std::string>(),
                           in.at("offset").get<double>(), in.at("scale").get<double>(),
                           in.at("categories").get<std::vector<std::string>>()});
    }
    p.featureNames_ = json.at("feature_names").get<std::vector<std::string>>();
    p.classNames_ = json.at("class_names").get<std::vector<std::string>>();
    p.targetName_ = json.at("target").get<std::string>();
    p.task_ = parseTask(json.at("task").get<std::string>());
    p.targetOffset_ = json.at("target_offset").get<double>();
    p.targetScale_ = json.at("target_scale").get<double>();
    p.images_ = json.at("images").get<bool>();
    p.sampleShape_ = Shape(json.at("sample_shape").get<std::vector<std::size_t>>());
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("the saved preprocessing is damaged: ") + e.what());
  }
  return p;
}

}  // namespace tunelab
