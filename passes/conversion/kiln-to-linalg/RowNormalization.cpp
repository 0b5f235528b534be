//===- RowNormalization.cpp - Softmax and layer norm one row at a time ----===//
//
// The fast path of Softmax, LogSoftmax and LayerNormalization when they
// normalise the trailing dims of a static f32 tensor (the common case in
// transformers). The general lowerings (Reduction.cpp, Normalization.cpp)
// build a chain of reductions and elementwise generics, each a sweep over
// the whole tensor: softmax reads or writes it about six times, layer norm
// about seven. Here the tensor is viewed as [rows, n] and an `scf.for` over
// the rows does all the work of one row while it sits in L1: every sweep of
// the row is a loop of `vector.transfer_read`/`transfer_write` on blocks of
// 32 (four AVX2 registers, so the reductions have four independent
// accumulator chains), then 8, then 1 column, so the tensor is read from
// memory once and written once.
//
// The loop is built here, on tensors, rather than by a codegen pass on
// buffers: no later pass of kiln would turn linalg reductions plus
// broadcasts back into a per-row form (linalg fusion cannot fuse a
// reduction into the elementwise op that consumes its broadcast), and the
// transfer ops bufferize in place into the loop's output. The row loop
// carries the `kiln.parallel_rows` attribute with the estimated cost of one
// row, which kiln-parallelize-loops reads to run the rows of a big tensor
// on the thread pool (rows write disjoint data).
//
// Reductions fold their accumulator vectors by halves (32 -> 16 -> ... ->
// 1), so the sum is pairwise across lanes; the max is `x > acc ? x : acc`
// (one vmaxps): a NaN still reaches every output of its row through the
// sum.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Column block widths of a row sweep, widest first: 32 floats keep four
/// AVX2 registers (independent add/max chains) busy; 8 and 1 finish rows
/// that are not a multiple of 32.
constexpr int64_t kBlockWidths[] = {32, 8, 1};

/// Combines two accumulators (scalars or vectors) of reduction \p k.
using CombineFn =
    llvm::function_ref<Value(OpBuilder &, Location, unsigned, Value, Value)>;
/// One block of a sweep: \p type is the block's vector type, \p column its
/// first column, \p carried the accumulators (of \p type) then the threaded
/// values; returns their new values in the same order.
using BlockFn = llvm::function_ref<SmallVector<Value>(
    OpBuilder &, Location, VectorType type, Value column, ValueRange carried)>;

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

Value f32Constant(OpBuilder &b, Location loc, double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
}

/// `x > y ? x : y`: one vmaxps; a NaN x loses (see the file comment).
Value greater(OpBuilder &b, Location loc, Value x, Value y) {
  Value more = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, y);
  return b.create<arith::SelectOp>(loc, more, x, y);
}

/// Folds vector \p v of reduction \p k to a scalar by halves.
Value horizontal(OpBuilder &b, Location loc, Value v, unsigned k,
                 CombineFn combine) {
  auto type = cast<VectorType>(v.getType());
  for (int64_t width = type.getDimSize(0); width > 1; width /= 2) {
    int64_t half = width / 2;
    Value low = b.create<vector::ExtractStridedSliceOp>(
        loc, v, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{half},
        ArrayRef<int64_t>{1});
    Value high = b.create<vector::ExtractStridedSliceOp>(
        loc, v, ArrayRef<int64_t>{half}, ArrayRef<int64_t>{half},
        ArrayRef<int64_t>{1});
    v = combine(b, loc, k, low, high);
  }
  return b.create<vector::ExtractOp>(loc, v, ArrayRef<int64_t>{0});
}

