//===- Pipeline.cpp - The pass pipelines of kiln --------------------------===//

#include "compiler/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace kiln {

void buildGraphPipeline(mlir::OpPassManager &pm) {
  pm.addPass(passes::createFreezeParamsPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void registerKilnPassesAndPipelines() {
  passes::registerKilnPasses();
  mlir::PassPipelineRegistration<>(
      "kiln-graph-pipeline",
      "Graph-level clean-up of imported kiln IR for inference",
      buildGraphPipeline);
}

} // namespace kiln
