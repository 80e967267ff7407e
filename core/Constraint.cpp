// Keras' weight constraints: reading them, and projecting a weight onto them.
#include "core/Constraint.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/Error.h"
#include "core/Options.h"

namespace tunelab {

namespace {

constexpr double kEpsilon = 1e-7;  // Keras' backend.epsilon(), added to every norm

// Keras' class names, as keras.constraints.get also takes them.
constexpr std::array kConstraintAliases = {
    NameAlias{"MaxNorm", "max_norm"}, NameAlias{"NonNeg", "non_neg"},
    NameAlias{"UnitNorm", "unit_norm"}, NameAlias{"MinMaxNorm", "min_max_norm"}};

const KerasNames& kerasConstraints() {
  static const KerasNames kKnown{
      "constraint", {"max_norm", "non_neg", "unit_norm", "min_max_norm"}, kConstraintAliases, ""};
  return kKnown;
}

std::size_t readAxis(const nlohmann::json& value, std::size_t rank) {
  const auto r = static_cast<long long>(rank);
  if (!value.is_number_integer() || value.get<long long>() < -r || value.get<long long>() >= r) {
    throw ConfigError("axis", "must be an integer in [" + std::to_string(-r) + ", " +
                                  std::to_string(r - 1) + "] for a weight of " +
                                  std::to_string(rank) + " dimension" + (rank > 1 ? "s" : "") +
                                  ", got " + value.dump());
  }
  const long long axis = value.get<long long>();
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

// Keras' `axis`: one axis or a list of them; negative ones count from the end.
std::vector<std::size_t> readAxes(Options& o, std::size_t rank) {
  const nlohmann::json& value = o.raw("axis");
  if (value.is_null()) return {0};
  if (!value.is_array()) return {readAxis(value, rank)};
  if (value.empty()) throw ConfigError("axis", "must list at least one axis");
  std::vector<std::size_t> axes;
  for (const auto& a : value) axes.push_back(readAxis(a, rank));
  return axes;
}

void readArguments(Constraint& c, const std::string& name, Options& o, std::size_t rank) {
  constexpr Range kNorm{.min = 0};
  if (name == "non_neg") {
    c.kind = ConstraintKind::NonNeg;
    return;
  }
  if (name == "max_norm") {
    c.kind = ConstraintKind::MaxNorm;
    c.maxValue = o.number("max_value", 2.0, kNorm);
  } else if (name == "unit_norm") {
    c.kind = ConstraintKind::UnitNorm;
  } else {
    c.kind = ConstraintKind::MinMaxNorm;
    c.minValue = o.number("min_value", 0.0, kNorm);
    c.maxValue = o.number("max_value", 1.0, kNorm);
    c.rate = o.number("rate", 1.0, {.min = 0, .max = 1});
    if (c.maxValue < c.minValue) throw ConfigError("max_value", "must not be below min_value");
  }
  c.axes = readAxes(o, rank);
}

// The factor that takes a group of weights of norm `norm` to the norm Keras wants.
double rescale(const Constraint& c, double norm) {
  switch (c.kind) {
    case ConstraintKind::MaxNorm:
      return std::clamp(norm, 0.0, c.maxValue) / (kEpsilon + norm);
    case ConstraintKind::UnitNorm:
      return 1.0 / (kEpsilon + norm);
    case ConstraintKind::MinMaxNorm: {
      const double desired =
          c.rate * std::clamp(norm, c.minValue, c.maxValue) + (1.0 - c.rate) * norm;
      return desired / (kEpsilon + norm);
    }
    default:
      return 1.0;
  }
}

}  // namespace

std::vector<std::string> constraintNames() { return kerasConstraints().names; }

void Constraint::apply(std::span<float> weights, const Shape& shape) const {
  if (kind == ConstraintKind::None) return;
  if (kind == ConstraintKind::NonNeg) {
    for (float& w : weights) w = std::max(w, 0.0F);
    return;
  }
  // The weight as rows x cols (a vector is one column); one norm per group of the cells that
  // share their coordinates on the axes that are not reduced. A group at a time, its squares
  // summed in row-major order: this runs after every step, and allocates nothing.
  const std::size_t rows = shape.dims.empty() ? 1 : shape.dims[0];
  const std::size_t cols = shape.dims.size() > 1 ? shape.dims[1] : 1;
  const bool acrossRows = std::find(axes.begin(), axes.end(), 0) != axes.end();
  const bool acrossCols =
      shape.dims.size() < 2 || std::find(axes.begin(), axes.end(), 1) != axes.end();
  for (std::size_t gr = 0; gr < (acrossRows ? 1 : rows); ++gr) {
    for (std::size_t gc = 0; gc < (acrossCols ? 1 : cols); ++gc) {
      const std::size_t rowEnd = acrossRows ? rows : gr + 1;
      const std::size_t colEnd = acrossCols ? cols : gc + 1;
      double squares = 0.0;
      for (std::size_t r = acrossRows ? 0 : gr; r < rowEnd; ++r) {
        for (std::size_t c = acrossCols ? 0 : gc; c < colEnd; ++c) {
          const double w = weights[r * cols + c];
          squares += w * w;
        }
      }
      const double factor = rescale(*this, std::sqrt(squares));
      for (std::size_t r = acrossRows ? 0 : gr; r < rowEnd; ++r) {
        for (std::size_t c = acrossCols ? 0 : gc; c < colEnd; ++c) {
          float& w = weights[r * cols + c];
          w = static_cast<float>(w * factor);
        }
      }
    }
  }
}

Constraint parseConstraint(const nlohmann::json& spec, std::size_t rank) {
  static const nlohmann::json kNoOptions = nlohmann::json::object();
  if (spec.is_null()) return {};
  const bool fromObject = !spec.is_string();
  Options o(fromObject ? spec : kNoOptions, "a constraint");
  const std::string name = canonicalName(fromObject ? o.string("type") : spec.get<std::string>(),
                                         kerasConstraints(), fromObject ? "type" : "");
  Constraint c;
  readArguments(c, name, o, rank);
  o.finish();
  return c;
}

}  // namespace tunelab
