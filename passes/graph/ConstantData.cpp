//===- ConstantData.cpp - Reading and making weights in graph rewrites ----===//

#include "passes/graph/ConstantData.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace kiln::passes {

namespace {
/// Constants at least this large become resource blobs, as the importer's
/// weights are, so that IR dumps stay readable.
constexpr int64_t kMaxInlineElements = 16;
} // namespace

std::optional<llvm::SmallVector<double>> constantValues(mlir::Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = mlir::cast<mlir::ShapedType>(constant.getType());
  mlir::Type element = type.getElementType();
  if (!element.isF32() && !element.isF64())
    return std::nullopt;
  llvm::SmallVector<double> values;
  values.reserve(type.getNumElements());
  mlir::Attribute attr = constant.getValue();
  if (auto dense = mlir::dyn_cast<mlir::DenseElementsAttr>(attr)) {
    for (const llvm::APFloat &v : dense.getValues<llvm::APFloat>())
      values.push_back(v.convertToDouble());
    return values;
  }
  auto resource = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(attr);
  if (!resource || !resource.getRawHandle().getBlob())
    return std::nullopt; // An elided blob: nothing to fold.
  llvm::ArrayRef<char> bytes = resource.getRawHandle().getBlob()->getData();
  size_t width = element.isF32() ? sizeof(float) : sizeof(double);
  if (bytes.size() != width * type.getNumElements())
    return std::nullopt;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    if (element.isF32()) {
      float v;
      std::memcpy(&v, bytes.data() + i * width, width);
      values.push_back(v);
    } else {
      double v;
      std::memcpy(&v, bytes.data() + i * width, width);
      values.push_back(v);
    }
  }
  return values;
}

mlir::Value makeConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                         mlir::RankedTensorType type,
                         llvm::ArrayRef<double> values, llvm::StringRef key) {
  mlir::ElementsAttr attr;
  if (type.getNumElements() < kMaxInlineElements) {
    llvm::SmallVector<mlir::Attribute> elements;
    for (double v : values)
      elements.push_back(rewriter.getFloatAttr(type.getElementType(), v));
    attr = mlir::DenseElementsAttr::get(type, elements);
  } else {
    llvm::SmallVector<char> bytes;
    for (double v : values) {
      if (type.getElementType().isF32()) {
        float f = static_cast<float>(v);
        bytes.append(reinterpret_cast<char *>(&f),
                     reinterpret_cast<char *>(&f) + sizeof f);
      } else {
        bytes.append(reinterpret_cast<char *>(&v),
                     reinterpret_cast<char *>(&v) + sizeof v);
      }
    }
    auto blob = mlir::HeapAsmResourceBlob::allocateAndCopyWithAlign(
        llvm::ArrayRef<char>(bytes), alignof(double));
    // The builtin dialect's resource manager makes the key unique.
    attr = mlir::DenseResourceElementsAttr::get(type, key, std::move(blob));
  }
  return rewriter.create<ConstantOp>(loc, attr);
}

} // namespace kiln::passes
