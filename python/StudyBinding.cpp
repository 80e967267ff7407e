#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>

#include "core/Error.h"
#include "experiments/cli/StoredStudy.h"
#include "experiments/report/ResultsTable.h"
#include "python/Bindings.h"
#include "python/JsonObjects.h"

namespace py = pybind11;

namespace tunelab::python {

namespace {

// Opens the study as `tunelab export` does; its errors become TunelabError.
template <typename Body>
auto withStudy(const std::filesystem::path& path, const std::vector<std::string>& overrides,
               Body body) {
  try {
    StoredStudy study;
    openStoredStudy({path, overrides}, study);
    return body(study);
  } catch (const Error& e) {
    throw TunelabFailure(e.what());
  }
}

// The trials as `tunelab export --format csv` writes them: the same columns, typed values.
py::dict table(StoredStudy& study) {
  const auto trials = study.trials();
  const ResultsTable results = resultsTable(trials, &study.spec);
  py::list rows;
  for (const auto& row : results.rows) {
    py::list cells;
    for (const auto& cell : row) cells.append(toPython(cell));
    rows.append(cells);
  }
  const auto ranked = rankTrials(trials, study.spec);
  py::dict answer;
  answer["columns"] = results.columns;
  answer["rows"] = rows;
  answer["name"] = study.spec.name;
  answer["metric"] = study.spec.metric.name;
  answer["goal"] = study.spec.metric.goalName();
  answer["backend"] = primaryBackend(study.spec);
  answer["best_trial"] = ranked.empty() ? py::object(py::none()) : py::int_(ranked.front().id);
  return answer;
}

// One row per epoch: epoch, seconds, learning_rate and every value the epoch recorded.
py::list history(StoredStudy& study, TrialId trial, const std::optional<std::string>& backend) {
  const std::string& on = backend ? *backend : primaryBackend(study.spec);
  bool found = false;
  for (const auto& t : study.store->trials()) found = found || (t.id == trial && t.backend == on);
  if (!found) {
    throw TunelabFailure("the study has no trial " + std::to_string(trial) + " on backend '" + on +
                         "'");
  }
  py::list rows;
  for (const auto& epoch : study.store->epochs(trial, on)) {
    py::dict row;
    row["epoch"] = epoch.epoch;
    row["seconds"] = epoch.seconds;
    row["learning_rate"] = epoch.learningRate;
    for (const auto& [name, value] : epoch.values) row[py::str(name)] = value;
    rows.append(row);
  }
  return rows;
}

}  // namespace

void bindStudy(py::module_& module) {
  module.def(
      "study_table",
      [](const std::filesystem::path& path, const std::vector<std::string>& overrides) {
        return withStudy(path, overrides, [](StoredStudy& s) { return table(s); });
      },
      py::arg("path"), py::arg("overrides"),
      "The study's trials: columns and rows as `tunelab export` writes them, and its metric.");
  module.def(
      "study_history",
      [](const std::filesystem::path& path, const std::vector<std::string>& overrides,
         TrialId trial, const std::optional<std::string>& backend) {
        return withStudy(path, overrides,
                         [&](StoredStudy& s) { return history(s, trial, backend); });
      },
      py::arg("path"), py::arg("overrides"), py::arg("trial"), py::arg("backend"),
      "The epochs a trial recorded.");
}

}  // namespace tunelab::python
