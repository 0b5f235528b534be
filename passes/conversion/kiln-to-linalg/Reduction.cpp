//===- Reduction.cpp - kiln reductions, softmax and losses to linalg ------===//
//
// Reductions become one reducing `linalg.generic` computed with the reduced
// dims kept (size 1), followed by elementwise post-processing and a
// `tensor.collapse_shape` when the op drops them. Scans and selections
// (cumsum, top-k) are quadratic generics over a second copy of the axis, so
// that everything stays within linalg: sizes along one axis are small in the
// models kiln targets.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/ops/Reduction.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

using utils::IteratorType;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// \returns the map from the \p rank loop dims to a kept-dims result: the
/// dims in \p axes read index 0.
AffineMap keptDimsMap(MLIRContext *context, int64_t rank,
                      ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    exprs.push_back(llvm::is_contained(axes, i)
                        ? getAffineConstantExpr(0, context)
                        : getAffineDimExpr(i, context));
  return AffineMap::get(rank, 0, exprs, context);
}

/// \returns \p value (whose \p axes have size 1) with those dims removed,
/// as \p type; \p value itself when it already has that type.
Value dropDims(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> axes,
               RankedTensorType type) {
  if (value.getType() == type)
    return value;
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  // Each kept dim takes the dropped dims before it; trailing dropped dims
  // join the last group. No kept dim: collapse everything to rank 0.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0; i < rank; ++i) {
    pending.push_back(i);
    if (!llvm::is_contained(axes, i)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return b.create<tensor::CollapseShapeOp>(loc, type, value, groups);
}

/// \returns the identity of max (\p isMax) or min for \p type: -inf/+inf for
/// floats, the smallest/largest signed value for integers.
Value extremeConstant(OpBuilder &b, Location loc, Type type, bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/lowest)));
  unsigned width = type.getIntOrFloatBitWidth();
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, lowest ? APInt::getSignedMinValue(width)
                                         : APInt::getSignedMaxValue(width)));
}

Value filledWith(OpBuilder &b, Location loc, RankedTensorType type,
                 Value scalar) {
  return b.create<linalg::FillOp>(loc, scalar, emptyTensor(b, loc, type))
      .getResult(0);
}

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::AddFOp>(loc, x, y);
  return b.create<arith::AddIOp>(loc, x, y);
}

Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MulFOp>(loc, x, y);
  return b.create<arith::MulIOp>(loc, x, y);
}

Value maximum(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MaximumFOp>(loc, x, y);
  return b.create<arith::MaxSIOp>(loc, x, y);
}

Value minimum(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MinimumFOp>(loc, x, y);
  return b.create<arith::MinSIOp>(loc, x, y);
}

/// `x > y` (or `x >= y` with \p orEqual); `<` when \p less. Ordered float
/// compares: NaN never wins.
Value compare(OpBuilder &b, Location loc, Value x, Value y, bool less,
              bool orEqual) {
  if (isa<FloatType>(x.getType())) {
    auto pred =
        less
            ? (orEqual ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT)
            : (orEqual ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT);
    return b.create<arith::CmpFOp>(loc, pred, x, y);
  }
  auto pred =
      less ? (orEqual ? arith::CmpIPredicate::sle : arith::CmpIPredicate::slt)
           : (orEqual ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt);
  return b.create<arith::CmpIOp>(loc, pred, x, y);
}

Value equal(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, x, y);
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y);
}

/// The loop index \p dim of the enclosing generic as an i64.
Value loopIndex(OpBuilder &b, Location loc, int64_t dim) {
  Value index = b.create<linalg::IndexOp>(loc, dim);
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
}

