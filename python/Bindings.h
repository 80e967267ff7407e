#pragma once

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

// The Python module tunelab._core: thin bindings over the engine the tunelab executable runs.
// python/tunelab/__init__.py builds the user-facing API (DataFrames, Study) on top of it.
namespace tunelab::python {

/// A failure the CLI would print as "error: ..."; raised in Python as tunelab.TunelabError
/// with the same text (file:line:col where the CLI gives it).
class TunelabFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void bindRun(pybind11::module_& module);
void bindStudy(pybind11::module_& module);
void bindModel(pybind11::module_& module);
void bindOptimize(pybind11::module_& module);

}  // namespace tunelab::python
