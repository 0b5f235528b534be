//===- Inspect.cpp - `kiln inspect`: a report on an ONNX model ------------===//

#include "compiler/Inspect.h"

#include "frontends/onnx/OnnxImporter.h"
#include "frontends/onnx/Tensors.h"
#include "compiler/MemoryPlan.h"
#include "compiler/Pipeline.h"
#include "compiler/Registry.h"
#include "compiler/Compile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

#include <map>

namespace kiln {
namespace {

std::string typeText(const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return "(not a tensor)";
  const auto &tensor = type.tensor_type();
  std::string text = onnx::elementTypeName(tensor.elem_type());
  if (!tensor.has_shape())
    return text + " (unknown shape)";
  text += " [";
  for (int i = 0; i < tensor.shape().dim_size(); ++i) {
    const auto &dim = tensor.shape().dim(i);
    text += (i ? ", " : "") + (dim.has_dim_value()
                                   ? std::to_string(dim.dim_value())
                                   : dim.has_dim_param() ? dim.dim_param()
                                                         : std::string("?"));
  }
  return text + "]";
}

/// Bytes an initializer occupies once loaded (bool: 1 byte per element).
int64_t elementBytes(int32_t type) {
  switch (type) {
  case ::onnx::TensorProto::DOUBLE: case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64: case ::onnx::TensorProto::COMPLEX64:
    return 8;
  case ::onnx::TensorProto::FLOAT: case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
    return 4;
  case ::onnx::TensorProto::FLOAT16: case ::onnx::TensorProto::BFLOAT16:
  case ::onnx::TensorProto::INT16: case ::onnx::TensorProto::UINT16:
    return 2;
  case ::onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 1;
  }
}

/// 1234567 -> "1,234,567".
std::string grouped(int64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

/// Compiles \p path down to buffers and \returns the memory plan's summary
/// line, or why there is none.
std::string planSummary(mlir::MLIRContext *context, llvm::StringRef path) {
  // Diagnostics of this trial compile become the reason, not errors.
  std::string reason;
  mlir::ScopedDiagnosticHandler quiet(context, [&](mlir::Diagnostic &d) {
    if (reason.empty() && d.getSeverity() == mlir::DiagnosticSeverity::Error)
      reason = d.str();
    return mlir::success();
  });
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  context->appendDialectRegistry(registry);
  auto module = onnx::importModelFile(context, path, onnx::LoadOptions());
  if (mlir::failed(module))
    return "not planned: " + reason;
  mlir::PassManager pm(context);
  buildGraphPipeline(pm);
  buildBufferizePipeline(pm);
  if (mlir::failed(pm.run(**module)))
    return "not planned: " + reason;
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  auto attr = main ? main->getAttrOfType<mlir::DictionaryAttr>("kiln.memory_plan")
                   : nullptr;
  if (!attr)
    return "not planned";
  MemoryPlan plan = memoryPlanFromAttr(attr, "main");
  double ratio = plan.lowerBound ? double(plan.arenaBytes) / plan.lowerBound : 1.0;
  return fmt::format("scratch arena {} ({} buffers); lower bound {} "
                     "(largest live set), {:.2f}x; naive sum {}",
                     formatBytes(plan.arenaBytes), plan.buffers.size(),
                     formatBytes(plan.lowerBound), ratio,
                     formatBytes(plan.naiveBytes));
}

} // namespace

mlir::LogicalResult inspectModel(mlir::MLIRContext *context,
                                 llvm::StringRef path, llvm::raw_ostream &os) {
  onnx::LoadOptions options;
  options.normalize = false;
  auto loaded = onnx::loadModelFile(context, path, options);
  if (mlir::failed(loaded))
    return mlir::failure();
  const ::onnx::ModelProto &model = loaded->proto;
  const ::onnx::GraphProto &graph = model.graph();

  os << fmt::format("model     {}\n", path.str());
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += " " + model.producer_version();
  os << fmt::format("producer  {}\n", producer.empty() ? "(unknown)" : producer);
  os << fmt::format("format    ONNX ir_version {}, opset {} (kiln imports at "
                    "opset {})\n",
                    model.ir_version(), onnx::defaultOpset(model),
                    onnx::kTargetOpset);
  os << fmt::format("graph     '{}', {} nodes\n", graph.name(),
                    graph.node_size());

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());

  os << "\ninputs\n";
  for (const auto &info : graph.input())
    if (!initializerNames.contains(info.name()))
      os << fmt::format("  {:<24} {}\n", info.name(), typeText(info.type()));
  os << "outputs\n";
  for (const auto &info : graph.output())
    os << fmt::format("  {:<24} {}\n", info.name(), typeText(info.type()));

  std::vector<onnx::Unsupported> unsupported = onnx::findUnsupported(model);
  llvm::StringSet<> unsupportedOps;
  for (const auto &u : unsupported)
    if (llvm::StringRef(u.what).starts_with("operator '"))
      unsupportedOps.insert(
          llvm::StringRef(u.what).drop_front(10).drop_back(1));

  llvm::MapVector<std::string, int, std::map<std::string, unsigned>> histogram;
  for (const auto &node : graph.node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    ++histogram[defaultDomain ? node.op_type()
                              : node.domain() + "." + node.op_type()];
  }
  std::vector<std::pair<std::string, int>> ops(histogram.begin(),
                                               histogram.end());
  llvm::sort(ops, [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  os << fmt::format("\noperators ({} nodes, {} types)\n", graph.node_size(),
                    ops.size());
  for (const auto &[type, count] : ops)
    os << fmt::format("  {:<24} {:>6}{}\n", type, count,
                      unsupportedOps.contains(type) ? "  unsupported" : "");

  int64_t trainable = 0, trainableBytes = 0, other = 0, otherBytes = 0;
  for (const auto &init : graph.initializer()) {
    int64_t count = 1;
    for (int64_t d : init.dims())
      count *= d;
    bool isFloat = init.data_type() == ::onnx::TensorProto::FLOAT ||
                   init.data_type() == ::onnx::TensorProto::DOUBLE ||
                   init.data_type() == ::onnx::TensorProto::FLOAT16 ||
                   init.data_type() == ::onnx::TensorProto::BFLOAT16;
    (isFloat ? trainable : other) += count;
    (isFloat ? trainableBytes : otherBytes) +=
        count * elementBytes(init.data_type());
  }
  os << fmt::format("\nparameters  {} values in {} bytes ({} initializers)\n",
                    grouped(trainable), grouped(trainableBytes),
                    graph.initializer_size());
  if (other)
    os << fmt::format("constants   {} non-float values in {} bytes\n",
                      grouped(other), grouped(otherBytes));

  if (unsupported.empty())
    os << "\nsupport   every node is supported\n";
  else
    os << "\nsupport   " << onnx::formatUnsupported(unsupported) << "\n";
  if (unsupported.empty())
    os << "\nmemory    " << planSummary(context, path) << "\n";
  return mlir::success();
}

} // namespace kiln
