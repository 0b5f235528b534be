//===- PackWeightStrips.cpp - Constant B operands in the kernels' strips --===//
//
// kiln-tile-and-vectorize-contractions reads B one K x NR strip at a time
// (NR: the register tile's width) and copies each strip into a contiguous
// stack buffer first, transposing it for `matmul_transpose_b`: on every
// call, for every strip, once per M cache block. When B is a constant (a
// weight of an inference compile) that copy can be made once, here: the
// constant is stored as its strips, `[N / NR, K, NR]`, and the product
// becomes a contraction generic over that layout, which the contraction
// pass reads without copying. This matters most where the copy costs as
// much as the product: a recurrent layer's `H R^T` at batch 1 transposed
// all of R at each of its steps.
//
// A convolution's B is no constant but the columns its im2col computes on
// every call: there the im2col itself writes the strips (packColumns), so
// the contraction pass copies nothing either, and each strip it writes is
// contiguous (the [K, N] columns put a 32x32 image's K rows 4 KiB apart, in
// the same L1 sets). The ResNet-style model of the suite ran 14% faster
// on one thread, 20% on two.
//
// Runs on tensors, after convert-kiln-to-linalg (and its canonicalize/cse,
// which expose the constant behind a slice).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/codegen/RegisterTile.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace kiln::passes {
#define GEN_PASS_DEF_PACKWEIGHTSTRIPSPASS
#include "passes/Passes.h.inc"

namespace {

using namespace mlir;

/// Constants with fewer elements stay inline (readable in IR dumps and lit
/// tests); larger ones become resource blobs, as the importer's weights.
constexpr int64_t kMaxInlineElements = 16;

/// \returns the row-major bytes of the static tensor \p value if it is a
/// non-splat constant, possibly behind static `tensor.extract_slice`s, whose
/// data is available; \p width is the byte size of one element.
std::optional<SmallVector<char>> constantBytes(Value value, int64_t width) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  size_t size = static_cast<size_t>(type.getNumElements() * width);
  if (auto constant = value.getDefiningOp<arith::ConstantOp>()) {
    ArrayRef<char> raw;
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
      if (dense.isSplat())
        return std::nullopt; // Nothing to gain; and raw data is one element.
      raw = dense.getRawData();
    } else if (auto resource =
                   dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
      if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
        raw = blob->getData();
    }
    if (raw.size() != size)
      return std::nullopt; // Elided, or not byte-addressable elements.
    return SmallVector<char>(raw.begin(), raw.end());
  }
  auto slice = value.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.hasUnitStride() ||
      ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()))
    return std::nullopt;
  RankedTensorType sourceType = slice.getSourceType();
  std::optional<SmallVector<char>> source =
      constantBytes(slice.getSource(), width);
  if (!source)
    return std::nullopt;
  // Walk the slice's elements in row-major order (a rank-reducing slice
  // drops unit dims: the order is the same).
  ArrayRef<int64_t> offsets = slice.getStaticOffsets();
  ArrayRef<int64_t> sizes = slice.getStaticSizes();
  int64_t rank = sourceType.getRank();
  SmallVector<int64_t> sourceStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    sourceStrides[d] = sourceStrides[d + 1] * sourceType.getDimSize(d + 1);
  SmallVector<char> bytes;
  bytes.reserve(size);
  SmallVector<int64_t> index(rank, 0);
  for (size_t n = 0; n < size / width; ++n) {
    int64_t element = 0;
    for (int64_t d = 0; d < rank; ++d)
      element += (offsets[d] + index[d]) * sourceStrides[d];
    bytes.append(source->begin() + element * width,
                 source->begin() + (element + 1) * width);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == sizes[d]; --d)
      index[d] = 0;
  }
  return bytes;
}

/// \returns an `arith.constant` of \p type holding \p bytes.
Value makeConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                   ArrayRef<char> bytes) {
  ElementsAttr attr;
  if (type.getNumElements() < kMaxInlineElements) {
    attr = DenseElementsAttr::getFromRawBuffer(type, bytes);
  } else {
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        bytes, /*align=*/64);
    // The builtin dialect's resource manager makes the key unique.
    attr = DenseResourceElementsAttr::get(type, "packed_strips",
                                          std::move(blob));
  }
  return builder.create<arith::ConstantOp>(loc, attr);
}

