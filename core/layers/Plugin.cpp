// The bundled layer plugin: the standard layers, registered through the public plugin ABI.
#include "core/layers/StandardLayers.h"
#include "plugins/PluginApi.h"

namespace {

void registerAll(tunelab::Registrar& registrar) {
  tunelab::LayerRegistry layers;
  tunelab::registerStandardLayers(layers);
  for (const auto& type : layers.types()) registrar.addLayer(type, layers.get(type));
}

}  // namespace

TUNELAB_PLUGIN("tunelab-layers", TUNELAB_VERSION_STRING, registerAll)
