//===- ParallelizeLoops.cpp - Outer tile loops on the runtime's threads ---===//
//
// Runs on buffers, after the memory plan and before the contraction tiling
// and the loop lowering. A large top-level linalg op of an entry point is
// tiled along one parallel dim that every output is indexed by, so distinct
// tiles write distinct elements; the tile loop's body is outlined into a
// function that runs tiles [begin, end), and the loop becomes one call
//
//   kiln_parallel_for(@body, ctx, num_tiles, grain = 1, default_threads)
//
// (kiln/threads.h). Captured memrefs travel in `ctx`, an array of pointers on
// the caller's stack; the body rebuilds each memref's descriptor from the
// pointer and the static layout. Constants are cloned into the body.
// Iterations of a tile run in the same order as before, and each output
// element is computed by the same ops in the same order, so results are
// bit-identical for any thread count. Stack buffers later passes add to the
// body (the contraction pass's packing `memref.alloca`) are per call, hence
// per thread; scratch-arena buffers are shared, which is why only tiles that
// write disjoint data may run in parallel.
//
// The prologues of a split contraction - ops before it that write an input
// it reads along the split dim, more elements than they read, such as a
// convolution's im2col columns - move into its tiles (see Prologue): each
// core computes the slice it reads, where it reads it.
//
// A top-level `scf.for` marked `kiln.parallel_rows` (the row loop of
// convert-kiln-to-linalg's softmax and layer norm fast path, whose
// iterations write disjoint rows) is outlined the same way, without tiling:
// its iterations are the tiles and the grain groups rows into chunks of at
// least min-tile-cost, by the cost per row the marker carries.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/codegen/Epilogue.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln::passes {
#define GEN_PASS_DEF_PARALLELIZELOOPSPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// Marks the tile loops this pass made, until they are outlined.
constexpr llvm::StringLiteral kMarker = "kiln.parallel_tiles";
/// The runtime function (kiln/threads.h).
constexpr llvm::StringLiteral kParallelFor = "kiln_parallel_for";
/// Tiles per loop the pass aims at: a few per thread at 2 to 4 threads, so
/// that a thread slowed down by other work takes fewer.
constexpr int64_t kTargetTiles = 8;
/// The widest N tile of a contraction split (the N cache block of
/// kiln-tile-and-vectorize-contractions).
constexpr int64_t kContractionTile = 512;

/// The estimated cost of \p op: its iteration count times the ops of its
/// payload (at least 1).
int64_t estimateCost(linalg::LinalgOp op) {
  int64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges())
    iterations *= range;
  int64_t payload = 0;
  for (Operation &inner : op->getRegion(0).front().without_terminator()) {
    (void)inner;
    ++payload;
  }
  int64_t cost = iterations * std::max<int64_t>(payload, 1);
  // A contraction also streams its inputs, which for a matrix-vector
  // product (an MLP at batch 1) costs more than its arithmetic: about 4
  // payload ops per input element read from beyond L2. Split, each core
  // streams half of the weights, from its own L2 on later calls.
  if (op.getNumReductionLoops() > 0)
    for (Value input : op.getDpsInputs())
      if (auto type = dyn_cast<ShapedType>(input.getType());
          type && type.hasStaticShape())
        cost += 4 * type.getNumElements();
  return cost;
}

/// \returns the elements of \p op's operands that are not constants (nor in
/// \p skip): the activations a split moves between cores. Constants
/// (weights) are read by each core from its own caches on every call after
/// the first.
int64_t movedElements(linalg::LinalgOp op, ArrayRef<Value> skip = {}) {
  int64_t elements = 0;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || llvm::is_contained(skip, operand))
      continue;
    int64_t offset = 0;
    bool known = false;
    if (bufferRoot(operand, offset, known).getDefiningOp<memref::GetGlobalOp>())
      continue;
    elements += type.getNumElements();
  }
  return elements;
}

/// \returns whether input \p input of \p op may overlap output \p output in
/// a way that tiling could break: both view the same buffer, not provably
/// apart, and are not the same memref read at the index it is written at
/// (an in-place elementwise op).
bool mayConflict(linalg::LinalgOp op, OpOperand &input, OpOperand &output) {
  if (input.get() == output.get() &&
      op.getMatchingIndexingMap(&input) == op.getMatchingIndexingMap(&output))
    return false;
  return mayOverlap(input.get(), output.get());
}