struct PackWeightStripsPass
    : impl::PackWeightStripsPassBase<PackWeightStripsPass> {
  using Base::Base;

  /// Rewrites \p op (a `linalg.matmul` or `matmul_transpose_b` on tensors)
  /// if its B is a constant N a multiple of \p width wide. \returns whether
  /// it did.
  bool pack(linalg::LinalgOp op, int64_t width) {
    bool transposed = isa<linalg::MatmulTransposeBOp>(*op);
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto cType = dyn_cast<RankedTensorType>(init.getType());
    if (!aType || !bType || !cType || !aType.hasStaticShape() ||
        !bType.hasStaticShape() || !cType.hasStaticShape())
      return false;
    Type element = cType.getElementType();
    if (!isa<FloatType>(element) || aType.getElementType() != element ||
        bType.getElementType() != element ||
        element.getIntOrFloatBitWidth() % 8 != 0)
      return false;
    int64_t n = cType.getDimSize(1);
    int64_t k = aType.getDimSize(1);
    if (n % width != 0)
      return false; // A partial strip would need a second product: not done.
    int64_t bytesPerElement = element.getIntOrFloatBitWidth() / 8;
    std::optional<SmallVector<char>> source = constantBytes(b, bytesPerElement);
    if (!source)
      return false;

    // packed[s][kk][r] = B[kk][s * width + r].
    int64_t strips = n / width;
    SmallVector<char> packed(source->size());
    for (int64_t s = 0; s < strips; ++s)
      for (int64_t kk = 0; kk < k; ++kk)
        for (int64_t r = 0; r < width; ++r) {
          int64_t column = s * width + r;
          int64_t from = transposed ? column * k + kk : kk * n + column;
          int64_t to = (s * k + kk) * width + r;
          std::memcpy(packed.data() + to * bytesPerElement,
                      source->data() + from * bytesPerElement,
                      bytesPerElement);
        }

    OpBuilder builder(op);
    Location loc = op.getLoc();
    Value stripsConstant = makeConstant(
        builder, loc, RankedTensorType::get({strips, k, width}, element),
        packed);
    replaceByStripProduct(builder, op, stripsConstant);
    return true;
  }

  /// Replaces the product \p op (C = A B, on tensors) by a contraction
  /// generic that reads B from \p strips, B stored as `[N / NR, K, NR]`.
  static void replaceByStripProduct(OpBuilder &builder, linalg::LinalgOp op,
                                    Value strips) {
    Location loc = op.getLoc();
    Value a = op.getDpsInputs()[0];
    Value init = op.getDpsInits()[0];
    auto cType = cast<RankedTensorType>(init.getType());
    auto stripsType = cast<RankedTensorType>(strips.getType());
    Type element = cType.getElementType();
    int64_t m = cType.getDimSize(0);
    SmallVector<ReassociationIndices> split = {{0}, {1, 2}};
    auto outputType = RankedTensorType::get(
        {m, stripsType.getDimSize(0), stripsType.getDimSize(2)}, element);
    Value expanded =
        builder.create<tensor::ExpandShapeOp>(loc, outputType, init, split);
    // Loops (m, s, r, kk): A[m][kk] * P[s][kk][r] into C[m][s][r].
    MLIRContext *context = op->getContext();
    auto dim = [&](unsigned d) { return getAffineDimExpr(d, context); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {dim(0), dim(3)}, context),
        AffineMap::get(4, 0, {dim(1), dim(3), dim(2)}, context),
        AffineMap::get(4, 0, {dim(0), dim(1), dim(2)}, context)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::parallel, utils::IteratorType::reduction};
    auto product = builder.create<linalg::GenericOp>(
        loc, outputType, ValueRange{a, strips}, ValueRange{expanded}, maps,
        iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value mul = nb.create<arith::MulFOp>(l, args[0], args[1]);
          Value add = nb.create<arith::AddFOp>(l, args[2], mul);
          nb.create<linalg::YieldOp>(l, add);
        });
    Value result = builder.create<tensor::CollapseShapeOp>(
        loc, cType, product.getResult(0), split);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }

  /// Rewrites \p op (a `linalg.matmul` on tensors) whose B is the columns
  /// an im2col computes - an all-parallel generic, its result's only use a
  /// collapse into [K, N], N a multiple of \p width - so that the generic
  /// writes B as strips, `[N / NR, K, NR]`, and \p op reads them as a
  /// packed constant's (pack()): the contraction pass then copies no strip,
  /// and each strip the im2col writes is contiguous. The N dim of the
  /// generic where the strips' width falls is split in two (an image row
  /// of 32 is one strip; rows of 16 go two to a strip), and its loops are
  /// reordered to the strips' layout, so that its output map stays the
  /// identity (what kiln-parallelize-loops' prologues need).
  void packColumns(linalg::LinalgOp op, int64_t width) {
    if (!isa<linalg::MatmulOp>(*op))
      return;
    Value b = op.getDpsInputs()[1];
    auto collapse = b.getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse || !collapse->hasOneUse() ||
        collapse.getReassociationIndices().size() != 2)
      return;
    auto producer = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
    if (!producer || !producer->hasOneUse() || producer.getNumResults() != 1 ||
        !producer.hasPureTensorSemantics() || producer.hasDynamicShape() ||
        producer.getNumParallelLoops() != producer.getNumLoops() ||
        !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
             .isIdentity() ||
        !producer.getBody()->getOps<linalg::IndexOp>().empty() ||
        !producer.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
      return;
    auto columnsType = cast<RankedTensorType>(producer.getResult(0).getType());
    ArrayRef<int64_t> shape = columnsType.getShape();
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    ArrayRef<int64_t> kDims = groups[0], nDims = groups[1];
    // The N dim the strip width falls in: inner N dims whole, `q` indices
    // of dim `j` make one strip.
    int64_t inner = 1;
    std::optional<int64_t> j;
    int64_t q = 0;
    for (int64_t d : llvm::reverse(nDims)) {
      if (inner * shape[d] < width) {
        inner *= shape[d];
        continue;
      }
      if (width % inner != 0 || shape[d] % (width / inner) != 0)
        return;
      j = d;
      q = width / inner;
      break;
    }
    if (!j)
      return;

    // The strips' layout: the outer N dims (dim j's outer part last), the K
    // dims, then the strip's width (dim j's inner part first). The new
    // generic's loops run in that order (its output map is the identity);
    // `position[d]` is where the old loop d went, dim j's outer part.
    MLIRContext *context = op->getContext();
    int64_t rank = columnsType.getRank();
    SmallVector<int64_t> position(rank), layoutShape;
    auto place = [&](int64_t d, int64_t extent) {
      position[d] = layoutShape.size();
      layoutShape.push_back(extent);
    };
    for (int64_t d : nDims)
      if (d < *j)
        place(d, shape[d]);
    place(*j, shape[*j] / q);
    for (int64_t d : kDims)
      place(d, shape[d]);
    int64_t innerPart = layoutShape.size();
    layoutShape.push_back(q);
    for (int64_t d : nDims)
      if (d > *j)
        place(d, shape[d]);
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, context); };
    SmallVector<AffineExpr> oldDims;
    for (int64_t d = 0; d < rank; ++d)
      oldDims.push_back(d == *j ? dim(position[d]) * q + dim(innerPart)
                                : dim(position[d]));
    SmallVector<AffineMap> maps;
    for (OpOperand *input : producer.getDpsInputOperands())
      maps.push_back(
          producer.getMatchingIndexingMap(input).replaceDimsAndSymbols(
              oldDims, {}, rank + 1, 0));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank + 1, context));

    // The new generic where the old one was (values stay live as long as
    // before), the product where it was.
    OpBuilder builder(producer);
    Location loc = producer.getLoc();
    Type element = columnsType.getElementType();
    Value empty = builder.create<tensor::EmptyOp>(loc, layoutShape, element);
    auto columns = builder.create<linalg::GenericOp>(
        loc, empty.getType(), producer.getDpsInputs(), ValueRange{empty}, maps,
        SmallVector<utils::IteratorType>(rank + 1,
                                         utils::IteratorType::parallel));
    IRMapping mapping;
    producer.getRegion().cloneInto(&columns.getRegion(), mapping);
    int64_t outer = llvm::count_if(nDims, [&](int64_t d) { return d < *j; });
    int64_t kRank = kDims.size();
    ReassociationIndices stripsGroup, kGroup, widthGroup;
    for (int64_t i = 0; i <= rank; ++i)
      (i <= outer           ? stripsGroup
       : i <= outer + kRank ? kGroup
                            : widthGroup)
          .push_back(i);
    builder.setInsertionPoint(op);
    int64_t n = cast<RankedTensorType>(b.getType()).getDimSize(1);
    int64_t k = cast<RankedTensorType>(b.getType()).getDimSize(0);
    Value strips = builder.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({n / width, k, width}, element),
        columns.getResult(0),
        ArrayRef<ReassociationIndices>{stripsGroup, kGroup, widthGroup});
    replaceByStripProduct(builder, op, strips);
    Value init = producer.getDpsInits()[0];
    collapse->erase();
    producer->erase();
    if (init.use_empty())
      init.getDefiningOp()->erase();
  }

  void runOnOperation() override {
    int64_t width = stripWidth > 0 ? int64_t(stripWidth) : hostRegisterTile()[1];
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeBOp>(*op) &&
          op.hasPureTensorSemantics())
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates) {
      if (!pack(op, width))
        packColumns(op, width);
    }
  }
};

} // namespace
} // namespace kiln::passes
