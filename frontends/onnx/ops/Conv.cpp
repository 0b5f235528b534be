//===- Conv.cpp - Import ONNX Conv, ConvTranspose and pooling -------------===//
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

/// Builds \p OpTy with \p numResults results whose types come from the op's
/// shape rule (createInferred() for multi-result ops).
template <typename OpTy, typename... Args>
mlir::FailureOr<OpTy> createInferredResults(mlir::OpBuilder &b,
                                            mlir::Location loc,
                                            unsigned numResults,
                                            Args &&...args) {
  mlir::Type placeholder = mlir::UnrankedTensorType::get(b.getF32Type());
  llvm::SmallVector<mlir::Type> types(numResults, placeholder);
  auto op = b.create<OpTy>(loc, mlir::TypeRange(types),
                           std::forward<Args>(args)...);
  llvm::SmallVector<mlir::Type> inferred;
  if (mlir::failed(OpTy::inferReturnTypes(b.getContext(), loc,
                                          typename OpTy::Adaptor(op),
                                          inferred))) {
    op->erase();
    return mlir::failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), inferred))
    result.setType(type);
  return op;
}

/// Splits a total padding into (begin, end): the odd unit goes to the end
/// for SAME_UPPER and to the beginning otherwise (ONNX ConvTranspose). A
/// negative total (a requested output larger than the full one) extends the
/// end.
std::pair<int64_t, int64_t> splitPadding(int64_t total, bool sameUpper) {
  if (total < 0)
    return {0, total};
  int64_t half = total / 2;
  return sameUpper ? std::pair<int64_t, int64_t>{half, total - half}
                   : std::pair<int64_t, int64_t>{total - half, half};
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

mlir::LogicalResult importConvTranspose(NodeImporter &n) {
  auto input = n.inputType(0), filter = n.inputType(1);
  auto group = n.intAttr("group", 1);
  auto autoPad = n.stringAttr("auto_pad", std::string("NOTSET"));
  if (mlir::failed(input) || mlir::failed(filter) || mlir::failed(group) ||
      mlir::failed(autoPad))
    return mlir::failure();
  int64_t spatial = input->getRank() - 2;
  if (spatial < 1 || filter->getRank() != input->getRank())
    return n.emitError() << "input must be [N, C, D1, ...] and the filter "
                            "[C, M / group, K1, ...], got "
                         << formatShape(input->getShape()) << " and "
                         << formatShape(filter->getShape());
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
  llvm::SmallVector<int64_t> ones(spatial, 1), zeros(spatial, 0),
      zeroPads(2 * spatial, 0);
  auto strides = n.intsAttr("strides", ones);
  auto dilations = n.intsAttr("dilations", ones);
  auto outputPadding = n.intsAttr("output_padding", zeros);
  auto pads = n.intsAttr("pads", zeroPads);
  if (mlir::failed(strides) || mlir::failed(dilations) ||
      mlir::failed(outputPadding) || mlir::failed(pads))
    return mlir::failure();
  if (static_cast<int64_t>(strides->size()) != spatial ||
      static_cast<int64_t>(dilations->size()) != spatial ||
      static_cast<int64_t>(outputPadding->size()) != spatial ||
      static_cast<int64_t>(pads->size()) != 2 * spatial)
    return n.emitError() << "strides, dilations and output_padding need "
                         << spatial << " entries and pads " << 2 * spatial
                         << " for a rank-" << input->getRank() << " input";
  if (*autoPad != "NOTSET" && n.hasAttr("pads"))
    return n.emitError() << "'pads' and auto_pad='" << *autoPad
                         << "' are mutually exclusive";

  // output_shape, or SAME_* (output = input * stride), decide the pads.
  std::optional<llvm::SmallVector<int64_t>> outShape;
  if (n.hasAttr("output_shape")) {
    auto declared = n.intsAttr("output_shape", std::nullopt);
    if (mlir::failed(declared))
      return mlir::failure();
    llvm::ArrayRef<int64_t> dims = *declared;
    if (static_cast<int64_t>(dims.size()) == spatial + 2)
      dims = dims.drop_front(2); // Some exporters include N and C.
    if (static_cast<int64_t>(dims.size()) != spatial)
      return n.emitError() << "output_shape " << formatShape(*declared)
                           << " needs " << spatial << " spatial entries";
    outShape = llvm::SmallVector<int64_t>(dims);
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    outShape = llvm::SmallVector<int64_t>();
    for (int64_t i = 0; i < spatial; ++i)
      outShape->push_back(input->getDimSize(i + 2) * (*strides)[i]);
  } else if (*autoPad == "VALID") {
    *pads = zeroPads;
  }
  if (outShape) {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t full = (*strides)[i] * (input->getDimSize(i + 2) - 1) +
                     (*outputPadding)[i] + (kernel[i] - 1) * (*dilations)[i] +
                     1;
      auto [begin, end] =
          splitPadding(full - (*outShape)[i], *autoPad == "SAME_UPPER");
      (*pads)[i] = begin;
      (*pads)[spatial + i] = end;
    }
  }
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<ConvTransposeOp>(
      b, n.loc(), *n.input(0), *n.input(1), n.optionalInput(2),
      b.getDenseI64ArrayAttr(*strides), b.getDenseI64ArrayAttr(*pads),
      b.getDenseI64ArrayAttr(*dilations),
      b.getDenseI64ArrayAttr(*outputPadding), b.getI64IntegerAttr(*group)));
}

