/**
 * Program fragments of the tree models' integer kinds — a Gather / GatherElements / GatherND at a runtime index
 * (`int-gather`, its three forms), an integer Concat with carried constants (`int-concat`), OneHot at a runtime
 * index (`int-onehot`), the exact integer MatMul (`int-matmul`) and Equal (`int-equal`) — run on-chain by the
 * extension library `contracts/verifier/ModelVerifierTree.sol`. Each fragment is the step's instructions
 * (ModelVerifierOps.sol, through the {@link StepEmitter}) around EXT instructions whose sections hold the parameters
 * in the order the Solidity twins read them (NatSpec of contracts/verifier/layers/{IntMatmul,IntGather,
 * IntGatherForms,IntConcat,IntOneHot,IntEqual}Step.sol; docs/verifier-gen.md, "ModelVerifierTree"). The MatMul,
 * linear-combination and selector IOPs inside the steps are LayerOps' MATMUL / LINEAR / selector bytes
 * (./layers.ts), and a constant carried in the plan is ExactStep's encoding (./exact.ts `writeConstant`), so each
 * has one writer. (The static ranges of `int-bounds.ts` are compile-time facts: nothing to verify on-chain.)
 */
import * as Fr from "../../field/fr";
import type { IntEqualNodeStep } from "../../prover/graph/nodes/int-equal";
import type { IntGatherNodeStep } from "../../prover/graph/nodes/int-gather";
import type { IntMatMulNodeStep } from "../../prover/graph/nodes/int-matmul";
import type { IntOneHotNodeStep } from "../../prover/graph/nodes/int-onehot";
import { elementsSpec, indexPoints, ndGeometry, rowsView } from "../../prover/graph/nodes/int-gather-forms";
import type { IntConcatNodeStep } from "../../prover/graph/nodes/int-move";
import { concatSelector } from "../../prover/layers/concat";
import { intGatherGeometry, type IntGatherSpec } from "../../prover/layers/int-gather";
import { embedPoint, gatherElementsGeometry } from "../../prover/layers/int-gather-elements";
import { paddedColumns } from "../../prover/layers/int-gather-nd";
import type { MatMulSpec } from "../../prover/layers/matmul";
import { forEachIndex, layoutOf, reshapePoint } from "../../prover/tensor";
import { writeConstant } from "./exact";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { linearProgram, matmulProgram, matmulWords, writeBroadcastGather, writeFactor, writeSelector } from "./layers";
import { linearWords, selectorWords, sumcheckWords } from "./proof-words";
import { loadRegister } from "./steps";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";

/** Sub-opcodes of ModelVerifierTree.sol (the section's first byte). */
export const TREE_OP = { matmul: 1, rows: 2, oneHot: 3, equal: 4, select: 5, rowsForms: 6, concat: 7 } as const;

const A = (slot: string): Dest => ({ advice: slot });

const section = (op: number) => new ProgramWriter().u8(op, "tree op");

/** 1_real over `shape`'s padded layout (Broadcast format): the factor of a scalar broadcast to the shape. */
function writeRealIndicator(w: ProgramWriter, shape: readonly number[]): void {
  writeFactor(w, shape, []);
}

/**
 * MATMUL (IntMatmulStep.sol): LayerOps' MATMUL bytes for `spec`, then whether W is a constant carried in the plan
 * (evaluated by the verifier over `constant.shape`, not handed on).
 */
function matmulSection(spec: MatMulSpec, constant: { shape: readonly number[]; data: readonly number[] } | undefined, what: string): Uint8Array {
  const s = section(TREE_OP.matmul).append(matmulProgram(spec)).u8(constant ? 1 : 0, "constant");
  if (constant) writeConstant(s, constant.shape, constant.data, `${what}: constant`);
  return s.bytes();
}

/** The proof words of the rows IOP (IntGatherStep.rows): the index value, a degree-2 sum-check over J, H~. */
function rowsWords(spec: IntGatherSpec): number {
  return 2 + sumcheckWords(intGatherGeometry(spec).jVars, 2);
}

