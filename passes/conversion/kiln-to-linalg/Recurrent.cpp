//===- Recurrent.cpp - kiln RNN, LSTM, GRU to linalg/tensor ---------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {

void populateRecurrentPatterns(RewritePatternSet &) {}

} // namespace kiln::lowering
