// tunelab-plugin-probe PLUGIN: loads one plugin as tunelab does and prints a line once it has
// registered. tunelab runs it in a child process before loading a plugin itself, so a plugin
// that exits, aborts, crashes or hangs while loading ends this process instead of tunelab.
#include <iostream>

#include "plugins/PluginHost.h"
#include "plugins/PluginProbe.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tunelab-plugin-probe PLUGIN.so\n"
                 "(tunelab runs this to try a plugin in a separate process before loading it)\n";
    return 2;
  }
  tunelab::PluginHost host(
      tunelab::PluginProbeSettings{.mode = tunelab::PluginProbeSettings::Mode::Off});
  host.loadFile(argv[1]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  // Flushed before the plugin is unloaded: a crash while unloading is told apart.
  std::cout << tunelab::kProbeSurvivedLine << std::endl;
  return 0;
}
