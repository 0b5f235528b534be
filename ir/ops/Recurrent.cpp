//===- Recurrent.cpp - Verifiers of the RNN, LSTM and GRU ops -------------===//
//
// The attribute rules of kiln.rnn, kiln.lstm and kiln.gru that do not decide
// result shapes: one known activation per function and direction, one alpha
// and one beta per activation, a positive clip. Shapes are checked by the
// infer functions in ir/ops/Recurrent.h.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"
#include "ir/ops/RecurrentActivations.h"

using namespace mlir;

namespace kiln {
namespace {

/// Checks the activation attributes of \p op, which has \p perDirection
/// activation functions per direction.
template <typename OpTy>
LogicalResult verifyRecurrent(OpTy op, int64_t perDirection) {
  int64_t dirs = op.getDirection() == "bidirectional" ? 2 : 1;
  ArrayAttr activations = op.getActivations();
  int64_t expected = dirs * perDirection;
  if (static_cast<int64_t>(activations.size()) != expected)
    return op.emitOpError("expects ")
           << expected << " activations (" << perDirection
           << " per direction), got " << activations.size();
  for (Attribute name : activations)
    if (!parseRecurrentActivation(cast<StringAttr>(name).getValue()))
      return op.emitOpError("unknown activation '")
             << cast<StringAttr>(name).getValue() << "'";
  if (static_cast<int64_t>(op.getActivationAlpha().size()) != expected ||
      static_cast<int64_t>(op.getActivationBeta().size()) != expected)
    return op.emitOpError("expects one activation_alpha and one "
                          "activation_beta per activation (")
           << expected << "), got " << op.getActivationAlpha().size()
           << " and " << op.getActivationBeta().size();
  if (std::optional<APFloat> clip = op.getClip();
      clip && !(clip->convertToDouble() > 0.0))
    return op.emitOpError("clip must be positive, got ")
           << clip->convertToDouble();
  return success();
}

} // namespace

LogicalResult RnnOp::verify() { return verifyRecurrent(*this, 1); }
LogicalResult LstmOp::verify() { return verifyRecurrent(*this, 3); }
LogicalResult GruOp::verify() { return verifyRecurrent(*this, 2); }

} // namespace kiln
