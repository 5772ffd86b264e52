/**
 * Program fragments of the remaining corpus kinds — integer Div by a constant (`exact-div`), Where with a runtime
 * condition (`where-runtime`), TopK (`topk`) and Scatter at runtime indices (`scatter-runtime`) — run on-chain by
 * the extension library `contracts/verifier/ModelVerifierIndexed.sol`. Each fragment is the step's instructions
 * (ModelVerifierOps.sol, through the {@link StepEmitter}) around one EXT whose section holds the parameters in the
 * order the Solidity twin reads them (NatSpec of contracts/verifier/layers/{ExactDiv,WhereRuntime,TopK,
 * ScatterRuntime}Step.sol; docs/verifier-gen.md, "ModelVerifierIndexed"). The ROUTE after each EXT lists the
 * claims in the order the TypeScript verify phase makes them, which fixes the batch opening's record order.
 */
import * as Fr from "../../field/fr";
import type { ExactDivNodeStep } from "../../prover/graph/nodes/exact-div";
import type { CopiedInput } from "../../prover/graph/nodes/copied-input";
import type { RuntimeScatterNodeStep, ScatterOperand } from "../../prover/graph/nodes/scatter-runtime";
import type { TopkNodeStep } from "../../prover/graph/nodes/topk";
import type { RuntimeWhereNodeStep } from "../../prover/graph/nodes/where-runtime";
import { exactDivGeometry } from "../../prover/layers/exact-div";
import { scatterGeometry } from "../../prover/layers/scatter";
import { topkGeometry } from "../../prover/layers/topk";
import { layoutOf } from "../../prover/tensor";
import { writeConstant } from "./exact";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { hadamardProgram, linearProgram, writeFactor } from "./layers";
import { loadRegister } from "./steps";
import { ProgramWriter } from "./writer";
import { hadamardWords, sumcheckWords } from "./proof-words";

/** Sub-opcodes of ModelVerifierIndexed.sol (the section's first byte). */
export const INDEXED_OP = { exactDiv: 1, whereRuntime: 2, topk: 3, scatter: 4 } as const;

/** ScatterRuntimeStep.sol's operand kinds. */
const OPERAND = { tensor: 0, constant: 1 } as const;

const A = (slot: string): Dest => ({ advice: slot });
const value = (tensor: string): Dest => ({ value: tensor });

/** `dests` repeated once per claim. */
const perClaim = (dests: readonly Dest[], count: number): Dest[] => Array.from({ length: count }, () => dests).flat();

/** A section starting with the sub-opcode. */
const section = (op: number): ProgramWriter => new ProgramWriter().u8(op, "indexed op");

/** The requantizations that yield rescaled copies, in input order (after the step: `verifyRescale`). */
function rescales(e: StepEmitter, w: ProgramWriter, inputs: readonly (CopiedInput | null)[]): void {
  for (const input of inputs) {
    if (!input?.rescale) continue;
    e.requant(w, input.rescale.requant);
    e.route(w, [value(input.rescale.input)]);
  }
}

/**
 * Integer Div (ExactDivStep.sol): the register = the arena's claims on every column (ux…, g, uq…, h, r…, t…), then
 * the claims on y; EXT; ROUTE uq…, h per claim on y, the columns to A, x.
 */
function exactDivInstructions(step: ExactDivNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec } = step;
  const geo = exactDivGeometry(spec);
  const groups = ["ux", "g", "uq", "h", "r", "t"] as const;
  const columns = groups.flatMap((g) => step.columns[g]);
  const onY = loadRegister(e, w, step.node, columns.map((c): [number, number] => [c, 0]), step.outputs[0]);
  const s = section(INDEXED_OP.exactDiv).u8(geo.signLimbs, "sign limbs").u8(geo.remLimbs, "remainder limbs").u8(spec.limbBits, "limb bits");
  s.u8(spec.divisor < 0n ? 1 : 0, "negative").word(Fr.fromSigned(geo.absDivisor), "D");
  writeFactor(s, spec.shape, []);
  // Per claim on y: the quotient's sign limbs and h.
  e.extension(w, "indexed", s.bytes(), onY * (geo.signLimbs + 1));
  const quotient = [...step.advice.uq, ...step.advice.h].map(A);
  e.route(w, [...perClaim(quotient, onY), ...groups.flatMap((g) => step.advice[g]).map(A), value(step.x)]);
}

/** Runtime Where (WhereRuntimeStep.sol): when y holds claims, MERGEMANY, EXT, ROUTE b, c, a, c, b; then the rescales. */
function whereRuntimeInstructions(step: RuntimeWhereNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const [a, b] = step.data;
  const c = step.cond;
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, layoutOf(step.out).numVars);
    const s = section(INDEXED_OP.whereRuntime).append(linearProgram(step.out, [{ shape: b.shape, coeff: 1n }]));
    s.append(hadamardProgram(step.out, c.shape, a.shape)).append(hadamardProgram(step.out, c.shape, b.shape));
    // The two products' values, then their Hadamards (the linear part of one operand sends nothing).
    e.extension(body, "indexed", s.bytes(), 2 + 2 * hadamardWords(layoutOf(step.out).numVars));
    e.route(body, [b.tensor, c.tensor, a.tensor, c.tensor, b.tensor].map(value));
  });
  rescales(e, w, step.data);
}

