//===- FuseEpilogues.cpp - Elementwise consumers as contraction epilogues -===//
//
// Runs on buffers, after the memory plan and before kiln-parallelize-loops.
// Finds a contraction followed by the elementwise op that consumes its
// result (a bias add, an activation, a residual add, or a fused chain of
// them) and rewrites that consumer into the contraction's epilogue (see
// Epilogue.h): a generic over the contraction's output shape, placed right
// after it. The tiling passes then carry the epilogue into every tile, down
// to the register tile, where it is applied to the accumulators before they
// are stored: the result is written once, instead of written, read back and
// written again by a second loop nest.
//
// Why this is legal. The consumer runs later in program order; moving its
// work next to the contraction and interleaving it tile by tile changes
// nothing if (1) the ops between the two touch none of the consumer's
// buffers (it can move up to the contraction), (2) the consumer reads the contraction's output C only at the element
// it computes (identity map over all of C), (3) no other operand of the
// consumer shares bytes with C (it then reads the same values before and
// after), and (4) the consumer's output shares no bytes with the
// contraction's inputs, which later tiles still read; it is C itself, or an
// input read at the element it writes, or a buffer of its own.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/codegen/Epilogue.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln::passes {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// A group of the contraction's output dims and the consumer's dims that
/// cover the same elements (one reshape of the other): one output dim split
/// into several consumer dims, several output dims merged into one, or
/// several into several (an [8, 32] of strips read as a 16 x 16 image:
/// through the merged 256).
struct DimGroup {
  ReassociationIndices output, consumer;
};

/// \returns the groups that relate \p output's shape to \p consumer's, or
/// failure when the two are not reshapes of the same elements.
FailureOr<SmallVector<DimGroup>> relateShapes(ArrayRef<int64_t> output,
                                              ArrayRef<int64_t> consumer) {
  SmallVector<DimGroup> groups;
  size_t i = 0, j = 0;
  while (i < output.size() && j < consumer.size()) {
    DimGroup group;
    int64_t outputSize = output[i], consumerSize = consumer[j];
    group.output.push_back(i++);
    group.consumer.push_back(j++);
    while (outputSize != consumerSize) {
      if (outputSize < consumerSize) {
        if (i == output.size())
          return failure();
        group.output.push_back(i);
        outputSize *= output[i++];
      } else {
        if (j == consumer.size())
          return failure();
        group.consumer.push_back(j);
        consumerSize *= consumer[j++];
      }
    }
    groups.push_back(std::move(group));
  }
  // Trailing unit dims join the last group.
  for (; i < output.size(); ++i) {
    if (output[i] != 1 || groups.empty())
      return failure();
    groups.back().output.push_back(i);
  }
  for (; j < consumer.size(); ++j) {
    if (consumer[j] != 1 || groups.empty())
      return failure();
    groups.back().consumer.push_back(j);
  }
  if (groups.empty())
    return failure();
  return groups;
}

/// \returns the buffer \p value reshapes (through expand_shape and
/// collapse_shape, which keep the element order), or \p value itself.
Value reshapeBase(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      break;
    value = def->getOperand(0);
  }
  return value;
}

/// \returns whether \p value is \p output or another reshape of the same
/// buffer: the same elements in the same order (a kiln-pack-weight-strips
/// product writes an [M, N/NR, NR] view of the [M, N] its consumer reads).
bool isReshapeOf(Value value, Value output) {
  return reshapeBase(value) == reshapeBase(output);
}

/// \returns whether every result of \p map is a dim or a constant (a
/// broadcast's size-1 index), each dim at most once.
bool isProjection(AffineMap map) {
  llvm::SmallBitVector seen(map.getNumDims());
  for (AffineExpr result : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(result)) {
      if (seen.test(dim.getPosition()))
        return false;
      seen.set(dim.getPosition());
    } else if (!isa<AffineConstantExpr>(result)) {
      return false;
    }
  }
  return true;
}

/// \returns whether \p op is a contraction the tiling passes handle and an
/// epilogue can follow: static buffers, one output, one reduction dim (a
/// second one would be a loop around the tile, and the epilogue would run
/// once per iteration of it).
bool isFusibleContraction(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.hasDynamicShape() ||
      !linalg::isaContractionOpInterface(op) || op.getNumDpsInits() != 1 ||
      op.getNumDpsInputs() != 2 || op.getNumReductionLoops() != 1)
    return false;
  auto output = dyn_cast<MemRefType>(op.getDpsInits()[0].getType());
  return output && output.hasStaticShape() &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0))
             .isProjectedPermutation();
}