/// Index (i64, \p axis kept with size 1) of the largest element along
/// \p axis (smallest with \p isMin); ties go to the first index, or the
/// last with \p last.
Value argReduce(OpBuilder &b, Location loc, Value input, int64_t axis,
                bool isMin, bool last) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape = reduceDims(type.getShape(), {axis}, true);
  auto valueType = RankedTensorType::get(shape, type.getElementType());
  auto indexType = RankedTensorType::get(shape, b.getI64Type());
  Value values = filledWith(
      b, loc, valueType,
      extremeConstant(b, loc, type.getElementType(), /*lowest=*/!isMin));
  Value indices =
      filledWith(b, loc, indexType, scalarConstant(b, loc, b.getI64Type(), 0));
  AffineMap out = keptDimsMap(b.getContext(), rank, {axis});
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  iterators[axis] = IteratorType::reduction;
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{valueType, indexType}, input, ValueRange{values, indices},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank), out, out}, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value better = compare(nb, nl, args[0], args[1], isMin, last);
        Value value = nb.create<arith::SelectOp>(nl, better, args[0], args[1]);
        Value index = nb.create<arith::SelectOp>(
            nl, better, loopIndex(nb, nl, axis), args[2]);
        nb.create<linalg::YieldOp>(nl, ValueRange{value, index});
      });
  return generic.getResult(1);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class Reduce {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

/// Reduces \p input over \p axes into a kept-dims tensor: the accumulator
/// starts at \p init and absorbs each element through
/// \p fn(b, loc, {element, extras..., accumulator}), where \p extras are
/// kept-dims tensors read at the output position.
Value reduceKept(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, Value init, ValueRange extras,
                 ScalarFn fn) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  auto keptType = RankedTensorType::get(reduceDims(type.getShape(), axes, true),
                                        type.getElementType());
  AffineMap out = keptDimsMap(b.getContext(), rank, axes);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  maps.append(extras.size(), out);
  maps.push_back(out);
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  for (int64_t axis : axes)
    iterators[axis] = IteratorType::reduction;
  SmallVector<Value> inputs = {input};
  inputs.append(extras.begin(), extras.end());
  return b
      .create<linalg::GenericOp>(
          loc, keptType, inputs, filledWith(b, loc, keptType, init), maps,
          iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(nl, fn(nb, nl, args));
          })
      .getResult(0);
}

template <typename OpTy> struct ReduceLowering : OpRewritePattern<OpTy> {
  ReduceLowering(MLIRContext *context, Reduce kind)
      : OpRewritePattern<OpTy>(context), kind(kind) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type element = type.getElementType();
    if (isUnsigned(element))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    ArrayRef<int64_t> axes = op.getAxes();
    OpBuilder &b = rewriter;

    Value init;
    if (kind == Reduce::Max || kind == Reduce::Min)
      init = extremeConstant(b, loc, element, kind == Reduce::Max);
    else
      init = scalarConstant(b, loc, element, kind == Reduce::Prod ? 1.0 : 0.0);

    // log(sum(exp(x))) = max + log(sum(exp(x - max))): exp cannot overflow.
    SmallVector<Value, 1> extras;
    if (kind == Reduce::LogSumExp)
      extras.push_back(
          reduceKept(b, loc, x, axes, extremeConstant(b, loc, element, true),
                     {}, [](OpBuilder &nb, Location nl, ValueRange args) {
                       return maximum(nb, nl, args[0], args[1]);
                     }));

    Reduce k = kind;
    Value acc =
        reduceKept(b, loc, x, axes, init, extras,
                   [k](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                     Value v = args[0], acc = args.back();
                     switch (k) {
                     case Reduce::Max:
                       return maximum(nb, nl, v, acc);
                     case Reduce::Min:
                       return minimum(nb, nl, v, acc);
                     case Reduce::Prod:
                       return mul(nb, nl, v, acc);
                     case Reduce::L1:
                       v = isa<FloatType>(v.getType())
                               ? nb.create<math::AbsFOp>(nl, v).getResult()
                               : nb.create<math::AbsIOp>(nl, v).getResult();
                       break;
                     case Reduce::L2:
                     case Reduce::SumSquare:
                       v = mul(nb, nl, v, v);
                       break;
                     case Reduce::LogSumExp:
                       v = nb.create<math::ExpOp>(
                           nl, nb.create<arith::SubFOp>(nl, v, args[1]));
                       break;
                     default:
                       break;
                     }
                     return add(nb, nl, v, acc);
                   });

    auto keptType = cast<RankedTensorType>(acc.getType());
    int64_t count =
        type.getNumElements() / std::max<int64_t>(keptType.getNumElements(), 1);
    if (type.getNumElements() == 0)
      count = 0;
    SmallVector<Value, 2> postInputs = {acc};
    postInputs.append(extras.begin(), extras.end());
    switch (kind) {
    case Reduce::Mean:
      acc = elementwise(
          b, loc, keptType, postInputs,
          [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            Value n = scalarConstant(nb, nl, element, double(count));
            if (isa<FloatType>(element))
              return nb.create<arith::DivFOp>(nl, args[0], n);
            return nb.create<arith::DivSIOp>(nl, args[0], n);
          });
      break;
    case Reduce::L2:
      acc =
          elementwise(b, loc, keptType, postInputs,
                      [](OpBuilder &nb, Location nl, ValueRange args) {
                        return nb.create<math::SqrtOp>(nl, args[0]).getResult();
                      });
      break;
    case Reduce::LogSum:
      acc =
          elementwise(b, loc, keptType, postInputs,
                      [](OpBuilder &nb, Location nl, ValueRange args) {
                        return nb.create<math::LogOp>(nl, args[0]).getResult();
                      });
      break;
    case Reduce::LogSumExp:
      acc =
          elementwise(b, loc, keptType, postInputs,
                      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                        Value log = nb.create<math::LogOp>(nl, args[0]);
                        return nb.create<arith::AddFOp>(nl, log, args[1]);
                      });
      break;
    default:
      break;
    }
    rewriter.replaceOp(
        op, dropDims(b, loc, acc, axes, cast<RankedTensorType>(op.getType())));
    return success();
  }

