//===- Shape.cpp - Import ONNX shape and data-movement ops ----------------===//
//
// Shape-deciding inputs (Reshape's shape, Slice's starts, Pad's pads, ...)
// must be compile-time constants: kiln compiles static shapes only. They are
// initializers, Constant nodes, or values the importer folded (Shape and
// Size are constants at import, and any op over constants folds), so the
// shape arithmetic exporters emit arrives here as constants.
//
// Ops without a kiln op of their own decompose here (see ir/ops/Movement.td):
// Squeeze/Unsqueeze into reshape, Split into slices, Tile into
// reshape-expand-reshape, DepthToSpace/SpaceToDepth into
// reshape-transpose-reshape, and Shape/Size/ConstantOfShape/Range into
// constants.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "frontends/onnx/Tensors.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln::onnx {
namespace {

using Shape = llvm::SmallVector<int64_t>;

/// \returns a kiln.reshape of \p input to \p shape (same element count).
mlir::Value reshape(NodeImporter &n, mlir::Value input,
                    llvm::ArrayRef<int64_t> shape) {
  auto type = mlir::RankedTensorType::get(
      shape, mlir::cast<mlir::RankedTensorType>(input.getType())
                 .getElementType());
  if (type == input.getType())
    return input;
  return n.builder().create<ReshapeOp>(n.loc(), type, input);
}

/// Binds output 0 to a kiln.constant holding \p value.
mlir::LogicalResult setConstant(NodeImporter &n, mlir::DenseElementsAttr value) {
  return n.setResult(
      n.builder().create<ConstantOp>(n.loc(), value).getResult());
}

/// \returns \p axes made non-negative against \p rank, checked for repeats.
mlir::FailureOr<Shape> normalizeAxes(NodeImporter &n,
                                     llvm::ArrayRef<int64_t> axes,
                                     int64_t rank) {
  Shape normalized;
  for (int64_t axis : axes) {
    auto a = n.normalizeAxis(axis, rank);
    if (mlir::failed(a))
      return mlir::failure();
    if (llvm::is_contained(normalized, *a))
      return n.emitError() << "axes " << formatShape(axes)
                           << " name an axis twice";
    normalized.push_back(*a);
  }
  return normalized;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

mlir::LogicalResult importShape(NodeImporter &n) {
  auto input = n.inputType(0);
  auto start = n.intAttr("start", 0);
  if (mlir::failed(input) || mlir::failed(start))
    return mlir::failure();
  int64_t rank = input->getRank();
  auto end = n.intAttr("end", rank);
  if (mlir::failed(end))
    return mlir::failure();
  // Negative ends count from the back; both clamp to [0, rank].
  auto clamp = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t from = clamp(*start), to = std::max(clamp(*end), from);
  Shape dims(input->getShape().slice(from, to - from));
  auto type = mlir::RankedTensorType::get({to - from},
                                          n.builder().getI64Type());
  return setConstant(n, mlir::DenseElementsAttr::get(
                            type, llvm::ArrayRef<int64_t>(dims)));
}

mlir::LogicalResult importSize(NodeImporter &n) {
  auto input = n.inputType(0);
  if (mlir::failed(input))
    return mlir::failure();
  auto type = mlir::RankedTensorType::get({}, n.builder().getI64Type());
  return setConstant(
      n, mlir::DenseElementsAttr::get(type, input->getNumElements()));
}

mlir::LogicalResult importConstantOfShape(NodeImporter &n) {
  auto shape = n.constantInts(0);
  if (mlir::failed(shape))
    return mlir::failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return n.emitError() << "shape " << formatShape(*shape)
                         << " has a negative dim";
  mlir::Attribute scalar = n.builder().getF32FloatAttr(0.0f);
  if (n.hasAttr("value")) {
    auto tensor = n.tensorAttr("value");
    if (mlir::failed(tensor))
      return mlir::failure();
    mlir::Type element =
        elementType(n.builder().getContext(), (*tensor)->data_type());
    if (!element)
      return n.emitError() << "value of type "
                           << elementTypeName((*tensor)->data_type())
                           << " is not supported";
    std::string why;
    auto attr = tensorToAttr(**tensor,
                             mlir::RankedTensorType::get({1}, element), "",
                             "value", why);
    if (mlir::failed(attr))
      return n.emitError() << "attribute 'value' " << why;
    scalar = *mlir::cast<mlir::DenseElementsAttr>(*attr)
                  .getValues<mlir::Attribute>()
                  .begin();
  }
  auto type = mlir::RankedTensorType::get(
      *shape, mlir::cast<mlir::TypedAttr>(scalar).getType());
  return setConstant(n, mlir::DenseElementsAttr::get(type, scalar));
}

mlir::LogicalResult importRange(NodeImporter &n) {
  mlir::DenseElementsAttr operands[3];
  for (int i = 0; i < 3; ++i) {
    operands[i] = n.constantInput(i);
    if (!operands[i])
      return n.emitNotConstant(i, "scalar");
    if (operands[i].getNumElements() != 1)
      return n.emitError() << "input " << i << " must be a scalar";
  }
  mlir::Type element = operands[0].getElementType();
  int64_t count;
  llvm::SmallVector<mlir::Attribute> values;
  if (auto floatType = mlir::dyn_cast<mlir::FloatType>(element)) {
    double start = (*operands[0].getValues<llvm::APFloat>().begin())
                       .convertToDouble();
    double limit = (*operands[1].getValues<llvm::APFloat>().begin())
                       .convertToDouble();
    double delta = (*operands[2].getValues<llvm::APFloat>().begin())
                       .convertToDouble();
    if (delta == 0)
      return n.emitError() << "delta must be non-zero";
    count = std::max<int64_t>(std::ceil((limit - start) / delta), 0);
    for (int64_t i = 0; i < count; ++i)
      values.push_back(
          n.builder().getFloatAttr(floatType, start + i * delta));
  } else {
    auto get = [](mlir::DenseElementsAttr a) {
      return (*a.getValues<llvm::APInt>().begin()).getSExtValue();
    };
    int64_t start = get(operands[0]), limit = get(operands[1]),
            delta = get(operands[2]);
    if (delta == 0)
      return n.emitError() << "delta must be non-zero";
    // ceil((limit - start) / delta) in integers.
    int64_t span = limit - start;
    count = span / delta + ((span % delta != 0) && ((span < 0) == (delta < 0)));
    count = std::max<int64_t>(count, 0);
    for (int64_t i = 0; i < count; ++i)
      values.push_back(n.builder().getIntegerAttr(element, start + i * delta));
  }
  auto type = mlir::RankedTensorType::get({count}, element);
  return setConstant(n, mlir::DenseElementsAttr::get(type, values));
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

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

mlir::LogicalResult importReshape(NodeImporter &n) {
  auto input = n.inputType(0);
  auto target = n.constantInts(1);
  auto allowZero = n.intAttr("allowzero", 0);
  if (mlir::failed(input) || mlir::failed(target) || mlir::failed(allowZero))
    return mlir::failure();
  // 0 copies the input dim (unless allowzero); one -1 takes what is left.
  Shape shape(*target);
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
  if (shapeProduct(shape) != total)
    return n.emitError() << "cannot reshape " << formatShape(input->getShape())
                         << " (" << total << " elements) to "
                         << formatShape(shape);
  return n.setResult(reshape(n, *n.input(0), shape));
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

mlir::LogicalResult importSqueeze(NodeImporter &n) {
  auto input = n.inputType(0);
  if (mlir::failed(input))
    return mlir::failure();
  int64_t rank = input->getRank();
  Shape axes;
  if (n.hasInput(1)) {
    auto given = n.constantInts(1);
    if (mlir::failed(given))
      return mlir::failure();
    auto normalized = normalizeAxes(n, *given, rank);
    if (mlir::failed(normalized))
      return mlir::failure();
    axes = *normalized;
    for (int64_t a : axes)
      if (input->getDimSize(a) != 1)
        return n.emitError() << "cannot squeeze axis " << a << " of size "
                             << input->getDimSize(a) << " in "
                             << formatShape(input->getShape());
  } else {
    for (int64_t d = 0; d < rank; ++d)
      if (input->getDimSize(d) == 1)
        axes.push_back(d);
  }
  Shape shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      shape.push_back(input->getDimSize(d));
  return n.setResult(reshape(n, *n.input(0), shape));
}

mlir::LogicalResult importUnsqueeze(NodeImporter &n) {
  auto input = n.inputType(0);
  auto given = n.constantInts(1);
  if (mlir::failed(input) || mlir::failed(given))
    return mlir::failure();
  int64_t rank = input->getRank() + given->size();
  auto axes = normalizeAxes(n, *given, rank);
  if (mlir::failed(axes))
    return mlir::failure();
  Shape shape;
  auto dims = input->getShape();
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(llvm::is_contained(*axes, d) ? 1 : dims[next++]);
  return n.setResult(reshape(n, *n.input(0), shape));
}

mlir::LogicalResult importTranspose(NodeImporter &n) {
  auto input = n.inputType(0);
  if (mlir::failed(input))
    return mlir::failure();
  Shape reversed(input->getRank());
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  auto perm = n.intsAttr("perm", reversed);
  if (mlir::failed(perm))
    return mlir::failure();
  return n.setResult(createInferred<TransposeOp>(
      n.builder(), n.loc(), *n.input(0),
      n.builder().getDenseI64ArrayAttr(*perm)));
}

/// DepthToSpace and SpaceToDepth: reshape to \p split, permute by \p perm,
/// reshape to \p result (the ONNX definition of both operators).
mlir::LogicalResult reshapeTransposeReshape(NodeImporter &n, mlir::Value input,
                                            llvm::ArrayRef<int64_t> split,
                                            llvm::ArrayRef<int64_t> perm,
                                            llvm::ArrayRef<int64_t> result) {
  auto transposed = createInferred<TransposeOp>(
      n.builder(), n.loc(), reshape(n, input, split),
      n.builder().getDenseI64ArrayAttr(perm));
  if (mlir::failed(transposed))
    return mlir::failure();
  return n.setResult(reshape(n, transposed->getResult(), result));
}

mlir::LogicalResult importDepthToSpace(NodeImporter &n) {
  auto input = n.inputType(0);
  auto block = n.intAttr("blocksize", std::nullopt);
  auto mode = n.stringAttr("mode", std::string("DCR"));
  if (mlir::failed(input) || mlir::failed(block) || mlir::failed(mode))
    return mlir::failure();
  int64_t b = *block;
  if (input->getRank() != 4 || b < 1 || input->getDimSize(1) % (b * b) != 0)
    return n.emitError() << "input " << formatShape(input->getShape())
                         << " must be [N, C, H, W] with C divisible by "
                            "blocksize^2 = "
                         << b * b;
  int64_t batch = input->getDimSize(0), c = input->getDimSize(1) / (b * b),
          h = input->getDimSize(2), w = input->getDimSize(3);
  Shape result = {batch, c, h * b, w * b};
  if (*mode == "DCR")
    return reshapeTransposeReshape(n, *n.input(0), {batch, b, b, c, h, w},
                                   {0, 3, 4, 1, 5, 2}, result);
  return reshapeTransposeReshape(n, *n.input(0), {batch, c, b, b, h, w},
                                 {0, 1, 4, 2, 5, 3}, result);
}

mlir::LogicalResult importSpaceToDepth(NodeImporter &n) {
  auto input = n.inputType(0);
  auto block = n.intAttr("blocksize", std::nullopt);
  if (mlir::failed(input) || mlir::failed(block))
    return mlir::failure();
  int64_t b = *block;
  if (input->getRank() != 4 || b < 1 || input->getDimSize(2) % b != 0 ||
      input->getDimSize(3) % b != 0)
    return n.emitError() << "input " << formatShape(input->getShape())
                         << " must be [N, C, H, W] with H and W divisible "
                            "by blocksize "
                         << b;
  int64_t batch = input->getDimSize(0), c = input->getDimSize(1),
          h = input->getDimSize(2) / b, w = input->getDimSize(3) / b;
  return reshapeTransposeReshape(n, *n.input(0), {batch, c, h, b, w, b},
                                 {0, 3, 5, 1, 2, 4}, {batch, c * b * b, h, w});
}

//===----------------------------------------------------------------------===//
// Joins, windows, broadcasts
//===----------------------------------------------------------------------===//

mlir::LogicalResult importConcat(NodeImporter &n) {
  llvm::SmallVector<mlir::Value> inputs;
  for (int i = 0; i < n.node().input_size(); ++i) {
    auto value = n.input(i);
    if (mlir::failed(value))
      return mlir::failure();
    inputs.push_back(*value);
  }
  auto axisValue = n.intAttr("axis", std::nullopt);
  if (inputs.empty() || mlir::failed(axisValue))
    return inputs.empty() ? n.emitError() << "needs at least one input"
                          : mlir::failure();
  auto axis = n.normalizeAxis(
      *axisValue,
      mlir::cast<mlir::RankedTensorType>(inputs[0].getType()).getRank());
  if (mlir::failed(axis))
    return mlir::failure();
  return n.setResult(createInferred<ConcatOp>(
      n.builder(), n.loc(), inputs, n.builder().getI64IntegerAttr(*axis)));
}

/// Builds a kiln.slice of \p input; \p starts, \p sizes and \p steps
/// cover every dim.
mlir::FailureOr<mlir::Value> slice(NodeImporter &n, mlir::Value input,
                                   llvm::ArrayRef<int64_t> starts,
                                   llvm::ArrayRef<int64_t> sizes,
                                   llvm::ArrayRef<int64_t> steps) {
  auto op = createInferred<SliceOp>(n.builder(), n.loc(), input,
                                    n.builder().getDenseI64ArrayAttr(starts),
                                    n.builder().getDenseI64ArrayAttr(sizes),
                                    n.builder().getDenseI64ArrayAttr(steps));
  if (mlir::failed(op))
    return mlir::failure();
  return op->getResult();
}

mlir::LogicalResult importSlice(NodeImporter &n) {
  auto input = n.inputType(0);
  auto begins = n.constantInts(1), ends = n.constantInts(2);
  if (mlir::failed(input) || mlir::failed(begins) || mlir::failed(ends))
    return mlir::failure();
  int64_t rank = input->getRank();
  Shape axes(begins->size()), steps(begins->size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (n.hasInput(3)) {
    auto given = n.constantInts(3);
    if (mlir::failed(given))
      return mlir::failure();
    axes = *given;
  }
  if (n.hasInput(4)) {
    auto given = n.constantInts(4);
    if (mlir::failed(given))
      return mlir::failure();
    steps = *given;
  }
  if (ends->size() != begins->size() || axes.size() != begins->size() ||
      steps.size() != begins->size())
    return n.emitError() << "starts, ends, axes and steps must have one entry "
                            "each per sliced axis, got "
                         << begins->size() << ", " << ends->size() << ", "
                         << axes.size() << " and " << steps.size();
  auto normalized = normalizeAxes(n, axes, rank);
  if (mlir::failed(normalized))
    return mlir::failure();
  Shape starts(rank, 0), sizes(input->getShape()), strides(rank, 1);
  for (auto [i, axis] : llvm::enumerate(*normalized)) {
    int64_t dim = input->getDimSize(axis), step = steps[i];
    if (step == 0)
      return n.emitError() << "steps " << formatShape(steps)
                           << " must be non-zero";
    // ONNX: negative starts/ends count from the back, then clamp; a
    // negative step clamps to [-1, dim - 1] so that the first element can
    // be included.
    int64_t begin = (*begins)[i], end = (*ends)[i];
    if (begin < 0)
      begin = begin < -dim ? 0 : begin + dim;
    if (end < 0)
      end = end < -dim ? (step > 0 ? 0 : -1) : end + dim;
    int64_t count;
    if (step > 0) {
      begin = std::min(begin, dim);
      end = std::min(end, dim);
      count = end > begin ? (end - begin + step - 1) / step : 0;
    } else {
      begin = std::min(begin, dim - 1);
      end = std::min(end, dim - 1);
      count = begin > end ? (begin - end - step - 1) / -step : 0;
    }
    starts[axis] = count > 0 ? begin : 0;
    sizes[axis] = count;
    strides[axis] = step;
  }
  auto result = slice(n, *n.input(0), starts, sizes, strides);
  if (mlir::failed(result))
    return mlir::failure();
  return n.setResult(*result);
}

mlir::LogicalResult importSplit(NodeImporter &n) {
  auto input = n.inputType(0);
  auto axisValue = n.intAttr("axis", 0);
  if (mlir::failed(input) || mlir::failed(axisValue))
    return mlir::failure();
  auto axis = n.normalizeAxis(*axisValue, input->getRank());
  if (mlir::failed(axis))
    return mlir::failure();
  int64_t dim = input->getDimSize(*axis);
  int64_t outputs = n.node().output_size();
  Shape parts;
  if (n.hasInput(1)) {
    auto given = n.constantInts(1);
    if (mlir::failed(given))
      return mlir::failure();
    parts = *given;
  } else if (n.hasAttr("num_outputs") || outputs > 0) {
    // Opset 18's num_outputs, or one part per output: equal parts, the last
    // one smaller when the dim does not divide.
    auto count = n.intAttr("num_outputs", outputs);
    if (mlir::failed(count))
      return mlir::failure();
    if (*count < 1)
      return n.emitError() << "num_outputs must be positive";
    int64_t size = (dim + *count - 1) / *count;
    for (int64_t i = 0; i < *count; ++i)
      parts.push_back(std::max<int64_t>(std::min(size, dim - i * size), 0));
  }
  if (static_cast<int64_t>(parts.size()) != outputs ||
      llvm::any_of(parts, [](int64_t p) { return p < 0; }) ||
      std::accumulate(parts.begin(), parts.end(), int64_t(0)) != dim)
    return n.emitError() << "split " << formatShape(parts) << " must have "
                         << outputs << " non-negative entries adding up to "
                         << dim << " (dim " << *axis << " of "
                         << formatShape(input->getShape()) << ")";
  llvm::SmallVector<mlir::Value> results;
  int64_t offset = 0;
  int64_t rank = input->getRank();
  for (int64_t part : parts) {
    Shape starts(rank, 0), sizes(input->getShape()), steps(rank, 1);
    starts[*axis] = part > 0 ? offset : 0;
    sizes[*axis] = part;
    auto result = slice(n, *n.input(0), starts, sizes, steps);
    if (mlir::failed(result))
      return mlir::failure();
    results.push_back(*result);
    offset += part;
  }
  return n.setResults(results);
}

mlir::LogicalResult importExpand(NodeImporter &n) {
  auto shape = n.constantInts(1);
  auto input = n.input(0);
  if (mlir::failed(shape) || mlir::failed(input))
    return mlir::failure();
  return n.setResult(createInferred<ExpandOp>(
      n.builder(), n.loc(), *input, n.builder().getDenseI64ArrayAttr(*shape)));
}

mlir::LogicalResult importTile(NodeImporter &n) {
  auto input = n.inputType(0);
  auto repeats = n.constantInts(1);
  if (mlir::failed(input) || mlir::failed(repeats))
    return mlir::failure();
  int64_t rank = input->getRank();
  if (static_cast<int64_t>(repeats->size()) != rank ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return n.emitError() << "repeats " << formatShape(*repeats) << " must have "
                         << rank << " non-negative entries";
  // [d0, d1] -> [1, d0, 1, d1] -> expand [r0, d0, r1, d1] -> [r0*d0, r1*d1].
  Shape interleaved, expanded, result;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input->getDimSize(d), r = (*repeats)[d];
    interleaved.append({1, dim});
    expanded.append({r, dim});
    result.push_back(r * dim);
  }
  mlir::Value x = reshape(n, *n.input(0), interleaved);
  auto broadcast = createInferred<ExpandOp>(
      n.builder(), n.loc(), x, n.builder().getDenseI64ArrayAttr(expanded));
  if (mlir::failed(broadcast))
    return mlir::failure();
  return n.setResult(reshape(n, broadcast->getResult(), result));
}

/// Trilu. A constant k becomes the attribute; a run-time k (data, not a
/// shape: the result shape never depends on it) becomes the op's operand.
mlir::LogicalResult importTrilu(NodeImporter &n) {
  auto input = n.input(0);
  auto upper = n.intAttr("upper", 1);
  if (mlir::failed(input) || mlir::failed(upper))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  mlir::IntegerAttr k;
  mlir::Value dynamicK;
  if (n.hasInput(1)) {
    auto type = n.inputType(1);
    if (mlir::failed(type))
      return mlir::failure();
    if (type->getRank() > 1 || type->getNumElements() != 1)
      return n.emitError() << "k must be a scalar";
    if (n.constantInput(1)) {
      auto given = n.constantInts(1);
      if (mlir::failed(given))
        return mlir::failure();
      k = b.getI64IntegerAttr(given->front());
    } else {
      dynamicK = *n.input(1);
    }
  } else {
    k = b.getI64IntegerAttr(0);
  }
  return n.setResult(createInferred<TriluOp>(
      b, n.loc(), *input, dynamicK, b.getBoolAttr(*upper != 0), k));
}

mlir::LogicalResult importPad(NodeImporter &n) {
  auto input = n.inputType(0);
  auto given = n.constantInts(1);
  auto mode = n.stringAttr("mode", std::string("constant"));
  if (mlir::failed(input) || mlir::failed(given) || mlir::failed(mode))
    return mlir::failure();
  int64_t rank = input->getRank();
  // Opset 18's axes input names the dims `pads` covers; all by default.
  Shape axes(rank);
  std::iota(axes.begin(), axes.end(), 0);
  if (n.hasInput(3)) {
    auto listed = n.constantInts(3);
    if (mlir::failed(listed))
      return mlir::failure();
    auto normalized = normalizeAxes(n, *listed, rank);
    if (mlir::failed(normalized))
      return mlir::failure();
    axes = *normalized;
  }
  int64_t count = axes.size();
  if (static_cast<int64_t>(given->size()) != 2 * count)
    return n.emitError() << "pads " << formatShape(*given) << " must have "
                         << 2 * count << " entries";
  Shape pads(2 * rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    pads[axis] = (*given)[i];
    pads[rank + axis] = (*given)[count + i];
  }
  // constant_value is data: a constant becomes the attribute, a run-time
  // value the op's operand (only constant mode reads it).
  double value = 0.0;
  mlir::Value dynamicValue;
  if (n.hasInput(2) && *mode == "constant") {
    if (n.constantInput(2)) {
      auto scalar = n.constantScalar(2);
      if (mlir::failed(scalar))
        return mlir::failure();
      value = *scalar;
    } else {
      dynamicValue = *n.input(2);
    }
  }
  mlir::Value x = *n.input(0);
  // Negative pads crop: slice first, then pad by the non-negative rest.
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    Shape starts(rank, 0), sizes(input->getShape()), steps(rank, 1);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t low = std::max<int64_t>(-pads[d], 0),
              high = std::max<int64_t>(-pads[rank + d], 0);
      sizes[d] = std::max<int64_t>(input->getDimSize(d) - low - high, 0);
      starts[d] = sizes[d] > 0 ? low : 0;
      pads[d] = std::max<int64_t>(pads[d], 0);
      pads[rank + d] = std::max<int64_t>(pads[rank + d], 0);
    }
    auto cropped = slice(n, x, starts, sizes, steps);
    if (mlir::failed(cropped))
      return mlir::failure();
    x = *cropped;
  }
  return n.setResult(createInferred<PadOp>(
      n.builder(), n.loc(), x, dynamicValue,
      n.builder().getDenseI64ArrayAttr(pads),
      n.builder().getF64FloatAttr(value), n.builder().getStringAttr(*mode)));
}

} // namespace

void registerShapeOps(OpRegistry &registry) {
  registry.add({"Shape", {"start", "end"}, importShape});
  registry.add({"Size", {}, importSize});
  registry.add({"ConstantOfShape", {"value"}, importConstantOfShape});
  registry.add({"Range", {}, importRange});
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
  registry.add({"Reshape", {"allowzero"}, importReshape});
  registry.add({"Flatten", {"axis"}, importFlatten});
  registry.add({"Squeeze", {}, importSqueeze});
  registry.add({"Unsqueeze", {}, importUnsqueeze});
  registry.add({"Transpose", {"perm"}, importTranspose});
  registry.add({"DepthToSpace", {"blocksize", "mode"}, importDepthToSpace,
                [](const ::onnx::NodeProto &node) {
                  return checkAttrValue(node, "mode", {"DCR", "CRD"});
                }});
  registry.add({"SpaceToDepth", {"blocksize"}, importSpaceToDepth});
  registry.add({"Concat", {"axis"}, importConcat});
  registry.add({"Slice", {}, importSlice});
  registry.add({"Split", {"axis", "num_outputs"}, importSplit});
  registry.add({"Expand", {}, importExpand});
  registry.add({"Tile", {}, importTile});
  registry.add({"Trilu", {"upper"}, importTrilu});
  registry.add({"Pad", {"mode"}, importPad,
                [](const ::onnx::NodeProto &node) {
                  return checkAttrValue(node, "mode",
                                        {"constant", "reflect", "edge"});
                }});
}

} // namespace kiln::onnx
