#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/Graph.h"
#include "core/Matrix.h"
#include "core/data/Table.h"
#include "experiments/files/ModelFile.h"

namespace tunelab {

class PluginHost;

/// A saved model ready to predict: its layers rebuilt from its experiment and given its
/// weights, with the preprocessing fitted on its training rows.
class LoadedModel {
 public:
  /// Throws DataError naming `file` when the weights do not fit the layers, ConfigError for
  /// a layer this tunelab cannot build (a plugin's, without --plugin-dir).
  LoadedModel(SavedModel saved, const PluginHost& plugins, const std::filesystem::path& file);
  ~LoadedModel();
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  const SavedModel& saved() const { return saved_; }
  /// The layers with the saved weights, as predict() applies them (the output activation a
  /// fused loss took over is graph().outputActivation()).
  const Graph& graph() const;
  /// The experiment's layers, one per graph() layer (repeat: blocks expanded).
  const std::vector<LayerSpec>& layerSpecs() const;
  /// One row per input row: the class probabilities, or the value in the target's own units.
  Matrix predict(const Table& table);
  /// Loss and metrics on the rows, when the table holds the target column.
  std::optional<std::map<std::string, double>> evaluate(const Table& table);

 private:
  struct Impl;
  SavedModel saved_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tunelab
