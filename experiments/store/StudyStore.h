#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/Trainer.h"
#include "experiments/store/Sqlite.h"
#include "search/Strategy.h"

namespace tunelab {

enum class TrialStatus { Running, Complete, Failed, Pruned, Interrupted };
std::string_view trialStatusName(TrialStatus status);
TrialStatus parseTrialStatus(const std::string& name);

/// One row of the trials table: a trial of the strategy on one backend.
struct TrialRecord {
  TrialId id = 0;
  std::string backend;
  nlohmann::json params = nlohmann::json::object();
  int budget = 0;
  std::optional<TrialId> resumeFrom;
  TrialStatus status = TrialStatus::Running;
  std::optional<double> value;  // the search metric (as measured, not negated)
  // Every objective of a multi-objective study, in search.metric's order (as measured; the
  // first is `value`); empty with one objective and for a trial that did not complete.
  std::vector<double> objectives;
  std::uint64_t seed = 0;
  int epochs = 0;  // epochs recorded
  int bestEpoch = 0;
  double seconds = 0;
  std::int64_t peakMemoryKiB = 0;
  int threads = 0;          // threads the trial trained on (0: not recorded)
  std::optional<int> rank;  // the MPI rank that ran it (none: the study's own process)
  std::string host;         // ... and that rank's host
  std::string error;
  // The values of best_epoch (the epoch that ranks the trial) and the test metrics of its
  // weights ("test_" names).
  nlohmann::json finalValues = nlohmann::json::object();
};

/// The best trial's model weights as the runner stored them.
struct StoredWeights {
  TrialId trial = 0;
  std::string backend;
  ModelWeights weights;
};

/// One epoch of a trial on a backend, as the store keeps it.
struct TrialEpoch {
  TrialId id = 0;
  std::string backend;
  EpochRecord record;
};

/// The study database (SQLite, WAL). One writer: only the coordinator thread calls it.
/// Every change that must stay consistent with another (a trial finished + the strategy's
/// state after tell) is written in one transaction, so a killed process leaves a study that
/// resumes exactly.
class StudyStore {
 public:
  /// Opens or creates the store. Throws Error naming the file when it cannot.
  explicit StudyStore(const std::filesystem::path& file);
  /// Opens an existing store to read it while another connection writes it (the live report):
  /// no schema update, no write lock taken. Reading methods only.
  static StudyStore forReading(const std::filesystem::path& file);

  /// The study row: returns false when the store is new (then it is created with these).
  /// Throws Error when it exists with another search space, explaining what to do.
  bool openStudy(const std::string& name, const std::string& experimentText,
                 const std::string& spaceFingerprint, const std::string& configFingerprint,
                 bool replace);

  /// New trials (status running) and the strategy's state after the ask that made them.
  void addTrials(const std::vector<TrialRecord>& trials, const nlohmann::json& strategyState);
  /// Epochs of running trials, in one transaction.
  void addEpochs(const std::vector<TrialEpoch>& epochs);
  /// A finished trial, with the strategy's state after tell (null: unchanged), for a trial
  /// another may resume from (Hyperband) its final checkpoint, and for the best trial so far
  /// its weights (they replace the previous best's).
  void finishTrial(const TrialRecord& trial, const nlohmann::json& strategyState,
                   const Checkpoint* checkpoint = nullptr,
                   const ModelWeights* bestWeights = nullptr);
  /// The weights of the best trial (as the runner last saw it), if any was stored.
  std::optional<StoredWeights> bestModel();
  /// The checkpoint a finished trial left. Throws Error when there is none.
  Checkpoint checkpoint(TrialId id, const std::string& backend);
  /// Marks running trials as interrupted (a clean stop); they run again on resume.
  void markInterrupted(const std::vector<std::pair<TrialId, std::string>>& trials);
  /// Removes the epochs after `epoch` of a trial that runs again: all of them (0) when it
  /// restarts from scratch, those after its progress checkpoint when it resumes from that.
  void clearEpochsAfter(TrialId id, const std::string& backend, int epoch);
  /// The last progress checkpoint of a running trial (replaces the previous one; removed when
  /// the trial finishes).
  void saveProgress(TrialId id, const std::string& backend, const Checkpoint& checkpoint);
  std::optional<Checkpoint> progress(TrialId id, const std::string& backend);

  std::optional<nlohmann::json> strategyState();
  /// Replaces the strategy's saved state (null: leaves it).
  void saveStrategyState(const nlohmann::json& state);
  /// The experiment file's text as the study was created from it.
  std::string experimentText();
  std::vector<TrialRecord> trials();
  /// The trials in the order of trials(), one at a time: only the one `visit` sees is held
  /// (the live report of a long study reads them so). `visit` may read the store (epochs).
  void forEachTrial(const std::function<void(TrialRecord&&)>& visit);
  /// The backend `execution.backend: auto` picked when the study started (for a study stored
  /// before it was recorded: the one backend its trials ran on), if any.
  std::optional<std::string> chosenBackend();
  void recordChosenBackend(const std::string& backend);
  /// The strategy a stored study runs under `strategy: auto`: the one picked when it started,
  /// grid for a study stored before auto recorded its pick (the default then); nothing when
  /// the file holds no study.
  std::optional<std::string> autoStrategy();
  void recordChosenStrategy(const std::string& strategy);
  std::vector<EpochRecord> epochs(TrialId id, const std::string& backend);
  const std::filesystem::path& file() const { return db_.file(); }
  /// PRAGMA integrity_check's answer ("ok" when sound).
  std::string integrityCheck();

  /// Reads between its construction and destruction see one committed state of the store (a
  /// deferred read transaction), whatever another connection commits meanwhile.
  class Snapshot {
   public:
    explicit Snapshot(StudyStore& store);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

   private:
    SqliteDatabase& db_;
  };

  /// One commit, synced, for every change made while it is open (group commit): the
  /// coordinator stores a burst of finished and new trials at the cost of one sync. Rolled
  /// back when destroyed without commit().
  class Group {
   public:
    explicit Group(StudyStore& store);
    void commit();

   private:
    SqlTransaction transaction_;
  };

 private:
  struct Reading {};
  StudyStore(const std::filesystem::path& file, Reading);
  void syncEachCommit(bool sync);
  SqliteDatabase& syncedDatabase() {
    syncEachCommit(true);
    return db_;
  }
  SqliteDatabase db_;
  bool synced_ = true;  // synchronous=FULL, as the constructor sets it
};

}  // namespace tunelab
