// Screenshots of report.html's charts: Chromium's own command line (--dump-dom, --screenshot),
// no DevTools client. The page's "#png" mode (web/report.js) lists the charts with the height
// each needs, and "#png=<id>" shows one chart alone for its screenshot.
#include "experiments/report/PngExport.h"

#include <cstdlib>
#include <sstream>
#include <string_view>

#include "core/Error.h"
#include "experiments/objective/ChildProcess.h"

namespace tunelab {

namespace {

namespace fs = std::filesystem;

constexpr int kPngWidth = 1280;
constexpr int kPngMargin = 32;  // body.png's padding above and below the chart, and a little more
constexpr auto kChromiumTimeLimit = std::chrono::seconds(120);

std::vector<std::string> chromiumCandidates() {
  if (const char* named = std::getenv("TUNELAB_CHROMIUM"); named != nullptr && *named != '\0') {
    return {named};
  }
  return {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"};
}

std::string fileUrl(const fs::path& html, const std::string& fragment) {
  return "file://" + fs::absolute(html).lexically_normal().string() + "#" + fragment;
}

class Chromium {
 public:
  Chromium() {
    for (const auto& candidate : chromiumCandidates()) {
      std::vector<std::string> out;
      if (run({candidate, "--version"}, out).started) {
        program_ = candidate;
        return;
      }
    }
    throw Error(
        "--format png draws the report's charts with headless Chromium, which was not found "
        "(tried " +
        describeCandidates() +
        "): install it (Debian: apt-get install chromium) or name it in TUNELAB_CHROMIUM");
  }

  // The page's DOM once its script has run.
  std::vector<std::string> dumpDom(const std::string& url) const {
    std::vector<std::string> lines;
    check(
        run(withOptions({"--window-size=" + std::to_string(kPngWidth) + ",900", "--dump-dom", url}),
            lines),
        url);
    return lines;
  }

  void screenshot(const std::string& url, int height, const fs::path& file) const {
    std::vector<std::string> ignored;
    const std::string size = std::to_string(kPngWidth) + "," + std::to_string(height);
    fs::remove(file);
    check(run(withOptions(
                  {"--window-size=" + size, "--screenshot=" + fs::absolute(file).string(), url}),
              ignored),
          url);
    if (!fs::exists(file)) throw Error(program_ + " wrote no screenshot of " + url);
  }

 private:
  static ChildExit run(const std::vector<std::string>& argv, std::vector<std::string>& out) {
    ChildCommand command{argv, {}, kChromiumTimeLimit};
    return runChild(
        command,
        [&](std::string_view line) {
          out.emplace_back(line);
          return true;
        },
        [] { return false; });
  }

  // No sandbox: it needs user namespaces that containers and root lack; the page is our own
  // file and makes no request.
  std::vector<std::string> withOptions(std::vector<std::string> tail) const {
    std::vector<std::string> argv{program_,
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--hide-scrollbars",
                                  "--mute-audio",
                                  "--no-first-run",
                                  "--virtual-time-budget=3000"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  }

  void check(const ChildExit& exit, const std::string& url) const {
    if (!exit.started || exit.exitCode != 0) {
      throw Error(program_ + " could not draw " + url + ": " + describeExit(exit) +
                  (exit.stderrTail.empty() ? "" : "\n" + exit.stderrTail));
    }
  }

  static std::string describeCandidates() {
    std::string names;
    for (const auto& c : chromiumCandidates()) names += (names.empty() ? "" : ", ") + c;
    return names;
  }

  std::string program_;
};

// "history 412" lines between <pre id="png-sections"> and </pre> in the dumped DOM.
std::vector<std::pair<std::string, int>> chartsOf(const std::vector<std::string>& dom) {
  std::string text;
  for (const auto& line : dom) text += line + "\n";
  const std::string open = "<pre id=\"png-sections\">";
  const auto begin = text.find(open);
  const auto end = text.find("</pre>", begin);
  if (begin == std::string::npos || end == std::string::npos) return {};
  std::istringstream lines(text.substr(begin + open.size(), end - begin - open.size()));
  std::vector<std::pair<std::string, int>> charts;
  std::string id;
  int height = 0;
  while (lines >> id >> height) charts.emplace_back(id, height);
  return charts;
}

}  // namespace

std::vector<PngChart> writeReportPngs(const fs::path& html, const fs::path& dir) {
  const Chromium chromium;
  const auto charts = chartsOf(chromium.dumpDom(fileUrl(html, "png")));
  if (charts.empty()) throw Error("the report " + html.string() + " has no chart to draw");
  fs::create_directories(dir);
  std::vector<PngChart> written;
  for (const auto& [id, height] : charts) {
    const fs::path file = dir / (id + ".png");
    chromium.screenshot(fileUrl(html, "png=" + id), height + kPngMargin, file);
    written.push_back({id, file});
  }
  return written;
}

}  // namespace tunelab
