#include "backends/onednn/OneDnnBackend.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <mutex>
#include <optional>
#include <tuple>

#include "backends/common/FusedLoops.h"
#include "backends/common/OuterProduct.h"
#include "backends/common/ParallelBlocks.h"

namespace tunelab {

namespace {

using dnnl::memory;
using Dims = memory::dims;

using Algorithm = dnnl::algorithm;

// oneDNN hands out primitives from one cache per process, so a primitive one backend creates
// may be returned to another backend's thread. The library publishes it through code
// ThreadSanitizer cannot see (Debian's build is not instrumented); creating primitives under
// one lock makes that hand-over visible, and costs nothing: each shape is created once.
std::mutex& primitiveCreation() {
  static std::mutex lock;
  return lock;
}

// The relu variants oneDNN computes: a slope below zero (relu's alpha) or a cap (clip_v2).
std::optional<std::tuple<Algorithm, float, float>> reluPostOp(const Activation& act) {
  if (act.threshold != 0.0F) return std::nullopt;
  if (std::isinf(act.maxValue)) return std::tuple{Algorithm::eltwise_relu, act.alpha, 0.0F};
  if (act.alpha == 0.0F) return std::tuple{Algorithm::eltwise_clip_v2, 0.0F, act.maxValue};
  return std::nullopt;
}

// oneDNN's post-op for an activation, when it has one that computes the same function (the
// others run tunelab's own loops after the product).
std::optional<std::tuple<Algorithm, float, float>> eltwiseFor(const Activation& act) {
  switch (act.kind) {
    case ActivationKind::Relu:
      return reluPostOp(act);
    case ActivationKind::LeakyRelu:
      return std::tuple{Algorithm::eltwise_relu, act.alpha, 0.0F};
    case ActivationKind::Elu:
      return std::tuple{Algorithm::eltwise_elu, act.alpha, 0.0F};
    case ActivationKind::Tanh:
      return std::tuple{Algorithm::eltwise_tanh, 0.0F, 0.0F};
    case ActivationKind::Sigmoid:
      return std::tuple{Algorithm::eltwise_logistic, 0.0F, 0.0F};
    case ActivationKind::Softplus:
      return std::tuple{Algorithm::eltwise_soft_relu, 0.0F, 0.0F};
    case ActivationKind::LogSigmoid:
      return std::tuple{Algorithm::eltwise_logsigmoid, 0.0F, 0.0F};
    case ActivationKind::Exponential:
      return std::tuple{Algorithm::eltwise_exp, 0.0F, 0.0F};
    case ActivationKind::Relu6:
      return std::tuple{Algorithm::eltwise_clip_v2, 0.0F, 6.0F};
    case ActivationKind::Gelu:
      return std::tuple{Algorithm::eltwise_gelu_erf, 0.0F, 0.0F};
    case ActivationKind::Swish:
      return std::tuple{Algorithm::eltwise_swish, 1.0F, 0.0F};
    case ActivationKind::Mish:
      return std::tuple{Algorithm::eltwise_mish, 0.0F, 0.0F};
    case ActivationKind::HardSilu:  // oneDNN 2.x: x relu6(x + 3) / 6
      return std::tuple{Algorithm::eltwise_hardswish, 0.0F, 0.0F};
    default:
      return std::nullopt;
  }
}

memory::dim dim(std::size_t v) { return static_cast<memory::dim>(v); }

std::string isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41:
      return "SSE4.1";
    case dnnl::cpu_isa::avx:
      return "AVX";
    case dnnl::cpu_isa::avx2:
      return "AVX2";
    case dnnl::cpu_isa::avx512_core:
      return "AVX-512";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "AVX-512 VNNI";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "AVX-512 BF16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "AVX-512 AMX";
    default:
      return "ISA " + std::to_string(static_cast<int>(isa));
  }
}

}  // namespace

OneDnnBackend::OneDnnBackend() : engine_(dnnl::engine::kind::cpu, 0) {}
OneDnnBackend::~OneDnnBackend() = default;

std::string OneDnnBackend::description() const {
  const dnnl_version_t* v = dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch) + " (OpenMP), ISA " + isaName(dnnl::get_effective_cpu_isa()) +
         ", matmul primitives with fused bias and activation, each on one thread; large "
         "products cut into blocks by shape (not by thread count) shared among tunelab's threads";
}

OneDnnBackend::Matmul& OneDnnBackend::matmul(const Key& key) {
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  const auto [m, n, k, lda, ldb, ldc, ta, tb, alpha, beta, actKind, actAlpha, actBeta, hasBias] =
      key;
  // Row-major op(a) (m x k) and op(b) (k x n), transposes expressed as strides.
  const memory::desc aDesc({dim(m), dim(k)}, memory::data_type::f32,
                           ta ? Dims{1, dim(lda)} : Dims{dim(lda), 1});
  const memory::desc bDesc({dim(k), dim(n)}, memory::data_type::f32,
                           tb ? Dims{1, dim(ldb)} : Dims{dim(ldb), 1});
  const memory::desc cDesc({dim(m), dim(n)}, memory::data_type::f32, Dims{dim(ldc), 1});
  const memory::desc biasDesc({1, dim(n)}, memory::data_type::f32, Dims{dim(n), 1});
  dnnl::primitive_attr attr;
  // A scratchpad per thread that runs the primitive (the library's own one may not move
  // between threads).
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (alpha != 1.0F) attr.set_output_scales(0, {alpha});
  dnnl::post_ops ops;
  if (beta != 0.0F) ops.append_sum(beta);
  if (actKind >= 0) {
    ops.append_eltwise(1.0F, static_cast<dnnl::algorithm>(actKind), actAlpha, actBeta);
  }
  attr.set_post_ops(ops);
  const dnnl::matmul::desc desc = hasBias ? dnnl::matmul::desc(aDesc, bDesc, biasDesc, cDesc)
                                          : dnnl::matmul::desc(aDesc, bDesc, cDesc);
  // Every primitive runs on one thread (tunelab shares products between threads by blocks);
  // oneDNN fixes a primitive's thread count when it is created.
  omp_set_num_threads(1);
  const std::lock_guard created(primitiveCreation());
  const dnnl::matmul::primitive_desc pd(desc, attr, engine_);
  Matmul mm{dnnl::matmul(pd), aDesc, bDesc, cDesc, biasDesc, pd.scratchpad_desc(), hasBias, {}};
  return cache_.emplace(key, std::move(mm)).first->second;
}