/**
 * The rows IOP's parameters (IntGatherStep.rows): κ, K's variables, K, and I's point as a gather from the arena's
 * point ρ = ρ_j ‖ ρ_K on H.
 */
function writeRows(w: ProgramWriter, spec: IntGatherSpec, what: string): void {
  const g = intGatherGeometry(spec);
  const rho = symbols(0, g.h.numVars);
  w.u8(g.jVars, "one-hot column variables").u8(g.kVars, "one-hot row variables").u32(spec.k, "index count");
  w.gather(poolIndices(reshapePoint(spec.index, [spec.k], rho.slice(g.jVars)), `${what}: index point`), `${what}: index point`);
}

/**
 * A runtime gather (`intGatherHandler.verify`): when Y holds claims, MERGEMANY then the selection Y = H·D (EXT
 * MATMUL) → H (A), D (its owner, unless the verifier evaluates the constant); when the step owns H, the arena's
 * claim on H and the rows IOP (EXT ROWS) → H (A) twice, the indices.
 */
function intGatherInstructions(step: IntGatherNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  if (step.elements || step.nd) {
    gatherFormInstructions(step, e, w, what);
    return;
  }
  const { spec } = step;
  const constant = step.constant ? { shape: spec.data, data: step.constant.data } : undefined;
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, layoutOf(spec.out).numVars);
    const selection = { x: [spec.k, spec.n], w: [spec.n, spec.r] };
    e.extension(body, "tree", matmulSection(selection, constant, what), matmulWords(selection));
    e.route(body, [A(step.onehot), ...(constant ? [] : [{ value: step.data }])]);
  });
  if (step.column === null) return;
  const scratch = `${step.node}:register`;
  e.arena(w, step.column, 0, scratch);
  e.take(w, scratch);
  const s = section(TREE_OP.rows);
  writeRows(s, spec, what);
  e.extension(w, "tree", s.bytes(), rowsWords(spec));
  e.route(w, [A(step.onehot), A(step.onehot), { value: step.index }]);
}

/**
 * Pool positions of a point over the pool ρ ‖ 0 ‖ 1 (IntGatherFormsStep's `_withConstants`): a marker is its
 * coordinate of ρ (`rhoVars` of them), a fixed 0 or 1 the constant after ρ.
 */
function constantPool(point: readonly bigint[], rhoVars: number, what: string): number[] {
  return point.map((x) => (x === 0n ? rhoVars : x === 1n ? rhoVars + 1 : poolIndices([x], what)[0]));
}

/**
 * The wide GatherElements (`elements`) and GatherND (`nd`) forms: with claims on Y, MERGEMANY then the selection —
 * EXT SELECT (the degree-3 sum-check; claims H, D at embed(ρ)) or, for GatherND, EXT MATMUL with W = D′ [n′, R]
 * (its point is D's: `ndDataPoint` is the identity on aligned views; a carried constant is evaluated as D′); then
 * the arena's claim on H and EXT ROWSC → H (A) twice, the index tensor once per component.
 */
