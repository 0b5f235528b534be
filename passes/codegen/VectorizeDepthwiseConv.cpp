//===- VectorizeDepthwiseConv.cpp - Depthwise convs as FMA register blocks ===//
//
// Runs on buffers, after kiln-parallelize-loops and before
// convert-linalg-to-loops. The depthwise generic of convert-kiln-to-linalg
// (DepthwiseConv.cpp) would otherwise become a 7-deep scalar loop nest that
// LLVM vectorizes along the innermost tap loop (3 wide) at best. Here it
// becomes loops over (n, c, m) and blocks of output rows; a block keeps
// R rows x V vectors of accumulators in registers, vectorised along the
// output width (the contiguous dim of both the output and, at stride 1, the
// input), and runs every tap unrolled: one broadcast of the filter value,
// then one input load and one FMA per accumulator. Static shapes make every
// edge a static shape too: the last vector of a row is narrower, the last
// block of rows shorter, so there are neither masks nor scalar tails.
//
// The pooling generics of Pooling.cpp (loops n, c, oh, ow | kh, kw; no
// filter) take the same blocks: a max pool's accumulators (loaded from the
// output, which holds -inf) take arith.maximumf of every tap; an average
// pool's (out + in * scale, scale a constant or a table over the outputs)
// sum the taps from the first one and fold the scale in once, as
// out + scale * sum, one FMA per vector at the end.
//
// Stride 2 loads two full vectors (at iw and iw + lanes - 1, both inside
// the row) and keeps the even elements with one shuffle; other strides
// load (lanes - 1) * s + 1 elements and shuffle. Dilation only moves the
// loads.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/TargetParser/Host.h"

