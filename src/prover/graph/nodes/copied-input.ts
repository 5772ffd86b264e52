/**
 * The copied data inputs of the selection steps (Where with a constant or a runtime condition, ScatterND /
 * ScatterElements with constant or runtime indices): where an input's claims go and, when the movement plan
 * brings a runtime input to the common scale first, the requantization that yields the copy.
 *
 * A constant input is the committed weight `<value>@<node>` (its claims open W). A runtime input the plan
 * rescales (`plan.params.rescale[j]`, docs/quantization.md "movement") is read through its rescaled copy
 * `<node>:rescaled<j>` (never committed): the witness phase computes the copy, and after the step's own walk the
 * requantization turns the copy's claim into a claim on the input (in input order, so the stream ends with the
 * requantizations). Any other runtime input is used as it is.
 */
import { requantWitness } from "../../layers/requant-spec";
import type { PlanRequant } from "../plan";
import { proveRequantStep, requantSpec, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, ProveContext, VerifyContext, WitnessContext } from "./types";

/** A rescale entry of the movement plan's params. */
interface RescaleParams {
  readonly multiplier: number;
  readonly shift: number;
}

/** A runtime input brought to the common scale: the input read, and the requantization whose `y` is its copy. */
export interface InputRescale {
  readonly input: string;
  readonly requant: PlanRequant;
}

/** A copied input: the tensor its claims go to (activation, rescaled copy or W slot), and its rescale if any. */
export interface CopiedInput {
  readonly tensor: string;
  readonly rescale: InputRescale | null;
}

/**
 * Runtime input j through its rescaled copy `<node>:rescaled<j>` (the requantization registered with the plan), or
 * null when the plan does not rescale it.
 */
export function rescaledInput(ctx: CompileContext, j: number): { readonly tensor: string; readonly rescale: InputRescale } | null {
  const { node, plan } = ctx;
  const rescale = ((plan.params as { rescale?: readonly (RescaleParams | null | undefined)[] }).rescale ?? []) as readonly (RescaleParams | null | undefined)[];
  const r = rescale[j];
  if (!r) return null;
  const value = node.inputs[j];
  const tensor = `${node.name}:rescaled${j}`;
  const requant = ctx.requant({ y: tensor, shape: ctx.shape(value), multiplier: BigInt(r.multiplier), shift: r.shift, accBound: 2n ** BigInt(ctx.bits - 1), tag: `rescaled${j}:` });
  return { tensor, rescale: { input: value, requant } };
}

/**
 * Input j of the node: a constant as its committed weight (refused, naming it as `what`, when it is not
 * committed), a runtime input as its rescaled copy or as it is.
 */
export function copiedInput(ctx: CompileContext, j: number, what: string): CopiedInput {
  const value = ctx.node.inputs[j];
  if (ctx.model.graph.initializers.has(value)) {
    const tensor = `${value}@${ctx.node.name}`;
    if (!ctx.isWeight(tensor)) return ctx.unsupported(`constant ${what} "${value}" is not committed`);
    return { tensor, rescale: null };
  }
  return rescaledInput(ctx, j) ?? { tensor: value, rescale: null };
}

/** Witness: the rescaled copy of `input` (when it has one) and its requantization's advice. */
export function witnessRescale(input: CopiedInput, ctx: WitnessContext): void {
  if (!input.rescale) return;
  const x = ctx.value(input.rescale.input);
  const y = { shape: x.shape, data: requantWitness(requantSpec(input.rescale.requant), x).y.map(Number) };
  ctx.setValue(input.tensor, y);
  witnessRequant(input.rescale.requant, x, y, ctx);
}

/** Prover: the copy's claim, when `input` is rescaled, through its requantization to a claim on the input. */
export function proveRescale(input: CopiedInput, ctx: ProveContext): void {
  if (input.rescale) ctx.claim(input.rescale.input, proveRequantStep(input.rescale.requant, ctx));
}

/** Verifier twin of `proveRescale`. */
export function verifyRescale(input: CopiedInput, ctx: VerifyContext): void {
  if (input.rescale) ctx.claim(input.rescale.input, verifyRequantStep(input.rescale.requant, ctx));
}
