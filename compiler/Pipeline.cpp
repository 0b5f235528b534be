//===- Pipeline.cpp - The pass pipelines of kiln --------------------------===//
//
// Upstream passes are named textually: their options read as they do on the
// mlir-opt command line, and the strings double as documentation. The parse
// registers the passes it names first (registerCompilerPasses is idempotent),
// so the parse cannot fail short of a typo here: a fatal error.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline.h"

#include "compiler/Registry.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

namespace kiln {
namespace {

void addTextual(mlir::OpPassManager &pm, llvm::StringRef pipeline) {
  registerCompilerPasses();
  std::string error;
  llvm::raw_string_ostream os(error);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, os)))
    llvm::report_fatal_error(llvm::Twine("kiln: bad built-in pipeline: ") +
                             os.str());
}

// The canonicalize between bufferization and the out-params folds the
// buffers an scf.for carries and yields unchanged (the row loops of softmax
// and layer norm, the step loops of RNNs) into the buffer itself: a
// returned loop result then is the allocation that hoist-static-allocs
// turns into the output, instead of a scratch buffer copied into it.
constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map "
    "unknown-type-conversion=identity-layout-map},"
    "canonicalize,"
    "buffer-results-to-out-params{hoist-static-allocs=1},"
    "convert-bufferization-to-memref,canonicalize,cse";

constexpr llvm::StringLiteral kToLLVM =
    "func.func(kiln-vectorize-depthwise-conv),"
    "func.func(kiln-tile-and-vectorize-contractions),"
    "kiln-expand-memref-copy,func.func(kiln-vectorize-elementwise),"
    "kiln-stride-empty-arguments,"
    "func.func(convert-linalg-to-loops),"
    "kiln-approximate-math,"
    "lower-affine,convert-scf-to-cf,canonicalize,"
    "expand-strided-metadata,lower-affine,"
    "convert-vector-to-llvm,finalize-memref-to-llvm,"
    "convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,"
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
    "convert-cf-to-llvm,reconcile-unrealized-casts,canonicalize";

} // namespace

void buildGraphPipeline(mlir::OpPassManager &pm,
                        const PipelineOptions &options) {
  pm.addPass(passes::createFreezeParamsPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  if (options.fusion)
    pm.addPass(passes::createFoldBatchNormPass());
  pm.addPass(passes::createPackWeightsPass());
}

void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options) {
  pm.addPass(passes::createConvertKilnToLinalgPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  pm.addPass(passes::createPackWeightStripsPass());
  if (options.fusion)
    pm.addPass(passes::createFuseElementwisePass());
  pm.addPass(passes::createElementwiseInPlacePass());
  pm.addPass(passes::createPrepareEntryPointsPass());
  addTextual(pm, kBufferize);
  passes::PlanMemoryPassOptions plan;
  plan.reuse = options.memoryReuse;
  pm.addPass(passes::createPlanMemoryPass(plan));
  // The checker is cheap (quadratic in the buffers of one function) and
  // proves every plan, so it always runs.
  pm.addPass(passes::createVerifyMemoryPlanPass());
}

void buildLLVMPipeline(mlir::OpPassManager &pm,
                       const PipelineOptions &options) {
  if (options.fusion)
    pm.addPass(passes::createFuseEpiloguesPass());
  if (options.parallelLoops) {
    passes::ParallelizeLoopsPassOptions parallel;
    parallel.threads = options.threads;
    pm.addPass(passes::createParallelizeLoopsPass(parallel));
  }
  addTextual(pm, kToLLVM);
}

void buildCompilePipeline(mlir::OpPassManager &pm,
                          const PipelineOptions &options) {
  buildGraphPipeline(pm, options);
  buildBufferizePipeline(pm, options);
  buildLLVMPipeline(pm, options);
}

void registerKilnPassesAndPipelines() {
  passes::registerKilnPasses();
  mlir::PassPipelineRegistration<>(
      "kiln-graph-pipeline",
      "Graph-level clean-up of imported kiln IR for inference",
      [](mlir::OpPassManager &pm) { buildGraphPipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "kiln-bufferize-pipeline",
      "kiln IR to linalg on buffers with caller-owned outputs and a planned "
      "scratch arena",
      [](mlir::OpPassManager &pm) { buildBufferizePipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "kiln-llvm-pipeline", "Buffers to the LLVM dialect (bare pointers)",
      [](mlir::OpPassManager &pm) { buildLLVMPipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "kiln-compile-pipeline", "kiln IR to the LLVM dialect",
      [](mlir::OpPassManager &pm) { buildCompilePipeline(pm); });
}

} // namespace kiln
