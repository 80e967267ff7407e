#include "backends/common/OuterProduct.h"

namespace tunelab {

bool multiplyOuter(const GemmArgs& g) {
  if (g.k() != 1 || g.beta != 0.0F) return false;
  if (g.tb == Transpose::Yes && g.b.stride != 1 && g.c.cols > 1) return false;
  const std::size_t aStep = g.ta == Transpose::No ? g.a.stride : 1;
  const float* b = g.b.data;  // op(b)'s row, contiguous
  const float alpha = g.alpha;
  for (std::size_t i = 0; i < g.c.rows; ++i) {
    const float ai = g.a.data[i * aStep];
    float* row = g.c.data + i * g.c.stride;
    // + 0: a kernel's sum starts at +0, so where the product is -0 the libraries store +0.
    for (std::size_t j = 0; j < g.c.cols; ++j) row[j] = alpha * (ai * b[j] + 0.0F);
  }
  return true;
}

}  // namespace tunelab
