//===- Threads.cpp - The thread pool of compiled models -------------------===//
//
// One process-wide pool (kiln/threads.h). A loop is published as a ticket:
// one atomic word holding a generation number and the number of workers
// asked to take part (the first threads - 1). Those workers and the caller
// claim chunks of iterations from one atomic counter, so a thread slowed
// down by other processes takes fewer chunks; the last worker to finish
// counts down `finished`, which the caller waits for.
//
// Waiting is spin-then-block, on both sides. A model is a sequence of loops
// a few microseconds to a few milliseconds long with short serial stretches
// in between; waking a thread blocked on a condition variable costs tens of
// microseconds, as much as a small loop, so a worker spins (with `pause`)
// for kSpinMicros after its last loop before it blocks, and the caller spins
// for the workers' last chunks before it blocks. Idle, the pool costs
// nothing: every thread is blocked after kSpinMicros.
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
#include <vector>

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

/// Tells the core this thread is spin-waiting (frees the sibling
/// hyperthread's resources, saves power).
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

/// Spins until \p ready() or kSpinMicros have passed. \returns ready().
template <typename Ready> bool spinUntil(Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + kSpinMicros;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready())
        return true;
      relax();
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return ready();
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
    while (static_cast<int32_t>(workers.size()) < helpers) {
      int32_t index = static_cast<int32_t>(workers.size());
      workers.emplace_back([this, index] { work(index); });
    }
    // Every worker of the previous loop has finished with `job` (the caller
    // waited for them), and the others never read it: it is free.
    job = Job{body, ctx, n, chunk};
    next.store(0, std::memory_order_relaxed);
    finished.store(0, std::memory_order_relaxed);
    uint64_t generation =
        (ticket.load(std::memory_order_relaxed) >> kWorkerBits) + 1;
    ticket.store(generation << kWorkerBits | static_cast<uint64_t>(helpers),
                 std::memory_order_release);
    {
      // Orders the store with a worker that checked the ticket and is about
      // to block: it either sees the new ticket or gets the notification.
      std::lock_guard<std::mutex> lock(mutex);
    }
    wake.notify_all();

    execute(job);
    auto allDone = [&] {
      return finished.load(std::memory_order_acquire) == helpers;
    };
    if (!spinUntil(allDone)) {
      std::unique_lock<std::mutex> lock(mutex);
      done.wait(lock, allDone);
    }
  }

  static void runInline(kiln_parallel_body_t body, void *ctx, int64_t n) {
    bool outer = insideLoop;
    insideLoop = true;
    body(ctx, 0, n);
    insideLoop = outer;
  }

private:
  /// The low bits of a ticket: the number of workers asked, < KILN_MAX_THREADS.
  static constexpr unsigned kWorkerBits = 16;
  static_assert(KILN_MAX_THREADS < (1 << kWorkerBits));

  static int32_t workersAsked(uint64_t ticket) {
    return static_cast<int32_t>(ticket & ((uint64_t{1} << kWorkerBits) - 1));
  }

  struct Job {
    kiln_parallel_body_t body = nullptr;
    void *ctx = nullptr;
    int64_t n = 0, chunk = 1;
  };

  void execute(const Job &current) {
    insideLoop = true;
    for (;;) {
      int64_t begin = next.fetch_add(current.chunk, std::memory_order_relaxed);
      if (begin >= current.n)
        break;
      current.body(current.ctx, begin, std::min(current.n, begin + current.chunk));
    }
    insideLoop = false;
  }

  void work(int32_t index) {
    uint64_t seen = 0;
    for (;;) {
      auto published = [&] {
        return ticket.load(std::memory_order_acquire) != seen;
      };
      if (!spinUntil(published)) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, published);
      }
      seen = ticket.load(std::memory_order_acquire);
      // A worker not asked to take part does not touch `job`: the caller
      // may already be writing the next one.
      int32_t asked = workersAsked(seen);
      if (index >= asked)
        continue;
      execute(job);
      if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == asked) {
        std::lock_guard<std::mutex> lock(mutex);
        done.notify_one();
      }
    }
  }

  std::mutex submit;                 ///< Held by the loop being run.
  std::mutex mutex;                  ///< For blocking waits only.
  std::condition_variable wake, done;
  std::vector<std::thread> workers;  ///< Touched by the submitter only.
  Job job;                           ///< Published by `ticket`.
  /// generation << kWorkerBits | number of workers asked to take part.
  std::atomic<uint64_t> ticket{0};
  std::atomic<int64_t> next{0};      ///< The next unclaimed iteration.
  std::atomic<int32_t> finished{0};  ///< Workers done with the loop.
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
