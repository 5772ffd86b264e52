/**
 * `proveInference`: one proof for one inference of a committed model (docs/prover.md, "The whole-model
 * proof"). Phases, in transcript order: statement absorb → witness (every node's advice and arena columns,
 * before any challenge) → commit A → the arena → every requantization's batched zero-check (./requant-batch.ts)
 * → output claims → the backward walk (node steps in plan order)
 * → the graph inputs' claim merges (./public-claims.ts) → ONE batch opening of [W, A, M, H]. Every message goes
 * through a {@link ProofWriter}; the proof is its bytes.
 */
import type { G1Point } from "../../curve/bn254";
import { proveArenaPacked } from "../../lookup/arena-prover";
import { writeArenaProof } from "../../lookup/arena-encoding";
import { arenaChunkCommitments } from "../../lookup/arena-types";
import type { ArenaColumn } from "../../lookup/arena-types";
import type { IntegerTrace } from "../../model/exec/integer";
import type { QuantizedModel } from "../../model/quant/quantize";
import { absorbChunked } from "../../pcs/chunked";
import type { Srs } from "../../pcs/srs";
import type { SlotLayout } from "../../poly/slots";
import { Transcript } from "../../transcript";
import type { ModelPolyLayout } from "../model-poly";
import type { IntTensor } from "../tensor";
import type { ModelStatement } from "../setup";
import { AdviceCommitter, type CommittedAdvice } from "./advice";
import { chunkedOpening } from "./chunks";
import { compileGraph } from "./compile";
import { proveSlottedBatchOpening } from "./opening";
import { ProverInputError } from "./errors";
import { handlerOf, type ProveContext, type WitnessContext } from "./nodes";
import type { VerifierPlan } from "./plan";
import { absorbStatement, INFERENCE_LABELS, packTensors, type InferenceStatement } from "./statement";
import { ProofWriter, type ProofStats } from "./stream";
import { arenaTables } from "./tables";
import { planOf } from "./verifier-plan";
import { provePublicInputs } from "./public-claims";
import { proveRequants } from "./requant-batch";
import { ClaimBook, openingClaims, outputClaims, walkContext } from "./walk";

/**
 * What the prover needs of the setup: W's layout, table and commitment, the model digest, and the statement's
 * chunk width when the setup chunks the per-proof commitments (a `ModelSetup` or `ProvingKey` carries both).
 */
export interface ProverModelKey {
  readonly layout: ModelPolyLayout;
  readonly table: readonly bigint[];
  readonly commitment: G1Point;
  readonly digest: string;
  readonly statement?: Pick<ModelStatement, "chunkBits">;
}

/**
 * What a proof costs the verifier: calldata words, points / scalars in it, sum-check rounds (every IOP's, the
 * arena's zero-check and the batch opening's), committed polynomials.
 */
export interface ProofCost extends ProofStats {
  readonly words: number;
  /** Commitments in the batch opening (W plus the present ones of A, M, H: one each, or one per chunk). */
  readonly commitments: number;
}

/** Progress callback: stage name, steps done, steps in the stage. */
export type ProgressCallback = (stage: string, done: number, total: number) => void;

/** Inputs of {@link proveInference}. */
export interface ProveInferenceParameters {
  readonly setup: ProverModelKey;
  readonly model: QuantizedModel;
  readonly srs: Srs;
  /** The integer run to prove (`runInteger(model, quantizeInputs(model, inputs))`). */
  readonly trace: IntegerTrace;
  /** The prover's address, bound into the proof. */
  readonly prover: `0x${string}`;
  readonly onProgress?: ProgressCallback;
  /**
   * Test hook (a dishonest prover, for soundness tests only): prove the trace as given even where it is not the
   * model's computation (requant witnesses absorb the difference, the arena keeps entries outside its tables).
   */
  readonly unsafeDishonest?: boolean;
}

/**
 * Proves one inference.
 * @throws {ProverInputError} when the trace is not a run of the model; UnsupportedNodeError for a node that
 * cannot be proved; SetupError-like RangeErrors when the SRS is too small
 */