private:
  Reduce kind;
};

template <typename OpTy, bool isMin>
struct ArgReduceLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (isUnsigned(op.getInput().getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    int64_t axis = op.getAxis();
    Value indices = argReduce(rewriter, op.getLoc(), op.getInput(), axis, isMin,
                              op.getSelectLastIndex());
    rewriter.replaceOp(op, dropDims(rewriter, op.getLoc(), indices, {axis},
                                    cast<RankedTensorType>(op.getType())));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

/// y[..., i, ...] = sum over j of x[..., j, ...] where j <= i (j < i when
/// exclusive; >= and > when reverse): a generic with one more loop, j, as a
/// reduction.
struct CumSumLowering : OpRewritePattern<CumSumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CumSumOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    if (isUnsigned(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (rank == 0) {
      // A scalar: the sum of itself, or 0 when exclusive.
      Value result = op.getInput();
      if (op.getExclusive())
        result = filledTensor(rewriter, loc, type, 0.0);
      rewriter.replaceOp(op, result);
      return success();
    }
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> inExprs;
    for (int64_t i = 0; i < rank; ++i)
      inExprs.push_back(getAffineDimExpr(i == axis ? rank : i, context));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inExprs, context),
        AffineMap::getMultiDimIdentityMap(rank + 1, context)
            .getMajorSubMap(rank)};
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    iterators.push_back(IteratorType::reduction);
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    auto pred = reverse ? (exclusive ? arith::CmpIPredicate::sgt
                                     : arith::CmpIPredicate::sge)
                        : (exclusive ? arith::CmpIPredicate::slt
                                     : arith::CmpIPredicate::sle);
    Value zeros = filledTensor(rewriter, loc, type, 0.0);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, type, op.getInput(), zeros, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = b.create<linalg::IndexOp>(l, axis);
          Value j = b.create<linalg::IndexOp>(l, rank);
          Value take = b.create<arith::CmpIOp>(l, pred, j, i);
          Value sum = add(b, l, args[1], args[0]);
          b.create<linalg::YieldOp>(
              l, b.create<arith::SelectOp>(l, take, sum, args[1]).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Ranks every element along the axis (the number of elements that come
/// before it in the output order: larger, or equal with a lower index), then
/// picks for output position p the element whose rank is p.
struct TopKLowering : OpRewritePattern<TopKOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TopKOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    if (isUnsigned(inType.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool largest = op.getLargest();
    MLIRContext *context = rewriter.getContext();
    // Loops: the rank dims, then one more (rank) that walks the axis again.
    SmallVector<AffineExpr> otherExprs;
    for (int64_t i = 0; i < rank; ++i)
      otherExprs.push_back(getAffineDimExpr(i == axis ? rank : i, context));
    AffineMap other = AffineMap::get(rank + 1, 0, otherExprs, context);
    AffineMap self = AffineMap::getMultiDimIdentityMap(rank + 1, context)
                         .getMajorSubMap(rank);
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    iterators.push_back(IteratorType::reduction);

    auto rankType =
        RankedTensorType::get(inType.getShape(), rewriter.getI64Type());
    Value zeros = filledTensor(rewriter, loc, rankType, 0.0);
    Value ranks =
        rewriter
            .create<linalg::GenericOp>(
                loc, rankType, ValueRange{x, x}, zeros,
                ArrayRef<AffineMap>{self, other, self}, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  // args: x[i], x[j], rank[i].
                  Value i = b.create<linalg::IndexOp>(l, axis);
                  Value j = b.create<linalg::IndexOp>(l, rank);
                  Value before = compare(b, l, args[1], args[0], !largest,
                                         /*orEqual=*/false);
                  Value tie = b.create<arith::AndIOp>(
                      l, equal(b, l, args[1], args[0]),
                      b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, j,
                                              i));
                  Value counts = b.create<arith::OrIOp>(l, before, tie);
                  Value one =
                      b.create<arith::ExtUIOp>(l, b.getI64Type(), counts);
                  b.create<linalg::YieldOp>(
                      l, b.create<arith::AddIOp>(l, args[2], one).getResult());
                })
            .getResult(0);

    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    Value values = filledTensor(rewriter, loc, valuesType, 0.0);
    Value indices = filledTensor(rewriter, loc, indicesType, 0.0);
    auto select = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{valuesType, indicesType}, ValueRange{x, ranks},
        ValueRange{values, indices},
        ArrayRef<AffineMap>{other, other, self, self}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          // args: x[j], rank[j], value[p], index[p].
          Value p = loopIndex(b, l, axis);
          Value match =
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, args[1], p);
          Value value = b.create<arith::SelectOp>(l, match, args[0], args[2]);
          Value index = b.create<arith::SelectOp>(
              l, match, loopIndex(b, l, rank), args[3]);
          b.create<linalg::YieldOp>(l, ValueRange{value, index});
        });
    rewriter.replaceOp(op, select.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax variants
//===----------------------------------------------------------------------===//

Value maxAlong(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduceAxis(
      b, loc, x, axis, -std::numeric_limits<double>::infinity(),
      [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<arith::MaximumFOp>(l, args[0], args[1]).getResult();
      });
}

Value sumAlong(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduceAxis(
      b, loc, x, axis, 0.0, [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<arith::AddFOp>(l, args[0], args[1]).getResult();
      });
}

/// softmax(x) = exp(x - max) / sum(exp(x - max)) along the axis;
/// log_softmax(x) = (x - max) - log(sum(exp(x - max))). Subtracting the max
/// keeps exp from overflowing.
Value softmax(OpBuilder &b, Location loc, Value x, int64_t axis, bool isLog) {
  auto type = cast<RankedTensorType>(x.getType());
  Value max = maxAlong(b, loc, x, axis);
  Value shifted = elementwise(
      b, loc, type, {x, max}, [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<arith::SubFOp>(l, args[0], args[1]).getResult();
      });
  Value exps = elementwise(
      b, loc, type, shifted, [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<math::ExpOp>(l, args[0]).getResult();
      });
  Value sum = sumAlong(b, loc, exps, axis);
  if (isLog)
    return elementwise(
        b, loc, type, {shifted, sum},
        [](OpBuilder &nb, Location l, ValueRange args) {
          Value log = nb.create<math::LogOp>(l, args[1]);
          return nb.create<arith::SubFOp>(l, args[0], log).getResult();
        });
  return elementwise(
      b, loc, type, {exps, sum},
      [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<arith::DivFOp>(l, args[0], args[1]).getResult();
      });
}

template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, softmax(rewriter, op.getLoc(), op.getInput(), op.getAxis(), isLog));
    return success();
  }
};

