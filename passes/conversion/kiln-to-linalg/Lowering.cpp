//===- Lowering.cpp - Shared helpers of the kiln-to-linalg patterns -------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

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

} // namespace kiln::lowering
