// The batch-affine flush (batch_affine.h) on AVX-512 IFMA: eight additions of a batch side by side in the eight
// 64-bit lanes of a 512-bit register, with a radix-2^52 Montgomery multiplication (five limbs, R' = 2^260,
// vpmadd52luq / vpmadd52huq) instead of the scalar 4×64-bit one.
//
// Every entry point takes plain words in the scalar code's layouts (4 little-endian 64-bit limbs per Fp element,
// Montgomery form x·2^256 mod p; a bucket is x ‖ y, 8 words), so the two copies of the arithmetic (arith.h) call
// the same code and neither includes the other's headers. The IFMA code itself lives in one translation unit
// whose functions carry `__attribute__((target("avx512f,avx512ifma")))`; nothing else in the addon is compiled
// for AVX-512, and the flush is chosen at run time (active()), so the addon still runs on any x86-64.
//
// A flush is split in two around the one field inversion, which stays with the caller's scalar arithmetic (a
// Fermat inversion is a chain of 380 dependent products: the latency of one vector product, not its
// throughput, would set its time):
//   1. prefix(): the denominators' prefix products in CHAINS independent chains (lane l of every other group
//      of eight), leaving the chains' totals;
//   2. the caller inverts the totals (Montgomery's trick over at most 16 values, one inversion), scaled so that
//      inverse_c = 2^520 / total_c mod p (INVERSE_SCALE_264 below supplies the factor);
//   3. finish(): the backward pass of each chain gives every 1/den, then λ, x₃, y₃ per lane, written into the
//      buckets as canonical Montgomery words: bit for bit what the scalar flush writes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dp {
namespace ifma {

/** Lanes of one vector: one addition of the batch each. */
constexpr size_t LANES = 8;
/** Chains of the prefix products at most: two vectors of eight lanes, interleaved (every other group). */
constexpr size_t MAX_CHAINS = 2 * LANES;
/**
 * 2^264 mod p, little-endian: the scalar Montgomery product of 2^512 / T (what the scalar inversion of T
 * returns) with it is 2^520 / T, the scale finish() expects (see flush.cc, "Scales").
 */
constexpr uint64_t INVERSE_SCALE_264[4] = {0xfbdb0f2afaec667aULL, 0xad825aed9626b0ffULL, 0x276f48b709e2a0fcULL,
                                           0x0d791464ef86e357ULL};

/** Whether this CPU runs the IFMA flush (AVX-512 F and IFMA, and an x86-64 build). */
bool supported();

/**
 * Whether MSMs use the IFMA flush: chosen on first use from DEEPPROVE_MSM_FLUSH ("ifma", "scalar", or unset /
 * "auto": ifma when supported; "ifma" on a CPU without it falls back to scalar), changed by setFlush().
 */
bool active();

/**
 * Switches the flush: "auto", "ifma" or "scalar". Returns false (and changes nothing) for an unknown name or
 * "ifma" on a CPU without AVX-512 IFMA. Call between MSMs (tests and benchmarks use it).
 */
bool setFlush(const char* name);

/** Batches run through prefix() since the addon loaded (tests check that the IFMA flush really ran). */
uint64_t batches();

/** Words of scratch a batch of up to `maxBatch` additions needs (prefix products and denominators, 52-bit form). */
size_t scratchWords(size_t maxBatch);

/**
 * Phase 1: the prefix products of the `count` (>= 1) denominators `den` (4 words each, canonical, non-zero)
 * into `scratch`, and the chains' totals into `totals` (4 words each, canonical). Returns the number of chains
 * (8 when count <= 8, else 16). Lanes past `count` are padded with 1.
 */
size_t prefix(size_t count, const uint64_t* den, uint64_t* scratch, uint64_t* totals);

/**
 * Phase 3: given `inverses[c]` = 2^520 / totals[c] mod p (canonical, 4 words each, one per chain of prefix()),
 * completes the batch: for addition i, λ = num_i / den_i and bucket[index_i] = (x_B, y_B) becomes
 * (λ² − x_B − x_i, λ·(x_B − x₃) − y_B), canonical. `buckets` holds 8 words per bucket (x ‖ y).
 */
void finish(size_t count, const uint64_t* num, const uint64_t* x, const uint32_t* index, uint64_t* buckets,
            const uint64_t* scratch, const uint64_t* inverses);

}  // namespace ifma
}  // namespace dp