namespace kiln::passes {
#define GEN_PASS_DEF_VECTORIZEDEPTHWISECONVPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// What a window generic accumulates per tap.
enum class Combine {
  Fma,       ///< out + in * filter[c, m, 0, kh, kw] (depthwise convolution)
  Max,       ///< max(out, in) (max pooling)
  ScaledAdd, ///< out + in * scale, a constant or scale[oh, ow] (average)
};

/// A depthwise convolution or pooling generic: loops (n, c, m, oh, ow |
/// kh, kw), m a unit loop for pooling.
struct Depthwise {
  Combine combine = Combine::Fma;
  Value input, filter, output; ///< filter: Fma only.
  Value scale; ///< ScaledAdd only: the f32 constant, or a [OH, OW] memref.
  SmallVector<int64_t, 7> ranges;
  int64_t strides[2], dilations[2];
  bool withMultiplier; ///< Whether the output has the m dim.
};

/// \returns the coefficient of dim \p dim in the affine expression \p expr of
/// \p dims dims (the value at d_dim = 1, every other dim 0), or -1.
int64_t coefficient(AffineExpr expr, unsigned dims, unsigned dim) {
  MLIRContext *context = expr.getContext();
  SmallVector<AffineExpr> values(dims, getAffineConstantExpr(0, context));
  values[dim] = getAffineConstantExpr(1, context);
  AffineExpr value = simplifyAffineExpr(expr.replaceDims(values), 0, 0);
  if (auto constant = dyn_cast<AffineConstantExpr>(value))
    return constant.getValue();
  return -1;
}

/// \returns whether \p value is \p a or \p b ... of a commutative pair.
bool operandsAre(Operation *op, Value a, Value b) {
  return (op->getOperand(0) == a && op->getOperand(1) == b) ||
         (op->getOperand(0) == b && op->getOperand(1) == a);
}

/// Checks that \p input and \p output (memrefs) are static f32 with a
/// contiguous innermost dim, and reads the stride and dilation of the
/// window dims 2 and 3 of \p in, a map over \p loops loops whose dims
/// \p oh and \p kh on are (oh, ow, kh, kw), leading with dims 0 and 1.
LogicalResult matchWindow(Depthwise &dw, AffineMap in, unsigned loops,
                          unsigned oh, unsigned kh) {
  for (Value value : {dw.input, dw.output}) {
    auto type = cast<MemRefType>(value.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (!type.getElementType().isF32() ||
        failed(getStridesAndOffset(type, strides, offset)) ||
        strides.back() != 1)
      return failure();
  }
  MLIRContext *context = in.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  if (in.getNumResults() != 4 || in.getResult(0) != d(0) ||
      in.getResult(1) != d(1))
    return failure();
  for (unsigned i = 0; i < 2; ++i) {
    AffineExpr expr = in.getResult(2 + i);
    int64_t stride = coefficient(expr, loops, oh + i);
    int64_t dilation = coefficient(expr, loops, kh + i);
    if (stride <= 0 || dilation <= 0 ||
        simplifyAffineExpr(expr, loops, 0) !=
            simplifyAffineExpr(d(oh + i) * stride + d(kh + i) * dilation,
                               loops, 0))
      return failure();
    dw.strides[i] = stride;
    dw.dilations[i] = dilation;
  }
  return success();
}

/// Matches the generic DepthwiseConv.cpp emits (see the pass description):
/// on buffers, static shapes, f32, the innermost dims of input and output
/// contiguous.
FailureOr<Depthwise> matchDepthwise(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 7 ||
      op.getNumReductionLoops() != 2 || op.hasDynamicShape())
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (int64_t i = 0; i < 7; ++i)
    if ((iterators[i] == utils::IteratorType::reduction) != (i >= 5))
      return failure();
  Depthwise dw;
  dw.input = op.getDpsInputs()[0];
  dw.filter = op.getDpsInputs()[1];
  dw.output = op.getDpsInits()[0];
  if (!cast<MemRefType>(dw.filter.getType()).getElementType().isF32())
    return failure();
  MLIRContext *context = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // The output is (n, c, m, oh, ow), or (n, c, oh, ow) when m is a unit loop.
  dw.ranges.assign(op.getStaticLoopRanges());
  dw.withMultiplier =
      maps[2] == AffineMap::get(7, 0, {d(0), d(1), d(2), d(3), d(4)}, context);
  if ((!dw.withMultiplier &&
       (dw.ranges[2] != 1 ||
        maps[2] != AffineMap::get(7, 0, {d(0), d(1), d(3), d(4)}, context))) ||
      maps[1] != AffineMap::get(7, 0,
                                {d(1), d(2), getAffineConstantExpr(0, context),
                                 d(5), d(6)},
                                context))
    return failure();
  if (failed(matchWindow(dw, maps[0], 7, 3, 5)))
    return failure();

  // out + in * w (either operand order).
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return failure();
  auto mul = dyn_cast<arith::MulFOp>(body.front());
  auto add = dyn_cast<arith::AddFOp>(body.front().getNextNode());
  if (!mul || !add || !operandsAre(mul, body.getArgument(0), body.getArgument(1)) ||
      !operandsAre(add, body.getArgument(2), mul.getResult()) ||
      body.getTerminator()->getOperand(0) != add.getResult())
    return failure();
  return dw;
}

/// Matches the pooling generic Pooling.cpp emits: loops (n, c, oh, ow |
/// kh, kw) over the input (n, c, oh * s0 + kh * d0, ow * s1 + kw * d1), a
/// tap-extent operand (kh, kw), for an average band a scale table (oh, ow),
/// and the output (n, c, oh, ow), with body max(in, out), out + in *
/// constant or out + in * table; on buffers, static shapes, f32.
FailureOr<Depthwise> matchPooling(linalg::GenericOp op) {
  int64_t inputs = op.getNumDpsInputs();
  if (!op.hasPureBufferSemantics() || (inputs != 2 && inputs != 3) ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 6 ||
      op.getNumReductionLoops() != 2 || op.hasDynamicShape())
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (int64_t i = 0; i < 6; ++i)
    if ((iterators[i] == utils::IteratorType::reduction) != (i >= 4))
      return failure();
  MLIRContext *context = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[1] != AffineMap::get(6, 0, {d(4), d(5)}, context) ||
      maps[inputs] != AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, context))
    return failure();
  Value table;
  if (inputs == 3) {
    table = op.getDpsInputs()[2];
    auto type = cast<MemRefType>(table.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (maps[2] != AffineMap::get(6, 0, {d(2), d(3)}, context) ||
        !type.getElementType().isF32() ||
        failed(getStridesAndOffset(type, strides, offset)) ||
        strides.back() != 1)
      return failure();
  }
  Depthwise dw;
  dw.input = op.getDpsInputs()[0];
  dw.output = op.getDpsInits()[0];
  dw.withMultiplier = false;
  if (failed(matchWindow(dw, maps[0], 6, 2, 4)))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  dw.ranges = {ranges[0], ranges[1], 1,        ranges[2],
               ranges[3], ranges[4], ranges[5]};

  Block &body = op.getRegion().front();
  Value in = body.getArgument(0), out = body.getArgument(inputs);
  Operation *result = body.getTerminator()->getOperand(0).getDefiningOp();
  if (!result || result->getBlock() != &body)
    return failure();
  if (auto max = dyn_cast<arith::MaximumFOp>(result)) {
    if (table || body.getOperations().size() != 2 || !operandsAre(max, in, out))
      return failure();
    dw.combine = Combine::Max;
    return dw;
  }
  auto add = dyn_cast<arith::AddFOp>(result);
  auto mul = add ? add.getOperand(0).getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul && add)
    mul = add.getOperand(1).getDefiningOp<arith::MulFOp>();
  if (!add || !mul || mul->getBlock() != &body ||
      body.getOperations().size() != 3 ||
      !operandsAre(add, out, mul.getResult()))
    return failure();
  Value scale = mul.getOperand(0) == in ? mul.getOperand(1) : mul.getOperand(0);
  if (!operandsAre(mul, in, scale) ||
      (table ? scale != body.getArgument(2)
             : !scale.getDefiningOp<arith::ConstantOp>()))
    return failure();
  dw.combine = Combine::ScaledAdd;
  dw.scale = table ? table : scale;
  return dw;
}

