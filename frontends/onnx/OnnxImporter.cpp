//===- OnnxImporter.cpp - ONNX models to kiln IR --------------------------===//
//
// Walks the (topologically sorted) graph once. Before building anything it
// collects every unsupported feature of the model so that one error lists
// them all. Initializers and Constant nodes are materialised lazily at the
// top of @main, so tensors used only as compile-time constants (a Reshape's
// shape) leave no op behind. After each node, the kiln ops it created whose
// operands are all constants are folded (each op's `fold` hook) into
// `kiln.constant`s, which later nodes read as compile-time constants: the
// shape arithmetic of exported models (Shape -> Gather -> Concat -> Reshape)
// disappears at import, and constants left without users are erased.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/OnnxImporter.h"

#include "frontends/onnx/NodeImporter.h"
#include "frontends/onnx/Tensors.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <map>

namespace kiln::onnx {

namespace {
std::string displayName(const ::onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : std::string("<unnamed>");
}
} // namespace

//===----------------------------------------------------------------------===//
// Support checks
//===----------------------------------------------------------------------===//

std::optional<std::string> checkAttrValue(const ::onnx::NodeProto &node,
                                          llvm::StringRef name,
                                          llvm::ArrayRef<std::string> allowed) {
  for (const auto &attr : node.attribute()) {
    if (attr.name() != name)
      continue;
    std::string value;
    if (attr.type() == ::onnx::AttributeProto::INT)
      value = std::to_string(attr.i());
    else if (attr.type() == ::onnx::AttributeProto::STRING)
      value = attr.s();
    else
      return std::nullopt; // A type error; the importer reports it.
    if (llvm::is_contained(allowed, value))
      return std::nullopt;
    return "attribute " + name.str() + "=" +
           (attr.type() == ::onnx::AttributeProto::STRING ? "'" + value + "'"
                                                          : value) +
           " of " + node.op_type();
  }
  return std::nullopt;
}

std::vector<Unsupported> findUnsupported(const ::onnx::ModelProto &model) {
  llvm::MapVector<std::string, std::vector<std::string>,
                  std::map<std::string, unsigned>>
      found;
  const OpRegistry &registry = OpRegistry::get();
  const auto &graph = model.graph();
  // Element types of every tensor whose type is known (after ONNX shape
  // inference, all of them).
  llvm::StringMap<int32_t> elementTypes;
  for (const auto *infos : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const auto &info : *infos)
      if (info.type().has_tensor_type())
        elementTypes[info.name()] = info.type().tensor_type().elem_type();
  for (const auto &init : graph.initializer())
    elementTypes[init.name()] = init.data_type();
  auto isUnsigned = [](int32_t type) {
    return type == ::onnx::TensorProto::UINT8 ||
           type == ::onnx::TensorProto::UINT16 ||
           type == ::onnx::TensorProto::UINT32 ||
           type == ::onnx::TensorProto::UINT64;
  };
  auto isFloat = [](int32_t type) {
    return type == ::onnx::TensorProto::FLOAT ||
           type == ::onnx::TensorProto::DOUBLE ||
           type == ::onnx::TensorProto::FLOAT16 ||
           type == ::onnx::TensorProto::BFLOAT16;
  };
  for (const auto &node : graph.node()) {
    std::string name = displayName(node);
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    const OpImporter *op =
        defaultDomain ? registry.lookup(node.op_type()) : nullptr;
    if (!op) {
      std::string type = defaultDomain ? node.op_type()
                                       : node.domain() + "." + node.op_type();
      found["operator '" + type + "'"].push_back(name);
      continue;
    }
    for (const auto &attr : node.attribute())
      if (!llvm::is_contained(op->attributes, attr.name()))
        found["attribute '" + attr.name() + "' of " + node.op_type()]
            .push_back(name);
    if (op->check)
      if (std::optional<std::string> why = op->check(node))
        found[*why].push_back(name);
    if (op->types != ElementTypes::Any && node.input_size() > 0) {
      auto it = elementTypes.find(node.input(0));
      int32_t type = it == elementTypes.end() ? 0 : it->second;
      bool ok = type == 0 || isFloat(type) ||
                (op->types == ElementTypes::FloatOrSigned && !isUnsigned(type));
      if (!ok)
        found["operator '" + node.op_type() + "' on " + elementTypeName(type) +
              " tensors"]
            .push_back(name);
    }
  }

  // Element types of every typed tensor: inputs, outputs, intermediates.
  mlir::MLIRContext probe(mlir::MLIRContext::Threading::DISABLED);
  auto checkType = [&](const ::onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type())
      return;
    int32_t elem = info.type().tensor_type().elem_type();
    if (elem != 0 && !elementType(&probe, elem))
      found["element type " + elementTypeName(elem)].push_back(info.name());
  };
  for (const auto &info : graph.input())
    checkType(info);
  for (const auto &info : graph.value_info())
    checkType(info);
  for (const auto &info : graph.output())
    checkType(info);

