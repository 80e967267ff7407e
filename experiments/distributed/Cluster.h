#pragma once

#include <memory>
#include <string>

#include "experiments/distributed/CommunicationCost.h"
#include "experiments/study/Executor.h"

namespace tunelab {

/// This process's part in a study that mpirun or srun started on several ranks: rank 0
/// coordinates (strategy, pruner, store, report), every other rank executes trials.
class Cluster {
 public:
  /// The cluster this process was started in, or nullptr when no MPI launcher started it (or
  /// it started one rank only). Throws Error when a launcher started it but this tunelab was
  /// built without MPI.
  static std::unique_ptr<Cluster> join();
  /// Whether this tunelab was built with MPI ("Open MPI 4.1.4"), or "" when not.
  static std::string mpiLibrary();

  virtual ~Cluster() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string host() const = 0;

  /// Rank 0: the executor of the other ranks, once each has said it is ready; throws Error
  /// naming the rank and host of one that could not prepare the study.
  virtual std::unique_ptr<Executor> coordinate(bool resumesFromCheckpoints) = 0;
  /// Rank 0, once the executor coordinate() gave is gone: what each rank's communication
  /// thread cost while the study ran.
  virtual std::vector<CommunicationCost> communicationCost() const = 0;
  /// Any other rank: runs the trials rank 0 sends, `parallelTrials` at once with
  /// `threadsPerTrial` threads each, until rank 0 ends the study. With an error (its data or
  /// plugins failed) it tells rank 0, which stops the job naming it. Returns the exit code.
  virtual int execute(const Objective* objective, int parallelTrials, int threadsPerTrial,
                      const std::string& error) = 0;
};

}  // namespace tunelab
