//===- TensorsTest.cpp - ONNX tensors as MLIR attributes ------------------===//

#include "frontends/onnx/Tensors.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace kiln::onnx {
namespace {

using TP = ::onnx::TensorProto;

class TensorsTest : public ::testing::Test {
protected:
  mlir::RankedTensorType type(llvm::ArrayRef<int64_t> shape, int32_t elem) {
    return mlir::RankedTensorType::get(shape, elementType(&context, elem));
  }
  mlir::MLIRContext context;
  std::string error;
};

TEST_F(TensorsTest, MapsOnnxElementTypesAndRejectsStrings) {
  EXPECT_TRUE(elementType(&context, TP::FLOAT).isF32());
  EXPECT_TRUE(elementType(&context, TP::BOOL).isInteger(1));
  EXPECT_TRUE(elementType(&context, TP::UINT8).isUnsignedInteger(8));
  EXPECT_TRUE(elementType(&context, TP::INT64).isSignlessInteger(64));
  EXPECT_FALSE(elementType(&context, TP::STRING));
  EXPECT_FALSE(elementType(&context, TP::COMPLEX64));
  EXPECT_EQ(elementTypeName(TP::STRING), "STRING");
}

TEST_F(TensorsTest, ReadsTypedFloatData) {
  TP t;
  t.set_data_type(TP::FLOAT);
  t.add_dims(2);
  t.add_float_data(1.5f);
  t.add_float_data(-2.0f);
  auto attr = tensorToAttr(t, type({2}, TP::FLOAT), ".", "t", error);
  ASSERT_TRUE(mlir::succeeded(attr)) << error;
  auto values = llvm::to_vector(
      mlir::cast<mlir::DenseElementsAttr>(*attr).getValues<float>());
  EXPECT_EQ(values, (llvm::SmallVector<float>{1.5f, -2.0f}));
}

TEST_F(TensorsTest, NarrowsInt32DataForSmallIntegersAndBools) {
  TP t;
  t.set_data_type(TP::INT8);
  t.add_dims(3);
  for (int v : {-1, 0, 127})
    t.add_int32_data(v);
  auto attr = tensorToAttr(t, type({3}, TP::INT8), ".", "t", error);
  ASSERT_TRUE(mlir::succeeded(attr)) << error;
  auto ints = llvm::to_vector(
      mlir::cast<mlir::DenseElementsAttr>(*attr).getValues<int8_t>());
  EXPECT_EQ(ints, (llvm::SmallVector<int8_t>{-1, 0, 127}));

  TP b;
  b.set_data_type(TP::BOOL);
  b.add_dims(2);
  b.add_int32_data(1);
  b.add_int32_data(0);
  auto bools = tensorToAttr(b, type({2}, TP::BOOL), ".", "b", error);
  ASSERT_TRUE(mlir::succeeded(bools)) << error;
  EXPECT_EQ(llvm::to_vector(
                mlir::cast<mlir::DenseElementsAttr>(*bools).getValues<bool>()),
            (llvm::SmallVector<bool>{true, false}));
}

TEST_F(TensorsTest, LargeTensorsBecomeResourceBlobs) {
  TP t;
  t.set_data_type(TP::FLOAT);
  t.add_dims(kMaxInlineElements + 1);
  for (int64_t i = 0; i <= kMaxInlineElements; ++i)
    t.add_float_data(static_cast<float>(i));
  auto attr = tensorToAttr(t, type({kMaxInlineElements + 1}, TP::FLOAT), ".",
                           "big", error);
  ASSERT_TRUE(mlir::succeeded(attr)) << error;
  auto resource = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(*attr);
  ASSERT_TRUE(resource);
  EXPECT_EQ(resource.getRawHandle().getBlob()->getData().size(),
            static_cast<size_t>(4 * (kMaxInlineElements + 1)));
}

TEST_F(TensorsTest, RejectsDataOfTheWrongSize) {
  TP t;
  t.set_data_type(TP::FLOAT);
  t.add_dims(3);
  t.add_dims(4);
  t.set_raw_data(std::string(12, '\0'));
  EXPECT_TRUE(mlir::failed(checkTensorData(t, ".", error)));
  EXPECT_EQ(error, "holds 12 bytes of data but FLOAT [3, 4] needs 48");
  EXPECT_TRUE(mlir::failed(
      tensorToAttr(t, type({3, 4}, TP::FLOAT), ".", "t", error)));
}

TEST_F(TensorsTest, ReadsExternalDataRelativeToTheModel) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kiln-tensors", dir));
  llvm::SmallString<128> file(dir);
  llvm::sys::path::append(file, "w.bin");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    ASSERT_FALSE(ec);
    int64_t values[] = {7, 8, 9};
    os << "PAD!"; // offset 4
    os.write(reinterpret_cast<const char *>(values), sizeof(values));
  }
  TP t;
  t.set_data_type(TP::INT64);
  t.add_dims(3);
  t.set_data_location(TP::EXTERNAL);
  auto *location = t.add_external_data();
  location->set_key("location");
  location->set_value("w.bin");
  auto *offset = t.add_external_data();
  offset->set_key("offset");
  offset->set_value("4");
  auto ints = tensorToInts(t, dir, error);
  ASSERT_TRUE(mlir::succeeded(ints)) << error;
  EXPECT_EQ(*ints, (llvm::SmallVector<int64_t>{7, 8, 9}));
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace kiln::onnx
