//===- Liveness.h - Buffer live ranges for memory planning ------*- C++ -*-===//
//
// Shared by kiln-plan-memory and kiln-verify-memory-plan, so that the
// checker proves the plan against the same notion of liveness the planner
// used: a step is a top-level op of the entry block, and a buffer is live
// from the step that creates it to the last step that uses it or any view
// of it (subview, reshape, cast: every ViewLikeOpInterface result).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CODEGEN_LIVENESS_H
#define KILN_PASSES_CODEGEN_LIVENESS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace kiln::passes {

/// Byte sizes and live ranges in steps of the top-level ops of a function.
class BufferLiveness {
public:
  explicit BufferLiveness(mlir::func::FuncOp func) {
    int64_t index = 0;
    for (mlir::Operation &op : func.getBody().front())
      steps[&op] = index++;
    numSteps = index;
  }

  int64_t size() const { return numSteps; }

  /// \returns the step of the top-level op containing \p op.
  int64_t stepOf(mlir::Operation *op) const {
    while (op && !steps.count(op))
      op = op->getParentOp();
    return op ? steps.lookup(op) : -1;
  }

  /// \returns [first, last] steps of the buffer \p root and its views, or
  /// std::nullopt if a view escapes (returned, or passed to a call).
  std::optional<std::pair<int64_t, int64_t>> liveRange(mlir::Value root) const {
    int64_t first = stepOf(root.getDefiningOp()), last = first;
    llvm::SmallVector<mlir::Value> worklist = {root};
    while (!worklist.empty()) {
      mlir::Value value = worklist.pop_back_val();
      for (mlir::Operation *user : value.getUsers()) {
        if (mlir::isa<mlir::func::ReturnOp, mlir::func::CallOp>(user))
          return std::nullopt;
        last = std::max(last, stepOf(user));
        if (auto view = mlir::dyn_cast<mlir::ViewLikeOpInterface>(user))
          if (view.getViewSource() == value)
            for (mlir::Value result : user->getResults())
              worklist.push_back(result);
      }
    }
    return std::make_pair(first, last);
  }

  /// Bytes of a statically shaped memref (bools take a byte each).
  static int64_t bytesOf(mlir::MemRefType type) {
    unsigned bits = type.getElementTypeBitWidth();
    return type.getNumElements() * ((bits + 7) / 8);
  }

  /// The ONNX node names in \p loc, joined with '+'.
  static std::string producerOf(mlir::Location loc) {
    std::string names;
    loc->walk([&](mlir::Location inner) {
      if (auto name = mlir::dyn_cast<mlir::NameLoc>(inner))
        names += (names.empty() ? "" : "+") + name.getName().str();
      return mlir::WalkResult::advance();
    });
    return names;
  }

private:
  llvm::DenseMap<mlir::Operation *, int64_t> steps;
  int64_t numSteps = 0;
};

/// Name of the entry-point argument that carries the scratch arena.
constexpr llvm::StringLiteral kScratchArgAttr = "kiln.scratch";
/// The plan the planner leaves on the function (a DictionaryAttr).
constexpr llvm::StringLiteral kMemoryPlanAttr = "kiln.memory_plan";

} // namespace kiln::passes

#endif // KILN_PASSES_CODEGEN_LIVENESS_H
