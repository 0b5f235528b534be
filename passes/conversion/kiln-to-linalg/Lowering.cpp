//===- Lowering.cpp - Shared helpers of the kiln-to-linalg patterns -------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::lowering {

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return b.create<tensor::EmptyOp>(loc, type.getShape(),
                                   type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   double value) {
  return b
      .create<linalg::FillOp>(
          loc, scalarConstant(b, loc, type.getElementType(), value),
          emptyTensor(b, loc, type))
      .getResult(0);
}

Value channelVector(OpBuilder &b, Location loc, Value vector,
                    int64_t trailing) {
  if (trailing == 0)
    return vector;
  auto type = cast<RankedTensorType>(vector.getType());
  SmallVector<int64_t> shape = {type.getDimSize(0)};
  shape.append(trailing, 1);
  ReassociationIndices all;
  for (int64_t i = 0; i <= trailing; ++i)
    all.push_back(i);
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), vector,
      ArrayRef<ReassociationIndices>{all});
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, value));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

AffineMap broadcastMap(MLIRContext *context, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  size_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (size_t i = 0; i < operandShape.size(); ++i) {
    bool broadcast = operandShape[i] == 1 && resultShape[offset + i] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(offset + i, context));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, context);
}

Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ScalarFn fn) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        b.getContext(), cast<RankedTensorType>(input.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, resultType, inputs, emptyTensor(b, loc, resultType), maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        nested.create<linalg::YieldOp>(
            nestedLoc, fn(nested, nestedLoc, args.drop_back()));
      });
  return generic.getResult(0);
}

Value reduceAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                 double init, ScalarFn fn) {
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inputType.getShape());
  shape[axis] = 1;
  auto resultType = RankedTensorType::get(shape, inputType.getElementType());
  Value filled = filledTensor(b, loc, resultType, init);
  int64_t rank = inputType.getRank();
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(i == axis ? b.getAffineConstantExpr(0)
                                 : b.getAffineDimExpr(i));
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, outExprs, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  return b
      .create<linalg::GenericOp>(
          loc, resultType, input, filled, maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            nested.create<linalg::YieldOp>(nestedLoc,
                                           fn(nested, nestedLoc, args));
          })
      .getResult(0);
}

Value padWith(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < shape.size(); ++i)
    shape[i] += low[i] + high[i];
  return b.create<tensor::PadOp>(
      loc, type.clone(shape), input,
      getAsIndexOpFoldResult(b.getContext(), low),
      getAsIndexOpFoldResult(b.getContext(), high), value);
}

Value padConstant(OpBuilder &b, Location loc, Value input,
                  ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                  double value) {
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  return padWith(b, loc, input, low, high,
                 scalarConstant(b, loc, element, value));
}

Value positionsToNchw(OpBuilder &b, Location loc, Value product,
                      RankedTensorType resultType) {
  int64_t batch = resultType.getDimSize(0);
  int64_t rank = resultType.getRank();
  // [M, N*O...] -> [M, N, O...] -> [N, M, O...].
  SmallVector<int64_t> split = {resultType.getDimSize(1), batch};
  llvm::append_range(split, resultType.getShape().drop_front(2));
  ReassociationIndices rest;
  for (int64_t i = 1; i < rank; ++i)
    rest.push_back(i);
  Value unfolded = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get(split, resultType.getElementType()), product,
      ArrayRef<ReassociationIndices>{{0}, rest});
  if (batch == 1) {
    // Swapping a unit dim is a reshape, not a copy.
    SmallVector<ReassociationIndices> groups = {{0, 1}};
    for (int64_t i = 2; i < rank; ++i)
      groups.push_back({i});
    Value squeezed = b.create<tensor::CollapseShapeOp>(loc, unfolded, groups);
    return b.create<tensor::ExpandShapeOp>(loc, resultType, squeezed, groups);
  }
  SmallVector<int64_t> perm = {1, 0};
  for (int64_t i = 2; i < rank; ++i)
    perm.push_back(i);
  return b
      .create<linalg::TransposeOp>(loc, unfolded,
                                   emptyTensor(b, loc, resultType), perm)
      ->getResult(0);
}

