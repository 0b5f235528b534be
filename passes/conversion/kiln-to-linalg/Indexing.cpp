//===- Indexing.cpp - kiln gather/scatter/one-hot/resize to linalg --------===//
//
// Gathers and one-hot are one `linalg.generic` over the result whose body
// reads `data` with `tensor.extract` at computed coordinates. Scatters start
// from `data` and walk the updates with an `scf.for` nest that carries the
// tensor and writes with `tensor.insert`; one-shot bufferization turns that
// into in-place stores into the result buffer (after one copy of `data` when
// `data` is still needed). Every runtime index is made non-negative and then
// clamped into its dim, so no access leaves its buffer (ir/ops/Indexing.td).
//
// Resize is separable: it becomes one generic per resized dim, last dim
// first (the order of the ONNX reference). Shapes and scales are static, so
// each dim's neighbour indices and weights are compile-time tables.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace kiln::lowering {
namespace {

/// \returns \p index (an i32/i64 scalar) as an `index` in [0, dim - 1]:
/// negative values count from the end, then the value is clamped.
Value clampedIndex(OpBuilder &b, Location loc, Value index, int64_t dim) {
  Type i64 = b.getI64Type();
  if (index.getType() != i64)
    index = b.create<arith::ExtSIOp>(loc, i64, index);
  Value zero = b.create<arith::ConstantIntOp>(loc, 0, 64);
  Value size = b.create<arith::ConstantIntOp>(loc, dim, 64);
  Value last = b.create<arith::ConstantIntOp>(loc, std::max<int64_t>(dim - 1, 0), 64);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::AddIOp>(loc, index, size), index);
  Value clamped = b.create<arith::MinSIOp>(
      loc, b.create<arith::MaxSIOp>(loc, wrapped, zero), last);
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), clamped);
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

SmallVector<Value> loopIndices(OpBuilder &b, Location loc, int64_t rank) {
  SmallVector<Value> ivs;
  for (int64_t i = 0; i < rank; ++i)
    ivs.push_back(b.create<linalg::IndexOp>(loc, i));
  return ivs;
}

/// Builds an all-parallel generic producing \p type; \p inputs are read
/// through \p inputMaps and \p body gets their scalars.
Value generic(OpBuilder &b, Location loc, RankedTensorType type,
              ValueRange inputs, ArrayRef<AffineMap> inputMaps, ScalarFn body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, type, inputs, emptyTensor(b, loc, type), maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            nested.create<linalg::YieldOp>(
                nestedLoc, body(nested, nestedLoc, args.drop_back()));
          })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Gathers
//===----------------------------------------------------------------------===//

