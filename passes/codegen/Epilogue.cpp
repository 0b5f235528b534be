//===- Epilogue.cpp - Elementwise epilogues of contractions ---------------===//

#include "passes/codegen/Epilogue.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace kiln::passes {

using namespace mlir;

linalg::GenericOp epilogueOf(Operation *contraction) {
  auto next = dyn_cast_or_null<linalg::GenericOp>(contraction->getNextNode());
  return next && next->hasAttr(kEpilogueAttr) ? next : nullptr;
}

/// \returns the subview \p tile writes its output through, if it is a
/// unit-stride, rank-preserving subview of \p output.
static memref::SubViewOp outputTile(Value output, linalg::LinalgOp tile) {
  if (tile.getNumDpsInits() != 1)
    return nullptr;
  auto subview = tile.getDpsInits()[0].getDefiningOp<memref::SubViewOp>();
  if (!subview || subview.getSource() != output ||
      subview.getSourceType().getRank() != subview.getType().getRank() ||
      !llvm::all_of(subview.getMixedStrides(), [](OpFoldResult stride) {
        return isConstantIntValue(stride, 1);
      }))
    return nullptr;
  return subview;
}

bool canTileEpilogue(Value output, linalg::LinalgOp tile) {
  return outputTile(output, tile) != nullptr;
}

void tileEpilogue(RewriterBase &rewriter, linalg::GenericOp epilogue,
                  Value output, linalg::LinalgOp tile) {
  memref::SubViewOp window = outputTile(output, tile);
  assert(window && "canTileEpilogue() first");
  SmallVector<OpFoldResult> offsets = window.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = window.getMixedSizes();
  Location loc = epilogue.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(tile);
  OpFoldResult one = rewriter.getIndexAttr(1);
  auto restrict = [&](OpOperand &operand) -> Value {
    Value value = operand.get();
    if (value == output)
      return window.getResult();
    AffineMap map = epilogue.getMatchingIndexingMap(&operand);
    if (map.getNumResults() == 0)
      return value; // A scalar.
    SmallVector<OpFoldResult> tileOffsets, tileSizes;
    for (AffineExpr result : map.getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(result)) {
        tileOffsets.push_back(offsets[dim.getPosition()]);
        tileSizes.push_back(sizes[dim.getPosition()]);
      } else {
        // A constant index of a broadcast (size-1) dim: kiln-fuse-epilogues
        // admits nothing else.
        tileOffsets.push_back(
            rewriter.getIndexAttr(cast<AffineConstantExpr>(result).getValue()));
        tileSizes.push_back(one);
      }
    }
    SmallVector<OpFoldResult> strides(tileOffsets.size(), one);
    return rewriter.create<memref::SubViewOp>(loc, value, tileOffsets,
                                              tileSizes, strides);
  };
  SmallVector<Value> inputs, inits;
  for (OpOperand *input : epilogue.getDpsInputOperands())
    inputs.push_back(restrict(*input));
  for (OpOperand &init : epilogue.getDpsInitsMutable())
    inits.push_back(restrict(init));

  rewriter.setInsertionPointAfter(tile);
  auto tiled = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{}, inputs, inits, epilogue.getIndexingMapsArray(),
      epilogue.getIteratorTypesArray());
  rewriter.cloneRegionBefore(epilogue.getRegion(), tiled.getRegion(),
                             tiled.getRegion().end());
  tiled->setAttr(kEpilogueAttr, rewriter.getUnitAttr());
}

bool carryEpilogue(RewriterBase &rewriter, linalg::GenericOp epilogue,
                   Value output, ArrayRef<Operation *> loops) {
  SmallVector<linalg::LinalgOp> tiles;
  for (Operation *loop : loops)
    if (loop)
      loop->walk([&](linalg::LinalgOp tile) { tiles.push_back(tile); });
  if (tiles.empty() || !llvm::all_of(tiles, [&](linalg::LinalgOp tile) {
        return canTileEpilogue(output, tile);
      })) {
    epilogue->removeAttr(kEpilogueAttr);
    return false;
  }
  for (linalg::LinalgOp tile : tiles)
    tileEpilogue(rewriter, epilogue, output, tile);
  rewriter.eraseOp(epilogue);
  return true;
}

Value bufferRoot(Value value, int64_t &byteOffset, bool &knownOffset) {
  byteOffset = 0;
  knownOffset = true;
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = dyn_cast<memref::ViewOp>(def)) {
      std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
      if (shift)
        byteOffset += *shift;
      else
        knownOffset = false;
      value = view.getSource();
    } else if (isa<memref::SubViewOp, memref::ExpandShapeOp,
                   memref::CollapseShapeOp, memref::CastOp,
                   memref::ReinterpretCastOp>(def)) {
      if (isa<memref::SubViewOp, memref::ReinterpretCastOp>(def))
        knownOffset = false; // Only whole views of the arena are tracked.
      value = def->getOperand(0);
    } else {
      break;
    }
  }
  return value;
}

int64_t byteSize(MemRefType type) {
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

/// \returns true when \p root is a buffer of its own: an entry-point
/// argument, a global or an allocation. Any other root (a loop-carried
/// memref, which an RNN may swap between steps; a select) may be another
/// buffer under a different name.
static bool isBuffer(Value root) {
  if (auto arg = dyn_cast<BlockArgument>(root))
    return isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  return isa_and_nonnull<memref::GetGlobalOp, memref::AllocaOp,
                         memref::AllocOp>(root.getDefiningOp());
}

bool mayOverlap(Value a, Value b) {
  // A scalar (a fill's value) holds no memory.
  if (!isa<MemRefType>(a.getType()) || !isa<MemRefType>(b.getType()))
    return false;
  int64_t aOffset, bOffset;
  bool aKnown, bKnown;
  Value aRoot = bufferRoot(a, aOffset, aKnown);
  Value bRoot = bufferRoot(b, bOffset, bKnown);
  if (aRoot != bRoot)
    return !isBuffer(aRoot) || !isBuffer(bRoot);
  auto aType = cast<MemRefType>(a.getType());
  auto bType = cast<MemRefType>(b.getType());
  if (!aKnown || !bKnown || !aType.hasStaticShape() || !bType.hasStaticShape())
    return true;
  return aOffset < bOffset + byteSize(bType) &&
         bOffset < aOffset + byteSize(aType);
}

} // namespace kiln::passes