/// Sweeps columns [0, \p n) of a row in blocks of kBlockWidths, one
/// `scf.for` per width that has a full block left. Accumulator k starts
/// each loop as a splat of \p identities[k] and is folded into a scalar
/// after it with \p combine; \p threaded values (tensors being written) are
/// carried through all loops. \returns the scalar accumulators, then the
/// threaded values.
SmallVector<Value> sweep(OpBuilder &b, Location loc, int64_t n,
                         ArrayRef<Value> identities, CombineFn combine,
                         ValueRange threaded, BlockFn fn) {
  SmallVector<Value> scalars(identities.begin(), identities.end());
  SmallVector<Value> state(threaded.begin(), threaded.end());
  unsigned numAccs = identities.size();
  int64_t start = 0;
  for (int64_t width : kBlockWidths) {
    int64_t end = start + (n - start) / width * width;
    if (end == start)
      continue;
    auto type = VectorType::get({width}, b.getF32Type());
    SmallVector<Value> init;
    for (Value identity : identities)
      init.push_back(b.create<vector::SplatOp>(loc, type, identity));
    init.append(state);
    auto loop = b.create<scf::ForOp>(
        loc, indexConstant(b, loc, start), indexConstant(b, loc, end),
        indexConstant(b, loc, width), init,
        [&](OpBuilder &nb, Location nl, Value column, ValueRange carried) {
          nb.create<scf::YieldOp>(nl, fn(nb, nl, type, column, carried));
        });
    for (unsigned k = 0; k < numAccs; ++k)
      scalars[k] = combine(b, loc, k, scalars[k],
                           horizontal(b, loc, loop.getResult(k), k, combine));
    state.assign(loop.getResults().begin() + numAccs,
                 loop.getResults().end());
    start = end;
  }
  scalars.append(state);
  return scalars;
}

/// Block [row, column .. column + width) of the [rows, n] tensor \p source.
Value readBlock(OpBuilder &b, Location loc, VectorType type, Value source,
                Value row, Value column) {
  Value pad = f32Constant(b, loc, 0.0);
  return b.create<vector::TransferReadOp>(loc, type, source,
                                          ValueRange{row, column}, pad,
                                          ArrayRef<bool>{true});
}

/// Block [column .. column + width) of the [n] tensor \p source.
Value readVector(OpBuilder &b, Location loc, VectorType type, Value source,
                 Value column) {
  Value pad = f32Constant(b, loc, 0.0);
  return b.create<vector::TransferReadOp>(
      loc, type, source, ValueRange{column}, pad, ArrayRef<bool>{true});
}

/// \p dest with \p block written at [row, column ..].
Value writeBlock(OpBuilder &b, Location loc, Value block, Value dest,
                 Value row, Value column) {
  return b
      .create<vector::TransferWriteOp>(loc, block, dest,
                                       ValueRange{row, column},
                                       ArrayRef<bool>{true})
      .getResult();
}

Value splat(OpBuilder &b, Location loc, VectorType type, Value scalar) {
  return b.create<vector::SplatOp>(loc, type, scalar);
}

/// Reduction k of a sweep: sums (\p maxFirst: reduction 0 is a max).
Value sumOrMax(OpBuilder &b, Location loc, unsigned k, Value x, Value y,
               bool maxFirst) {
  if (maxFirst && k == 0)
    return greater(b, loc, x, y);
  return b.create<arith::AddFOp>(loc, x, y);
}

/// How a tensor of \p shape is seen as [rows, n] with dims [0, \p axis) as
/// the rows: the reassociations from the shape to [rows, n] (empty when it
/// already is that) and to [n] (for a leading expand when \p axis is 0).
struct RowView {
  int64_t rows = 1, n = 1;
  SmallVector<ReassociationIndices> toRows;
  bool viaFlat = false;
};

RowView rowView(ArrayRef<int64_t> shape, int64_t axis) {
  RowView view;
  int64_t rank = shape.size();
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? view.rows : view.n) *= shape[i];
  ReassociationIndices rowDims, colDims, all;
  for (int64_t i = 0; i < rank; ++i) {
    (i < axis ? rowDims : colDims).push_back(i);
    all.push_back(i);
  }
  if (axis == 0) {
    // No row dims: collapse to [n] (if needed) and expand to [1, n].
    view.viaFlat = true;
    if (rank > 1)
      view.toRows.push_back(all);
  } else if (rank != 2) {
    view.toRows = {rowDims, colDims};
  }
  return view;
}

Value toRows(OpBuilder &b, Location loc, Value value, const RowView &view) {
  auto type = cast<RankedTensorType>(value.getType());
  Type f32 = type.getElementType();
  if (view.viaFlat) {
    if (!view.toRows.empty())
      value = b.create<tensor::CollapseShapeOp>(
          loc, RankedTensorType::get({view.n}, f32), value, view.toRows);
    return b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({1, view.n}, f32), value,
        ArrayRef<ReassociationIndices>{{0, 1}});
  }
  if (view.toRows.empty())
    return value;
  return b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({view.rows, view.n}, f32), value,
      view.toRows);
}

