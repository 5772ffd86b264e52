/**
 * The statement of a proved generation — model digest, prompt token ids, generated token ids — and its exact
 * correspondence with the statement of the one proved forward pass (docs/gguf.md, "Proved generation"):
 *
 *   graph input  tokens[t] = prompt ‖ generated[0 .. N−2] at t < P + N − 1, PAD_TOKEN after (C values)
 *   graph output next[t]   = argmax of logits row t, for every t < C (C values)
 *   generation holds iff   next[P − 1 + i] = generated[i] for every i < N
 *
 * Causal masking makes row t depend on tokens[0..t] only, so next[P−1+i] is the greedy choice after the prompt
 * and the first i generated tokens: the statement certifies the whole greedy continuation. The other entries of
 * `next` (inside the prompt, past the sequence) are proved too but are not part of the claim.
 */
import { PAD_TOKEN } from "./model";

/** A generation statement that does not match its proof's graph statement, with the reason. */
export class GenerationStatementError extends Error {
  override readonly name = "GenerationStatementError";
}

/** What a generation proof certifies. */
export interface GenerationStatement {
  readonly promptIds: readonly number[];
  readonly generatedIds: readonly number[];
}

/**
 * Bytes of one packed value: token ids and next-token indices are int64-typed graph values, whose declared range is
 * int32 (src/prover/graph/statement.ts `publicRange`), so 4 bytes big-endian.
 */
const VALUE_BYTES = 4;

/** The proved sequence: the prompt, then every generated token but the last (its own row is not needed). */
export function provedSequence(s: GenerationStatement): number[] {
  return [...s.promptIds, ...s.generatedIds.slice(0, -1)];
}

/** The graph input bytes for a context of C positions. @throws {GenerationStatementError} when it does not fit */
export function generationInput(s: GenerationStatement, context: number): Uint8Array {
  checkShape(s.promptIds.length, s.generatedIds.length, context);
  const tokens = new Array<number>(context).fill(PAD_TOKEN);
  provedSequence(s).forEach((id, t) => (tokens[t] = id));
  return pack(tokens);
}

/**
 * Reads the generation out of a graph statement and checks it: the input must be exactly prompt ‖ generated[..N−1]
 * ‖ padding, and generated[i] the proved next token of row P − 1 + i.
 * @throws {GenerationStatementError} naming the first position that does not match
 */
export function readGeneration(input: Uint8Array, output: Uint8Array, split: { promptTokens: number; generatedTokens: number }, context: number): GenerationStatement {
  const { promptTokens: P, generatedTokens: N } = split;
  checkShape(P, N, context);
  const tokens = unpack(input, context, "input");
  const next = unpack(output, context, "output");
  const generatedIds = next.slice(P - 1, P - 1 + N);
  for (let i = 0; i + 1 < N; i++) {
    if (tokens[P + i] !== generatedIds[i]) {
      throw new GenerationStatementError(`generated token ${i} is ${generatedIds[i]} (the proved argmax of position ${P - 1 + i}) but the sequence feeds ${tokens[P + i]} at position ${P + i}`);
    }
  }
  for (let t = P + N - 1; t < context; t++) {
    if (tokens[t] !== PAD_TOKEN) throw new GenerationStatementError(`position ${t} past the sequence holds token ${tokens[t]}, not the padding ${PAD_TOKEN}`);
  }
  return { promptIds: tokens.slice(0, P), generatedIds };
}

function checkShape(P: number, N: number, context: number): void {
  if (!Number.isInteger(P) || P < 1) throw new GenerationStatementError(`the prompt must hold at least one token (got ${P})`);
  if (!Number.isInteger(N) || N < 1) throw new GenerationStatementError(`at least one token must be generated (got ${N})`);
  if (P + N - 1 > context) throw new GenerationStatementError(`${P} prompt + ${N} generated tokens need ${P + N - 1} positions; the model's context is ${context}`);
}

function pack(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * VALUE_BYTES);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * VALUE_BYTES, v, false));
  return out;
}

function unpack(bytes: Uint8Array, count: number, what: string): number[] {
  if (bytes.length !== count * VALUE_BYTES) throw new GenerationStatementError(`the ${what} has ${bytes.length} bytes, expected ${count} int32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(i * VALUE_BYTES, false));
}