/// Emits the loops that replace one depthwise generic.
class Emitter {
public:
  Emitter(OpBuilder &b, Location loc, const Depthwise &dw, int64_t lanes,
          int64_t accumulators)
      : b(b), loc(loc), dw(dw), lanes(lanes), accumulators(accumulators) {}

  void emit() {
    int64_t outRows = dw.ranges[3], outCols = dw.ranges[4];
    int64_t perRow = llvm::divideCeil(outCols, lanes);
    int64_t vectors = std::min(perRow, accumulators);
    int64_t rows = std::clamp<int64_t>(accumulators / vectors, 1, outRows);

    n = loop(0, dw.ranges[0], 1);
    c = loop(0, dw.ranges[1], 1);
    m = dw.combine == Combine::Fma ? loop(0, dw.ranges[2], 1) : index(0);
    int64_t mainRows = outRows / rows * rows;
    if (mainRows > 0) {
      OpBuilder::InsertionGuard guard(b);
      Value oh = loop(0, mainRows, rows);
      emitRows(oh, rows, perRow);
    }
    if (outRows > mainRows)
      emitRows(index(mainRows), outRows - mainRows, perRow);
  }

private:
  /// Builds `scf.for` [lo, hi) by step and moves into its body.
  Value loop(int64_t lo, int64_t hi, int64_t step) {
    auto forOp = b.create<scf::ForOp>(loc, index(lo), index(hi), index(step));
    b.setInsertionPoint(forOp.getBody()->getTerminator());
    return forOp.getInductionVar();
  }

