//===- Tensors.cpp - ONNX tensors and types as MLIR types and attributes --===//
//
// TensorProto keeps data either in `raw_data` (little-endian bytes), in one
// of the typed repeated fields (int32_data also carries 8/16-bit ints, bools
// and the bits of float16/bfloat16), or in an external file. All three are
// normalised here to the raw little-endian bytes MLIR attributes store.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/Tensors.h"

#include "ir/Shapes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using TP = ::onnx::TensorProto;

namespace kiln::onnx {

mlir::Type elementType(mlir::MLIRContext *context, int32_t elemType) {
  mlir::Builder b(context);
  switch (elemType) {
  case TP::FLOAT: return b.getF32Type();
  case TP::DOUBLE: return b.getF64Type();
  case TP::FLOAT16: return b.getF16Type();
  case TP::BFLOAT16: return b.getBF16Type();
  case TP::BOOL: return b.getI1Type();
  case TP::INT8: return b.getIntegerType(8);
  case TP::INT16: return b.getIntegerType(16);
  case TP::INT32: return b.getIntegerType(32);
  case TP::INT64: return b.getIntegerType(64);
  case TP::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case TP::UINT16: return b.getIntegerType(16, /*isSigned=*/false);
  case TP::UINT32: return b.getIntegerType(32, /*isSigned=*/false);
  case TP::UINT64: return b.getIntegerType(64, /*isSigned=*/false);
  default: return nullptr;
  }
}

std::string elementTypeName(int32_t elemType) {
  if (TP::DataType_IsValid(elemType))
    return TP::DataType_Name(static_cast<TP::DataType>(elemType));
  return "data type " + std::to_string(elemType);
}

namespace {

/// Bytes per element as MLIR stores it; bools are one byte per element.
size_t storageBytes(int32_t elemType) {
  switch (elemType) {
  case TP::DOUBLE: case TP::INT64: case TP::UINT64: return 8;
  case TP::FLOAT: case TP::INT32: case TP::UINT32: return 4;
  case TP::FLOAT16: case TP::BFLOAT16: case TP::INT16: case TP::UINT16:
    return 2;
  default: return 1;
  }
}

/// Appends the low \p width bytes of each value (little-endian host).
template <typename Range>
void appendNarrowed(std::string &bytes, const Range &values, size_t width) {
  for (auto v : values) {
    uint64_t bits = static_cast<uint64_t>(v);
    bytes.append(reinterpret_cast<const char *>(&bits), width);
  }
}

/// \returns the raw little-endian bytes of \p tensor.
mlir::FailureOr<std::string> rawBytes(const TP &tensor, llvm::StringRef baseDir,
                                      std::string &error) {
  int32_t type = tensor.data_type();
  size_t width = storageBytes(type);
  std::string bytes;
  if (tensor.data_location() == TP::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
    llvm::SmallString<256> path(baseDir);
    llvm::sys::path::append(path, location);
    auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!file) {
      error = "external data file '" + std::string(path) +
              "' cannot be read: " + file.getError().message();
      return mlir::failure();
    }
    llvm::StringRef contents = (*file)->getBuffer();
    if (offset < 0 || static_cast<size_t>(offset) > contents.size()) {
      error = "external data offset " + std::to_string(offset) +
              " is past the end of '" + std::string(path) + "'";
      return mlir::failure();
    }
    contents = contents.drop_front(offset);
    if (length >= 0)
      contents = contents.take_front(length);
    bytes = contents.str();
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    switch (type) {
    case TP::FLOAT:
      bytes.assign(reinterpret_cast<const char *>(tensor.float_data().data()),
                   tensor.float_data_size() * sizeof(float));
      break;
    case TP::DOUBLE:
      bytes.assign(reinterpret_cast<const char *>(tensor.double_data().data()),
                   tensor.double_data_size() * sizeof(double));
      break;
    case TP::INT64:
      bytes.assign(reinterpret_cast<const char *>(tensor.int64_data().data()),
                   tensor.int64_data_size() * sizeof(int64_t));
      break;
    case TP::UINT32: case TP::UINT64:
      appendNarrowed(bytes, tensor.uint64_data(), width);
      break;
    default: // INT32 and everything narrower, including f16/bf16 bits.
      appendNarrowed(bytes, tensor.int32_data(), width);
      break;
    }
  }
  return bytes;
}

/// \returns \p name as a resource key the IR parser reads back: a bare
/// identifier (ONNX names like "0.weight" or "/conv/W" are not).
std::string resourceKey(llvm::StringRef name) {
  std::string key;
  for (char c : name)
    key += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (key.empty() || !(llvm::isAlpha(key[0]) || key[0] == '_'))
    key = "t_" + key;
  return key;
}

} // namespace

