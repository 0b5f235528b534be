//===- ThreadsTest.cpp - The thread pool of compiled models ---------------===//

#include "kiln/threads.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <pthread.h>
#include <unistd.h>
#include <vector>

namespace {

/// Counts how often each iteration ran and which threads ran any.
struct Counter {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::atomic<int64_t> badChunks{0};
  int64_t grain = 1, n = 0;

  explicit Counter(int64_t n, int64_t grain) : hits(n), grain(grain), n(n) {}

  static void body(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Counter *>(ctx);
    if (end - begin < self->grain && end != self->n)
      ++self->badChunks;
    for (int64_t i = begin; i < end; ++i)
      ++self->hits[i];
    std::lock_guard<std::mutex> lock(self->mutex);
    self->threads.insert(std::this_thread::get_id());
  }

  void expectEachOnce() {
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "iteration " << i;
    EXPECT_EQ(badChunks.load(), 0);
  }
};

class ThreadsTest : public ::testing::Test {
protected:
  void SetUp() override { unsetenv("KILN_NUM_THREADS"); }
  void TearDown() override {
    ASSERT_EQ(kiln_set_num_threads(0), KILN_STATUS_OK);
    unsetenv("KILN_NUM_THREADS");
  }
};

TEST_F(ThreadsTest, ThreadCountPrecedence) {
  unsigned hardware = std::thread::hardware_concurrency();
  EXPECT_EQ(kiln_get_num_threads(0),
            static_cast<int32_t>(hardware ? hardware : 1));
  EXPECT_EQ(kiln_get_num_threads(3), 3);
  setenv("KILN_NUM_THREADS", "5", 1);
  EXPECT_EQ(kiln_get_num_threads(3), 5);
  setenv("KILN_NUM_THREADS", "five", 1); // Ignored.
  EXPECT_EQ(kiln_get_num_threads(3), 3);
  setenv("KILN_NUM_THREADS", "0", 1); // Ignored.
  EXPECT_EQ(kiln_get_num_threads(3), 3);
  setenv("KILN_NUM_THREADS", "5", 1);
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  EXPECT_EQ(kiln_get_num_threads(3), 2);
  ASSERT_EQ(kiln_set_num_threads(0), KILN_STATUS_OK);
  EXPECT_EQ(kiln_get_num_threads(3), 5);
  EXPECT_EQ(kiln_set_num_threads(-1), KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_set_num_threads(KILN_MAX_THREADS + 1),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_get_num_threads(3), 5);
}

TEST_F(ThreadsTest, OneThreadIsOneCallInOrder) {
  ASSERT_EQ(kiln_set_num_threads(1), KILN_STATUS_OK);
  std::vector<std::pair<int64_t, int64_t>> calls;
  kiln_parallel_for(
      [](void *ctx, int64_t begin, int64_t end) {
        static_cast<std::vector<std::pair<int64_t, int64_t>> *>(ctx)
            ->push_back({begin, end});
      },
      &calls, 100, 7, 4);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], (std::pair<int64_t, int64_t>{0, 100}));
}

TEST_F(ThreadsTest, EveryIterationOnceOnSeveralThreads) {
  for (int32_t threads : {2, 3, 8})
    for (int64_t n : {1, 2, 7, 64, 1000})
      for (int64_t grain : {1, 3, 50}) {
        ASSERT_EQ(kiln_set_num_threads(threads), KILN_STATUS_OK);
        Counter counter(n, grain);
        kiln_parallel_for(&Counter::body, &counter, n, grain, 0);
        SCOPED_TRACE(testing::Message() << threads << " threads, n " << n
                                        << ", grain " << grain);
        counter.expectEachOnce();
      }
}

TEST_F(ThreadsTest, UsesSeveralThreads) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  // Iterations slow enough that the caller cannot take them all before a
  // worker wakes up.
  struct Slow {
    std::mutex mutex;
    std::set<std::thread::id> threads;
  } slow;
  kiln_parallel_for(
      [](void *ctx, int64_t begin, int64_t end) {
        auto *self = static_cast<Slow *>(ctx);
        {
          std::lock_guard<std::mutex> lock(self->mutex);
          self->threads.insert(std::this_thread::get_id());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * (end - begin)));
      },
      &slow, 40, 1, 0);
  EXPECT_EQ(slow.threads.size(), 2u);
}

TEST_F(ThreadsTest, WorkersHaveLargeStacks) {
  // Compiled kernels keep packed panels on the stack (about 1.3 MiB per
  // call): workers get at least 16 MiB whatever RLIMIT_STACK says (8 MiB
  // by default, which glibc would give them).
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  struct Stacks {
    std::thread::id caller = std::this_thread::get_id();
    std::mutex mutex;
    size_t smallestWorkerStack = SIZE_MAX;
    int workerChunks = 0;
  } stacks;
  kiln_parallel_for(
      [](void *ctx, int64_t begin, int64_t end) {
        auto *self = static_cast<Stacks *>(ctx);
        if (std::this_thread::get_id() != self->caller) {
          pthread_attr_t attr;
          void *base = nullptr;
          size_t size = 0;
          if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &base, &size);
            pthread_attr_destroy(&attr);
          }
          std::lock_guard<std::mutex> lock(self->mutex);
          self->smallestWorkerStack =
              std::min(self->smallestWorkerStack, size);
          ++self->workerChunks;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * (end - begin)));
      },
      &stacks, 40, 1, 0);
  ASSERT_GT(stacks.workerChunks, 0) << "no chunk ran on a worker";
  EXPECT_GE(stacks.smallestWorkerStack, size_t{16} << 20);
}