  Value index(int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value);
  }

  /// \p value * \p scale + \p shift.
  Value affine(Value value, int64_t scale, int64_t shift) {
    if (scale != 1)
      value = b.create<arith::MulIOp>(loc, value, index(scale));
    if (shift != 0)
      value = b.create<arith::AddIOp>(loc, value, index(shift));
    return value;
  }

  SmallVector<Value, 5> outIndices(Value oh, Value ow) {
    if (dw.withMultiplier)
      return {n, c, m, oh, ow};
    return {n, c, oh, ow};
  }

  /// Full vectors, then one narrower vector for the rest of \p cols.
  SmallVector<int64_t> cover(int64_t cols) {
    SmallVector<int64_t> widths(cols / lanes, lanes);
    if (cols % lanes)
      widths.push_back(cols % lanes);
    return widths;
  }

  /// \p rows output rows from \p oh: one block when a row fits the
  /// accumulators, else a loop over chunks of them and a last block.
  void emitRows(Value oh, int64_t rows, int64_t perRow) {
    int64_t outCols = dw.ranges[4];
    if (perRow <= accumulators) {
      emitBlock(oh, rows, index(0), cover(outCols));
      return;
    }
    int64_t chunk = accumulators * lanes;
    int64_t mainCols = outCols / chunk * chunk;
    {
      OpBuilder::InsertionGuard guard(b);
      Value ow = loop(0, mainCols, chunk);
      emitBlock(oh, rows, ow, SmallVector<int64_t>(accumulators, lanes));
    }
    if (outCols > mainCols)
      emitBlock(oh, rows, index(mainCols), cover(outCols - mainCols));
  }

  /// Loads `width` input elements from row \p ih, column \p iw on, every
  /// stride-th.
  Value loadInput(Value ih, Value iw, int64_t width) {
    int64_t stride = dw.strides[1];
    auto type = VectorType::get({width}, b.getF32Type());
    if (stride == 1 || width == 1)
      return b.create<vector::LoadOp>(loc, type, dw.input,
                                      ValueRange{n, c, ih, iw});
    SmallVector<int64_t> mask;
    if (stride == 2 && width == lanes) {
      // Elements 0..2w-2: a vector at iw and one at iw + w - 1, so that
      // neither reads past the last element the row needs.
      Value low = b.create<vector::LoadOp>(loc, type, dw.input,
                                           ValueRange{n, c, ih, iw});
      Value high = b.create<vector::LoadOp>(
          loc, type, dw.input, ValueRange{n, c, ih, affine(iw, 1, width - 1)});
      for (int64_t j = 0; j < width; ++j)
        mask.push_back(2 * j < width ? 2 * j : 2 * j + 1);
      return b.create<vector::ShuffleOp>(loc, low, high, mask);
    }
    auto rawType = VectorType::get({(width - 1) * stride + 1}, b.getF32Type());
    Value raw = b.create<vector::LoadOp>(loc, rawType, dw.input,
                                         ValueRange{n, c, ih, iw});
    for (int64_t j = 0; j < width; ++j)
      mask.push_back(j * stride);
    return b.create<vector::ShuffleOp>(loc, raw, raw, mask);
  }

  /// One register block: \p rows rows from \p oh, vectors of \p widths from
  /// column \p ow, accumulated over every tap.
  void emitBlock(Value oh, int64_t rows, Value ow, ArrayRef<int64_t> widths) {
    SmallVector<int64_t> offsets;
    int64_t offset = 0;
    for (int64_t width : widths) {
      offsets.push_back(offset);
      offset += width;
    }
    SmallVector<SmallVector<Value>> acc(rows);
    SmallVector<Value> outRows, outCols;
    for (int64_t r = 0; r < rows; ++r)
      outRows.push_back(affine(oh, 1, r));
    for (int64_t v = 0; v < static_cast<int64_t>(widths.size()); ++v)
      outCols.push_back(affine(ow, 1, offsets[v]));
    // A scaled sum adds the taps from the first on and scales the sum
    // once, into the output, at the end: out + c * sum(in) reassociates
    // out + sum(in * c), with one rounding per tap fewer.
    bool sum = dw.combine == Combine::ScaledAdd;
    auto loadOutput = [&](int64_t r, int64_t v) -> Value {
      return b.create<vector::LoadOp>(
          loc, VectorType::get({widths[v]}, b.getF32Type()), dw.output,
          outIndices(outRows[r], outCols[v]));
    };
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < static_cast<int64_t>(widths.size()); ++v)
        acc[r].push_back(sum ? Value() : loadOutput(r, v));

    Value ihBase = affine(oh, dw.strides[0], 0);
    Value iwBase = affine(ow, dw.strides[1], 0);
    for (int64_t kh = 0; kh < dw.ranges[5]; ++kh) {
      for (int64_t kw = 0; kw < dw.ranges[6]; ++kw) {
        Value tap;
        if (dw.combine == Combine::Fma)
          tap = b.create<memref::LoadOp>(
              loc, dw.filter,
              ValueRange{c, m, index(0), index(kh), index(kw)});
        llvm::SmallDenseMap<int64_t, Value> splats;
        for (int64_t r = 0; r < rows; ++r) {
          Value ih =
              affine(ihBase, 1, r * dw.strides[0] + kh * dw.dilations[0]);
          for (int64_t v = 0; v < static_cast<int64_t>(widths.size()); ++v) {
            int64_t width = widths[v];
            Value splat;
            if (dw.combine == Combine::Fma) {
              Value &cached = splats[width];
              if (!cached)
                cached = b.create<vector::BroadcastOp>(
                    loc, VectorType::get({width}, b.getF32Type()), tap);
              splat = cached;
            }
            Value iw = affine(iwBase, 1,
                              offsets[v] * dw.strides[1] + kw * dw.dilations[1]);
            Value x = loadInput(ih, iw, width);
            Value &a = acc[r][v];
            switch (dw.combine) {
            case Combine::Fma:
              a = b.create<vector::FMAOp>(loc, x, splat, a);
              break;
            case Combine::Max:
              a = b.create<arith::MaximumFOp>(loc, a, x);
              break;
            case Combine::ScaledAdd:
              a = a ? b.create<arith::AddFOp>(loc, a, x).getResult() : x;
              break;
            }
          }
        }
      }
    }
    llvm::SmallDenseMap<int64_t, Value> scales;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t v = 0; v < static_cast<int64_t>(widths.size()); ++v) {
        if (sum) {
          auto type = VectorType::get({widths[v]}, b.getF32Type());
          Value scale;
          if (isa<MemRefType>(dw.scale.getType())) {
            scale = b.create<vector::LoadOp>(
                loc, type, dw.scale, ValueRange{outRows[r], outCols[v]});
          } else {
            Value &splat = scales[widths[v]];
            if (!splat)
              splat = b.create<vector::BroadcastOp>(loc, type, dw.scale);
            scale = splat;
          }
          acc[r][v] =
              b.create<vector::FMAOp>(loc, acc[r][v], scale, loadOutput(r, v));
        }
        b.create<vector::StoreOp>(loc, acc[r][v], dw.output,
                                  outIndices(outRows[r], outCols[v]));
      }
    }
  }

  OpBuilder &b;
  Location loc;
  const Depthwise &dw;
  int64_t lanes, accumulators;
  Value n, c, m;
};

