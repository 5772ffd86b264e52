// The background MSM queue (msm_queue.h). JS surface:
//   msmQueueOpen() -> queue (an external; its finalizer closes it)
//   msmQueuePush(queue, basesMont: Uint8Array, scalars: Uint8Array, threads) -> job index
//       sum_i s_i·P_i over the scalars (32-byte canonical words) and the first as many Montgomery affine bases;
//       both arrays are referenced, not copied, until the job is collected: the caller must not write them
//   msmQueueWait(queue, threads) -> Uint8Array of 64·jobs bytes: every job's canonical affine point in push
//       order; jobs not started yet run with `threads` threads; rethrows the first job's error (RangeError)
//   msmQueueClose(queue): drops the jobs not started, waits for the running one, releases every array
// After a wait or a close the queue is empty and can take new jobs.
//
// One worker thread runs the jobs in push order, each with the thread count it was pushed with (1 while the
// JS thread is busy computing, more once it waits). The kernel table is read when a job starts: switching the
// arithmetic (setArithmetic) while jobs are pending is a caller error, as it is during any kernel.
#include "msm_queue.h"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "field.h"
#include "kernels.h"
#include "napi_glue.h"

namespace dp {
namespace {

constexpr size_t POINT_BYTES = 64;
constexpr size_t SCALAR_BYTES = 32;

struct Job {
  napi_ref bases = nullptr;
  napi_ref scalars = nullptr;
  const uint64_t* basesData = nullptr;
  const uint64_t* scalarsData = nullptr;
  std::vector<uint64_t> copy;  // the scalars when their view is not 8-byte aligned
  size_t n = 0;
  std::atomic<int> threads{1};
  uint64_t out[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::string error;
};

class Queue {
 public:
  ~Queue() { stop(); }

  size_t push(std::unique_ptr<Job> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!worker_.joinable()) {
      stopping_ = false;
      worker_ = std::thread([this] { run(); });
    }
    jobs_.push_back(std::move(job));
    pending_.push_back(jobs_.size() - 1);
    wake_.notify_one();
    return jobs_.size() - 1;
  }

  /** Waits for every job; pending ones get `threads`. Returns the jobs (the queue is empty afterwards). */
  std::vector<std::unique_ptr<Job>> wait(int threads) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (size_t i : pending_) jobs_[i]->threads.store(threads);
    done_.wait(lock, [this] { return finished_ == jobs_.size(); });
    finished_ = 0;
    std::vector<std::unique_ptr<Job>> out;
    out.swap(jobs_);
    return out;
  }

