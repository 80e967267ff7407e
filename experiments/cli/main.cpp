// The tunelab command: one sub-command per task (train, ...), each with --help.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/Options.h"
#include "experiments/cli/BestCommand.h"
#include "experiments/cli/CompareCommand.h"
#include "experiments/cli/ExitCode.h"
#include "experiments/cli/ExportCommand.h"
#include "experiments/cli/ExportModelCommand.h"
#include "experiments/cli/PluginsCommand.h"
#include "experiments/cli/PredictCommand.h"
#include "experiments/cli/RunCommand.h"
#include "experiments/cli/StatusCommand.h"
#include "experiments/cli/TrainCommand.h"
#include "experiments/cli/Version.h"
#include "experiments/distributed/Cluster.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: tunelab <command> [options]\n"
    "\n"
    "commands:\n"
    "  run <experiment.yaml>     run (or resume) the study an experiment file describes\n"
    "  status <exp.yaml|db>      trials by status, the best so far, what resumes\n"
    "  best <exp.yaml|db>        the best trials with their parameters and test metrics\n"
    "  export <exp.yaml|db>      every trial (and epoch) as CSV or JSON; the report or its charts\n"
    "  compare <exp.yaml|db>     which backend is faster on the study's model, and do they agree\n"
    "  train <experiment.yaml>   train the one model an experiment file describes\n"
    "  predict <model> <data.csv>  predictions of a saved model (best_model.tunelab of a study)\n"
    "  export-model <model>      a saved model, preprocessing included, as an ONNX file\n"
    "  plugins                   list the plugins, what they add, and files refused\n"
    "  backends                  list the compute backends, their libraries and kernels\n"
    "  version                   print the version\n"
    "\n"
    "Run 'tunelab <command> --help' for the options of a command.\n"
    "Exit codes: 0 ok, 1 internal error, 2 bad input, 3 training diverged, 4 output not "
    "written, 5 no trial completed, 130 interrupted (run again to resume).\n";

// Parses `arguments` with `options` plus `count` positional arguments (`what`, stored in
// `positionals`). Returns an exit code when the command must end here (--help, a bad flag, a
// missing positional), nothing when it goes on.
std::optional<int> parseCommandLine(const std::string& command,
                                    const std::vector<std::string>& arguments,
                                    const po::options_description& options, const std::string& what,
                                    std::vector<std::string>& positionals, int count) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value(&positionals));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("positional", count);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: tunelab " << command << ": " << e.what() << "\n\n" << options << "\n";
    return tunelab::kExitBadInput;
  }
  if (vm.count("help") != 0U) {
    std::cout << options << "\n";
    return tunelab::kExitOk;
  }
  if (positionals.size() != static_cast<std::size_t>(count)) {
    std::cerr << "error: tunelab " << command << " needs " << what << "\n\n" << options << "\n";
    return tunelab::kExitBadInput;
  }
  return std::nullopt;
}

std::optional<int> parseCommandLine(const std::string& command,
                                    const std::vector<std::string>& arguments,
                                    const po::options_description& options, const std::string& what,
                                    std::string& positional) {
  std::vector<std::string> positionals;
  auto done = parseCommandLine(command, arguments, options, what, positionals, 1);
  if (!done) positional = positionals.front();
  return done;
}

// The options every command that reads an experiment file takes.
struct FileOptions {
  std::vector<std::string> overrides;
  std::vector<std::string> dataDirs;
  std::vector<std::string> pluginDirs;

  void addTo(po::options_description& options, const std::string& setExample) {
    options.add_options()("help,h", "show this help")(
        "set", po::value(&overrides)->composing(),
        ("override a key of the file, e.g. --set " + setExample + " (repeatable)").c_str())(
        "data-dir", po::value(&dataDirs)->composing(),
        "a directory to look for data sets in first (repeatable); then $TUNELAB_DATA_DIR")(
        "plugin-dir", po::value(&pluginDirs)->composing(),
        "a directory to load plugins from (repeatable); then $TUNELAB_PLUGIN_PATH");
  }
  template <typename Args>
  void copyTo(Args& args) const {
    args.overrides = overrides;
    args.dataDirs.assign(dataDirs.begin(), dataDirs.end());
    args.pluginDirs.assign(pluginDirs.begin(), pluginDirs.end());
  }
};

