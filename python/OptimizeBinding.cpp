#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <csignal>
#include <optional>
#include <sstream>

#include "core/Error.h"
#include "experiments/store/StudyLock.h"
#include "experiments/study/FunctionStudy.h"
#include "python/Bindings.h"
#include "python/JsonObjects.h"
#include "python/PythonStream.h"

namespace py = pybind11;

namespace tunelab::python {

namespace {

std::atomic<bool> gStopRequested{false};

extern "C" void requestOptimizeStop(int /*signal*/) { gStopRequested = true; }

// Ctrl-C (a notebook's interrupt) stops the study cleanly, as it stops `tunelab run`: Python's
// own handler would only run once the study returned to the interpreter.
class StopOnInterrupt {
 public:
  StopOnInterrupt() : previous_(std::signal(SIGINT, requestOptimizeStop)) {
    gStopRequested = false;
  }
  ~StopOnInterrupt() { std::signal(SIGINT, previous_); }
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

 private:
  void (*previous_)(int);
};

// "ValueError: x must be positive", without the traceback.
std::string describe(const py::error_already_set& e) {
  return py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
         py::str(e.value()).cast<std::string>();
}

// Calls the Python objective with the GIL, from whichever worker runs the trial. It holds
// `function` by reference: the engine copies the wrapper without the GIL.
ObjectiveFunction pythonObjective(const py::function& function) {
  return [&function](const nlohmann::json& params) -> double {
    const py::gil_scoped_acquire gil;
    py::object result;
    try {
      result = function(toPython(params));
    } catch (const py::error_already_set& e) {
      throw Error(describe(e));
    }
    try {
      return result.cast<double>();
    } catch (const py::cast_error&) {
      throw Error("the objective returned " +
                  py::str(result.get_type().attr("__name__")).cast<std::string>() +
                  ", not a number");
    }
  };
}

py::dict optimize(const py::function& function, const std::string& experiment,
                  const std::vector<std::filesystem::path>& pluginDirs, bool newStudy, bool quiet) {
  FunctionStudyArguments args{experiment, "tunelab.optimize", pluginDirs, newStudy, quiet};
  std::ostringstream discarded;
  std::optional<PythonLineStream> shown;
  if (!quiet) shown.emplace(py::module_::import("sys").attr("stdout"));
  std::ostream& out = quiet ? static_cast<std::ostream&>(discarded) : *shown;
  RunSummary summary;
  try {
    const StopOnInterrupt interrupt;
    const py::gil_scoped_release released;
    summary = runFunctionStudy(args, pythonObjective(function), out, gStopRequested);
    out.flush();
  } catch (const Error& e) {
    throw TunelabFailure(e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    throw TunelabFailure("cannot create " + e.path1().string() + ": " + e.code().message());
  }
  if (summary.interrupted) {
    PyErr_SetString(PyExc_KeyboardInterrupt, "the study was interrupted; run it again to resume");
    throw py::error_already_set();
  }
  py::dict answer;
  answer["trials_run"] = summary.trialsRun;
  answer["trials_skipped"] = summary.trialsSkipped;
  answer["seconds"] = summary.seconds;
  return answer;
}

}  // namespace

void bindOptimize(py::module_& module) {
  module.def("optimize", &optimize, py::arg("function"), py::arg("experiment"),
             py::arg("plugin_dirs"), py::arg("new_study"), py::arg("quiet"),
             "Runs a study whose objective is a Python callable; `experiment` holds its search "
             "and execution sections (YAML or JSON text).");
}

}  // namespace tunelab::python
