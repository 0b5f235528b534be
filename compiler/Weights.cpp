//===- Weights.cpp - Weights outside the code (--weights=external) --------===//

#include "compiler/Weights.h"

#include "kiln/model.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Endian.h"

#include <cstring>

namespace kiln {

uint64_t fnv1a64(llvm::StringRef data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

namespace {

/// The bytes of a global's initializer, or std::nullopt for kinds not moved
/// out (bit-packed bools, non-elements values).
std::optional<std::string> globalBytes(mlir::LLVM::GlobalOp global) {
  auto value = mlir::dyn_cast_or_null<mlir::ElementsAttr>(global.getValueOrNull());
  if (!value)
    return std::nullopt;
  auto type = mlir::cast<mlir::ShapedType>(value.getType());
  mlir::Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  size_t width = element.getIntOrFloatBitWidth() / 8;
  size_t total = width * type.getNumElements();
  if (auto resource = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(value)) {
    mlir::AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != total)
      return std::nullopt;
    return std::string(blob->getData().data(), total);
  }
  auto dense = mlir::dyn_cast<mlir::DenseElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  llvm::ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    std::string bytes;
    bytes.reserve(total);
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      bytes.append(raw.data(), width);
    return bytes;
  }
  if (raw.size() != total)
    return std::nullopt;
  return std::string(raw.data(), raw.size());
}

} // namespace

mlir::LogicalResult externalizeWeights(mlir::ModuleOp module,
                                       uint64_t minBytes, WeightsFile &file) {
  mlir::MLIRContext *context = module.getContext();
  auto ptrType = mlir::LLVM::LLVMPointerType::get(context);
  llvm::StringMap<mlir::LLVM::GlobalOp> slots;
  llvm::SmallVector<mlir::LLVM::GlobalOp> moved;

  for (auto global : module.getOps<mlir::LLVM::GlobalOp>()) {
    if (!global.getConstant())
      continue;
    std::optional<std::string> bytes = globalBytes(global);
    if (!bytes || bytes->size() < minBytes)
      continue;
    // Each weight starts 64-aligned, like the globals it replaces.
    file.data.resize((file.data.size() + 63) / 64 * 64, '\0');
    ExternalWeight weight{global.getSymName().str(),
                          global.getSymName().str() + ".slot",
                          file.data.size(), bytes->size()};
    file.data += *bytes;

    mlir::OpBuilder builder(global);
    auto slot = builder.create<mlir::LLVM::GlobalOp>(
        global.getLoc(), ptrType, /*isConstant=*/false,
        mlir::LLVM::Linkage::Internal, weight.slot, mlir::Attribute(),
        /*alignment=*/8);
    mlir::Block *init = builder.createBlock(&slot.getInitializerRegion());
    builder.setInsertionPointToStart(init);
    builder.create<mlir::LLVM::ReturnOp>(
        global.getLoc(),
        builder.create<mlir::LLVM::ZeroOp>(global.getLoc(), ptrType).getResult());
    slots[weight.name] = slot;
    moved.push_back(global);
    file.weights.push_back(std::move(weight));
  }

  // Where code took a weight's address, it now loads the slot.
  mlir::WalkResult walk = module.walk([&](mlir::LLVM::AddressOfOp addressOf) {
    auto it = slots.find(addressOf.getGlobalName());
    if (it == slots.end())
      return mlir::WalkResult::advance();
    mlir::OpBuilder builder(addressOf);
    auto slotAddress = builder.create<mlir::LLVM::AddressOfOp>(
        addressOf.getLoc(), it->second);
    auto data = builder.create<mlir::LLVM::LoadOp>(
        addressOf.getLoc(), ptrType, slotAddress, /*alignment=*/8,
        /*isVolatile=*/false, /*isNonTemporal=*/false, /*isInvariant=*/true);
    addressOf.getResult().replaceAllUsesWith(data.getResult());
    addressOf.erase();
    return mlir::WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return mlir::failure();
  for (mlir::LLVM::GlobalOp global : moved)
    global.erase();
  file.checksum = fnv1a64(file.data);
  return mlir::success();
}

std::string serializeWeightsFile(const WeightsFile &file) {
  std::string out(KILN_WEIGHTS_HEADER_BYTES, '\0');
  std::memcpy(out.data(), KILN_WEIGHTS_MAGIC, sizeof(KILN_WEIGHTS_MAGIC));
  llvm::support::endian::write32le(out.data() + 8, KILN_WEIGHTS_FORMAT_VERSION);
  llvm::support::endian::write32le(out.data() + 12, file.weights.size());
  llvm::support::endian::write64le(out.data() + 16, file.checksum);
  llvm::support::endian::write64le(out.data() + 24, file.data.size());
  return out + file.data;
}

} // namespace kiln
