// `tunelab export-model`: a saved model becomes an ONNX file; a missing or damaged model, an
// output that cannot be written, or the model itself as output are clear errors with their exit
// codes, and an output that is a symbolic link or a FIFO is written through, not replaced.
// (That the graph computes what `tunelab predict` does is tests/export/onnx_matches_predict.py.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "experiments/cli/ExitCode.h"
#include "experiments/cli/ExportModelCommand.h"
#include "experiments/cli/TrainCommand.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string bytesOf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ExportModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("export-model-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 200);
    std::ofstream(dir_ / "exp.yaml") << R"(name: toy
data: {source: toy.csv, target: label}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train: {optimizer: adam, batch_size: 32, epochs: 1}
)";
    TrainArguments train;
    train.experiment = dir_ / "exp.yaml";
    train.dataDirs = {dir_};
    train.output = dir_ / "run";
    train.quiet = true;
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(runTrain(train, out, err), kExitOk) << err.str();
    model_ = dir_ / "run" / "model.tunelab";
  }

  Outcome exportModel(const fs::path& model, const fs::path& output) const {
    ExportModelArguments args;
    args.model = model;
    args.output = output;
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    o.code = runExportModel(args, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
  }

  fs::path dir_;
  fs::path model_;
};

TEST_F(ExportModelTest, WritesTheOnnxFileAndSaysWhatToFeedIt) {
  const Outcome o = exportModel(model_, dir_ / "model.onnx");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Wrote " + (dir_ / "model.onnx").string() + " (ONNX opset 17)"));
  EXPECT_THAT(o.out, HasSubstr("input  features: float32 [batch, 2]: the numeric columns, in the "
                               "file's units, NaN where missing: x0 x1"));
  EXPECT_THAT(o.out, HasSubstr("output probabilities: float32 [batch, 1]: the probability of "
                               "class 'yes'"));
  // A protobuf ModelProto starts with field 1 (ir_version, a varint): tag byte 0x08.
  EXPECT_THAT(bytesOf(dir_ / "model.onnx"), StartsWith("\x08"));
}

TEST_F(ExportModelTest, WithoutOutputWritesBesideTheModel) {
  const Outcome o = exportModel(model_, "");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "run" / "model.onnx"));
}

TEST_F(ExportModelTest, DashWritesTheSameBytesToStandardOutput) {
  ASSERT_EQ(exportModel(model_, dir_ / "model.onnx").code, kExitOk);
  const Outcome o = exportModel(model_, "-");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(o.out, bytesOf(dir_ / "model.onnx"));
  EXPECT_FALSE(fs::exists("-"));
}

TEST_F(ExportModelTest, MissingOrDamagedModelIsABadInputNamingTheFile) {
  Outcome o = exportModel(dir_ / "nowhere.tunelab", dir_ / "model.onnx");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr((dir_ / "nowhere.tunelab").string()));

  std::ofstream(dir_ / "damaged.tunelab") << "not cbor at all";
  o = exportModel(dir_ / "damaged.tunelab", dir_ / "model.onnx");
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr((dir_ / "damaged.tunelab").string() + ": not a tunelab model"));
  EXPECT_FALSE(fs::exists(dir_ / "model.onnx"));
}

TEST_F(ExportModelTest, UnwritableOutputIsAnOutputErrorNamingIt) {
  std::ofstream(dir_ / "plain.txt") << "a file, not a directory";
  const fs::path output = dir_ / "plain.txt" / "model.onnx";
  const Outcome o = exportModel(model_, output);
  EXPECT_EQ(o.code, kExitOutput);
  EXPECT_THAT(o.err, HasSubstr(output.parent_path().string()));
}

TEST_F(ExportModelTest, TheModelItselfAsOutputIsRefusedAndKept) {
  const std::string before = bytesOf(model_);
  const Outcome o = exportModel(model_, model_);
  EXPECT_EQ(o.code, kExitBadInput);
  EXPECT_THAT(o.err, HasSubstr("is the model itself"));
  EXPECT_EQ(bytesOf(model_), before);
}

TEST_F(ExportModelTest, ASymbolicLinkStaysAndItsTargetIsWritten) {
  ASSERT_EQ(exportModel(model_, dir_ / "model.onnx").code, kExitOk);
  std::ofstream(dir_ / "target.onnx") << "old";
  fs::create_symlink(dir_ / "target.onnx", dir_ / "link.onnx");
  const Outcome o = exportModel(model_, dir_ / "link.onnx");
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.onnx"));
  EXPECT_EQ(bytesOf(dir_ / "target.onnx"), bytesOf(dir_ / "model.onnx"));
}

TEST_F(ExportModelTest, AFifoIsWrittenThroughNotReplaced) {
  ASSERT_EQ(exportModel(model_, dir_ / "model.onnx").code, kExitOk);
  const fs::path fifo = dir_ / "pipe.onnx";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = bytesOf(fifo); });
  const Outcome o = exportModel(model_, fifo);
  reader.join();
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(received, bytesOf(dir_ / "model.onnx"));
}

TEST_F(ExportModelTest, HelpAndAMissingModelArgumentFromTheCommandLine) {
  auto r = test::runTunelab({"export-model", "--help"}, dir_);
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("tunelab export-model <model.tunelab> [-o model.onnx]"));
  EXPECT_THAT(r.out, HasSubstr("opset 17"));
  r = test::runTunelab({"export-model"}, dir_);
  EXPECT_EQ(r.code, kExitBadInput);
  EXPECT_THAT(r.err, HasSubstr("tunelab export-model needs a model file"));
}

}  // namespace
}  // namespace tunelab
