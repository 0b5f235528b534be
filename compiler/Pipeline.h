//===- Pipeline.h - The pass pipelines of kiln ------------------*- C++ -*-===//
//
// Pipelines are C++ functions (this file), also registered by name so that
// lit tests and `kiln-opt` can run each stage on its own:
//
//   kiln-graph-pipeline      kiln IR -> optimised kiln IR (inference)
//   kiln-bufferize-pipeline  kiln IR -> linalg on memrefs, out-params
//   kiln-llvm-pipeline       memrefs -> LLVM dialect, bare-pointer ABI
//   kiln-compile-pipeline    all three
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_PIPELINE_H
#define KILN_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace kiln {

/// Options of the code-generation pipelines.
struct PipelineOptions {
  /// Let buffers that are never live at once share scratch bytes; false gives
  /// every buffer its own slot (kiln compile --no-memory-reuse).
  bool memoryReuse = true;
  /// Split large loops over the runtime's thread pool
  /// (kiln-parallelize-loops); false keeps every loop on the calling thread.
  bool parallelLoops = true;
  /// The compiled default thread count (kiln compile --threads); 0 lets the
  /// runtime decide (kiln/threads.h).
  int32_t threads = 0;
  /// Fusion passes (kiln compile --no-fusion turns them off, to compare).
  bool fusion = true;
};

/// Graph-level clean-up of imported kiln IR for inference, in order:
///   1. kiln-freeze-params  (weights become constants)
///   2. canonicalize        (kiln folders: identities, constant folding)
///   3. cse
///   4. kiln-fold-batch-norm (BatchNormalization into the preceding Conv,
///      ConvTranspose or Gemm; unless options.fusion is false)
///   5. kiln-pack-weights   (constant weights in the layout kernels read)
void buildGraphPipeline(mlir::OpPassManager &pm,
                        const PipelineOptions &options = {});

/// kiln IR to buffers:
///   1. convert-kiln-to-linalg, canonicalize, cse, kiln-fuse-elementwise
///      (chains of elementwise ops into one loop nest; unless
///      options.fusion is false)
///   2. kiln-elementwise-in-place: elementwise ops write over inputs that
///      die with them; kiln-prepare-entry-points: inputs read-only, one
///      buffer per output
///   3. one-shot-bufferize of the whole module, identity layouts at function
///      boundaries (so entry points take plain dense buffers)
///   4. canonicalize (loop-carried buffers fold into the buffer, so a
///      returned loop result is its allocation), buffer-results-to-out-params:
///      results become caller-owned outputs
///   5. kiln-plan-memory: every temporary at a static offset of one scratch
///      arena (the entry point's last argument), kiln-verify-memory-plan
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options = {});

/// Buffers to the LLVM dialect: the elementwise consumer of a contraction
/// made its epilogue (kiln-fuse-epilogues; unless options.fusion is false),
/// large linalg ops split into tiles run by
/// the runtime's thread pool (kiln-parallelize-loops), contractions tiled
/// and vectorized, linalg to loops, f32 math to polynomials (the rest to
/// libm), then memref/arith/math/func/cf to LLVM with the bare-pointer
/// calling convention (one `T*` per buffer).
void buildLLVMPipeline(mlir::OpPassManager &pm,
                       const PipelineOptions &options = {});

/// buildGraphPipeline + buildBufferizePipeline + buildLLVMPipeline.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const PipelineOptions &options = {});

/// Registers kiln's passes and named pipelines with the global registry.
void registerKilnPassesAndPipelines();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_H
