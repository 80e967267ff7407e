#include "experiments/cli/Version.h"

namespace tunelab {

std::string versionString() { return "tunelab " TUNELAB_VERSION; }

}  // namespace tunelab