function gatherFormInstructions(step: IntGatherNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const { spec } = step;
  if (step.column === null) throw new ProgramError(`${what}: a ${step.nd ? "GatherND" : "wide GatherElements"} step without its own one-hot column`);
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, layoutOf(spec.out).numVars);
    if (step.elements) {
      const g = gatherElementsGeometry(elementsSpec(step));
      const rho = symbols(0, g.h.numVars);
      const s = section(TREE_OP.select).u8(g.jVars, "one-hot column variables").u8(g.index.numVars, "index variables");
      s.gather(constantPool(embedPoint(elementsSpec(step), rho), rho.length, `${what}: data point`), `${what}: data point`);
      s.u8(step.constant ? 1 : 0, "constant");
      if (step.constant) writeConstant(s, spec.data, step.constant.data, `${what}: constant`);
      // A degree-3 sum-check over (J, the merged claim's variables), then H~ and D~.
      e.extension(body, "tree", s.bytes(), sumcheckWords(g.jVars + layoutOf(spec.out).numVars, 3) + 2);
    } else {
      const constant = step.constant ? { shape: [spec.n, spec.r], data: paddedColumns(ndGeometry(step), step.constant.data) } : undefined;
      const selection = { x: [spec.k, spec.n], w: [spec.n, spec.r] };
      e.extension(body, "tree", matmulSection(selection, constant, what), matmulWords(selection));
    }
    e.route(body, [A(step.onehot), ...(step.constant ? [] : [{ value: step.data }])]);
  });
  const scratch = `${step.node}:register`;
  e.arena(w, step.column, 0, scratch);
  e.take(w, scratch);
  const view = rowsView(step);
  const colVars = view.componentBits.reduce((a, b) => a + b, 0);
  const k = layoutOf(view.kShape);
  const s = section(TREE_OP.rowsForms).u8(colVars, "one-hot column variables").u8(k.numVars, "one-hot row variables").u8(view.componentBits.length, "index components");
  for (const b of view.componentBits) s.u8(b, "component bits");
  // 1_real(ρ_K): the product of the non-power-of-two K axes' prefix indicators, at their coordinates of ρ.
  const real = view.kShape.flatMap((d, a) => (2 ** k.axes[a].count === d ? [] : [{ d, start: colVars + k.axes[a].start, bits: k.axes[a].count }]));
  s.u8(real.length, "real-indicator axes");
  for (const ax of real) s.u32(ax.d, "axis size").u8(ax.start, "axis start").u8(ax.bits, "axis bits");
  const points = indexPoints(step, symbols(colVars, k.numVars));
  for (const p of points) s.gather(constantPool(p, colVars + k.numVars, `${what}: index point`), `${what}: index point`);
  // One index value per component, a degree-2 sum-check over the one-hot's columns, H~.
  e.extension(w, "tree", s.bytes(), view.componentBits.length + sumcheckWords(colVars, 2) + 1);
  e.route(w, [A(step.onehot), A(step.onehot), ...points.map(() => ({ value: step.index }))]);
}

/**
 * An integer Concat with carried constants (`intConcatHandler.verify`): MERGEMANY, EXT CONCAT (each constant
 * spread over Y's layout, then one selector per activation input) → one claim per activation input.
 */
function intConcatInstructions(step: IntConcatNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const vars = layoutOf(step.out).numVars;
  const constants = step.parts.flatMap((p, j) => ("constant" in p ? [j] : []));
  const activations = step.parts.flatMap((p, j) => ("tensor" in p ? [{ j, tensor: p.tensor }] : []));
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, vars);
    const s = section(TREE_OP.concat).u8(constants.length, "constant inputs");
    for (const j of constants) writeConstant(s, step.out, spreadConstant(step, j), `${what}: constant input ${j}`);
    s.u8(activations.length, "activation inputs");
    const claim = symbols(0, vars);
    // The activation parts but the last, then one selector per activation input.
    let words = activations.length - 1;
    for (const { j } of activations) {
      const selector = concatSelector(step.spec, j, claim);
      writeSelector(s, selector, `${what}: concat input ${j}`);
      words += selectorWords(selector);
    }
    e.extension(body, "tree", s.bytes(), words);
    e.route(body, activations.map(({ tensor }) => ({ value: tensor })));
  });
}

/** Constant input j of a Concat placed at its positions of Y (zeros elsewhere): its part is this MLE at the claim. */
function spreadConstant(step: IntConcatNodeStep, j: number): number[] {
  const data = (step.parts[j] as { constant: readonly number[] }).constant;
  const { inShapes, axis } = step.spec;
  const inShape = inShapes[j];
  const offset = inShapes.slice(0, j).reduce((acc, sh) => acc + sh[axis], 0);
  const strides = step.out.map((_, a) => step.out.slice(a + 1).reduce((p, d) => p * d, 1));
  const out = new Array<number>(step.out.reduce((p, d) => p * d, 1)).fill(0);
  forEachIndex(layoutOf(inShape), (flat) => {
    let rest = flat;
    let at = 0;
    for (let a = inShape.length - 1; a >= 0; a--) {
      const coord = rest % inShape[a];
      rest = Math.floor(rest / inShape[a]);
      at += (a === axis ? coord + offset : coord) * strides[a];
    }
    out[at] = data[flat];
  });
  return out;
}