int trainCommand(const std::vector<std::string>& arguments) {
  tunelab::TrainArguments args;
  FileOptions common;
  std::string experiment;
  std::string output;
  po::options_description options("tunelab train <experiment.yaml> [options]");
  common.addTo(options, "train.epochs=5");
  options.add_options()("output,o", po::value(&output),
                        "where to write history.csv (default runs/<name>)")(
      "quiet,q", po::bool_switch(&args.quiet), "no line per epoch");
  if (auto done = parseCommandLine("train", arguments, options, "an experiment file", experiment)) {
    return *done;
  }
  common.copyTo(args);
  args.experiment = experiment;
  args.output = output;
  return tunelab::runTrain(args, std::cout, std::cerr);
}

int predictCommand(const std::vector<std::string>& arguments) {
  tunelab::PredictArguments args;
  std::vector<std::string> files;
  std::string output;
  std::vector<std::string> pluginDirs;
  po::options_description options("tunelab predict <model.tunelab> <data.csv> [options]");
  options.add_options()("help,h", "show this help")(
      "output,o", po::value(&output),
      "the predictions CSV to write (default predictions.csv); - writes it to standard output")(
      "plugin-dir", po::value(&pluginDirs)->composing(),
      "a directory to load plugins from (repeatable); then $TUNELAB_PLUGIN_PATH");
  if (auto done = parseCommandLine("predict", arguments, options, "a model file and a CSV file",
                                   files, 2)) {
    return *done;
  }
  args.model = files[0];
  args.data = files[1];
  args.output = output;
  args.pluginDirs.assign(pluginDirs.begin(), pluginDirs.end());
  return tunelab::runPredict(args, std::cout, std::cerr);
}

int exportModelCommand(const std::vector<std::string>& arguments) {
  tunelab::ExportModelArguments args;
  std::string model;
  std::string output;
  std::vector<std::string> pluginDirs;
  po::options_description options(
      "tunelab export-model <model.tunelab> [-o model.onnx] [options]\n"
      "Writes the model as ONNX (opset 17): inputs 'features' (the numeric columns, raw, NaN\n"
      "where missing) and one string input per categorical column; output 'probabilities' or\n"
      "'predictions' (in the target's units), as tunelab predict gives them.\n"
      "Options");
  options.add_options()("help,h", "show this help")(
      "output,o", po::value(&output),
      "the ONNX file to write; - writes it to standard output (default: the model's path "
      "with .onnx)")("plugin-dir", po::value(&pluginDirs)->composing(),
                     "a directory to load plugins from (repeatable); then $TUNELAB_PLUGIN_PATH");
  if (auto done = parseCommandLine("export-model", arguments, options, "a model file", model)) {
    return *done;
  }
  args.model = model;
  args.output = output;
  args.pluginDirs.assign(pluginDirs.begin(), pluginDirs.end());
  return tunelab::runExportModel(args, std::cout, std::cerr);
}

int runCommand(const std::vector<std::string>& arguments) {
  tunelab::RunArguments args;
  FileOptions common;
  std::string experiment;
  po::options_description options("tunelab run <experiment.yaml> [options]");
  common.addTo(options, "execution.parallel_trials=1");
  options.add_options()("new-study", po::bool_switch(&args.newStudy),
                        "discard the study stored in execution.storage and start over")(
      "dry-run", po::bool_switch(&args.dryRun),
      "check the whole study, print its space, trials, data, models and threads; run nothing");
  if (auto done = parseCommandLine("run", arguments, options, "an experiment file", experiment)) {
    return *done;
  }
  common.copyTo(args);
  args.experiment = experiment;
  args.progressBar = isatty(STDOUT_FILENO) != 0;
  return tunelab::runStudy(args, std::cout, std::cerr);
}