WindowRegions::WindowRegions(ArrayRef<int64_t> inShape,
                             ArrayRef<int64_t> outShape,
                             ArrayRef<int64_t> kernelShape,
                             ArrayRef<int64_t> strideValues,
                             ArrayRef<int64_t> padValues,
                             ArrayRef<int64_t> dilationValues) {
  for (int i = 0; i < 2; ++i) {
    in[i] = inShape[2 + i];
    out[i] = outShape[2 + i];
    kernel[i] = kernelShape[i];
    strides[i] = strideValues[i];
    pads[i] = padValues[i];
    dilations[i] = dilationValues[i];
    // First output whose window starts at or after 0, and one past the last
    // whose window ends inside the input.
    lo[i] = std::min<int64_t>(out[i], llvm::divideCeil(pads[i], strides[i]));
    int64_t span = in[i] - 1 - (kernel[i] - 1) * dilations[i] + pads[i];
    hi[i] = span < 0 ? lo[i]
                     : std::clamp<int64_t>(span / strides[i] + 1, lo[i], out[i]);
  }
}

void WindowRegions::forEach(
    llvm::function_ref<void(int64_t, int64_t, int64_t, int64_t)> fn) const {
  auto region = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    if (r0 < r1 && c0 < c1)
      fn(r0, r1, c0, c1);
  };
  if (!hasInterior()) {
    region(0, out[0], 0, out[1]);
    return;
  }
  region(lo[0], hi[0], lo[1], hi[1]);
  region(0, lo[0], 0, out[1]);
  region(hi[0], out[0], 0, out[1]);
  region(lo[0], hi[0], 0, lo[1]);
  region(lo[0], hi[0], hi[1], out[1]);
}

Value WindowRegions::read(OpBuilder &b, Location loc, Value input, int64_t r0,
                          int64_t r1, int64_t c0, int64_t c1,
                          Value padValue) const {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t range[2][2] = {{r0, r1}, {c0, c1}};
  SmallVector<int64_t> offsets = {0, 0},
                       sizes = {type.getDimSize(0), type.getDimSize(1)},
                       low = {0, 0}, high = {0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t first = range[i][0] * strides[i] - pads[i];
    int64_t last = (range[i][1] - 1) * strides[i] - pads[i] +
                   (kernel[i] - 1) * dilations[i];
    int64_t begin = std::max<int64_t>(first, 0);
    int64_t end = std::min<int64_t>(last, in[i] - 1);
    offsets.push_back(begin);
    sizes.push_back(end - begin + 1);
    low.push_back(begin - first);
    high.push_back(last - end);
  }
  SmallVector<int64_t> unit(4, 1);
  MLIRContext *context = b.getContext();
  Value window = b.create<tensor::ExtractSliceOp>(
      loc, input, getAsIndexOpFoldResult(context, offsets),
      getAsIndexOpFoldResult(context, sizes),
      getAsIndexOpFoldResult(context, unit));
  return padWith(b, loc, window, low, high, padValue);
}

SmallVector<double> reciprocalCounts(int64_t in, int64_t out, int64_t kernel,
                                     int64_t stride, int64_t padBegin,
                                     int64_t padEnd, bool includePad) {
  int64_t first = includePad ? -padBegin : 0;
  int64_t last = includePad ? in + padEnd : in; // exclusive
  SmallVector<double> counts;
  for (int64_t o = 0; o < out; ++o) {
    int64_t start = o * stride - padBegin;
    int64_t begin = std::max(start, first);
    int64_t end = std::min(start + kernel, last);
    counts.push_back(end > begin ? end - begin : 1);
  }
  return counts;
}

} // namespace kiln::lowering