mlir::FailureOr<mlir::ElementsAttr>
tensorToAttr(const TP &tensor, mlir::RankedTensorType type,
             llvm::StringRef baseDir, llvm::StringRef blobName,
             std::string &error) {
  auto bytes = rawBytes(tensor, baseDir, error);
  if (mlir::failed(bytes))
    return mlir::failure();
  int64_t count = type.getNumElements();
  size_t expected = count * storageBytes(tensor.data_type());
  if (bytes->size() != expected) {
    error = "holds " + std::to_string(bytes->size()) + " bytes of data but " +
            elementTypeName(tensor.data_type()) + " " +
            formatShape(type.getShape()) + " needs " +
            std::to_string(expected);
    return mlir::failure();
  }
  if (type.getElementType().isInteger(1)) {
    llvm::SmallVector<bool> values;
    for (char c : *bytes)
      values.push_back(c != 0);
    return mlir::ElementsAttr(mlir::DenseElementsAttr::get(type, values));
  }
  if (count <= kMaxInlineElements) {
    bool detectedSplat = false;
    llvm::ArrayRef<char> raw(bytes->data(), bytes->size());
    if (!mlir::DenseElementsAttr::isValidRawBuffer(type, raw, detectedSplat)) {
      error = "has a data layout MLIR cannot represent";
      return mlir::failure();
    }
    return mlir::ElementsAttr(mlir::DenseElementsAttr::getFromRawBuffer(type, raw));
  }
  auto blob = mlir::HeapAsmResourceBlob::allocateAndCopyWithAlign(
      llvm::ArrayRef<char>(bytes->data(), bytes->size()), alignof(uint64_t));
  return mlir::ElementsAttr(mlir::DenseResourceElementsAttr::get(
      type, resourceKey(blobName), std::move(blob)));
}

mlir::LogicalResult checkTensorData(const TP &tensor, llvm::StringRef baseDir,
                                    std::string &error) {
  int64_t count = 1;
  for (int64_t d : tensor.dims())
    count *= d;
  size_t expected = count * storageBytes(tensor.data_type());
  size_t actual;
  if (tensor.data_location() == TP::EXTERNAL) {
    // Small external files are rare; reading is the simplest full check.
    auto bytes = rawBytes(tensor, baseDir, error);
    if (mlir::failed(bytes))
      return mlir::failure();
    actual = bytes->size();
  } else if (tensor.has_raw_data()) {
    actual = tensor.raw_data().size();
  } else {
    size_t values;
    switch (tensor.data_type()) {
    case TP::FLOAT: values = tensor.float_data_size(); break;
    case TP::DOUBLE: values = tensor.double_data_size(); break;
    case TP::INT64: values = tensor.int64_data_size(); break;
    case TP::UINT32: case TP::UINT64: values = tensor.uint64_data_size(); break;
    default: values = tensor.int32_data_size(); break;
    }
    actual = values * storageBytes(tensor.data_type());
  }
  if (actual != expected) {
    llvm::SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
    error = "holds " + std::to_string(actual) + " bytes of data but " +
            elementTypeName(tensor.data_type()) + " " + formatShape(dims) +
            " needs " + std::to_string(expected);
    return mlir::failure();
  }
  return mlir::success();
}

mlir::FailureOr<llvm::SmallVector<int64_t>>
tensorToInts(const TP &tensor, llvm::StringRef baseDir, std::string &error) {
  if (tensor.data_type() != TP::INT64 && tensor.data_type() != TP::INT32) {
    error = "must be INT64 or INT32, got " +
            elementTypeName(tensor.data_type());
    return mlir::failure();
  }
  auto bytes = rawBytes(tensor, baseDir, error);
  if (mlir::failed(bytes))
    return mlir::failure();
  size_t width = storageBytes(tensor.data_type());
  if (bytes->size() % width != 0) {
    error = "holds a partial element";
    return mlir::failure();
  }
  llvm::SmallVector<int64_t> values;
  for (size_t i = 0; i < bytes->size(); i += width) {
    if (width == 8) {
      int64_t v;
      std::memcpy(&v, bytes->data() + i, 8);
      values.push_back(v);
    } else {
      int32_t v;
      std::memcpy(&v, bytes->data() + i, 4);
      values.push_back(v);
    }
  }
  return values;
}

} // namespace kiln::onnx
