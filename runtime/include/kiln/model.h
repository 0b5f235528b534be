/*===- kiln/model.h - What a compiled model tells the runtime ------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * The ABI between generated code and the runtime. `kiln compile` emits, for
 * a model compiled under the name NAME:
 *
 *   void NAME_run(<one pointer per input>, <one pointer per output>,
 *                 void *scratch);          // scratch only if scratch_bytes > 0
 *   void NAME_run_packed(void **buffers);   // inputs, outputs, then scratch
 *   const kiln_model_info_t NAME_info;      // describes them
 *
 * Buffers are dense, row-major, of exactly the shapes and element types in
 * NAME_info; inputs are read-only, outputs are fully written by each call.
 * The scratch arena holds every intermediate tensor at an offset planned at
 * compile time: generated code never allocates. Its contents need not be
 * initialised and are garbage after a call. Generated code keeps no state
 * between calls and may be called from several threads at once with
 * distinct buffers and distinct scratch arenas.
 *
 * Large loops of generated code run on the runtime's thread pool through
 * kiln_parallel_for() (kiln/threads.h), the one runtime function a compiled
 * object calls; calls from several threads at once stay correct (a loop
 * started while the pool is busy runs on its caller's thread).
 *
 * An executable built with `kiln compile --emit=exe` is NAME_info plus
 * `int main(int argc, char **argv) { return kiln_main(argc, argv,
 * &NAME_info); }`, linked with the runtime.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_MODEL_H
#define KILN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/api.h"
#include "kiln/status.h"
#include "kiln/tensor.h"

KILN_EXTERN_C_BEGIN

/// Bumped whenever the layout of the structs below changes; generated code
/// stores the version it was compiled against in kiln_model_info_t, whose
/// first member it must therefore stay in every version.
#define KILN_MODEL_ABI_VERSION 3

/// One input or output of a compiled model.
typedef struct kiln_io_info_t {
  const char *name;    ///< The ONNX graph input/output name; never NULL.
  int32_t dtype;       ///< A kiln_dtype_t value.
  int32_t rank;        ///< Number of dims, 0..KILN_TENSOR_MAX_RANK; 0 for a
                       ///< scalar.
  const int64_t *dims; ///< `rank` static dims, each >= 0; may be NULL when
                       ///< `rank` is 0.
} kiln_io_info_t;

/// One weight tensor kept in the model's weights file. Generated code reads
/// it through `*slot`, which is NULL until the file is mapped.
typedef struct kiln_weight_info_t {
  const char *name; ///< Diagnostic name (the global it replaces).
  void **slot;      ///< Where generated code looks for the data.
  uint64_t offset;  ///< Byte offset in the file's data region; 64-aligned.
  uint64_t bytes;   ///< Size in bytes.
} kiln_weight_info_t;

/// Everything the runtime needs to call a compiled model. Emitted by the
/// compiler as a constant; never allocated or freed. Every function below
/// first checks that the struct is well formed (the ABI version, then the
/// constraints noted on each member) and rejects it otherwise.
typedef struct kiln_model_info_t {
  uint32_t abi_version; ///< KILN_MODEL_ABI_VERSION at compile time.
  const char *name;     ///< NAME as given to `kiln compile --name`; never
                        ///< NULL.
  const char *source;   ///< The model file it was compiled from; may be NULL.
  int32_t num_inputs;   ///< >= 0.
  int32_t num_outputs;  ///< >= 0.
  const kiln_io_info_t *inputs;  ///< num_inputs entries, in graph order.
  const kiln_io_info_t *outputs; ///< num_outputs entries, in graph order.
  /// Runs the model: buffers[0..num_inputs) are the inputs, the next
  /// num_outputs the outputs, then (when scratch_bytes > 0) the scratch
  /// arena. Never NULL.
  void (*run_packed)(void **buffers);
  /// Weights kept outside the code (`kiln compile --weights=external`):
  /// num_weights entries, 0 when every weight is embedded in the object.
  int32_t num_weights;
  const kiln_weight_info_t *weights;
  /// FNV-1a 64 of the weights file's data region, so a file written by
  /// another compile is rejected. 0 when num_weights is 0.
  uint64_t weights_checksum;
  /// Total size of the data region of the weights file.
  uint64_t weights_bytes;
  /// Bytes of scratch memory one call needs: every intermediate tensor lives
  /// at a static offset in this arena (the compiler's memory plan), and
  /// generated code allocates nothing. 0 when the model needs none.
  uint64_t scratch_bytes;
  /// Required alignment of the scratch arena, a power of two (64); at most
  /// 4096. Ignored when scratch_bytes is 0.
  uint64_t scratch_alignment;
} kiln_model_info_t;

/// Checks that \p tensor can be input \p index of \p model: same dtype, rank
/// and dims. \p model and \p tensor are borrowed for the call. \p error
/// follows the convention of kiln/runtime.h; a mismatch reads, for example,
/// "input 'x' expects f32 [1, 1, 28, 28], got f64 [1, 1, 28, 28]" (both
/// dtypes and shapes, whatever differs).
/// \returns KILN_STATUS_OK; KILN_STATUS_INVALID_ARGUMENT for a NULL argument,
/// an index out of range or a malformed \p model; KILN_STATUS_INCOMPATIBLE if
/// \p model was built for another ABI version;
/// KILN_STATUS_FAILED_PRECONDITION on a mismatch.
KILN_API kiln_status_t kiln_model_check_input(const kiln_model_info_t *model,
                                              int32_t index,
                                              const kiln_tensor_t *tensor,
                                              char *error, size_t error_size);

/// Runs \p model on \p inputs (an array of num_inputs tensors, each checked
/// with kiln_model_check_input first) and creates one tensor per output in
/// \p out_outputs (an array of num_outputs pointers; the caller releases
/// each tensor). A model with scratch_bytes > 0 gets a scratch arena
/// allocated for this call and freed before it returns. Either array may be
/// NULL when its count is 0. \p model,
/// \p inputs and the tensors are borrowed for the call; no output aliases an
/// input.
///
/// \p out_outputs is cleared on entry as soon as \p model is known to be
/// well formed (its num_outputs is needed to do so) and set only on success,
/// all entries or none. Before that point (a NULL \p model, another ABI
/// version, a malformed \p model) it is left untouched.
///
/// \returns KILN_STATUS_OK; KILN_STATUS_INVALID_ARGUMENT for a NULL \p model,
/// a NULL array or input tensor where one is needed, or a malformed
/// \p model; KILN_STATUS_INCOMPATIBLE if the model was built for another ABI
/// version; KILN_STATUS_FAILED_PRECONDITION if the model keeps its weights in
/// a file that is not mapped (a weight slot is NULL); the check's status on a
/// bad input; KILN_STATUS_OUT_OF_MEMORY if the outputs or the scratch arena
/// cannot be allocated.
KILN_API kiln_status_t kiln_model_run(const kiln_model_info_t *model,
                                      const kiln_tensor_t *const *inputs,
                                      kiln_tensor_t **out_outputs, char *error,
                                      size_t error_size);

/// The file format of `NAME.weights` (all little-endian):
///   bytes 0..8    magic "KILNWTS\0"
///   bytes 8..12   format version, 1
///   bytes 12..16  number of weights
///   bytes 16..24  FNV-1a 64 of the data region
///   bytes 24..32  size of the data region in bytes
///   bytes 32..64  zero
///   bytes 64..    the data region; weight i at 64 + weights[i].offset
#define KILN_WEIGHTS_MAGIC "KILNWTS"
#define KILN_WEIGHTS_FORMAT_VERSION 1
#define KILN_WEIGHTS_HEADER_BYTES 64

/// A mapping of a weights file; it keeps the model's weight slots pointing
/// into the file until released.
typedef struct kiln_weights_s kiln_weights_t;

/// Maps the weights file at \p path (read-only, shared) for \p model and
/// points every weight slot of the model into it. Validates the magic,
/// version, count, size and checksum against \p model first. \p model and
/// \p path are borrowed for the call. On success the caller owns
/// \p *out_weights and passes it to kiln_weights_release(); the model can
/// run while it is alive. Mapping again replaces the slots (the last mapping
/// wins). The slots are plain pointers: mapping and releasing must not
/// overlap a run of the model. Messages start with \p path, e.g.
/// "m.weights: truncated: expected 4096 data bytes, found 100".
/// \returns KILN_STATUS_OK; KILN_STATUS_IO_ERROR (cannot open or map),
/// KILN_STATUS_DATA_LOSS (truncated or corrupt: bad magic, checksum),
/// KILN_STATUS_INCOMPATIBLE (another format version, or a file written for
/// another compile of the model: count, size or checksum differ),
/// KILN_STATUS_INVALID_ARGUMENT (a NULL argument, a malformed \p model or
/// one without weights; another ABI version is KILN_STATUS_INCOMPATIBLE).
KILN_API kiln_status_t kiln_weights_map(const kiln_model_info_t *model,
                                        const char *path,
                                        kiln_weights_t **out_weights,
                                        char *error, size_t error_size);

/// Unmaps \p weights and clears the slots it set (if no later mapping has
/// replaced them). NULL is a no-op.
KILN_API void kiln_weights_release(kiln_weights_t *weights);

/// The `main` of an executable built with `kiln compile --emit=exe`:
///
///   NAME [-o OUT.npy]... [--weights FILE] [--threads N] IN.npy...
///
/// with the inputs in graph order. `--threads N` (or `--threads=N`, N from 1
/// to KILN_MAX_THREADS) calls kiln_set_num_threads(N) before the run
/// (kiln/threads.h). A model that keeps its weights in a file
/// (num_weights > 0) maps it before running, from `--weights FILE` (or
/// `--weights=FILE`), else from the path of the running executable
/// (/proc/self/exe, else argv[0]) plus ".weights"; --help names that file.
/// The option is an error for other models, and their help omits it.
///
/// Reads each input, checks it against \p model, runs it, writes each output
/// (to the -o paths in order, else to `<output name>.npy` in the current
/// directory, with characters other than [A-Za-z0-9._-] replaced by '_';
/// atomically) and prints a summary of every output to stdout:
///
///   y: f32 [1, 10] -> y.npy
///     [-2.30259, -2.1, 0.5, 1, 2, 3, 4, 5, ...]
///     argmax 7
///
/// that is, name, dtype, shape and path; the first 8 values (printf "%.6g"
/// for floating types); and, for a floating-point output of rank 1, or of
/// rank 2 with first dim 1, with at least 2 elements, the flat index of its
/// largest value (the first one on ties, as numpy.argmax). Summaries are
/// printed once every output is written. `-h`/`--help` prints a usage that
/// lists the inputs and outputs (and, for a model with scratch, "scratch: N
/// bytes per call"); `--` ends the options.
///
/// Errors go to stderr as one line starting with the file it concerns, or
/// with NAME for command-line errors (with the basename of argv[0] when
/// \p model is NULL or unusable), and nothing goes to stdout. An output
/// that cannot be written leaves no file behind, but outputs written before
/// it stay. \p argv and \p model are borrowed for the call.
/// \returns the process exit status: 0 on success, 1 on any error.
KILN_API int kiln_main(int argc, char **argv, const kiln_model_info_t *model);

KILN_EXTERN_C_END

#endif /* KILN_MODEL_H */