/// \returns whether \p value is available before \p contraction, or is the
/// result of memory-effect-free ops between \p contraction and the consumer
/// that can move up before it (\p hoist: the ops to move, in order).
bool availableBefore(Value value, Operation *contraction,
                     SmallVectorImpl<Operation *> &hoist) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != contraction->getBlock() ||
      def->isBeforeInBlock(contraction) || llvm::is_contained(hoist, def))
    return true;
  if (!isMemoryEffectFree(def) || def->getNumRegions() != 0)
    return false;
  for (Value operand : def->getOperands())
    if (!availableBefore(operand, contraction, hoist))
      return false;
  hoist.push_back(def);
  return true;
}

/// How far kiln-fuse-epilogues looks past a contraction for its consumer.
constexpr int kMaxDistance = 32;

/// \returns the consumer of \p contraction's output that can become its
/// epilogue: the first generic after it that reads the output, if it
/// satisfies the conditions of the file comment and every op in between
/// touches none of its operands (so it can move up to the contraction).
/// \p hoist receives the effect-free ops that define its operands between
/// the two, to move up with it.
linalg::GenericOp fusibleConsumer(linalg::LinalgOp contraction,
                                  SmallVectorImpl<Operation *> &hoist) {
  Value output = contraction.getDpsInits()[0];
  SmallVector<Operation *> between;
  linalg::GenericOp consumer;
  Operation *next = contraction->getNextNode();
  for (int distance = 0; next && distance < kMaxDistance;
       ++distance, next = next->getNextNode()) {
    if (isMemoryEffectFree(next) && next->getNumRegions() == 0)
      continue;
    if (auto generic = dyn_cast<linalg::GenericOp>(next);
        generic && llvm::any_of(generic.getDpsInputs(), [&](Value input) {
          return isReshapeOf(input, output);
        })) {
      consumer = generic;
      break;
    }
    if (!isa<linalg::LinalgOp, memref::CopyOp>(next))
      return nullptr; // Effects this pass does not reason about.
    between.push_back(next);
  }
  if (!consumer || consumer->hasAttr(kEpilogueAttr) ||
      !consumer.hasPureBufferSemantics() || consumer.hasDynamicShape() ||
      consumer.getNumDpsInits() != 1 ||
      consumer.getNumParallelLoops() != consumer.getNumLoops() ||
      !consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0))
           .isIdentity())
    return nullptr;
  for (Operation &inner : consumer.getBody()->without_terminator())
    if (!isMemoryEffectFree(&inner) || isa<linalg::IndexOp>(inner))
      return nullptr;
  // The consumer moves up past the ops in between: they must touch none of
  // its buffers (C among them), neither by reads nor writes.
  for (Operation *op : between)
    for (Value operand : op->getOperands())
      if (isa<MemRefType>(operand.getType()))
        for (Value used : consumer->getOperands())
          if (mayOverlap(operand, used))
            return nullptr;
  for (OpOperand &operand : consumer->getOpOperands())
    if (!isReshapeOf(operand.get(), output) &&
        !availableBefore(operand.get(), contraction, hoist))
      return nullptr;

  auto outputType = cast<MemRefType>(output.getType());
  Value init = consumer.getDpsInits()[0];
  auto initType = cast<MemRefType>(init.getType());
  if (initType.getNumElements() != outputType.getNumElements() ||
      initType.getElementType() != outputType.getElementType())
    return nullptr;
  bool sameShape = initType.getShape() == outputType.getShape();
  bool readsOutput = false;
  auto isOutputView = [&](OpOperand &operand) {
    return isReshapeOf(operand.get(), output) &&
           consumer.getMatchingIndexingMap(&operand).isIdentity();
  };
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    AffineMap map = consumer.getMatchingIndexingMap(input);
    if (isOutputView(*input)) {
      readsOutput = true;
      continue;
    }
    // Any other read of C's bytes would see C finished in one order and
    // unfinished in the other.
    if (mayOverlap(input->get(), output) || !isProjection(map))
      return nullptr;
    // Across a reshape, only whole operands (identity) and scalars carry
    // over; a broadcast along part of a reshaped dim would not.
    if (!sameShape && !map.isIdentity() &&
        llvm::any_of(map.getResults(),
                     [](AffineExpr e) { return isa<AffineDimExpr>(e); }))
      return nullptr;
  }
  if (!readsOutput)
    return nullptr;

  // The output: C itself (in place), or bytes no input of the contraction
  // has, and no input of the consumer other than one it reads in place.
  if (!isOutputView(*consumer.getDpsInitOperand(0))) {
    if (mayOverlap(init, output) ||
        llvm::any_of(contraction.getDpsInputs(),
                     [&](Value in) { return mayOverlap(init, in); }))
      return nullptr;
    for (OpOperand *input : consumer.getDpsInputOperands()) {
      if (!mayOverlap(input->get(), init))
        continue;
      int64_t inOffset, initOffset;
      bool inKnown, initKnown;
      Value inRoot = bufferRoot(input->get(), inOffset, inKnown);
      Value initRoot = bufferRoot(init, initOffset, initKnown);
      bool inPlace = inRoot == initRoot && inKnown && initKnown &&
                     inOffset == initOffset &&
                     consumer.getMatchingIndexingMap(input).isIdentity() &&
                     cast<MemRefType>(input->get().getType()).getLayout()
                         .isIdentity() &&
                     initType.getLayout().isIdentity();
      if (!inPlace)
        return nullptr;
    }
  }
  if (!sameShape) {
    FailureOr<SmallVector<DimGroup>> groups =
        relateShapes(outputType.getShape(), initType.getShape());
    if (failed(groups))
      return nullptr;
    // Every whole operand must be reshapeable to C's shape.
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (isOutputView(operand) ||
          !consumer.getMatchingIndexingMap(&operand).isIdentity())
        continue;
      if (!cast<MemRefType>(operand.get().getType()).getLayout().isIdentity())
        return nullptr;
    }
  }
  return consumer;
}