/**
 * OneHot (`intOneHotHandler.verify`): register = the arena's claim on H, then every claim on y; EXT ONEHOT → H per
 * claim on y, H (arena), H (rows), the indices.
 */
function intOneHotInstructions(step: IntOneHotNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const hShape = [step.spec.k, step.spec.n];
  const count = loadRegister(e, w, step.node, [[step.column, 0]], step.outputs[0]);
  const s = section(TREE_OP.oneHot).word(Fr.fromSigned(BigInt(step.off)), "off").word(Fr.inv(Fr.fromSigned(BigInt(step.on - step.off))), "(on - off) inverse");
  const point = reshapePoint(hShape, step.out, symbols(0, layoutOf(step.out).numVars));
  s.gather(poolIndices(point, `${what}: one-hot point`), `${what}: one-hot point`);
  writeRealIndicator(s, hShape);
  writeRows(s, step.spec, what);
  e.extension(w, "tree", s.bytes(), rowsWords(step.spec));
  e.route(w, [...new Array<Dest>(count + 2).fill(A(step.onehot)), { value: step.index }]);
}

/** Integer MatMul (`intMatMulHandler.verify`): TAKE Y; with claims, one EXT MATMUL over all → per claim X, [W]. */
function intMatMulInstructions(step: IntMatMulNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const count = e.take(w, step.outputs[0]);
  if (count === 0) return;
  const constant = step.constant ? { shape: step.spec.w, data: step.constant.data } : undefined;
  e.extension(w, "tree", matmulSection(step.spec, constant, what), count * matmulWords(step.spec));
  const dests: Dest[] = [{ value: step.x }, ...(constant ? [] : [{ value: step.w }])];
  e.route(w, Array.from({ length: count }, () => dests).flat());
}

/**
 * Equal (`intEqualHandler.verify`): TAKE c; EXT EQUAL (the zero test, then d minus the carried constant through the
 * linear combination) → the claims on c, c and inv at ρ (A), one claim per tensor operand.
 */
function intEqualInstructions(step: IntEqualNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const count = e.take(w, step.outputs[0]);
  const s = section(TREE_OP.equal).u8(layoutOf(step.out).numVars, "variables");
  writeRealIndicator(s, step.out);
  const k = step.constant;
  s.u8(k ? 1 : 0, "constant");
  if (k) {
    s.word(k.coeff, "constant coefficient");
    writeBroadcastGather(s, step.out, k.shape, 0, `${what}: constant point`);
    writeFactor(s, step.out, k.shape);
    writeConstant(s, k.shape, k.data, `${what}: constant`);
  }
  s.append(linearProgram(step.out, step.operands));
  // The zero test's degree-3 sum-check and (c, inv, d), then the linear combination's values.
  e.extension(w, "tree", s.bytes(), sumcheckWords(layoutOf(step.out).numVars, 3) + 3 + linearWords(step.operands.length));
  e.route(w, [...new Array<Dest>(count + 1).fill(A(step.advice.c)), A(step.advice.inv), ...step.operands.map((o) => ({ value: o.tensor }))]);
}

/** ModelVerifierTree's steps by handler name (model.ts spreads this into its extension steps). */
export const TREE_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = {
  "int-gather": intGatherInstructions as ExtensionStepCompiler,
  "int-onehot": intOneHotInstructions as ExtensionStepCompiler,
  "int-matmul": intMatMulInstructions as ExtensionStepCompiler,
  "int-equal": intEqualInstructions as ExtensionStepCompiler,
  "int-concat": intConcatInstructions as ExtensionStepCompiler,
};
