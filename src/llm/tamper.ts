/**
 * The three tamperings issue 10 asks a generation proof to reject, run on one finished proof (so the bench can
 * show them at 64 tokens, where a test would be too heavy; test/llm/tamper.test.ts runs them on the tiny llama):
 *
 * - `token`: one generated token (the middle one) changed, in the output and — where it is fed back — the input;
 * - `prompt`: the first prompt token changed;
 * - `weight`: the proof checked against the same model with one weight changed by one integer step (another
 *   commitment, another digest), the proof's digest rewritten to that model's, so the proof itself must fail.
 *
 * Each answers true when the verifier rejected it.
 */
import type { ProofFileContents } from "../artifacts/proof-file";
import type { QuantizedModel } from "../model/quant/quantize";
import { tensor } from "../model/ir";
import type { Srs } from "../pcs/srs";
import { parseVerifyingKey, verifyingKeyJson } from "../prover/keys";
import { setupModel } from "../prover/setup";
import type { LoadedLlmSetup } from "./setup";
import { verifyGeneration } from "./verify";

/** Which tamperings were rejected (true = rejected, as they must be). */
export interface TamperVerdicts {
  readonly token: boolean;
  readonly prompt: boolean;
  readonly weight: boolean;
}

/** The weight changed by the `weight` check: block 0's query projection (every position depends on it). */
export const TAMPERED_WEIGHT = "blk.0.attn_q.weight";

/** Runs the three checks on a valid proof file of `setup` (see the file comment). */
export function tamperChecks(setup: LoadedLlmSetup, srs: Srs, file: ProofFileContents): TamperVerdicts {
  const gen = file.generation;
  if (!gen) throw new RangeError("tamperChecks: not a generation proof file");
  const V = setup.q.cfg.nVocab;
  const rejected = (f: ProofFileContents, s: LoadedLlmSetup = setup) => !verifyGeneration(s, f).valid;

  const P = gen.promptTokens;
  const i = Math.floor(gen.generatedTokens / 2);
  const other = (getInt(file.output, P - 1 + i) + 1) % V;
  const output = setInt(file.output, P - 1 + i, other);
  const input = i < gen.generatedTokens - 1 ? setInt(file.input, P + i, other) : file.input;
  const token = rejected({ ...file, input, output });

  const prompt = rejected({ ...file, input: setInt(file.input, 0, (getInt(file.input, 0) + 1) % V) });

  const model = withWeightChanged(setup.q.model, TAMPERED_WEIGHT);
  const keyed = setupModel(model, srs);
  const vk = parseVerifyingKey(verifyingKeyJson(keyed, srs));
  const otherSetup: LoadedLlmSetup = { ...setup, vk, q: { ...setup.q, model } };
  const weight = vk.digest !== setup.vk.digest && rejected({ ...file, digest: vk.digest }, otherSetup);
  return { token, prompt, weight };
}

/** The model with entry 0 of weight `name` one integer step larger (another model, another commitment). */
export function withWeightChanged(model: QuantizedModel, name: string): QuantizedModel {
  const w = model.weights.get(name);
  if (!w) throw new RangeError(`tamperChecks: the model has no weight "${name}"`);
  const data = Float64Array.from(w.tensor.data as ArrayLike<number>);
  data[0] += data[0] < 0 ? 1 : -1;
  const weights = new Map(model.weights);
  weights.set(name, { ...w, tensor: tensor(w.tensor.dtype, w.tensor.shape, data) });
  return { ...model, weights };
}

/** Big-endian int32 number `at` of a packed statement tensor (docs/proof-format.md). */
function getInt(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(4 * at, false);
}

function setInt(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(4 * at, value, false);
  return out;
}