/// A static memref whose descriptor is fully known from its type.
bool hasStaticDescriptor(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(memref, strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// A prologue of a split contraction: an all-parallel op before it that
/// writes, whole, an input the contraction reads along its split dim - the
/// columns of an im2col (findPrologues() says which). Each tile of the
/// split computes the slice of the prologue's output it reads, right before
/// it and on the same core, instead of the calling thread computing all of
/// it first and the other cores pulling their slices from its caches.
struct Prologue {
  linalg::LinalgOp op;
  /// The contraction's input the prologue writes: its output, or a
  /// collapse_shape of it.
  Value fed;
  /// Per dim of the prologue: the slice's size (0: whole) and how its
  /// offset follows from the tile's offset n0 along the split dim:
  /// (n0 floordiv divisor) mod modulus, without the mod for modulus 0 (the
  /// outermost dim sliced, which n0 never wraps).
  SmallVector<int64_t> sizes, divisors, moduli;
};

/// How a contraction is split: along `dim` in tiles of `size`, each tile
/// preceded by its slices of the `prologues` (in program order).
struct Split {
  unsigned dim;
  int64_t size;
  SmallVector<Prologue> prologues;
};

/// \returns \p producer as a prologue of contraction \p op split along
/// \p dim in tiles of \p size, or nullopt. Its output must be an input of
/// \p op (or collapse to one), indexed by \p dim alone at one position
/// and by no other result; a tile's range along that position must be a
/// box of the output's dims: whole inner dims, a slice of one dim and
/// single indices outside it.
std::optional<Prologue> asPrologue(linalg::LinalgOp op, unsigned dim,
                                   int64_t size, linalg::LinalgOp producer) {
  if (!producer.hasPureBufferSemantics() || producer.hasDynamicShape() ||
      producer.getNumDpsInits() != 1 || producer->hasAttr(kEpilogueAttr) ||
      producer.getNumParallelLoops() != producer.getNumLoops() ||
      !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
           .isIdentity() ||
      producer->getNumRegions() != 1 ||
      !producer->getRegion(0).getOps<linalg::IndexOp>().empty())
    return std::nullopt;
  for (Value operand : producer->getOperands())
    if (isa<ShapedType>(operand.getType()) &&
        !hasStaticDescriptor(operand.getType()))
      return std::nullopt;
  Value output = producer.getDpsInits()[0];
  OpOperand *fed = nullptr;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    auto collapse = operand->get().getDefiningOp<memref::CollapseShapeOp>();
    if (operand->get() != output && (!collapse || collapse.getSrc() != output))
      continue;
    if (fed)
      return std::nullopt; // Read twice: not one slice per tile.
    fed = operand;
  }
  if (!fed)
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(fed);
  std::optional<unsigned> position;
  for (auto [index, result] : llvm::enumerate(map.getResults())) {
    if (!result.isFunctionOfDim(dim))
      continue;
    if (position || !isa<AffineDimExpr>(result))
      return std::nullopt;
    position = index;
  }
  if (!position)
    return std::nullopt; // Every tile reads all of it.

  // The output's dims behind the fed operand's dim, outermost first.
  SmallVector<int64_t> group = {static_cast<int64_t>(*position)};
  if (auto collapse = fed->get().getDefiningOp<memref::CollapseShapeOp>())
    group = llvm::to_vector(collapse.getReassociationIndices()[*position]);
  ArrayRef<int64_t> shape = cast<MemRefType>(output.getType()).getShape();
  Prologue prologue{producer, fed->get(), SmallVector<int64_t>(shape.size(), 0),
                    SmallVector<int64_t>(shape.size(), 1),
                    SmallVector<int64_t>(shape.size(), 1)};
  int64_t inner = 1; // Elements of the fed dim per index of the dim at hand.
  bool sliced = false;
  int64_t outermost = -1; // The outermost dim the tile slices.
  for (int64_t d : llvm::reverse(group)) {
    int64_t extent = shape[d];
    if (extent == 1)
      continue; // Whole in every tile, whatever the slice.
    if (!sliced && size % (inner * extent) == 0) {
      inner *= extent; // Whole in every tile.
      continue;
    }
    if (!sliced) {
      // The tile slices this dim: it must hold whole slices.
      if (size % inner != 0 || (inner * extent) % size != 0)
        return std::nullopt;
      prologue.sizes[d] = size / inner;
      sliced = true;
    } else {
      prologue.sizes[d] = 1;
    }
    prologue.divisors[d] = inner;
    prologue.moduli[d] = extent;
    outermost = d;
    inner *= extent;
  }
  if (!sliced)
    return std::nullopt;
  prologue.moduli[outermost] = 0; // n0 / divisor < extent: no wrap.
  return prologue;
}

/// \returns the prologues of contraction \p op split along \p dim in tiles
/// of \p size (see Prologue), in program order. Walking back from \p op past
/// views and constants: an op asPrologue() takes becomes one if it moves
/// the tiles' cores fewer elements than it writes for them (an im2col of a
/// 3x3 convolution: one image element for nine columns) and is safe to
/// move; another linalg op stays where it is, and the walk goes on past it
/// as long as the prologues beyond may move past it; anything else ends
/// the walk. Safe means: no prologue reads what another prologue, an op it
/// moves past, the contraction or its epilogue writes, and none writes
/// anything else those read or write but the operand it feeds. Only when
/// every tile is whole (no remainder tile).
SmallVector<Prologue> findPrologues(linalg::LinalgOp op, unsigned dim,
                                    int64_t size) {
  SmallVector<Prologue> found;
  if (op.getStaticLoopRanges()[dim] % size != 0)
    return found;
  // What the ops after the candidate at hand write, and everything they
  // touch: the contraction and its epilogue (`own`: a prologue writes the
  // operand it feeds), then the prologues found and the ops they move past.
  SmallVector<Value> written(op.getDpsInits());
  SmallVector<Value> own(op->getOperands()), touched;
  if (linalg::GenericOp epilogue = epilogueOf(op)) {
    llvm::append_range(written, epilogue.getDpsInits());
    llvm::append_range(own, epilogue->getOperands());
  }
  auto overlapsAny = [](Value value, ArrayRef<Value> others, Value except) {
    return llvm::any_of(others, [&](Value other) {
      return other != except && mayOverlap(value, other);
    });
  };
  constexpr int kMaxStayers = 4;
  int stayers = 0;
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (isa<memref::ViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
            memref::SubViewOp, memref::CastOp, memref::GetGlobalOp>(prev) ||
        (prev->hasTrait<OpTrait::ConstantLike>() && prev->getNumRegions() == 0))
      continue; // Side-effect free: the prologues may move past them.
    auto producer = dyn_cast<linalg::LinalgOp>(prev);
    if (!producer || !producer.hasPureBufferSemantics())
      break;
    std::optional<Prologue> prologue = asPrologue(op, dim, size, producer);
    SmallVector<Value> outputs(producer.getDpsInits());
    if (prologue) {
      auto type = cast<MemRefType>(outputs.front().getType());
      bool expands = movedElements(producer, outputs) < type.getNumElements();
      bool safe = llvm::none_of(producer.getDpsInputs(),
                                [&](Value input) {
                                  return overlapsAny(input, written, Value()) ||
                                         overlapsAny(input, outputs, Value());
                                }) &&
                  !overlapsAny(outputs.front(), own, prologue->fed) &&
                  !overlapsAny(outputs.front(), touched, Value());
      if (expands && safe) {
        found.push_back(*prologue);
        llvm::append_range(touched, producer->getOperands());
        llvm::append_range(written, outputs);
        continue;
      }
    }
    // It stays: the prologues beyond it move past it.
    if (++stayers > kMaxStayers)
      break;
    llvm::append_range(touched, producer->getOperands());
    llvm::append_range(written, outputs);
  }
  std::reverse(found.begin(), found.end());
  return found;
}

