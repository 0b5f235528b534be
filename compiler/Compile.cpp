//===- Compile.cpp - kiln IR to native code -------------------------------===//

#include "compiler/Compile.h"

#include "compiler/Pipeline.h"
#include "compiler/Weights.h"
#include "ir/Shapes.h"

#include "kiln/model.h"
#include "kiln/tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <fmt/format.h>

namespace kiln {

std::string checkModelName(llvm::StringRef name) {
  if (name.empty())
    return "the model name is empty";
  if (!(llvm::isAlpha(name[0]) || name[0] == '_'))
    return "the model name '" + name.str() +
           "' must start with a letter or '_' (it prefixes C symbols)";
  for (char c : name)
    if (!(llvm::isAlnum(c) || c == '_'))
      return "the model name '" + name.str() +
             "' may contain only letters, digits and '_' (it prefixes C "
             "symbols)";
  return "";
}

mlir::FailureOr<ModelSignature> readSignature(mlir::ModuleOp module) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return mlir::emitError(module.getLoc()) << "the module has no @main";
  ModelSignature signature;
  auto collect = [&](mlir::TypeRange types, auto nameAt,
                     std::vector<TensorSignature> &out) -> mlir::LogicalResult {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = mlir::dyn_cast<mlir::RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !runtimeDtype(tensor.getElementType()))
        return main.emitError() << "entry point type " << type
                                << " is not a static tensor of a supported "
                                   "element type";
      auto name = nameAt(i);
      out.push_back({name ? name.str() : fmt::format("tensor{}", i), tensor});
    }
    return mlir::success();
  };
  if (mlir::failed(collect(
          main.getArgumentTypes(),
          [&](unsigned i) {
            return main.getArgAttrOfType<mlir::StringAttr>(i, "kiln.name");
          },
          signature.inputs)) ||
      mlir::failed(collect(
          main.getResultTypes(),
          [&](unsigned i) {
            return main.getResultAttrOfType<mlir::StringAttr>(i, "kiln.name");
          },
          signature.outputs)))
    return mlir::failure();
  return signature;
}

MemoryPlan memoryPlanFromAttr(mlir::DictionaryAttr attr,
                              llvm::StringRef function) {
  MemoryPlan plan;
  plan.function = function.str();
  auto integer = [](mlir::DictionaryAttr d, llvm::StringRef key) {
    auto value = d.getAs<mlir::IntegerAttr>(key);
    return value ? value.getInt() : 0;
  };
  plan.steps = integer(attr, "steps");
  plan.arenaBytes = integer(attr, "arena_bytes");
  if (auto reuse = attr.getAs<mlir::BoolAttr>("reuse"))
    plan.reuse = reuse.getValue();
  if (auto buffers = attr.getAs<mlir::ArrayAttr>("buffers"))
    for (mlir::Attribute entry : buffers) {
      auto d = mlir::cast<mlir::DictionaryAttr>(entry);
      PlannedBuffer buffer;
      buffer.offset = integer(d, "offset");
      buffer.bytes = integer(d, "bytes");
      buffer.first = integer(d, "first");
      buffer.last = integer(d, "last");
      if (auto producer = d.getAs<mlir::StringAttr>("producer"))
        buffer.producer = producer.str();
      if (auto type = d.getAs<mlir::StringAttr>("type"))
        buffer.type = type.str();
      plan.buffers.push_back(std::move(buffer));
    }
  computePlanBounds(plan);
  return plan;
}

