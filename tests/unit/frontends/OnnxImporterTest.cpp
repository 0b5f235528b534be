//===- OnnxImporterTest.cpp - Import from memory, errors as diagnostics ---===//
//
// The lit tests import files; these build models in memory with the ONNX
// protos, the way an embedding application would.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/OnnxImporter.h"

#include "ir/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

namespace kiln::onnx {
namespace {

/// y = relu(a + b) over [2, 3] floats, at opset \p opset.
::onnx::ModelProto addReluModel(int64_t opset) {
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(opset);
  auto *graph = model.mutable_graph();
  graph->set_name("add_relu");
  for (const char *name : {"a", "b"}) {
    auto *input = graph->add_input();
    input->set_name(name);
    auto *tensor = input->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(::onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_value(2);
    tensor->mutable_shape()->add_dim()->set_dim_value(3);
  }
  auto *add = graph->add_node();
  add->set_name("add_1");
  add->set_op_type("Add");
  add->add_input("a");
  add->add_input("b");
  add->add_output("s");
  auto *relu = graph->add_node();
  relu->set_name("relu_1");
  relu->set_op_type("Relu");
  relu->add_input("s");
  relu->add_output("y");
  auto *output = graph->add_output();
  output->set_name("y");
  *output->mutable_type() = graph->input(0).type();
  return model;
}

class OnnxImporterTest : public ::testing::Test {
protected:
  OnnxImporterTest()
      : handler(&context, [this](mlir::Diagnostic &d) {
          messages += d.str() + "\n";
          return mlir::success();
        }) {}

  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
  import(const ::onnx::ModelProto &model) {
    std::string bytes = model.SerializeAsString();
    auto loaded = loadModelBytes(&context, bytes, "memory.onnx", ".", {});
    if (mlir::failed(loaded))
      return mlir::failure();
    return importModel(&context, *loaded);
  }

  mlir::MLIRContext context;
  std::string messages;
  mlir::ScopedDiagnosticHandler handler;
};

TEST_F(OnnxImporterTest, ImportsAModelFromMemory) {
  auto module = import(addReluModel(17));
  ASSERT_TRUE(mlir::succeeded(module)) << messages;
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  ASSERT_TRUE(main);
  EXPECT_EQ(main.getNumArguments(), 2u);
  llvm::SmallVector<mlir::Operation *> ops;
  for (mlir::Operation &op : main.getBody().front().without_terminator())
    ops.push_back(&op);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_TRUE(mlir::isa<AddOp>(ops[0]));
  EXPECT_TRUE(mlir::isa<ReluOp>(ops[1]));
  auto loc = mlir::dyn_cast<mlir::NameLoc>(ops[1]->getLoc());
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc.getName().str(), "relu_1");
}

TEST_F(OnnxImporterTest, ConvertsOlderOpsetsToTheTarget) {
  auto module = import(addReluModel(11));
  ASSERT_TRUE(mlir::succeeded(module)) << messages;
  EXPECT_EQ(mlir::cast<mlir::IntegerAttr>(
                (*module)->getOperation()->getAttr("kiln.source_opset"))
                .getInt(),
            11);
}

TEST_F(OnnxImporterTest, ListsEveryUnsupportedOperatorAtOnce) {
  ::onnx::ModelProto model = addReluModel(17);
  model.mutable_graph()->mutable_node(0)->set_op_type("RandomUniformLike");
  model.mutable_graph()->mutable_node(0)->clear_input();
  model.mutable_graph()->mutable_node(0)->add_input("a");
  model.mutable_graph()->mutable_node(1)->set_op_type("Bernoulli");
  std::vector<Unsupported> found = findUnsupported(model);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].what, "operator 'RandomUniformLike'");
  EXPECT_EQ(found[0].where, std::vector<std::string>{"add_1"});
  EXPECT_EQ(found[1].what, "operator 'Bernoulli'");
  EXPECT_TRUE(mlir::failed(import(model)));
  EXPECT_NE(messages.find("the model uses 2 unsupported features"),
            std::string::npos)
      << messages;
}

TEST_F(OnnxImporterTest, RejectsBytesThatAreNotAModel) {
  auto loaded = loadModelBytes(&context, "\x08\x96\x01garbage", "junk.onnx",
                               ".", {});
  EXPECT_TRUE(mlir::failed(loaded));
  EXPECT_NE(messages.find("not an ONNX model"), std::string::npos) << messages;
}

TEST(ParseInputShapeTest, AcceptsNameEqualsDimsAndRejectsTheRest) {
  std::map<std::string, llvm::SmallVector<int64_t>> shapes;
  EXPECT_EQ(parseInputShape("x=1x3x32x32", shapes), "");
  EXPECT_EQ(shapes["x"], (llvm::SmallVector<int64_t>{1, 3, 32, 32}));
  EXPECT_EQ(parseInputShape("in=put=4", shapes), "");
  EXPECT_EQ(shapes["in=put"], (llvm::SmallVector<int64_t>{4}));
  EXPECT_NE(parseInputShape("x", shapes), "");
  EXPECT_NE(parseInputShape("x=0x3", shapes), "");
  EXPECT_NE(parseInputShape("=3", shapes), "");
}

} // namespace
} // namespace kiln::onnx
