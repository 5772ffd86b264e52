// The thread split shared by the vector kernels (frvec.cc, arena.cc, opening.cc): one copy, so the thread
// threshold and the join-on-failure handling cannot drift apart between them. Arithmetic-free, so both copies
// of those kernels (arith.h) include the same definitions.
#pragma once
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace dp {

/** Below this many elements per thread, starting a thread costs more than it saves. */
constexpr size_t MIN_ELEMENTS_PER_THREAD = size_t(1) << 14;

/** Runs body(worker) on `workers` threads (the caller's being worker 0). */
template <class Body>
void onThreads(size_t workers, Body body) {
  std::vector<std::thread> pool;
  try {
    for (size_t w = 1; w < workers; w++) pool.emplace_back([=, &body] { body(w); });
  } catch (...) {  // a thread could not start: wait for the started ones (they reference body)
    for (auto& t : pool) t.join();
    throw;
  }
  body(0);
  for (auto& t : pool) t.join();
}

/** Calls body(begin, end, chunk) on `chunks` contiguous ranges of [0, n), one thread each. */
template <class Body>
void parallelChunks(size_t n, size_t chunks, Body body) {
  if (chunks <= 1) {
    body(size_t(0), n, size_t(0));
    return;
  }
  const size_t per = (n + chunks - 1) / chunks;
  onThreads(chunks, [&](size_t c) {
    const size_t begin = std::min(n, c * per);
    body(begin, std::min(n, begin + per), c);
  });
}

/** Threads (>= 1) for n units of work. */
inline size_t chunksFor(size_t n, int threads) {
  const size_t byWork = std::max<size_t>(1, n / MIN_ELEMENTS_PER_THREAD);
  return std::min<size_t>(size_t(std::max(threads, 1)), byWork);
}

}  // namespace dp
