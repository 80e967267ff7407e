// A known data set missing everywhere is downloaded once into the cache, checked by SHA-256.
// The "public source" is a Python HTTP server on loopback serving a copy made by the test.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "core/data/DatasetResolver.h"
#include "core/data/Download.h"
#include "tests/support/TestData.h"

extern char** environ;

namespace tunelab {
namespace {

// python3 -m http.server on 127.0.0.1, serving `dir`; stopped on destruction.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::filesystem::path& dir) {
    port_ = freePort();
    const std::string port = std::to_string(port_);
    const std::string directory = dir.string();
    const char* argv[] = {"python3",         "-m",         "http.server",
                          "--bind",          "127.0.0.1",  "--directory",
                          directory.c_str(), port.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "python3", &actions, nullptr, const_cast<char**>(argv), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 100 && pid_ > 0 && !accepting(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~LoopbackServer() { stop(); }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  bool running() const { return pid_ > 0 && accepting(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static int freePort() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
  }
  bool accepting() const {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

// magic04.data as UCI serves it: the CSV without its header line.
void writeUciCopy(const std::filesystem::path& csv, const std::filesystem::path& to, bool corrupt) {
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  std::stringstream body;
  body << in.rdbuf();
  std::string text = body.str();
  if (corrupt) text[100] = text[100] == '1' ? '2' : '1';
  std::ofstream(to) << text;
}

TEST(Download, KnownDataSetIsFetchedOnceAndCached) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const auto csv = test::datasetFile("magic04");
  const auto served = test::scratchDir("download-served");
  writeUciCopy(csv, served / "magic04.data", false);
  LoopbackServer server(served);
  if (!server.running()) GTEST_SKIP() << "python3 http.server could not start";

  DataLocations where;
  where.dataDirs = {test::scratchDir("download-empty")};
  where.cacheDir = test::scratchDir("download-cache");
  where.downloadBaseUrl = server.url();
  const ResolvedSource first = resolveSource("magic04", where);
  EXPECT_EQ(first.file, where.cacheDir / "magic04.csv");
  EXPECT_EQ(sha256OfFile(first.file), sha256OfFile(csv));  // header restored, byte-identical

  server.stop();  // a second resolve must not need the network
  const ResolvedSource second = resolveSource("magic04", where);
  EXPECT_EQ(second.file, first.file);
}

TEST(Download, CorruptedFileIsRefusedAndNotKept) {
  TUNELAB_REQUIRE_DATASET("magic04");
  const auto csv = test::datasetFile("magic04");
  const auto served = test::scratchDir("download-corrupt");
  writeUciCopy(csv, served / "magic04.data", true);
  LoopbackServer server(served);
  if (!server.running()) GTEST_SKIP() << "python3 http.server could not start";

  DataLocations where;
  where.cacheDir = test::scratchDir("download-corrupt-cache");
  where.downloadBaseUrl = server.url();
  try {
    resolveSource("magic04", where);
    FAIL() << "a corrupted download was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("SHA-256"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(where.cacheDir));
}

TEST(Download, UnreachableSourceSaysWhereToPutTheFile) {
  DataLocations where;
  where.cacheDir = test::scratchDir("download-unreachable");
  where.downloadBaseUrl = "http://127.0.0.1:9";  // discard port: nothing listens
  try {
    resolveSource("california_housing", where);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("california_housing.csv"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(where.cacheDir));
}

}  // namespace
}  // namespace tunelab
