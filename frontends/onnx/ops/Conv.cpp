//===- Conv.cpp - Import ONNX Conv and pooling ----------------------------===//
//
// Resolves ONNX defaults and `auto_pad` into the explicit attributes the
// kiln ops require: strides, dilations and pads always present.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

namespace kiln::onnx {
namespace {

/// Window attributes shared by Conv and the pools, with defaults applied.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations;
};

mlir::FailureOr<Window> readWindow(NodeImporter &n, mlir::RankedTensorType input,
                                   llvm::ArrayRef<int64_t> kernel,
                                   bool hasDilations) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return n.emitError() << "input must be [N, C, D1, ...], got rank "
                         << input.getRank();
  llvm::SmallVector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  auto strides = n.intsAttr("strides", ones);
  auto dilations = hasDilations ? n.intsAttr("dilations", ones)
                                : mlir::FailureOr<llvm::SmallVector<int64_t>>(ones);
  auto pads = n.intsAttr("pads", zeros);
  auto autoPad = n.stringAttr("auto_pad", std::string("NOTSET"));
  if (mlir::failed(strides) || mlir::failed(dilations) || mlir::failed(pads) ||
      mlir::failed(autoPad))
    return mlir::failure();
  if (static_cast<int64_t>(kernel.size()) != spatial ||
      static_cast<int64_t>(strides->size()) != spatial ||
      static_cast<int64_t>(dilations->size()) != spatial)
    return n.emitError() << "kernel_shape, strides and dilations need "
                         << spatial << " entries for a rank-"
                         << input.getRank() << " input";
  Window w{llvm::SmallVector<int64_t>(kernel), *strides, *pads, *dilations};
  if (*autoPad != "NOTSET") {
    if (n.hasAttr("pads"))
      return n.emitError() << "'pads' and auto_pad='" << *autoPad
                           << "' are mutually exclusive";
    AutoPad mode = *autoPad == "VALID"        ? AutoPad::Valid
                   : *autoPad == "SAME_UPPER" ? AutoPad::SameUpper
                                              : AutoPad::SameLower;
    w.pads = resolveAutoPad(mode, input.getShape().drop_front(2), w.kernel,
                            w.strides, w.dilations);
  }
  return w;
}

std::optional<std::string> checkAutoPad(const ::onnx::NodeProto &node) {
  return checkAttrValue(node, "auto_pad",
                        {"NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"});
}

/// Pools with a second output (MaxPool's Indices) are not supported.
std::optional<std::string> checkSingleOutput(const ::onnx::NodeProto &node) {
  if (node.output_size() > 1 && !node.output(1).empty())
    return "output 2 of " + node.op_type();
  return std::nullopt;
}

mlir::LogicalResult importConv(NodeImporter &n) {
  auto input = n.inputType(0), filter = n.inputType(1);
  auto group = n.intAttr("group", 1);
  if (mlir::failed(input) || mlir::failed(filter) || mlir::failed(group))
    return mlir::failure();
  llvm::ArrayRef<int64_t> kernel = filter->getShape().drop_front(2);
  if (n.hasAttr("kernel_shape")) {
    auto declared = n.intsAttr("kernel_shape", std::nullopt);
    if (mlir::failed(declared))
      return mlir::failure();
    if (llvm::ArrayRef<int64_t>(*declared) != kernel)
      return n.emitError() << "kernel_shape " << formatShape(*declared)
                           << " disagrees with the filter's spatial dims "
                           << formatShape(kernel);
  }
  auto w = readWindow(n, *input, kernel, /*hasDilations=*/true);
  if (mlir::failed(w))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<ConvOp>(
      b, n.loc(), *n.input(0), *n.input(1), n.optionalInput(2),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      b.getDenseI64ArrayAttr(w->dilations), b.getI64IntegerAttr(*group)));
}

mlir::LogicalResult importMaxPool(NodeImporter &n) {
  auto input = n.inputType(0);
  auto kernel = n.intsAttr("kernel_shape", std::nullopt);
  auto ceil = n.intAttr("ceil_mode", 0);
  if (mlir::failed(input) || mlir::failed(kernel) || mlir::failed(ceil))
    return mlir::failure();
  auto w = readWindow(n, *input, *kernel, /*hasDilations=*/true);
  if (mlir::failed(w))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<MaxPoolOp>(
      b, n.loc(), *n.input(0), b.getDenseI64ArrayAttr(w->kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      b.getDenseI64ArrayAttr(w->dilations), b.getBoolAttr(*ceil != 0)));
}

mlir::LogicalResult importAveragePool(NodeImporter &n) {
  auto input = n.inputType(0);
  auto kernel = n.intsAttr("kernel_shape", std::nullopt);
  auto ceil = n.intAttr("ceil_mode", 0);
  auto includePad = n.intAttr("count_include_pad", 0);
  if (mlir::failed(input) || mlir::failed(kernel) || mlir::failed(ceil) ||
      mlir::failed(includePad))
    return mlir::failure();
  auto w = readWindow(n, *input, *kernel, /*hasDilations=*/false);
  if (mlir::failed(w))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<AveragePoolOp>(
      b, n.loc(), *n.input(0), b.getDenseI64ArrayAttr(w->kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      b.getBoolAttr(*ceil != 0), b.getBoolAttr(*includePad != 0)));
}

} // namespace

void registerConvOps(OpRegistry &registry) {
  registry.add({"Conv",
                {"auto_pad", "dilations", "group", "kernel_shape", "pads",
                 "strides"},
                importConv, checkAutoPad, ElementTypes::Float});
  registry.add({"MaxPool",
                {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                 "storage_order", "strides"},
                importMaxPool,
                [](const ::onnx::NodeProto &node) {
                  if (auto why = checkSingleOutput(node))
                    return why;
                  if (auto why = checkAttrValue(node, "storage_order", {"0"}))
                    return why;
                  return checkAutoPad(node);
                },
                ElementTypes::Float});
  registry.add({"AveragePool",
                {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape",
                 "pads", "strides"},
                importAveragePool, checkAutoPad, ElementTypes::Float});
  registry.add({"GlobalAveragePool", {}, [](NodeImporter &n) {
                  auto x = n.input(0);
                  if (mlir::failed(x))
                    return mlir::failure();
                  return n.setResult(createInferred<GlobalAveragePoolOp>(
                      n.builder(), n.loc(), *x));
                },
                /*check=*/nullptr, ElementTypes::Float});
}

} // namespace kiln::onnx
