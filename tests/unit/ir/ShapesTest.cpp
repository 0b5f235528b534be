//===- ShapesTest.cpp - Shape arithmetic shared by ops and importers ------===//

#include "ir/Shapes.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

using Shape = llvm::SmallVector<int64_t>;

TEST(BroadcastShapeTest, RightAlignsAndRejectsMismatch) {
  EXPECT_EQ(broadcastShapes({4, 1}, {3}), (Shape{4, 3}));
  EXPECT_EQ(broadcastShapes({2, 1, 5}, {3, 1}), (Shape{2, 3, 5}));
  EXPECT_EQ(broadcastShapes({}, {2, 2}), (Shape{2, 2}));
  EXPECT_EQ(broadcastShapes({0}, {1}), (Shape{0}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {4}).has_value());
}

TEST(BroadcastsToTest, IsUnidirectional) {
  EXPECT_TRUE(broadcastsTo({5}, {4, 5}));
  EXPECT_TRUE(broadcastsTo({1, 5}, {4, 5}));
  EXPECT_TRUE(broadcastsTo({}, {4, 5}));
  EXPECT_FALSE(broadcastsTo({4, 5}, {5}));
  EXPECT_FALSE(broadcastsTo({4, 1}, {1, 5}));
}

TEST(WindowOutputSizeTest, MatchesConvAndPoolFormulas) {
  // LeNet: 28x28, 5x5 kernel, pad 2 -> 28; 2x2 pool stride 2 -> 14.
  EXPECT_EQ(windowOutputSize(28, 5, 1, 2, 2, 1), 28);
  EXPECT_EQ(windowOutputSize(28, 2, 2, 0, 0, 1), 14);
  // Dilation 2 makes a 3-tap kernel span 5.
  EXPECT_EQ(windowOutputSize(10, 3, 2, 2, 2, 2), 5);
  // A window larger than the padded input does not fit.
  EXPECT_LT(windowOutputSize(2, 5, 1, 0, 0, 1), 1);
}

TEST(WindowOutputSizeTest, CeilModeDropsWindowsStartingInPadding) {
  EXPECT_EQ(windowOutputSize(9, 2, 2, 0, 0, 1, /*ceilMode=*/false), 4);
  EXPECT_EQ(windowOutputSize(9, 2, 2, 0, 0, 1, /*ceilMode=*/true), 5);
  // in=5, k=2, s=2, pad 1+1: ceil gives 4 windows, but the 4th would start
  // at 6 >= in + padBegin = 6, inside the end padding: dropped (PyTorch).
  EXPECT_EQ(windowOutputSize(5, 2, 2, 1, 1, 1, /*ceilMode=*/true), 3);
}

TEST(ResolveAutoPadTest, SameUpperPutsTheExtraPadAtTheEnd) {
  // in 5, k 3, s 2 -> out 3, total pad 2: 1 + 1.
  EXPECT_EQ(resolveAutoPad(AutoPad::SameUpper, {5}, {3}, {2}, {1}),
            (Shape{1, 1}));
  // in 4, k 3, s 2 -> out 2, total pad 1: upper 0 + 1, lower 1 + 0.
  EXPECT_EQ(resolveAutoPad(AutoPad::SameUpper, {4}, {3}, {2}, {1}),
            (Shape{0, 1}));
  EXPECT_EQ(resolveAutoPad(AutoPad::SameLower, {4}, {3}, {2}, {1}),
            (Shape{1, 0}));
  EXPECT_EQ(resolveAutoPad(AutoPad::Valid, {4, 4}, {3, 3}, {1, 1}, {1, 1}),
            (Shape{0, 0, 0, 0}));
}

TEST(FormatShapeTest, PrintsDynamicDimsAsQuestionMarks) {
  EXPECT_EQ(formatShape({2, 3}), "[2, 3]");
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({mlir::ShapedType::kDynamic, 4}), "[?, 4]");
  EXPECT_EQ(shapeProduct({2, 3, 4}), 24);
  EXPECT_EQ(shapeProduct({}), 1);
}

} // namespace
} // namespace kiln
