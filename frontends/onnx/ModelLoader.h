//===- ModelLoader.h - Read, validate and normalise an ONNX model -*- C++ -*-===//
//
// The first half of import: bytes -> a ModelProto that kiln can trust. It
// parses, checks the graph's structure with kiln's own precise messages
// (dangling inputs, cycles, malformed initializers), runs onnx::checker,
// specialises symbolic input dims, converts to the target opset and runs
// ONNX shape inference. Errors are MLIR diagnostics located at the model
// file (and the node, where there is one); nothing here throws.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTENDS_ONNX_MODELLOADER_H
#define KILN_FRONTENDS_ONNX_MODELLOADER_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <string>

namespace kiln::onnx {

/// The ONNX opset every model is converted to before import; the op
/// importers implement this opset's semantics only.
constexpr int64_t kTargetOpset = 17;

struct LoadOptions {
  /// Sizes for graph inputs with symbolic dims, by input name.
  std::map<std::string, llvm::SmallVector<int64_t>> inputShapes;
  /// Specialise input shapes, convert the opset and run ONNX shape
  /// inference. `kiln inspect` turns this off to report on models as they
  /// are.
  bool normalize = true;
};

/// Parses `name=1x3x32x32` into \p shapes. \returns an error text, or "".
std::string parseInputShape(llvm::StringRef spec,
                            std::map<std::string, llvm::SmallVector<int64_t>> &shapes);

/// A loaded model and where it came from.
struct LoadedModel {
  ::onnx::ModelProto proto;
  std::string path;     ///< As given; used in every location.
  std::string baseDir;  ///< Where external data files are looked up.
  int64_t originalOpset = 0;
};

/// Loads the model at \p path. Emits diagnostics on failure.
mlir::FailureOr<LoadedModel> loadModelFile(mlir::MLIRContext *context,
                                           llvm::StringRef path,
                                           const LoadOptions &options);

/// Loads a model from \p bytes; \p name stands in for the path in messages,
/// and external data is looked up relative to \p baseDir.
mlir::FailureOr<LoadedModel> loadModelBytes(mlir::MLIRContext *context,
                                            llvm::StringRef bytes,
                                            llvm::StringRef name,
                                            llvm::StringRef baseDir,
                                            const LoadOptions &options);

/// \returns the location of \p node: its name (or first output name) inside
/// the model file, as every diagnostic about it must carry.
mlir::Location nodeLocation(mlir::MLIRContext *context, llvm::StringRef path,
                            const ::onnx::NodeProto &node);

/// \returns the location of the model file itself.
mlir::Location fileLocation(mlir::MLIRContext *context, llvm::StringRef path);

/// \returns the default-domain opset the model imports (0 if none).
int64_t defaultOpset(const ::onnx::ModelProto &model);

} // namespace kiln::onnx

#endif // KILN_FRONTENDS_ONNX_MODELLOADER_H
