//===- Shape.cpp - Import ONNX shape and data-movement ops ----------------===//
//
// Shape-deciding inputs (Reshape's shape, Pad's pads) must be compile-time
// constants: kiln compiles static shapes only.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include <numeric>

namespace kiln::onnx {
namespace {

mlir::LogicalResult importReshape(NodeImporter &n) {
  auto input = n.inputType(0);
  auto target = n.constantInts(1);
  auto allowZero = n.intAttr("allowzero", 0);
  if (mlir::failed(input) || mlir::failed(target) || mlir::failed(allowZero))
    return mlir::failure();
  // 0 copies the input dim (unless allowzero); one -1 takes what is left.
  llvm::SmallVector<int64_t> shape(*target);
  int64_t inferredDim = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !*allowZero) {
      if (static_cast<int64_t>(i) >= input->getRank())
        return n.emitError() << "shape entry " << i
                             << " is 0 but the input has rank only "
                             << input->getRank();
      d = input->getDimSize(i);
    }
    if (d == -1) {
      if (inferredDim >= 0)
        return n.emitError() << "shape " << formatShape(*target)
                             << " has more than one -1";
      inferredDim = i;
    } else if (d < 0) {
      return n.emitError() << "shape " << formatShape(*target)
                           << " has a negative entry other than -1";
    } else {
      known *= d;
    }
  }
  int64_t total = input->getNumElements();
  if (inferredDim >= 0) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << formatShape(input->getShape())
                           << " to " << formatShape(*target);
    shape[inferredDim] = total / known;
  }
  auto type = mlir::RankedTensorType::get(shape, input->getElementType());
  if (type.getNumElements() != total)
    return n.emitError() << "cannot reshape " << formatShape(input->getShape())
                         << " (" << total << " elements) to "
                         << formatShape(shape);
  return n.setResult(
      n.builder().create<ReshapeOp>(n.loc(), type, *n.input(0)).getResult());
}

mlir::LogicalResult importFlatten(NodeImporter &n) {
  auto input = n.inputType(0);
  auto axis = n.intAttr("axis", 1);
  if (mlir::failed(input) || mlir::failed(axis))
    return mlir::failure();
  int64_t rank = input->getRank();
  // Flatten's axis ranges over [-rank, rank], one wider than other axes.
  if (*axis < -rank || *axis > rank)
    return n.emitError() << "axis " << *axis << " is out of range for rank "
                         << rank;
  int64_t normalized = *axis < 0 ? *axis + rank : *axis;
  return n.setResult(createInferred<FlattenOp>(
      n.builder(), n.loc(), *n.input(0),
      n.builder().getI64IntegerAttr(normalized)));
}

mlir::LogicalResult importTranspose(NodeImporter &n) {
  auto input = n.inputType(0);
  if (mlir::failed(input))
    return mlir::failure();
  llvm::SmallVector<int64_t> reversed(input->getRank());
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  auto perm = n.intsAttr("perm", reversed);
  if (mlir::failed(perm))
    return mlir::failure();
  return n.setResult(createInferred<TransposeOp>(
      n.builder(), n.loc(), *n.input(0),
      n.builder().getDenseI64ArrayAttr(*perm)));
}

mlir::LogicalResult importPad(NodeImporter &n) {
  auto input = n.inputType(0);
  auto pads = n.constantInts(1);
  if (mlir::failed(input) || mlir::failed(pads))
    return mlir::failure();
  double value = 0.0;
  if (n.hasInput(2)) {
    auto scalar = n.constantScalar(2);
    if (mlir::failed(scalar))
      return mlir::failure();
    value = *scalar;
  }
  if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
    return n.emitError() << "negative pads " << formatShape(*pads)
                         << " (cropping) are not supported";
  return n.setResult(createInferred<PadOp>(
      n.builder(), n.loc(), *n.input(0),
      n.builder().getDenseI64ArrayAttr(*pads),
      n.builder().getF64FloatAttr(value)));
}

mlir::LogicalResult importConstant(NodeImporter &n) {
  const auto &attrs = n.node().attribute();
  if (attrs.size() != 1)
    return n.emitError() << "expects exactly one value attribute, got "
                         << attrs.size();
  const ::onnx::AttributeProto &attr = attrs[0];
  ::onnx::TensorProto tensor;
  if (attr.name() == "value") {
    auto value = n.tensorAttr("value");
    if (mlir::failed(value))
      return mlir::failure();
    tensor = **value;
  } else if (attr.name() == "value_float" || attr.name() == "value_floats") {
    tensor.set_data_type(::onnx::TensorProto::FLOAT);
    if (attr.name() == "value_float") {
      auto f = n.floatAttr("value_float", std::nullopt);
      if (mlir::failed(f))
        return mlir::failure();
      tensor.add_float_data(*f);
    } else {
      tensor.add_dims(attr.floats_size());
      for (float f : attr.floats())
        tensor.add_float_data(f);
    }
  } else if (attr.name() == "value_int" || attr.name() == "value_ints") {
    tensor.set_data_type(::onnx::TensorProto::INT64);
    if (attr.name() == "value_int") {
      auto i = n.intAttr("value_int", std::nullopt);
      if (mlir::failed(i))
        return mlir::failure();
      tensor.add_int64_data(*i);
    } else {
      tensor.add_dims(attr.ints_size());
      for (int64_t i : attr.ints())
        tensor.add_int64_data(i);
    }
  } else {
    return n.emitError() << "attribute '" << attr.name()
                         << "' is not supported";
  }
  n.bindConstant(std::move(tensor));
  return mlir::success();
}

} // namespace

void registerShapeOps(OpRegistry &registry) {
  registry.add({"Reshape", {"allowzero"}, importReshape});
  registry.add({"Flatten", {"axis"}, importFlatten});
  registry.add({"Transpose", {"perm"}, importTranspose});
  registry.add({"Pad", {"mode"}, importPad,
                [](const ::onnx::NodeProto &node) {
                  return checkAttrValue(node, "mode", {"constant"});
                }});
  registry.add({"Constant",
                {"value", "value_float", "value_floats", "value_int",
                 "value_ints"},
                importConstant});
  registry.add({"Identity", {}, [](NodeImporter &n) {
                  auto x = n.input(0);
                  if (mlir::failed(x))
                    return mlir::failure();
                  return n.setResults(*x);
                }});
}

} // namespace kiln::onnx
