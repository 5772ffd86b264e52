// Field arithmetic for 4-limb moduli below 2^254 with the x86-64 BMI2/ADX carry chains: Montgomery
// multiplication (montMul) and squaring (montSqr), and modular addition and subtraction with cmov (modAdd,
// modSub; baseline x86-64).
//
// `mulx` multiplies by rdx without touching the flags, and `adcx` / `adox` add with carry through CF and OF
// respectively, so two independent carry chains run interleaved: the low halves of the products a_j·b_i go
// through one, the high halves through the other, with no flag saves and no `mul`'s fixed rax:rdx pair. The
// portable CIOS in field.h (unsigned __int128) compiles to `mul` plus add/adc pairs that serialise on the
// single carry flag. Only compiled into the adx copy of the kernels (arith.h) and only run on CPUs that have
// both extensions (kernels.h checks CPUID); the assembler needs no special flags for inline asm.
//
// Algorithm: CIOS (Koç, Acar, Kaliski 1996) over 64-bit words, reduction interleaved per word of b:
//   for i in 0..3:  t += a·b_i;  q = t_0·(−M^{-1}) mod 2^64;  t = (t + q·M) / 2^64
// Bounds (M < 2^254, a, b < M, R = 2^256): t starts at 0 and stays below 2M after each step, since
//   (t + a·b_i + q·M) / 2^64 < (2M + (2^64 − 1)·M + (2^64 − 1)·M) / 2^64 < 2M,
// and before the division t + a·b_i + q·M < 2M + 2^65·M < 2^320: five words, never a sixth, so the running
// value is kept in five registers t0..t4 whose roles rotate each step (the word shifted out is zero and is
// reused as the next step's top word), and neither carry chain can carry out of the top word. The result is
// a·b·R^{-1} mod M in [0, 2M): the caller subtracts M once if needed (a branch: the subtraction is rare, see
// Fe::mul).
#pragma once
#include <cstdint>

