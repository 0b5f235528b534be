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
  /// if its B is a constant N a multiple of \p width wide.
  void pack(linalg::LinalgOp op, int64_t width) {
    bool transposed = isa<linalg::MatmulTransposeBOp>(*op);
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto cType = dyn_cast<RankedTensorType>(init.getType());
    if (!aType || !bType || !cType || !aType.hasStaticShape() ||
        !bType.hasStaticShape() || !cType.hasStaticShape())
      return;
    Type element = cType.getElementType();
    if (!isa<FloatType>(element) || aType.getElementType() != element ||
        bType.getElementType() != element ||
        element.getIntOrFloatBitWidth() % 8 != 0)
      return;
    int64_t m = cType.getDimSize(0), n = cType.getDimSize(1);
    int64_t k = aType.getDimSize(1);
    if (n % width != 0)
      return; // A partial strip would need a second product: not done.
    int64_t bytesPerElement = element.getIntOrFloatBitWidth() / 8;
    std::optional<SmallVector<char>> source = constantBytes(b, bytesPerElement);
    if (!source)
      return;

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
    SmallVector<ReassociationIndices> split = {{0}, {1, 2}};
    auto stripsType = RankedTensorType::get({m, strips, width}, element);
    Value expanded =
        builder.create<tensor::ExpandShapeOp>(loc, stripsType, init, split);
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
        loc, stripsType, ValueRange{a, stripsConstant}, ValueRange{expanded},
        maps, iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value mul = nb.create<arith::MulFOp>(l, args[0], args[1]);
          Value add = nb.create<arith::AddFOp>(l, args[2], mul);
          nb.create<linalg::YieldOp>(l, add);
        });
    Value result = builder.create<tensor::CollapseShapeOp>(
        loc, cType, product.getResult(0), split);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }

  void runOnOperation() override {
    int64_t width = stripWidth > 0 ? int64_t(stripWidth) : hostRegisterTile()[1];
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeBOp>(*op) &&
          op.hasPureTensorSemantics())
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates)
      pack(op, width);
  }
};

} // namespace
} // namespace kiln::passes
