#include "experiments/distributed/MpiLink.h"

#include <algorithm>
#include <thread>

namespace tunelab::mpi {

Inbox::~Inbox() {
  for (auto& arriving : arriving_) MPI_Wait(&arriving.request, MPI_STATUS_IGNORE);
}

void Inbox::matchAnnounced() {
  for (;;) {
    int announced = 0;
    MPI_Message handle = MPI_MESSAGE_NULL;
    MPI_Status status;
    MPI_Improbe(source_, MPI_ANY_TAG, MPI_COMM_WORLD, &announced, &handle, &status);
    if (announced == 0) return;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    auto message = std::make_unique<Message>(
        Message{status.MPI_SOURCE, status.MPI_TAG,
                std::vector<std::uint8_t>(static_cast<std::size_t>(count))});
    Arriving& arriving = arriving_.emplace_back(Arriving{MPI_REQUEST_NULL, std::move(message)});
    MPI_Imrecv(arriving.message->bytes.data(), count, MPI_BYTE, &handle, &arriving.request);
  }
}

std::optional<Message> Inbox::next() {
  matchAnnounced();
  // The first message that has arrived whose sender has no earlier one still arriving.
  std::vector<int> waitingSenders;
  for (auto it = arriving_.begin(); it != arriving_.end(); ++it) {
    const int sender = it->message->source;
    if (std::find(waitingSenders.begin(), waitingSenders.end(), sender) != waitingSenders.end()) {
      continue;
    }
    int arrived = 0;
    MPI_Test(&it->request, &arrived, MPI_STATUS_IGNORE);
    if (arrived == 0) {
      waitingSenders.push_back(sender);
      continue;
    }
    Message message = std::move(*it->message);
    arriving_.erase(it);
    return message;
  }
  return std::nullopt;
}

Outbox::~Outbox() {
  MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
}

void Outbox::send(int destination, Tag tag, std::vector<std::uint8_t> bytes) {
  auto& buffer =
      buffers_.emplace_back(std::make_unique<std::vector<std::uint8_t>>(std::move(bytes)));
  auto& request = requests_.emplace_back(MPI_REQUEST_NULL);
  MPI_Isend(buffer->data(), static_cast<int>(buffer->size()), MPI_BYTE, destination, tag,
            MPI_COMM_WORLD, &request);
}

void Outbox::progress() {
  if (requests_.empty()) return;
  completed_.resize(requests_.size());
  int count = 0;
  MPI_Testsome(static_cast<int>(requests_.size()), requests_.data(), &count, completed_.data(),
               MPI_STATUSES_IGNORE);
  if (count <= 0) return;  // none, or MPI_UNDEFINED: no active request
  // Delivered requests are MPI_REQUEST_NULL now: keep the others, in order.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    if (requests_[i] == MPI_REQUEST_NULL) continue;
    if (kept != i) {
      requests_[kept] = requests_[i];
      buffers_[kept] = std::move(buffers_[i]);
    }
    ++kept;
  }
  requests_.resize(kept);
  buffers_.resize(kept);
}

void Backoff::idle() { std::this_thread::sleep_for(take()); }

std::chrono::microseconds Backoff::take() {
  const auto now = delay_;
  delay_ = std::min(delay_ * 2, kLongest);
  return now;
}

}  // namespace tunelab::mpi
