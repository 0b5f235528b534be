//===- Pipeline.cpp - The pass pipelines of kiln --------------------------===//
//
// Upstream passes are named textually: their options read as they do on the
// mlir-opt command line, and the strings double as documentation. The parse
// cannot fail unless a pass is not registered (registerCompilerPasses), which
// is a build error, so it is checked with a fatal error.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

namespace kiln {
namespace {

void addTextual(mlir::OpPassManager &pm, llvm::StringRef pipeline) {
  std::string error;
  llvm::raw_string_ostream os(error);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, os)))
    llvm::report_fatal_error(llvm::Twine("kiln: bad built-in pipeline: ") +
                             os.str());
}

constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map "
    "unknown-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs=1},"
    "buffer-deallocation-pipeline,"
    "convert-bufferization-to-memref,canonicalize,cse";

constexpr llvm::StringLiteral kToLLVM =
    "kiln-expand-memref-copy,func.func(convert-linalg-to-loops),"
    "kiln-approximate-math,"
    "lower-affine,convert-scf-to-cf,canonicalize,"
    "expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm,"
    "convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,"
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
    "convert-cf-to-llvm,reconcile-unrealized-casts,canonicalize";

} // namespace

void buildGraphPipeline(mlir::OpPassManager &pm) {
  pm.addPass(passes::createFreezeParamsPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void buildBufferizePipeline(mlir::OpPassManager &pm) {
  pm.addPass(passes::createConvertKilnToLinalgPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  addTextual(pm, kBufferize);
}

void buildLLVMPipeline(mlir::OpPassManager &pm) { addTextual(pm, kToLLVM); }

void buildCompilePipeline(mlir::OpPassManager &pm) {
  buildGraphPipeline(pm);
  buildBufferizePipeline(pm);
  buildLLVMPipeline(pm);
}

void registerKilnPassesAndPipelines() {
  passes::registerKilnPasses();
  mlir::PassPipelineRegistration<>(
      "kiln-graph-pipeline",
      "Graph-level clean-up of imported kiln IR for inference",
      buildGraphPipeline);
  mlir::PassPipelineRegistration<>(
      "kiln-bufferize-pipeline",
      "kiln IR to linalg on buffers with caller-owned outputs",
      buildBufferizePipeline);
  mlir::PassPipelineRegistration<>(
      "kiln-llvm-pipeline", "Buffers to the LLVM dialect (bare pointers)",
      buildLLVMPipeline);
  mlir::PassPipelineRegistration<>(
      "kiln-compile-pipeline", "kiln IR to the LLVM dialect",
      buildCompilePipeline);
}

} // namespace kiln
