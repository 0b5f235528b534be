//===- ConvertKilnToLinalg.cpp - The convert-kiln-to-linalg pass ----------===//
//
// Collects the per-family patterns and converts every kiln op; a kiln op left
// over is an error at its ONNX node, never a silent pass-through.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln::passes {
#define GEN_PASS_DEF_CONVERTKILNTOLINALGPASS
#include "passes/Passes.h.inc"

namespace {
struct ConvertKilnToLinalgPass
    : impl::ConvertKilnToLinalgPassBase<ConvertKilnToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::MLIRContext *context = &getContext();
    mlir::RewritePatternSet patterns(context);
    lowering::populateElementwisePatterns(patterns);
    lowering::populateContractionPatterns(patterns);
    lowering::populateConvPatterns(patterns);
    lowering::populateDepthwiseConvPatterns(patterns);
    lowering::populateGroupedConvPatterns(patterns);
    lowering::populatePoolingPatterns(patterns);
    lowering::populateNormalizationPatterns(patterns);
    lowering::populateShapePatterns(patterns);
    lowering::populateIndexingPatterns(patterns);
    lowering::populateReductionPatterns(patterns);
    lowering::populateRowNormalizationPatterns(patterns);
    lowering::populateRecurrentPatterns(patterns);
    lowering::populateActivationPatterns(patterns);
    lowering::populateEinsumPatterns(patterns);

    mlir::ConversionTarget target(*context);
    target.addIllegalDialect<KilnDialect>();
    target.addLegalDialect<mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                           mlir::math::MathDialect, mlir::tensor::TensorDialect,
                           mlir::func::FuncDialect,
                           mlir::scf::SCFDialect,
                           mlir::vector::VectorDialect>();
    // Elementwise bodies on unsigned elements cast their scalars to
    // signless and back (see Elementwise.cpp).
    target.addLegalOp<mlir::UnrealizedConversionCastOp>();
    if (mlir::failed(mlir::applyPartialConversion(getOperation(), target,
                                                  std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace kiln::passes
