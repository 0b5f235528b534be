//===- OnnxImporter.h - ONNX models to kiln IR ------------------*- C++ -*-===//
//
// The second half of import: a loaded, validated ModelProto becomes a module
// with one `func.func @main` whose arguments and results are the graph's
// inputs and outputs (each tagged `kiln.name`). Float initializers become
// `kiln.param`, other initializers and Constant nodes `kiln.constant`. The
// importer does no optimisation.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTENDS_ONNX_ONNXIMPORTER_H
#define KILN_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "frontends/onnx/ModelLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace kiln::onnx {

/// One thing a model uses that kiln cannot import, with every node (or
/// tensor) that uses it.
struct Unsupported {
  std::string what;               ///< e.g. "operator 'Erf'"
  std::vector<std::string> where; ///< node or tensor names
};

/// \returns everything in \p model that kiln cannot import: operator types
/// (of any domain), attributes and attribute values, element types. Grouped
/// by `what`, in order of first appearance.
std::vector<Unsupported> findUnsupported(const ::onnx::ModelProto &model);

/// Formats \p unsupported as the body of one error message: a count line,
/// then one indented line per entry.
std::string formatUnsupported(const std::vector<Unsupported> &unsupported);

/// Registers the dialects imported IR uses (kiln, func).
void registerImportDialects(mlir::DialectRegistry &registry);

/// Imports \p model. Emits diagnostics (all unsupported features at once)
/// and returns failure if the model cannot be imported.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext *context, const LoadedModel &model);

/// loadModelFile() followed by importModel().
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext *context, llvm::StringRef path,
                const LoadOptions &options);

} // namespace kiln::onnx

#endif // KILN_FRONTENDS_ONNX_ONNXIMPORTER_H
