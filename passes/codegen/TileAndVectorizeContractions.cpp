//===- TileAndVectorizeContractions.cpp - Register-blocked matmuls --------===//
//
// Runs on buffers, between bufferization and convert-linalg-to-loops: the
// contractions it recognises leave as vector code (FMAs on loop-carried
// accumulators), everything else is left for the scalar loop lowering.
// Working on memrefs keeps the hoisting simple: once memref.subview is folded
// into the transfers, the accumulator's read and write address the output
// buffer at loop-invariant indices and hoistRedundantVectorTransfers can turn
// them into scf.for iter_args.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/TargetParser/Host.h"

namespace kiln::passes {
#define GEN_PASS_DEF_TILEANDVECTORIZECONTRACTIONSPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// Marks the contractions (and their tiles) this pass is working on.
constexpr llvm::StringLiteral kMarker = "kiln.tile_contraction";

/// Which dimension of a contraction a tiling stage splits.
enum class Dim { Batch, M, N, K };

struct Stage {
  Dim dim;
  int64_t size;
};

/// \returns the M, N, K register tile for the host's widest vector registers:
/// an MR x NR block of accumulators that fills most of the register file
/// (MR * NR / lanes accumulators plus NR / lanes B vectors and one broadcast).
SmallVector<int64_t, 3> hostRegisterTile() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {8, 32, 1}; // 16 of 32 zmm accumulate, 2 hold B.
  if (features.lookup("avx2") || features.lookup("avx"))
    return {6, 16, 1}; // 12 of 16 ymm accumulate, 2 hold B (BLIS's haswell).
  return {4, 8, 1};    // 8 of 16 xmm accumulate, 2 hold B.
}

/// \returns the contraction's dims if this pass can tile and vectorize it:
/// buffers, static shapes, one element type, one M, N and K dim.
FailureOr<linalg::ContractionDimensions>
matchContraction(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.hasDynamicShape() ||
      !linalg::isaContractionOpInterface(op) || op.getNumDpsInits() != 1)
    return failure();
  Type element = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (!element.isIntOrFloat() ||
      llvm::any_of(op.getDpsInputs(), [&](Value input) {
        return getElementTypeOrSelf(input.getType()) != element;
      }))
    return failure();
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1)
    return failure();
  return dims;
}

/// Replaces `matmul_transpose_b(A, B)` by `matmul(A, transpose(B))` with the
/// transposed B in a fresh buffer, freed after the product: the register
/// tiles then read contiguous rows of B instead of gathering columns. The
/// copy costs O(N*K) against the product's O(M*N*K).
linalg::LinalgOp untransposeB(RewriterBase &rewriter,
                              linalg::MatmulTransposeBOp op) {
  Location loc = op.getLoc();
  Value b = op.getDpsInputs()[1];
  auto bType = cast<MemRefType>(b.getType());
  auto transposedType = MemRefType::get(
      {bType.getDimSize(1), bType.getDimSize(0)}, bType.getElementType());
  rewriter.setInsertionPoint(op);
  Value transposed = rewriter.create<memref::AllocOp>(
      loc, transposedType, /*alignment=*/rewriter.getI64IntegerAttr(64));
  rewriter.create<linalg::TransposeOp>(loc, b, transposed,
                                       ArrayRef<int64_t>{1, 0});
  auto matmul = rewriter.create<linalg::MatmulOp>(
      loc, ValueRange{op.getDpsInputs()[0], transposed},
      ValueRange{op.getDpsInits()[0]});
  matmul->setAttr(kMarker, rewriter.getUnitAttr());
  rewriter.setInsertionPointAfter(op);
  rewriter.create<memref::DeallocOp>(loc, transposed);
  rewriter.eraseOp(op);
  return matmul;
}

