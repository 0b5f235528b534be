//===- Recurrent.cpp - Import ONNX RNN, LSTM and GRU ----------------------===//
//
// Each layer becomes one kiln op (kiln.rnn, kiln.lstm, kiln.gru) with every
// ONNX default made explicit: `hidden_size` (from R when absent), one
// activation per function and direction, and one alpha and beta per
// activation, consumed from `activation_alpha`/`activation_beta` in order by
// the activations that take them (as ONNX Runtime does).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"
#include "ir/ops/RecurrentActivations.h"

namespace kiln::onnx {
namespace {

/// What distinguishes the three layer kinds at import.
struct LayerKind {
  llvm::StringLiteral opType;
  int64_t gates;
  int numOutputs;
  /// Default activations of one direction.
  llvm::ArrayRef<llvm::StringLiteral> defaultActivations;
};

const ::onnx::AttributeProto *findAttr(const ::onnx::NodeProto &node,
                                       llvm::StringRef name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t directionsOf(const ::onnx::NodeProto &node) {
  const auto *attr = findAttr(node, "direction");
  return attr && attr->s() == "bidirectional" ? 2 : 1;
}

/// Checked before import so that every unsupported feature is reported at
/// once: direction, layout and activation names.
std::optional<std::string> checkRecurrent(const ::onnx::NodeProto &node,
                                          const LayerKind &kind) {
  if (auto why = checkAttrValue(node, "direction",
                                {"forward", "reverse", "bidirectional"}))
    return why;
  if (auto why = checkAttrValue(node, "layout", {"0", "1"}))
    return why;
  if (const auto *attr = findAttr(node, "activations")) {
    for (const std::string &name : attr->strings())
      if (!findRecurrentActivation(name))
        return "activation '" + name + "' of " + node.op_type();
    size_t perDirection = kind.defaultActivations.size();
    size_t count = attr->strings_size();
    if (count != perDirection * directionsOf(node) && count != perDirection)
      return "attribute activations with " + std::to_string(count) +
             " entries of " + node.op_type();
  }
  return std::nullopt;
}

/// Reads a FLOATS attribute; absent means empty.
mlir::FailureOr<llvm::SmallVector<float>> floatsAttr(NodeImporter &n,
                                                     llvm::StringRef name) {
  const auto *attr = findAttr(n.node(), name);
  if (!attr)
    return llvm::SmallVector<float>();
  if (attr->type() != ::onnx::AttributeProto::FLOATS)
    return n.emitError() << "attribute '" << name << "' must be FLOATS";
  return llvm::SmallVector<float>(attr->floats().begin(),
                                  attr->floats().end());
}

mlir::LogicalResult importRecurrent(NodeImporter &n, const LayerKind &kind) {
  mlir::OpBuilder &b = n.builder();
  auto x = n.input(0), w = n.input(1), r = n.input(2);
  auto rType = n.inputType(2);
  auto direction = n.stringAttr("direction", std::string("forward"));
  auto layout = n.intAttr("layout", 0);
  auto alphas = floatsAttr(n, "activation_alpha");
  auto betas = floatsAttr(n, "activation_beta");
  if (mlir::failed(x) || mlir::failed(w) || mlir::failed(r) ||
      mlir::failed(rType) || mlir::failed(direction) || mlir::failed(layout) ||
      mlir::failed(alphas) || mlir::failed(betas))
    return mlir::failure();
  if (rType->getRank() != 3)
    return n.emitError() << "R must have rank 3, got "
                         << formatShape(rType->getShape());
  auto hidden = n.intAttr("hidden_size", rType->getDimSize(2));
  if (mlir::failed(hidden))
    return mlir::failure();
  int64_t dirs = *direction == "bidirectional" ? 2 : 1;

  // Activation names, replicated for the reverse direction when a
  // bidirectional layer lists one direction's only.
  llvm::SmallVector<std::string> names;
  if (const auto *attr = findAttr(n.node(), "activations"))
    names.assign(attr->strings().begin(), attr->strings().end());
  else
    for (llvm::StringRef name : kind.defaultActivations)
      names.push_back(name.str());
  if (dirs == 2 && names.size() == kind.defaultActivations.size())
    names.append(llvm::SmallVector<std::string>(names));

  llvm::SmallVector<mlir::Attribute> activations;
  llvm::SmallVector<float> alpha, beta;
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : names) {
    const RecurrentActivationInfo *info = findRecurrentActivation(name);
    if (!info)
      return n.emitError() << "unknown activation '" << name << "'";
    activations.push_back(b.getStringAttr(info->name));
    float a = info->defaultAlpha, c = info->defaultBeta;
    if (info->takesAlpha && nextAlpha < alphas->size())
      a = (*alphas)[nextAlpha++];
    if (info->takesBeta && nextBeta < betas->size())
      c = (*betas)[nextBeta++];
    alpha.push_back(a);
    beta.push_back(c);
  }

  mlir::FloatAttr clip;
  if (n.hasAttr("clip")) {
    auto value = n.floatAttr("clip", std::nullopt);
    if (mlir::failed(value))
      return mlir::failure();
    clip = b.getF32FloatAttr(*value);
  }

  mlir::Location loc = n.loc();
  mlir::Type placeholder = mlir::UnrankedTensorType::get(b.getF32Type());
  auto hiddenAttr = b.getI64IntegerAttr(*hidden);
  auto directionAttr = b.getStringAttr(*direction);
  auto activationsAttr = b.getArrayAttr(activations);
  auto alphaAttr = b.getDenseF32ArrayAttr(alpha);
  auto betaAttr = b.getDenseF32ArrayAttr(beta);
  auto layoutAttr = b.getI64IntegerAttr(*layout);
  mlir::Operation *op;
  if (kind.opType == "LSTM") {
    auto inputForget = n.intAttr("input_forget", 0);
    if (mlir::failed(inputForget))
      return mlir::failure();
    op = b.create<LstmOp>(loc, placeholder, placeholder, placeholder, *x, *w,
                          *r, n.optionalInput(3), n.optionalInput(4),
                          n.optionalInput(5), n.optionalInput(6),
                          n.optionalInput(7), hiddenAttr, directionAttr,
                          activationsAttr, alphaAttr, betaAttr, clip,
                          b.getBoolAttr(*inputForget != 0), layoutAttr);
  } else if (kind.opType == "GRU") {
    auto linearBeforeReset = n.intAttr("linear_before_reset", 0);
    if (mlir::failed(linearBeforeReset))
      return mlir::failure();
    op = b.create<GruOp>(loc, placeholder, placeholder, *x, *w, *r,
                         n.optionalInput(3), n.optionalInput(4),
                         n.optionalInput(5), hiddenAttr, directionAttr,
                         activationsAttr, alphaAttr, betaAttr, clip,
                         b.getBoolAttr(*linearBeforeReset != 0), layoutAttr);
  } else {
    op = b.create<RnnOp>(loc, placeholder, placeholder, *x, *w, *r,
                         n.optionalInput(3), n.optionalInput(4),
                         n.optionalInput(5), hiddenAttr, directionAttr,
                         activationsAttr, alphaAttr, betaAttr, clip,
                         layoutAttr);
  }

  // Result types from the op's shape rule; its diagnostics name the node.
  llvm::SmallVector<mlir::Type, 3> inferred;
  auto infer = mlir::cast<mlir::InferTypeOpInterface>(op);
  if (mlir::failed(infer.inferReturnTypes(
          b.getContext(), loc, op->getOperands(), op->getAttrDictionary(),
          op->getPropertiesStorage(), op->getRegions(), inferred))) {
    op->erase();
    return mlir::failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), inferred))
    result.setType(type);
  return n.setResults(op->getResults());
}