mlir::FailureOr<ScratchInfo> lowerToLLVMDialect(
    mlir::ModuleOp module, const CompileOptions &options,
    llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)> configure) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return mlir::emitError(module.getLoc()) << "the module has no @main";
  main.setSymName(options.name + "_run");
  // The names were read by readSignature; LLVM has no use for them.
  main.removeArgAttrsAttr();
  main.removeResAttrsAttr();
  // Two runs, so that the memory plan can be read from the func.func
  // between bufferization and the conversion to the LLVM dialect.
  PipelineOptions pipeline;
  pipeline.memoryReuse = options.memoryReuse;
  pipeline.parallelLoops = options.parallelLoops;
  pipeline.threads = options.threads;
  pipeline.fusion = options.fusion;
  mlir::PassManager toBuffers(module.getContext());
  if (configure && mlir::failed(configure(toBuffers)))
    return mlir::failure();
  buildGraphPipeline(toBuffers, pipeline);
  buildBufferizePipeline(toBuffers, pipeline);
  if (mlir::failed(toBuffers.run(module)))
    return mlir::failure();

  ScratchInfo scratch;
  auto planned = module.lookupSymbol<mlir::func::FuncOp>(options.name + "_run");
  if (auto plan = planned ? planned->getAttrOfType<mlir::DictionaryAttr>(
                                "kiln.memory_plan")
                          : nullptr) {
    scratch.plan = memoryPlanFromAttr(plan, options.name + "_run");
    scratch.bytes = plan.getAs<mlir::IntegerAttr>("arena_bytes").getInt();
    scratch.alignment = plan.getAs<mlir::IntegerAttr>("alignment").getInt();
    // LLVM has no use for the plan or the scratch marker (and would warn
    // about an unknown parameter attribute).
    planned->removeAttr("kiln.memory_plan");
    for (unsigned i = 0; i < planned.getNumArguments(); ++i)
      planned.removeArgAttr(i, "kiln.scratch");
  }

  mlir::PassManager toLLVM(module.getContext());
  if (configure && mlir::failed(configure(toLLVM)))
    return mlir::failure();
  buildLLVMPipeline(toLLVM, pipeline);
  if (mlir::failed(toLLVM.run(module)))
    return mlir::failure();
  return scratch;
}

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CompileOptions &options, std::string &error) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  bool host = options.targetCpu.empty() || options.targetCpu == "native";
  std::string cpu = host ? llvm::sys::getHostCPUName().str() : options.targetCpu;
  std::string features = options.targetFeatures;
  if (features.empty() && host) {
    std::vector<std::string> enabled;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      enabled.push_back((feature.second ? "+" : "-") + feature.first().str());
    llvm::sort(enabled);
    features = llvm::join(enabled, ",");
  }
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for " + triple;
    return nullptr;
  }
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    error = "unknown --target-cpu '" + cpu + "' for " + triple;
    return nullptr;
  }
  return machine;
}

int32_t runtimeDtype(mlir::Type element) {
  if (element.isF32()) return KILN_DTYPE_F32;
  if (element.isF64()) return KILN_DTYPE_F64;
  if (element.isF16()) return KILN_DTYPE_F16;
  if (element.isBF16()) return KILN_DTYPE_BF16;
  if (element.isInteger(1)) return KILN_DTYPE_BOOL;
  if (element.isSignlessInteger(8)) return KILN_DTYPE_I8;
  if (element.isSignlessInteger(16)) return KILN_DTYPE_I16;
  if (element.isSignlessInteger(32)) return KILN_DTYPE_I32;
  if (element.isSignlessInteger(64)) return KILN_DTYPE_I64;
  if (element.isUnsignedInteger(8)) return KILN_DTYPE_U8;
  if (element.isUnsignedInteger(16)) return KILN_DTYPE_U16;
  if (element.isUnsignedInteger(32)) return KILN_DTYPE_U32;
  if (element.isUnsignedInteger(64)) return KILN_DTYPE_U64;
  return 0;
}

namespace {

/// A private constant global holding \p init.
llvm::GlobalVariable *privateConstant(llvm::Module &module,
                                      llvm::Constant *init,
                                      const llvm::Twine &name) {
  return new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                  llvm::GlobalValue::PrivateLinkage, init,
                                  name);
}

llvm::Constant *cString(llvm::Module &module, llvm::StringRef text,
                        const llvm::Twine &name) {
  auto *global = privateConstant(
      module, llvm::ConstantDataArray::getString(module.getContext(), text),
      name);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return global;
}

