#include "experiments/distributed/MpiLink.h"

#include <algorithm>
#include <thread>

namespace tunelab::mpi {

std::optional<Message> tryReceive(int source) {
  int arrived = 0;
  MPI_Message handle = MPI_MESSAGE_NULL;
  MPI_Status status;
  MPI_Improbe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &handle, &status);
  if (arrived == 0) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message message{status.MPI_SOURCE, status.MPI_TAG,
                  std::vector<std::uint8_t>(static_cast<std::size_t>(count))};
  MPI_Mrecv(message.bytes.data(), count, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
  return message;
}

Outbox::~Outbox() {
  for (auto& p : pending_) MPI_Wait(&p.request, MPI_STATUS_IGNORE);
}

void Outbox::send(int destination, Tag tag, std::vector<std::uint8_t> bytes) {
  auto& p = pending_.emplace_back();
  p.bytes = std::move(bytes);
  MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_BYTE, destination, tag,
            MPI_COMM_WORLD, &p.request);
}

void Outbox::progress() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    int done = 0;
    MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
    it = done != 0 ? pending_.erase(it) : std::next(it);
  }
}

void Backoff::idle() {
  std::this_thread::sleep_for(delay_);
  delay_ = std::min(delay_ * 2, kLongest);
}

}  // namespace tunelab::mpi