struct GatherLowering : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t axis = op.getAxis();
    int64_t q = cast<RankedTensorType>(op.getIndices().getType()).getRank();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < q; ++i)
      indexExprs.push_back(rewriter.getAffineDimExpr(axis + i));
    AffineMap indexMap =
        AffineMap::get(type.getRank(), 0, indexExprs, rewriter.getContext());
    Value result = generic(
        rewriter, op.getLoc(), type, op.getIndices(), indexMap,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> ivs = loopIndices(b, loc, type.getRank());
          SmallVector<Value> coords(ivs.begin(), ivs.begin() + axis);
          coords.push_back(
              clampedIndex(b, loc, args[0], dataType.getDimSize(axis)));
          coords.append(ivs.begin() + axis + q, ivs.end());
          return b.create<tensor::ExtractOp>(loc, op.getData(), coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherElementsLowering : OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t axis = op.getAxis();
    Value result = generic(
        rewriter, op.getLoc(), type, op.getIndices(),
        rewriter.getMultiDimIdentityMap(type.getRank()),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> coords = loopIndices(b, loc, type.getRank());
          coords[axis] =
              clampedIndex(b, loc, args[0], dataType.getDimSize(axis));
          return b.create<tensor::ExtractOp>(loc, op.getData(), coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherNDLowering : OpRewritePattern<GatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherNDOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t batch = op.getBatchDims(), q = indicesType.getRank();
    int64_t k = indicesType.getShape().back();
    Value result = generic(
        rewriter, op.getLoc(), type, {}, {},
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          SmallVector<Value> ivs = loopIndices(b, loc, type.getRank());
          // Result dims [0, q-1) walk the index tuples, the rest the slice.
          SmallVector<Value> tuple(ivs.begin(), ivs.begin() + q - 1);
          tuple.push_back(Value());
          SmallVector<Value> coords(ivs.begin(), ivs.begin() + batch);
          for (int64_t j = 0; j < k; ++j) {
            tuple.back() = indexConstant(b, loc, j);
            Value index = b.create<tensor::ExtractOp>(loc, op.getIndices(),
                                                      tuple);
            coords.push_back(clampedIndex(b, loc, index,
                                          dataType.getDimSize(batch + j)));
          }
          coords.append(ivs.begin() + q - 1, ivs.end());
          return b.create<tensor::ExtractOp>(loc, op.getData(), coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scatters
//===----------------------------------------------------------------------===//

/// \returns \p update combined with the \p current element per
/// \p reduction ("none", "add" or "mul").
Value combine(OpBuilder &b, Location loc, StringRef reduction, Value current,
              Value update) {
  bool isFloat = isa<FloatType>(update.getType());
  if (reduction == "add")
    return isFloat ? b.create<arith::AddFOp>(loc, current, update).getResult()
                   : b.create<arith::AddIOp>(loc, current, update).getResult();
  if (reduction == "mul")
    return isFloat ? b.create<arith::MulFOp>(loc, current, update).getResult()
                   : b.create<arith::MulIOp>(loc, current, update).getResult();
  return update;
}

/// Walks every position of \p updates with an scf.for nest that carries the
/// result (initially \p data); \p target maps the loop indices to the
/// coordinates the update goes to.
Value scatterLoops(
    OpBuilder &b, Location loc, Value data, Value updates, StringRef reduction,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        target) {
  auto updatesType = cast<RankedTensorType>(updates.getType());
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : updatesType.getShape()) {
    lbs.push_back(indexConstant(b, loc, 0));
    ubs.push_back(indexConstant(b, loc, d));
    steps.push_back(indexConstant(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, data,
      [&](OpBuilder &nb, Location nloc, ValueRange ivs,
          ValueRange iterArgs) -> scf::ValueVector {
        Value update = nb.create<tensor::ExtractOp>(nloc, updates, ivs);
        SmallVector<Value> coords = target(nb, nloc, ivs);
        if (reduction != "none") {
          Value current =
              nb.create<tensor::ExtractOp>(nloc, iterArgs[0], coords);
          update = combine(nb, nloc, reduction, current, update);
        }
        return {nb.create<tensor::InsertOp>(nloc, update, iterArgs[0], coords)
                    .getResult()};
      });
  return nest.results.front();
}

template <typename OpTy>
LogicalResult checkSignless(OpTy op, PatternRewriter &rewriter) {
  if (isUnsigned(cast<RankedTensorType>(op.getType()).getElementType()) &&
      op.getReduction() != "none")
    return rewriter.notifyMatchFailure(op, "unsigned integer reduction");
  return success();
}

struct ScatterElementsLowering : OpRewritePattern<ScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(checkSignless(op, rewriter)))
      return failure();
    int64_t axis = op.getAxis();
    int64_t dim = op.getType().getDimSize(axis);
    Value result = scatterLoops(
        rewriter, op.getLoc(), op.getData(), op.getUpdates(),
        op.getReduction(),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          SmallVector<Value> coords(ivs);
          Value index = b.create<tensor::ExtractOp>(loc, op.getIndices(), ivs);
          coords[axis] = clampedIndex(b, loc, index, dim);
          return coords;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(checkSignless(op, rewriter)))
      return failure();
    auto dataType = op.getType();
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t q = indicesType.getRank(), k = indicesType.getShape().back();
    Value result = scatterLoops(
        rewriter, op.getLoc(), op.getData(), op.getUpdates(),
        op.getReduction(),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          // Update dims [0, q-1) pick the index tuple, the rest the slice.
          SmallVector<Value> tuple(ivs.take_front(q - 1));
          tuple.push_back(Value());
          SmallVector<Value> coords;
          for (int64_t j = 0; j < k; ++j) {
            tuple.back() = indexConstant(b, loc, j);
            Value index =
                b.create<tensor::ExtractOp>(loc, op.getIndices(), tuple);
            coords.push_back(
                clampedIndex(b, loc, index, dataType.getDimSize(j)));
          }
          llvm::append_range(coords, ivs.drop_front(q - 1));
          return coords;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// One-hot
//===----------------------------------------------------------------------===//

struct OneHotLowering : OpRewritePattern<OneHotOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(OneHotOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type indexElement =
        cast<RankedTensorType>(op.getIndices().getType()).getElementType();
    if (isUnsigned(indexElement) || indexElement.isInteger(1))
      return rewriter.notifyMatchFailure(op, "unsigned or bool indices");
    int64_t axis = op.getAxis(), depth = op.getDepth();
    Value off = rewriter.create<tensor::ExtractOp>(
        loc, op.getValues(), ValueRange{indexConstant(rewriter, loc, 0)});
    Value on = rewriter.create<tensor::ExtractOp>(
        loc, op.getValues(), ValueRange{indexConstant(rewriter, loc, 1)});
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (i != axis)
        exprs.push_back(rewriter.getAffineDimExpr(i));
    AffineMap indexMap =
        AffineMap::get(type.getRank(), 0, exprs, rewriter.getContext());
    Value result = generic(
        rewriter, loc, type, op.getIndices(), indexMap,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type i64 = b.getI64Type();
          Value index = args[0];
          if (isa<FloatType>(index.getType()))
            index = b.create<arith::FPToSIOp>(l, i64, index);
          else if (index.getType() != i64)
            index = b.create<arith::ExtSIOp>(l, i64, index);
          Value zero = b.create<arith::ConstantIntOp>(l, 0, 64);
          Value size = b.create<arith::ConstantIntOp>(l, depth, 64);
          Value negative =
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, index, zero);
          index = b.create<arith::SelectOp>(
              l, negative, b.create<arith::AddIOp>(l, index, size), index);
          Value position = b.create<arith::IndexCastOp>(
              l, i64, b.create<linalg::IndexOp>(l, axis));
          Value hot = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                              index, position);
          return b.create<arith::SelectOp>(l, hot, on, off);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// Interpolation of one dim: output position o reads input positions
/// index[o * taps + t] with weights weight[o * taps + t], or is
/// extrapolation_value when extrapolate[o].
struct AxisTable {
  int64_t taps = 0;
  SmallVector<int64_t> index;
  SmallVector<double> weight;
  SmallVector<bool> extrapolate;
};

/// Interpolation coefficients of the ONNX reference for the fractional
/// position \p ratio in (0, 1].
SmallVector<double> coefficients(ResizeOp op, double ratio) {
  StringRef mode = op.getMode();
  if (mode == "linear")
    return {1 - ratio, ratio};
  if (mode == "cubic") {
    double a = op.getCubicCoeffA().convertToDouble();
    auto far = [&](double x) { // |x| in [1, 2)
      return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    };
    auto near = [&](double x) { // |x| in [0, 1)
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    };
    return {far(ratio + 1), near(ratio), near(1 - ratio), far(2 - ratio)};
  }
  // Nearest: one of the two neighbours floor(x) and floor(x) + 1.
  if (ratio == 1.0)
    return {0, 1};
  StringRef rounding = op.getNearestMode();
  bool upper = rounding == "round_prefer_floor" ? ratio > 0.5
               : rounding == "round_prefer_ceil" ? ratio >= 0.5
               : rounding == "ceil";
  return {upper ? 0.0 : 1.0, upper ? 1.0 : 0.0};
}

/// Computes the table of dim \p axis, following the ONNX reference
/// implementation (onnx/backend/test/case/node/resize.py) step by step.
AxisTable axisTable(ResizeOp op, int64_t axis) {
  int64_t inLen = op.getInput().getType().getDimSize(axis);
  int64_t outLen = op.getType().getDimSize(axis);
  double scale = op.getScales()[axis];
  double outWidth = scale * static_cast<double>(inLen);
  StringRef transform = op.getCoordinateTransformationMode();
  bool nearest = op.getMode() == "nearest";
  AxisTable table;
  for (int64_t o = 0; o < outLen; ++o) {
    double x = static_cast<double>(o), xOri = 0.0;
    bool extrapolate = false;
    if (transform == "align_corners") {
      xOri = outWidth == 1 ? 0.0 : x * (inLen - 1) / (outWidth - 1);
    } else if (transform == "asymmetric") {
      xOri = x / scale;
    } else if (transform == "tf_crop_and_resize") {
      double start = op.getRoi()[axis];
      double end = op.getRoi()[op.getRoi().size() / 2 + axis];
      xOri = outWidth == 1 ? (end - start) * (inLen - 1) / 2
                           : x * (end - start) * (inLen - 1) / (outWidth - 1);
      xOri += start * (inLen - 1);
      extrapolate = xOri < 0 || xOri > inLen - 1;
    } else if (transform == "pytorch_half_pixel") {
      xOri = outLen > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    } else if (transform == "tf_half_pixel_for_nn") {
      xOri = (x + 0.5) / scale;
    } else { // half_pixel
      xOri = (x + 0.5) / scale - 0.5;
    }
    double floorX = std::floor(xOri);
    double ratio = xOri == floorX ? 1.0 : xOri - floorX;
    SmallVector<double> coeffs = coefficients(op, ratio);
    int64_t n = coeffs.size();
    // The n positions nearest to xOri (ties to the lower one) in the input
    // padded by ceil(n / 2) edge copies on both sides, in ascending order.
    int64_t pad = (n + 1) / 2, paddedLen = inLen + 2 * pad;
    double xp = extrapolate ? 0.0 : xOri + pad;
    int64_t centre = static_cast<int64_t>(std::floor(xp));
    SmallVector<int64_t> candidates;
    for (int64_t i = centre - n - 1; i <= centre + n + 1; ++i)
      if (i >= 0 && i < paddedLen)
        candidates.push_back(i);
    llvm::sort(candidates, [&](int64_t l, int64_t r) {
      double dl = std::abs(xp - l), dr = std::abs(xp - r);
      return dl < dr || (dl == dr && l < r);
    });
    candidates.resize(n);
    llvm::sort(candidates);
    SmallVector<int64_t> positions;
    for (int64_t c : candidates)
      positions.push_back(c - pad);
    if (op.getExcludeOutside()) {
      double sum = 0;
      for (int64_t t = 0; t < n; ++t) {
        if (positions[t] < 0 || positions[t] >= inLen)
          coeffs[t] = 0;
        sum += coeffs[t];
      }
      for (double &c : coeffs)
        c /= sum;
    }
    if (nearest) { // Keep the one neighbour the coefficients pick.
      int64_t t = std::max_element(coeffs.begin(), coeffs.end()) -
                  coeffs.begin();
      positions = {positions[t]};
      coeffs = {1.0};
      n = 1;
    }
    table.taps = n;
    for (int64_t t = 0; t < n; ++t) {
      table.index.push_back(std::clamp<int64_t>(positions[t], 0, inLen - 1));
      table.weight.push_back(coeffs[t]);
    }
    table.extrapolate.push_back(extrapolate);
  }
  return table;
}

/// \returns true if \p table maps every output position to the same input
/// position with weight 1 (the dim keeps its size and values).
bool isIdentity(const AxisTable &table, int64_t inLen) {
  if (static_cast<int64_t>(table.extrapolate.size()) != inLen)
    return false;
  for (int64_t o = 0; o < inLen; ++o) {
    if (table.extrapolate[o])
      return false;
    for (int64_t t = 0; t < table.taps; ++t) {
      int64_t at = o * table.taps + t;
      bool self = table.index[at] == o;
      if (table.weight[at] != (self ? 1.0 : 0.0) ||
          (table.taps == 1 && !self))
        return false;
    }
  }
  return true;
}

Value denseConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    ArrayRef<Attribute> values) {
  return b.create<arith::ConstantOp>(loc,
                                     DenseElementsAttr::get(type, values));
}

/// Resizes dim \p axis of \p input to \p table's output size.
Value resizeAxis(OpBuilder &b, Location loc, ResizeOp op, Value input,
                 int64_t axis, const AxisTable &table) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type element = inType.getElementType();
  int64_t outLen = table.extrapolate.size(), taps = table.taps;
  SmallVector<int64_t> shape(inType.getShape());
  shape[axis] = outLen;
  auto type = RankedTensorType::get(shape, element);

  auto tableType = RankedTensorType::get({outLen, taps}, b.getI64Type());
  SmallVector<Attribute> indexAttrs, weightAttrs, flagAttrs;
  for (int64_t i : table.index)
    indexAttrs.push_back(b.getI64IntegerAttr(i));
  Value indices = denseConstant(b, loc, tableType, indexAttrs);
  Value weights;
  if (taps > 1) {
    for (double w : table.weight)
      weightAttrs.push_back(b.getFloatAttr(element, w));
    weights = denseConstant(
        b, loc, RankedTensorType::get({outLen, taps}, element), weightAttrs);
  }
  Value flags;
  if (llvm::is_contained(table.extrapolate, true)) {
    for (bool f : table.extrapolate)
      flagAttrs.push_back(b.getBoolAttr(f));
    flags = denseConstant(b, loc, RankedTensorType::get({outLen}, b.getI1Type()),
                          flagAttrs);
  }
  double extrapolation = op.getExtrapolationValue().convertToDouble();
  return generic(
      b, loc, type, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange) -> Value {
        SmallVector<Value> coords = loopIndices(nb, l, type.getRank());
        Value o = coords[axis];
        Value acc;
        for (int64_t t = 0; t < taps; ++t) {
          Value tap = indexConstant(nb, l, t);
          Value at = nb.create<tensor::ExtractOp>(l, indices, ValueRange{o, tap});
          SmallVector<Value> source(coords);
          source[axis] =
              nb.create<arith::IndexCastOp>(l, nb.getIndexType(), at);
          Value v = nb.create<tensor::ExtractOp>(l, input, source);
          if (weights) {
            Value w =
                nb.create<tensor::ExtractOp>(l, weights, ValueRange{o, tap});
            v = nb.create<arith::MulFOp>(l, w, v);
            acc = acc ? nb.create<arith::AddFOp>(l, acc, v).getResult() : v;
          } else {
            acc = v;
          }
        }
        if (flags) {
          Value flag = nb.create<tensor::ExtractOp>(l, flags, ValueRange{o});
          acc = nb.create<arith::SelectOp>(
              l, flag, scalarConstant(nb, l, element, extrapolation), acc);
        }
        return acc;
      });
}

struct ResizeLowering : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Value value = op.getInput();
    int64_t rank = op.getType().getRank();
    // Last dim first: the reference interpolates inner dims, then outer.
    for (int64_t axis = rank - 1; axis >= 0; --axis) {
      AxisTable table = axisTable(op, axis);
      if (isIdentity(table, op.getInput().getType().getDimSize(axis)))
        continue;
      value = resizeAxis(rewriter, op.getLoc(), op, value, axis, table);
    }
    rewriter.replaceOp(op, value);
    return success();
  }
};

} // namespace

void populateIndexingPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, OneHotLowering,
               ResizeLowering>(patterns.getContext());
}

} // namespace kiln::lowering
