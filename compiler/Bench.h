//===- Bench.h - Time a compiled model's entry point -----------*- C++ -*-===//
//
// `kiln bench`: the latency of NAME_run_packed over repeated calls, after
// warm-up calls, on inputs read from .npy files or made up.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_BENCH_H
#define KILN_COMPILER_BENCH_H

#include "kiln/model.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kiln {

struct BenchOptions {
  /// One .npy per model input, in order; empty: random inputs.
  std::vector<std::string> inputs;
  unsigned warmup = 5; ///< Untimed calls first.
  unsigned runs = 20;  ///< Timed calls; at least 1.
  bool json = false;   ///< One JSON object instead of text.
  /// The thread count the calls run with (reported; set by the caller).
  int32_t threads = 1;
};

/// Runs \p model as \p options say and prints the median, min, max and
/// mean latency in milliseconds to \p os: as text, e.g.
///
///   model: mm (mm.onnx)
///   threads: 2
///   runs: 20 after 5 warm-up
///   median_ms: 12.345
///   min_ms: 12.001
///   max_ms: 13.9
///   mean_ms: 12.5
///
/// or, with options.json, as one JSON object with the keys model, source,
/// threads, warmup, runs, median_ms, min_ms, max_ms, mean_ms and times_ms
/// (every timed call, in order). Random inputs are uniform in [-1, 1) for
/// floating-point types (f32, f64; zero bits for f16/bf16) and zero for
/// integer and bool types (valid indices for Gather-like ops), from a
/// fixed seed. Errors go to \p errs as one line each.
/// \returns 0 on success, 1 on an error.
int benchModel(const kiln_model_info_t &model, const BenchOptions &options,
               llvm::raw_ostream &os, llvm::raw_ostream &errs);

} // namespace kiln

#endif // KILN_COMPILER_BENCH_H
