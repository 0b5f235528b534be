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

/// The geometry of a 2-D sliding window (kernel, strides, begin pads,
/// dilations) from input [N, C, H, W] to output [N, C, OH, OW], split so
/// that most outputs read the input in place: the interior, output rows
/// [lo[0], hi[0]) x columns [lo[1], hi[1]), whose windows lie inside the
/// input, and the bands above, below, left and right of it, whose windows
/// touch the padding (or the ceil_mode overhang past the end pad).
/// Depthwise convolution and 2-D pooling lower region by region.
struct WindowRegions {
  int64_t in[2], out[2], kernel[2], strides[2], pads[2], dilations[2];
  int64_t lo[2], hi[2];

  WindowRegions(llvm::ArrayRef<int64_t> inShape,
                llvm::ArrayRef<int64_t> outShape,
                llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
                llvm::ArrayRef<int64_t> pads,
                llvm::ArrayRef<int64_t> dilations);

  /// Whether some output's window lies inside the input.
  bool hasInterior() const { return lo[0] < hi[0] && lo[1] < hi[1]; }

  /// Calls \p fn(r0, r1, c0, c1) on the interior, then on the non-empty
  /// bands above, below (full width), left and right of it; on the whole
  /// output once when there is no interior.
  void forEach(llvm::function_ref<void(int64_t, int64_t, int64_t, int64_t)>
                   fn) const;

  /// The part of \p input (static [N, C, H, W]) that output rows [r0, r1) x
  /// columns [c0, c1) read: a slice, padded with \p padValue where their
  /// windows run past an edge, so that output (r0 + i, c0 + j) reads it at
  /// (i * s0 + kh * d0, j * s1 + kw * d1).
  mlir::Value read(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                   int64_t r0, int64_t r1, int64_t c0, int64_t c1,
                   mlir::Value padValue) const;
};

/// The divisor of an average pool (the number of window taps that count)
/// for every output position of one spatial dim: taps inside the input, plus
/// the explicit pads when \p includePad (never the ceil_mode overhang).
llvm::SmallVector<double> reciprocalCounts(int64_t in, int64_t out,
                                           int64_t kernel, int64_t stride,
                                           int64_t padBegin, int64_t padEnd,
                                           bool includePad);

/// \returns true if \p type's elements are integers interpreted as unsigned.
inline bool isUnsigned(mlir::Type type) {
  return type.isUnsignedInteger();
}

void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populateDepthwiseConvPatterns(mlir::RewritePatternSet &patterns);
void populateGroupedConvPatterns(mlir::RewritePatternSet &patterns);
/// Static f32 2-D max and average pooling that read the input in place;
/// tried before Conv.cpp's padded window generics (higher benefit).
void populatePoolingPatterns(mlir::RewritePatternSet &patterns);
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