/// \returns {f32 lanes, accumulators} for the host's widest vectors: the
/// accumulators leave registers for the broadcast tap and the loads.
std::pair<int64_t, int64_t> hostTile() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {16, 16};
  if (features.lookup("avx2") || features.lookup("avx"))
    return {8, 8};
  return {4, 8};
}

struct VectorizeDepthwiseConvPass
    : impl::VectorizeDepthwiseConvPassBase<VectorizeDepthwiseConvPass> {
  using Base::Base;

  void runOnOperation() override {
    auto [hostLanes, hostAccumulators] = hostTile();
    int64_t l = lanes > 0 ? int64_t(lanes) : hostLanes;
    int64_t a = accumulators > 0 ? int64_t(accumulators) : hostAccumulators;
    SmallVector<std::pair<linalg::GenericOp, Depthwise>> found;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (FailureOr<Depthwise> dw = matchDepthwise(op); succeeded(dw))
        found.emplace_back(op, *dw);
      else if (FailureOr<Depthwise> pool = matchPooling(op); succeeded(pool))
        found.emplace_back(op, *pool);
    });
    for (auto &[op, dw] : found) {
      OpBuilder b(op);
      Emitter(b, op.getLoc(), dw, l, a).emit();
      op.erase();
    }
  }
};

} // namespace
} // namespace kiln::passes