Value fromRows(OpBuilder &b, Location loc, Value value, const RowView &view,
               RankedTensorType type) {
  if (view.viaFlat) {
    Type f32 = type.getElementType();
    value = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({view.n}, f32), value,
        ArrayRef<ReassociationIndices>{{0, 1}});
    if (view.toRows.empty())
      return value;
    return b.create<tensor::ExpandShapeOp>(loc, type, value, view.toRows);
  }
  if (view.toRows.empty())
    return value;
  return b.create<tensor::ExpandShapeOp>(loc, type, value, view.toRows);
}

/// The row loop: `scf.for %row = 0 to rows` carrying \p init, marked with
/// the cost of one row for kiln-parallelize-loops; \p body returns the new
/// carried values.
scf::ForOp rowLoop(
    OpBuilder &b, Location loc, int64_t rows, int64_t rowCost,
    ValueRange init,
    llvm::function_ref<SmallVector<Value>(OpBuilder &, Location, Value,
                                          ValueRange)>
        body) {
  auto loop = b.create<scf::ForOp>(
      loc, indexConstant(b, loc, 0), indexConstant(b, loc, rows),
      indexConstant(b, loc, 1), init,
      [&](OpBuilder &nb, Location nl, Value row, ValueRange carried) {
        nb.create<scf::YieldOp>(nl, body(nb, nl, row, carried));
      });
  loop->setAttr(passes::kParallelRowsAttr, b.getI64IntegerAttr(rowCost));
  return loop;
}

/// A static f32 tensor with at least one element.
bool isStaticF32(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getElementType().isF32() &&
         tensor.getNumElements() > 0;
}

/// Softmax or LogSoftmax along the last axis of a static f32 tensor, row by
/// row: max; then the sum of exp(x - max) (softmax also writes the exps);
/// then the output, exp * (1 / sum) or (x - max) - log(sum).
template <typename OpTy, bool isLog>
struct SoftmaxRowLowering : OpRewritePattern<OpTy> {
  SoftmaxRowLowering(MLIRContext *context)
      : OpRewritePattern<OpTy>(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!isStaticF32(type) || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "not a static f32 tensor");
    if (static_cast<int64_t>(op.getAxis()) != type.getRank() - 1)
      return rewriter.notifyMatchFailure(op, "not the innermost axis");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RowView view = rowView(type.getShape(), type.getRank() - 1);
    int64_t n = view.n;
    Value x = toRows(b, loc, op.getInput(), view);
    auto rowsType = cast<RankedTensorType>(x.getType());
    Value init = emptyTensor(b, loc, rowsType);
    auto combine = [](OpBuilder &nb, Location nl, unsigned k, Value l,
                      Value r) { return sumOrMax(nb, nl, k, l, r, false); };
    auto combineMax = [](OpBuilder &nb, Location nl, unsigned, Value l,
                         Value r) { return greater(nb, nl, l, r); };
    // The row's cost as kiln-parallelize-loops counts a generic's (payload
    // ops, math.exp as one): max, sub, exp, add, and the output's mul (or
    // sub): the general lowering's ops, so a softmax is split exactly when
    // that chain's ops together would be worth it. (Counting the exp
    // polynomial in full split a [64, 1024] softmax, 33 us on one thread,
    // and made it slower on 2 threads of a busy machine.)
    int64_t rowCost = n * 5;
    scf::ForOp loop = rowLoop(
        b, loc, view.rows, rowCost, init,
        [&](OpBuilder &nb, Location nl, Value row,
            ValueRange carried) -> SmallVector<Value> {
          Value lowest =
              f32Constant(nb, nl, -std::numeric_limits<double>::infinity());
          Value max =
              sweep(nb, nl, n, {lowest}, combineMax, {},
                    [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                        ValueRange acc) -> SmallVector<Value> {
                      Value v = readBlock(bb, bl, vt, x, row, col);
                      return {greater(bb, bl, v, acc[0])};
                    })[0];
          Value zero = f32Constant(nb, nl, 0.0);
          auto shifted = [&](OpBuilder &bb, Location bl, VectorType vt,
                             Value col) -> Value {
            Value v = readBlock(bb, bl, vt, x, row, col);
            return bb.create<arith::SubFOp>(bl, v, splat(bb, bl, vt, max));
          };
          if (isLog) {
            Value sum =
                sweep(nb, nl, n, {zero}, combine, {},
                      [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                          ValueRange acc) -> SmallVector<Value> {
                        Value e = bb.create<math::ExpOp>(
                            bl, shifted(bb, bl, vt, col));
                        return {bb.create<arith::AddFOp>(bl, acc[0], e)};
                      })[0];
            Value log = nb.create<math::LogOp>(nl, sum);
            return sweep(nb, nl, n, {}, combine, carried,
                         [&](OpBuilder &bb, Location bl, VectorType vt,
                             Value col, ValueRange out) -> SmallVector<Value> {
                           Value y = bb.create<arith::SubFOp>(
                               bl, shifted(bb, bl, vt, col),
                               splat(bb, bl, vt, log));
                           return {writeBlock(bb, bl, y, out[0], row, col)};
                         });
          }
          SmallVector<Value> sumAndExps =
              sweep(nb, nl, n, {zero}, combine, carried,
                    [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                        ValueRange acc) -> SmallVector<Value> {
                      Value e =
                          bb.create<math::ExpOp>(bl, shifted(bb, bl, vt, col));
                      return {bb.create<arith::AddFOp>(bl, acc[0], e),
                              writeBlock(bb, bl, e, acc[1], row, col)};
                    });
          // One division per row; a multiply per element (vdivps would
          // cost more than the rest of the sweep), within 1 ulp of e / sum.
          Value inverse = nb.create<arith::DivFOp>(
              nl, f32Constant(nb, nl, 1.0), sumAndExps[0]);
          return sweep(nb, nl, n, {}, combine, sumAndExps[1],
                       [&](OpBuilder &bb, Location bl, VectorType vt,
                           Value col, ValueRange out) -> SmallVector<Value> {
                         Value e = readBlock(bb, bl, vt, out[0], row, col);
                         Value y = bb.create<arith::MulFOp>(
                             bl, e, splat(bb, bl, vt, inverse));
                         return {writeBlock(bb, bl, y, out[0], row, col)};
                       });
        });
    rewriter.replaceOp(op, fromRows(b, loc, loop.getResult(0), view, type));
    return success();
  }
};

