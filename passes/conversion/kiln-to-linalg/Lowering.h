//===- Lowering.h - Shared helpers of the kiln-to-linalg patterns -*- C++ -*-===//
//
// The patterns of convert-kiln-to-linalg are grouped by op family, one file
// each; this header holds what they share: building generics with NumPy
// broadcasting, scalar constants of any element type, and the populate
// functions of each family.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERING_H
#define KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERING_H

#include "ir/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::lowering {

/// Body of an elementwise generic: scalar inputs -> scalar result.
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// \returns `tensor.empty` of \p type.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// \returns `linalg.fill` of \p value into a new tensor of \p type.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, double value);

/// [C] -> [C, 1, ..., 1] with \p trailing unit dims, so that a per-channel
/// vector broadcasts along dim 1 of [N, C, D1..Dtrailing]. \returns
/// \p vector itself when \p trailing is 0.
mlir::Value channelVector(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value vector, int64_t trailing);

/// \returns a scalar constant \p value of \p type (float or integer).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// \returns \p type's identity map when \p operandShape equals the result
/// shape, else the map that broadcasts it NumPy-style into a result of rank
/// \p resultRank: dims are aligned right, and a dim of size 1 facing a
/// larger result dim reads index 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *context,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// Builds one all-parallel `linalg.generic` producing \p resultType from
/// \p inputs (each broadcast to the result) through \p fn.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType resultType,
                        mlir::ValueRange inputs, ScalarFn fn);

/// Reduces \p input along \p axis (the dim is kept with size 1) starting
/// from \p init, combining with \p fn(b, loc, {element, accumulator}).
mlir::Value reduceAxis(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, int64_t axis, double init,
                       ScalarFn fn);

/// \p input padded by \p low / \p high elements per dim with the scalar
/// \p value of its element type (which may be unsigned, where an arith
/// constant cannot be); \p input itself when nothing is padded.
mlir::Value padWith(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                    llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                    mlir::Value value);

/// Pads \p input by \p low and \p high (one entry per dim) with \p value.
/// \returns \p input itself when every pad is zero.
mlir::Value padConstant(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, llvm::ArrayRef<int64_t> low,
                        llvm::ArrayRef<int64_t> high, double value);

/// \returns a convolution's product \p product, [M, N * O1 * O2 ...] (M
/// features by the output positions of every image), as the NCHW result of
/// type \p resultType, [N, M, O1, O2, ...]: a reshape when N is 1, a
/// transpose otherwise.
mlir::Value positionsToNchw(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value product,
                            mlir::RankedTensorType resultType);

/// \returns true if \p type's elements are integers interpreted as unsigned.
inline bool isUnsigned(mlir::Type type) {
  return type.isUnsignedInteger();
}

void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populateDepthwiseConvPatterns(mlir::RewritePatternSet &patterns);
void populateGroupedConvPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
/// The row-at-a-time fast path of softmax and layer norm; tried before the
/// general patterns of Reduction.cpp and Normalization.cpp (higher benefit).
void populateRowNormalizationPatterns(mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns);
void populateActivationPatterns(mlir::RewritePatternSet &patterns);
void populateEinsumPatterns(mlir::RewritePatternSet &patterns);

} // namespace kiln::lowering

#endif // KILN_PASSES_CONVERSION_KILNTOLINALG_LOWERING_H
