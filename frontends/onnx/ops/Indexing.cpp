//===- Indexing.cpp - Import ONNX gather/scatter, resize, einsum ----------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {

void registerIndexingOps(OpRegistry &) {}

} // namespace kiln::onnx
