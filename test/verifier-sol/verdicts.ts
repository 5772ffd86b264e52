/**
 * The two verdicts the differential verifier tests compare: the TypeScript plan's and the Solidity harness's,
 * each as accept/reject (a rejection is the verifier's own error or a revert; anything else is a test bug).
 */
import { executePlan, ProofRejectedError, type InferenceStatement, type VerifierPlan } from "../../src/prover/graph";
import type { ModelVerifierHarness } from "../../typechain-types";

/** Whether the TypeScript verifier accepts `proof` of `statement` under `plan`. */
export function tsAccepts(plan: VerifierPlan, statement: InferenceStatement, proof: Uint8Array): boolean {
  try {
    executePlan(plan, statement, proof);
    return true;
  } catch (e) {
    if (e instanceof ProofRejectedError) return false;
    throw e;
  }
}

/** Whether the on-chain interpreter (through `harness`) accepts `proof` of `st` under `program`. */
export async function solAccepts(harness: Pick<ModelVerifierHarness, "verify">, program: Uint8Array, st: InferenceStatement, proof: Uint8Array): Promise<boolean> {
  try {
    return await harness.verify(program, st.input, st.output, st.prover, proof);
  } catch (e) {
    if (e instanceof Error && /revert/i.test(e.message)) return false;
    throw e;
  }
}
