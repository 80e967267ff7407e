#pragma once

#include <string>

namespace tunelab::python {

/// Raises what a CLI command's exit code and error text mean in Python: nothing for 0,
/// KeyboardInterrupt for an interrupted study (130), else TunelabFailure with the text the CLI
/// printed (without its "error: " prefix). Warnings of a successful command go to sys.stderr.
/// Call with the GIL.
void raiseForExit(int exitCode, const std::string& errorText);

}  // namespace tunelab::python