  std::vector<Unsupported> result;
  for (auto &[what, where] : found)
    result.push_back({what, std::move(where)});
  return result;
}

std::string formatUnsupported(const std::vector<Unsupported> &unsupported) {
  size_t uses = 0;
  for (const auto &u : unsupported)
    uses += u.where.size();
  std::string text = "the model uses " + std::to_string(unsupported.size()) +
                     " unsupported feature" +
                     (unsupported.size() == 1 ? "" : "s") + " (" +
                     std::to_string(uses) + " use" + (uses == 1 ? "" : "s") +
                     "):";
  constexpr size_t kMaxNames = 6;
  for (const auto &u : unsupported) {
    text += "\n  " + u.what + " x" + std::to_string(u.where.size()) + ": ";
    for (size_t i = 0; i < u.where.size() && i < kMaxNames; ++i)
      text += (i ? ", " : "") + u.where[i];
    if (u.where.size() > kMaxNames)
      text += ", ... (" + std::to_string(u.where.size() - kMaxNames) + " more)";
  }
  return text;
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseOps(r);
    registerLinearOps(r);
    registerConvOps(r);
    registerNormalizationOps(r);
    registerShapeOps(r);
    registerIndexingOps(r);
    registerReductionOps(r);
    registerRecurrentOps(r);
    registerActivationOps(r);
    return r;
  }();
  return registry;
}

const OpImporter *OpRegistry::lookup(llvm::StringRef opType) const {
  for (const auto &op : importers)
    if (op.opType == opType)
      return &op;
  return nullptr;
}

std::vector<std::string> OpRegistry::opTypes() const {
  std::vector<std::string> types;
  for (const auto &op : importers)
    types.push_back(op.opType);
  llvm::sort(types);
  return types;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext *context, const LoadedModel &model)
      : context(context), model(model), builder(context),
        prologue(context) {}

  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> run();

  mlir::Location fileLoc() { return fileLocation(context, model.path); }
  mlir::Location tensorLoc(llvm::StringRef name) {
    return mlir::NameLoc::get(mlir::StringAttr::get(context, name), fileLoc());
  }

  /// \returns the value of tensor \p name, materialising initializers and
  /// constants on first use.
  mlir::FailureOr<mlir::Value> lookup(llvm::StringRef name,
                                      mlir::Location user);
  /// \returns the tensor proto behind \p name if it is a compile-time
  /// constant (initializer or Constant node output), else null.
  const ::onnx::TensorProto *constantTensor(llvm::StringRef name) const {
    auto it = constants.find(name);
    return it == constants.end() ? nullptr : it->second;
  }
  /// Records a Constant node's value under \p name.
  void bindConstant(llvm::StringRef name, ::onnx::TensorProto tensor) {
    constants[name] = &ownedTensors.emplace_back(std::move(tensor));
  }
  void bind(llvm::StringRef name, mlir::Value value) { values[name] = value; }
  /// \returns the static type ONNX shape inference gives \p name, if any.
  mlir::RankedTensorType onnxType(llvm::StringRef name) const;
  /// \returns the contents of tensor \p name if it is a compile-time
  /// constant: an initializer, a Constant node's output, or a value that
  /// import-time folding made a `kiln.constant`; else null. Values held as
  /// resource blobs (large tensors) are not returned.
  mlir::DenseElementsAttr constantValue(llvm::StringRef name);
  /// Import-time constant folding of the ops \p node's importer created
  /// (those after \p before in \p block): an op whose operands are all
  /// constants and whose `fold` yields attributes is replaced by
  /// `kiln.constant`s, so that shape computations (Shape -> Gather ->
  /// Concat -> Reshape) become compile-time constants for later nodes.
  void foldNodeOps(const ::onnx::NodeProto &node, mlir::Block *block,
                   mlir::Operation *before);

  mlir::MLIRContext *context;
  const LoadedModel &model;
  mlir::OpBuilder builder;

