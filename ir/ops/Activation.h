//===- Activation.h - Shape rules of the Activation group -------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Activation.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h. The unary ops use
// inferSameAsInput of ir/KilnOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_ACTIVATION_H
#define KILN_IR_OPS_ACTIVATION_H

#include "ir/ShapeRules.h"

namespace kiln {

/// PRelu: the result has the input's type; the slope must broadcast to the
/// input's shape (ONNX unidirectional broadcasting).
template <typename Adaptor>
mlir::LogicalResult inferPRelu(std::optional<mlir::Location> loc,
                               llvm::StringRef opName, Adaptor adaptor,
                               llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  auto slope = rankedType(loc, opName, adaptor.getSlope(), "slope");
  if (mlir::failed(input) || mlir::failed(slope))
    return mlir::failure();
  if (mlir::failed(
          checkElementType(loc, opName, "slope", *slope, "input", *input)))
    return mlir::failure();
  if (!broadcastsTo(slope->getShape(), input->getShape()))
    return opError(loc, opName, "slope of shape ",
                   formatShape(slope->getShape()),
                   " does not broadcast to the input shape ",
                   formatShape(input->getShape()));
  inferred.push_back(*input);
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_ACTIVATION_H