/// Tiles \p op along the dimension of \p stage (every batch dim by 1 for
/// Dim::Batch) and peels the tile loop if its step does not divide the
/// range, so that both the full tiles and the remainder have static sizes
/// once the bounds are canonicalized. The tiled ops keep the marker.
LogicalResult tileStage(RewriterBase &rewriter, linalg::LinalgOp op,
                        const Stage &stage) {
  FailureOr<linalg::ContractionDimensions> dims = matchContraction(op);
  if (failed(dims))
    return success(); // Still dynamic: stays scalar (reported by the caller).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> sizes(ranges.size(), 0);
  std::optional<unsigned> peeled;
  auto tile = [&](unsigned dim, int64_t size) {
    if (size <= 0 || ranges[dim] <= size)
      return;
    sizes[dim] = size;
    if (ranges[dim] % size != 0)
      peeled = dim;
  };
  switch (stage.dim) {
  case Dim::Batch:
    for (unsigned dim : dims->batch)
      tile(dim, 1);
    break;
  case Dim::M:
    tile(dims->m[0], stage.size);
    break;
  case Dim::N:
    tile(dims->n[0], stage.size);
    break;
  case Dim::K:
    tile(dims->k[0], stage.size);
    break;
  }
  if (llvm::all_of(sizes, [](int64_t size) { return size == 0; }))
    return success();

  rewriter.setInsertionPoint(op);
  linalg::LinalgTilingOptions options;
  options.setTileSizes(sizes);
  FailureOr<linalg::TiledLinalgOp> tiled =
      linalg::tileLinalgOp(rewriter, op, options);
  if (failed(tiled))
    return op->emitOpError("could not be tiled");
  rewriter.eraseOp(op);
  if (!peeled)
    return success();
  // Only the one loop of an M, N or K stage can need peeling.
  auto loop = cast<scf::ForOp>(tiled->loops.front());
  scf::ForOp remainder;
  (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder);
  return success();
}

/// The canonicalization patterns of every loaded dialect and op, as the
/// canonicalizer pass collects them.
FrozenRewritePatternSet canonicalizationPatterns(MLIRContext *context) {
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  return FrozenRewritePatternSet(std::move(patterns));
}

struct TileAndVectorizeContractionsPass
    : impl::TileAndVectorizeContractionsPassBase<
          TileAndVectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult greedy(const FrozenRewritePatternSet &patterns) {
    if (failed(applyPatternsAndFoldGreedily(getOperation(), patterns)))
      return getOperation()->emitError(
          "kiln-tile-and-vectorize-contractions: rewrites did not converge");
    return success();
  }
  LogicalResult greedy(RewritePatternSet &&patterns) {
    return greedy(FrozenRewritePatternSet(std::move(patterns)));
  }

  /// \returns the marked ops in program order.
  SmallVector<linalg::LinalgOp> marked() {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kMarker))
        ops.push_back(op);
    });
    return ops;
  }

  LogicalResult tileAll(ArrayRef<int64_t> cache, ArrayRef<int64_t> reg,
                        const FrozenRewritePatternSet &canonical);
  LogicalResult vectorizeAll(const FrozenRewritePatternSet &canonical);
  void hoistAccumulators();
  LogicalResult lowerVectors(const FrozenRewritePatternSet &canonical);
};

LogicalResult TileAndVectorizeContractionsPass::tileAll(
    ArrayRef<int64_t> cache, ArrayRef<int64_t> reg,
    const FrozenRewritePatternSet &canonical) {
  // Loop order, outermost first: batch; N, K, M cache tiles (a K x N panel
  // of B is reused by every M block); N, M register tiles (the K x NR strip
  // of B stays in L1 across the M tiles); K innermost around one rank-1
  // update.
  const Stage stages[] = {{Dim::Batch, 1},   {Dim::N, cache[1]},
                          {Dim::K, cache[2]}, {Dim::M, cache[0]},
                          {Dim::N, reg[1]},   {Dim::M, reg[0]},
                          {Dim::K, reg[2]}};
  IRRewriter rewriter(&getContext());
  for (const Stage &stage : stages) {
    for (linalg::LinalgOp op : marked())
      if (failed(tileStage(rewriter, op, stage)))
        return failure();
    // Folds the one-trip remainder loops and their affine.min bounds, so
    // that the remainder tiles get static shapes before the next stage.
    if (failed(greedy(canonical)))
      return failure();
  }
  return success();
}

