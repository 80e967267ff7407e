// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so every
// preset (release, asan, tsan) builds the targets and re-runs the inputs that once crashed or
// hung them (tests/fuzz/seeds/<target>): `replay_<target> FILE_OR_DIRECTORY...`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

// libFuzzer names the entry point.
extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputsIn(const std::filesystem::path& path) {
  if (!std::filesystem::is_directory(path)) return {path};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // targets keep state between inputs: one order
  return files;
}

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::cout << "replay: " << file.string() << " (" << bytes.size() << " bytes)" << std::endl;
  static const std::uint8_t kNone = 0;  // libFuzzer never passes a null pointer, even for none
  LLVMFuzzerTestOneInput(
      bytes.empty() ? &kNone : reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  try {
    for (int i = 1; i < argc; ++i) {
      for (const auto& file : inputsIn(argv[i])) {
        replay(file);
        ++replayed;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "replay: " << e.what() << '\n';
    return 1;
  }
  if (replayed == 0) {
    std::cerr << "replay: no input given\n";
    return 1;
  }
  std::cout << "replay: " << replayed << " inputs, none crashed\n";
  return 0;
}
