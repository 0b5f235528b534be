//===- Indexing.cpp - kiln gather/scatter/resize to linalg ----------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {

void populateIndexingPatterns(RewritePatternSet &) {}

} // namespace kiln::lowering
