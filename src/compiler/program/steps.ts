/**
 * Program fragments of the CNN-class node steps, run on-chain by the extension library
 * `contracts/verifier/ModelVerifierSteps.sol`: Gather of one constant index, gathers by a public map (Trilu,
 * Tile, …), nearest Resize, max/min (`select`), reductions (`reduce-sum`, `reduce-l2`), BatchNormalization's
 * affine linear part and ConvTranspose. Each fragment is the instructions of the step (ModelVerifierOps.sol
 * through the {@link StepEmitter}) around one EXT whose section holds the step's parameters in the order the
 * Solidity twin reads them (NatSpec of contracts/verifier/layers/{CopyStep,MaxMinStep,ReduceStep,AffineStep,
 * ConvTransposeStep}.sol; docs/verifier-gen.md, "Extension libraries"). Geometry comes from the TypeScript IOPs'
 * own helpers run on symbolic points, as for the other layers.
 */
import * as Fr from "../../field/fr";
import type { ConvTransposeNodeStep } from "../../prover/graph/nodes/conv-transpose";
import type { GatherNodeStep } from "../../prover/graph/nodes/gather";
import { indexPoint } from "../../prover/graph/nodes/movement";
import type { ReduceL2NodeStep } from "../../prover/graph/nodes/reduce-l2";
import type { ReduceSumNodeStep } from "../../prover/graph/nodes/reduce-sum";
import type { ResizeNodeStep } from "../../prover/graph/nodes/resize";
import type { SelectNodeStep } from "../../prover/graph/nodes/select";
import type { MovementNodeStep, PlanLinear } from "../../prover/graph/plan";
import { geometry as convTransposeGeometry, gatherSelector as convTransposeSelector, wPoint as convTransposeWPoint } from "../../prover/layers/conv-transpose";
import { GATHER_LABELS, gatherSelector } from "../../prover/layers/gather";
import { reduceOutShape, reduceSelector } from "../../prover/layers/reduce";
import { RESIZE_LABELS, resizeSelector } from "../../prover/layers/resize";
import { selectGeometry, selectTapSelector } from "../../prover/layers/select";
import type { Selector } from "../../prover/layers/selector";
import { layoutOf, reshapePoint, splitPoint } from "../../prover/tensor";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { writeBroadcastGather, writeFactor, writeSelector } from "./layers";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";
import { hadamardWords, selectorWords, sumcheckWords } from "./proof-words";

/** Sub-opcodes of ModelVerifierSteps.sol (the section's first byte). */
export const STEP_OP = {
  index: 1,
  gather: 2,
  maxMin: 3,
  reduce: 4,
  affine: 5,
  convTranspose: 6,
} as const;

/** ReduceStep.sol's term codes. */
const REDUCE_TERM = { value: 0, square: 1 } as const;

const section = (op: number) => new ProgramWriter().u8(op, "step");

/** A transcript label as a 32-byte word: its ASCII bytes, left-aligned (what Solidity's bytes32("…") holds). */
function labelWord(label: string): bigint {
  const bytes = Buffer.from(label, "ascii");
  if (bytes.length > 32) throw new ProgramError(`label "${label}" is longer than 32 bytes`);
  return BigInt(`0x${Buffer.concat([bytes, Buffer.alloc(32 - bytes.length)]).toString("hex")}`);
}

/**
 * INDEX (CopyStep.index): the input point of a claim on a one-index Gather's output is the output point with the
 * index's bits inserted; as a gather over (point ‖ 0, 1), whose constants are pool entries n and n + 1.
 */
export function indexSection(map: Extract<MovementNodeStep["map"], { op: "index" }>, outShape: readonly number[], what: string): Uint8Array {
  const n = layoutOf(outShape).numVars;
  const point = indexPoint(map, outShape, symbols(0, n));
  const indices = point.map((x, j) => {
    if (x === 0n) return n;
    if (x === 1n) return n + 1;
    return poolIndices([x], `${what}: index point coordinate ${j}`)[0];
  });
  return section(STEP_OP.index).gather(indices, `${what}: index point`).bytes();
}

/** GATHER (CopyStep.gather): the IOP's claim label, then the selector on the (merged) claim's point. */
function copySection(label: string, selector: Selector, what: string): Uint8Array {
  const w = section(STEP_OP.gather).rawWord(labelWord(label), "label");
  writeSelector(w, selector, what);
  return w.bytes();
}

