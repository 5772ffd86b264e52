// The choice between the portable and the adx copy of the kernels (kernels.h), made once from the CPU and
// DEEPPROVE_NATIVE_ARITH, changeable by setArithmetic.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include "kernels.h"
#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace dp {
namespace {

/** CPUID.(EAX=7, ECX=0):EBX feature bits. */
constexpr unsigned BMI2_BIT = 1u << 8;
constexpr unsigned ADX_BIT = 1u << 19;

std::atomic<const Kernels*> current{nullptr};

/** The table for a name, or nullptr when unknown or unsupported here. */
const Kernels* tableFor(const char* name) {
  if (std::strcmp(name, "portable") == 0) return &portable::KERNELS;
  if (std::strcmp(name, "adx") == 0) return adxSupported() ? &adx::KERNELS : nullptr;
  if (std::strcmp(name, "auto") == 0) return adxSupported() ? &adx::KERNELS : &portable::KERNELS;
  return nullptr;
}

}  // namespace

bool adxSupported() {
#if defined(__x86_64__)
  static const bool supported = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx & BMI2_BIT) != 0 && (ebx & ADX_BIT) != 0;
  }();
  return supported;
#else
  return false;
#endif
}

const Kernels& kernels() {
  const Kernels* k = current.load(std::memory_order_acquire);
  if (k == nullptr) {
    const char* env = std::getenv("DEEPPROVE_NATIVE_ARITH");
    k = tableFor(env != nullptr && *env != '\0' ? env : "auto");
    if (k == nullptr) k = &portable::KERNELS;  // "adx" without the CPU support, or a misspelling: the safe copy
    current.store(k, std::memory_order_release);
  }
  return *k;
}

bool setArithmetic(const char* name) {
  const Kernels* k = tableFor(name);
  if (k == nullptr) return false;
  current.store(k, std::memory_order_release);
  return true;
}

}  // namespace dp
