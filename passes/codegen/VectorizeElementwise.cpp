//===- VectorizeElementwise.cpp - Copies and elementwise ops as vectors ---===//
//
// Runs on buffers, after the contraction pass and before
// convert-linalg-to-loops. Every all-parallel linalg op that is left (the
// copies that pad and im2col convolutions, bias broadcasts, activations,
// residual adds) would otherwise become a scalar loop nest; LLVM vectorizes
// the simplest of those, but not a copy through the 6-D im2col map, which
// is where a small CNN spent a third of its time.
//
// Each op is tiled by 1 along every loop but the innermost, and by T along
// the innermost (T the largest divisor of its range up to kMaxVector, so
// no remainder tile is needed). In a tile, each operand varies along at most
// one of its dims, with a constant stride c (im2col reads `c * ow + kw`): a
// rank-reducing strided subview makes it a 1-D (or 0-D, for a broadcast)
// memref, and the tile becomes a 1-D generic with identity maps, which
// linalg::vectorize turns into transfer_read / arithmetic / transfer_write
// on vector<Txf32>. Unit-stride transfers become plain vector loads and
// stores; reads with a stride of 2 to 4 a masked load of the elements they
// span and a shuffle; other strided ones are unrolled to scalar loads into
// a vector.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::passes {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISEPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// The longest vector a tile computes on (in elements).
constexpr int64_t kMaxVector = 256;
/// Innermost ranges shorter than this stay scalar loops.
constexpr int64_t kMinVector = 4;

/// \returns the largest divisor of \p range that is at most kMaxVector.
int64_t tileSize(int64_t range) {
  for (int64_t size = std::min(range, kMaxVector); size > 1; --size)
    if (range % size == 0)
      return size;
  return 1;
}

/// How one result of an indexing map moves with the innermost loop dim.
struct Stride {
  int64_t result = -1; ///< The result that depends on it (-1: none).
  int64_t step = 0;    ///< Its constant coefficient.
};

/// \returns how \p map's results depend on dim \p dim: at most one result
/// may, and only as `step * dim + (terms without dim)` with step > 0.
std::optional<Stride> strideAlong(AffineMap map, unsigned dim) {
  MLIRContext *context = map.getContext();
  AffineExpr d = getAffineDimExpr(dim, context);
  Stride stride;
  for (unsigned index = 0; index < map.getNumResults(); ++index) {
    AffineExpr expr = map.getResult(index);
    if (!expr.isFunctionOfDim(dim))
      continue;
    if (stride.result >= 0)
      return std::nullopt;
    SmallVector<AffineExpr> zeros(map.getNumDims(),
                                  getAffineConstantExpr(0, context));
    SmallVector<AffineExpr> unit(zeros);
    unit[dim] = getAffineConstantExpr(1, context);
    auto at = [&](ArrayRef<AffineExpr> dims) {
      return dyn_cast<AffineConstantExpr>(
          simplifyAffineExpr(expr.replaceDimsAndSymbols(dims, {}),
                             map.getNumDims(), 0));
    };
    AffineConstantExpr atZero = at(zeros), atOne = at(unit);
    if (!atZero || !atOne)
      return std::nullopt;
    int64_t step = atOne.getValue() - atZero.getValue();
    // Linear in dim: expr - step * dim no longer depends on it.
    AffineExpr rest = simplifyAffineExpr(expr - d * step, map.getNumDims(), 0);
    if (step <= 0 || rest.isFunctionOfDim(dim))
      return std::nullopt;
    stride.result = static_cast<int64_t>(index);
    stride.step = step;
  }
  return stride;
}

/// \returns true if \p op, a math op, still lowers once it works on vectors:
/// convert-math-to-llvm turns it into an LLVM intrinsic (which the backend
/// scalarizes if it must), or, on f32, kiln-approximate-math into a
/// polynomial. The others (math.tan, math.sinh, ..., and f64 tanh) become
/// libm calls, and that lowering runs after the vector dialect is gone.
bool lowersOnVectors(Operation &op) {
  if (isa<math::AbsFOp, math::AbsIOp, math::CeilOp, math::FloorOp,
          math::CopySignOp, math::CountLeadingZerosOp,
          math::CountTrailingZerosOp, math::CtPopOp, math::ExpOp,
          math::Exp2Op, math::ExpM1Op, math::FmaOp, math::LogOp,
          math::Log10Op, math::Log1pOp, math::Log2Op, math::PowFOp,
          math::RoundOp, math::RoundEvenOp, math::RsqrtOp, math::SqrtOp,
          math::TruncOp, math::SinOp, math::CosOp>(op))
    return true;
  return isa<math::TanhOp, math::ErfOp, math::AtanOp, math::Atan2Op,
             math::CbrtOp>(op) &&
         llvm::all_of(op.getResultTypes(),
                      [](Type type) { return type.isF32(); });
}

