//===- Recurrent.h - Shape rules of the Recurrent group ---------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Recurrent.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h. The attribute
// rules that do not decide shapes (activation names and counts) are the ops'
// verifiers, in ir/ops/Recurrent.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_RECURRENT_H
#define KILN_IR_OPS_RECURRENT_H

#include "ir/ShapeRules.h"

namespace kiln {

/// The operands and attributes the three recurrent ops share, read from an
/// adaptor; \p initialC and \p peepholes are null except for LSTM.
struct RecurrentOperands {
  mlir::Value input, weights, recurrence, bias, sequenceLens, initialH,
      initialC, peepholes;
  mlir::IntegerAttr hiddenSize, layout;
  llvm::StringRef direction;
};

/// \returns the number of directions of \p direction (1 or 2), or 0 for a
/// name that is not `forward`, `reverse` or `bidirectional`.
inline int64_t recurrentDirections(llvm::StringRef direction) {
  if (direction == "forward" || direction == "reverse")
    return 1;
  return direction == "bidirectional" ? 2 : 0;
}

/// Shape rule of RNN/LSTM/GRU with \p gates gates: checks every operand
/// against X, W and `hidden_size` and pushes Y, Y_h (and Y_c when
/// \p numStates is 2).
inline mlir::LogicalResult
inferRecurrent(std::optional<mlir::Location> loc, llvm::StringRef opName,
               const RecurrentOperands &ops, int64_t gates, int numStates,
               llvm::SmallVectorImpl<mlir::Type> &inferred) {
  using mlir::failed;
  auto x = rankedType(loc, opName, ops.input, "input");
  auto w = rankedType(loc, opName, ops.weights, "weights");
  auto r = rankedType(loc, opName, ops.recurrence, "recurrence");
  if (failed(x) || failed(w) || failed(r))
    return mlir::failure();
  if (!ops.hiddenSize)
    return opError(loc, opName, "requires attribute 'hidden_size'");
  int64_t hidden = ops.hiddenSize.getInt();
  int64_t layout = ops.layout ? ops.layout.getInt() : 0;
  int64_t dirs = recurrentDirections(ops.direction);
  if (hidden < 1)
    return opError(loc, opName, "hidden_size must be positive, got ", hidden);
  if (layout != 0 && layout != 1)
    return opError(loc, opName, "layout must be 0 or 1, got ", layout);
  if (dirs == 0)
    return opError(loc, opName, "direction must be 'forward', 'reverse' or "
                   "'bidirectional', got '", ops.direction, "'");
  if (x->getRank() != 3)
    return opError(loc, opName, "input must have rank 3, got ",
                   formatShape(x->getShape()));
  int64_t seq = x->getDimSize(layout == 0 ? 0 : 1);
  int64_t batch = x->getDimSize(layout == 0 ? 1 : 0);
  int64_t features = x->getDimSize(2);
  mlir::Type element = x->getElementType();
  // States are [D, N, H] (layout 0) or [N, D, H] (layout 1).
  llvm::SmallVector<int64_t> state =
      layout == 0 ? llvm::SmallVector<int64_t>{dirs, batch, hidden}
                  : llvm::SmallVector<int64_t>{batch, dirs, hidden};

  auto expect = [&](mlir::Value value, llvm::StringRef name,
                    llvm::ArrayRef<int64_t> shape,
                    bool sameElement) -> mlir::LogicalResult {
    if (!value)
      return mlir::success();
    auto type = rankedType(loc, opName, value, name);
    if (failed(type))
      return mlir::failure();
    if (sameElement &&
        failed(checkElementType(loc, opName, name, *type, "input", *x)))
      return mlir::failure();
    if (type->getShape() != shape)
      return opError(loc, opName, name, " must be ", formatShape(shape),
                     ", got ", formatShape(type->getShape()));
    return mlir::success();
  };
  if (failed(expect(ops.weights, "weights", {dirs, gates * hidden, features},
                    true)) ||
      failed(expect(ops.recurrence, "recurrence",
                    {dirs, gates * hidden, hidden}, true)) ||
      failed(expect(ops.bias, "bias", {dirs, 2 * gates * hidden}, true)) ||
      failed(expect(ops.sequenceLens, "sequence_lens", {batch}, false)) ||
      failed(expect(ops.initialH, "initial_h", state, true)) ||
      failed(expect(ops.initialC, "initial_c", state, true)) ||
      failed(expect(ops.peepholes, "peepholes", {dirs, 3 * hidden}, true)))
    return mlir::failure();
  if (ops.sequenceLens &&
      !mlir::cast<mlir::RankedTensorType>(ops.sequenceLens.getType())
           .getElementType()
           .isSignlessInteger())
    return opError(loc, opName, "sequence_lens must have integer elements");

  llvm::SmallVector<int64_t> y =
      layout == 0 ? llvm::SmallVector<int64_t>{seq, dirs, batch, hidden}
                  : llvm::SmallVector<int64_t>{batch, seq, dirs, hidden};
  inferred.push_back(mlir::RankedTensorType::get(y, element));
  for (int i = 0; i < numStates; ++i)
    inferred.push_back(mlir::RankedTensorType::get(state, element));
  return mlir::success();
}

/// Reads the shared operands of an RNN, LSTM or GRU adaptor.
template <typename Adaptor>
RecurrentOperands recurrentOperands(Adaptor adaptor) {
  RecurrentOperands ops;
  ops.input = adaptor.getInput();
  ops.weights = adaptor.getWeights();
  ops.recurrence = adaptor.getRecurrence();
  ops.bias = adaptor.getBias();
  ops.sequenceLens = adaptor.getSequenceLens();
  ops.initialH = adaptor.getInitialH();
  ops.hiddenSize = adaptor.getProperties().hidden_size;
  ops.layout = adaptor.getProperties().layout;
  mlir::StringAttr direction = adaptor.getProperties().direction;
  ops.direction = direction ? direction.getValue() : "forward";
  return ops;
}

inline mlir::LogicalResult inferRnn(std::optional<mlir::Location> loc,
                                    llvm::StringRef opName,
                                    RnnOp::Adaptor adaptor,
                                    llvm::SmallVectorImpl<mlir::Type> &inferred) {
  return inferRecurrent(loc, opName, recurrentOperands(adaptor), 1, 1,
                        inferred);
}

inline mlir::LogicalResult inferGru(std::optional<mlir::Location> loc,
                                    llvm::StringRef opName,
                                    GruOp::Adaptor adaptor,
                                    llvm::SmallVectorImpl<mlir::Type> &inferred) {
  return inferRecurrent(loc, opName, recurrentOperands(adaptor), 3, 1,
                        inferred);
}

inline mlir::LogicalResult
inferLstm(std::optional<mlir::Location> loc, llvm::StringRef opName,
          LstmOp::Adaptor adaptor,
          llvm::SmallVectorImpl<mlir::Type> &inferred) {
  RecurrentOperands ops = recurrentOperands(adaptor);
  ops.initialC = adaptor.getInitialC();
  ops.peepholes = adaptor.getPeepholes();
  return inferRecurrent(loc, opName, ops, 4, 2, inferred);
}

} // namespace kiln

#endif // KILN_IR_OPS_RECURRENT_H
