//===- Einsum.cpp - kiln.einsum to linalg.generic -------------------------===//
//
// One linalg.generic per einsum: a loop per letter, the result's letters
// first (parallel) and the summed ones after (reduction), in order of first
// appearance. Each operand reads its dims through its letters, so a letter
// repeated within an operand reads a diagonal, and a dim of size 1 facing a
// larger letter size reads index 0 (broadcast).
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/Einsum.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

struct EinsumLowering : OpRewritePattern<EinsumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EinsumOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    if (isUnsigned(element))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    SmallVector<int64_t> ranks;
    SmallVector<ArrayRef<int64_t>> shapes;
    for (Value input : op.getInputs()) {
      auto type = cast<RankedTensorType>(input.getType());
      ranks.push_back(type.getRank());
      shapes.push_back(type.getShape());
    }
    // The verifier has checked the equation against these shapes.
    std::string error;
    std::optional<EinsumEquation> equation =
        parseEinsum(op.getEquation(), ranks, /*requireExplicit=*/true, error);
    if (!equation)
      return rewriter.notifyMatchFailure(op, error);
    std::optional<std::map<char, int64_t>> sizes =
        einsumLetterSizes(*equation, shapes, error);
    if (!sizes)
      return rewriter.notifyMatchFailure(op, error);

    // Loop order: result letters, then the summed letters.
    std::string loops = equation->result;
    for (const std::string &labels : equation->operands)
      for (char c : labels)
        if (loops.find(c) == std::string::npos)
          loops += c;
    int64_t numLoops = loops.size();
    bool reduces = loops.size() > equation->result.size();

    MLIRContext *context = rewriter.getContext();
    auto letterMap = [&](StringRef labels, ArrayRef<int64_t> shape) {
      SmallVector<AffineExpr> exprs;
      for (auto [d, c] : llvm::enumerate(labels)) {
        bool broadcast = shape[d] == 1 && sizes->at(c) != 1;
        exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                                  : getAffineDimExpr(loops.find(c), context));
      }
      return AffineMap::get(numLoops, 0, exprs, context);
    };
    SmallVector<AffineMap> maps;
    for (auto [labels, shape] : llvm::zip(equation->operands, shapes))
      maps.push_back(letterMap(labels, shape));
    maps.push_back(letterMap(equation->result, resultType.getShape()));
    SmallVector<utils::IteratorType> iterators(numLoops,
                                               utils::IteratorType::parallel);
    for (size_t i = equation->result.size(); i < loops.size(); ++i)
      iterators[i] = utils::IteratorType::reduction;

    bool isFloat = isa<FloatType>(element);
    Value init = reduces ? filledTensor(rewriter, loc, resultType, 0.0)
                         : emptyTensor(rewriter, loc, resultType);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, resultType, op.getInputs(), init, maps, iterators,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value product = args.front();
          for (Value arg : args.drop_front().drop_back())
            product = isFloat ? b.create<arith::MulFOp>(nestedLoc, product, arg)
                                    .getResult()
                              : b.create<arith::MulIOp>(nestedLoc, product, arg)
                                    .getResult();
          if (reduces)
            product =
                isFloat
                    ? b.create<arith::AddFOp>(nestedLoc, args.back(), product)
                          .getResult()
                    : b.create<arith::AddIOp>(nestedLoc, args.back(), product)
                          .getResult();
          b.create<linalg::YieldOp>(nestedLoc, product);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateEinsumPatterns(RewritePatternSet &patterns) {
  patterns.add<EinsumLowering>(patterns.getContext());
}

} // namespace kiln::lowering
