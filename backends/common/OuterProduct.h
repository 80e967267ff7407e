#pragma once

#include "backends/common/GemmBlocks.h"

namespace tunelab {

/// c = alpha op(a) op(b) when the reduction has one term (k == 1), as the input gradient of a
/// one-unit output layer has: each element is a single product, which every kernel rounds the
/// same way, so this loop computes the libraries' bits, without their call and packing (about
/// 10x faster at 32 x 64). Returns false, computing nothing, unless k == 1, beta == 0 (c is not
/// read) and op(b)'s single row is contiguous.
bool multiplyOuter(const GemmArgs& g);

}  // namespace tunelab
