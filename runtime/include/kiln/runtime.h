/*===- kiln/runtime.h - The kiln runtime C API ---------------------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * Umbrella header: include this to get the whole runtime C API. Compiled
 * models and the `kiln` tool link the runtime (a C++17 library with no MLIR
 * or LLVM dependency) through these headers only.
 *
 * Conventions that hold for every function of the API, stated once here:
 *
 *  - Every fallible function returns kiln_status_t; KILN_STATUS_OK is 0.
 *  - Ownership: a `*_create` or `*_read` function hands the caller a new
 *    object, which the caller owns and must pass to the matching
 *    `*_release`. Accessors return borrowed pointers that live as long as
 *    the object they came from. Pointer arguments are borrowed for the
 *    duration of the call only, unless a function documents that it retains
 *    them. Each function's documentation repeats the lifetime of each of its
 *    pointer arguments.
 *  - Output parameters (`out_*`) are cleared on entry and set only on
 *    success, so a failed call never leaves a dangling or partial result.
 *  - Functions that report detail take a caller-provided `char *error`
 *    buffer of `error_size` bytes. It may be NULL (no detail wanted); when it
 *    is not NULL and error_size > 0 it always ends up NUL-terminated: empty
 *    on success, a message starting with the subject (usually a file path)
 *    on failure, truncated to fit.
 *  - No C++ exception ever crosses the API; the runtime is built with
 *    -fno-exceptions -fno-rtti.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include "kiln/api.h"    /* IWYU pragma: export */
#include "kiln/model.h"  /* IWYU pragma: export */
#include "kiln/npy.h"    /* IWYU pragma: export */
#include "kiln/status.h" /* IWYU pragma: export */
#include "kiln/tensor.h" /* IWYU pragma: export */
#include "kiln/threads.h" /* IWYU pragma: export */

#endif /* KILN_RUNTIME_H */