private:
  mlir::RankedTensorType typeOf(const ::onnx::TypeProto &type) const;

  mlir::OpBuilder prologue; ///< Inserts initializers at the top of @main.
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<const ::onnx::TensorProto *> constants;
  llvm::StringSet<> initializerNames;
  llvm::StringMap<const ::onnx::TypeProto *> declaredTypes;
  std::deque<::onnx::TensorProto> ownedTensors;
};

mlir::RankedTensorType
GraphImporter::typeOf(const ::onnx::TypeProto &type) const {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return nullptr;
  mlir::Type element = elementType(context, type.tensor_type().elem_type());
  if (!element)
    return nullptr;
  llvm::SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      return nullptr;
    shape.push_back(dim.dim_value());
  }
  return mlir::RankedTensorType::get(shape, element);
}

mlir::RankedTensorType GraphImporter::onnxType(llvm::StringRef name) const {
  auto it = declaredTypes.find(name);
  return it == declaredTypes.end() ? nullptr : typeOf(*it->second);
}

mlir::DenseElementsAttr GraphImporter::constantValue(llvm::StringRef name) {
  if (const ::onnx::TensorProto *tensor = constantTensor(name)) {
    mlir::Type element = elementType(context, tensor->data_type());
    if (!element)
      return nullptr;
    auto type = mlir::RankedTensorType::get(
        llvm::SmallVector<int64_t>(tensor->dims().begin(),
                                   tensor->dims().end()),
        element);
    std::string why;
    auto attr = tensorToAttr(*tensor, type, model.baseDir, name, why);
    return mlir::succeeded(attr)
               ? mlir::dyn_cast<mlir::DenseElementsAttr>(*attr)
               : nullptr;
  }
  auto it = values.find(name);
  mlir::DenseElementsAttr attr;
  if (it != values.end() && it->second &&
      mlir::matchPattern(it->second, mlir::m_Constant(&attr)))
    return attr;
  return nullptr;
}

