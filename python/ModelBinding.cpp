#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>

#include "core/Error.h"
#include "experiments/files/ModelFile.h"
#include "experiments/objective/LoadedModel.h"
#include "plugins/PluginHost.h"
#include "python/Bindings.h"
#include "python/JsonObjects.h"

namespace py = pybind11;

namespace tunelab::python {

namespace {

// A saved model with the plugins its layers come from, loaded as `tunelab predict` loads it.
class PythonModel {
 public:
  PythonModel(const std::filesystem::path& file, const std::vector<std::filesystem::path>& dirs)
      : file_(file) {
    plugins_.loadDirectories(PluginHost::searchPath(dirs));
    try {
      SavedModel saved = loadModel(file);
      if (saved.preprocessor.sampleShape().dims.size() > 1) {
        throw DataError(file.string() +
                        ": this model was trained on images; tunelab's Python "
                        "module predicts from tables");
      }
      model_.emplace(std::move(saved), plugins_, file);
    } catch (const ConfigError& e) {
      throw TunelabFailure(file.string() + ": " + e.keyPath() + ": " + e.detail());
    } catch (const Error& e) {
      throw TunelabFailure(e.what());
    }
  }

  py::object preprocessing() const { return toPython(model_->saved().preprocessor.toJson()); }
  py::object info() const { return toPython(model_->saved().info); }

  // Columns by name: a NumPy float64 array (NaN: missing) or a list of str (None: missing).
  py::array_t<double> predict(const std::vector<std::string>& names, const py::list& columns) {
    const Table table = toTable(names, columns);
    Matrix outputs;
    try {
      const py::gil_scoped_release released;
      outputs = model_->predict(table);
    } catch (const Error& e) {
      throw TunelabFailure(e.what());
    }
    py::array_t<double> result({outputs.rows(), outputs.cols()});
    auto cells = result.mutable_unchecked<2>();
    for (std::size_t r = 0; r < outputs.rows(); ++r) {
      for (std::size_t c = 0; c < outputs.cols(); ++c) {
        cells(static_cast<py::ssize_t>(r), static_cast<py::ssize_t>(c)) = outputs(r, c);
      }
    }
    return result;
  }

 private:
  static Column toColumn(const std::string& name, const py::handle& values) {
    Column column;
    column.name = name;
    if (py::isinstance<py::list>(values)) {
      column.kind = Column::Kind::Categorical;
      for (const auto& value : values) {
        column.missing.push_back(value.is_none() ? 1 : 0);
        column.text.push_back(value.is_none() ? std::string() : py::str(value).cast<std::string>());
      }
      return column;
    }
    const auto numbers =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!numbers || numbers.ndim() != 1) {
      throw TunelabFailure("column '" + name + "': expected one value per row");
    }
    column.numbers.assign(numbers.data(), numbers.data() + numbers.size());
    return column;
  }

  static Table toTable(const std::vector<std::string>& names, const py::list& columns) {
    Table table;
    table.source = "the rows given to predict";
    for (std::size_t i = 0; i < names.size(); ++i)
      table.columns.push_back(toColumn(names[i], columns[i]));
    const std::size_t rows = table.columns.empty() ? 0
                             : table.columns.front().kind == Column::Kind::Numeric
                                 ? table.columns.front().numbers.size()
                                 : table.columns.front().text.size();
    for (const auto& c : table.columns) {
      const std::size_t n = c.kind == Column::Kind::Numeric ? c.numbers.size() : c.text.size();
      if (n != rows) throw TunelabFailure("column '" + c.name + "' has another number of rows");
    }
    // Rows counted from 1 as in a file whose first line is the header.
    for (std::size_t r = 0; r < rows; ++r) table.lines.push_back(r + 2);
    return table;
  }

  PluginHost plugins_;  // first: destroyed after the model its plugins built
  std::filesystem::path file_;
  std::optional<LoadedModel> model_;
};

}  // namespace

void bindModel(py::module_& module) {
  py::class_<PythonModel>(module, "Model")
      .def(py::init<const std::filesystem::path&, const std::vector<std::filesystem::path>&>(),
           py::arg("path"), py::arg("plugin_dirs"))
      .def("preprocessing", &PythonModel::preprocessing,
           "The fitted preprocessing: input columns, class names, target, task.")
      .def("info", &PythonModel::info, "Where the model comes from: study, trial, metric.")
      .def("predict", &PythonModel::predict, py::arg("names"), py::arg("columns"),
           "One row of outputs per input row: class probabilities or target values.");
}

}  // namespace tunelab::python
