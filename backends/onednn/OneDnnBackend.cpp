#include "backends/onednn/OneDnnBackend.h"

#include <omp.h>

#include <cassert>
#include <optional>

#include "backends/common/FusedLoops.h"
#include "backends/common/ParallelBlocks.h"
#include "backends/common/ParallelThreshold.h"

namespace tunelab {

namespace {

using dnnl::memory;
using Dims = memory::dims;

// oneDNN's post-op for an activation, when it has one that computes the same function.
std::optional<std::pair<dnnl::algorithm, float>> eltwiseFor(Activation act) {
  switch (act.kind) {
    case ActivationKind::Relu:
      return std::pair{dnnl::algorithm::eltwise_relu, 0.0F};
    case ActivationKind::LeakyRelu:
      return std::pair{dnnl::algorithm::eltwise_relu, act.alpha};
    case ActivationKind::Elu:
      return std::pair{dnnl::algorithm::eltwise_elu, act.alpha};
    case ActivationKind::Tanh:
      return std::pair{dnnl::algorithm::eltwise_tanh, 0.0F};
    case ActivationKind::Sigmoid:
      return std::pair{dnnl::algorithm::eltwise_logistic, 0.0F};
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

OneDnnBackend::OneDnnBackend() : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {}
OneDnnBackend::~OneDnnBackend() = default;

std::string OneDnnBackend::description() const {
  const dnnl_version_t* v = dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch) + " (OpenMP), ISA " + isaName(dnnl::get_effective_cpu_isa()) +
         ", matmul primitives with fused bias and activation";
}

OneDnnBackend::Matmul& OneDnnBackend::matmul(const Key& key) {
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  const auto [m, n, k, lda, ldb, ldc, ta, tb, alpha, beta, actKind, actAlpha, hasBias] = key;
  // Row-major op(a) (m x k) and op(b) (k x n), transposes expressed as strides.
  const memory::desc aDesc({dim(m), dim(k)}, memory::data_type::f32,
                           ta ? Dims{1, dim(lda)} : Dims{dim(lda), 1});
  const memory::desc bDesc({dim(k), dim(n)}, memory::data_type::f32,
                           tb ? Dims{1, dim(ldb)} : Dims{dim(ldb), 1});
  const memory::desc cDesc({dim(m), dim(n)}, memory::data_type::f32, Dims{dim(ldc), 1});
  const memory::desc biasDesc({1, dim(n)}, memory::data_type::f32, Dims{dim(n), 1});
  dnnl::primitive_attr attr;
  if (alpha != 1.0F) attr.set_output_scales(0, {alpha});
  dnnl::post_ops ops;
  if (beta != 0.0F) ops.append_sum(beta);
  if (actKind >= 0) {
    ops.append_eltwise(1.0F, static_cast<dnnl::algorithm>(actKind), actAlpha, 0.0F);
  }
  attr.set_post_ops(ops);
  const dnnl::matmul::desc desc = hasBias ? dnnl::matmul::desc(aDesc, bDesc, biasDesc, cDesc)
                                          : dnnl::matmul::desc(aDesc, bDesc, cDesc);
  const dnnl::matmul::primitive_desc pd(desc, attr, engine_);
  Matmul mm{dnnl::matmul(pd),
            memory(aDesc, engine_, nullptr),
            memory(bDesc, engine_, nullptr),
            memory(cDesc, engine_, nullptr),
            memory(biasDesc, engine_, nullptr),
            2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k)};
  return cache_.emplace(key, std::move(mm)).first->second;
}

void OneDnnBackend::run(Matmul& mm, const float* a, const float* b, float* c, const float* bias) {
  // oneDNN takes non-const handles; it only reads the sources.
  mm.a.set_data_handle(const_cast<float*>(a));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  mm.b.set_data_handle(const_cast<float*>(b));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  mm.c.set_data_handle(c);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, mm.a}, {DNNL_ARG_WEIGHTS, mm.b}, {DNNL_ARG_DST, mm.c}};
  if (bias != nullptr) {
    mm.bias.set_data_handle(
        const_cast<float*>(bias));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    args.emplace(DNNL_ARG_BIAS, mm.bias);
  }
  // The team must have exactly the threads oneDNN is told of (a smaller one, under
  // OMP_THREAD_LIMIT or OMP_DYNAMIC, leaves parts of the product uncomputed).
  omp_set_dynamic(0);
  omp_set_num_threads(mm.flops < kParallelGemmFlops ? 1 : openMpThreadsFor(threads_));
  mm.primitive.execute(stream_, args);
  stream_.wait();
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
  Matmul& mm = matmul({c.rows, c.cols, k, a.stride, b.stride, c.stride, ta == Transpose::Yes,
                       tb == Transpose::Yes, alpha, beta, -1, 0.0F, false});
  run(mm, a.data, b.data, c.data, nullptr);
}

void OneDnnBackend::denseForward(ConstMatrixView x, ConstMatrixView w, std::span<const float> bias,
                                 Activation act, MatrixView y) {
  if (y.rows == 0 || y.cols == 0) return;
  const auto fused = eltwiseFor(act);
  if (x.cols == 0) {
    gemm(Transpose::No, Transpose::No, 1.0F, x, w, 0.0F, y);
    if (!bias.empty()) addBias(bias, y);
    applyActivation(act, y, y);
    return;
  }
  Matmul& mm = matmul({y.rows, y.cols, x.cols, x.stride, w.stride, y.stride, false, false, 1.0F,
                       0.0F, fused ? static_cast<int>(fused->first) : -1,
                       fused ? fused->second : 0.0F, !bias.empty()});
  run(mm, x.data, w.data, y.data, bias.empty() ? nullptr : bias.data());
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
