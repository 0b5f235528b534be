//===- ModelLoader.cpp - Read, validate and normalise an ONNX model -------===//
//
// libonnx reports problems by throwing; every call into it is wrapped here so
// that no exception reaches MLIR code. kiln's own structural checks run
// before onnx::checker because they can name the exact node and tensor,
// where the checker only says the graph is not topologically sorted.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ModelLoader.h"

#include "frontends/onnx/Tensors.h"
#include "ir/Shapes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <climits>

namespace kiln::onnx {

mlir::Location fileLocation(mlir::MLIRContext *context, llvm::StringRef path) {
  return mlir::FileLineColLoc::get(context, path, 0, 0);
}

mlir::Location nodeLocation(mlir::MLIRContext *context, llvm::StringRef path,
                            const ::onnx::NodeProto &node) {
  mlir::Location file = fileLocation(context, path);
  llvm::StringRef name = !node.name().empty() ? llvm::StringRef(node.name())
                         : node.output_size() > 0
                             ? llvm::StringRef(node.output(0))
                             : llvm::StringRef();
  if (name.empty())
    return file;
  return mlir::NameLoc::get(mlir::StringAttr::get(context, name), file);
}

int64_t defaultOpset(const ::onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

std::string parseInputShape(
    llvm::StringRef spec,
    std::map<std::string, llvm::SmallVector<int64_t>> &shapes) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('='))
    return "expected NAME=D1xD2x..., got '" + spec.str() + "'";
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 1)
      return "dimension '" + part.str() + "' in '" + spec.str() +
             "' is not a positive integer";
    shape.push_back(d);
  }
  shapes[name.str()] = shape;
  return "";
}

namespace {

/// One line out of an exception text (libonnx messages span lines).
std::string oneLine(llvm::StringRef text) {
  std::string out;
  for (char c : text.trim()) {
    bool space = c == '\n' || c == '\r' || c == ' ' || c == '\t';
    if (!space)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  return out;
}

std::string nodeName(const ::onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : std::string("<unnamed>");
}

class Loader {
public:
  Loader(mlir::MLIRContext *context, LoadedModel &model)
      : context(context), model(model) {}

  mlir::InFlightDiagnostic error() {
    return mlir::emitError(fileLocation(context, model.path));
  }
  mlir::InFlightDiagnostic error(const ::onnx::NodeProto &node) {
    return mlir::emitError(nodeLocation(context, model.path, node));
  }

  mlir::LogicalResult parse(llvm::StringRef bytes);
  mlir::LogicalResult checkStructure();
  mlir::LogicalResult checkInitializers();
  mlir::LogicalResult runChecker();
  mlir::LogicalResult specializeInputs(const LoadOptions &options);
  mlir::LogicalResult normalize();

private:
  mlir::MLIRContext *context;
  LoadedModel &model;
};

mlir::LogicalResult Loader::parse(llvm::StringRef bytes) {
  if (bytes.empty())
    return error() << "the file is empty, not an ONNX model";
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)));
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.proto.ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage())
    return error() << "not an ONNX model: the file does not parse as an "
                      "ONNX ModelProto (truncated, or another format)";
  if (model.proto.ir_version() <= 0 || !model.proto.has_graph())
    return error() << "not an ONNX model: it has no "
                   << (model.proto.ir_version() <= 0 ? "ir_version" : "graph");
  model.originalOpset = defaultOpset(model.proto);
  return mlir::success();
}

