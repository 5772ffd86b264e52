/**
 * How many proof words an extension step reads: the count each EXT instruction carries (ModelVerifierOps.sol,
 * `u32 proof bytes` = 32 × words), so the interpreter sends the library only that window of the stream
 * (contracts/verifier/layers/Extension.sol) and checks the step read exactly it. The counts are fixed by the
 * plan — every sum-check's rounds and degree, every message's length — and are written next to each step's
 * section from the same geometry (./steps.ts, ./attention.ts, ./exact.ts, ./tree.ts, ./indexed.ts). A wrong
 * count never accepts a proof: the interpreter reverts with ExtensionReadMismatch. Spec: docs/verifier-gen.md
 * ("The program", "Extension libraries").
 */
import type { Selector } from "../../prover/layers/selector";
import { layoutOf } from "../../prover/tensor";

/** A sum-check of `rounds` rounds of degree `degree`: its compressed round polynomials (ProofStream.sumcheck). */
export function sumcheckWords(rounds: number, degree: number): number {
  return rounds * degree;
}

/** SelectorStep.verify: a degree-2 sum-check over the input's variables, then X~(ρ). */
export function selectorWords(selector: Selector): number {
  return sumcheckWords(layoutOf(selector.inShape).numVars, 2) + 1;
}

/** Elementwise.hadamard over `numVars` output variables: a degree-3 sum-check, then a~(ρ), b~(ρ). */
export function hadamardWords(numVars: number): number {
  return sumcheckWords(numVars, 3) + 2;
}

/** Elementwise.linear of `operands` operands: the values of all but the last (which is derived). */
export function linearWords(operands: number): number {
  return operands - 1;
}
