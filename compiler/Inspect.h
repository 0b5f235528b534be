//===- Inspect.h - `kiln inspect`: a report on an ONNX model ----*- C++ -*-===//

#ifndef KILN_COMPILER_INSPECT_H
#define KILN_COMPILER_INSPECT_H

#include "frontends/onnx/ModelLoader.h"

#include "llvm/Support/raw_ostream.h"

namespace kiln {

/// Prints a report on the model at \p path to \p os: producer and opset,
/// inputs and outputs with element types and shapes, the operator histogram
/// (unsupported operators marked), parameter count and bytes, and every
/// feature kiln cannot import. The model is reported as stored (no shape
/// specialisation or opset conversion). \returns failure, with diagnostics,
/// only when the file is not a valid ONNX model; unsupported features are
/// part of the report.
mlir::LogicalResult inspectModel(mlir::MLIRContext *context,
                                 llvm::StringRef path, llvm::raw_ostream &os);

} // namespace kiln

#endif // KILN_COMPILER_INSPECT_H
