//===- KilnOpsTest.cpp - kiln ops built from C++ ---------------------------===//
//
// What lit cannot reach: createInferred() (the importer's way of building
// ops) must report a shape error as a diagnostic and leave no op behind.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

class KilnOpsTest : public ::testing::Test {
protected:
  KilnOpsTest() {
    context.loadDialect<KilnDialect, mlir::func::FuncDialect>();
    module = mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A block argument of type \p shape x f32 to build ops on.
  mlir::Value argument(llvm::ArrayRef<int64_t> shape) {
    if (!block) {
      block = new mlir::Block();
      module->getBody()->push_back(
          mlir::func::FuncOp::create(builder.getUnknownLoc(), "f",
                                     builder.getFunctionType({}, {})));
      auto func = mlir::cast<mlir::func::FuncOp>(module->getBody()->back());
      func.getBody().push_back(block);
      builder.setInsertionPointToEnd(block);
    }
    return block->addArgument(
        mlir::RankedTensorType::get(shape, builder.getF32Type()),
        builder.getUnknownLoc());
  }

  mlir::MLIRContext context;
  mlir::OpBuilder builder{&context};
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::Block *block = nullptr;
};

TEST_F(KilnOpsTest, CreateInferredComputesTheBroadcastType) {
  mlir::Value a = argument({4, 1}), b = argument({3});
  auto add = createInferred<AddOp>(builder, builder.getUnknownLoc(), a, b);
  ASSERT_TRUE(mlir::succeeded(add));
  EXPECT_EQ(add->getType(),
            mlir::RankedTensorType::get({4, 3}, builder.getF32Type()));
}

TEST_F(KilnOpsTest, CreateInferredReportsAShapeErrorAndErasesTheOp) {
  mlir::Value a = argument({2, 3}), b = argument({4});
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  auto add = createInferred<AddOp>(builder, builder.getUnknownLoc(), a, b);
  EXPECT_TRUE(mlir::failed(add));
  EXPECT_EQ(message, "'kiln.add' op operand shapes [2, 3] and [4] are not "
                     "broadcast-compatible");
  EXPECT_TRUE(block->empty());
}

TEST_F(KilnOpsTest, ConvShapeFollowsStridesPadsAndDilations) {
  mlir::Value x = argument({1, 4, 10, 10}), w = argument({4, 1, 3, 3});
  auto conv = createInferred<ConvOp>(
      builder, builder.getUnknownLoc(), x, w, mlir::Value(),
      builder.getDenseI64ArrayAttr({2, 2}),
      builder.getDenseI64ArrayAttr({2, 2, 2, 2}),
      builder.getDenseI64ArrayAttr({2, 2}), builder.getI64IntegerAttr(4));
  ASSERT_TRUE(mlir::succeeded(conv));
  EXPECT_EQ(mlir::cast<mlir::RankedTensorType>(conv->getType()).getShape(),
            llvm::ArrayRef<int64_t>({1, 4, 5, 5}));
}

TEST_F(KilnOpsTest, ParsedModuleWithWrongResultTypeFailsVerification) {
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message += d.str() + "\n";
    return mlir::success();
  });
  auto parsed = mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
    func.func @f(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
      %0 = "kiln.relu"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
      return %0 : tensor<3x2xf32>
    })mlir",
                                                          &context);
  EXPECT_FALSE(parsed);
  EXPECT_NE(message.find("inferred type(s)"), std::string::npos) << message;
}

} // namespace
} // namespace kiln
