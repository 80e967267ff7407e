#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>
#include <sstream>

#include "experiments/cli/RunCommand.h"
#include "python/Bindings.h"
#include "python/Failures.h"
#include "python/PythonStream.h"

namespace py = pybind11;

namespace tunelab::python {

namespace {

// `tunelab run`: the same steps, messages and exit codes; trials train without the GIL.
void runStudyFile(const RunArguments& args, bool quiet) {
  std::ostringstream discarded;
  std::optional<PythonLineStream> shown;
  if (!quiet) shown.emplace(py::module_::import("sys").attr("stdout"));
  std::ostream& out = quiet ? static_cast<std::ostream&>(discarded) : *shown;
  std::ostringstream err;
  int code = 0;
  {
    const py::gil_scoped_release released;
    code = runStudy(args, out, err);
    out.flush();
  }
  raiseForExit(code, err.str());
}

}  // namespace

void bindRun(py::module_& module) {
  module.def(
      "run_study",
      [](const std::filesystem::path& experiment, const std::vector<std::string>& overrides,
         const std::vector<std::filesystem::path>& dataDirs,
         const std::vector<std::filesystem::path>& pluginDirs, bool newStudy, bool quiet) {
        RunArguments args;
        args.experiment = experiment;
        args.overrides = overrides;
        args.dataDirs = dataDirs;
        args.pluginDirs = pluginDirs;
        args.newStudy = newStudy;
        runStudyFile(args, quiet);
      },
      py::arg("experiment"), py::arg("overrides"), py::arg("data_dirs"), py::arg("plugin_dirs"),
      py::arg("new_study"), py::arg("quiet"),
      "Runs (or resumes) a study as `tunelab run` does; raises TunelabError with its message.");
}

}  // namespace tunelab::python