struct ParallelizeLoopsPass
    : impl::ParallelizeLoopsPassBase<ParallelizeLoopsPass> {
  using Base::Base;

  /// The LLVM struct a memref of \p type lowers to: { allocated, aligned,
  /// offset, sizes[rank], strides[rank] }.
  Type descriptorTypeOf(MemRefType type) {
    MLIRContext *context = type.getContext();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto i64 = IntegerType::get(context, 64);
    SmallVector<Type> fields = {ptr, ptr, i64};
    if (type.getRank() > 0) {
      fields.push_back(LLVM::LLVMArrayType::get(i64, type.getRank()));
      fields.push_back(LLVM::LLVMArrayType::get(i64, type.getRank()));
    }
    return LLVM::LLVMStructType::getLiteral(context, fields);
  }

  /// How \p op is split; nullopt to leave it.
  std::optional<Split> plan(linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics() || op.hasDynamicShape() ||
        op->getNumRegions() != 1)
      return std::nullopt;
    for (Value operand : op->getOperands())
      if (isa<MemRefType>(operand.getType()) &&
          !hasStaticDescriptor(operand.getType()))
        return std::nullopt;
    int64_t cost = estimateCost(op);
    if (cost < minCost)
      return std::nullopt;
    for (OpOperand *input : op.getDpsInputOperands())
      for (OpOperand &output : op.getDpsInitsMutable())
        if (mayConflict(op, *input, output))
          return std::nullopt;

    AffineMap outMap =
        op.getMatchingIndexingMap(&*op.getDpsInitsMutable().begin());
    bool isContraction = op.getNumReductionLoops() > 0;
    auto isContiguous = [&](unsigned dim) {
      return outMap.getNumResults() > 0 &&
             outMap.getResults().back() ==
                 getAffineDimExpr(dim, op.getContext());
    };
    // `dim` is a result of its own of `map`: distinct indices of the dim
    // address distinct elements.
    auto hasResult = [&](AffineMap map, unsigned dim) {
      return llvm::any_of(map.getResults(), [&](AffineExpr e) {
        auto d = dyn_cast<AffineDimExpr>(e);
        return d && d.getPosition() == dim;
      });
    };
    auto indexes = [&](unsigned input, unsigned dim) {
      return input < op.getNumDpsInputs() &&
             hasResult(op.getMatchingIndexingMap(op.getDpsInputOperand(input)),
                       dim);
    };
    // The width of B's strips when `dim` counts them (a product over strips,
    // kiln-pack-weight-strips: B as [N / NR, K, NR], the output as
    // [M, N / NR, NR]), else 0.
    auto stripWidthOf = [&](unsigned dim) -> int64_t {
      if (!isContraction || op.getNumDpsInputs() != 2 || isContiguous(dim) ||
          indexes(0, dim) || !indexes(1, dim))
        return 0;
      auto type = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
      return type && type.hasStaticShape() && type.getRank() == 3
                 ? type.getDimSize(2)
                 : 0;
    };
    // Whole vector rows for the contiguous dim of the first output, whole
    // register rows (8) for a contraction's M (a dim of A), whole strips
    // for a dim that counts B's strips, single indices otherwise.
    auto alignOf = [&](unsigned dim) -> int64_t {
      return isContiguous(dim) ? 32 : isContraction && indexes(0, dim) ? 8 : 1;
    };
    // A contraction's tiles each read all of the operand their dim does not
    // index: split the dims of the larger of A and B (N dims, or the strips
    // of a B stored as strips, when B is the larger: an MLP's weights).
    auto elements = [](Value value) {
      auto type = dyn_cast<ShapedType>(value.getType());
      return type && type.hasStaticShape() ? type.getNumElements() : 0;
    };
    std::optional<unsigned> larger;
    if (isContraction && op.getNumDpsInputs() == 2)
      larger = elements(op.getDpsInputs()[1]) >= elements(op.getDpsInputs()[0])
                   ? 1
                   : 0;
    auto indexesLarger = [&](unsigned dim) {
      return larger && indexes(*larger, dim);
    };

    // The candidates: parallel dims that every output map has as a result
    // of its own, so distinct indices of the dim write distinct elements,
    // and that hold at least two aligned tiles.
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    std::optional<unsigned> best;
    for (unsigned dim = 0; dim < ranges.size(); ++dim) {
      if (iterators[dim] != utils::IteratorType::parallel ||
          ranges[dim] < 2 * alignOf(dim))
        continue;
      bool indexesOutputs = llvm::all_of(
          op.getDpsInitsMutable(), [&](OpOperand &output) {
            return hasResult(op.getMatchingIndexingMap(&output), dim);
          });
      if (!indexesOutputs)
        continue;
      // A contraction splits a dim of its larger input when it can; then
      // the largest range splits most evenly. Ties go to the outermost dim
      // (contiguous tiles), but to the innermost for a contraction (N after
      // M).
      if (!best) {
        best = dim;
        continue;
      }
      if (indexesLarger(dim) != indexesLarger(*best)) {
        if (indexesLarger(dim))
          best = dim;
        continue;
      }
      if (ranges[dim] > ranges[*best] ||
          (ranges[dim] == ranges[*best] && isContraction))
        best = dim;
    }
    if (!best)
      return std::nullopt;
    unsigned dim = *best;
    int64_t range = ranges[dim];
    bool contiguous = isContiguous(dim);
    int64_t align = alignOf(dim);
    int64_t perIndex = std::max<int64_t>(cost / range, 1);
    int64_t size = llvm::divideCeil(range, kTargetTiles);
    size = std::max<int64_t>(size, llvm::divideCeil(minTileCost, perIndex));
    // A contraction split along N sweeps all of A once per tile: tiles as
    // wide as the contraction pass's N cache block (512), but at least two,
    // keep those sweeps as few as without the split (1024^3 on one thread:
    // 8 tiles of 128 ran at 69 GFLOP/s, 2 of 512 at 77).
    if (contiguous && linalg::isaContractionOpInterface(op))
      size = std::max<int64_t>(
          size, std::min<int64_t>(llvm::divideCeil(range, 2), kContractionTile));
    if (int64_t width = stripWidthOf(dim))
      size = std::max<int64_t>(
          size,
          std::min<int64_t>(llvm::divideCeil(range, 2),
                            std::max<int64_t>(kContractionTile / width, 1)));
    size = llvm::alignTo(size, align);
    // Prefer a size that divides the range (no sequential remainder).
    for (int64_t s = size; s <= 2 * size && s < range; s += align)
      if (range % s == 0) {
        size = s;
        break;
      }
    if (range / size < 2)
      return std::nullopt;
    Split split{dim, size, {}};
    if (!isContraction)
      return split;
    // A split contraction moves its activations between cores: the other
    // core pulls its tiles' inputs from the core that wrote them, and the
    // caller later pulls back that core's outputs. On the AVX-512 Xeon a
    // float written by one core and read by the other cost 0.4-0.6 ns at
    // 8 K to 32 K floats, 0.16 ns from 128 K (bench/handoff.py), a
    // multiply-add of the kernels about 0.015 ns: the split saves half the
    // multiply-adds and moves about half the elements, so it pays above
    // some 10 to 40 multiply-adds per element. The default, 32, was the
    // better of 32 and 64 on the suite. An operand its prologues write in
    // the tiles does not move; their inputs do instead: an im2col's
    // columns stay on the core that uses them, only its (9x smaller)
    // image moves.
    split.prologues = findPrologues(op, dim, size);
    SmallVector<Value> fed;
    int64_t moved = 0;
    for (Prologue &prologue : split.prologues) {
      fed.push_back(prologue.fed);
      SmallVector<Value> outputs(prologue.op.getDpsInits());
      moved += movedElements(prologue.op, outputs);
    }
    moved += movedElements(op, fed);
    int64_t macs = 1;
    for (int64_t r : ranges)
      macs *= r;
    if (macs < minMacsPerMovedElement * moved)
      return std::nullopt;
    return split;
  }

  /// Puts the slices of \p prologues that tile loop \p loop's tiles read
  /// at the start of its body (see Prologue) and erases the prologues.
  void tilePrologues(RewriterBase &rewriter, ArrayRef<Prologue> prologues,
                     scf::ForOp loop) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value first = loop.getInductionVar();
    for (const Prologue &prologue : prologues) {
      linalg::LinalgOp op = prologue.op;
      Location loc = op.getLoc();
      AffineExpr n0 = rewriter.getAffineDimExpr(0);
      SmallVector<OpFoldResult> offsets, sizes, bounds;
      for (auto [d, range] : llvm::enumerate(op.getStaticLoopRanges())) {
        bounds.push_back(rewriter.getIndexAttr(range));
        sizes.push_back(rewriter.getIndexAttr(prologue.sizes[d]));
        if (prologue.sizes[d] == 0)
          continue;
        AffineExpr offset = n0.floorDiv(prologue.divisors[d]);
        if (prologue.moduli[d] > 0)
          offset = offset % prologue.moduli[d];
        offsets.push_back(affine::makeComposedFoldedAffineApply(
            rewriter, loc, offset, {OpFoldResult(first)}));
      }
      SmallVector<Value> operands = linalg::makeTiledShapes(
          rewriter, loc, op, op->getOperands(), offsets, sizes, bounds,
          /*omitPartialTileCheck=*/true);
      mlir::clone(rewriter, op, TypeRange{}, operands);
    }
    for (const Prologue &prologue : prologues)
      rewriter.eraseOp(prologue.op);
  }

  /// Tiles \p op along \p dim by \p size, peels the remainder and marks the
  /// loop of full tiles.
  LogicalResult tile(RewriterBase &rewriter, linalg::LinalgOp op,
                     const Split &split) {
    unsigned dim = split.dim;
    int64_t size = split.size;
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    sizes[dim] = size;
    bool partial = op.getStaticLoopRanges()[dim] % size != 0;
    linalg::GenericOp epilogue = epilogueOf(op);
    Value output = epilogue ? op.getDpsInits()[0] : Value();
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::TiledLinalgOp> tiled = linalg::tileLinalgOp(
        rewriter, op, linalg::LinalgTilingOptions().setTileSizes(sizes));
    if (failed(tiled))
      return op->emitOpError("could not be tiled for threads");
    rewriter.eraseOp(op);
    auto loop = cast<scf::ForOp>(tiled->loops.front());
    scf::ForOp remainder;
    if (partial &&
        failed(scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder)))
      return loop->emitOpError("could not be peeled");
    loop->setAttr(kMarker, rewriter.getUnitAttr());
    if (epilogue)
      carryEpilogue(rewriter, epilogue, output, {loop, remainder});
    // findPrologues() admits none when there is a remainder tile.
    tilePrologues(rewriter, split.prologues, loop);
    return success();
  }

  /// The grain (rows per chunk) to run row loop \p loop with, or nullopt to
  /// leave it sequential: too cheap, or not a plain loop from 0.
  std::optional<int64_t> planRows(scf::ForOp loop) {
    auto rowCost = loop->getAttrOfType<IntegerAttr>(kParallelRowsAttr);
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!rowCost || !lb || !ub || !step || *lb != 0 || *step != 1 ||
        loop.getNumResults() != 0)
      return std::nullopt;
    int64_t perRow = std::max<int64_t>(rowCost.getInt(), 1);
    if (*ub < 2 || *ub * perRow < minCost)
      return std::nullopt;
    int64_t grain = std::max<int64_t>(llvm::divideCeil(*ub, kTargetTiles),
                                      llvm::divideCeil(minTileCost, perRow));
    if (*ub / grain < 2)
      return std::nullopt;
    return grain;
  }

  /// Outlines marked loop \p loop of \p func into a body function and
  /// replaces it by a call of kiln_parallel_for that runs its iterations in
  /// chunks of at least \p grain. Leaves the loop as it is (sequential) if
  /// it captures something other than constants and memrefs of static
  /// layout.
  void outline(func::FuncOp func, scf::ForOp loop, unsigned index,
               int64_t grain = 1) {
    loop->removeAttr(kMarker);
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!lb || !ub || !step || *lb != 0 || *step <= 0 ||
        loop.getNumResults() != 0)
      return;
    int64_t tiles = llvm::divideCeil(*ub, *step);
    if (tiles < 2)
      return;
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    SmallVector<Value> memrefs;
    SmallVector<Operation *> constants;
    for (Value value : captured) {
      Operation *def = value.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>() &&
          def->getNumOperands() == 0 && def->getNumRegions() == 0)
        constants.push_back(def);
      else if (hasStaticDescriptor(value.getType()))
        memrefs.push_back(value);
      else
        return;
    }

    MLIRContext *context = &getContext();
    Location loc = loop.getLoc();
    auto module = func->getParentOfType<ModuleOp>();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto i64 = IntegerType::get(context, 64);
    auto i32 = IntegerType::get(context, 32);
    auto bodyType = FunctionType::get(context, {ptr, i64, i64}, {});

    // func.func private @F_parallelN(%ctx, %begin, %end): tiles [begin, end).
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointAfter(func);
    auto body = builder.create<func::FuncOp>(
        loc, (func.getSymName() + "_parallel" + llvm::Twine(index)).str(),
        bodyType);
    body.setPrivate();
    Block *entry = body.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    IRMapping mapping;
    for (Operation *constant : constants)
      builder.clone(*constant, mapping);
    auto ctxType = LLVM::LLVMArrayType::get(ptr, std::max<size_t>(memrefs.size(), 1));
    for (auto [slot, value] : llvm::enumerate(memrefs)) {
      auto type = cast<MemRefType>(value.getType());
      SmallVector<int64_t> strides;
      int64_t offset;
      (void)getStridesAndOffset(type, strides, offset);
      Value address = builder.create<LLVM::GEPOp>(
          loc, ptr, ctxType, entry->getArgument(0),
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(slot)});
      Value pointer = builder.create<LLVM::LoadOp>(loc, ptr, address);
      Type descriptorType = descriptorTypeOf(type);
      Value descriptor = builder.create<LLVM::UndefOp>(loc, descriptorType);
      auto constant = [&](int64_t v) -> Value {
        return builder.create<LLVM::ConstantOp>(loc, i64,
                                                builder.getI64IntegerAttr(v));
      };
      descriptor = builder.create<LLVM::InsertValueOp>(loc, descriptor,
                                                       pointer, 0);
      descriptor = builder.create<LLVM::InsertValueOp>(loc, descriptor,
                                                       pointer, 1);
      descriptor = builder.create<LLVM::InsertValueOp>(loc, descriptor,
                                                       constant(offset), 2);
      for (int64_t d = 0; d < type.getRank(); ++d) {
        descriptor = builder.create<LLVM::InsertValueOp>(
            loc, descriptor, constant(type.getDimSize(d)),
            ArrayRef<int64_t>{3, d});
        descriptor = builder.create<LLVM::InsertValueOp>(
            loc, descriptor, constant(strides[d]), ArrayRef<int64_t>{4, d});
      }
      mapping.map(value, builder
                             .create<UnrealizedConversionCastOp>(
                                 loc, TypeRange{type}, ValueRange{descriptor})
                             .getResult(0));
    }
    Value tileSize = builder.create<arith::ConstantIndexOp>(loc, *step);
    auto firstIndex = [&](Value tile) {
      Value asIndex = builder.create<arith::IndexCastOp>(
          loc, builder.getIndexType(), tile);
      return builder.create<arith::MulIOp>(loc, asIndex, tileSize);
    };
    Value begin = firstIndex(entry->getArgument(1));
    Value end = firstIndex(entry->getArgument(2));
    // The last tile may end past the loop's bound; the loop's own bound
    // would not be exceeded since tiles = ceil(ub / step) and ub is a
    // multiple of the step after peeling, but keep the bound exact anyway.
    Value bound = builder.create<arith::ConstantIndexOp>(loc, *ub);
    end = builder.create<arith::MinSIOp>(loc, end, bound);
    auto copy = cast<scf::ForOp>(builder.clone(*loop, mapping));
    copy.getLowerBoundMutable().assign(begin);
    copy.getUpperBoundMutable().assign(end);
    copy.getStepMutable().assign(tileSize);
    builder.create<func::ReturnOp>(loc);

    // The caller: pointers into the context, then the call.
    auto callee = module.lookupSymbol<func::FuncOp>(kParallelFor);
    if (!callee) {
      OpBuilder top(module.getBodyRegion());
      callee = top.create<func::FuncOp>(
          loc, kParallelFor,
          FunctionType::get(context, {bodyType, ptr, i64, i64, i32}, {}));
      callee.setPrivate();
    }
    OpBuilder caller(&func.getBody().front(), func.getBody().front().begin());
    Value one = caller.create<LLVM::ConstantOp>(loc, i64,
                                                caller.getI64IntegerAttr(1));
    Value ctx = caller.create<LLVM::AllocaOp>(loc, ptr, ctxType, one,
                                              /*alignment=*/8);
    caller.setInsertionPoint(loop);
    for (auto [slot, value] : llvm::enumerate(memrefs)) {
      // The aligned pointer of the memref's own descriptor, as the memref
      // lowering builds it (a view's byte shift included): the cast pair
      // folds away once memrefs are descriptors.
      Value descriptor =
          caller
              .create<UnrealizedConversionCastOp>(
                  loc, TypeRange{descriptorTypeOf(cast<MemRefType>(value.getType()))},
                  ValueRange{value})
              .getResult(0);
      Value pointer = caller.create<LLVM::ExtractValueOp>(loc, descriptor, 1);
      Value slotAddress = caller.create<LLVM::GEPOp>(
          loc, ptr, ctxType, ctx,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(slot)});
      caller.create<LLVM::StoreOp>(loc, pointer, slotAddress);
    }
    Value function = caller.create<func::ConstantOp>(
        loc, bodyType, SymbolRefAttr::get(body.getSymNameAttr()));
    auto integer = [&](Type type, int64_t v) -> Value {
      return caller.create<arith::ConstantOp>(loc, type,
                                              caller.getIntegerAttr(type, v));
    };
    caller.create<func::CallOp>(
        loc, callee,
        ValueRange{function, ctx, integer(i64, tiles), integer(i64, grain),
                   integer(i32, threads)});
    loop.erase();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (threads < 0) {
      module.emitError("kiln-parallelize-loops: threads must be >= 0");
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic())
        entries.push_back(func);
    for (func::FuncOp func : entries) {
      // Top-level ops only: a loop nested in another runs once per outer
      // iteration, and only the outermost level is split.
      SmallVector<std::pair<linalg::LinalgOp, Split>, 4> work;
      SmallVector<std::pair<scf::ForOp, int64_t>> rowLoops;
      for (Operation &op : func.getBody().front()) {
        // An epilogue goes where its contraction goes (tile()).
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
            linalgOp && !op.hasAttr(kEpilogueAttr))
          if (std::optional<Split> split = plan(linalgOp))
            work.push_back({linalgOp, std::move(*split)});
        if (auto loop = dyn_cast<scf::ForOp>(&op))
          if (loop->hasAttr(kParallelRowsAttr))
            if (std::optional<int64_t> grain = planRows(loop))
              rowLoops.push_back({loop, *grain});
      }
      // Row loops first: tiling below does not touch them, and their
      // bodies get their own names.
      unsigned outlined = 0;
      for (auto [loop, grain] : rowLoops)
        outline(func, loop, outlined++, grain);
      // A prologue runs in its contraction's tiles, not split on its own.
      llvm::SmallPtrSet<Operation *, 8> prologues;
      for (auto &[op, split] : work)
        for (const Prologue &prologue : split.prologues)
          prologues.insert(prologue.op);
      llvm::erase_if(work, [&](auto &item) {
        return prologues.contains(item.first.getOperation());
      });
      if (work.empty())
        continue;
      for (auto &[op, split] : work)
        if (failed(tile(rewriter, op, split)))
          return signalPassFailure();
      // Static tile shapes: fold the bounds of the peeled loops.
      RewritePatternSet patterns(&getContext());
      for (Dialect *dialect : getContext().getLoadedDialects())
        dialect->getCanonicalizationPatterns(patterns);
      for (RegisteredOperationName name :
           getContext().getRegisteredOperations())
        name.getCanonicalizationPatterns(patterns, &getContext());
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
      SmallVector<scf::ForOp> loops;
      for (Operation &op : func.getBody().front())
        if (auto loop = dyn_cast<scf::ForOp>(&op))
          if (loop->hasAttr(kMarker))
            loops.push_back(loop);
      for (scf::ForOp loop : loops)
        outline(func, loop, outlined++);
    }
  }
};

} // namespace
} // namespace kiln::passes