/// \returns true if \p op is an op this pass vectorizes: all loops parallel,
/// buffers of static shape with byte-sized elements (a vector of i1 would
/// be read as packed bits from memory that holds one byte per bool), a
/// payload of arith ops and vectorizable math ops only, and operands that
/// move along the innermost loop with a constant stride.
bool isCandidate(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.hasDynamicShape() ||
      op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      op.getNumDpsInits() != 1 || op->getNumRegions() != 1)
    return false;
  // tileSize(range) <= range: short ranges and ranges without a divisor
  // of vector length (a large prime) both stay scalar.
  if (tileSize(op.getStaticLoopRanges().back()) < kMinVector)
    return false;
  for (Operation &inner : op->getRegion(0).front()) {
    Dialect *dialect = inner.getDialect();
    if (isa_and_nonnull<math::MathDialect>(dialect) && !lowersOnVectors(inner))
      return false;
    if (!isa<linalg::YieldOp>(inner) &&
        !isa_and_nonnull<arith::ArithDialect, math::MathDialect>(dialect))
      return false;
    if (llvm::any_of(inner.getOperandTypes(),
                     [](Type type) { return !type.isIntOrIndexOrFloat(); }))
      return false;
  }
  unsigned innermost = op.getNumLoops() - 1;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type)
      return false; // A scalar operand (linalg.fill's value).
    if (!type.getElementType().isIntOrIndexOrFloat() ||
        (!type.getElementType().isIndex() &&
         type.getElementTypeBitWidth() % 8 != 0))
      return false;
    std::optional<Stride> stride =
        strideAlong(op.getMatchingIndexingMap(&operand), innermost);
    if (!stride)
      return false;
    // The output must cover its innermost loop exactly once per element.
    if (op.isDpsInit(&operand) && stride->result < 0)
      return false;
  }
  return true;
}

/// Rewrites the tile \p op (every loop of range 1 but the innermost) as a
/// 1-D generic over rank-reduced views and vectorizes it.
LogicalResult vectorizeTile(RewriterBase &rewriter, linalg::GenericOp op) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  unsigned innermost = op.getNumLoops() - 1;
  int64_t size = op.getStaticLoopRanges().back();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = cast<MemRefType>(operand.get().getType());
    Stride stride =
        *strideAlong(op.getMatchingIndexingMap(&operand), innermost);
    SmallVector<int64_t> offsets(type.getRank(), 0), sizes(type.getRank(), 1),
        strides(type.getRank(), 1);
    SmallVector<int64_t> shape;
    if (stride.result >= 0) {
      sizes[stride.result] = size;
      strides[stride.result] = stride.step;
      shape.push_back(size);
      maps.push_back(AffineMap::get(1, 0, getAffineDimExpr(0, context)));
    } else {
      maps.push_back(AffineMap::get(1, 0, {}, context));
    }
    auto viewType = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
        shape, type, offsets, sizes, strides));
    operands.push_back(rewriter.create<memref::SubViewOp>(
        loc, viewType, operand.get(), offsets, sizes, strides));
  }
  auto flat = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{}, ValueRange(operands).drop_back(),
      ValueRange(operands).take_back(), maps,
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel});
  rewriter.inlineRegionBefore(op.getRegion(), flat.getRegion(),
                              flat.getRegion().begin());
  rewriter.eraseOp(op);
  return linalg::vectorize(rewriter, flat);
}

/// The largest element stride whose strided reads load the elements they
/// span and shuffle (StridedReadAsShuffle): 2 to 4 wastes at most three
/// lanes of four.
constexpr int64_t kMaxShuffleStride = 4;
/// The widest span (in elements) StridedReadAsShuffle loads: four zmm
/// registers of f32.
constexpr int64_t kMaxShuffleSpan = 64;