/** A copy step (gather, nearest Resize): TAKE, and when there are claims MERGEMANY, EXT (the selector), ROUTE to x. */
function copyStep(e: StepEmitter, w: ProgramWriter, step: { outputs: readonly string[]; x: string }, out: readonly number[], label: string, selector: Selector, what: string): void {
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, layoutOf(out).numVars);
    e.extension(body, "steps", copySection(label, selector, what), selectorWords(selector));
    e.route(body, [{ value: step.x }]);
  });
}

function gatherStep(step: GatherNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const claim = symbols(0, layoutOf(step.spec.out).numVars);
  copyStep(e, w, step, step.spec.out, GATHER_LABELS.claim, gatherSelector(step.spec, claim), what);
}

function resizeStep(step: ResizeNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const claim = symbols(0, layoutOf(step.spec.out).numVars);
  copyStep(e, w, step, step.spec.out, RESIZE_LABELS.claim, resizeSelector(step.spec, claim), what);
}

/**
 * The register an extension step reads: the arena's claims on (column, component) in order, then every claim on
 * `consumed`. Returns how many claims on `consumed` there were. The claims gather in a scratch tensor of the node
 * (`<node>:register`), which the last TAKE empties.
 */
export function loadRegister(e: StepEmitter, w: ProgramWriter, node: string, arena: readonly (readonly [number, number])[], consumed: string): number {
  const scratch = `${node}:register`;
  for (const [column, component] of arena) e.arena(w, column, component, scratch);
  const count = e.take(w, consumed);
  e.routeAll(w, scratch, count);
  e.take(w, scratch);
  return count;
}

/**
 * MAXMIN (MaxMinStep.sol): register = the arena's two claims on the step's column, then the claims on y. Section:
 * qmin, σ, F, κ, the output's real indicator on the tap point, the tap selector (pool: the tap point ρ).
 */
function maxMinStep(step: SelectNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const geo = selectGeometry(step.spec);
  const tap = geo.tapLayout;
  const rho = symbols(0, tap.numVars);
  const count = loadRegister(e, w, step.node, [[step.column, 0], [step.column, 1]], step.outputs[0]);
  const half = 1n << BigInt(step.spec.bits - 1);
  const s = section(STEP_OP.maxMin).word(Fr.fromSigned(-half), "qmin").word(Fr.fromSigned(geo.sign), "sign").word(geo.fill, "fill");
  s.u8(geo.kernelLayout.numVars, "kernel variables");
  // 1_real(ρ_o): the output axes (tap axes 0 … R−1) whose size is not a power of two.
  const axes = step.spec.out.map((d, a) => ({ d, ...tap.axes[a] })).filter((x) => 2 ** x.count !== x.d);
  s.u8(axes.length, "real axes");
  for (const x of axes) s.u32(x.d, "real dim").u8(x.start, "real start").u8(x.count, "real bits");
  const tapSelector = selectTapSelector(step.spec, rho);
  writeSelector(s, tapSelector, what);
  // y~(ρ_o), then the tap selector.
  e.extension(w, "steps", s.bytes(), 1 + selectorWords(tapSelector));
  const y: Dest = { advice: step.advice.y };
  const sa: Dest = { advice: step.advice.s };
  e.route(w, [{ value: step.x }, ...new Array<Dest>(count + 1).fill(y), sa, sa]);
}

/**
 * REDUCE (ReduceStep.sol): the term, then the reduction's selector on the accumulator claim's point; and the proof
 * words it reads (values: the selector's sum-check and X~; squares: a degree-3 sum-check over x's variables and X~).
 */
function reduceSection(spec: ReduceSumNodeStep["spec"], what: string): { section: Uint8Array; words: number } {
  const claim = symbols(0, layoutOf(reduceOutShape(spec)).numVars);
  const s = section(STEP_OP.reduce).u8(spec.term === "square" ? REDUCE_TERM.square : REDUCE_TERM.value, "term");
  const selector = reduceSelector(spec, claim);
  writeSelector(s, selector, what);
  const words = spec.term === "square" ? sumcheckWords(layoutOf(selector.inShape).numVars, 3) + 1 : selectorWords(selector);
  return { section: s.bytes(), words };
}

