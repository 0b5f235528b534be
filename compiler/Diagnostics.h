//===- Diagnostics.h - Diagnostics for people, located at the model -*- C++ -*-===//
//
// The `kiln` driver prints MLIR diagnostics as
//   model.onnx: error: node 'conv_1': <message>
// An op's location is its ONNX node name inside the model path (see the
// importer); the file and node come from there. `kiln-opt` keeps MLIR's
// default handler so that lit's -verify-diagnostics works.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_DIAGNOSTICS_H
#define KILN_COMPILER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln {

/// Formats one diagnostic (with its notes) as the driver prints it.
std::string formatDiagnostic(mlir::Diagnostic &diagnostic);

/// Prints every diagnostic of \p context to \p os while alive.
class DiagnosticPrinter : public mlir::ScopedDiagnosticHandler {
public:
  DiagnosticPrinter(mlir::MLIRContext *context,
                    llvm::raw_ostream &os = llvm::errs());
};

} // namespace kiln

#endif // KILN_COMPILER_DIAGNOSTICS_H