/// One-hot of the first maximum along the axis.
struct HardmaxLowering : OpRewritePattern<HardmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(HardmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    if (type.getRank() == 0) {
      rewriter.replaceOp(op, filledTensor(rewriter, loc, type, 1.0));
      return success();
    }
    Value indices = argReduce(rewriter, loc, op.getInput(), axis,
                              /*isMin=*/false, /*last=*/false);
    Value result = elementwise(
        rewriter, loc, type, indices,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value hit = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                              loopIndex(b, l, axis), args[0]);
          Type element = type.getElementType();
          return b.create<arith::SelectOp>(l, hit,
                                           scalarConstant(b, l, element, 1.0),
                                           scalarConstant(b, l, element, 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// NLL loss of log-probabilities \p input [N, C, D...] at \p target
/// [N, D...]: per element l = -w[t] * input[n, t, d...] and its weight w[t]
/// (1 without \p weight; both 0 where t == ignore_index), then reduced.
Value nllLoss(OpBuilder &b, Location loc, Value input, Value target,
              Value weight, StringRef reduction,
              std::optional<int64_t> ignoreIndex, RankedTensorType resultType) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = inputType.getElementType();
  int64_t rank = targetType.getRank();
  int64_t classes = inputType.getDimSize(1);
  auto perElement = RankedTensorType::get(targetType.getShape(), element);
  SmallVector<AffineMap> maps(3, b.getMultiDimIdentityMap(rank));
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  auto gather = b.create<linalg::GenericOp>(
      loc, TypeRange{perElement, perElement}, target,
      ValueRange{emptyTensor(b, loc, perElement),
                 emptyTensor(b, loc, perElement)},
      maps, iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value t = args[0];
        Type targetElement = t.getType();
        // Clamp so that an out-of-range (ignored) class never reads out of
        // bounds.
        Value clamped = nb.create<arith::MaxSIOp>(
            l, t, scalarConstant(nb, l, targetElement, 0.0));
        clamped = nb.create<arith::MinSIOp>(
            l, clamped, scalarConstant(nb, l, targetElement, classes - 1));
        Value c = nb.create<arith::IndexCastOp>(l, nb.getIndexType(), clamped);
        SmallVector<Value> at = {nb.create<linalg::IndexOp>(l, 0), c};
        for (int64_t i = 1; i < rank; ++i)
          at.push_back(nb.create<linalg::IndexOp>(l, i));
        Value logp = nb.create<tensor::ExtractOp>(l, input, at);
        Value w = weight
                      ? nb.create<tensor::ExtractOp>(l, weight, c).getResult()
                      : scalarConstant(nb, l, element, 1.0);
        Value loss =
            nb.create<arith::NegFOp>(l, nb.create<arith::MulFOp>(l, logp, w));
        if (ignoreIndex) {
          Value ignored = nb.create<arith::CmpIOp>(
              l, arith::CmpIPredicate::eq, t,
              scalarConstant(nb, l, targetElement, double(*ignoreIndex)));
          Value zero = scalarConstant(nb, l, element, 0.0);
          loss = nb.create<arith::SelectOp>(l, ignored, zero, loss);
          w = nb.create<arith::SelectOp>(l, ignored, zero, w);
        }
        nb.create<linalg::YieldOp>(l, ValueRange{loss, w});
      });
  Value losses = gather.getResult(0), weights = gather.getResult(1);
  if (reduction == "none")
    return losses;

  auto scalar = RankedTensorType::get({}, element);
  AffineMap toScalar = AffineMap::get(rank, 0, {}, b.getContext());
  SmallVector<IteratorType> all(rank, IteratorType::reduction);
  auto sums = b.create<linalg::GenericOp>(
      loc, TypeRange{scalar, scalar}, ValueRange{losses, weights},
      ValueRange{filledTensor(b, loc, scalar, 0.0),
                 filledTensor(b, loc, scalar, 0.0)},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank),
                          b.getMultiDimIdentityMap(rank), toScalar, toScalar},
      all, [](OpBuilder &nb, Location l, ValueRange args) {
        nb.create<linalg::YieldOp>(
            l, ValueRange{nb.create<arith::AddFOp>(l, args[0], args[2]),
                          nb.create<arith::AddFOp>(l, args[1], args[3])});
      });
  if (reduction == "sum")
    return sums.getResult(0);
  return elementwise(
      b, loc, resultType, sums.getResults(),
      [](OpBuilder &nb, Location l, ValueRange args) {
        return nb.create<arith::DivFOp>(l, args[0], args[1]).getResult();
      });
}