export function proveInference(params: ProveInferenceParameters): { statement: InferenceStatement; proof: Uint8Array; stats: ProofCost } {
  const { setup, model, srs, trace } = params;
  const progress = params.onProgress ?? (() => undefined);
  const unsafe = params.unsafeDishonest === true;
  const graph = compileGraph(model);
  const plan = planOf(graph, setup.layout, setup.digest, { commitment: setup.commitment, g2: srs.g2, tauG2: srs.tauG2 }, setup.statement?.chunkBits ?? null);
  const values = traceValues(model, trace);
  const statement: InferenceStatement = {
    digest: setup.digest,
    prover: params.prover,
    input: packTensors(trace.inputs, plan.inputs),
    output: packTensors(
      plan.outputs.map((o) => values.get(o.name) ?? missing(o.name)),
      plan.outputs,
    ),
  };
  const transcript = new Transcript(INFERENCE_LABELS.domain);
  absorbStatement(transcript, statement);
  const writer = new ProofWriter();

  // Witness phase: every advice column and arena column, before any challenge. A's columns are committed as
  // they come (./advice.ts: on the second core with the native backend).
  const advice = plan.advice ? new AdviceCommitter({ layout: adviceLayout(plan.advice), srs, chunkBits: plan.chunkBits }) : null;
  const components = new Array<readonly (readonly bigint[])[] | undefined>(graph.columns.length);
  const scratch = new Map<string, unknown>();
  const value = (name: string): IntTensor => values.get(name) ?? missing(name);
  const wctx: WitnessContext = {
    value,
    setValue: (name, v) => values.set(name, v),
    setAdvice: (slot, table) => {
      if (!advice) throw new RangeError(`advice column "${slot}": the plan has no advice polynomial`);
      advice.add(slot, table);
    },
    setColumn: (i, c) => (components[i] = c),
    scratch,
    unsafe,
  };
  let adviceTable: CommittedAdvice | null;
  try {
    [...plan.nodes].reverse().forEach((step, k) => {
      handlerOf(step).witness(step, wctx);
      progress("witness", k + 1, plan.nodes.length);
    });
    adviceTable = advice?.finish() ?? null;
  } catch (error) {
    advice?.close();
    throw error;
  }
  if (adviceTable) {
    absorbChunked(transcript, INFERENCE_LABELS.advice, adviceTable.commitment);
    writer.points(adviceTable.commitment);
  }
  progress("commit", 1, 1);

  const columns: ArenaColumn[] = graph.columns.map((shape, i) => {
    const c = components[i];
    if (!c) throw new RangeError(`arena column ${i} (${shape.label}) has no witness`);
    return { ...shape, components: c };
  });
  // polys kept apart from the rest of the result, so that dropping them frees M and H.
  const { polys: arenaPolysOut, ...arena } = proveArenaPacked({ srs, tables: arenaTables(graph.tables, true), columns, transcript, chunkBits: plan.chunkBits, helperGroup: plan.arena.helperGroup, ...(unsafe ? { unsafeMultiplicities: new Map() } : {}) });
  let arenaPolys = arenaPolysOut;
  writeArenaProof(arena.proof, writer);
  // The columns' components (16 M small bigints at 128 positions) are not read after the arena.
  columns.length = 0;
  components.fill(undefined);
  progress("arena", 1, 1);

  const book = new ClaimBook(plan);
  book.addArena(arena.claims);
  proveRequants(plan, book, transcript, writer, scratch);
  outputClaims(plan, plan.outputs.map((o) => value(o.name)), transcript, book);
  plan.nodes.forEach((step, k) => {
    const ctx: ProveContext = { ...walkContext(book, transcript, step), writer, value, scratch };
    handlerOf(step).prove(step, ctx);
    progress("walk", k + 1, plan.nodes.length);
  });
  provePublicInputs(plan, book, transcript, writer, value);
  const left = book.pending();
  if (left.length > 0) throw new RangeError(`prover: claims on ${left.join(", ")} were never discharged`);

  const whole: (readonly bigint[] | Uint8Array)[] = [setup.table];
  const committed: (readonly G1Point[])[] = [[setup.commitment]];
  if (adviceTable) {
    whole.push(adviceTable.table);
    committed.push(adviceTable.commitment);
  }
  if (arenaPolys && arena.proof) {
    const { M, H } = arenaChunkCommitments(arena.proof);
    whole.push(arenaPolys.M, arenaPolys.H);
    committed.push(M, H);
  }
  // The opening runs over the chunks (the polynomials themselves when the plan is unchunked).
  const { tables, commitments, claims } = chunkedOpening(plan, committed, openingClaims(plan, book), whole);
  // From here `tables` is the only reference to A, M and H, so the opening can free them once G is formed.
  whole.length = 0;
  adviceTable = null;
  arenaPolys = null;
  // No opening claim at all (a model of pure re-indexing): nothing is committed per proof and W is unused.
  if (claims.length > 0) {
    const opening = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript, onTablesRead: () => (tables.length = 0) });
    if (opening.sumcheck) writer.sumcheck(opening.sumcheck);
    writer.points(opening.opening.folds);
    writer.scalars(opening.opening.evals);
    writer.point(opening.opening.w);
    writer.point(opening.opening.wPrime);
  }
  progress("opening", 1, 1);
  const stats = writer.stats;
  const arenaRounds = arena.proof?.sumcheck.rounds.length ?? 0;
  return { statement, proof: writer.bytes(), stats: { ...stats, sumcheckRounds: stats.sumcheckRounds + arenaRounds, words: writer.length / 32, commitments: commitments.length } };
}

/** A's slot layout in the plan. */
function adviceLayout(advice: NonNullable<VerifierPlan["advice"]>): SlotLayout {
  return { numVars: advice.numVars, slots: advice.slots.map((s) => ({ name: s.name, numVars: s.numVars, offset: s.offset })) };
}

/** Every tensor of the run by name: graph inputs, node outputs, weights. */
function traceValues(model: QuantizedModel, trace: IntegerTrace): Map<string, IntTensor> {
  const out = new Map<string, IntTensor>();
  if (trace.inputs.length !== model.graph.inputs.length) throw new ProverInputError(`trace: ${trace.inputs.length} inputs, the model has ${model.graph.inputs.length}`);
  model.graph.inputs.forEach((info, i) => out.set(info.name, trace.inputs[i]));
  for (const step of trace.steps) step.outputs.forEach((o, j) => o !== "" && out.set(o, step.values[j]));
  for (const [name, w] of model.weights) out.set(name, w.tensor);
  for (const [name, w] of model.constantOutputs) if (!out.has(name)) out.set(name, w.tensor);
  return out;
}

function missing(name: string): never {
  throw new ProverInputError(`trace: no value for "${name}" (is the trace a run of this model?)`);
}