namespace dp {
namespace adxasm {

// One step's t += a·b_i for i >= 1 (t0..t3 hold t < 2M, T4 is free): low halves through OF, high halves
// through CF; the top word receives the high half of a_3·b_i and both chains' final carries. It cannot
// overflow: the sum is below 2^320. BI is b_i's byte offset.
#define DP_ADX_MULADD(BI, T0, T1, T2, T3, T4) \
  "movq " BI "(%[b]), %%rdx\n\t"             \
  "xorl %k[z], %k[z]\n\t"                    \
  "mulxq (%[a]), %[lo], %[hi]\n\t"           \
  "adoxq %[lo], %[" T0 "]\n\t"               \
  "adcxq %[hi], %[" T1 "]\n\t"               \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"          \
  "adoxq %[lo], %[" T1 "]\n\t"               \
  "adcxq %[hi], %[" T2 "]\n\t"               \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"         \
  "adoxq %[lo], %[" T2 "]\n\t"               \
  "adcxq %[hi], %[" T3 "]\n\t"               \
  "mulxq 24(%[a]), %[lo], %[" T4 "]\n\t"     \
  "adoxq %[lo], %[" T3 "]\n\t"               \
  "adoxq %[z], %[" T4 "]\n\t"                \
  "adcxq %[z], %[" T4 "]\n\t"

// One reduction: q = t0·inv mod 2^64, t += q·M (t0 becomes zero; its carry goes on), after which the next
// step treats T1..T4 as t0..t3. Low halves through CF, high halves through OF.
#define DP_ADX_REDUCE(T0, T1, T2, T3, T4) \
  "movq %[" T0 "], %%rdx\n\t"            \
  "imulq 32(%[m]), %%rdx\n\t"            \
  "xorl %k[z], %k[z]\n\t"                \
  "mulxq (%[m]), %[lo], %[hi]\n\t"       \
  "adcxq %[lo], %[" T0 "]\n\t"           \
  "adoxq %[hi], %[" T1 "]\n\t"           \
  "mulxq 8(%[m]), %[lo], %[hi]\n\t"      \
  "adcxq %[lo], %[" T1 "]\n\t"           \
  "adoxq %[hi], %[" T2 "]\n\t"           \
  "mulxq 16(%[m]), %[lo], %[hi]\n\t"     \
  "adcxq %[lo], %[" T2 "]\n\t"           \
  "adoxq %[hi], %[" T3 "]\n\t"           \
  "mulxq 24(%[m]), %[lo], %[hi]\n\t"     \
  "adcxq %[lo], %[" T3 "]\n\t"           \
  "adoxq %[hi], %[" T4 "]\n\t"           \
  "adcxq %[z], %[" T4 "]\n\t"

/** Tells the compiler an asm statement reads the 4 (or 5) words at p, without spending a register on it. */
#define DP_ADX_READS(p, words) "m"(*reinterpret_cast<const uint64_t(*)[words]>(p))

/**
 * out = a·b·2^{-256} mod M, in [0, 2M) (not fully reduced), for a, b < M < 2^254. `m` points at M's four
 * limbs followed by −M^{-1} mod 2^64 (the layout of field.h's Modulus). out may alias a or b (every input is
 * read before out is written).
 *
 * The operands are addressed through three pointer registers: with -fPIC globals need a GOT load, and
 * node-gyp keeps rbp as the frame pointer, so per-limb memory operands ran out of registers.
 */
static inline __attribute__((always_inline)) void montMul(uint64_t* out, const uint64_t* a, const uint64_t* b,
                                                          const uint64_t* m) {
  uint64_t t0, t1, t2, t3, t4, lo, hi, z;
  __asm__(
      // Step 0, t = a·b_0: a single carry chain suffices (t starts at zero, mulx leaves the flags alone).
      "movq (%[b]), %%rdx\n\t"
      "mulxq (%[a]), %[t0], %[t1]\n\t"
      "mulxq 8(%[a]), %[lo], %[t2]\n\t"
      "addq %[lo], %[t1]\n\t"
      "mulxq 16(%[a]), %[lo], %[t3]\n\t"
      "adcq %[lo], %[t2]\n\t"
      "mulxq 24(%[a]), %[lo], %[t4]\n\t"
      "adcq %[lo], %[t3]\n\t"
      "adcq $0, %[t4]\n\t"
      DP_ADX_REDUCE("t0", "t1", "t2", "t3", "t4")
      DP_ADX_MULADD("8", "t1", "t2", "t3", "t4", "t0")
      DP_ADX_REDUCE("t1", "t2", "t3", "t4", "t0")
      DP_ADX_MULADD("16", "t2", "t3", "t4", "t0", "t1")
      DP_ADX_REDUCE("t2", "t3", "t4", "t0", "t1")
      DP_ADX_MULADD("24", "t3", "t4", "t0", "t1", "t2")
      DP_ADX_REDUCE("t3", "t4", "t0", "t1", "t2")
      : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo),
        [hi] "=&r"(hi), [z] "=&r"(z)
      : [a] "r"(a), [b] "r"(b), [m] "r"(m), DP_ADX_READS(a, 4), DP_ADX_READS(b, 4), DP_ADX_READS(m, 5)
      : "rdx", "cc");
  out[0] = t4;
  out[1] = t0;
  out[2] = t1;
  out[3] = t2;
}

/**
 * out = a^2·2^{-256} mod M, in [0, 2M), for a < M < 2^254 (same contract as montMul with b = a).
 *
 * Separated operand scanning: the six cross products a_i·a_j (i < j) once, doubled, plus the four squares
 * give the 8-word T = a^2 (26 mulx in all with the reduction, against 32 in montMul); then T = T_lo + T_hi·2^256
 * is reduced as T_hi + REDC(T_lo), where REDC(T_lo) = (T_lo + Q·M) / 2^256 runs the four reduction steps of
 * montMul on T_lo alone. Bounds: REDC(T_lo) < (2^256 + 2^256·M) / 2^256 = M + 1, and before each step's
 * division the value is below 2^64·(2^192 + M) < 2^320 (five words; DP_ADX_REDUCE's carries fit);
 * T_hi < M^2 / 2^256 < M / 4. So the sum is below 2M, in four words.
 *
 * Registers: the eight words, lo, hi, z, rdx and the two pointers (a's is reused as a word once the products
 * are done, hence "+r") — all fourteen that rbp and rsp leave. During the products w0 and w7 double as
 * scratch (they are written last).
 */
static inline __attribute__((always_inline)) void montSqr(uint64_t* out, const uint64_t* a, const uint64_t* m) {
  uint64_t w0, w1, w2, w3, w4, w5, w6, w7, lo, hi, z;
  const uint64_t* ap = a;
  __asm__(
      // Cross products into w1..w6: row a0 (one chain), row a1 (two chains), row a2.
      "movq (%[a]), %%rdx\n\t"
      "mulxq 8(%[a]), %[w1], %[w2]\n\t"
      "mulxq 16(%[a]), %[lo], %[w3]\n\t"
      "addq %[lo], %[w2]\n\t"
      "mulxq 24(%[a]), %[lo], %[w4]\n\t"
      "adcq %[lo], %[w3]\n\t"
      "adcq $0, %[w4]\n\t"
      "movq 8(%[a]), %%rdx\n\t"
      "xorl %k[z], %k[z]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[w3]\n\t"
      "adoxq %[hi], %[w4]\n\t"
      "mulxq 24(%[a]), %[lo], %[w5]\n\t"
      "adcxq %[lo], %[w4]\n\t"
      "adoxq %[z], %[w5]\n\t"
      "adcxq %[z], %[w5]\n\t"
      "movq 16(%[a]), %%rdx\n\t"
      "mulxq 24(%[a]), %[lo], %[w6]\n\t"
      "addq %[lo], %[w5]\n\t"
      "adcq $0, %[w6]\n\t"
      // Doubled (the carry into w7), then the squares a_i^2 added at words 2i, 2i + 1 (one chain).
      "xorl %k[w7], %k[w7]\n\t"
      "addq %[w1], %[w1]\n\t"
      "adcq %[w2], %[w2]\n\t"
      "adcq %[w3], %[w3]\n\t"
      "adcq %[w4], %[w4]\n\t"
      "adcq %[w5], %[w5]\n\t"
      "adcq %[w6], %[w6]\n\t"
      "adcq $0, %[w7]\n\t"
      "movq (%[a]), %%rdx\n\t"
      "mulxq %%rdx, %[w0], %[hi]\n\t"
      "addq %[hi], %[w1]\n\t"
      "movq 8(%[a]), %%rdx\n\t"
      "mulxq %%rdx, %[lo], %[hi]\n\t"
      "adcq %[lo], %[w2]\n\t"
      "adcq %[hi], %[w3]\n\t"
      "movq 16(%[a]), %%rdx\n\t"
      "mulxq %%rdx, %[lo], %[hi]\n\t"
      "adcq %[lo], %[w4]\n\t"
      "adcq %[hi], %[w5]\n\t"
      "movq 24(%[a]), %%rdx\n\t"
      "mulxq %%rdx, %[lo], %[hi]\n\t"
      "adcq %[lo], %[w6]\n\t"
      "adcq %[hi], %[w7]\n\t"
      // REDC(T_lo): the pointer register becomes the fifth (top) word, starting at zero.
      "xorl %k[a], %k[a]\n\t"
      DP_ADX_REDUCE("w0", "w1", "w2", "w3", "a")
      DP_ADX_REDUCE("w1", "w2", "w3", "a", "w0")
      DP_ADX_REDUCE("w2", "w3", "a", "w0", "w1")
      DP_ADX_REDUCE("w3", "a", "w0", "w1", "w2")
      // + T_hi.
      "addq %[a], %[w4]\n\t"
      "adcq %[w0], %[w5]\n\t"
      "adcq %[w1], %[w6]\n\t"
      "adcq %[w2], %[w7]\n\t"
      : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [w4] "=&r"(w4), [w5] "=&r"(w5),
        [w6] "=&r"(w6), [w7] "=&r"(w7), [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z), [a] "+r"(ap)
      : [m] "r"(m), DP_ADX_READS(a, 4), DP_ADX_READS(m, 5)
      : "rdx", "cc");
  out[0] = w4;
  out[1] = w5;
  out[2] = w6;
  out[3] = w7;
}

/**
 * out = a − b mod M for a, b < M: one sub/sbb chain, then M added back when it borrowed, selected by cmov
 * rather than a branch (the borrow is a coin flip for random operands). Only needs baseline x86-64.
 */
static inline __attribute__((always_inline)) void modSub(uint64_t* out, const uint64_t* a, const uint64_t* b,
                                                         const uint64_t* m) {
  uint64_t r0, r1, r2, r3, k0, k1, k2, k3;
  __asm__(
      "movq (%[a]), %[r0]\n\t"
      "movq 8(%[a]), %[r1]\n\t"
      "movq 16(%[a]), %[r2]\n\t"
      "movq 24(%[a]), %[r3]\n\t"
      "xorl %k[k0], %k[k0]\n\t"
      "subq (%[b]), %[r0]\n\t"
      "sbbq 8(%[b]), %[r1]\n\t"
      "sbbq 16(%[b]), %[r2]\n\t"
      "sbbq 24(%[b]), %[r3]\n\t"
      "movl $0, %k[k1]\n\t"
      "movl $0, %k[k2]\n\t"
      "movl $0, %k[k3]\n\t"
      "cmovcq (%[m]), %[k0]\n\t"
      "cmovcq 8(%[m]), %[k1]\n\t"
      "cmovcq 16(%[m]), %[k2]\n\t"
      "cmovcq 24(%[m]), %[k3]\n\t"
      "addq %[k0], %[r0]\n\t"
      "adcq %[k1], %[r1]\n\t"
      "adcq %[k2], %[r2]\n\t"
      "adcq %[k3], %[r3]\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [k0] "=&r"(k0), [k1] "=&r"(k1),
        [k2] "=&r"(k2), [k3] "=&r"(k3)
      : [a] "r"(a), [b] "r"(b), [m] "r"(m), DP_ADX_READS(a, 4), DP_ADX_READS(b, 4), DP_ADX_READS(m, 4)
      : "cc");
  out[0] = r0;
  out[1] = r1;
  out[2] = r2;
  out[3] = r3;
}

/**
 * out = a + b mod M for a, b < M < 2^255: one add/adc chain (no carry out), a trial subtraction of M, and the
 * sum kept by cmov when that borrowed (a coin flip for random operands, so no branch).
 */
static inline __attribute__((always_inline)) void modAdd(uint64_t* out, const uint64_t* a, const uint64_t* b,
                                                         const uint64_t* m) {
  uint64_t r0, r1, r2, r3, s0, s1, s2, s3;
  __asm__(
      "movq (%[a]), %[r0]\n\t"
      "movq 8(%[a]), %[r1]\n\t"
      "movq 16(%[a]), %[r2]\n\t"
      "movq 24(%[a]), %[r3]\n\t"
      "addq (%[b]), %[r0]\n\t"
      "adcq 8(%[b]), %[r1]\n\t"
      "adcq 16(%[b]), %[r2]\n\t"
      "adcq 24(%[b]), %[r3]\n\t"
      "movq %[r0], %[s0]\n\t"
      "movq %[r1], %[s1]\n\t"
      "movq %[r2], %[s2]\n\t"
      "movq %[r3], %[s3]\n\t"
      "subq (%[m]), %[r0]\n\t"
      "sbbq 8(%[m]), %[r1]\n\t"
      "sbbq 16(%[m]), %[r2]\n\t"
      "sbbq 24(%[m]), %[r3]\n\t"
      "cmovcq %[s0], %[r0]\n\t"
      "cmovcq %[s1], %[r1]\n\t"
      "cmovcq %[s2], %[r2]\n\t"
      "cmovcq %[s3], %[r3]\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [s0] "=&r"(s0), [s1] "=&r"(s1),
        [s2] "=&r"(s2), [s3] "=&r"(s3)
      : [a] "r"(a), [b] "r"(b), [m] "r"(m), DP_ADX_READS(a, 4), DP_ADX_READS(b, 4), DP_ADX_READS(m, 4)
      : "cc");
  out[0] = r0;
  out[1] = r1;
  out[2] = r2;
  out[3] = r3;
}

#undef DP_ADX_MULADD
#undef DP_ADX_REDUCE
#undef DP_ADX_READS

}  // namespace adxasm
}  // namespace dp
