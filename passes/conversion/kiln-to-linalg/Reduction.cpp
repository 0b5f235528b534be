//===- Reduction.cpp - kiln reductions and losses to linalg ---------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {

void populateReductionPatterns(RewritePatternSet &) {}

} // namespace kiln::lowering