void GraphImporter::foldNodeOps(const ::onnx::NodeProto &node,
                                mlir::Block *block, mlir::Operation *before) {
  auto begin = before ? std::next(before->getIterator()) : block->begin();
  auto *dialect = context->getLoadedDialect<KilnDialect>();
  for (mlir::Operation &op :
       llvm::make_early_inc_range(llvm::make_range(begin, block->end()))) {
    if (op.getNumOperands() == 0 || op.hasTrait<mlir::OpTrait::ConstantLike>() ||
        op.getDialect() != dialect)
      continue;
    llvm::SmallVector<mlir::Attribute> operands;
    for (mlir::Value operand : op.getOperands()) {
      mlir::Attribute attr;
      if (!mlir::matchPattern(operand, mlir::m_Constant(&attr)))
        break;
      operands.push_back(attr);
    }
    llvm::SmallVector<mlir::OpFoldResult> folded;
    if (operands.size() != op.getNumOperands() ||
        mlir::failed(op.fold(operands, folded)) || folded.empty())
      continue;
    // Attributes, or identities onto another constant (`x * 1` with x a
    // constant); an op that folded in place (a value result that is not a
    // constant) is left to canonicalisation.
    if (!llvm::all_of(llvm::zip(op.getResults(), folded), [](auto pair) {
          auto [result, r] = pair;
          if (mlir::isa<mlir::Attribute>(r))
            return true;
          auto value = mlir::cast<mlir::Value>(r);
          return value != result && value.getType() == result.getType() &&
                 mlir::matchPattern(value, mlir::m_Constant());
        }))
      continue;
    builder.setInsertionPoint(&op);
    llvm::SmallVector<mlir::Value> replacements;
    for (auto [result, r] : llvm::zip(op.getResults(), folded)) {
      if (auto value = mlir::dyn_cast<mlir::Value>(r)) {
        replacements.push_back(value);
        continue;
      }
      mlir::Operation *constant = dialect->materializeConstant(
          builder, mlir::cast<mlir::Attribute>(r), result.getType(),
          op.getLoc());
      if (!constant)
        break;
      replacements.push_back(constant->getResult(0));
    }
    if (replacements.size() != op.getNumResults()) {
      for (auto [made, r] : llvm::zip(replacements, folded))
        if (mlir::isa<mlir::Attribute>(r))
          made.getDefiningOp()->erase();
      continue;
    }
    for (const std::string &name : node.output())
      if (auto it = values.find(name); it != values.end())
        for (auto [result, replacement] :
             llvm::zip(op.getResults(), replacements))
          if (it->second == result)
            it->second = replacement;
    op.replaceAllUsesWith(replacements);
    op.erase();
  }
  builder.setInsertionPointToEnd(block);
}

mlir::FailureOr<mlir::Value> GraphImporter::lookup(llvm::StringRef name,
                                                   mlir::Location user) {
  if (auto it = values.find(name); it != values.end())
    return it->second;
  const ::onnx::TensorProto *tensor = constantTensor(name);
  if (!tensor)
    return mlir::emitError(user) << "tensor '" << name << "' is not defined";
  mlir::Type element = elementType(context, tensor->data_type());
  if (!element)
    return mlir::emitError(tensorLoc(name))
           << "tensor '" << name << "' has unsupported element type "
           << elementTypeName(tensor->data_type());
  auto type = mlir::RankedTensorType::get(
      llvm::SmallVector<int64_t>(tensor->dims().begin(), tensor->dims().end()),
      element);
  std::string why;
  auto attr = tensorToAttr(*tensor, type, model.baseDir, name, why);
  if (mlir::failed(attr))
    return mlir::emitError(tensorLoc(name))
           << "tensor '" << name << "' " << why;
  // Float initializers are trainable parameters; everything else (integer
  // tensors, Constant nodes) is a constant.
  mlir::Operation *op;
  if (initializerNames.contains(name) && mlir::isa<mlir::FloatType>(element))
    op = prologue.create<ParamOp>(tensorLoc(name), name, *attr);
  else
    op = prologue.create<ConstantOp>(tensorLoc(name), *attr);
  prologue.setInsertionPointAfter(op);
  values[name] = op->getResult(0);
  return op->getResult(0);
}

mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> GraphImporter::run() {
  const auto &graph = model.proto.graph();
  for (const auto &init : graph.initializer()) {
    constants[init.name()] = &init;
    initializerNames.insert(init.name());
  }
  for (const auto &info : graph.input())
    declaredTypes[info.name()] = &info.type();
  for (const auto &info : graph.value_info())
    declaredTypes[info.name()] = &info.type();
  for (const auto &info : graph.output())
    declaredTypes[info.name()] = &info.type();

  std::vector<Unsupported> unsupported = findUnsupported(model.proto);
  if (!unsupported.empty())
    return mlir::emitError(fileLoc()) << formatUnsupported(unsupported);

  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(fileLoc());
  module->getOperation()->setAttr("kiln.source",
                                  builder.getStringAttr(model.path));
  module->getOperation()->setAttr(
      "kiln.opset", builder.getI64IntegerAttr(defaultOpset(model.proto)));
  if (model.originalOpset != defaultOpset(model.proto))
    module->getOperation()->setAttr(
        "kiln.source_opset", builder.getI64IntegerAttr(model.originalOpset));

  // Graph inputs that are also initializers are parameters, not arguments
  // (ONNX IR < 4 listed every initializer as an input).
  llvm::SmallVector<const ::onnx::ValueInfoProto *> inputs;
  llvm::SmallVector<mlir::Type> inputTypes;
  for (const auto &info : graph.input()) {
    if (constants.count(info.name()))
      continue;
    mlir::RankedTensorType type = typeOf(info.type());
    if (!type)
      return mlir::emitError(tensorLoc(info.name()))
             << "graph input '" << info.name()
             << "' has no static tensor type after shape specialisation";
    inputs.push_back(&info);
    inputTypes.push_back(type);
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<mlir::func::FuncOp>(
      fileLoc(), "main", builder.getFunctionType(inputTypes, {}));
  mlir::Block *entry = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(inputs)) {
    entry->getArgument(i).setLoc(tensorLoc(info->name()));
    func.setArgAttr(i, "kiln.name", builder.getStringAttr(info->name()));
    values[info->name()] = entry->getArgument(i);
  }
  builder.setInsertionPointToEnd(entry);
  prologue.setInsertionPointToStart(entry);

  const OpRegistry &registry = OpRegistry::get();
  for (const auto &node : graph.node()) {
    NodeImporter importer(*this, node,
                          nodeLocation(context, model.path, node));
    mlir::Operation *before = entry->empty() ? nullptr : &entry->back();
    if (mlir::failed(registry.lookup(node.op_type())->import(importer)))
      return mlir::failure();
    foldNodeOps(node, entry, before);
  }

  llvm::SmallVector<mlir::Value> results;
  for (const auto &info : graph.output()) {
    auto value = lookup(info.name(), tensorLoc(info.name()));
    if (mlir::failed(value))
      return mlir::failure();
    results.push_back(*value);
  }
  builder.create<mlir::func::ReturnOp>(fileLoc(), results);
  // Constants that only decided shapes (folded Shape -> ... -> Reshape
  // chains) leave nothing behind.
  for (mlir::Operation &op :
       llvm::make_early_inc_range(entry->without_terminator()))
    if (mlir::isa<ConstantOp>(op) && op.use_empty())
      op.erase();
  func.setFunctionType(builder.getFunctionType(
      inputTypes, mlir::ValueRange(results).getTypes()));
  for (auto [i, info] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "kiln.name", builder.getStringAttr(info.name()));

  if (mlir::failed(mlir::verify(*module)))
    return mlir::failure();
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(GraphImporter &graph, const ::onnx::NodeProto &node,
                           mlir::Location loc)
    : graph(graph), nodeProto(node), location(loc) {}

mlir::OpBuilder &NodeImporter::builder() { return graph.builder; }

int64_t NodeImporter::sourceOpset() const { return graph.model.originalOpset; }

mlir::InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(location)
         << nodeProto.op_type() << " node '" << displayName(nodeProto)
         << "': ";
}

bool NodeImporter::hasInput(size_t index) const {
  return static_cast<int>(index) < nodeProto.input_size() &&
         !nodeProto.input(index).empty();
}

mlir::FailureOr<mlir::Value> NodeImporter::input(size_t index) {
  if (!hasInput(index))
    return emitError() << "input " << index << " is required";
  return graph.lookup(nodeProto.input(index), location);
}

mlir::FailureOr<mlir::RankedTensorType> NodeImporter::inputType(size_t index) {
  auto value = input(index);
  if (mlir::failed(value))
    return mlir::failure();
  return mlir::cast<mlir::RankedTensorType>(value->getType());
}

mlir::Value NodeImporter::optionalInput(size_t index) {
  if (!hasInput(index))
    return nullptr;
  auto value = graph.lookup(nodeProto.input(index), location);
  return mlir::succeeded(value) ? *value : nullptr;
}

mlir::DenseElementsAttr NodeImporter::constantInput(size_t index) {
  if (!hasInput(index))
    return nullptr;
  return graph.constantValue(nodeProto.input(index));
}

