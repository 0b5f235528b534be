//===- Model.cpp - Calling compiled models ----------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// A compiled model is a kiln_model_info_t constant plus a run_packed entry
// point that trusts its buffers completely. Everything between a caller and
// that entry point happens here: the info struct is validated (it may come
// from an older compiler), inputs are checked against it, outputs are
// allocated to its shapes, and compiled executables get their command line
// (kiln_main), which also maps the weights file of a model that has one.
//
// Output of kiln_main is deterministic, because lit tests match it: fixed
// printf formats, NaN printed without its sign, and no addresses or timing.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Format.h"
#include "Npy.h"
#include "Weights.h"
#include "kiln/threads.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include <unistd.h>

namespace kiln::rt {

namespace {

/// Values shown per output by kiln_main: enough to recognise a result,
/// short enough for one line.
constexpr size_t maxSummaryValues = 8;

/// The largest scratch_alignment accepted: a page, more than any vector
/// register or cache line needs, so a larger value is a corrupt struct.
constexpr uint64_t maxScratchAlignment = 4096;

/// Frees a scratch arena from std::aligned_alloc.
struct FreeDelete {
  void operator()(void *pointer) const { std::free(pointer); }
};

/// "[1, 1, 28, 28]"; "[]" for a scalar.
std::string formatDims(const int64_t *dims, size_t rank) {
  std::string text = "[";
  for (size_t i = 0; i < rank; ++i) {
    if (i > 0)
      text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + "]";
}

std::string formatType(int dtype, const int64_t *dims, size_t rank) {
  const char *name = getDtypeName(dtype);
  return std::string(name ? name : "unknown") + " " + formatDims(dims, rank);
}

std::string formatTensorType(const Tensor &tensor) {
  return formatType(tensor.getDtype(), tensor.getDims(), tensor.getRank());
}

/// "x: f32 [2, 3], b: i64 [3]".
std::string formatIoList(const kiln_io_info_t *ios, int32_t count) {
  std::string text;
  for (int32_t i = 0; i < count; ++i) {
    if (i > 0)
      text += ", ";
    text += ios[i].name;
    text += ": ";
    text += formatIoType(ios[i]);
  }
  return text;
}

/// "1 input (x: f32 [2, 3])", "2 outputs (...)", "no inputs".
std::string formatIoCount(const kiln_io_info_t *ios, int32_t count,
                          const char *noun) {
  if (count == 0)
    return formatString("no %ss", noun);
  return formatString("%d %s%s (%s)", count, noun, count == 1 ? "" : "s",
                      formatIoList(ios, count).c_str());
}

kiln_status_t validateIo(const kiln_model_info_t &model, const char *kind,
                         int32_t index, const kiln_io_info_t &io,
                         std::string &error) {
  std::string subject = formatString("model '%s': %s %d", model.name, kind,
                                     static_cast<int>(index));
  if (!io.name) {
    error = subject + " has a NULL name";
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  subject += formatString(" ('%s')", io.name);
  size_t elementSize = getDtypeSize(io.dtype);
  if (elementSize == 0) {
    error = subject +
            formatString(" has invalid dtype %d", static_cast<int>(io.dtype));
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  if (io.rank < 0 || io.rank > KILN_TENSOR_MAX_RANK) {
    error =
        subject + formatString(" has rank %d (supported: 0 to %d)",
                               static_cast<int>(io.rank), KILN_TENSOR_MAX_RANK);
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  auto rank = static_cast<size_t>(io.rank);
  if (rank > 0 && !io.dims) {
    error = subject + " has NULL dims";
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  if (!computeElementCount(rank, io.dims, elementSize)) {
    error = subject + " has invalid shape " + formatDims(io.dims, rank) +
            " (negative or too large)";
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  return KILN_STATUS_OK;
}

kiln_status_t validateWeight(const kiln_model_info_t &model, int32_t index,
                             const kiln_weight_info_t &weight,
                             std::string &error) {
  // The name is only for messages; a weight can be reported without it.
  std::string subject = formatString("model '%s': weight %d", model.name,
                                     static_cast<int>(index));
  if (weight.name)
    subject += formatString(" ('%s')", weight.name);
  if (!weight.slot) {
    error = subject + " has a NULL slot";
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  if (weight.offset % weightAlignment != 0) {
    error = subject + formatString(" has offset %" PRIu64
                                   ", not a multiple of %" PRIu64,
                                   weight.offset, weightAlignment);
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  if (weight.bytes > model.weights_bytes ||
      weight.offset > model.weights_bytes - weight.bytes) {
    error = subject +
            formatString(" of %" PRIu64 " bytes at offset %" PRIu64
                         " does not fit in the %" PRIu64 "-byte data region",
                         weight.bytes, weight.offset, model.weights_bytes);
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  return KILN_STATUS_OK;
}

/// Allocates the scratch arena of \p model, whose scratch_bytes is not 0,
/// for one call into \p scratch. \returns KILN_STATUS_OUT_OF_MEMORY with a
/// message naming the size when that fails.
kiln_status_t allocateScratch(const kiln_model_info_t &model,
                              std::unique_ptr<void, FreeDelete> &scratch,
                              std::string &error) {
  uint64_t alignment = model.scratch_alignment;
  // aligned_alloc wants a multiple of the alignment. A size that cannot even
  // be rounded up (or does not fit in size_t) could never be allocated.
  if (model.scratch_bytes <=
      std::numeric_limits<size_t>::max() - (alignment - 1)) {
    size_t size = static_cast<size_t>((model.scratch_bytes + alignment - 1) /
                                      alignment * alignment);
    scratch.reset(std::aligned_alloc(static_cast<size_t>(alignment), size));
  }
  if (scratch)
    return KILN_STATUS_OK;
  error = formatString("model '%s': cannot allocate %" PRIu64
                       " bytes of scratch memory (aligned to %" PRIu64 ")",
                       model.name, model.scratch_bytes, alignment);
  return KILN_STATUS_OUT_OF_MEMORY;
}

//===----------------------------------------------------------------------===//
// Output summaries
//===----------------------------------------------------------------------===//

bool isFloating(int dtype) {
  return dtype == KILN_DTYPE_F32 || dtype == KILN_DTYPE_F64 ||
         dtype == KILN_DTYPE_F16 || dtype == KILN_DTYPE_BF16;
}

float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// IEEE 754 binary16 to binary32, exactly (every half is a float).
float halfToFloat(uint16_t half) {
  uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  if (exponent == 0x1F) // Infinity or NaN, payload kept.
    return bitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  if (exponent == 0) { // Zero or subnormal: mantissa * 2^-24.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return bitsToFloat(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
}

/// Element \p index of a floating-point tensor \p data of \p dtype.
double loadFloating(int dtype, const unsigned char *data, size_t index) {
  switch (dtype) {
  case KILN_DTYPE_F32: {
    float value;
    std::memcpy(&value, data + index * sizeof(value), sizeof(value));
    return value;
  }
  case KILN_DTYPE_F64: {
    double value;
    std::memcpy(&value, data + index * sizeof(value), sizeof(value));
    return value;
  }
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16: {
    uint16_t bits;
    std::memcpy(&bits, data + index * sizeof(bits), sizeof(bits));
    return dtype == KILN_DTYPE_F16 ? halfToFloat(bits)
                                   : bitsToFloat(uint32_t{bits} << 16);
  }
  default:
    return 0.0;
  }
}

/// Loads a \p Stored element and widens it to \p Wide.
template <typename Stored, typename Wide>
Wide loadInteger(const unsigned char *data, size_t index) {
  Stored value;
  std::memcpy(&value, data + index * sizeof(value), sizeof(value));
  return static_cast<Wide>(value);
}

/// "%.6g", except that NaN never shows its sign bit ("-nan" would depend on
/// how the model computed it) and infinities read "inf"/"-inf" everywhere.
std::string formatFloating(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  return formatString("%.6g", value);
}

std::string formatElement(int dtype, const unsigned char *data, size_t index) {
  switch (dtype) {
  case KILN_DTYPE_F32:
  case KILN_DTYPE_F64:
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
    return formatFloating(loadFloating(dtype, data, index));
  case KILN_DTYPE_I8:
    return std::to_string(loadInteger<int8_t, int64_t>(data, index));
  case KILN_DTYPE_I16:
    return std::to_string(loadInteger<int16_t, int64_t>(data, index));
  case KILN_DTYPE_I32:
    return std::to_string(loadInteger<int32_t, int64_t>(data, index));
  case KILN_DTYPE_I64:
    return std::to_string(loadInteger<int64_t, int64_t>(data, index));
  case KILN_DTYPE_U8:
    return std::to_string(loadInteger<uint8_t, uint64_t>(data, index));
  case KILN_DTYPE_U16:
    return std::to_string(loadInteger<uint16_t, uint64_t>(data, index));
  case KILN_DTYPE_U32:
    return std::to_string(loadInteger<uint32_t, uint64_t>(data, index));
  case KILN_DTYPE_U64:
    return std::to_string(loadInteger<uint64_t, uint64_t>(data, index));
  case KILN_DTYPE_BOOL:
    return data[index] != 0 ? "true" : "false";
  default:
    return "?";
  }
}

/// "[1, 2.5, nan, ...]": the first maxSummaryValues elements of \p tensor.
std::string formatValues(const Tensor &tensor) {
  const auto *data = static_cast<const unsigned char *>(tensor.getData());
  size_t count = tensor.getElementCount();
  std::string text = "[";
  for (size_t i = 0; i < count && i < maxSummaryValues; ++i) {
    if (i > 0)
      text += ", ";
    text += formatElement(tensor.getDtype(), data, i);
  }
  if (count > maxSummaryValues)
    text += ", ...";
  return text + "]";
}

/// The flat index of the largest element of \p tensor when it looks like a
/// classifier's scores: floating point, rank 1 or [1, N], at least two
/// elements. The first NaN, else the first maximum, as numpy.argmax.
std::optional<size_t> findClassifierArgmax(const Tensor &tensor) {
  size_t rank = tensor.getRank();
  const int64_t *dims = tensor.getDims();
  if (!isFloating(tensor.getDtype()) ||
      !(rank == 1 || (rank == 2 && dims[0] == 1)) ||
      tensor.getElementCount() < 2)
    return std::nullopt;
  const auto *data = static_cast<const unsigned char *>(tensor.getData());
  size_t best = 0;
  double bestValue = loadFloating(tensor.getDtype(), data, 0);
  for (size_t i = 1; i < tensor.getElementCount() && !std::isnan(bestValue);
       ++i) {
    double value = loadFloating(tensor.getDtype(), data, i);
    if (std::isnan(value) || value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

/// "<name>.npy" with every character outside [A-Za-z0-9._-] replaced by '_',
/// so that ONNX names such as "dense/BiasAdd:0" stay in the current
/// directory and need no quoting in a shell.
std::string getDefaultOutputPath(const char *name) {
  std::string path;
  for (const char *c = name; *c; ++c) {
    bool safe = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
    path += safe ? *c : '_';
  }
  // An empty name would make a hidden ".npy".
  if (path.empty())
    path = "output";
  return path + ".npy";
}

/// The basename of argv[0], for messages printed before the model's own
/// name can be trusted.
std::string getProgramName(int argc, char **argv) {
  if (argc < 1 || !argv || !argv[0] || !argv[0][0])
    return "kiln_main";
  const char *slash = std::strrchr(argv[0], '/');
  return slash && slash[1] ? slash + 1 : argv[0];
}

/// The weights file kiln_main maps without --weights: the running
/// executable's path (symbolic links resolved) plus ".weights", or argv[0]
/// plus ".weights" where /proc is missing; "" if neither is known.
std::string getDefaultWeightsPath(int argc, char **argv) {
  std::string exe(256, '\0');
  while (true) {
    ssize_t length = ::readlink("/proc/self/exe", exe.data(), exe.size());
    if (length <= 0)
      break;
    if (static_cast<size_t>(length) < exe.size()) {
      exe.resize(static_cast<size_t>(length));
      return exe + ".weights";
    }
    exe.resize(exe.size() * 2); // Possibly truncated: retry larger.
  }
  if (argc < 1 || !argv || !argv[0] || !argv[0][0])
    return "";
  return std::string(argv[0]) + ".weights";
}

/// Prints \p message as one line to stderr; \returns the exit status 1.
int printError(const std::string &message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  return 1;
}

/// Flushes stdout; \returns 0, or 1 after an error line if output was lost
/// (a full disk, a closed pipe with SIGPIPE ignored).
int finishStdout(const kiln_model_info_t &model) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    return printError(formatString("%s: cannot write to stdout: %s", model.name,
                                   std::strerror(errno)));
  return 0;
}

void printUsage(const kiln_model_info_t &model, int argc, char **argv) {
  bool hasWeights = model.num_weights > 0;
  std::printf("usage: %s [-o OUT.npy]... %s[--threads N] IN.npy...\n\n",
              model.name, hasWeights ? "[--weights FILE] " : "");
  if (model.source)
    std::printf("Runs model '%s' (compiled from %s) on .npy inputs and writes "
                "its outputs as .npy files.\n\n",
                model.name, model.source);
  else
    std::printf("Runs model '%s' on .npy inputs and writes its outputs as "
                ".npy files.\n\n",
                model.name);
  std::printf("inputs, in order:\n");
  if (model.num_inputs == 0)
    std::printf("  (none)\n");
  for (int32_t i = 0; i < model.num_inputs; ++i)
    std::printf("  %s: %s\n", model.inputs[i].name,
                formatIoType(model.inputs[i]).c_str());
  std::printf("outputs, in order, and where they go without -o:\n");
  if (model.num_outputs == 0)
    std::printf("  (none)\n");
  for (int32_t i = 0; i < model.num_outputs; ++i)
    std::printf("  %s: %s -> %s\n", model.outputs[i].name,
                formatIoType(model.outputs[i]).c_str(),
                getDefaultOutputPath(model.outputs[i].name).c_str());
  if (hasWeights) {
    // The file name only: the directory would make the text depend on where
    // the executable was built.
    std::string path = getDefaultWeightsPath(argc, argv);
    if (path.empty())
      std::printf("weights: --weights FILE (the executable's path is "
                  "unknown)\n");
    else
      std::printf("weights: %s next to the executable, or --weights FILE\n",
                  path.substr(path.rfind('/') + 1).c_str());
  }
  if (model.scratch_bytes > 0)
    std::printf("scratch: %" PRIu64 " bytes per call\n", model.scratch_bytes);

  struct Option {
    const char *flags;
    const char *help;
  };
  std::vector<Option> options = {
      {"-o OUT.npy", "write the next output to OUT.npy"}};
  if (hasWeights)
    options.push_back({"--weights FILE", "map the weights from FILE"});
  options.push_back({"--threads N", "run large loops on N threads"});
  options.push_back({"-h, --help", "print this help and exit"});
  options.push_back({"--", "treat every later argument as an input"});
  size_t width = 0;
  for (const Option &option : options)
    width = std::max(width, std::strlen(option.flags));
  std::printf("\noptions:\n");
  for (const Option &option : options)
    std::printf("  %-*s   %s\n", static_cast<int>(width), option.flags,
                option.help);
}

} // namespace

//===----------------------------------------------------------------------===//
// Validation, checks and runs
//===----------------------------------------------------------------------===//

std::string formatIoType(const kiln_io_info_t &io) {
  return formatType(io.dtype, io.dims, static_cast<size_t>(io.rank));
}

kiln_status_t validateModel(const kiln_model_info_t &model,
                            std::string &error) {
  // Only abi_version is at the same offset in every version; nothing else
  // may be read until it matches.
  if (model.abi_version != KILN_MODEL_ABI_VERSION) {
    error = formatString(
        "model ABI version %u is not supported by this runtime (version %d); "
        "recompile the model with a matching kiln",
        static_cast<unsigned>(model.abi_version), KILN_MODEL_ABI_VERSION);
    return KILN_STATUS_INCOMPATIBLE;
  }
  if (!model.name) {
    error = "model: name is NULL";
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  auto fail = [&](const char *problem) {
    error = formatString("model '%s': %s", model.name, problem);
    return KILN_STATUS_INVALID_ARGUMENT;
  };
  if (model.num_inputs < 0)
    return fail("num_inputs is negative");
  if (model.num_outputs < 0)
    return fail("num_outputs is negative");
  if (model.num_inputs > 0 && !model.inputs)
    return fail("inputs is NULL");
  if (model.num_outputs > 0 && !model.outputs)
    return fail("outputs is NULL");
  if (!model.run_packed)
    return fail("run_packed is NULL");
  for (int32_t i = 0; i < model.num_inputs; ++i)
    if (kiln_status_t status =
            validateIo(model, "input", i, model.inputs[i], error);
        status != KILN_STATUS_OK)
      return status;
  for (int32_t i = 0; i < model.num_outputs; ++i)
    if (kiln_status_t status =
            validateIo(model, "output", i, model.outputs[i], error);
        status != KILN_STATUS_OK)
      return status;
  if (model.num_weights < 0)
    return fail("num_weights is negative");
  if (model.num_weights > 0 && !model.weights)
    return fail("weights is NULL");
  for (int32_t i = 0; i < model.num_weights; ++i)
    if (kiln_status_t status =
            validateWeight(model, i, model.weights[i], error);
        status != KILN_STATUS_OK)
      return status;
  // Without scratch, the alignment is never used.
  if (model.scratch_bytes > 0) {
    uint64_t alignment = model.scratch_alignment;
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
      error = formatString("model '%s': scratch_alignment %" PRIu64
                           " is not a power of two",
                           model.name, alignment);
      return KILN_STATUS_INVALID_ARGUMENT;
    }
    if (alignment > maxScratchAlignment) {
      error = formatString("model '%s': scratch_alignment %" PRIu64
                           " is larger than %" PRIu64,
                           model.name, alignment, maxScratchAlignment);
      return KILN_STATUS_INVALID_ARGUMENT;
    }
  }
  return KILN_STATUS_OK;
}

kiln_status_t checkInput(const kiln_model_info_t &model, int32_t index,
                         const Tensor &tensor, std::string &error) {
  const kiln_io_info_t &io = model.inputs[index];
  auto rank = static_cast<size_t>(io.rank);
  bool matches = static_cast<int>(tensor.getDtype()) == io.dtype &&
                 tensor.getRank() == rank;
  for (size_t i = 0; matches && i < rank; ++i)
    matches = tensor.getDims()[i] == io.dims[i];
  if (matches)
    return KILN_STATUS_OK;
  error =
      formatString("input '%s' expects %s, got %s", io.name,
                   formatIoType(io).c_str(), formatTensorType(tensor).c_str());
  return KILN_STATUS_FAILED_PRECONDITION;
}

kiln_status_t runModel(const kiln_model_info_t &model,
                       const Tensor *const *inputs,
                       std::vector<Tensor> &outputs, std::string &error) {
  // Generated code would dereference the NULL slot.
  for (int32_t i = 0; i < model.num_weights; ++i)
    if (!*model.weights[i].slot) {
      error = formatString("model '%s' keeps its weights in a file: map it "
                           "with kiln_weights_map() first",
                           model.name);
      return KILN_STATUS_FAILED_PRECONDITION;
    }
  for (int32_t i = 0; i < model.num_inputs; ++i)
    if (kiln_status_t status = checkInput(model, i, *inputs[i], error);
        status != KILN_STATUS_OK)
      return status;

  std::vector<Tensor> results(static_cast<size_t>(model.num_outputs));
  std::vector<void *> buffers;
  buffers.reserve(static_cast<size_t>(model.num_inputs) + results.size() +
                  /*scratch=*/1);
  // Generated code only reads its inputs (the ABI says so); the packed
  // signature just cannot say const.
  for (int32_t i = 0; i < model.num_inputs; ++i)
    buffers.push_back(const_cast<void *>(inputs[i]->getData()));
  for (size_t i = 0; i < results.size(); ++i) {
    const kiln_io_info_t &io = model.outputs[i];
    // Zeroed, so that a model that skips an element gives the same wrong
    // answer every run instead of leftover heap contents.
    if (kiln_status_t status =
            Tensor::create(static_cast<kiln_dtype_t>(io.dtype),
                           static_cast<size_t>(io.rank), io.dims,
                           /*zeroData=*/true, results[i]);
        status != KILN_STATUS_OK) {
      error = formatString("model '%s': cannot allocate output '%s' (%s)",
                           model.name, io.name, formatIoType(io).c_str());
      return status;
    }
    buffers.push_back(results[i].getData());
  }
  // One arena per call, so that concurrent calls never share one. Left
  // uninitialised, as the ABI allows: zeroing a large arena would touch
  // every page on every call.
  std::unique_ptr<void, FreeDelete> scratch;
  if (model.scratch_bytes > 0) {
    if (kiln_status_t status = allocateScratch(model, scratch, error);
        status != KILN_STATUS_OK)
      return status;
    buffers.push_back(scratch.get());
  }
  // A model without inputs and outputs still gets a valid array.
  void *noBuffers[1] = {nullptr};
  model.run_packed(buffers.empty() ? noBuffers : buffers.data());
  outputs = std::move(results);
  return KILN_STATUS_OK;
}

//===----------------------------------------------------------------------===//
// kiln_main
//===----------------------------------------------------------------------===//

int runMain(int argc, char **argv, const kiln_model_info_t *model) {
  std::string error;
  if (!model)
    return printError(getProgramName(argc, argv) + ": model is NULL");
  if (validateModel(*model, error) != KILN_STATUS_OK)
    return printError(getProgramName(argc, argv) + ": " + error);
  const char *name = model->name;
  auto numInputs = static_cast<size_t>(model->num_inputs);
  auto numOutputs = static_cast<size_t>(model->num_outputs);

  std::vector<std::string> outputPaths;
  for (size_t i = 0; i < numOutputs; ++i)
    outputPaths.push_back(getDefaultOutputPath(model->outputs[i].name));

  // Options may come anywhere before "--", as with getopt's permutation.
  std::vector<const char *> inputPaths;
  const char *weightsPath = nullptr;
  size_t numOutputOptions = 0;
  bool optionsEnded = false;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!arg) // argv[argc] is NULL; a wrong argc must not crash.
      break;
    if (optionsEnded || arg[0] != '-' || arg[1] == '\0') {
      inputPaths.push_back(arg);
    } else if (std::strcmp(arg, "--") == 0) {
      optionsEnded = true;
    } else if (std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help") == 0) {
      std::clearerr(stdout);
      printUsage(*model, argc, argv);
      return finishStdout(*model);
    } else if (std::strncmp(arg, "-o", 2) == 0) {
      const char *path = arg + 2; // "-oOUT.npy" as with getopt.
      if (*path == '\0') {
        if (i + 1 == argc || !argv[i + 1])
          return printError(formatString("%s: option '-o' needs a path", name));
        path = argv[++i];
      }
      if (numOutputOptions < numOutputs)
        outputPaths[numOutputOptions] = path;
      ++numOutputOptions;
    } else if (std::strncmp(arg, "--threads", 9) == 0 &&
               (arg[9] == '\0' || arg[9] == '=')) {
      const char *value = arg + 10; // "--threads=N" as with getopt_long.
      if (arg[9] == '\0') {
        if (i + 1 == argc || !argv[i + 1])
          return printError(
              formatString("%s: option '--threads' needs a number", name));
        value = argv[++i];
      }
      char *end = nullptr;
      long threads = std::strtol(value, &end, 10);
      if (*value == '\0' || *end != '\0' || threads < 1 ||
          threads > KILN_MAX_THREADS ||
          kiln_set_num_threads(static_cast<int32_t>(threads)) !=
              KILN_STATUS_OK)
        return printError(formatString(
            "%s: option '--threads' expects 1 to %d, got '%s'", name,
            KILN_MAX_THREADS, value));
    } else if (std::strncmp(arg, "--weights", 9) == 0 &&
               (arg[9] == '\0' || arg[9] == '=')) {
      if (model->num_weights == 0)
        return printError(formatString("%s: option '--weights' given, but "
                                       "the model keeps no weights in a file",
                                       name));
      if (arg[9] == '=') { // "--weights=FILE" as with getopt_long.
        weightsPath = arg + 10;
      } else {
        if (i + 1 == argc || !argv[i + 1])
          return printError(
              formatString("%s: option '--weights' needs a path", name));
        weightsPath = argv[++i];
      }
      if (*weightsPath == '\0')
        return printError(
            formatString("%s: option '--weights' needs a path", name));
    } else {
      return printError(
          formatString("%s: unknown option '%s' (see --help)", name, arg));
    }
  }

  if (inputPaths.size() != numInputs)
    return printError(formatString(
        "%s: expects %s, got %zu", name,
        formatIoCount(model->inputs, model->num_inputs, "input").c_str(),
        inputPaths.size()));
  if (numOutputOptions > numOutputs)
    return printError(formatString(
        "%s: %zu output paths (-o) given, but the model has %s", name,
        numOutputOptions,
        formatIoCount(model->outputs, model->num_outputs, "output").c_str()));
  for (size_t i = 0; i < numOutputs; ++i)
    for (size_t j = 0; j < i; ++j)
      if (outputPaths[i] == outputPaths[j])
        return printError(formatString(
            "%s: outputs '%s' and '%s' would both be written to '%s'", name,
            model->outputs[j].name, model->outputs[i].name,
            outputPaths[i].c_str()));

  std::vector<Tensor> inputs(numInputs);
  std::vector<const Tensor *> inputPointers;
  for (size_t i = 0; i < numInputs; ++i) {
    if (readNpy(inputPaths[i], inputs[i], error) != KILN_STATUS_OK)
      return printError(error);
    if (checkInput(*model, static_cast<int32_t>(i), inputs[i], error) !=
        KILN_STATUS_OK)
      return printError(std::string(inputPaths[i]) + ": " + error);
    inputPointers.push_back(&inputs[i]);
  }

  // Mapped once the inputs are known to be good: hashing a large file is
  // the slowest check. Unmapped (and the slots cleared) on return.
  WeightsMapping weights;
  if (model->num_weights > 0) {
    std::string path =
        weightsPath ? weightsPath : getDefaultWeightsPath(argc, argv);
    if (path.empty())
      return printError(formatString(
          "%s: cannot locate the executable to find its weights file; pass "
          "--weights FILE",
          name));
    if (kiln_status_t status =
            WeightsMapping::map(*model, path.c_str(), weights, error);
        status != KILN_STATUS_OK) {
      // Only the default path can surprise: the user never named it.
      if (!weightsPath && status == KILN_STATUS_IO_ERROR)
        error += " (the model keeps its weights in this file; pass --weights "
                 "FILE)";
      return printError(error);
    }
  }

  std::vector<Tensor> outputs;
  if (runModel(*model, inputPointers.data(), outputs, error) != KILN_STATUS_OK)
    return printError(error);
  for (size_t i = 0; i < numOutputs; ++i)
    if (writeNpy(outputPaths[i].c_str(), outputs[i], error) != KILN_STATUS_OK)
      return printError(error);

  // Cleared so that finishStdout reports only what this call lost.
  std::clearerr(stdout);
  for (size_t i = 0; i < numOutputs; ++i) {
    const kiln_io_info_t &io = model->outputs[i];
    std::printf("%s: %s -> %s\n", io.name, formatIoType(io).c_str(),
                outputPaths[i].c_str());
    std::printf("  %s\n", formatValues(outputs[i]).c_str());
    if (std::optional<size_t> index = findClassifierArgmax(outputs[i]))
      std::printf("  argmax %zu\n", *index);
  }
  return finishStdout(*model);
}

} // namespace kiln::rt
