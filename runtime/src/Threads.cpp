//===- Threads.cpp - The thread pool of compiled models -------------------===//
//
// One process-wide pool (kiln/threads.h). A loop is published as one atomic
// word, `state`: a generation number, the number of workers asked to take
// part (the first threads - 1) and the range of chunks still unclaimed. The
// caller and those workers claim chunks by compare-and-swap on that word, so
// a claim is only ever made on the loop being run, and a thread slowed down
// by other processes simply takes fewer chunks. The caller claims from the
// front of the range, the workers from the back: at 2 threads the caller
// runs the first half and the worker the second on every call, so each core
// finds in its own caches the weights and activations its chunks read and
// wrote the call before. (Both claiming from the front gave the first chunk
// to whichever got there first: a 16 x 144 x 1024 product split in two ran
// 1.24x faster than on one thread, its halves fetched from the other core
// one call in two.) The caller waits for the chunks the workers *claimed*,
// not for the workers: a worker that is descheduled when a loop is
// published (another process holds its core) costs the loop nothing, the
// caller runs every chunk itself. Waiting for all workers to check in made
// a model at 2 threads on a busy 2-core machine 6x slower than on 1 thread.
//
// Waiting is spin-then-block, on both sides. A model is a sequence of loops
// a few microseconds to a few milliseconds long with short serial stretches
// in between; waking a thread blocked on a condition variable costs tens of
// microseconds, as much as a small loop, so a worker spins for kSpinMicros
// after its last loop before it blocks, and the caller spins for the
// workers' last chunks before it blocks. A spinning thread yields its core
// (sched_yield) after the first kPureSpinMicros: when the caller and a
// worker share one core because other processes hold the rest, the
// spinner would otherwise burn the time the other thread needs. Idle, the
// pool costs nothing: every thread is blocked after kSpinMicros. Wake-ups
// go through the mutex only when a thread is blocked (`sleepers`,
// `callerBlocked`), so a loop on spinning workers makes no system call.
//
// The pool is never destroyed: its threads block on a condition variable
// until the process exits, so no static destructor joins them.
//
//===----------------------------------------------------------------------===//

#include "kiln/threads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <pthread.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace {

std::atomic<int32_t> setThreads{0};

/// True on a thread that is running a loop body: a nested loop runs inline.
thread_local bool insideLoop = false;

/// How long a thread spins for the next loop (a worker) or for the end of
/// the current one (the caller) before it blocks.
constexpr std::chrono::microseconds kSpinMicros{200};
/// How long a spinning thread only spins before it also yields its core.
constexpr std::chrono::microseconds kPureSpinMicros{20};

/// The least stack a worker gets. Compiled contraction kernels keep their
/// packed panels on the stack (about 1.3 MiB per call with the AVX-512
/// tiles), so a worker's stack must not depend on RLIMIT_STACK, which
/// glibc's default for new threads follows (`ulimit -s 1024` would give 1
/// MiB).
constexpr size_t kWorkerStackBytes = size_t{16} << 20;

/// Tells the core this thread is spin-waiting (frees the sibling
/// hyperthread's resources, saves power).
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

/// Spins until \p ready() or kSpinMicros have passed, yielding the core
/// between checks after kPureSpinMicros. \returns ready().
template <typename Ready> bool spinUntil(Ready ready) {
  auto start = std::chrono::steady_clock::now();
  auto yieldFrom = start + kPureSpinMicros;
  auto deadline = start + kSpinMicros;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready())
        return true;
      relax();
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return ready();
    if (now >= yieldFrom)
      std::this_thread::yield();
  }
}

/// KILN_NUM_THREADS as a thread count, or 0 when unset or not an integer in
/// [1, KILN_MAX_THREADS].
int32_t environmentThreads() {
  const char *text = std::getenv("KILN_NUM_THREADS");
  if (!text || !*text)
    return 0;
  char *end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 1 || value > KILN_MAX_THREADS)
    return 0;
  return static_cast<int32_t>(value);
}

/// The fields of the pool's `state` word, low bits first: the first and
/// one past the last unclaimed chunk, the number of workers asked to take
/// part, the generation (one per loop run on the pool).
struct State {
  static constexpr unsigned kChunkBits = 11, kWorkerBits = 10;
  static constexpr unsigned kEndShift = kChunkBits,
                            kWorkerShift = 2 * kChunkBits,
                            kGenerationShift = 2 * kChunkBits + kWorkerBits;
  static constexpr int64_t kMaxChunks = (int64_t{1} << kChunkBits) - 1;
  static_assert(KILN_MAX_THREADS < (1 << kWorkerBits));
  /// At most 4 chunks per thread are asked for (Pool::run).
  static_assert(4 * KILN_MAX_THREADS <= kMaxChunks);