/// \p value (a scale or bias that broadcasts to the normalised dims
/// \p normalized, n elements) as an [n] tensor, or nullptr when it
/// broadcasts for real (fewer elements).
Value asRowVector(OpBuilder &b, Location loc, Value value,
                  ArrayRef<int64_t> normalized, int64_t n) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !isStaticF32(type) || type.getNumElements() != n)
    return nullptr;
  auto dropLeadingOnes = [](ArrayRef<int64_t> shape) {
    while (!shape.empty() && shape.front() == 1)
      shape = shape.drop_front();
    return shape;
  };
  if (dropLeadingOnes(type.getShape()) != dropLeadingOnes(normalized))
    return nullptr;
  auto vectorType = RankedTensorType::get({n}, b.getF32Type());
  if (type.getRank() == 1)
    return value;
  if (type.getRank() == 0)
    return b.create<tensor::ExpandShapeOp>(loc, vectorType, value,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return b.create<tensor::CollapseShapeOp>(
      loc, vectorType, value, ArrayRef<ReassociationIndices>{all});
}

/// LayerNormalization over the trailing dims [axis, rank) of a static f32
/// tensor with f32 statistics, row by row: the mean; the variance of the
/// centered row; then y = (x - mean) * invStd * scale + bias, the order of
/// the general lowering. Mean and inv_std_dev are written (one element per
/// row) only when used.
struct LayerNormRowLowering : OpRewritePattern<LayerNormOp> {
  LayerNormRowLowering(MLIRContext *context)
      : OpRewritePattern<LayerNormOp>(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType(0));
    if (!isStaticF32(op.getInput().getType()) || !isStaticF32(type) ||
        !cast<RankedTensorType>(op.getMean().getType())
             .getElementType()
             .isF32())
      return rewriter.notifyMatchFailure(op, "not static f32 with f32 stash");
    int64_t axis = op.getAxis();
    if (axis < 0 || axis >= type.getRank())
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RowView view = rowView(type.getShape(), axis);
    int64_t n = view.n;
    ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
    Value scale = asRowVector(b, loc, op.getScale(), normalized, n);
    Value bias = op.getBias()
                     ? asRowVector(b, loc, op.getBias(), normalized, n)
                     : Value();
    if (!scale || (op.getBias() && !bias))
      return rewriter.notifyMatchFailure(op, "scale or bias broadcasts");