/// Rewrites a 1-D read of T elements s apart in memory (2 <= s <=
/// kMaxShuffleStride: im2col's reads of a stride-s convolution's rows) as
/// one masked load of the s (T - 1) + 1 elements they span and a shuffle
/// that keeps every s-th. The transfer lowering would insert the T
/// elements into the vector one scalar load at a time, which made the
/// strided im2col copies the hottest serial code of the ResNet-style model.
/// The mask stops the load at the last element read: nothing past it is
/// touched.
struct StridedReadAsShuffle : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto view = read.getSource().getDefiningOp<memref::SubViewOp>();
    VectorType type = read.getVectorType();
    if (!view || type.getRank() != 1 || read.getMask() ||
        !read.getPermutationMap().isMinorIdentity() || !read.isDimInBounds(0) ||
        !isConstantIntValue(read.getIndices()[0], 0))
      return failure();
    MemRefType viewType = view.getType();
    MemRefType sourceType = view.getSourceType();
    int64_t size = type.getDimSize(0);
    SmallVector<int64_t> viewStrides, sourceStrides;
    int64_t offset;
    if (viewType.getRank() != 1 || viewType.getDimSize(0) != size ||
        failed(getStridesAndOffset(viewType, viewStrides, offset)) ||
        failed(getStridesAndOffset(sourceType, sourceStrides, offset)))
      return failure();
    int64_t stride = viewStrides[0];
    int64_t span = stride * (size - 1) + 1;
    if (stride < 2 || stride > kMaxShuffleStride ||
        stride * size > kMaxShuffleSpan)
      return failure();
    // The one dim the view keeps: there the source must be contiguous, so
    // that the view's stride is the subview's step.
    llvm::SmallBitVector dropped = view.getDroppedDims();
    int64_t kept = dropped.find_first_unset();
    if (kept < 0 || sourceStrides[kept] != 1 ||
        view.getStaticStrides()[kept] != stride)
      return failure();

    Location loc = read.getLoc();
    SmallVector<OpFoldResult> sizes = view.getMixedSizes();
    SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
    sizes[kept] = rewriter.getIndexAttr(span);
    SmallVector<OpFoldResult> offsets = view.getMixedOffsets();
    auto spanType =
        cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
            {span}, sourceType, offsets, sizes, strides));
    Value spanView = rewriter.create<memref::SubViewOp>(
        loc, spanType, view.getSource(), offsets, sizes, strides);
    auto wideType = VectorType::get({stride * size}, type.getElementType());
    Value mask = rewriter.create<vector::ConstantMaskOp>(
        loc, VectorType::get({stride * size}, rewriter.getI1Type()),
        rewriter.getI64ArrayAttr({span}));
    Value padding =
        rewriter.create<vector::SplatOp>(loc, wideType, read.getPadding());
    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value wide = rewriter.create<vector::MaskedLoadOp>(
        loc, wideType, spanView, ValueRange{zero}, mask, padding);
    SmallVector<int64_t> every;
    for (int64_t lane = 0; lane < size; ++lane)
      every.push_back(lane * stride);
    rewriter.replaceOpWithNewOp<vector::ShuffleOp>(read, wide, wide, every);
    return success();
  }
};

struct VectorizeElementwisePass
    : impl::VectorizeElementwisePassBase<VectorizeElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isCandidate(op))
        candidates.push_back(op);
    });
    if (candidates.empty())
      return;
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp candidate : candidates) {
      rewriter.setInsertionPoint(candidate);
      linalg::GenericOp generic;
      if (auto existing = dyn_cast<linalg::GenericOp>(*candidate)) {
        generic = existing;
      } else {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, candidate);
        if (failed(generalized))
          continue; // Stays a scalar loop nest.
        generic = *generalized;
      }
      SmallVector<int64_t> sizes(generic.getNumLoops(), 1);
      sizes.back() = tileSize(generic.getStaticLoopRanges().back());
      linalg::LinalgOp tile = generic;
      if (sizes != generic.getStaticLoopRanges()) {
        FailureOr<linalg::TiledLinalgOp> tiled = linalg::tileLinalgOp(
            rewriter, generic, linalg::LinalgTilingOptions().setTileSizes(sizes));
        if (failed(tiled))
          continue;
        rewriter.eraseOp(generic);
        tile = tiled->op;
      }
      if (failed(vectorizeTile(rewriter, cast<linalg::GenericOp>(*tile)))) {
        tile->emitOpError("kiln-vectorize-elementwise: could not vectorize");
        return signalPassFailure();
      }
    }

    // 1-D transfers to vector loads/stores (unit stride) or unrolled
    // scalar accesses (strided views).
    RewritePatternSet patterns(&getContext());
    patterns.add<StridedReadAsShuffle>(&getContext(), /*benefit=*/2);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    populateVectorToSCFConversionPatterns(
        patterns, VectorTransferToSCFOptions().enableFullUnroll());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln::passes