/// kiln_io_info_t[] for \p tensors.
llvm::Constant *ioInfos(llvm::Module &module, llvm::StructType *ioType,
                        const std::vector<TensorSignature> &tensors,
                        llvm::StringRef prefix) {
  llvm::LLVMContext &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *ptr = llvm::PointerType::getUnqual(context);
  std::vector<llvm::Constant *> entries;
  for (auto [i, tensor] : llvm::enumerate(tensors)) {
    llvm::ArrayRef<int64_t> shape = tensor.type.getShape();
    llvm::Constant *dims = llvm::ConstantPointerNull::get(ptr);
    if (!shape.empty())
      dims = privateConstant(
          module,
          llvm::ConstantDataArray::get(
              context, llvm::ArrayRef<uint64_t>(
                           reinterpret_cast<const uint64_t *>(shape.data()),
                           shape.size())),
          prefix + llvm::Twine(i) + ".dims");
    entries.push_back(llvm::ConstantStruct::get(
        ioType, {cString(module, tensor.name, prefix + llvm::Twine(i) + ".name"),
                 llvm::ConstantInt::get(
                     i32, runtimeDtype(tensor.type.getElementType())),
                 llvm::ConstantInt::get(i32, shape.size()), dims}));
  }
  if (entries.empty())
    return llvm::ConstantPointerNull::get(ptr);
  auto *arrayType = llvm::ArrayType::get(ioType, entries.size());
  return privateConstant(module, llvm::ConstantArray::get(arrayType, entries),
                         prefix);
}

} // namespace

std::unique_ptr<llvm::Module>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const ModelSignature &signature,
                  const CompileOptions &options, llvm::TargetMachine &target,
                  bool withMain, const ScratchInfo &scratch,
                  const WeightsFile *weights) {
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, options.name);
  if (!llvmModule)
    return nullptr;
  llvmModule->setTargetTriple(target.getTargetTriple().str());
  llvmModule->setDataLayout(target.createDataLayout());

  const std::string &name = options.name;
  llvm::Function *run = llvmModule->getFunction(name + "_run");
  if (!run)
    return nullptr;
  // Only the ABI symbols are visible outside the object.
  for (llvm::Function &function : *llvmModule)
    if (!function.isDeclaration() && &function != run)
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &global : llvmModule->globals())
    if (!global.isDeclaration())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);

  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *voidType = llvm::Type::getVoidTy(context);

  // void NAME_run_packed(void **buffers)
  auto *packed = llvm::Function::Create(
      llvm::FunctionType::get(voidType, {ptr}, false),
      llvm::GlobalValue::ExternalLinkage, name + "_run_packed", *llvmModule);
  {
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", packed));
    std::vector<llvm::Value *> args;
    for (unsigned i = 0; i < run->arg_size(); ++i)
      args.push_back(b.CreateLoad(
          ptr, b.CreateConstInBoundsGEP1_64(ptr, packed->getArg(0), i)));
    b.CreateCall(run, args);
    b.CreateRetVoid();
  }

  // const kiln_model_info_t NAME_info
  auto *ioType = llvm::StructType::create(context, {ptr, i32, i32, ptr},
                                          "kiln_io_info_t");
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *infoType = llvm::StructType::create(
      context,
      {i32, ptr, ptr, i32, i32, ptr, ptr, ptr, i32, ptr, i64, i64, i64, i64},
      "kiln_model_info_t");
  // kiln_weight_info_t[]: where each external weight's slot is.
  llvm::Constant *weightTable = llvm::ConstantPointerNull::get(ptr);
  size_t numWeights = weights ? weights->weights.size() : 0;
  if (numWeights) {
    auto *weightType = llvm::StructType::create(context, {ptr, ptr, i64, i64},
                                                "kiln_weight_info_t");
    std::vector<llvm::Constant *> entries;
    for (auto [i, weight] : llvm::enumerate(weights->weights)) {
      llvm::GlobalVariable *slot =
          llvmModule->getGlobalVariable(weight.slot, /*AllowInternal=*/true);
      if (!slot)
        return nullptr;
      entries.push_back(llvm::ConstantStruct::get(
          weightType,
          {cString(*llvmModule, weight.name,
                   ".kiln.weight" + llvm::Twine(i) + ".name"),
           slot, llvm::ConstantInt::get(i64, weight.offset),
           llvm::ConstantInt::get(i64, weight.bytes)}));
    }
    weightTable = privateConstant(
        *llvmModule,
        llvm::ConstantArray::get(llvm::ArrayType::get(weightType, numWeights),
                                 entries),
        ".kiln.weights");
  }
  llvm::Constant *info = llvm::ConstantStruct::get(
      infoType,
      {llvm::ConstantInt::get(i32, KILN_MODEL_ABI_VERSION),
       cString(*llvmModule, name, ".kiln.name"),
       cString(*llvmModule, options.source, ".kiln.source"),
       llvm::ConstantInt::get(i32, signature.inputs.size()),
       llvm::ConstantInt::get(i32, signature.outputs.size()),
       ioInfos(*llvmModule, ioType, signature.inputs, ".kiln.input"),
       ioInfos(*llvmModule, ioType, signature.outputs, ".kiln.output"),
       packed, llvm::ConstantInt::get(i32, numWeights), weightTable,
       llvm::ConstantInt::get(i64, weights ? weights->checksum : 0),
       llvm::ConstantInt::get(i64, weights ? weights->data.size() : 0),
       llvm::ConstantInt::get(i64, scratch.bytes),
       llvm::ConstantInt::get(i64, scratch.alignment)});
  auto *infoGlobal = new llvm::GlobalVariable(
      *llvmModule, infoType, /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, info, name + "_info");
  infoGlobal->setAlignment(llvm::Align(8));

  if (withMain) {
    // int main(int argc, char **argv) { return kiln_main(argc, argv, &info); }
    auto *kilnMain = llvm::Function::Create(
        llvm::FunctionType::get(i32, {i32, ptr, ptr}, false),
        llvm::GlobalValue::ExternalLinkage, "kiln_main", *llvmModule);
    auto *main = llvm::Function::Create(
        llvm::FunctionType::get(i32, {i32, ptr}, false),
        llvm::GlobalValue::ExternalLinkage, "main", *llvmModule);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", main));
    b.CreateRet(b.CreateCall(kilnMain,
                             {main->getArg(0), main->getArg(1), infoGlobal}));
  }
  return llvmModule;
}