  /** Drops pending jobs, waits for the running one, stops the worker. Returns the jobs to release. */
  std::vector<std::unique_ptr<Job>> stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.clear();
      stopping_ = true;
      wake_.notify_one();
    }
    if (worker_.joinable()) worker_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = 0;
    std::vector<std::unique_ptr<Job>> out;
    out.swap(jobs_);
    return out;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      Job* job = jobs_[pending_.front()].get();
      pending_.pop_front();
      lock.unlock();
      compute(*job);
      lock.lock();
      finished_++;
      done_.notify_all();
    }
  }

  static void compute(Job& job) {
    try {
      for (size_t i = 0; i < job.n; i++) {
        if (!Fr::isReduced(job.scalarsData + 4 * i)) {
          job.error = "scalar " + std::to_string(i) + " is not a canonical Fr element";
          return;
        }
      }
      kernels().msm(job.basesData, job.scalarsData, job.n, job.threads.load(), 0, 0, 0, job.out);
    } catch (const std::exception& e) {
      job.error = e.what();
    } catch (...) {
      job.error = "the MSM failed";
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::deque<size_t> pending_;
  size_t finished_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

void release(napi_env env, std::vector<std::unique_ptr<Job>>& jobs) {
  for (auto& job : jobs) {
    if (job->bases) napi_delete_reference(env, job->bases);
    if (job->scalars) napi_delete_reference(env, job->scalars);
  }
  jobs.clear();
}

void finalize(napi_env env, void* data, void*) {
  auto* queue = static_cast<Queue*>(data);
  auto jobs = queue->stop();
  release(env, jobs);
  delete queue;
}

Queue* readQueue(napi_env env, napi_value value) {
  napi_valuetype t;
  NAPI_OK(napi_typeof(env, value, &t));
  if (t != napi_external) throw JsError{JsError::Type, "queue must be a queue from msmQueueOpen()"};
  void* data = nullptr;
  NAPI_OK(napi_get_value_external(env, value, &data));
  return static_cast<Queue*>(data);
}

napi_value Open(napi_env env, napi_callback_info) {
  auto queue = std::make_unique<Queue>();
  napi_value out;
  NAPI_OK(napi_create_external(env, queue.get(), finalize, nullptr, &out));
  queue.release();
  return out;
}

napi_value Push(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 4);
  Queue* queue = readQueue(env, argv[0]);
  const Uint8View bases = readUint8Array(env, argv[1], "bases");
  const Uint8View scalars = readUint8Array(env, argv[2], "scalars");
  const int threads = readInt(env, argv[3], "threads");
  if (threads < 1) throw JsError{JsError::Range, "threads must be at least 1"};
  if (bases.length % POINT_BYTES != 0) throw JsError{JsError::Range, "bases: byte length is not a multiple of 64"};
  if (scalars.length % SCALAR_BYTES != 0) throw JsError{JsError::Range, "scalars: byte length is not a multiple of 32"};
  if (reinterpret_cast<uintptr_t>(bases.data) % alignof(uint64_t) != 0) throw JsError{JsError::Range, "bases: not 8-byte aligned"};
  auto job = std::make_unique<Job>();
  job->n = scalars.length / SCALAR_BYTES;
  if (job->n > bases.length / POINT_BYTES) {
    throw JsError{JsError::Range, std::to_string(job->n) + " scalars but only " + std::to_string(bases.length / POINT_BYTES) + " bases"};
  }
  job->threads.store(threads);
  job->basesData = static_cast<const uint64_t*>(bases.data);
  if (reinterpret_cast<uintptr_t>(scalars.data) % alignof(uint64_t) != 0) {
    job->copy.resize(4 * job->n);
    if (job->n) std::memcpy(job->copy.data(), scalars.data, scalars.length);
    job->scalarsData = job->copy.data();
  } else {
    job->scalarsData = static_cast<const uint64_t*>(scalars.data);
    NAPI_OK(napi_create_reference(env, argv[2], 1, &job->scalars));
  }
  NAPI_OK(napi_create_reference(env, argv[1], 1, &job->bases));
  const size_t index = queue->push(std::move(job));
  napi_value out;
  NAPI_OK(napi_create_uint32(env, uint32_t(index), &out));
  return out;
}

napi_value Wait(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Queue* queue = readQueue(env, argv[0]);
  const int threads = readInt(env, argv[1], "threads");
  if (threads < 1) throw JsError{JsError::Range, "threads must be at least 1"};
  auto jobs = queue->wait(threads);
  std::vector<uint64_t> out(8 * jobs.size());
  std::string error;
  for (size_t i = 0; i < jobs.size(); i++) {
    if (!jobs[i]->error.empty() && error.empty()) error = "job " + std::to_string(i) + ": " + jobs[i]->error;
    std::memcpy(out.data() + 8 * i, jobs[i]->out, sizeof(jobs[i]->out));
  }
  release(env, jobs);
  if (!error.empty()) throw JsError{JsError::Range, error};
  napi_value result;
  void* copy = nullptr;
  NAPI_OK(napi_create_buffer_copy(env, out.size() * 8, out.empty() ? "" : static_cast<const void*>(out.data()), &copy, &result));
  return result;
}

napi_value Close(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  auto jobs = readQueue(env, argv[0])->stop();
  release(env, jobs);
  return nullptr;
}

}  // namespace

void registerMsmQueue(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      method<Open>("msmQueueOpen"),
      method<Push>("msmQueuePush"),
      method<Wait>("msmQueueWait"),
      method<Close>("msmQueueClose"),
  };
  defineMethods(env, exports, props);
}

}  // namespace dp