mlir::LogicalResult importMaxPool(NodeImporter &n) {
  auto input = n.inputType(0);
  auto kernel = n.intsAttr("kernel_shape", std::nullopt);
  auto ceil = n.intAttr("ceil_mode", 0);
  auto order = n.intAttr("storage_order", 0);
  if (mlir::failed(input) || mlir::failed(kernel) || mlir::failed(ceil) ||
      mlir::failed(order))
    return mlir::failure();
  auto w = readWindow(n, *input, *kernel, /*hasDilations=*/true);
  if (mlir::failed(w))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  if (n.node().output_size() > 1 && !n.node().output(1).empty()) {
    auto op = createInferredResults<MaxPoolWithIndicesOp>(
        b, n.loc(), 2, *n.input(0), b.getDenseI64ArrayAttr(w->kernel),
        b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
        b.getDenseI64ArrayAttr(w->dilations), b.getBoolAttr(*ceil != 0),
        b.getI64IntegerAttr(*order));
    if (mlir::failed(op))
      return mlir::failure();
    return n.setResults(op->getResults());
  }
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

mlir::LogicalResult importLpPool(NodeImporter &n) {
  auto input = n.inputType(0);
  auto kernel = n.intsAttr("kernel_shape", std::nullopt);
  auto p = n.intAttr("p", 2);
  if (mlir::failed(input) || mlir::failed(kernel) || mlir::failed(p))
    return mlir::failure();
  // LpPool has no dilations before opset 18.
  auto w = readWindow(n, *input, *kernel, /*hasDilations=*/false);
  if (mlir::failed(w))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<LpPoolOp>(
      b, n.loc(), *n.input(0), b.getDenseI64ArrayAttr(w->kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      b.getDenseI64ArrayAttr(w->dilations), b.getI64IntegerAttr(*p)));
}

template <typename OpTy>
OpImporter globalPool(const char *opType) {
  return {opType, {}, [](NodeImporter &n) {
            auto x = n.input(0);
            if (mlir::failed(x))
              return mlir::failure();
            return n.setResult(
                createInferred<OpTy>(n.builder(), n.loc(), *x));
          },
          /*check=*/nullptr, ElementTypes::Float};
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
                  if (auto why =
                          checkAttrValue(node, "storage_order", {"0", "1"}))
                    return why;
                  return checkAutoPad(node);
                },
                // Floats, int8 and uint8 (the ops' ODS constraints).
                ElementTypes::Any});
  registry.add({"AveragePool",
                {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape",
                 "pads", "strides"},
                importAveragePool, checkAutoPad, ElementTypes::Float});
  registry.add({"ConvTranspose",
                {"auto_pad", "dilations", "group", "kernel_shape",
                 "output_padding", "output_shape", "pads", "strides"},
                importConvTranspose, checkAutoPad, ElementTypes::Float});
  registry.add({"LpPool",
                {"auto_pad", "kernel_shape", "p", "pads", "strides"},
                importLpPool, checkAutoPad, ElementTypes::Float});
  registry.add(globalPool<GlobalAveragePoolOp>("GlobalAveragePool"));
  registry.add(globalPool<GlobalMaxPoolOp>("GlobalMaxPool"));
}

} // namespace kiln::onnx
