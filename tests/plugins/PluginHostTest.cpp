// Loading plugins as a user meets it: good ones load, each bad one is refused with the file and
// the reason while the others still load, and a plugin's failure at run time stays contained.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/Graph.h"
#include "core/Loss.h"
#include "core/Trainer.h"
#include "plugins/PluginApi.h"
#include "plugins/PluginHost.h"
#include "tests/support/TestData.h"

namespace tunelab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::filesystem::path fixtures() { return test::binaryDir() / "plugin-fixtures"; }

std::string problemOf(const PluginHost& host, const std::string& fileFragment) {
  for (const auto& p : host.problems()) {
    if (p.file.string().find(fileFragment) != std::string::npos) return p.reason;
  }
  return "not refused";
}

class PluginHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Bundled plugins first, as at start-up, then the fixtures.
    host_.loadDirectories(PluginHost::searchPath({}));
    host_.loadDirectories({fixtures()});
  }
  PluginHost host_;
};

TEST_F(PluginHostTest, BundledLayersLoadThroughThePluginAbi) {
  EXPECT_TRUE(host_.layers().contains("dense"));
  EXPECT_THAT(host_.layers().origin("dense"), HasSubstr("libtunelab_layers.so"));
  EXPECT_TRUE(host_.backends().contains("reference"));
}

TEST_F(PluginHostTest, WrongAbiNamesBothVersions) {
  EXPECT_THAT(
      problemOf(host_, "WrongAbi"),
      AllOf(HasSubstr("999"), HasSubstr("ABI version " + std::to_string(kPluginAbiVersion))));
}

TEST_F(PluginHostTest, BuildTagMismatchNamesBothTags) {
  EXPECT_THAT(problemOf(host_, "BuildTagMismatch"),
              AllOf(HasSubstr("clang-99"), HasSubstr(hostBuildTag())));
}

TEST_F(PluginHostTest, MissingSymbol) {
  EXPECT_THAT(problemOf(host_, "MissingSymbol"), HasSubstr("no tunelab_plugin_info symbol"));
}

TEST_F(PluginHostTest, RegistrationThatThrowsRegistersNothing) {
  EXPECT_THAT(problemOf(host_, "ThrowsOnRegister"), HasSubstr("cannot open the licence file"));
  EXPECT_FALSE(host_.layers().contains("never_registered"));
}

TEST_F(PluginHostTest, DuplicateNameNamesBothFiles) {
  EXPECT_THAT(problemOf(host_, "DuplicateName"),
              AllOf(HasSubstr("'dense'"), HasSubstr("libtunelab_layers.so")));
  EXPECT_THAT(host_.layers().origin("dense"), HasSubstr("libtunelab_layers.so"));
}

TEST_F(PluginHostTest, OtherPluginsStillLoad) {
  EXPECT_TRUE(host_.layers().contains("explode"));
  EXPECT_EQ(host_.problems().size(), 5U);
}

TEST(PluginHost, FileThatIsNoSharedLibrary) {
  const auto dir = test::scratchDir("plugin-garbage");
  std::ofstream(dir / "garbage.so") << "this is not an ELF file\n";
  PluginHost host;
  host.loadDirectories({dir});
  ASSERT_EQ(host.problems().size(), 1U);
  EXPECT_THAT(host.problems()[0].file.string(), HasSubstr("garbage.so"));
  EXPECT_THAT(host.problems()[0].reason, HasSubstr("not a loadable shared library"));
  EXPECT_THAT(host.problems()[0].reason, ::testing::Not(HasSubstr("Bad file descriptor")));
}

TEST(PluginHost, UnknownLayerListsTypesAndDirectories) {
  PluginHost host;
  host.loadDirectories(PluginHost::searchPath({}));
  try {
    host.layers().create("gausian_noise", {});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("dense"), HasSubstr("plugin directories searched"),
                                HasSubstr("lib/tunelab/plugins")));
  }
}

TEST_F(PluginHostTest, LayerThatThrowsFailsTrainingWithItsMessage) {
  const auto loss = makeLoss("mse");
  Graph graph({{"explode", {}}, {"dense", {{"units", 1}}}}, Shape{3}, *loss, host_.layers());
  Rng rng(1);
  graph.initialize(rng);
  auto backend = host_.backends().create("reference");
  Dataset data;
  data.x = Matrix(8, 3, 1.0F);
  data.y = Matrix(8, 1, 0.0F);
  data.sampleShape = Shape{3};
  FitOptions options;
  Trainer trainer(graph, *backend, *loss, options, rng);
  try {
    trainer.fit(data, nullptr);
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("failed on purpose"));
  }
  // The process goes on: another model trains afterwards.
  Graph healthy({{"dense", {{"units", 1}}}}, Shape{3}, *loss, host_.layers());
  healthy.initialize(rng);
  Trainer again(healthy, *backend, *loss, options, rng);
  EXPECT_EQ(again.fit(data, nullptr).status, FitStatus::Completed);
}

TEST(PluginHost, ExamplePluginLayerTrainsFromAnExperimentName) {
  PluginHost host;
  host.loadDirectories(PluginHost::searchPath({test::binaryDir() / "plugin-examples"}));
  ASSERT_TRUE(host.layers().contains("gaussian_noise"));
  const auto loss = makeLoss("mse");
  Graph graph({{"gaussian_noise", {{"stddev", 0.1}}}, {"dense", {{"units", 1}}}}, Shape{2}, *loss,
              host.layers());
  EXPECT_EQ(graph.params().size(), 3U);
  try {
    host.layers().create("gaussian_noise", {{"stdev", 0.1}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("did you mean 'stddev'"));
  }
}

}  // namespace
}  // namespace tunelab