struct NllLossLowering : OpRewritePattern<NllLossOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NllLossOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, nllLoss(rewriter, op.getLoc(), op.getInput(),
                                   op.getTarget(), op.getWeight(),
                                   op.getReduction(), op.getIgnoreIndex(),
                                   cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct SoftmaxCrossEntropyLowering
    : OpRewritePattern<SoftmaxCrossEntropyLossOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxCrossEntropyLossOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logProb = softmax(rewriter, loc, op.getScores(), 1, /*isLog=*/true);
    Value loss =
        nllLoss(rewriter, loc, logProb, op.getLabels(), op.getWeights(),
                op.getReduction(), op.getIgnoreIndex(),
                cast<RankedTensorType>(op.getLoss().getType()));
    rewriter.replaceOp(op, {loss, logProb});
    return success();
  }
};

} // namespace

void populateReductionPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ReduceLowering<ReduceSumOp>>(context, Reduce::Sum);
  patterns.add<ReduceLowering<ReduceMeanOp>>(context, Reduce::Mean);
  patterns.add<ReduceLowering<ReduceMaxOp>>(context, Reduce::Max);
  patterns.add<ReduceLowering<ReduceMinOp>>(context, Reduce::Min);
  patterns.add<ReduceLowering<ReduceProdOp>>(context, Reduce::Prod);
  patterns.add<ReduceLowering<ReduceL1Op>>(context, Reduce::L1);
  patterns.add<ReduceLowering<ReduceL2Op>>(context, Reduce::L2);
  patterns.add<ReduceLowering<ReduceLogSumOp>>(context, Reduce::LogSum);
  patterns.add<ReduceLowering<ReduceLogSumExpOp>>(context, Reduce::LogSumExp);
  patterns.add<ReduceLowering<ReduceSumSquareOp>>(context, Reduce::SumSquare);
  patterns.add<ArgReduceLowering<ArgMaxOp, false>,
               ArgReduceLowering<ArgMinOp, true>, CumSumLowering, TopKLowering,
               SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>, HardmaxLowering,
               NllLossLowering, SoftmaxCrossEntropyLowering>(context);
}

} // namespace kiln::lowering
