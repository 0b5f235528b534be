/*===- kiln/model.h - What a compiled model tells the runtime ------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * The ABI between generated code and the runtime. `kiln compile` emits, for
 * a model compiled under the name NAME:
 *
 *   void NAME_run(<one pointer per input>, <one pointer per output>);
 *   void NAME_run_packed(void **buffers);   // buffers[i]: inputs, then outputs
 *   const kiln_model_info_t NAME_info;      // describes both
 *
 * Buffers are dense, row-major, of exactly the shapes and element types in
 * NAME_info; inputs are read-only, outputs are fully written by each call.
 * Generated code keeps no state between calls and may be called from several
 * threads at once with distinct buffers.
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
#define KILN_MODEL_ABI_VERSION 1

/// One input or output of a compiled model.
typedef struct kiln_io_info_t {
  const char *name;    ///< The ONNX graph input/output name; never NULL.
  int32_t dtype;       ///< A kiln_dtype_t value.
  int32_t rank;        ///< Number of dims, 0..KILN_TENSOR_MAX_RANK; 0 for a
                       ///< scalar.
  const int64_t *dims; ///< `rank` static dims, each >= 0; may be NULL when
                       ///< `rank` is 0.
} kiln_io_info_t;

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
  /// num_outputs the outputs. Never NULL.
  void (*run_packed)(void **buffers);
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
/// each tensor). Either array may be NULL when its count is 0. \p model,
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
/// version; the check's status on a bad input; KILN_STATUS_OUT_OF_MEMORY.
KILN_API kiln_status_t kiln_model_run(const kiln_model_info_t *model,
                                      const kiln_tensor_t *const *inputs,
                                      kiln_tensor_t **out_outputs, char *error,
                                      size_t error_size);

/// The `main` of an executable built with `kiln compile --emit=exe`:
///
///   NAME [-o OUT.npy]... IN.npy...   (inputs in graph order)
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
/// lists the inputs and outputs; `--` ends the options.
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
