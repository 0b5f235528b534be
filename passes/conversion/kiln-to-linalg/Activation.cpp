//===- Activation.cpp - kiln activations to linalg ------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {

void populateActivationPatterns(RewritePatternSet &) {}

} // namespace kiln::lowering
