/**
 * The full tamper sweep of the differential verifier tests: EVERY 32-byte word of a proof flipped (the lowest bit
 * of its last byte), each copy judged by the TypeScript reference verifier (`executePlan`) and by the on-chain
 * interpreter. The Solidity verdicts come batched from contracts/test/SweepHarness.sol — one eth_call runs as many
 * flipped copies as its gas allows, the next call the rest — because one JSON-RPC round trip per word made a full
 * sweep of a 10 KB proof take minutes; nothing is sampled.
 */
import type { InferenceStatement, VerifierPlan } from "../../src/prover/graph";
import type { SweepHarness } from "../../typechain-types";
import { solAccepts, tsAccepts } from "./verdicts";

/**
 * Gas of one sweep call, well under the EIP-7825 cap (2^24): the in-process network holds a call's whole state in
 * memory, and 16.7M-gas calls took the test process to 8.7 GB RSS (6M: 4.8 GB, and faster).
 */
const CALL_GAS = 6_000_000n;

/** SweepHarness.CONTROL: a word index that flips nothing. */
const CONTROL = 2n ** 256n - 1n;
/** SweepHarness's verdicts. */
const ACCEPTED = 1;
const UNCLEAR = 2;
const NOT_RUN = 3;

/** The words of a sweep that a verifier accepted (each list should be empty). */
export interface SweepResult {
  readonly words: number;
  readonly tsAccepted: number[];
  readonly solAccepted: number[];
  /** The unflipped proof, verified inside the sweep's first call, was accepted (the harness reports acceptance). */
  readonly controlAccepted: boolean;
}

/**
 * Flips every word of `proof` and returns the words each verifier accepted. `honestGas` (the honest proof's
 * verification gas) bounds each copy's verification at twice as much.
 */
export async function sweepEveryWord(
  harness: SweepHarness,
  plan: VerifierPlan,
  program: Uint8Array,
  statement: InferenceStatement,
  proof: Uint8Array,
  honestGas: bigint,
): Promise<SweepResult> {
  const words = proof.length / 32;
  const alone = (word: number) => {
    const bad = proof.slice();
    bad[32 * word + 31] ^= 1;
    return solAccepts(harness, program, statement, bad);
  };
  const tsAccepted: number[] = [];
  for (let word = 0; word < words; word++) {
    const bad = proof.slice();
    bad[32 * word + 31] ^= 1;
    if (tsAccepts(plan, statement, bad)) tsAccepted.push(word);
  }
  // Each verification gets twice the honest gas (a rejection never needs more); each call runs as many as fit.
  const gasEach = [2n * honestGas + 100_000n, CALL_GAS - 400_000n].reduce((a, b) => (a < b ? a : b));
  const call = (list: bigint[]) => harness.sweep(program, statement.input, statement.output, statement.prover, proof, list, gasEach, { gasLimit: CALL_GAS });
  // The proof as given, through the same path: the harness must report an accepted proof as accepted.
  const [control] = await call([CONTROL]);
  const solAccepted: number[] = [];
  let pending = Array.from({ length: words }, (_, i) => i);
  while (pending.length > 0) {
    const verdicts = (await call(pending.map(BigInt))).map(Number);
    if (verdicts[0] === NOT_RUN) throw new RangeError("sweep: one verification does not fit a call");
    for (let i = 0; i < pending.length && verdicts[i] !== NOT_RUN; i++) {
      // A revert without data (a failed precompile, out of gas) is judged again alone, with all the gas.
      if (verdicts[i] === ACCEPTED || (verdicts[i] === UNCLEAR && (await alone(pending[i])))) solAccepted.push(pending[i]);
    }
    pending = pending.filter((_, i) => verdicts[i] === NOT_RUN);
  }
  return { words, tsAccepted, solAccepted, controlAccepted: Number(control) === ACCEPTED };
}
