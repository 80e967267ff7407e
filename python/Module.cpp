#include <dlfcn.h>
#include <pybind11/pybind11.h>

#include <filesystem>

#include "plugins/PluginHost.h"
#include "python/Bindings.h"

namespace py = pybind11;

namespace {

// The bundled plugins sit at the same place relative to this module in the build tree and
// after cmake --install (lib/tunelab/plugins beside lib/python3/dist-packages/tunelab).
std::filesystem::path bundledPluginDirectory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&bundledPluginDirectory), &info) == 0 ||
      info.dli_fname == nullptr) {
    return {};
  }
  const std::filesystem::path module = std::filesystem::absolute(info.dli_fname);
  return (module.parent_path() / TUNELAB_PYTHON_PLUGIN_RELATIVE_DIR).lexically_normal();
}

}  // namespace

PYBIND11_MODULE(_core, module) {
  module.doc() = "tunelab's engine: the bindings tunelab/__init__.py builds its API on";
  py::register_exception<tunelab::python::TunelabFailure>(module, "TunelabError",
                                                          PyExc_RuntimeError);
  tunelab::PluginHost::setBundledDirectory(bundledPluginDirectory());
  tunelab::python::bindRun(module);
  tunelab::python::bindStudy(module);
  tunelab::python::bindModel(module);
  tunelab::python::bindOptimize(module);
}