void optimizeLLVMIR(llvm::Module &module, llvm::TargetMachine &target,
                    unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder(&target);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager pm =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  pm.run(module, mam);
}

mlir::LogicalResult emitMachineCode(llvm::Module &module,
                                    llvm::TargetMachine &target,
                                    llvm::raw_pwrite_stream &os, bool assembly,
                                    std::string &error) {
  llvm::legacy::PassManager pm;
  if (target.addPassesToEmitFile(pm, os, nullptr,
                                 assembly ? llvm::CodeGenFileType::AssemblyFile
                                          : llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit this file type";
    return mlir::failure();
  }
  pm.run(module);
  return mlir::success();
}

namespace {

const char *cType(mlir::Type element) {
  switch (runtimeDtype(element)) {
  case KILN_DTYPE_F32: return "float";
  case KILN_DTYPE_F64: return "double";
  case KILN_DTYPE_F16: case KILN_DTYPE_BF16: return "uint16_t";
  case KILN_DTYPE_BOOL: return "uint8_t";
  case KILN_DTYPE_I8: return "int8_t";
  case KILN_DTYPE_I16: return "int16_t";
  case KILN_DTYPE_I32: return "int32_t";
  case KILN_DTYPE_I64: return "int64_t";
  case KILN_DTYPE_U8: return "uint8_t";
  case KILN_DTYPE_U16: return "uint16_t";
  case KILN_DTYPE_U32: return "uint32_t";
  case KILN_DTYPE_U64: return "uint64_t";
  default: return "void";
  }
}

/// A C identifier for a graph tensor name, unique among \p taken.
std::string parameterName(llvm::StringRef name, std::vector<std::string> &taken) {
  std::string id;
  for (char c : name)
    id += llvm::isAlnum(c) ? c : '_';
  if (id.empty() || llvm::isDigit(id[0]))
    id = "t_" + id;
  std::string unique = id;
  for (int k = 2; llvm::is_contained(taken, unique); ++k)
    unique = id + "_" + std::to_string(k);
  taken.push_back(unique);
  return unique;
}

} // namespace

std::string generateHeader(const ModelSignature &signature,
                           const CompileOptions &options,
                           const ScratchInfo &scratch) {
  const std::string &n = options.name;
  std::string upper = llvm::StringRef(n).upper();
  std::string out = fmt::format(
      "/* {0}.h - model '{0}' compiled by kiln from {1}. Generated; do not "
      "edit. */\n"
      "#ifndef KILN_MODEL_{2}_H\n#define KILN_MODEL_{2}_H\n\n"
      "#include <stddef.h>\n#include <stdint.h>\n\n"
      "#ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n",
      n, options.source.empty() ? "(memory)" : options.source, upper);

  std::vector<std::string> taken;
  std::vector<std::string> params;
  auto describe = [&](const char *kind, const std::vector<TensorSignature> &list) {
    out += fmt::format("#define {}_NUM_{}S {}\n", upper, kind, list.size());
    for (auto [i, tensor] : llvm::enumerate(list)) {
      llvm::ArrayRef<int64_t> shape = tensor.type.getShape();
      std::string dims = "{";
      for (auto [k, d] : llvm::enumerate(shape))
        dims += (k ? ", " : "") + std::to_string(d);
      dims += shape.empty() ? "1}" : "}";
      int64_t elements = shapeProduct(shape);
      int64_t bytes =
          elements * ((tensor.type.getElementTypeBitWidth() + 7) / 8);
      std::string p = fmt::format("{}_{}_{}", upper, kind, i);
      out += fmt::format("/* {} {} '{}': {} {} */\n", llvm::StringRef(kind).lower(),
                         i, tensor.name, cType(tensor.type.getElementType()),
                         formatShape(shape));
      out += fmt::format("#define {}_NAME \"{}\"\n", p, tensor.name);
      out += fmt::format("#define {}_RANK {}\n", p, shape.size());
      out += fmt::format("#define {}_DIMS {}\n", p, dims);
      out += fmt::format("#define {}_ELEMENTS {}\n", p, elements);
      out += fmt::format("#define {}_BYTES {}\n", p, bytes);
      params.push_back(fmt::format(
          "{}{} *{}", std::string(kind) == "INPUT" ? "const " : "",
          cType(tensor.type.getElementType()),
          parameterName(tensor.name, taken)));
    }
    out += "\n";
  };
  describe("INPUT", signature.inputs);
  describe("OUTPUT", signature.outputs);
  if (scratch.bytes > 0) {
    out += fmt::format(
        "/* Scratch memory of one call: every intermediate tensor, at offsets\n"
        " * planned at compile time (generated code never allocates). Pass a\n"
        " * buffer of this size and alignment as the last argument of\n"
        " * {}_run; one per concurrent call. */\n"
        "#define {}_SCRATCH_BYTES {}\n#define {}_SCRATCH_ALIGNMENT {}\n\n",
        n, upper, scratch.bytes, upper, scratch.alignment);
    params.push_back("void *scratch");
  }

  out += fmt::format(
      "/* Runs the model. Every pointer is a dense row-major buffer of the\n"
      " * shape above; inputs are read, outputs fully written. No state is\n"
      " * kept between calls, so distinct buffers (and scratch arenas) may\n"
      " * run on several threads. */\n"
      "void {}_run({});\n\n"
      "/* The same, with buffers[i]: the inputs, the outputs, then the\n"
      " * scratch arena if there is one. */\n"
      "void {}_run_packed(void **buffers);\n\n"
      "{}"
      "/* Shapes, element types and names for the kiln runtime\n"
      " * (kiln/model.h: kiln_model_run, kiln_main). */\n"
      "struct kiln_model_info_t;\n"
      "extern const struct kiln_model_info_t {}_info;\n\n"
      "#ifdef __cplusplus\n}} /* extern \"C\" */\n#endif\n\n"
      "#endif /* KILN_MODEL_{}_H */\n",
      n, params.empty() ? "void" : llvm::join(params, ", "), n,
      options.externalWeights
          ? fmt::format("/* The weights live in this file, not in the code: "
                        "map it with\n * kiln_weights_map(&{0}_info, path, "
                        "...) (kiln/model.h) before\n * {0}_run. */\n"
                        "#define {1}_WEIGHTS_FILE \"{0}.weights\"\n\n",
                        n, upper)
          : std::string(),
      n, upper);
  return out;
}

} // namespace kiln