  static uint64_t field(uint64_t word, unsigned shift, unsigned bits) {
    return (word >> shift) & ((uint64_t{1} << bits) - 1);
  }
  static int64_t next(uint64_t w) { return field(w, 0, kChunkBits); }
  static int64_t end(uint64_t w) { return field(w, kEndShift, kChunkBits); }
  static int32_t workers(uint64_t w) {
    return static_cast<int32_t>(field(w, kWorkerShift, kWorkerBits));
  }
  static uint64_t generation(uint64_t w) { return w >> kGenerationShift; }
  static uint64_t make(uint64_t generation, int32_t workers, int64_t count) {
    return generation << kGenerationShift |
           static_cast<uint64_t>(workers) << kWorkerShift |
           static_cast<uint64_t>(count) << kEndShift;
  }
};

/// A cache line. The pool's shared fields get one each: `job` is written
/// once per loop and read by every worker, `state` written by every claim,
/// `completed` by every chunk a worker finishes.
constexpr size_t kLine = 64;

class Pool {
public:
  static Pool &get() {
    static Pool *pool = new Pool(); // Leaked on purpose: see the file header.
    return *pool;
  }

  void run(kiln_parallel_body_t body, void *ctx, int64_t n, int64_t grain,
           int32_t threads) {
    // One loop at a time: a concurrent caller runs its loop alone rather
    // than wait for the pool.
    std::unique_lock<std::mutex> submitted(submit, std::try_to_lock);
    if (!submitted.owns_lock()) {
      runInline(body, ctx, n);
      return;
    }
    int64_t chunks = (n + grain - 1) / grain;
    int32_t helpers =
        static_cast<int32_t>(std::min<int64_t>(threads, chunks)) - 1;
    if (helpers <= 0) {
      runInline(body, ctx, n);
      return;
    }
    // A few chunks per thread balance the load without contending much on
    // the counter.
    int64_t chunk = std::max<int64_t>(
        grain, (n + (helpers + 1) * 4 - 1) / ((helpers + 1) * 4));
    int64_t count = (n + chunk - 1) / chunk;
    // A worker that cannot be started is absent: the caller runs its
    // chunks (see the file header).
    while (started < helpers && startWorker(started))
      ++started;
    // Every chunk of the previous loop has finished (the caller waited for
    // them), and a worker reads `job` only after claiming a chunk of the
    // loop it describes: it is free.
    job = Job{body, ctx, n, chunk};
    completed.store(0, std::memory_order_relaxed);
    uint64_t generation =
        State::generation(state.load(std::memory_order_relaxed)) + 1;
    // Sequentially consistent with the `sleepers` load below (a worker
    // increments it, then reads `state`): one of the two sees the other.
    state.store(State::make(generation, helpers, count),
                std::memory_order_seq_cst);
    if (sleepers.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mutex);
      wake.notify_all();
    }

    insideLoop = true;
    int64_t mine = 0;
    int64_t claimed = 0;
    for (uint64_t word = state.load(std::memory_order_relaxed);
         claim(word, -1, claimed);) {
      execute(claimed);
      ++mine;
    }
    insideLoop = false;
    int64_t theirs = count - mine;
    auto allDone = [&] {
      return completed.load(std::memory_order_seq_cst) == theirs;
    };
    if (!spinUntil(allDone)) {
      std::unique_lock<std::mutex> lock(mutex);
      callerBlocked.store(true, std::memory_order_seq_cst);
      done.wait(lock, allDone);
      callerBlocked.store(false, std::memory_order_relaxed);
    }
  }

  static void runInline(kiln_parallel_body_t body, void *ctx, int64_t n) {
    bool outer = insideLoop;
    insideLoop = true;
    body(ctx, 0, n);
    insideLoop = outer;
  }

