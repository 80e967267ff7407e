#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/Trainer.h"
#include "experiments/config/StudySpec.h"
#include "experiments/store/StudyLock.h"
#include "experiments/store/StudyStore.h"

namespace tunelab {

/// A trial as the report shows it: its row and its epochs.
struct ReportTrial {
  TrialRecord record;
  std::vector<EpochRecord> epochs;
};

/// A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched): the study's
/// summary, the search metric per epoch of every trial with the best drawn over them, the
/// trials ranked best first with their parameters and test metrics, and the learning curves
/// (each value and its val_ twin) of the best trials. Every text from the study is escaped.
/// With a live owner (the study is running) it names the owner and draws the curves of the
/// running trials so far; without one it counts the trials that did not finish.
std::string renderHtmlReport(const StudySpec& spec, const std::vector<ReportTrial>& trials,
                             const std::optional<StudyOwner>& liveOwner = std::nullopt);

/// The report of `trials` (as read from `store`), with their epochs read from it.
std::string renderHtmlReport(const StudySpec& spec, StudyStore& store,
                             const std::vector<TrialRecord>& trials,
                             const std::optional<StudyOwner>& liveOwner = std::nullopt);

}  // namespace tunelab