/** reduce-sum: REQUANT, EXT; the claim goes to x, or (ReduceL1) to |x| in A with the arena's claims after it. */
function reduceSumStep(step: ReduceSumNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  e.requant(w, step.requant);
  const reduce = reduceSection(step.spec, what);
  e.extension(w, "steps", reduce.section, reduce.words);
  if (!step.abs) {
    e.route(w, [{ value: step.x }]);
    return;
  }
  e.route(w, [{ advice: step.abs.slot }]);
  e.arena(w, step.abs.column, 0, { value: step.x });
  e.arena(w, step.abs.column, 1, { advice: step.abs.slot });
}

/** reduce-l2: the SQRT table (TABLE, x = the tensor ss), REQUANT of ss, EXT (squares) → x. */
function reduceL2Step(step: ReduceL2NodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  e.table(w, { column: step.column, y: step.y, outputs: step.outputs, padOffset: step.padOffset, shape: step.shape, x: step.requant.y });
  e.requant(w, step.requant);
  const reduce = reduceSection(step.spec, what);
  e.extension(w, "steps", reduce.section, reduce.words);
  e.route(w, [{ value: step.x }]);
}

/**
 * AFFINE (AffineStep.sol) for acc = x ⊙ γ + β: β's flat point from the claim's point, then the Hadamard's
 * program — n rounds, a = x at ρ (no broadcast), b = γ at ρ seen in its flat layout.
 */
export function affineProgram(linear: Extract<PlanLinear, { iop: "affine" }>): Uint8Array {
  const n = layoutOf(linear.outShape).numVars;
  const flat = (offset: number) => poolIndices(reshapePoint(linear.flatShape, linear.outShape, symbols(offset, n)), "affine: flat point");
  const s = section(STEP_OP.affine).gather(flat(0), "affine: β point");
  s.u8(n, "hadamard rounds");
  s.gather(Array.from({ length: n }, (_, j) => j), "affine: x point").u8(0, "x broadcast axes");
  s.gather(flat(0), "affine: γ point").u8(0, "γ broadcast axes");
  return s.bytes();
}

/** The proof words AFFINE reads: β~, then the Hadamard's sum-check and evaluations. */
export function affineWords(linear: Extract<PlanLinear, { iop: "affine" }>): number {
  return 1 + hadamardWords(layoutOf(linear.outShape).numVars);
}

/** CONVT (ConvTransposeStep.sol): REQUANT, EXT, ROUTE x, W, [bias]. */
function convTransposeStep(step: ConvTransposeNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const g = convTransposeGeometry(step.spec);
  const claim = symbols(0, g.out.numVars);
  const rho = symbols(g.out.numVars, g.k.numVars);
  const parts = splitPoint(g.out, claim);
  const s = section(STEP_OP.convTranspose).u8(g.k.numVars, "rounds").u8(g.biasShape ? 1 : 0, "bias");
  if (g.biasShape) {
    writeBroadcastGather(s, g.out.shape, g.biasShape, 0, `${what}: bias point`);
    writeFactor(s, g.out.shape, g.biasShape);
  }
  s.gather(poolIndices(convTransposeWPoint(g, parts, rho), `${what}: W point`), `${what}: W point`);
  const selector = convTransposeSelector(step.spec, g, parts, rho);
  writeSelector(s, selector, `${what}: gather`);
  e.requant(w, step.requant);
  // [the bias], the degree-2 sum-check over the kernel, (u, W~), then the gather selector.
  e.extension(w, "steps", s.bytes(), (g.biasShape ? 1 : 0) + sumcheckWords(g.k.numVars, 2) + 2 + selectorWords(selector));
  e.route(w, [{ value: step.x }, { value: step.w }, ...(step.bias ? [{ value: step.bias }] : [])]);
}

/** Handler name → fragment, for the whole-model compiler's EXTENSION_STEPS (./model.ts). */
export const STEP_COMPILERS: Readonly<Record<string, ExtensionStepCompiler>> = {
  gather: gatherStep as ExtensionStepCompiler,
  resize: resizeStep as ExtensionStepCompiler,
  select: maxMinStep as ExtensionStepCompiler,
  "reduce-sum": reduceSumStep as ExtensionStepCompiler,
  "reduce-l2": reduceL2Step as ExtensionStepCompiler,
  "conv-transpose": convTransposeStep as ExtensionStepCompiler,
};
