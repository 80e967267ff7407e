// A model file that is damaged or not tunelab's is refused naming the file, as `tunelab predict`
// and `export-model` say it (exit 2), never an internal error; cases found by tests/fuzz.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"
#include "experiments/files/ModelFile.h"

namespace tunelab {
namespace {

using ::testing::HasSubstr;

// CBOR text string of fewer than 24 bytes.
void appendText(std::vector<std::uint8_t>& bytes, const std::string& text) {
  bytes.push_back(static_cast<std::uint8_t>(0x60U + text.size()));
  bytes.insert(bytes.end(), text.begin(), text.end());
}

// A CBOR map {"format": <format>, "version": <version>} followed by `rest` (more entries).
std::vector<std::uint8_t> modelHeader(std::size_t entries, const std::vector<std::uint8_t>& format,
                                      const std::vector<std::uint8_t>& version) {
  std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(0xA0U + entries)};
  appendText(bytes, "format");
  bytes.insert(bytes.end(), format.begin(), format.end());
  appendText(bytes, "version");
  bytes.insert(bytes.end(), version.begin(), version.end());
  return bytes;
}

std::vector<std::uint8_t> text(const std::string& value) {
  std::vector<std::uint8_t> bytes;
  appendText(bytes, value);
  return bytes;
}

std::string refusal(const std::vector<std::uint8_t>& bytes) {
  try {
    parseModel(bytes, "model.tunelab");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFile, AnArrayClaimingMoreItemsThanMemoryIsADamagedFile) {
  // nlohmann's CBOR reader threw out_of_range (408, excessive array size) though asked not to
  // throw: predict said "internal error".
  auto bytes = modelHeader(3, text("tunelab-model"), {0x01});
  appendText(bytes, "experiment");
  bytes.insert(bytes.end(), {0x9B, 0xE9, 0x3E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  EXPECT_THAT(refusal(bytes), HasSubstr("model.tunelab: damaged model file ("));
}

TEST(ModelFile, AFormatOrVersionOfAnotherTypeIsRefusedNamingTheFile) {
  // A number as the format or a string as the version threw nlohmann's type_error.
  EXPECT_THAT(refusal(modelHeader(2, {0x03}, {0x01})),
              HasSubstr("model.tunelab: not a tunelab model"));
  EXPECT_EQ(refusal(modelHeader(2, text("tunelab-model"), text("1"))),
            "model.tunelab: model format version \"1\", this tunelab reads version 1");
  EXPECT_EQ(refusal(modelHeader(2, text("tunelab-model"), {0x02})),
            "model.tunelab: model format version 2, this tunelab reads version 1");
}

TEST(ModelFile, AModelWithoutItsDataSectionIsADamagedFile) {
  // predict read the section with nlohmann's at(): out_of_range, "internal error".
  for (const nlohmann::json& experiment :
       {nlohmann::json::object(), nlohmann::json::array(), nlohmann::json{{"model", 1}}}) {
    const nlohmann::json model{{"format", "tunelab-model"},
                               {"version", 1},
                               {"experiment", experiment},
                               {"preprocessor", nlohmann::json::object()}};
    EXPECT_EQ(refusal(nlohmann::json::to_cbor(model)),
              "model.tunelab: damaged model file (its experiment has no data section)")
        << experiment;
  }
}

TEST(ModelFile, TheFileLoaderSaysTheSameNamingThePath) {
  const auto path = std::filesystem::temp_directory_path() / "tunelab-damaged-model.tunelab";
  const auto bytes = modelHeader(2, {0x03}, {0x01});
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  EXPECT_THROW(
      {
        try {
          loadModel(path);
        } catch (const DataError& e) {
          EXPECT_THAT(e.what(), HasSubstr(path.string() + ": not a tunelab model"));
          throw;
        }
      },
      DataError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tunelab