private:
  struct Job {
    kiln_parallel_body_t body = nullptr;
    void *ctx = nullptr;
    int64_t n = 0, chunk = 1;
  };

  /// Claims a chunk of the current loop for worker \p index (-1: the
  /// caller, which takes the first unclaimed chunk; a worker takes the
  /// last). \p word is the last value of `state` seen. \returns false once
  /// every chunk is claimed, or if the loop does not ask for this worker;
  /// else true, with the chunk in \p chunk.
  bool claim(uint64_t &word, int32_t index, int64_t &chunk) {
    for (;;) {
      if (State::next(word) >= State::end(word) ||
          index >= State::workers(word))
        return false;
      uint64_t claimed =
          index < 0 ? word + 1 : word - (uint64_t{1} << State::kEndShift);
      if (state.compare_exchange_weak(word, claimed, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        chunk = index < 0 ? State::next(word) : State::end(word) - 1;
        return true;
      }
    }
  }

  /// Runs chunk \p index of `job`; its claim keeps `job` from changing.
  void execute(int64_t index) {
    int64_t begin = index * job.chunk;
    job.body(job.ctx, begin, std::min(job.n, begin + job.chunk));
  }

  /// Starts worker \p index, detached, with a stack of at least
  /// kWorkerStackBytes. \returns false if the thread could not be created.
  bool startWorker(int32_t index) {
    struct Start {
      Pool *pool;
      int32_t index;
    };
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
      return false;
    size_t stack = 0;
    pthread_attr_getstacksize(&attr, &stack);
    pthread_attr_setstacksize(&attr, std::max(stack, kWorkerStackBytes));
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    auto *start = new Start{this, index};
    pthread_t thread;
    int status = pthread_create(
        &thread, &attr,
        [](void *arg) -> void * {
          Start start = *static_cast<Start *>(arg);
          delete static_cast<Start *>(arg);
          start.pool->work(start.index);
          return nullptr;
        },
        start);
    pthread_attr_destroy(&attr);
    if (status != 0) {
      delete start;
      return false;
    }
    return true;
  }

  void work(int32_t index) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t word = 0;
      auto published = [&] {
        word = state.load(std::memory_order_seq_cst);
        return State::generation(word) != seen;
      };
      if (!spinUntil(published)) {
        std::unique_lock<std::mutex> lock(mutex);
        sleepers.fetch_add(1, std::memory_order_seq_cst);
        wake.wait(lock, published);
        sleepers.fetch_sub(1, std::memory_order_relaxed);
      }
      insideLoop = true;
      int64_t chunk = 0;
      while (claim(word, index, chunk)) {
        execute(chunk);
        // Sequentially consistent with the caller's store of
        // `callerBlocked` (then its load of `completed`).
        completed.fetch_add(1, std::memory_order_seq_cst);
        if (callerBlocked.load(std::memory_order_seq_cst)) {
          std::lock_guard<std::mutex> lock(mutex);
          done.notify_one();
        }
        word = state.load(std::memory_order_relaxed);
      }
      insideLoop = false;
      // The claim failed on `word`: every chunk of its loop is taken or
      // the loop does not ask for this worker (it may be a later loop than
      // the one that woke this worker up). Wait for the next one.
      seen = State::generation(word);
    }
  }

  std::mutex submit;                 ///< Held by the loop being run.
  std::mutex mutex;                  ///< For blocking waits only.
  std::condition_variable wake, done;
  int32_t started = 0;               ///< Workers; the submitter's only.
  /// Published by `state`; read by a worker only while it holds a claim.
  alignas(kLine) Job job;
  /// See State: generation, workers asked, chunks, next unclaimed chunk.
  alignas(kLine) std::atomic<uint64_t> state{0};
  /// Chunks finished by workers in the current loop.
  alignas(kLine) std::atomic<int64_t> completed{0};
  /// Workers blocked on `wake`.
  alignas(kLine) std::atomic<int32_t> sleepers{0};
  /// The caller blocked on `done`.
  std::atomic<bool> callerBlocked{false};
};

} // namespace

extern "C" {

void kiln_parallel_for(kiln_parallel_body_t body, void *ctx, int64_t n,
                       int64_t grain, int32_t default_threads) {
  if (!body || n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int32_t threads = insideLoop ? 1 : kiln_get_num_threads(default_threads);
  if (threads <= 1 || n <= grain) {
    Pool::runInline(body, ctx, n);
    return;
  }
  Pool::get().run(body, ctx, n, grain, threads);
}

kiln_status_t kiln_set_num_threads(int32_t n) {
  if (n < 0 || n > KILN_MAX_THREADS)
    return KILN_STATUS_INVALID_ARGUMENT;
  setThreads.store(n, std::memory_order_relaxed);
  return KILN_STATUS_OK;
}

int32_t kiln_get_num_threads(int32_t default_threads) {
  if (int32_t n = setThreads.load(std::memory_order_relaxed))
    return n;
  if (int32_t n = environmentThreads())
    return n;
  if (default_threads >= 1)
    return std::min<int32_t>(default_threads, KILN_MAX_THREADS);
  unsigned hardware = std::thread::hardware_concurrency();
  return static_cast<int32_t>(
      std::clamp<unsigned>(hardware, 1, KILN_MAX_THREADS));
}

} // extern "C"
