/**
 * Program fragments of the tree models' integer kinds — a Gather / GatherElements at a runtime index
 * (`int-gather`), OneHot at a runtime index (`int-onehot`), the exact integer MatMul (`int-matmul`) and Equal
 * (`int-equal`) — run on-chain by the extension library `contracts/verifier/ModelVerifierTree.sol`. Each fragment
 * is the step's instructions (ModelVerifierOps.sol, through the {@link StepEmitter}) around EXT instructions whose
 * sections hold the parameters in the order the Solidity twins read them (NatSpec of contracts/verifier/layers/
 * {IntMatmul,IntGather,IntOneHot,IntEqual}Step.sol; docs/verifier-gen.md, "ModelVerifierTree"). The MatMul and
 * linear-combination IOPs inside the steps are LayerOps' MATMUL / LINEAR instruction bytes (./layers.ts), and a
 * constant carried in the plan is ExactStep's encoding (./exact.ts `writeConstant`), so each has one writer.
 * (The static ranges of `int-bounds.ts` are compile-time facts: nothing to verify on-chain.)
 */
import * as Fr from "../../field/fr";
import type { IntEqualNodeStep } from "../../prover/graph/nodes/int-equal";
import type { IntGatherNodeStep } from "../../prover/graph/nodes/int-gather";
import type { IntMatMulNodeStep } from "../../prover/graph/nodes/int-matmul";
import type { IntOneHotNodeStep } from "../../prover/graph/nodes/int-onehot";
import { intGatherGeometry, type IntGatherSpec } from "../../prover/layers/int-gather";
import type { MatMulSpec } from "../../prover/layers/matmul";
import { layoutOf, reshapePoint } from "../../prover/tensor";
import { writeConstant } from "./exact";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { linearProgram, matmulProgram, writeBroadcastGather, writeFactor } from "./layers";
import { loadRegister } from "./steps";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";

/** Sub-opcodes of ModelVerifierTree.sol (the section's first byte). */
export const TREE_OP = { matmul: 1, rows: 2, oneHot: 3, equal: 4 } as const;

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
  // The wide GatherElements and GatherND forms (a selection sum-check, several index components) have no twin yet.
  const form = step as { readonly elements?: unknown; readonly nd?: unknown };
  if (form.elements || form.nd) throw new ProgramError(`${what}: the on-chain verifier does not run the ${form.elements ? "wide GatherElements" : "GatherND"} form of "int-gather" steps yet`);
  const { spec } = step;
  const constant = step.constant ? { shape: spec.data, data: step.constant.data } : undefined;
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, layoutOf(spec.out).numVars);
    e.extension(body, "tree", matmulSection({ x: [spec.k, spec.n], w: [spec.n, spec.r] }, constant, what));
    e.route(body, [A(step.onehot), ...(constant ? [] : [{ value: step.data }])]);
  });
  if (step.column === null) return;
  const scratch = `${step.node}:register`;
  e.arena(w, step.column, 0, scratch);
  e.take(w, scratch);
  const s = section(TREE_OP.rows);
  writeRows(s, spec, what);
  e.extension(w, "tree", s.bytes());
  e.route(w, [A(step.onehot), A(step.onehot), { value: step.index }]);
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
  e.extension(w, "tree", s.bytes());
  e.route(w, [...new Array<Dest>(count + 2).fill(A(step.onehot)), { value: step.index }]);
}

/** Integer MatMul (`intMatMulHandler.verify`): TAKE Y; with claims, one EXT MATMUL over all → per claim X, [W]. */
function intMatMulInstructions(step: IntMatMulNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const count = e.take(w, step.outputs[0]);
  if (count === 0) return;
  const constant = step.constant ? { shape: step.spec.w, data: step.constant.data } : undefined;
  e.extension(w, "tree", matmulSection(step.spec, constant, what));
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
  e.extension(w, "tree", s.bytes());
  e.route(w, [...new Array<Dest>(count + 1).fill(A(step.advice.c)), A(step.advice.inv), ...step.operands.map((o) => ({ value: o.tensor }))]);
}

/** ModelVerifierTree's steps by handler name (model.ts spreads this into its extension steps). */
export const TREE_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = {
  "int-gather": intGatherInstructions as ExtensionStepCompiler,
  "int-onehot": intOneHotInstructions as ExtensionStepCompiler,
  "int-matmul": intMatMulInstructions as ExtensionStepCompiler,
  "int-equal": intEqualInstructions as ExtensionStepCompiler,
};