/// Names every tensor's producer, rejects dangling inputs and cycles, and
/// sorts the nodes topologically when they are not (ONNX requires the order;
/// some exporters do not keep it).
mlir::LogicalResult Loader::checkStructure() {
  ::onnx::GraphProto &graph = *model.proto.mutable_graph();
  llvm::StringSet<> available;
  for (const auto &input : graph.input())
    available.insert(input.name());
  for (const auto &init : graph.initializer())
    available.insert(init.name());
  llvm::StringMap<int> producer;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &out : graph.node(i).output())
      if (!out.empty())
        producer[out] = i;

  bool ok = true;
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      if (!in.empty() && !available.contains(in) && !producer.count(in)) {
        error(node) << "input '" << in << "' of node '" << nodeName(node)
                    << "' (" << node.op_type()
                    << ") is not a graph input, an initializer or the output "
                       "of any node";
        ok = false;
      }
  for (const auto &out : graph.output())
    if (!available.contains(out.name()) && !producer.count(out.name())) {
      error() << "graph output '" << out.name()
              << "' is not produced by any node";
      ok = false;
    }
  if (!ok)
    return mlir::failure();

  // Kahn's algorithm over node indices.
  int n = graph.node_size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> users(n);
  for (int i = 0; i < n; ++i)
    for (const auto &in : graph.node(i).input())
      if (auto it = producer.find(in);
          !in.empty() && it != producer.end() && !available.contains(in)) {
        ++pending[i];
        users[it->second].push_back(i);
      }
  std::vector<int> order;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      order.push_back(i);
  for (size_t k = 0; k < order.size(); ++k)
    for (int user : users[order[k]])
      if (--pending[user] == 0)
        order.push_back(user);

  if (static_cast<int>(order.size()) != n) {
    // Every unsorted node waits on another unsorted node: walk producers
    // from one of them until a node repeats, which closes a cycle.
    int start = 0;
    while (pending[start] == 0)
      ++start;
    std::vector<int> path;
    llvm::DenseMap<int, size_t> seen;
    int current = start;
    while (!seen.count(current)) {
      seen[current] = path.size();
      path.push_back(current);
      for (const auto &in : graph.node(current).input()) {
        auto it = producer.find(in);
        if (!in.empty() && it != producer.end() && pending[it->second] > 0) {
          current = it->second;
          break;
        }
      }
    }
    std::string cycle;
    for (size_t k = seen[current]; k < path.size(); ++k)
      cycle += "'" + nodeName(graph.node(path[k])) + "' <- ";
    cycle += "'" + nodeName(graph.node(current)) + "'";
    return error(graph.node(current))
           << "the graph has a cycle: " << cycle
           << " (each node consumes the next one's output)";
  }

  bool sorted = true;
  for (int i = 0; i < n; ++i)
    sorted &= order[i] == i;
  if (!sorted) {
    google::protobuf::RepeatedPtrField<::onnx::NodeProto> nodes;
    for (int i : order)
      *nodes.Add() = graph.node(i);
    graph.mutable_node()->Swap(&nodes);
  }
  return mlir::success();
}

mlir::LogicalResult Loader::checkInitializers() {
  bool ok = true;
  for (const auto &init : model.proto.graph().initializer()) {
    auto report = [&]() -> mlir::InFlightDiagnostic {
      ok = false;
      return mlir::emitError(mlir::NameLoc::get(
          mlir::StringAttr::get(context, init.name()),
          fileLocation(context, model.path)))
             << "initializer '" << init.name() << "' ";
    };
    mlir::Type element = elementType(context, init.data_type());
    if (!element) {
      report() << "has unsupported element type "
               << elementTypeName(init.data_type());
      continue;
    }
    llvm::SmallVector<int64_t> dims(init.dims().begin(), init.dims().end());
    if (llvm::any_of(dims, [](int64_t d) { return d < 0; })) {
      report() << "has a negative dim in " << formatShape(dims);
      continue;
    }
    std::string why;
    if (mlir::failed(checkTensorData(init, model.baseDir, why)))
      report() << why;
  }
  return mlir::success(ok);
}

mlir::LogicalResult Loader::runChecker() {
  try {
    ::onnx::checker::check_model(model.proto);
  } catch (const std::exception &e) {
    return error() << "invalid ONNX model: " << oneLine(e.what());
  }
  return mlir::success();
}

