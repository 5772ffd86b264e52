/**
 * Which named check rejects a tampered proof: the custom error each flipped proof word reverts with on-chain,
 * batched through contracts/test/RevertNamesHarness.sol (one eth_call runs as many flipped copies as its gas allows),
 * decoded against every custom error the contracts under contracts/ declare. The revert-names*.test.ts files use it
 * to find, in an honest proof, a word whose flip reaches one particular check, and then assert that check by name.
 */
import { ErrorFragment, Interface } from "ethers";
import { artifacts, ethers } from "hardhat";
import { executePlan, ProofRejectedError, type InferenceStatement, type VerifierPlan } from "../../src/prover/graph";
import { stepName } from "../../src/prover/graph/walk";
import { PROGRAM_VERSION } from "../../src/compiler/program/model";
import type { RevertNamesHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";

/** Gas of one batched call (the in-process network keeps a call's state in memory: see ./sweep.ts). */
const CALL_GAS = 6_000_000n;
/** RevertNamesHarness's markers. */
export const ACCEPTED = "accepted";
export const NO_SELECTOR = "no selector";
const MARKERS: Record<string, string> = { "0x00000000": ACCEPTED, "0xffffffff": NO_SELECTOR };
const NOT_RUN = "0xfffffffe";

/** selector → error name, over every contract and library compiled from contracts/ (the test harnesses too). */
export async function errorNamesBySelector(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const fq of await artifacts.getAllFullyQualifiedNames()) {
    if (!fq.startsWith("contracts/")) continue;
    const { abi } = await artifacts.readArtifact(fq);
    for (const fragment of new Interface(abi).fragments) {
      if (fragment instanceof ErrorFragment) names.set(fragment.selector, fragment.name);
    }
  }
  return names;
}

/** The interpreter libraries and a RevertNamesHarness linked to them. */
export async function deployRevertNames(): Promise<{ harness: RevertNamesHarness; libraries: Record<string, string> }> {
  const libraries = await deployInterpreter();
  const harness = (await ethers.deployContract("RevertNamesHarness", { libraries: { ModelVerifier: libraries.ModelVerifier } })) as unknown as RevertNamesHarness;
  return { harness, libraries };
}

/**
 * The error name each listed word's flip (lowest bit of its last byte) reverts with: a declared custom error's name,
 * ACCEPTED, NO_SELECTOR, or the raw selector when no contract declares it (a Panic, say). `honestGas` bounds each
 * verification at twice as much.
 */
export async function flippedWordNames(
  harness: RevertNamesHarness,
  names: ReadonlyMap<string, string>,
  program: Uint8Array,
  st: InferenceStatement,
  proof: Uint8Array,
  words: readonly number[],
  honestGas: bigint,
): Promise<Map<number, string>> {
  const gasEach = [2n * honestGas + 100_000n, CALL_GAS - 400_000n].reduce((a, b) => (a < b ? a : b));
  const out = new Map<number, string>();
  let pending = [...words];
  while (pending.length > 0) {
    const selectors = await harness.names(program, st.input, st.output, st.prover, proof, pending.map(BigInt), gasEach, { gasLimit: CALL_GAS });
    if (selectors[0] === NOT_RUN) throw new RangeError("revert names: one verification does not fit a call");
    selectors.forEach((sel, i) => {
      if (sel !== NOT_RUN) out.set(pending[i], MARKERS[sel] ?? names.get(sel) ?? sel);
    });
    pending = pending.filter((_, i) => selectors[i] === NOT_RUN);
  }
  return out;
}

/** The same proof with word `k`'s lowest bit flipped. */
export function flipWord(proof: Uint8Array, k: number): Uint8Array {
  const bad = proof.slice();
  bad[32 * k + 31] ^= 1;
  return bad;
}

/** Deploys library `name` and, first, every library it links (each once); returns name → address. */
export async function deployLibraries(names: readonly string[], deployed: Record<string, string> = {}): Promise<Record<string, string>> {
  for (const name of names) {
    if (deployed[name]) continue;
    const { linkReferences } = await artifacts.readArtifact(name);
    const needed = Object.values(linkReferences).flatMap((byName) => Object.keys(byName));
    await deployLibraries(needed, deployed);
    const libraries = Object.fromEntries(needed.map((lib) => [lib, deployed[lib]]));
    deployed[name] = await (await ethers.deployContract(name, { libraries })).getAddress();
  }
  return deployed;
}

/**
 * Byte length of a verifier program's header (docs/verifier-gen.md, "The program": version … arena), i.e. where
 * its instructions start. @throws {RangeError} on a version other than PROGRAM_VERSION.
 */