    Value x = toRows(b, loc, op.getInput(), view);
    auto rowsType = cast<RankedTensorType>(x.getType());
    bool stats = !op.getMean().use_empty() || !op.getInvStdDev().use_empty();
    auto statsType = RankedTensorType::get({view.rows}, b.getF32Type());
    SmallVector<Value> init = {emptyTensor(b, loc, rowsType)};
    if (stats) {
      init.push_back(emptyTensor(b, loc, statsType));
      init.push_back(emptyTensor(b, loc, statsType));
    }
    double epsilon = op.getEpsilon().convertToDouble();
    double inverseCount = 1.0 / static_cast<double>(n);
    auto combine = [](OpBuilder &nb, Location nl, unsigned k, Value l,
                      Value r) { return sumOrMax(nb, nl, k, l, r, false); };
    // Payload ops per element as kiln-parallelize-loops counts them: sum;
    // sub, mul, add; sub, mul, mul, add.
    int64_t rowCost = n * 8;
    scf::ForOp loop = rowLoop(
        b, loc, view.rows, rowCost, init,
        [&](OpBuilder &nb, Location nl, Value row,
            ValueRange carried) -> SmallVector<Value> {
          Value zero = f32Constant(nb, nl, 0.0);
          Value sum =
              sweep(nb, nl, n, {zero}, combine, {},
                    [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                        ValueRange acc) -> SmallVector<Value> {
                      Value v = readBlock(bb, bl, vt, x, row, col);
                      return {bb.create<arith::AddFOp>(bl, acc[0], v)};
                    })[0];
          Value mean = nb.create<arith::MulFOp>(
              nl, sum, f32Constant(nb, nl, inverseCount));
          auto centered = [&](OpBuilder &bb, Location bl, VectorType vt,
                              Value col) -> Value {
            Value v = readBlock(bb, bl, vt, x, row, col);
            return bb.create<arith::SubFOp>(bl, v, splat(bb, bl, vt, mean));
          };
          Value squares =
              sweep(nb, nl, n, {zero}, combine, {},
                    [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                        ValueRange acc) -> SmallVector<Value> {
                      Value d = centered(bb, bl, vt, col);
                      Value square = bb.create<arith::MulFOp>(bl, d, d);
                      return {bb.create<arith::AddFOp>(bl, acc[0], square)};
                    })[0];
          Value var = nb.create<arith::MulFOp>(
              nl, squares, f32Constant(nb, nl, inverseCount));
          Value root = nb.create<math::SqrtOp>(
              nl, nb.create<arith::AddFOp>(nl, var,
                                           f32Constant(nb, nl, epsilon)));
          Value invStd = nb.create<arith::DivFOp>(
              nl, f32Constant(nb, nl, 1.0), root);
          SmallVector<Value> next =
              sweep(nb, nl, n, {}, combine, carried.take_front(),
                    [&](OpBuilder &bb, Location bl, VectorType vt, Value col,
                        ValueRange out) -> SmallVector<Value> {
                      Value y = bb.create<arith::MulFOp>(
                          bl, centered(bb, bl, vt, col),
                          splat(bb, bl, vt, invStd));
                      y = bb.create<arith::MulFOp>(
                          bl, y, readVector(bb, bl, vt, scale, col));
                      if (bias)
                        y = bb.create<arith::AddFOp>(
                            bl, y, readVector(bb, bl, vt, bias, col));
                      return {writeBlock(bb, bl, y, out[0], row, col)};
                    });
          if (stats) {
            next.push_back(
                nb.create<tensor::InsertOp>(nl, mean, carried[1], row));
            next.push_back(
                nb.create<tensor::InsertOp>(nl, invStd, carried[2], row));
          }
          return next;
        });

    SmallVector<Value> results = {
        fromRows(b, loc, loop.getResult(0), view, type)};
    for (unsigned i = 1; i < 3; ++i) {
      auto statType = cast<RankedTensorType>(op->getResult(i).getType());
      if (!stats) {
        // Unused: any value of the type will do.
        results.push_back(emptyTensor(b, loc, statType));
        continue;
      }
      ReassociationIndices all;
      for (int64_t d = 0; d < statType.getRank(); ++d)
        all.push_back(d);
      results.push_back(b.create<tensor::ExpandShapeOp>(
          loc, statType, loop.getResult(i),
          ArrayRef<ReassociationIndices>{all}));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateRowNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxRowLowering<SoftmaxOp, false>,
               SoftmaxRowLowering<LogSoftmaxOp, true>, LayerNormRowLowering>(
      patterns.getContext());
}

} // namespace kiln::lowering