mlir::LogicalResult Loader::specializeInputs(const LoadOptions &options) {
  ::onnx::GraphProto &graph = *model.proto.mutable_graph();
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  llvm::StringSet<> used;
  bool ok = true;
  for (auto &input : *graph.mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    auto given = options.inputShapes.find(input.name());
    if (given != options.inputShapes.end())
      used.insert(input.name());
    if (!input.type().has_tensor_type()) {
      error() << "graph input '" << input.name()
              << "' is not a tensor (sequences, maps and optionals are not "
                 "supported)";
      ok = false;
      continue;
    }
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (!input.type().tensor_type().has_shape()) {
      if (given == options.inputShapes.end()) {
        error() << "graph input '" << input.name()
                << "' has no shape; give one with --input-shape "
                << input.name() << "=D1xD2x...";
        ok = false;
        continue;
      }
      for (int64_t d : given->second)
        shape->add_dim()->set_dim_value(d);
      continue;
    }
    std::string declared = "[";
    std::string symbolic;
    for (int i = 0; i < shape->dim_size(); ++i) {
      const auto &dim = shape->dim(i);
      declared += (i ? ", " : "") + (dim.has_dim_value()
                                         ? std::to_string(dim.dim_value())
                                         : dim.has_dim_param() ? dim.dim_param()
                                                               : "?");
      if (!dim.has_dim_value() && symbolic.empty())
        symbolic = "dim " + std::to_string(i) +
                   (dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "");
    }
    declared += "]";
    if (given == options.inputShapes.end()) {
      if (!symbolic.empty()) {
        error() << "graph input '" << input.name() << "' " << declared
                << " has symbolic " << symbolic
                << "; give its size with --input-shape " << input.name()
                << "=D1xD2x...";
        ok = false;
      }
      continue;
    }
    const auto &dims = given->second;
    bool fits = static_cast<int>(dims.size()) == shape->dim_size();
    for (int i = 0; fits && i < shape->dim_size(); ++i)
      fits = !shape->dim(i).has_dim_value() ||
             shape->dim(i).dim_value() == dims[i];
    if (!fits) {
      std::string spec;
      for (int64_t d : dims)
        spec += (spec.empty() ? "" : "x") + std::to_string(d);
      error() << "--input-shape " << input.name() << "=" << spec
              << " does not fit the declared shape " << declared;
      ok = false;
      continue;
    }
    for (int i = 0; i < shape->dim_size(); ++i)
      shape->mutable_dim(i)->set_dim_value(dims[i]);
  }
  for (const auto &[name, dims] : options.inputShapes)
    if (!used.contains(name)) {
      error() << "--input-shape names '" << name
              << "', which is not a graph input of the model";
      ok = false;
    }
  return mlir::success(ok);
}

mlir::LogicalResult Loader::normalize() {
  int64_t opset = defaultOpset(model.proto);
  // A model that imports no default-domain opset uses no ONNX operator kiln
  // knows; the importer then lists its operators as unsupported, which says
  // more than the version converter's complaint would.
  if (opset != kTargetOpset && opset != 0) {
    try {
      model.proto =
          ::onnx::version_conversion::ConvertVersion(model.proto, kTargetOpset);
    } catch (const std::exception &e) {
      return error() << "cannot convert the model from opset " << opset
                     << " to opset " << kTargetOpset << ": "
                     << oneLine(e.what());
    }
  }
  try {
    ::onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                          /*strict_mode=*/1,
                                          /*data_prop=*/true);
    ::onnx::shape_inference::InferShapes(
        model.proto, ::onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return error() << "ONNX shape inference failed: " << oneLine(e.what());
  }
  return mlir::success();
}

mlir::FailureOr<LoadedModel> load(mlir::MLIRContext *context,
                                  llvm::StringRef bytes, llvm::StringRef name,
                                  llvm::StringRef baseDir,
                                  const LoadOptions &options) {
  LoadedModel model;
  model.path = name.str();
  model.baseDir = baseDir.str();
  Loader loader(context, model);
  if (mlir::failed(loader.parse(bytes)) ||
      mlir::failed(loader.checkStructure()) ||
      mlir::failed(loader.checkInitializers()) ||
      mlir::failed(loader.runChecker()))
    return mlir::failure();
  if (options.normalize && (mlir::failed(loader.specializeInputs(options)) ||
                            mlir::failed(loader.normalize())))
    return mlir::failure();
  return model;
}

} // namespace

mlir::FailureOr<LoadedModel> loadModelBytes(mlir::MLIRContext *context,
                                            llvm::StringRef bytes,
                                            llvm::StringRef name,
                                            llvm::StringRef baseDir,
                                            const LoadOptions &options) {
  return load(context, bytes, name, baseDir, options);
}

mlir::FailureOr<LoadedModel> loadModelFile(mlir::MLIRContext *context,
                                           llvm::StringRef path,
                                           const LoadOptions &options) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return mlir::emitError(fileLocation(context, path))
           << "cannot read the model: " << file.getError().message();
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  return load(context, (*file)->getBuffer(), path, dir.empty() ? "." : dir,
              options);
}

} // namespace kiln::onnx