export function programHeaderLength(program: Uint8Array): number {
  let at = 0;
  const u = (size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + program[at + i];
    at += size;
    return v;
  };
  if (u(1) !== PROGRAM_VERSION) throw new RangeError(`program header: version is not ${PROGRAM_VERSION}`);
  at += 32 + 64 + 256 + 4 + 4; // digest, W commitment, SRS G2 elements, statement sizes
  const ranges = u(1);
  at += 16 * ranges; // input ranges (`at += 16 * u(1)` would add to the value `at` had before the read)
  at += 4 + 2; // opening record words, tensors
  const slots = () => {
    u(1);
    const count = u(2);
    at += 5 * count;
  };
  slots(); // W
  if (u(1) === 1) slots(); // advice
  if (u(1) === 1) {
    const length = u(4);
    const section = at;
    at += 4; // N, M and H variables, then the table count at section + 3
    let columns = 0;
    for (let t = program[section + 3]; t > 0; t--) {
      u(1);
      const n = u(1);
      columns += n;
      at += 33 * n + 8;
    }
    at = section + length + 4 + 2 * columns; // the section, the arena's proof bytes (u32), each table column's W slot (u16)
  }
  return at;
}

/** Words judged per batch by {wordsReaching}. */
const SCAN_CHUNK = 48;
/** {wordsReaching}'s first pass takes every STRIDE-th word: a check that owns a run of words is met early. */
const STRIDE = 8;

/**
 * For each error in `wanted`, a proof word in `range` ([first, end) words; the whole proof by default) whose flip
 * reverts with it. Words are judged in batches — every STRIDE-th word of the range first, then the others in
 * order — and the scan stops once every wanted error has been seen, so a check owning a run of words costs a
 * few verifications and one owning a single word still cannot be missed. Errors not reached are absent from the
 * result.
 */
export async function wordsReaching(
  harness: RevertNamesHarness,
  names: ReadonlyMap<string, string>,
  program: Uint8Array,
  st: InferenceStatement,
  proof: Uint8Array,
  wanted: readonly string[],
  range: readonly [number, number] = [0, proof.length / 32],
): Promise<Map<string, number>> {
  const honestGas = await harness.verify.estimateGas(program, st.input, st.output, st.prover, proof);
  const [first, end] = range;
  const all = Array.from({ length: end - first }, (_, i) => first + i);
  const order = [...all.filter((w) => (w - first) % STRIDE === 0), ...all.filter((w) => (w - first) % STRIDE !== 0)];
  const found = new Map<string, number>();
  for (let from = 0; from < order.length && wanted.some((w) => !found.has(w)); from += SCAN_CHUNK) {
    const batch = order.slice(from, from + SCAN_CHUNK);
    for (const [word, name] of await flippedWordNames(harness, names, program, st, proof, batch, honestGas)) {
      if (wanted.includes(name) && !found.has(name)) found.set(name, word);
    }
  }
  return found;
}

/**
 * The proof words the node steps of the given kinds read (every node step's when `kinds` is omitted), as
 * [first, end): the TypeScript verifier (`executePlan`) on
 * the stream truncated after k words fails in the step that reads word k, so the failing step's index is monotone
 * in k and two binary searches bound the steps' words (the arena before them and the batch opening after them are
 * left out). Every truncation is verified off-chain, so finding the range costs no on-chain call.
 */
export function nodeWords(plan: VerifierPlan, st: InferenceStatement, proof: Uint8Array, kinds?: readonly string[]): [number, number] {
  const nodes = plan.nodes.map((s, i) => (kinds === undefined || kinds.includes(s.kind) ? i : -1)).filter((i) => i >= 0);
  if (nodes.length === 0) throw new RangeError(`nodeWords: the plan has no step of kind ${kinds?.join(", ")}`);
  const failingStep = (k: number): number => {
    try {
      executePlan(plan, st, proof.slice(0, 32 * k));
    } catch (e) {
      if (!(e instanceof ProofRejectedError)) throw e;
      const at = plan.nodes.findIndex((s) => e.reason.startsWith(stepName(s)));
      if (at >= 0) return at;
      // Before the steps (advice, the arena) or after them (the batch opening).
      return e.reason.startsWith("advice") || e.reason.startsWith("arena") ? -1 : plan.nodes.length;
    }
    return plan.nodes.length;
  };
  const firstReading = (step: number): number => {
    let lo = 0;
    let hi = proof.length / 32;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (failingStep(mid) >= step) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return [firstReading(nodes[0]), firstReading(nodes[nodes.length - 1] + 1)];
}
