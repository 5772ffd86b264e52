/**
 * The node interface of the graph driver. A plan kind (docs/quantization.md) is served by a COMPILER that turns
 * one node into a plain-data step of the verifier plan (../plan.ts), and every step names a HANDLER that runs
 * it in the three phases of a proof:
 *
 * 1. witness (prover, before any challenge): the step's advice columns (→ the advice polynomial A) and arena
 *    witness columns (→ the lookup arena), from the integer trace;
 * 2. prove (backward walk): consume every claim on the step's outputs (and the arena's claims on its columns),
 *    write the IOP's messages, add claims on inputs / W / A;
 * 3. verify: the same walk reading the messages from the proof stream; must add exactly the claims the prover
 *    added (same order) or throw.
 *
 * To add a kind: write `nodes/<kind>.ts` exporting a compiler (and a handler if no existing handler fits) and
 * add one line to each map in `nodes/index.ts`.
 */
import type { Node } from "../../../model/ir";
import type { QuantPlan } from "../../../model/ops/types";
import type { QuantizedModel } from "../../../model/quant/quantize";
import type { Transcript } from "../../../transcript";
import type { Claim } from "../../claims";
import type { IntTensor } from "../../tensor";
import type { NodeStep, PlanRequant } from "../plan";
import type { ProofReader, ProofWriter } from "../stream";
import type { FixedTable } from "../tables";

/** What a compiler sees of one node and what it can declare. */
export interface CompileContext {
  readonly model: QuantizedModel;
  readonly node: Node;
  readonly plan: QuantPlan;
  readonly bits: number;
  /** The static shape of a value. */
  shape(value: string): number[];
  /** True when the value is a committed weight (a claim on it becomes an opening of W). */
  isWeight(value: string): boolean;
  /** Throws the UnsupportedNodeError of this node with the reason. */
  unsupported(why: string): never;
  /** Declares an advice column of this node; returns its A slot name (`<node>:<column>`). */
  advice(column: string, shape: readonly number[]): string;
  /** Registers a fixed table (idempotent by id). */
  table(def: FixedTable): void;
  /** Declares an arena witness column; returns its index. */
  arenaColumn(table: string, numVars: number, label: string): number;
  /** Declares a requantization of tensor `y` (its advice and arena columns); `tag` separates several per node. */
  requant(args: { y: string; shape: readonly number[]; multiplier: bigint; shift: number; accBound: bigint; tag?: string; lo?: bigint; hi?: bigint }): PlanRequant;
}

/** A compiler of one plan kind. @throws {UnsupportedNodeError} for a node it cannot prove */
export type NodeCompiler = (ctx: CompileContext) => NodeStep;

/** The prover's witness phase. */
export interface WitnessContext {
  /** Integer value of a tensor (activation, graph input or weight). */
  value(name: string): IntTensor;
  /** Registers the value of a tensor the step introduces (e.g. an input rescaled to a common scale). */
  setValue(name: string, value: IntTensor): void;
  /** Sets an advice column's padded table (canonical Fr, over the column's layout). */
  setAdvice(slot: string, table: readonly bigint[]): void;
  /** Sets an arena column's components (each 2^numVars canonical values). */
  setColumn(index: number, components: readonly (readonly bigint[])[]): void;
  /** Per-proof scratch space shared with the prove phase (keyed by the handler). */
  readonly scratch: Map<string, unknown>;
  /** Test hook: build the witness from the trace even when it is inconsistent (a dishonest prover). */
  readonly unsafe: boolean;
}

/** What both walks share. */
export interface WalkContext {
  readonly transcript: Transcript;
  /** "node conv1 (Conv)": prefixes rejection reasons. */
  readonly what: string;
  /** Every claim collected so far on a tensor, removed from the book. */
  take(tensor: string): Claim[];
  /** A claim on a value: a weight becomes an opening of W, anything else is collected for its producer. */
  claim(value: string, claim: Claim): void;
  /** A claim on an advice column (an opening of A at the column's slot). */
  claimAdvice(slot: string, claim: Claim): void;
  /** A claim on a W slot by name (table columns, weights). */
  claimWeight(slot: string, claim: Claim): void;
  /** The arena's claim on witness column `index`: component values at the column's point. */
  arenaColumn(index: number): { readonly point: readonly bigint[]; readonly values: readonly bigint[] };
}

/** The prover's walk. */
export interface ProveContext extends WalkContext {
  readonly writer: ProofWriter;
  value(name: string): IntTensor;
  readonly scratch: Map<string, unknown>;
}

/** The verifier's walk. */
export interface VerifyContext extends WalkContext {
  readonly reader: ProofReader;
}

/** Runs a step in the three phases. */
export interface StepHandler<S extends NodeStep = NodeStep> {
  witness(step: S, ctx: WitnessContext): void;
  prove(step: S, ctx: ProveContext): void;
  verify(step: S, ctx: VerifyContext): void;
}