LogicalResult TileAndVectorizeContractionsPass::vectorizeAll(
    const FrozenRewritePatternSet &canonical) {
  IRRewriter rewriter(&getContext());
  for (linalg::LinalgOp op : marked()) {
    if (op.hasDynamicShape()) {
      // Not expected after peeling with static shapes; stays a scalar loop.
      op->removeAttr(kMarker);
      continue;
    }
    rewriter.setInsertionPoint(op);
    if (failed(linalg::vectorize(rewriter, op)))
      return op->emitOpError("could not be vectorized");
  }

  // Turn the vectorizer's broadcast + multiply + multi_reduction into
  // vector.contract, fold the subviews into the transfers and drop unit
  // batch dims.
  RewritePatternSet patterns(&getContext());
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  vector::populateSinkVectorBroadcastPatterns(patterns);
  vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
  memref::populateFoldMemRefAliasOpPatterns(patterns);
  if (failed(greedy(std::move(patterns))))
    return failure();
  return greedy(canonical);
}

void TileAndVectorizeContractionsPass::hoistAccumulators() {
  // The accumulator transfers are loop-invariant only once their index
  // arithmetic is: LICM and CSE first, then hoist (to a fixpoint inside).
  IRRewriter rewriter(&getContext());
  for (int round = 0; round < 2; ++round) {
    getOperation()->walk(
        [&](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    DominanceInfo dominance(getOperation());
    eliminateCommonSubExpressions(rewriter, dominance, getOperation());
    linalg::hoistRedundantVectorTransfers(getOperation());
  }
}

LogicalResult TileAndVectorizeContractionsPass::lowerVectors(
    const FrozenRewritePatternSet &canonical) {
  MLIRContext *context = &getContext();
  {
    // vector.contract -> vector.outerproduct -> vector.fma per row.
    RewritePatternSet patterns(context);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorTransformsOptions().setVectorTransformsOptions(
                      vector::VectorContractLowering::OuterProduct));
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    if (failed(greedy(std::move(patterns))))
      return failure();
  }
  {
    // n-D transfers -> 1-D loads and stores; transposes and shape casts of
    // the small register tiles -> extracts and inserts.
    RewritePatternSet patterns(context);
    populateVectorToSCFConversionPatterns(
        patterns, VectorTransferToSCFOptions().enableFullUnroll());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransformsOptions());
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    if (failed(greedy(std::move(patterns))))
      return failure();
  }
  return greedy(canonical);
}

void TileAndVectorizeContractionsPass::runOnOperation() {
  SmallVector<int64_t, 3> reg(registerTileSizes.begin(),
                              registerTileSizes.end());
  if (reg.empty())
    reg = hostRegisterTile();
  SmallVector<int64_t, 3> cache(cacheTileSizes.begin(), cacheTileSizes.end());
  if (cache.empty()) {
    // 128 x 128 x 128 f32: a 64 KiB panel of B in L2, rows of A in L1.
    cache = {128, 128, 128};
    if (reg.size() == 3 && reg[0] > 0)
      cache[0] = std::max<int64_t>(reg[0], 128 / reg[0] * reg[0]);
  }
  auto positive = [](int64_t size) { return size > 0; };
  if (reg.size() != 3 || cache.size() != 3 || !llvm::all_of(reg, positive) ||
      !llvm::all_of(cache, positive)) {
    getOperation()->emitError(
        "kiln-tile-and-vectorize-contractions: tile sizes must be three "
        "positive M,N,K sizes");
    return signalPassFailure();
  }

  // Mark the roots; matmul_transpose_b first gets a row-major B.
  IRRewriter rewriter(&getContext());
  SmallVector<linalg::LinalgOp> roots;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (succeeded(matchContraction(op)))
      roots.push_back(op);
  });
  if (roots.empty())
    return;
  for (linalg::LinalgOp op : roots) {
    if (auto transposeB = dyn_cast<linalg::MatmulTransposeBOp>(*op)) {
      untransposeB(rewriter, transposeB);
      continue;
    }
    op->setAttr(kMarker, rewriter.getUnitAttr());
  }

  FrozenRewritePatternSet canonical = canonicalizationPatterns(&getContext());
  if (failed(tileAll(cache, reg, canonical)) ||
      failed(vectorizeAll(canonical)))
    return signalPassFailure();
  hoistAccumulators();
  if (lowerContractions && failed(lowerVectors(canonical)))
    return signalPassFailure();
  getOperation()->walk([](linalg::LinalgOp op) { op->removeAttr(kMarker); });
}

} // namespace
} // namespace kiln::passes
