//===- Bench.cpp - Time a compiled model's entry point --------------------===//

#include "compiler/Bench.h"

#include "kiln/runtime.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>

namespace kiln {
namespace {

/// A zeroed buffer aligned to \p alignment (a power of two).
struct AlignedBuffer {
  void *data = nullptr;
  AlignedBuffer(size_t bytes, size_t alignment) {
    size_t rounded = (std::max<size_t>(bytes, 1) + alignment - 1) /
                     alignment * alignment;
    data = std::aligned_alloc(alignment, rounded);
    if (data)
      std::memset(data, 0, rounded);
  }
  ~AlignedBuffer() { std::free(data); }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
};

size_t elementCount(const kiln_io_info_t &io) {
  size_t count = 1;
  for (int32_t d = 0; d < io.rank; ++d)
    count *= static_cast<size_t>(io.dims[d]);
  return count;
}

struct TensorDeleter {
  void operator()(kiln_tensor_t *t) const { kiln_tensor_release(t); }
};

} // namespace

int benchModel(const kiln_model_info_t &model, const BenchOptions &options,
               llvm::raw_ostream &os, llvm::raw_ostream &errs) {
  auto numInputs = static_cast<size_t>(model.num_inputs);
  auto numOutputs = static_cast<size_t>(model.num_outputs);
  if (!options.inputs.empty() && options.inputs.size() != numInputs) {
    errs << "kiln: error: the model has " << numInputs << " input(s), got "
         << options.inputs.size() << " -i file(s)\n";
    return 1;
  }
  if (options.runs == 0) {
    errs << "kiln: error: --runs must be at least 1\n";
    return 1;
  }
  std::vector<std::unique_ptr<kiln_tensor_t, TensorDeleter>> read;
  std::vector<std::unique_ptr<AlignedBuffer>> owned;
  std::vector<void *> buffers;
  std::mt19937_64 random(20261127);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (size_t i = 0; i < numInputs; ++i) {
    const kiln_io_info_t &io = model.inputs[i];
    if (!options.inputs.empty()) {
      char error[512];
      kiln_tensor_t *t = nullptr;
      if (kiln_npy_read(options.inputs[i].c_str(), &t, error, sizeof error) !=
          KILN_STATUS_OK) {
        errs << "kiln: error: " << error << "\n";
        return 1;
      }
      read.emplace_back(t);
      if (kiln_model_check_input(&model, static_cast<int32_t>(i), t, error,
                                 sizeof error) != KILN_STATUS_OK) {
        errs << "kiln: error: " << options.inputs[i] << ": " << error << "\n";
        return 1;
      }
      buffers.push_back(kiln_tensor_data(t));
      continue;
    }
    size_t count = elementCount(io);
    size_t size = kiln_dtype_size(static_cast<kiln_dtype_t>(io.dtype));
    owned.push_back(std::make_unique<AlignedBuffer>(count * size, 64));
    void *data = owned.back()->data;
    if (!data) {
      errs << "kiln: error: out of memory for input '" << io.name << "'\n";
      return 1;
    }
    if (io.dtype == KILN_DTYPE_F32)
      for (size_t k = 0; k < count; ++k)
        static_cast<float *>(data)[k] = static_cast<float>(uniform(random));
    else if (io.dtype == KILN_DTYPE_F64)
      for (size_t k = 0; k < count; ++k)
        static_cast<double *>(data)[k] = uniform(random);
    buffers.push_back(data);
  }
  for (size_t i = 0; i < numOutputs; ++i) {
    const kiln_io_info_t &io = model.outputs[i];
    owned.push_back(std::make_unique<AlignedBuffer>(
        elementCount(io) *
            kiln_dtype_size(static_cast<kiln_dtype_t>(io.dtype)),
        64));
    if (!owned.back()->data) {
      errs << "kiln: error: out of memory for output '" << io.name << "'\n";
      return 1;
    }
    buffers.push_back(owned.back()->data);
  }
  if (model.scratch_bytes > 0) {
    owned.push_back(std::make_unique<AlignedBuffer>(
        model.scratch_bytes, std::max<uint64_t>(model.scratch_alignment, 64)));
    if (!owned.back()->data) {
      errs << "kiln: error: out of memory for " << model.scratch_bytes
           << " bytes of scratch\n";
      return 1;
    }
    buffers.push_back(owned.back()->data);
  }

  for (unsigned i = 0; i < options.warmup; ++i)
    model.run_packed(buffers.data());
  std::vector<double> times;
  for (unsigned i = 0; i < options.runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    model.run_packed(buffers.data());
    auto stop = std::chrono::steady_clock::now();
    times.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2]
                        : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;

  if (options.json) {
    llvm::json::Array all;
    for (double t : times)
      all.push_back(t);
    llvm::json::Object result{
        {"model", model.name},
        {"source", model.source ? model.source : ""},
        {"threads", options.threads},
        {"warmup", options.warmup},
        {"runs", options.runs},
        {"median_ms", median},
        {"min_ms", sorted.front()},
        {"max_ms", sorted.back()},
        {"mean_ms", mean},
        {"times_ms", std::move(all)}};
    os << llvm::json::Value(std::move(result)) << "\n";
    return 0;
  }
  os << "model: " << model.name;
  if (model.source)
    os << " (" << model.source << ")";
  os << "\nthreads: " << options.threads << "\nruns: " << options.runs
     << " after " << options.warmup << " warm-up\n";
  os << "median_ms: " << llvm::format("%.4f", median) << "\n"
     << "min_ms: " << llvm::format("%.4f", sorted.front()) << "\n"
     << "max_ms: " << llvm::format("%.4f", sorted.back()) << "\n"
     << "mean_ms: " << llvm::format("%.4f", mean) << "\n";
  return 0;
}

} // namespace kiln
