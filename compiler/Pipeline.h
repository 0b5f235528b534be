//===- Pipeline.h - The pass pipelines of kiln ------------------*- C++ -*-===//
//
// Pipelines are C++ functions (this file), also registered by name so that
// lit tests and `kiln-opt` can run each stage on its own.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_PIPELINE_H
#define KILN_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace kiln {

/// Graph-level clean-up of imported kiln IR for inference, in order:
///   1. kiln-freeze-params  (weights become constants)
///   2. canonicalize        (kiln folders: identities, constant folding)
///   3. cse
/// Registered as `kiln-graph-pipeline`.
void buildGraphPipeline(mlir::OpPassManager &pm);

/// Registers kiln's passes and named pipelines with the global registry.
void registerKilnPassesAndPipelines();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_H