mlir::InFlightDiagnostic NodeImporter::emitNotConstant(size_t index,
                                                       llvm::StringRef what) {
  return emitError() << "input " << index << " ('" << nodeProto.input(index)
                     << "') must be a compile-time constant " << what
                     << " (an initializer, a Constant node, or computed from "
                        "constants and static shapes): kiln compiles static "
                        "shapes only";
}

mlir::FailureOr<llvm::SmallVector<int64_t>>
NodeImporter::constantInts(size_t index) {
  if (!hasInput(index))
    return emitError() << "input " << index << " is required";
  if (const ::onnx::TensorProto *tensor =
          graph.constantTensor(nodeProto.input(index))) {
    std::string why;
    auto values = tensorToInts(*tensor, graph.model.baseDir, why);
    if (mlir::failed(values))
      return emitError() << "input " << index << " ('"
                         << nodeProto.input(index) << "') " << why;
    return values;
  }
  mlir::DenseElementsAttr attr = constantInput(index);
  if (!attr)
    return emitNotConstant(index, "integer tensor");
  auto intType = mlir::dyn_cast<mlir::IntegerType>(attr.getElementType());
  if (!intType || intType.getWidth() < 32)
    return emitError() << "input " << index << " ('" << nodeProto.input(index)
                       << "') must be INT64 or INT32, got "
                       << attr.getElementType();
  llvm::SmallVector<int64_t> values;
  for (const llvm::APInt &v : attr.getValues<llvm::APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

mlir::FailureOr<double> NodeImporter::constantScalar(size_t index) {
  if (!hasInput(index))
    return emitError() << "input " << index
                       << " must be a compile-time constant scalar";
  mlir::DenseElementsAttr dense = constantInput(index);
  if (!dense)
    return emitNotConstant(index, "scalar");
  if (dense.getNumElements() != 1)
    return emitError() << "input " << index << " ('" << nodeProto.input(index)
                       << "') must be a one-element numeric tensor";
  mlir::Type element = dense.getElementType();
  if (mlir::isa<mlir::FloatType>(element))
    return (*dense.getValues<llvm::APFloat>().begin()).convertToDouble();
  if (element.isInteger(1))
    return *dense.getValues<bool>().begin() ? 1.0 : 0.0;
  const llvm::APInt &v = *dense.getValues<llvm::APInt>().begin();
  return static_cast<double>(element.isUnsignedInteger() ? v.getZExtValue()
                                                         : v.getSExtValue());
}

mlir::FailureOr<llvm::SmallVector<double>>
NodeImporter::constantFloats(size_t index) {
  const ::onnx::TensorProto *tensor =
      hasInput(index) ? graph.constantTensor(nodeProto.input(index)) : nullptr;
  if (!tensor)
    return emitError() << "input " << index << " ('"
                       << (hasInput(index) ? nodeProto.input(index) : "")
                       << "') must be a compile-time constant (an "
                          "initializer or a Constant node)";
  mlir::Type element = elementType(graph.context, tensor->data_type());
  llvm::SmallVector<int64_t> dims(tensor->dims().begin(), tensor->dims().end());
  std::string why = "has an unsupported element type";
  mlir::FailureOr<mlir::ElementsAttr> attr = mlir::failure();
  if (element)
    attr = tensorToAttr(*tensor, mlir::RankedTensorType::get(dims, element),
                        graph.model.baseDir, nodeProto.input(index), why);
  auto dense = mlir::succeeded(attr)
                   ? mlir::dyn_cast<mlir::DenseElementsAttr>(*attr)
                   : nullptr;
  if (!dense)
    return emitError() << "input " << index << " ('" << nodeProto.input(index)
                       << "') " << (mlir::failed(attr) ? why : "is too large");
  llvm::SmallVector<double> values;
  if (mlir::isa<mlir::FloatType>(element)) {
    for (const llvm::APFloat &v : dense.getValues<llvm::APFloat>())
      values.push_back(v.convertToDouble());
  } else {
    for (const llvm::APInt &v : dense.getValues<llvm::APInt>())
      values.push_back(static_cast<double>(v.getSExtValue()));
  }
  return values;
}

void NodeImporter::bindConstant(::onnx::TensorProto tensor) {
  graph.bindConstant(nodeProto.output(0), std::move(tensor));
}

const ::onnx::AttributeProto *
NodeImporter::findAttr(llvm::StringRef name) const {
  for (const auto &attr : nodeProto.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeImporter::hasAttr(llvm::StringRef name) const {
  return findAttr(name) != nullptr;
}

mlir::LogicalResult
NodeImporter::expectType(const ::onnx::AttributeProto &attr,
                         ::onnx::AttributeProto::AttributeType type) {
  if (attr.type() == type)
    return mlir::success();
  return emitError() << "attribute '" << attr.name() << "' must be "
                     << ::onnx::AttributeProto::AttributeType_Name(type)
                     << ", got "
                     << ::onnx::AttributeProto::AttributeType_Name(attr.type());
}

mlir::FailureOr<int64_t> NodeImporter::intAttr(llvm::StringRef name,
                                               std::optional<int64_t> fallback) {
  const auto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << "attribute '" << name << "' is required";
  }
  if (mlir::failed(expectType(*attr, ::onnx::AttributeProto::INT)))
    return mlir::failure();
  return attr->i();
}

mlir::FailureOr<float> NodeImporter::floatAttr(llvm::StringRef name,
                                               std::optional<float> fallback) {
  const auto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << "attribute '" << name << "' is required";
  }
  if (mlir::failed(expectType(*attr, ::onnx::AttributeProto::FLOAT)))
    return mlir::failure();
  return attr->f();
}

mlir::FailureOr<std::string>
NodeImporter::stringAttr(llvm::StringRef name,
                         std::optional<std::string> fallback) {
  const auto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << "attribute '" << name << "' is required";
  }
  if (mlir::failed(expectType(*attr, ::onnx::AttributeProto::STRING)))
    return mlir::failure();
  return attr->s();
}

mlir::FailureOr<llvm::SmallVector<int64_t>>
NodeImporter::intsAttr(llvm::StringRef name,
                       std::optional<llvm::SmallVector<int64_t>> fallback) {
  const auto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << "attribute '" << name << "' is required";
  }
  if (mlir::failed(expectType(*attr, ::onnx::AttributeProto::INTS)))
    return mlir::failure();
  return llvm::SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

mlir::FailureOr<const ::onnx::TensorProto *>
NodeImporter::tensorAttr(llvm::StringRef name) {
  const auto *attr = findAttr(name);
  if (!attr)
    return emitError() << "attribute '" << name << "' is required";
  if (mlir::failed(expectType(*attr, ::onnx::AttributeProto::TENSOR)))
    return mlir::failure();
  return &attr->t();
}

mlir::FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis,
                                                     int64_t rank) {
  if (axis < -rank || axis >= rank)
    return emitError() << "axis " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}

mlir::LogicalResult NodeImporter::setResults(mlir::ValueRange results) {
  for (int i = 0; i < nodeProto.output_size(); ++i) {
    const std::string &name = nodeProto.output(i);
    if (name.empty())
      continue;
    if (i >= static_cast<int>(results.size()))
      return emitError() << "output " << i << " ('" << name
                         << "') is not supported";
    mlir::Value value = results[i];
    if (mlir::RankedTensorType expected = graph.onnxType(name);
        expected && expected != value.getType())
      return emitError() << "kiln computes " << value.getType()
                         << " for output '" << name
                         << "' but ONNX shape inference says " << expected;
    graph.bind(name, value);
  }
  return mlir::success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void registerImportDialects(mlir::DialectRegistry &registry) {
  registry.insert<KilnDialect, mlir::func::FuncDialect>();
}

mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext *context, const LoadedModel &model) {
  mlir::DialectRegistry registry;
  registerImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();
  GraphImporter importer(context, model);
  return importer.run();
}

mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext *context, llvm::StringRef path,
                const LoadOptions &options) {
  auto model = loadModelFile(context, path, options);
  if (mlir::failed(model))
    return mlir::failure();
  return importModel(context, *model);
}

} // namespace kiln::onnx