const llvm::StringLiteral kRnnActivations[] = {"Tanh"};
const LayerKind kRnn = {"RNN", 1, 2, kRnnActivations};
const llvm::StringLiteral kLstmActivations[] = {"Sigmoid", "Tanh", "Tanh"};
const LayerKind kLstm = {"LSTM", 4, 3, kLstmActivations};
const llvm::StringLiteral kGruActivations[] = {"Sigmoid", "Tanh"};
const LayerKind kGru = {"GRU", 3, 2, kGruActivations};

OpImporter recurrentImporter(const LayerKind &kind,
                             std::vector<std::string> extraAttributes) {
  std::vector<std::string> attributes = {
      "activation_alpha", "activation_beta", "activations", "clip",
      "direction",        "hidden_size",     "layout"};
  attributes.insert(attributes.end(), extraAttributes.begin(),
                    extraAttributes.end());
  return {kind.opType.str(), attributes,
          [&kind](NodeImporter &n) { return importRecurrent(n, kind); },
          [&kind](const ::onnx::NodeProto &node) {
            return checkRecurrent(node, kind);
          },
          ElementTypes::Float};
}

} // namespace

void registerRecurrentOps(OpRegistry &registry) {
  registry.add(recurrentImporter(kRnn, {}));
  registry.add(recurrentImporter(kLstm, {"input_forget"}));
  registry.add(recurrentImporter(kGru, {"linear_before_reset"}));
}

} // namespace kiln::onnx
