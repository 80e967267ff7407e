// The cluster of a tunelab built with MPI: MPI_THREAD_FUNNELED, one thread per rank talks MPI
// (rank 0's study runner, each executor rank's relay loop); the trials' threads never do.
#include <mpi.h>

#include <cstdlib>

#include "core/Error.h"
#include "experiments/distributed/Cluster.h"
#include "experiments/distributed/Launcher.h"
#include "experiments/distributed/MpiExecutor.h"
#include "experiments/distributed/MpiWorker.h"

namespace tunelab {

namespace {

class MpiCluster final : public Cluster {
 public:
  MpiCluster(int rank, int size, std::string host)
      : rank_(rank), size_(size), host_(std::move(host)) {}
  MpiCluster(const MpiCluster&) = delete;
  MpiCluster& operator=(const MpiCluster&) = delete;
  // Rank 0 that never coordinated (its experiment file was wrong, ...) still ends the others.
  ~MpiCluster() override {
    if (rank_ == 0 && !coordinated_) {
      mpi::Outbox outbox;
      mpi::Inbox inbox(MPI_ANY_SOURCE);
      endExecutorRanks(size_, outbox, inbox);
    }
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string host() const override { return host_; }

  std::unique_ptr<Executor> coordinate(bool resumesFromCheckpoints) override {
    coordinated_ = true;
    return std::make_unique<MpiExecutor>(size_, resumesFromCheckpoints, costs_);
  }

  std::vector<CommunicationCost> communicationCost() const override { return costs_; }

  int execute(const Objective* objective, int parallelTrials, int threadsPerTrial,
              const std::string& error) override {
    return serveTrials(objective, parallelTrials, threadsPerTrial, host_, error);
  }

 private:
  int rank_;
  int size_;
  std::string host_;
  bool coordinated_ = false;
  std::vector<CommunicationCost> costs_;
};

std::string processorName() {
  std::string name(MPI_MAX_PROCESSOR_NAME, '\0');
  int length = 0;
  MPI_Get_processor_name(name.data(), &length);
  name.resize(static_cast<std::size_t>(length));
  return name;
}

}  // namespace

std::unique_ptr<Cluster> Cluster::join() {
  if (!launchedByMpi()) return nullptr;
  // Open MPI yields the processor in every poll that finds nothing when the node is
  // oversubscribed; tunelab never waits inside MPI (it sleeps between polls), so each yield only
  // hands the core to a trial and back: a context switch per poll. A user's setting wins.
  setenv("OMPI_MCA_mpi_yield_when_idle", "0", 0);  // before MPI_Init: no other thread yet
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw Error("the MPI library gives no MPI_THREAD_FUNNELED support, which tunelab needs");
  }
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) {
    MPI_Finalize();
    return nullptr;
  }
  return std::make_unique<MpiCluster>(rank, size, processorName());
}

std::string Cluster::mpiLibrary() {
  std::string version(MPI_MAX_LIBRARY_VERSION_STRING, '\0');
  int length = 0;
  MPI_Get_library_version(version.data(), &length);
  version.resize(static_cast<std::size_t>(length));
  // "Open MPI v4.1.4, package: Debian OpenMPI, ...": the first part.
  return version.substr(0, version.find(','));
}

}  // namespace tunelab
