#include "experiments/study/EpochBatch.h"

namespace tunelab {

void EpochBatch::add(TrialEpoch epoch) {
  if (epochs_.empty()) first_ = Clock::now();
  epochs_.push_back(std::move(epoch));
}

void EpochBatch::storeIfDue() {
  if (!epochs_.empty() && Clock::now() - first_ >= maxDelay_) store();
}

void EpochBatch::store() {
  if (epochs_.empty()) return;
  store_.addEpochs(epochs_);
  epochs_.clear();
}

std::chrono::milliseconds EpochBatch::patience(std::chrono::milliseconds idle) const {
  return epochs_.empty() ? idle : maxDelay_;
}

}  // namespace tunelab
