//===- Tensors.h - ONNX tensors and types as MLIR types and attributes -*- C++ -*-===//
//
// Converts onnx::TensorProto (initializers, Constant values) into MLIR
// ElementsAttr and ONNX element types into MLIR element types. Large tensors
// become dense resource blobs so that IR dumps elide them.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTENDS_ONNX_TENSORS_H
#define KILN_FRONTENDS_ONNX_TENSORS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"

#include <onnx/onnx_pb.h>

#include <string>

namespace kiln::onnx {

/// Tensors with more elements than this become `dense_resource` blobs; smaller
/// ones stay `dense<...>` literals, readable in IR and foldable.
constexpr int64_t kMaxInlineElements = 64;

/// \returns the MLIR element type of ONNX element type \p elemType (a
/// TensorProto::DataType value), or null for types kiln does not support
/// (strings, complex numbers, 8-bit floats).
mlir::Type elementType(mlir::MLIRContext *context, int32_t elemType);

/// \returns the ONNX spelling of \p elemType, e.g. "FLOAT", "STRING".
std::string elementTypeName(int32_t elemType);

/// Reads the contents of \p tensor into an attribute of type \p type (whose
/// shape must match the tensor's dims). External data is read relative to
/// \p baseDir. \p blobName names a resource blob when one is made.
/// \returns failure with a one-line reason in \p error.
mlir::FailureOr<mlir::ElementsAttr>
tensorToAttr(const ::onnx::TensorProto &tensor, mlir::RankedTensorType type,
             llvm::StringRef baseDir, llvm::StringRef blobName,
             std::string &error);

/// Checks that \p tensor's data (inline, typed or external) holds exactly the
/// bytes its dims and element type need, without copying it.
mlir::LogicalResult checkTensorData(const ::onnx::TensorProto &tensor,
                                    llvm::StringRef baseDir,
                                    std::string &error);

/// Reads an integer tensor (INT32 or INT64) as int64 values.
mlir::FailureOr<llvm::SmallVector<int64_t>>
tensorToInts(const ::onnx::TensorProto &tensor, llvm::StringRef baseDir,
             std::string &error);

} // namespace kiln::onnx

#endif // KILN_FRONTENDS_ONNX_TENSORS_H