// status, best, export and compare: read a stored study, named by its experiment file or db.
int studyCommand(const std::string& command, const std::vector<std::string>& arguments) {
  tunelab::StudyLocation where;
  std::string path;
  std::size_t count = 5;
  std::string format = "csv";
  std::string output;
  double tolerance = tunelab::kDefaultValLossTolerance;
  po::options_description options("tunelab " + command + " <experiment.yaml | study.db> [options]");
  options.add_options()("help,h", "show this help")(
      "set", po::value(&where.overrides)->composing(),
      "override a key of the file, as given to tunelab run (repeatable)");
  if (command == "best") options.add_options()("count,n", po::value(&count), "how many trials (5)");
  if (command == "export") {
    options.add_options()("format", po::value(&format),
                          "csv (default), json, html (a report with every trial's curves), or png "
                          "(the report's charts as images, drawn by headless Chromium; the "
                          "argument may also be a report.html, tunelab train's included)")(
        "output,o", po::value(&output),
        "the file to write (default trials.csv / .json / .html; - : standard output), or with "
        "png the directory (default plots)");
  }
  if (command == "compare") {
    options.add_options()(
        "tolerance", po::value(&tolerance),
        "the largest difference in val_loss at the best epoch between backends, as a fraction "
        "of the baseline's, that still counts as agreement (0.01: 1%)");
  }
  if (auto done = parseCommandLine(command, arguments, options,
                                   "an experiment file or a study database", path)) {
    return *done;
  }
  where.path = path;
  if (command == "status") return tunelab::runStatus(where, std::cout, std::cerr);
  if (command == "best") return tunelab::runBest(where, count, std::cout, std::cerr);
  if (command == "compare") return tunelab::runCompare(where, std::cout, std::cerr, tolerance);
  if (output.empty()) output = format == "png" ? "plots" : "trials." + format;
  if (command == "export" && format == "png" &&
      std::filesystem::path(path).extension() == ".html") {
    return tunelab::runExportReportPngs(path, output, std::cout, std::cerr);
  }
  return tunelab::runExport(where, format, output, std::cout, std::cerr);
}

int pluginsCommand(const std::vector<std::string>& arguments, bool backends) {
  std::vector<std::string> pluginDirs;
  po::options_description options(backends ? "tunelab backends [options]"
                                           : "tunelab plugins [options]");
  options.add_options()("help,h", "show this help")(
      "plugin-dir", po::value(&pluginDirs)->composing(),
      "a directory to load plugins from first (repeatable); then $TUNELAB_PLUGIN_PATH");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(arguments).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: tunelab " << (backends ? "backends" : "plugins") << ": " << e.what()
              << "\n\n"
              << options << "\n";
    return tunelab::kExitBadInput;
  }
  if (vm.count("help") != 0U) {
    std::cout << options << "\n";
    return tunelab::kExitOk;
  }
  std::vector<std::filesystem::path> dirs(pluginDirs.begin(), pluginDirs.end());
  return backends ? tunelab::runBackends(dirs, std::cout) : tunelab::runPlugins(dirs, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  // OpenMP threads waiting for work sleep instead of spinning: on a busy machine a spinning
  // waiter holds a core its team's other thread needs (a 2-thread Fashion-MNIST epoch took 2x
  // as long as on 1 thread; sleeping, it is faster than 1 thread, bench/RESULTS.md). libgomp
  // reads this when the backend plugins load it, after this line; the user's own setting wins.
  setenv("OMP_WAIT_POLICY", "passive", 0);
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" ||
      arguments[0] == "help") {
    std::cout << kUsage;
    return arguments.empty() ? tunelab::kExitBadInput : tunelab::kExitOk;
  }
  const std::string command = arguments[0];
  arguments.erase(arguments.begin());
  try {
    if (command == "train") return trainCommand(arguments);
    if (command == "run") return runCommand(arguments);
    if (command == "predict") return predictCommand(arguments);
    if (command == "export-model") return exportModelCommand(arguments);
    if (command == "status" || command == "best" || command == "export" || command == "compare") {
      return studyCommand(command, arguments);
    }
    if (command == "plugins") return pluginsCommand(arguments, false);
    if (command == "backends") return pluginsCommand(arguments, true);
    if (command == "version" || command == "--version") {
      const std::string mpi = tunelab::Cluster::mpiLibrary();
      std::cout << tunelab::versionString() << "\n"
                << "MPI: "
                << (mpi.empty() ? "not built in (no MPI library was found at build time)"
                                : mpi + " (mpirun -np N tunelab run exp.yaml)")
                << "\n";
      return tunelab::kExitOk;
    }
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return tunelab::kExitInternal;
  }
  std::cerr << "error: unknown command '" << command << "'";
  if (auto near = tunelab::nearestName(
          command, {"run", "status", "best", "export", "compare", "train", "predict",
                    "export-model", "plugins", "backends", "version"});
      !near.empty()) {
    std::cerr << " (did you mean '" << near << "'?)";
  }
  std::cerr << "\n\n" << kUsage;
  return tunelab::kExitBadInput;
}
