//===- NodeImporter.h - What an op importer sees of its ONNX node -*- C++ -*-===//
//
// Op importers (ops/*.cpp) turn one onnx::NodeProto into kiln ops through a
// NodeImporter: typed attribute access with defaults, operand lookup,
// compile-time constant inputs, and result binding. Every diagnostic it emits
// is located at the node. Importers see opset kTargetOpset only: the loader
// has converted the model before they run.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTENDS_ONNX_NODEIMPORTER_H
#define KILN_FRONTENDS_ONNX_NODEIMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kiln::onnx {

class GraphImporter;

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const ::onnx::NodeProto &node,
               mlir::Location loc);

  const ::onnx::NodeProto &node() const { return nodeProto; }
  mlir::OpBuilder &builder();
  mlir::Location loc() const { return location; }
  /// The default-domain opset the model had before the loader converted it
  /// (0 if none), for the few semantics the ONNX converter does not adapt.
  int64_t sourceOpset() const;
  mlir::InFlightDiagnostic emitError();

  /// \returns true if input \p index is present (ONNX marks an omitted
  /// optional input with an empty name or by ending the list early).
  bool hasInput(size_t index) const;
  /// \returns input \p index; emits an error if it is absent.
  mlir::FailureOr<mlir::Value> input(size_t index);
  /// \returns input \p index's ranked type; emits an error if absent.
  mlir::FailureOr<mlir::RankedTensorType> inputType(size_t index);
  /// \returns input \p index, or a null Value if it is absent.
  mlir::Value optionalInput(size_t index);
  /// \returns the contents of input \p index if it is a compile-time
  /// constant: an initializer, a Constant node's output, or a value that
  /// import-time folding made constant (Shape -> Gather -> Concat chains);
  /// else (or when absent) null.
  mlir::DenseElementsAttr constantInput(size_t index);
  /// Emits "input I ('name') must be a compile-time constant <what> ...".
  mlir::InFlightDiagnostic emitNotConstant(size_t index, llvm::StringRef what);

  /// \returns the integer contents of input \p index, which must be a
  /// compile-time constant (see constantInput).
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(size_t index);

  /// \returns the single value of input \p index, which must be a
  /// compile-time constant scalar (or one-element tensor).
  mlir::FailureOr<double> constantScalar(size_t index);

  /// \returns the contents of input \p index as doubles (any numeric element
  /// type), which must be a compile-time constant (Resize's scales and roi).
  mlir::FailureOr<llvm::SmallVector<double>> constantFloats(size_t index);

  bool hasAttr(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef name,
                                   std::optional<int64_t> fallback);
  mlir::FailureOr<float> floatAttr(llvm::StringRef name,
                                   std::optional<float> fallback);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef name,
                                          std::optional<std::string> fallback);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name,
           std::optional<llvm::SmallVector<int64_t>> fallback);
  mlir::FailureOr<const ::onnx::TensorProto *> tensorAttr(llvm::StringRef name);

  /// Makes \p axis (in [-rank, rank)) non-negative; emits an error otherwise.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

  /// Binds the node's outputs to \p values, in order. Checks each type
  /// against the one ONNX shape inference computed, where it is static.
  mlir::LogicalResult setResults(mlir::ValueRange values);

  /// Binds output 0 to the compile-time constant \p tensor (Constant nodes).
  void bindConstant(::onnx::TensorProto tensor);

  /// Binds output 0 to the result of \p op (a createInferred() result);
  /// the usual tail of an importer.
  template <typename OpTy>
  mlir::LogicalResult setResult(mlir::FailureOr<OpTy> op) {
    if (mlir::failed(op))
      return mlir::failure();
    return setResults((*op)->getResult(0));
  }
  mlir::LogicalResult setResult(mlir::Value value) { return setResults(value); }

private:
  const ::onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  mlir::LogicalResult expectType(const ::onnx::AttributeProto &attr,
                                 ::onnx::AttributeProto::AttributeType type);

  GraphImporter &graph;
  const ::onnx::NodeProto &nodeProto;
  mlir::Location location;
};

/// Why a node cannot be imported, or std::nullopt if it can.
using SupportCheck =
    std::function<std::optional<std::string>(const ::onnx::NodeProto &)>;

/// Which element types an op importer accepts.
enum class ElementTypes {
  Any,           ///< Whatever the kiln op's ODS constraint allows.
  Float,         ///< Floating-point only (activations, conv, pooling, ...).
  FloatOrSigned, ///< Floats and signless integers: the arithmetic lowering
                 ///< has no unsigned integer ops yet.
};

/// One supported ONNX operator.
struct OpImporter {
  std::string opType;
  /// Attributes the importer understands; any other one is unsupported.
  std::vector<std::string> attributes;
  /// Converts the node. Runs only on nodes that passed the checks.
  std::function<mlir::LogicalResult(NodeImporter &)> import;
  /// Optional check of attribute values and arity, run before import so that
  /// every unsupported feature of a model is reported at once.
  SupportCheck check = nullptr;
  /// Element types input 0 may have; others are reported as unsupported.
  ElementTypes types = ElementTypes::Any;
};

/// The table of op importers, keyed by ONNX op type (default domain).
class OpRegistry {
public:
  /// \returns the registry with every op kiln imports.
  static const OpRegistry &get();

  const OpImporter *lookup(llvm::StringRef opType) const;
  /// \returns the supported op types, sorted.
  std::vector<std::string> opTypes() const;

  void add(OpImporter importer) { importers.push_back(std::move(importer)); }

private:
  std::vector<OpImporter> importers;
};

/// Per-family registration, one per file in ops/.
void registerElementwiseOps(OpRegistry &registry);
void registerLinearOps(OpRegistry &registry);
void registerConvOps(OpRegistry &registry);
void registerNormalizationOps(OpRegistry &registry);
void registerShapeOps(OpRegistry &registry);
void registerIndexingOps(OpRegistry &registry);
void registerReductionOps(OpRegistry &registry);
void registerRecurrentOps(OpRegistry &registry);
void registerActivationOps(OpRegistry &registry);

/// Reason text helper for SupportCheck: an attribute whose value is not
/// supported.
std::optional<std::string> checkAttrValue(const ::onnx::NodeProto &node,
                                          llvm::StringRef name,
                                          llvm::ArrayRef<std::string> allowed);

} // namespace kiln::onnx

#endif // KILN_FRONTENDS_ONNX_NODEIMPORTER_H
