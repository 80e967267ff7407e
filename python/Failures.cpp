#include "python/Failures.h"

#include <pybind11/pybind11.h>

#include "experiments/cli/ExitCode.h"
#include "python/Bindings.h"

namespace py = pybind11;

namespace tunelab::python {

namespace {

std::string withoutErrorPrefix(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::string prefix = "error: ";
  if (text.starts_with(prefix)) text.erase(0, prefix.size());
  return text;
}

}  // namespace

void raiseForExit(int exitCode, const std::string& errorText) {
  if (exitCode == kExitOk) {
    if (!errorText.empty()) py::module_::import("sys").attr("stderr").attr("write")(errorText);
    return;
  }
  if (exitCode == kExitInterrupted) {
    PyErr_SetString(PyExc_KeyboardInterrupt, "the study was interrupted; run it again to resume");
    throw py::error_already_set();
  }
  throw TunelabFailure(withoutErrorPrefix(errorText));
}

}  // namespace tunelab::python