void OneDnnBackend::prepareSlots(Matmul& mm, std::size_t slots) {
  while (mm.slots.size() < slots) {
    Handles h{memory(mm.aDesc, engine_, nullptr), memory(mm.bDesc, engine_, nullptr),
              memory(mm.cDesc, engine_, nullptr), memory(mm.biasDesc, engine_, nullptr),
              memory(mm.scratchpadDesc, engine_), {}};
    // The map holds handles to the same memory objects: run() points them at each block's data.
    h.args = {{DNNL_ARG_SRC, h.a},
              {DNNL_ARG_WEIGHTS, h.b},
              {DNNL_ARG_DST, h.c},
              {DNNL_ARG_SCRATCHPAD, h.scratchpad}};
    if (mm.hasBias) h.args.emplace(DNNL_ARG_BIAS, h.bias);
    mm.slots.push_back(std::move(h));
  }
  while (streams_.size() < slots) streams_.emplace_back(engine_);
}

void OneDnnBackend::run(Matmul& mm, std::size_t slot, const GemmArgs& g) {
  Handles& h = mm.slots[slot];
  // oneDNN takes non-const handles; it only reads the sources.
  h.a.set_data_handle(
      const_cast<float*>(g.a.data));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  h.b.set_data_handle(
      const_cast<float*>(g.b.data));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  h.c.set_data_handle(g.c.data);
  if (!g.bias.empty()) {
    h.bias.set_data_handle(
        const_cast<float*>(g.bias.data()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  mm.primitive.execute(streams_[slot], h.args);
  streams_[slot].wait();
}

OneDnnBackend::Key OneDnnBackend::keyOf(const GemmArgs& g, PostOp act) {
  return {g.c.rows,
          g.c.cols,
          g.k(),
          g.a.stride,
          g.b.stride,
          g.c.stride,
          g.ta == Transpose::Yes,
          g.tb == Transpose::Yes,
          g.alpha,
          g.beta,
          act.kind,
          act.alpha,
          act.beta,
          !g.bias.empty()};
}

void OneDnnBackend::product(const GemmArgs& whole, PostOp act) {
  // Primitives and per-thread handles are made here, before any block runs: the blocks only
  // read the cache.
  const GemmBlocks plan = planGemmBlocks(whole.c.rows, whole.c.cols, whole.k());
  const auto slots = static_cast<std::size_t>(std::min(threads_, plan.count));
  for (int block = 0; block < plan.count; ++block) {
    const GemmArgs part = plan.count == 1 ? whole : gemmBlock(whole, plan, block);
    prepareSlots(matmul(keyOf(part, act)), slots);
  }
  omp_set_num_threads(1);
  gemmInBlocks(threads_, whole, [&](const GemmArgs& part, int slot) {
    Matmul& mm = cache_.find(keyOf(part, act))->second;
    run(mm, static_cast<std::size_t>(slot), part);
  });
}

void OneDnnBackend::gemm(Transpose ta, Transpose tb, float alpha, ConstMatrixView a,
                         ConstMatrixView b, float beta, MatrixView c) {
  const std::size_t k = ta == Transpose::No ? a.cols : a.rows;
  assert((tb == Transpose::No ? b.rows : b.cols) == k);
  if (c.rows == 0 || c.cols == 0) return;
  if (k == 0) {  // oneDNN rejects empty reductions; the product is zero.
    for (std::size_t i = 0; i < c.rows; ++i) {
      for (std::size_t j = 0; j < c.cols; ++j) c(i, j) = beta == 0.0F ? 0.0F : beta * c(i, j);
    }
    return;
  }
  const GemmArgs args{ta, tb, alpha, a, b, beta, c, {}};
  if (!multiplyOuter(args)) product(args, PostOp{});
}

void OneDnnBackend::denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                                 Activation act, MatrixView y) {
  if (y.rows == 0 || y.cols == 0) return;
  const auto fused = eltwiseFor(act);
  if (x.cols == 0) {
    gemm(Transpose::No, Transpose::No, 1.0F, x, w, 0.0F, y);
    addBiasAndActivate(act, bias, y);
    return;
  }
  PostOp post;
  if (fused) {
    const auto [algorithm, alpha, beta] = *fused;
    post = {static_cast<int>(algorithm), alpha, beta};
  }
  product({Transpose::No, Transpose::No, 1.0F, x, w, 0.0F, y, bias}, post);
  if (!fused) applyActivation(act, y, y);
}

void OneDnnBackend::activationBackward(Activation act, ConstMatrixView x, ConstMatrixView y,
                                       ConstMatrixView dy, MatrixView dx) {
  activationGradient(act, x, y, dy, dx);
}

void OneDnnBackend::columnSums(ConstMatrixView m, std::span<float> out) { sumColumns(m, out); }

void OneDnnBackend::adamUpdate(std::span<float> params, std::span<const float> grads,
                               std::span<float> m, std::span<float> v, const AdamStep& step) {
  adamUpdateOnThreads(threads_, params, grads, m, v, step);
}

}  // namespace tunelab
