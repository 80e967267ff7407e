// Files a user names that are not what they should be, and outputs that are not plain files:
// every command that reads a file refuses a directory, an empty file, binary data where text
// belongs and a damaged or foreign study database with a message naming it (exit 2); `-o`
// writes through a symbolic link, into a FIFO, and to standard output for `-` and
// /dev/stdout, never replacing what is there by a regular file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

#include "experiments/store/Sqlite.h"
#include "tests/support/TestData.h"
#include "tests/support/TunelabProcess.h"

namespace tunelab {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kStudyYaml = R"(name: hostile
objective: {command: [sh, program.sh, $x]}
search: {strategy: grid, metric: loss, parameters: {x: {values: [1, 2]}}}
execution: {storage: study.db}
)";

// One trained model and one finished study, shared by the tests (they only read them).
class HostileFilesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // ctest runs each test in a process of its own, two at once: each makes its own.
    shared_ = test::scratchDir("hostile-files-shared-" + std::to_string(getpid()));
    test::writeSeparableCsv(shared_ / "toy.csv", 120);
    std::ofstream(shared_ / "exp.yaml")
        << "name: hostile\ndata: {source: toy.csv, target: label}\nmodel:\n  layers:\n"
           "    - {type: dense, units: 1, activation: sigmoid}\n  loss: binary_crossentropy\n"
           "train: {epochs: 1}\n";
    const ProcessResult trained =
        test::runTunelab({"train", "exp.yaml", "-q", "-o", "out"}, shared_);
    ASSERT_EQ(trained.code, 0) << trained.err;
    std::ofstream(shared_ / "study.yaml") << kStudyYaml;
    std::ofstream(shared_ / "program.sh") << "echo \"{\\\"loss\\\": $1}\"\n";
    const ProcessResult ran = test::runTunelab({"run", "study.yaml"}, shared_);
    ASSERT_EQ(ran.code, 0) << ran.err;
  }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("hostile-files-") + info->name());
    fs::copy_file(shared_ / "toy.csv", dir_ / "toy.csv");
    fs::copy_file(shared_ / "out" / "model.tunelab", dir_ / "model.tunelab");
    fs::copy_file(shared_ / "study.db", dir_ / "study.db");
    fs::copy_file(shared_ / "study.yaml", dir_ / "study.yaml");
    fs::create_directory(dir_ / "folder");
    std::ofstream(dir_ / "empty");
  }

  ProcessResult tunelab(const std::vector<std::string>& arguments) const {
    return test::runTunelab(arguments, dir_);
  }

  // Exit 2 and `message` on stderr, no internal error.
  static void expectRefused(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.code, 2) << r.err << r.out;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  }

  static fs::path shared_;
  fs::path dir_;
};

fs::path HostileFilesTest::shared_;

TEST_F(HostileFilesTest, PredictRefusesADirectoryAnEmptyFileOrBinaryDataNamingIt) {
  expectRefused(tunelab({"predict", "folder", "toy.csv"}),
                "error: folder: is a directory; name the model file in it");
  expectRefused(tunelab({"predict", "model.tunelab", "folder"}),
                "error: folder: is a directory; name the data file (CSV) in it");
  expectRefused(tunelab({"predict", "empty", "toy.csv"}),
                "error: empty: is empty: expected the model file");
  expectRefused(tunelab({"predict", "model.tunelab", "empty"}),
                "error: empty: is empty: expected the data file (CSV)");
  expectRefused(tunelab({"predict", "model.tunelab", "model.tunelab"}),
                "error: model.tunelab: holds binary data: expected the data file (CSV), a text "
                "file");
  expectRefused(tunelab({"predict", "toy.csv", "toy.csv"}), "toy.csv: not a tunelab model");
  expectRefused(tunelab({"predict", "missing.tunelab", "toy.csv"}),
                "missing.tunelab: no such file (the model file)");
  fs::create_symlink("gone.tunelab", dir_ / "dangling.tunelab");
  expectRefused(tunelab({"predict", "dangling.tunelab", "toy.csv"}),
                "dangling.tunelab: a symbolic link to a file that does not exist");
  expectRefused(tunelab({"export-model", "folder"}),
                "error: folder: is a directory; name the model file in it");
}

