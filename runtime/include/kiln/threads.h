/*===- kiln/threads.h - The thread pool of compiled models ---------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * Generated code runs the outer loop of a large loop nest (a tile loop of a
 * contraction, a big convolution or elementwise loop) through
 * kiln_parallel_for(): the only runtime symbol a compiled object needs
 * besides libc/libm. The iterations it splits write disjoint data, so the
 * result does not depend on the number of threads.
 *
 * The number of threads, first match wins:
 *   1. kiln_set_num_threads(n) with n >= 1 (`--threads N` of an executable
 *      built by `kiln compile --emit=exe`, of `kiln run` and `kiln bench`);
 *   2. the environment variable KILN_NUM_THREADS (an integer >= 1; read on
 *      every call, so it can be set after the process starts);
 *   3. the default compiled into the model (`kiln compile --threads N`),
 *      passed by generated code as `default_threads` when >= 1;
 *   4. the number of hardware threads of the machine.
 * At most KILN_MAX_THREADS threads run one loop.
 *
 * The pool is process-wide and started on first use: the calling thread
 * always takes part, and never waits for a thread that has not started on
 * the loop (one descheduled by other processes): it runs the chunks nobody
 * claimed itself. Between loops the other threads spin for about 200
 * microseconds (a model's next loop usually starts sooner; waking a blocked
 * thread would cost as much as a small loop), yielding their core after
 * the first few, then block. A call made while
 * the pool is busy with another call (two threads running models at once),
 * or from inside a loop body, runs its loop on the calling thread alone.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_THREADS_H
#define KILN_THREADS_H

#include <stdint.h>

#include "kiln/api.h"
#include "kiln/status.h"

KILN_EXTERN_C_BEGIN

/// The largest number of threads one loop runs on.
#define KILN_MAX_THREADS 256

/// A loop body: runs iterations [begin, end) of the loop; \p ctx is the
/// pointer given to kiln_parallel_for.
typedef void (*kiln_parallel_body_t)(void *ctx, int64_t begin, int64_t end);

/// Runs \p body over iterations [0, \p n) on the pool: every iteration
/// exactly once, in chunks of at least \p grain iterations (but the last),
/// each chunk's iterations in increasing order; returns once all are done.
/// On one thread this is `body(ctx, 0, n)`. \p default_threads is the
/// model's compiled default (rule 3 above; 0 for none). \p n <= 0 does
/// nothing; \p grain < 1 counts as 1. \p ctx is borrowed for the call.
KILN_API void kiln_parallel_for(kiln_parallel_body_t body, void *ctx,
                                int64_t n, int64_t grain,
                                int32_t default_threads);

/// Sets the number of threads of every later loop (rule 1 above), at most
/// KILN_MAX_THREADS; 0 removes the setting. Must not be called while a loop
/// runs on the pool.
/// \returns KILN_STATUS_OK, or KILN_STATUS_INVALID_ARGUMENT for \p n < 0 or
/// above KILN_MAX_THREADS.
KILN_API kiln_status_t kiln_set_num_threads(int32_t n);

/// \returns the number of threads a loop of a model compiled with
/// \p default_threads (0 for none) runs on now, following the rules above.
KILN_API int32_t kiln_get_num_threads(int32_t default_threads);

KILN_EXTERN_C_END

#endif /* KILN_THREADS_H */
