/**
 * Layer proofs as proof-stream bytes: every scalar the prover sends, in the order the verifier reads it
 * (docs/prover.md's transcript tables; docs/calldata.md). These are the messages `LayerOps.sol` reads with its
 * calldata cursor; the whole-model prover writes the same bytes through its `ProofWriter`.
 */
import * as Fr from "../../field/fr";
import type { ConcatProof } from "../../prover/layers/concat";
import type { ConvProof } from "../../prover/layers/conv";
import type { HadamardProof, LinearCombinationProof } from "../../prover/layers/elementwise";
import type { MatMulProof } from "../../prover/layers/matmul";
import type { MergeProof } from "../../prover/layers/merge";
import type { SelectorProof } from "../../prover/layers/selector";
import type { SumcheckProof } from "../../sumcheck";

/** The scalars of a sum-check: its compressed rounds, round 0 first. */
export function sumcheckScalars(proof: SumcheckProof): bigint[] {
  return proof.rounds.flatMap((round) => [...round]);
}

export function selectorScalars(proof: SelectorProof): bigint[] {
  return [...sumcheckScalars(proof.sumcheck), proof.xValue];
}

export function matmulScalars(proof: MatMulProof): bigint[] {
  return [...(proof.biasValue === null ? [] : [proof.biasValue]), ...sumcheckScalars(proof.sumcheck), proof.xValue, proof.wValue];
}

export function convScalars(proof: ConvProof): bigint[] {
  return [...(proof.biasValue === null ? [] : [proof.biasValue]), ...sumcheckScalars(proof.sumcheck), proof.uValue, proof.wValue, ...selectorScalars(proof.im2col)];
}

export function concatScalars(proof: ConcatProof): bigint[] {
  return [...proof.parts, ...proof.inputs.flatMap(selectorScalars)];
}

export function linearScalars(proof: LinearCombinationProof): bigint[] {
  return [...proof.values];
}

export function hadamardScalars(proof: HadamardProof): bigint[] {
  return [...sumcheckScalars(proof.sumcheck), proof.aValue, proof.bValue];
}

export function mergeScalars(proof: MergeProof): bigint[] {
  if (proof.sumcheck === null || proof.value === null) return [];
  return [...sumcheckScalars(proof.sumcheck), proof.value];
}

/** Scalars as stream bytes: 32 bytes each, big-endian (a non-canonical value is written as is). */
export function scalarBytes(scalars: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(scalars.length * Fr.BYTES);
  scalars.forEach((x, i) => {
    if (x < 0n || x >= 1n << 256n) throw new RangeError(`scalarBytes: word ${i} does not fit 32 bytes`);
    for (let b = 0; b < Fr.BYTES; b++) out[i * Fr.BYTES + b] = Number((x >> BigInt(8 * (Fr.BYTES - 1 - b))) & 0xffn);
  });
  return out;
}