TEST_F(HostileFilesTest, AnExperimentFileThatIsADirectoryEmptyOrADatabaseIsRefused) {
  for (const std::string command : {"run", "train", "status"}) {
    expectRefused(tunelab({command, "folder"}), "folder: is a directory");
  }
  expectRefused(tunelab({"run", "empty"}), "empty: is empty: expected the experiment file");
  expectRefused(tunelab({"train", "model.tunelab"}),
                "model.tunelab: holds binary data: expected the experiment file, a text file");
  expectRefused(tunelab({"run", "study.db"}),
                "study.db: is an SQLite database (a study database?): expected the experiment "
                "file");
  expectRefused(tunelab({"export", "folder", "--format", "png", "-o", "plots"}),
                "folder: is a directory");
  std::ofstream(dir_ / "page.html").close();
  expectRefused(tunelab({"export", "page.html", "--format", "png"}),
                "page.html: is empty: expected the report (report.html)");
}

TEST_F(HostileFilesTest, AStudyDatabaseIsKnownByItsContentNotOnlyItsName) {
  fs::copy_file(dir_ / "study.db", dir_ / "study-copy");
  const ProcessResult r = tunelab({"status", "study-copy"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Study 'hostile'"));
}

TEST_F(HostileFilesTest, EveryStudyCommandRefusesAFileThatIsNoSoundStudyDatabase) {
  std::ofstream(dir_ / "text.db") << "name: not a database\n";
  std::ofstream(dir_ / "empty.db").close();
  {
    SqliteDatabase other(dir_ / "songs.db");
    other.execute("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x')");
  }
  fs::copy_file(dir_ / "study.db", dir_ / "newer.db");
  {
    SqliteDatabase newer(dir_ / "newer.db");
    newer.execute("PRAGMA user_version = 99");
  }
  fs::copy_file(dir_ / "study.db", dir_ / "damaged.db");
  {
    // Keep SQLite's header (the first 100 bytes), overwrite the schema and the pages after it.
    std::fstream damaged(dir_ / "damaged.db", std::ios::in | std::ios::out | std::ios::binary);
    damaged.seekp(100);
    const std::string garbage(8000, '\x5a');
    damaged.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto songsBefore = fs::file_size(dir_ / "songs.db");
  for (const std::string command : {"status", "best", "export", "compare"}) {
    SCOPED_TRACE(command);
    expectRefused(tunelab({command, "text.db"}),
                  "study database text.db: not a tunelab study database (not an SQLite file)");
    expectRefused(tunelab({command, "empty.db"}), "study database empty.db holds no study");
    expectRefused(tunelab({command, "songs.db"}),
                  "study database songs.db: an SQLite database, but not a tunelab study database "
                  "(its tables: songs)");
    expectRefused(tunelab({command, "newer.db"}),
                  "study database newer.db: written by a newer tunelab (store schema 99; this "
                  "tunelab reads up to 1)");
    const ProcessResult damaged = tunelab({command, "damaged.db"});
    expectRefused(damaged,
                  "damaged.db: not a sound tunelab study database (SQLite: database disk "
                  "image is malformed)");
    EXPECT_THAT(damaged.err, Not(HasSubstr("cannot write")));
  }
  EXPECT_EQ(fs::file_size(dir_ / "songs.db"), songsBefore);  // nothing added to it

  // tunelab run with such a file as execution.storage: the store it writes cannot be (4).
  std::ofstream(dir_ / "program.sh") << "echo '{\"loss\": 1}'\n";
  ProcessResult run = tunelab({"run", "study.yaml", "--set", "execution.storage=text.db"});
  EXPECT_EQ(run.code, 4) << run.err;
  EXPECT_THAT(run.err, HasSubstr("study database text.db: not a tunelab study database (not an "
                                 "SQLite file)"));
  run = tunelab({"run", "study.yaml", "--set", "execution.storage=folder"});
  EXPECT_EQ(run.code, 4) << run.err;
  EXPECT_THAT(run.err, HasSubstr("study database folder: is a directory, not a study database"));
}

TEST_F(HostileFilesTest, OutputThroughASymbolicLinkKeepsTheLink) {
  fs::create_symlink("real.csv", dir_ / "link.csv");
  fs::create_symlink("real.onnx", dir_ / "link.onnx");
  fs::create_symlink("real.json", dir_ / "link.json");
  ProcessResult r = tunelab({"predict", "model.tunelab", "toy.csv", "-o", "link.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.csv"));
  EXPECT_THAT(test::readText(dir_ / "real.csv"), StartsWith("label,probability_yes\n"));
  r = tunelab({"export", "study.db", "-o", "link.csv"});  // replaces it again through the link
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.csv"));
  EXPECT_THAT(test::readText(dir_ / "real.csv"), StartsWith("trial,"));
  r = tunelab({"export", "study.db", "--format", "json", "-o", "link.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  EXPECT_THAT(test::readText(dir_ / "real.json"), HasSubstr("\"study\": \"hostile\""));
  r = tunelab({"export-model", "model.tunelab", "-o", "link.onnx"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.onnx"));
  EXPECT_GT(fs::file_size(dir_ / "real.onnx"), 100U);
  // A link in a chain, and one whose target is in another directory.
  fs::create_directory(dir_ / "elsewhere");
  fs::create_symlink("elsewhere/target.csv", dir_ / "hop2.csv");
  fs::create_symlink("hop2.csv", dir_ / "hop1.csv");
  r = tunelab({"predict", "model.tunelab", "toy.csv", "-o", "hop1.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "hop1.csv"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "hop2.csv"));
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(dir_ / "elsewhere" / "target.csv")));
}

TEST_F(HostileFilesTest, StandardOutputForDashAndDevStdout) {
  for (const std::string output : {"-", "/dev/stdout", "/proc/self/fd/1"}) {
    SCOPED_TRACE(output);
    const ProcessResult r = tunelab({"predict", "model.tunelab", "toy.csv", "-o", output});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, StartsWith("label,probability_yes\n"));
    EXPECT_THAT(r.err, HasSubstr("Wrote 120 predictions to " + output));
    const ProcessResult e = tunelab({"export", "study.db", "-o", output});
    ASSERT_EQ(e.code, 0) << e.err;
    EXPECT_THAT(e.out, StartsWith("trial,"));
    EXPECT_THAT(e.err, HasSubstr("Wrote 2 trials to " + output));
  }
  EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
  // A link of the user's own to standard output.
  fs::create_symlink("/dev/stdout", dir_ / "out.csv");
  const ProcessResult r = tunelab({"predict", "model.tunelab", "toy.csv", "-o", "out.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("label,probability_yes\n"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "out.csv"));
}

TEST_F(HostileFilesTest, AFifoIsWrittenIntoAndADirectoryIsRefused) {
  ASSERT_EQ(::mkfifo((dir_ / "pipe.csv").c_str(), 0600), 0);
  auto reader = std::async(std::launch::async, [this] {
    std::ifstream in(dir_ / "pipe.csv");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  });
  const ProcessResult r = tunelab({"predict", "model.tunelab", "toy.csv", "-o", "pipe.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(reader.get(), StartsWith("label,probability_yes\n"));
  EXPECT_TRUE(fs::is_fifo(dir_ / "pipe.csv"));

  const ProcessResult d = tunelab({"predict", "model.tunelab", "toy.csv", "-o", "folder"});
  EXPECT_EQ(d.code, 4) << d.err;
  EXPECT_THAT(d.err, HasSubstr("folder: is a directory; name a file to write"));
  EXPECT_TRUE(fs::is_directory(dir_ / "folder"));
}

}  // namespace
}  // namespace tunelab
