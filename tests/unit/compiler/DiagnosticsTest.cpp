//===- DiagnosticsTest.cpp - Driver diagnostics name file and node --------===//

#include "compiler/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

class DiagnosticsTest : public ::testing::Test {
protected:
  /// Emits \p message at \p loc and \returns what the printer wrote.
  std::string print(mlir::Location loc, llvm::StringRef message) {
    std::string out;
    llvm::raw_string_ostream os(out);
    DiagnosticPrinter printer(&context, os);
    mlir::emitError(loc) << message;
    return out;
  }
  mlir::Location file() {
    return mlir::FileLineColLoc::get(&context, "m.onnx", 0, 0);
  }
  mlir::Location node(llvm::StringRef name) {
    return mlir::NameLoc::get(mlir::StringAttr::get(&context, name), file());
  }
  mlir::MLIRContext context;
};

TEST_F(DiagnosticsTest, FileLocationsPrintWithoutLineZero) {
  EXPECT_EQ(print(file(), "bad"), "m.onnx: error: bad\n");
}

TEST_F(DiagnosticsTest, NodeLocationsNameTheNode) {
  EXPECT_EQ(print(node("conv_1"), "'kiln.conv' op bad"),
            "m.onnx: error: node 'conv_1': 'kiln.conv' op bad\n");
}

TEST_F(DiagnosticsTest, NodeNameIsNotRepeatedWhenTheMessageHasIt) {
  EXPECT_EQ(print(node("w"), "initializer 'w' is short"),
            "m.onnx: error: initializer 'w' is short\n");
}

TEST_F(DiagnosticsTest, FusedLocationsNameEveryNode) {
  mlir::Location fused = mlir::FusedLoc::get(&context, {node("a"), node("b")});
  EXPECT_EQ(print(fused, "bad"), "m.onnx: error: nodes 'a', 'b': bad\n");
}

} // namespace
} // namespace kiln
