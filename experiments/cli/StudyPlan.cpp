#include "experiments/cli/StudyPlan.h"

#include <ostream>
#include <sstream>

#include "experiments/study/StudyRunner.h"
#include "search/SearchSpace.h"

namespace tunelab {

namespace {

std::string describe(const Parameter& p) {
  std::ostringstream text;
  switch (p.kind) {
    case Parameter::Kind::Constant:
      text << "= " << shownValue(p.values.front());
      break;
    case Parameter::Kind::Categorical:
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        text << (i == 0 ? "{" : ", ") << shownValue(p.values[i]);
      }
      text << "}";
      break;
    case Parameter::Kind::Int:
    case Parameter::Kind::Float:
      text << "[" << shownValue(p.valueAt(0)) << ", "
           << shownValue(p.finite() ? p.valueAt(p.cardinality() - 1) : nlohmann::json(p.max)) << "]"
           << (p.kind == Parameter::Kind::Int ? " int" : "") << (p.log ? " log" : "");
      if (p.step > 0) text << " q=" << p.step;
      break;
  }
  if (p.conditional()) {
    text << " when " << p.whenParent << " in " << nlohmann::json(p.whenValues).dump();
  }
  return text.str();
}

std::string trialCount(const StudySpec& study) {
  if (const auto total = expectedTrials(study)) return std::to_string(*total);
  return study.space.finite() ? "more than 100000" : "unbounded";
}

void printModel(std::ostream& out, const char* which, const ProbedModel& model) {
  out << which << " model: " << model.model.parameters << " parameters at " << model.params.dump()
      << "\n"
      << model.model.summary << "\n";
}

}  // namespace

void printStudyPlan(std::ostream& out, const StudyPlan& plan) {
  const StudySpec& study = plan.study;
  out << "Study '" << study.name << "': " << study.strategy << " search, metric"
      << (study.extraObjectives.empty() ? " " : "s ") << describeObjectives(study) << "\n";
  if (!study.strategyReason.empty()) {
    out << "Strategy: auto chose " << study.strategy << ": " << study.strategyReason << "\n";
  }
  out << "Space:\n";
  for (const auto& p : study.space.parameters())
    out << "  " << p.name << " " << describe(p) << "\n";
  out << "Trials: " << trialCount(study) << "\n";
  if (plan.data != nullptr) {
    const PreparedData& data = *plan.data;
    out << "Data: " << data.resolvedSource.string() << ": " << taskName(data.train.task) << ", "
        << data.train.sampleShape.elements() << " features " << data.train.sampleShape.toString()
        << "; train " << data.train.size() << ", validation " << data.validation.size() << ", test "
        << data.test.size() << " rows\n";
  }
  if (plan.check != nullptr) {
    out << "Checked " << plan.check->points << " points of the space\n";
    printModel(out, "Smallest", plan.check->smallest);
    printModel(out, "Largest", plan.check->largest);
  }
  out << "Backend: ";
  for (std::size_t i = 0; i < study.execution.backends.size(); ++i) {
    out << (i > 0 ? ", " : "") << study.execution.backends[i];
  }
  out << "; " << plan.budget.parallelTrials << " parallel trials x " << plan.budget.threadsPerTrial
      << " threads per trial\n";
}

}  // namespace tunelab
