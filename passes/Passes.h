//===- Passes.h - The kiln passes -------------------------------*- C++ -*-===//

#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "ir/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln::passes {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Marks an `scf.for` over the rows of a row-wise op (convert-kiln-to-linalg's
/// softmax and layer norm fast path) whose iterations write disjoint rows;
/// the value (i64) is the estimated cost of one row. kiln-parallelize-loops
/// runs such a loop on the thread pool when the rows are costly enough.
inline constexpr llvm::StringLiteral kParallelRowsAttr = "kiln.parallel_rows";

} // namespace kiln::passes

#endif // KILN_PASSES_PASSES_H