/**
 * TopK (TopKStep.sol): the claims on V, then on I, to A; the register = the arena's claims on u…, g; EXT; ROUTE
 * u…, g to A, then x twice, V twice, I twice, H twice, g.
 */
function topkInstructions(step: TopkNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice } = step;
  const geo = topkGeometry(spec);
  const [values, indices] = step.outputs;
  for (const [tensor, slot] of [
    [values, advice.values],
    [indices, advice.indices],
  ] as const) {
    const count = e.take(w, tensor);
    if (count > 0) e.route(w, new Array<Dest>(count).fill(A(slot)));
  }
  const scratch = `${step.node}:register`;
  for (const col of [...step.columns.u, step.columns.g]) e.arena(w, col, 0, scratch);
  e.take(w, scratch);
  const [r, k, c] = geo.cube.axes.map((ax) => ax.count);
  const s = section(INDEXED_OP.topk).u32(spec.rows, "rows").u32(spec.k, "k").u32(spec.cols, "columns");
  s.u8(r, "row bits").u8(k, "k bits").u8(c, "column bits").u8(geo.limbs, "limbs").u8(spec.limbBits, "limb bits");
  s.word(Fr.fromSigned(spec.largest ? geo.keyBase : -geo.keyBase), "σN").word(Fr.inv(Fr.fromSigned(1n << BigInt(c))), "2^-cb");
  // δ's three values; the selection's two values, sum-check over (c, r) and two evaluations; the one-hot's
  // zero-check over the cube and its evaluation.
  e.extension(w, "indexed", s.bytes(), 3 + 2 + sumcheckWords(c + r, 3) + 2 + sumcheckWords(c + k + r, 3) + 1);
  const x = value(step.x);
  e.route(w, [...advice.u.map(A), A(advice.g), x, x, A(advice.values), A(advice.values), A(advice.indices), A(advice.indices), A(advice.onehot), A(advice.onehot), A(advice.g)]);
}

/** A scatter operand in the section (kind, and a carried constant's entries); its dest when it is a tensor. */
function writeOperand(s: ProgramWriter, op: ScatterOperand, shape: readonly number[], what: string): Dest[] {
  if (op.kind === "tensor") {
    s.u8(OPERAND.tensor, "operand kind");
    return [value(op.tensor)];
  }
  s.u8(OPERAND.constant, "operand kind");
  writeConstant(s, shape, op.data, what);
  return [];
}

/**
 * Runtime Scatter (ScatterRuntimeStep.sol): the arena's claims on S and T to A; TAKE y (merged when several); EXT;
 * ROUTE [D, T, D, S, U when y had claims; none for a constant operand], T, S, S, I; then the rescales.
 */
function scatterInstructions(step: RuntimeScatterNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const { spec, advice } = step;
  const geo = scatterGeometry(spec);
  e.arena(w, step.columns.onehot, 0, A(advice.onehot));
  e.arena(w, step.columns.hit, 0, A(advice.hit));
  const taken = e.take(w, step.outputs[0]);
  if (taken > 1) e.mergeMany(w, geo.data.numVars);
  const [r, m, c] = geo.cube.axes.map((ax) => ax.count);
  const s = section(INDEXED_OP.scatter).u32(spec.rows, "rows").u32(spec.m, "indices per row").u32(spec.cols, "columns");
  s.u8(r, "row bits").u8(m, "index bits").u8(c, "column bits").word(Fr.inv(Fr.fromSigned(1n << BigInt(m))), "2^-mb");
  s.u8(taken > 0 ? 1 : 0, "has y");
  const dests: Dest[] = [];
  if (taken > 0) {
    const dataShape = [spec.rows, spec.cols];
    s.append(hadamardProgram(dataShape, dataShape, dataShape));
    const data = writeOperand(s, step.data, dataShape, `${what}: constant data`);
    const updates = writeOperand(s, step.updates, [spec.rows, spec.m], `${what}: constant updates`);
    dests.push(...data, A(advice.hit), ...data, A(advice.onehot), ...updates);
  }
  dests.push(A(advice.hit), A(advice.onehot), A(advice.onehot), value(step.indices));
  // With y: the three parts, the Hadamard over the data, the updates' sum-check over the cube and two evaluations;
  // always: the hit and index values, the rows' sum-check over (c, r) and its evaluation.
  const output = taken > 0 ? 3 + hadamardWords(layoutOf([spec.rows, spec.cols]).numVars) + sumcheckWords(c + m + r, 3) + 2 : 0;
  e.extension(w, "indexed", s.bytes(), output + 2 + sumcheckWords(c + r, 3) + 1);
  e.route(w, dests);
  rescales(e, w, [step.data, step.updates].map((op) => (op.kind === "tensor" ? op : null)));
}

/** ModelVerifierIndexed's steps by handler name (model.ts spreads this into its extension steps). */
export const INDEXED_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = {
  "exact-div": exactDivInstructions as ExtensionStepCompiler,
  "where-runtime": whereRuntimeInstructions as ExtensionStepCompiler,
  topk: topkInstructions as ExtensionStepCompiler,
  "scatter-runtime": scatterInstructions as ExtensionStepCompiler,
};