TEST_F(ThreadsTest, EnvironmentVariableSetsThreads) {
  setenv("KILN_NUM_THREADS", "1", 1);
  Counter counter(100, 1);
  kiln_parallel_for(&Counter::body, &counter, 100, 1, 8);
  counter.expectEachOnce();
  EXPECT_EQ(counter.threads.size(), 1u);
  EXPECT_EQ(*counter.threads.begin(), std::this_thread::get_id());
}

TEST_F(ThreadsTest, NestedLoopsRunInline) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  struct Outer {
    Counter inner{16 * 16, 1};
  } outer;
  kiln_parallel_for(
      [](void *ctx, int64_t begin, int64_t end) {
        auto *self = static_cast<Outer *>(ctx);
        for (int64_t i = begin; i < end; ++i) {
          struct Row {
            Counter *counter;
            int64_t base;
          } row{&self->inner, i * 16};
          kiln_parallel_for(
              [](void *rowCtx, int64_t b, int64_t e) {
                auto *r = static_cast<Row *>(rowCtx);
                for (int64_t j = b; j < e; ++j)
                  ++r->counter->hits[r->base + j];
              },
              &row, 16, 1, 0);
        }
      },
      &outer, 16, 1, 0);
  outer.inner.expectEachOnce();
}

TEST_F(ThreadsTest, ConcurrentCallersAllFinish) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  std::vector<Counter *> counters;
  for (int k = 0; k < 4; ++k)
    counters.push_back(new Counter(500, 2));
  std::vector<std::thread> callers;
  for (Counter *counter : counters)
    callers.emplace_back([counter] {
      kiln_parallel_for(&Counter::body, counter, 500, 2, 0);
    });
  for (std::thread &caller : callers)
    caller.join();
  for (Counter *counter : counters) {
    counter->expectEachOnce();
    delete counter;
  }
}

TEST_F(ThreadsTest, DegenerateArguments) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  Counter empty(0, 1);
  kiln_parallel_for(&Counter::body, &empty, 0, 1, 0);
  kiln_parallel_for(&Counter::body, &empty, -5, 1, 0);
  EXPECT_TRUE(empty.threads.empty());
  kiln_parallel_for(nullptr, nullptr, 10, 1, 0); // No-op.
  Counter zeroGrain(10, 1);
  kiln_parallel_for(&Counter::body, &zeroGrain, 10, 0, 0);
  zeroGrain.expectEachOnce();
}

/// Records which thread ran each iteration.
struct Owners {
  std::vector<std::thread::id> owner;
  explicit Owners(int64_t n) : owner(n) {}
  static void body(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Owners *>(ctx);
    for (int64_t i = begin; i < end; ++i)
      self->owner[i] = std::this_thread::get_id();
    // Long enough for the worker to take part in the loop.
    auto until =
        std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    while (std::chrono::steady_clock::now() < until) {
    }
  }
};

// The caller claims chunks from the front, the worker from the back: at 2
// threads the caller's chunks are a prefix and the worker's the rest, so a
// split product's halves stay on the same cores from call to call (their
// caches keep what each half reads).
TEST_F(ThreadsTest, CallerRunsTheFirstChunksWorkerTheLast) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  for (int round = 0; round < 50; ++round) {
    Owners owners(8);
    kiln_parallel_for(&Owners::body, &owners, 8, 1, 0);
    std::thread::id caller = std::this_thread::get_id();
    int64_t prefix = 0;
    while (prefix < 8 && owners.owner[prefix] == caller)
      ++prefix;
    for (int64_t i = prefix; i < 8; ++i)
      ASSERT_NE(owners.owner[i], caller)
          << "round " << round << ": chunk " << i
          << " ran on the caller after a worker's chunk " << prefix;
  }
}

TEST_F(ThreadsTest, AbsentWorkerDoesNotStallTheCaller) {
  ASSERT_EQ(kiln_set_num_threads(2), KILN_STATUS_OK);
  // Starts the pool's worker.
  Counter warm(64, 1);
  kiln_parallel_for(&Counter::body, &warm, 64, 1, 0);
  warm.expectEachOnce();
  // Let every worker block (after its 200 us of spinning): a worker forked
  // while it holds the pool's mutex on its way to sleep leaves the mutex
  // locked in the child for good, and the child's caller, which takes it to
  // wake sleepers, would hang (9 runs in 25 of this suite alone did).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // A forked child has the pool but not its worker thread: a worker that
  // never gets to run, as one descheduled by other processes. The caller
  // must run every chunk itself rather than wait for it.
  EXPECT_EXIT(
      {
        alarm(20); // A caller that waits for the worker hangs: fail instead.
        Counter counter(64, 1);
        kiln_parallel_for(&Counter::body, &counter, 64, 1, 0);
        bool ok = counter.threads.size() == 1 &&
                  *counter.threads.begin() == std::this_thread::get_id();
        for (int64_t i = 0; i < 64; ++i)
          ok = ok && counter.hits[i].load() == 1;
        std::_Exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
