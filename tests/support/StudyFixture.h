#pragma once

// The fixture of the `tunelab run` tests: a scratch directory with a small CSV, a helper that
// runs an experiment text there, one that runs `predict`, and the contents of a study that must
// match between runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/cli/PredictCommand.h"
#include "experiments/cli/RunCommand.h"
#include "experiments/store/StudyStore.h"
#include "tests/support/TestData.h"

namespace tunelab::test {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

class StudyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test::scratchDir(std::string("study-") + info->name());
    test::writeSeparableCsv(dir_ / "toy.csv", 400);
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  Outcome run(const std::string& yaml, std::vector<std::string> overrides = {},
              bool newStudy = false) {
    RunArguments args;
    args.experiment = write("exp.yaml", yaml);
    args.overrides = std::move(overrides);
    args.overrides.push_back("execution.output=" + (dir_ / "out").string());
    args.dataDirs = {dir_};
    args.newStudy = newStudy;
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir_);  // storage: study.db is relative to the cwd
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    o.code = runStudy(args, out, err);
    std::filesystem::current_path(cwd);
    o.out = out.str();
    o.err = err.str();
    return o;
  }

  // `tunelab predict MODEL DATA`, its predictions written into the scratch directory.
  Outcome predict(const std::filesystem::path& model, const std::filesystem::path& data) {
    PredictArguments args;
    args.model = model;
    args.data = data;
    args.output = dir_ / "predictions.csv";
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    o.code = runPredict(args, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
  }

  std::filesystem::path dir_;
};

// Values and curves of every trial (not times): what must match between two runs.
inline std::string studyContents(const std::filesystem::path& db) {
  StudyStore store(db);
  std::ostringstream s;
  s.precision(17);
  for (const auto& t : store.trials()) {
    s << t.id << " " << t.backend << " " << trialStatusName(t.status) << " " << t.params.dump()
      << " " << (t.value ? *t.value : -1.0) << " " << t.epochs << " " << t.seed << "\n";
    for (const auto& e : store.epochs(t.id, t.backend)) {
      s << "  " << e.epoch;
      for (const auto& [name, v] : e.values) s << " " << name << "=" << v;
      s << "\n";
    }
  }
  return s.str();
}

}  // namespace tunelab::test
