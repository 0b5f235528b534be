//===- Contraction.cpp - kiln.matmul and kiln.gemm to linalg --------------===//
//
// Plain matrix products become named linalg ops (matmul, matmul_transpose_a/b,
// batch_matmul) so that later tiling and vectorization can recognise them;
// broadcast batch dims use a contraction linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/Shapes.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

/// \returns \p value reshaped by inserting a unit dim at \p position.
Value insertUnitDim(OpBuilder &b, Location loc, Value value, int64_t position) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + position, 1);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  // A 1-D [K] becomes [1, K] or [K, 1]: one group holding both dims.
  return b.create<tensor::ExpandShapeOp>(
      loc, resultType, value, ArrayRef<ReassociationIndices>{{0, 1}});
}

/// Contraction generic over loops (batch..., m, n, k); \p lhs and \p rhs
/// are at least 2-D, their batch dims broadcast into \p resultType's.
Value batchedContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType resultType) {
  MLIRContext *context = b.getContext();
  int64_t batch = resultType.getRank() - 2;
  int64_t loops = batch + 3;
  AffineExpr m = b.getAffineDimExpr(batch), n = b.getAffineDimExpr(batch + 1),
             k = b.getAffineDimExpr(batch + 2);
  auto operandMap = [&](Value operand, AffineExpr row, AffineExpr col) {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(operand.getType()).getShape();
    ArrayRef<int64_t> batchShape = shape.drop_back(2);
    AffineMap batchMap = broadcastMap(context, batchShape,
                                      resultType.getShape().drop_back(2));
    SmallVector<AffineExpr> exprs(batchMap.getResults());
    exprs.push_back(row);
    exprs.push_back(col);
    return AffineMap::get(loops, 0, exprs, context);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < batch; ++i)
    outExprs.push_back(b.getAffineDimExpr(i));
  outExprs.push_back(m);
  outExprs.push_back(n);
  SmallVector<AffineMap> maps = {operandMap(lhs, m, k), operandMap(rhs, k, n),
                                 AffineMap::get(loops, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  bool isFloat = isa<FloatType>(resultType.getElementType());
  return b
      .create<linalg::GenericOp>(
          loc, resultType, ValueRange{lhs, rhs},
          filledTensor(b, loc, resultType, 0.0), maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value product, sum;
            if (isFloat) {
              product = nested.create<arith::MulFOp>(nestedLoc, args[0], args[1]);
              sum = nested.create<arith::AddFOp>(nestedLoc, args[2], product);
            } else {
              product = nested.create<arith::MulIOp>(nestedLoc, args[0], args[1]);
              sum = nested.create<arith::AddIOp>(nestedLoc, args[2], product);
            }
            nested.create<linalg::YieldOp>(nestedLoc, sum);
          })
      .getResult(0);
}

struct MatMulLowering : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    if (isUnsigned(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    Value lhs = op.getLhs(), rhs = op.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    // Promote vectors to matrices; the result is reshaped back at the end.
    if (lhsType.getRank() == 1)
      lhs = insertUnitDim(rewriter, loc, lhs, 0);
    if (rhsType.getRank() == 1)
      rhs = insertUnitDim(rewriter, loc, rhs, 1);
    lhsType = cast<RankedTensorType>(lhs.getType());
    rhsType = cast<RankedTensorType>(rhs.getType());

    // The verifier checked that the batch dims broadcast.
    SmallVector<int64_t> fullShape(*broadcastShapes(
        lhsType.getShape().drop_back(2), rhsType.getShape().drop_back(2)));
    fullShape.push_back(lhsType.getDimSize(lhsType.getRank() - 2));
    fullShape.push_back(rhsType.getDimSize(rhsType.getRank() - 1));
    auto fullType =
        RankedTensorType::get(fullShape, resultType.getElementType());

    Value product;
    if (lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      product = rewriter
                    .create<linalg::MatmulOp>(
                        loc, ValueRange{lhs, rhs},
                        filledTensor(rewriter, loc, fullType, 0.0))
                    .getResult(0);
    } else if (lhsType.getRank() == 3 && rhsType.getRank() == 3 &&
               lhsType.getDimSize(0) == rhsType.getDimSize(0)) {
      product = rewriter
                    .create<linalg::BatchMatmulOp>(
                        loc, ValueRange{lhs, rhs},
                        filledTensor(rewriter, loc, fullType, 0.0))
                    .getResult(0);
    } else {
      product = batchedContraction(rewriter, loc, lhs, rhs, fullType);
    }
    if (fullType != resultType)
      product = rewriter.create<tensor::CollapseShapeOp>(
          loc, resultType, product,
          collapseUnitDims(fullType.getRank(), resultType.getRank()));
    rewriter.replaceOp(op, product);
    return success();
  }

private:
  /// Reassociation dropping the promoted unit dim(s) of [batch..., M, N]:
  /// M and N share one group (one of them is 1); when both were promoted
  /// they join the last batch group, or vanish for a scalar result.
  static SmallVector<ReassociationIndices> collapseUnitDims(int64_t fullRank,
                                                            int64_t resultRank) {
    SmallVector<ReassociationIndices> groups;
    int64_t batch = fullRank - 2;
    for (int64_t i = 0; i < batch; ++i)
      groups.push_back({i});
    if (resultRank == batch) {
      if (batch == 0)
        return {};
      groups.back().append({batch, batch + 1});
    } else {
      groups.push_back({batch, batch + 1});
    }
    return groups;
  }
};

struct GemmLowering : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value a = op.getA(), b = op.getB(), c = op.getC();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();

    // With alpha == 1 the beta * C term seeds the accumulator, so the bias
    // costs no extra pass over the result.
    Value init;
    bool seeded = c && alpha == 1.0;
    if (seeded)
      init = elementwise(rewriter, loc, type, c,
                         [&](OpBuilder &nb, Location l, ValueRange args) {
                           if (beta == 1.0)
                             return args[0];
                           return nb.create<arith::MulFOp>(
                                      l, args[0],
                                      scalarConstant(nb, l, args[0].getType(),
                                                     beta))
                               .getResult();
                         });
    else
      init = filledTensor(rewriter, loc, type, 0.0);

    Value product;
    bool transA = op.getTransA(), transB = op.getTransB();
    if (!transA && !transB)
      product = rewriter.create<linalg::MatmulOp>(loc, ValueRange{a, b}, init)
                    .getResult(0);
    else if (!transA && transB)
      product = rewriter
                    .create<linalg::MatmulTransposeBOp>(loc, ValueRange{a, b},
                                                        init)
                    .getResult(0);
    else if (transA && !transB)
      product = rewriter
                    .create<linalg::MatmulTransposeAOp>(loc, ValueRange{a, b},
                                                        init)
                    .getResult(0);
    else {
      auto at = rewriter.create<linalg::TransposeOp>(
          loc, a,
          emptyTensor(rewriter, loc,
                      RankedTensorType::get(
                          {cast<RankedTensorType>(a.getType()).getDimSize(1),
                           cast<RankedTensorType>(a.getType()).getDimSize(0)},
                          type.getElementType())),
          ArrayRef<int64_t>{1, 0});
      product = rewriter
                    .create<linalg::MatmulTransposeBOp>(
                        loc, ValueRange{at->getResult(0), b}, init)
                    .getResult(0);
    }

    if (!seeded && (alpha != 1.0 || c)) {
      SmallVector<Value> inputs = {product};
      if (c)
        inputs.push_back(c);
      product = elementwise(
          rewriter, loc, type, inputs,
          [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
            Value scaled = nb.create<arith::MulFOp>(
                l, args[0], scalarConstant(nb, l, args[0].getType(), alpha));
            if (args.size() == 1)
              return scaled;
            Value bias = nb.create<arith::MulFOp>(
                l, args[1], scalarConstant(nb, l, args[1].getType(), beta));
            return nb.create<arith::AddFOp>(l, scaled, bias);
          });
    }
    rewriter.replaceOp(op, product);
    return success();
  }
};

} // namespace

void populateContractionPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}

} // namespace kiln::lowering