/// Rewrites \p consumer into the epilogue of \p contraction (Epilogue.h).
void fuse(RewriterBase &rewriter, linalg::LinalgOp contraction,
          linalg::GenericOp consumer, ArrayRef<Operation *> hoist) {
  Value output = contraction.getDpsInits()[0];
  auto outputType = cast<MemRefType>(output.getType());
  auto initType = cast<MemRefType>(consumer.getDpsInits()[0].getType());
  bool sameShape = initType.getShape() == outputType.getShape();
  SmallVector<DimGroup> groups;
  if (!sameShape)
    groups = *relateShapes(outputType.getShape(), initType.getShape());
  unsigned rank = outputType.getRank();
  MLIRContext *context = rewriter.getContext();

  // The consumer moves up to the contraction: the views its operands need
  // and their reshapes go before the contraction, the epilogue after it.
  for (Operation *op : hoist)
    rewriter.moveOpBefore(op, contraction);
  rewriter.setInsertionPoint(contraction);
  Location loc = consumer.getLoc();
  auto toOutputShape = [&](Value value) -> Value {
    SmallVector<ReassociationIndices> collapse, expand;
    bool collapses = false, expands = false;
    for (const DimGroup &group : groups) {
      collapse.push_back(group.consumer);
      expand.push_back(group.output);
      collapses |= group.consumer.size() > 1;
      expands |= group.output.size() > 1;
    }
    // A group may also hold trailing unit dims on both sides.
    if (collapses)
      value = rewriter.create<memref::CollapseShapeOp>(loc, value, collapse);
    if (expands)
      value = rewriter.create<memref::ExpandShapeOp>(
          loc, outputType.getShape(), value, expand);
    return value;
  };

  SmallVector<Value> inputs, inits;
  SmallVector<AffineMap> maps;
  auto carry = [&](OpOperand &operand, SmallVectorImpl<Value> &into) {
    AffineMap map = consumer.getMatchingIndexingMap(&operand);
    if (isReshapeOf(operand.get(), output) && map.isIdentity()) {
      into.push_back(output);
      maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
    } else if (sameShape) {
      into.push_back(operand.get());
      maps.push_back(map);
    } else if (map.isIdentity()) {
      into.push_back(toOutputShape(operand.get()));
      maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
    } else {
      // Constants only (fusibleConsumer() admits nothing else here).
      into.push_back(operand.get());
      maps.push_back(AffineMap::get(rank, 0, map.getResults(), context));
    }
  };
  for (OpOperand *input : consumer.getDpsInputOperands())
    carry(*input, inputs);
  carry(*consumer.getDpsInitOperand(0), inits);

  rewriter.setInsertionPointAfter(contraction);
  auto epilogue = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{}, inputs, inits, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel));
  rewriter.inlineRegionBefore(consumer.getRegion(), epilogue.getRegion(),
                              epilogue.getRegion().end());
  epilogue->setAttr(kEpilogueAttr, rewriter.getUnitAttr());
  rewriter.eraseOp(consumer);
}

struct FuseEpiloguesPass : impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  using Base::Base;

  void runOnOperation() override {
    // One at a time: a fusion moves ops, which may change what the next
    // contraction sees between itself and its consumer.
    SmallVector<linalg::LinalgOp> contractions;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isFusibleContraction(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp contraction : contractions) {
      SmallVector<Operation *> hoist;
      if (linalg::GenericOp consumer = fusibleConsumer(contraction, hoist))
        fuse(rewriter, contraction, consumer, hoist);
    }
  }
};

} // namespace
} // namespace kiln::passes
