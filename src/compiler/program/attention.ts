/**
 * Program fragments of the transformer and LLM node steps, run on-chain by the extension libraries
 * `contracts/verifier/ModelVerifierAttention.sol` (softmax, log-softmax / logsumexp, norm) and
 * `contracts/verifier/ModelVerifierLlm.sol` (causal mask, RMSNorm, RoPE, token embedding). Every
 * fragment is the step's parameters in the order the Solidity twin reads them (the NatSpec of
 * contracts/verifier/layers/{SoftmaxStep,LogSoftmaxStep,CausalMaskStep,RowReduce}.sol, docs/verifier-gen.md
 * "Transformer and LLM steps"); the geometry (row points, indicators, selectors) is resolved on symbolic points
 * by the TypeScript IOPs' own helpers, as for the other layers.
 */
import * as Fr from "../../field/fr";
import type { CausalSoftmaxNodeStep } from "../../prover/graph/nodes/causal-softmax";
import type { LogSoftmaxNodeStep } from "../../prover/graph/nodes/log-softmax";
import type { SoftmaxNodeStep } from "../../prover/graph/nodes/softmax";
import type { EmbeddingNodeStep } from "../../prover/graph/nodes/gather-embedding";
import type { RmsNormNodeStep } from "../../prover/graph/nodes/rmsnorm";
import type { RopeNodeStep } from "../../prover/graph/nodes/rope";
import { REQUANT_LIMB_BITS } from "../../prover/layers/requant-spec";
import { rmsNormGeometry } from "../../prover/layers/rmsnorm";
import { normGeometry } from "../../prover/layers/norm";
import type { NormNodeStep } from "../../prover/graph/nodes/norm";
import type { DivNodeStep } from "../../prover/graph/nodes/div";
import type { WhereNodeStep } from "../../prover/graph/nodes/where";
import { MASK_WHERE_HANDLER, type MaskWhereNodeStep } from "../../prover/graph/nodes/where-mask";
import { divGeometry } from "../../prover/layers/div";
import { gatherSelector } from "../../prover/layers/gather";
import type { ArgmaxNodeStep } from "../../prover/graph/nodes/argmax";
import { argmaxGeometry } from "../../prover/layers/argmax";
import { alignedPoint, type SplitNodeStep } from "../../prover/graph/nodes/split";
import { ropeGeometry } from "../../prover/layers/rope";
import { reduceSelector } from "../../prover/layers/reduce";
import { selectTapSelector } from "../../prover/layers/select";
import { rowPoint, SOFTMAX_LIMB_BITS, softmaxGeometry, type SoftmaxGeometry, type SoftmaxSpec } from "../../prover/layers/softmax";
import { layoutOf } from "../../prover/tensor";
import { reindexProgram, reindexWords, writeBroadcastGather, writeFactor, writeSelector } from "./layers";
import { affineProgram, affineWords } from "./steps";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";
import { selectorWords, sumcheckWords } from "./proof-words";

/** Sub-opcodes of the attention extension library (ModelVerifierAttention.sol). */
export const ATTENTION_OP = {
  softmax: 1,
  logSoftmaxArena: 2,
  logSoftmaxRest: 3,
  normArena: 4,
  normSums: 5,
  reshape: 6,
  div: 7,
  where: 8,
  points: 9,
  whereMask: 10,
} as const;

/** Sub-opcodes of the LLM extension library (ModelVerifierLlm.sol). */
export const LLM_OP = {
  causalMask: 1,
  rmsnorm: 2,
  rope: 3,
  embedding: 4,
  argmax: 5,
} as const;

/**
 * The register an extension step reads: the arena's claims on (column, component) in order, then every claim on
 * `consumed` (if any). Returns how many claims on `consumed` there were. The claims gather in a scratch tensor
 * of the node (`<node>:register`), which the last TAKE empties.
 */
function loadRegister(e: StepEmitter, w: ProgramWriter, node: string, arena: readonly (readonly [number, number])[], consumed: string | null): number {
  const scratch = `${node}:register`;
  for (const [column, component] of arena) e.arena(w, column, component, scratch);
  let count = 0;
  if (consumed !== null) {
    count = e.take(w, consumed);
    e.routeAll(w, scratch, count);
  }
  e.take(w, scratch);
  return count;
}

const A = (slot: string): Dest => ({ advice: slot });

/**
 * A Broadcast.sol factor: Π over `axes` of prefixIndicator(shape[a], point_a) on the layout of `shape`
 * (power-of-two axes contribute 1 and are not listed).
 */
function indicatorFactor(w: ProgramWriter, shape: readonly number[], axes: readonly number[]): void {
  const layout = layoutOf(shape);
  const listed = axes.filter((a) => 2 ** layout.axes[a].count !== shape[a]);
  w.u8(listed.length, "indicator axes");
  for (const a of listed) w.u32(shape[a], "indicator dim").u8(layout.axes[a].start, "indicator start").u8(layout.axes[a].count, "indicator bits");
}

const allAxes = (shape: readonly number[]) => shape.map((_, a) => a);

/** ρ → ρ_row, 1_row, 1_real on x's layout (SoftmaxStep / LogSoftmaxStep geometry fields). */
function rowGeometry(w: ProgramWriter, spec: SoftmaxSpec, geo: SoftmaxGeometry): void {
  w.gather(poolIndices(rowPoint(spec, geo, symbols(0, geo.layout.numVars)), "row point"), "row point");
  indicatorFactor(w, spec.x, spec.axes);
  indicatorFactor(w, spec.x, allAxes(spec.x));
}

/** The row sum S → e (RowReduce.sum): its selector on the row point. Returns the proof words it reads. */
function rowSum(w: ProgramWriter, geo: SoftmaxGeometry): number {
  const selector = reduceSelector(geo.reduce, symbols(0, geo.rowLayout.numVars));
  writeSelector(w, selector, "row sum");
  return selectorWords(selector);
}

/**
 * The row max's parameters (RowReduce.max); returns its handed-on claims' dests after x. The select spec must be
 * a reduction (every tap of a real output in bounds), which softmaxGeometry guarantees and this checks.
 */
function rowMax(w: ProgramWriter, geo: SoftmaxGeometry): number {
  const sel = geo.select;
  const reduction = sel.x.every((d, a) => sel.strides[a] === 1 && sel.dilations[a] === 1 && sel.padsBegin[a] === 0 && sel.out[a] * sel.kernel[a] === d && (sel.out[a] === 1 || sel.kernel[a] === 1));
  if (!reduction || sel.mode !== "max") throw new ProgramError("row max: the select spec is not a row reduction");
  const tapShape = [...sel.out, ...sel.kernel];
  w.word(Fr.fromSigned(-(2n ** BigInt(sel.bits - 1))), "qmin").u8(layoutOf(sel.kernel).numVars, "kappa");
  indicatorFactor(w, tapShape, allAxes(sel.out));
  indicatorFactor(w, tapShape, allAxes(tapShape));
  const selector = selectTapSelector(sel, symbols(0, layoutOf(tapShape).numVars));
  writeSelector(w, selector, "row max");
  // y~(ρ_o), then the tap selector.
  return 1 + selectorWords(selector);
}

/** Dests of RowReduce.max's claims: x, every claim on m and (ρ_o, y) → m, two openings of the choice. */
function rowMaxDests(x: string, slots: { readonly m: string; readonly choice: string }, claims: number): Dest[] {
  return [{ value: x }, ...new Array<Dest>(claims + 1).fill({ advice: slots.m }), { advice: slots.choice }, { advice: slots.choice }];
}

/** The instructions of a softmax step (SoftmaxStep.sol): load the register, EXT, ROUTE. */
function softmaxInstructions(step: SoftmaxNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice: a, columns: c } = step;
  const geo = softmaxGeometry(spec);
  const y = step.outputs[0];
  const arena: [number, number][] = [[c.exp, 0], [c.exp, 1], [c.y, 0], ...c.rem.map((i): [number, number] => [i, 0]), ...c.t.map((i): [number, number] => [i, 0]), [c.select, 0], [c.select, 1]];
  const onY = loadRegister(e, w, step.node, arena, y);
  const section = new ProgramWriter().u8(ATTENTION_OP.softmax, "attention op");
  section.u8(geo.layout.numVars, "softmax variables").u8(geo.limbs, "softmax limbs").u8(SOFTMAX_LIMB_BITS, "limb bits");
  section.word(Fr.fromSigned(spec.expOne), "EXP[0]").word(Fr.fromSigned(2 * spec.qmax), "2·qmax");
  rowGeometry(section, spec, geo);
  // S~ and m~ at the arena's row point, the division's zero-check and its evaluations (e, S, y, rem limbs), the
  // row sum and the row max.
  const words = 2 + sumcheckWords(geo.layout.numVars, 3) + 3 + geo.limbs + rowSum(section, geo) + rowMax(section, geo);
  e.extension(w, "attention", section.bytes(), words);
  e.route(w, [
    A(a.e), A(a.y), ...a.rem.map(A), ...a.t.map(A), A(a.sum), { value: step.x }, ...new Array<Dest>(onY).fill(A(a.y)),
    A(a.e), A(a.sum), A(a.y), ...a.rem.map(A),
    A(a.e),
    ...rowMaxDests(step.x, a, 1),
  ]);
}

/**
 * The instructions of a log-softmax / logsumexp step (LogSoftmaxStep.sol): the arena half (EXT, ROUTE; m and S
 * carried in a scratch tensor), the step's REQUANT, then the rest (EXT, ROUTE).
 */
function logSoftmaxInstructions(step: LogSoftmaxNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice: a, columns: c } = step;
  const geo = softmaxGeometry(spec);
  const carry = `${step.node}:carry`;
  loadRegister(e, w, step.node, [[c.exp, 0], [c.exp, 1], [c.log, 0], [c.log, 1], [c.f, 0], [c.fc, 0]], null);
  const first = new ProgramWriter().u8(ATTENTION_OP.logSoftmaxArena, "attention op").u8(step.sumShift, "sum shift");
  first.word(Fr.fromSigned(spec.expOne), "EXP[0]").word(Fr.fromSigned(step.log[0]), "LOG[0]");
  rowGeometry(first, spec, geo);
  indicatorFactor(first, geo.rowShape, allAxes(geo.rowShape));
  // m~ and S~ at the arena's point.
  e.extension(w, "attention", first.bytes(), 2);
  e.route(w, [A(a.e), { value: step.x }, A(a.v), A(a.log), A(a.f), A(a.fc), A(a.sum), { value: carry }, { value: carry }]);
  e.requant(w, step.requant);
  e.routeAll(w, carry, 1);
  loadRegister(e, w, step.node, [[c.select, 0], [c.select, 1]], carry);
  const M = Fr.fromSigned(step.multiplier);
  const scale = Fr.pow(2n, BigInt(step.shift));
  const rest = new ProgramWriter().u8(ATTENTION_OP.logSoftmaxRest, "attention op").u8(step.reduce ? 1 : 0, "reduce");
  rest.word(M, "M").word(Fr.inv(step.reduce ? scale : M), step.reduce ? "2^-s" : "M^-1").word(scale, "2^s");
  if (!step.reduce) {
    rest.gather(poolIndices(rowPoint(spec, geo, symbols(0, geo.layout.numVars)), "row point"), "row point");
    indicatorFactor(rest, spec.x, spec.axes);
  }
  // m~ (and log~ per row), the row sum, the row max.
  const words = (step.reduce ? 1 : 2) + rowSum(rest, geo) + rowMax(rest, geo);
  e.extension(w, "attention", rest.bytes(), words);
  e.route(w, [...(step.reduce ? [] : [{ value: step.x }]), A(a.log), A(a.e), ...rowMaxDests(step.x, a, 2)]);
}

/** The instructions of a causal softmax: the inner softmax (its claims on q* gather on `step.masked`), then the mask. */
function causalInstructions(step: CausalSoftmaxNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { inner } = step;
  softmaxInstructions(inner, e, w);
  const shape = inner.spec.x;
  const layout = layoutOf(shape);
  if (shape.length !== 3 || shape[1] !== shape[2]) throw new ProgramError(`causal softmax: input [${shape.join(", ")}] is not [heads, T, T]`);
  e.take(w, step.masked);
  const section = new ProgramWriter().u8(LLM_OP.causalMask, "llm op").u8(layout.numVars, "causal variables");
  section.word(Fr.reduce(2n ** BigInt(inner.spec.bits) - 1n), "G").u32(shape[0], "heads").u32(shape[1], "positions");
  section.u8(layout.axes[2].count, "position bits").u8(layout.axes[0].count, "head bits");
  // A degree-3 sum-check over x's variables, then two evaluations.
  e.extension(w, "llm", section.bytes(), sumcheckWords(layout.numVars, 3) + 2);
  e.route(w, [{ value: step.x }, A(inner.advice.m)]);
}

/** RMSNorm: the limb columns → A, the requantization, then the IOP (RmsNormStep.sol). */
function rmsNormInstructions(step: RmsNormNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const families = ["r", "lo", "hi"] as const;
  for (const f of families) step.columns[f].forEach((col, j) => e.arena(w, col, 0, A(step.advice[f][j])));
  e.requant(w, step.requant);
  const geo = rmsNormGeometry(step.spec);
  const section = new ProgramWriter().u8(LLM_OP.rmsnorm, "llm op").u8(geo.numVars, "rmsnorm variables").u8(geo.colVars, "column variables");
  section.u8(geo.rLimbs, "r limbs").u8(geo.slackLimbs, "slack limbs").u8(REQUANT_LIMB_BITS, "limb bits");
  section.word(Fr.reduce(geo.k), "K").word(Fr.reduce(BigInt(step.spec.epsInt)), "epsilon").u32(step.spec.x[0], "rows");
  // The squares' sum-check and x²; the product's sum-check and its evaluations (x, r limbs, g); the root's
  // sum-check over the rows and its evaluations (Σx², r limbs, slack limbs of both bounds).
  const words =
    sumcheckWords(geo.numVars, 3) + 1 + sumcheckWords(geo.numVars, 4) + 2 + geo.rLimbs + sumcheckWords(geo.numVars - geo.colVars, 4) + 1 + geo.rLimbs + 2 * geo.slackLimbs;
  e.extension(w, "llm", section.bytes(), words);
  const a = step.advice;
  e.route(w, [{ value: step.x }, { value: step.x }, { value: step.gain }, ...a.r.map(A), ...a.r.map(A), ...a.lo.map(A), ...a.hi.map(A)]);
}

/** RoPE: the requantization, then the IOP (RopeStep.sol); the tables are openings of W. */
function ropeInstructions(step: RopeNodeStep, e: StepEmitter, w: ProgramWriter): void {
  e.requant(w, step.requant);
  const geo = ropeGeometry(step.spec);
  const section = new ProgramWriter().u8(LLM_OP.rope, "llm op").u8(geo.numVars, "rope variables").u8(geo.colVars, "column variables").u8(geo.pairVars, "pair variables");
  // A degree-3 sum-check over y's variables, then x~, cos~, sin~.
  e.extension(w, "llm", section.bytes(), sumcheckWords(geo.numVars, 3) + 3);
  e.route(w, [{ value: step.cosSlot }, { value: step.sinSlot }, { value: step.x }]);
}

/** Token embedding (EmbeddingStep.sol): no messages; y in A, the token claim on the indices. */
function embeddingInstructions(step: EmbeddingNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const onY = loadRegister(e, w, step.node, [[step.column, 0], [step.column, 1]], step.outputs[0]);
  const layout = layoutOf(step.shape);
  const table = layoutOf([step.vocab, step.shape[1]]);
  if (table.paddedShape[1] !== layout.paddedShape[1]) throw new ProgramError("embedding: the table's D axis is not the output's");
  const section = new ProgramWriter().u8(LLM_OP.embedding, "llm op").u8(layout.axes[1].count, "D variables").u32(step.shape[0], "positions");
  section.word(Fr.inv(BigInt(table.paddedShape[1])), "row stride inverse").word(Fr.reduce(BigInt(table.paddedSize)), "pad key");
  e.extension(w, "llm", section.bytes(), 0);
  e.route(w, [A(step.y), ...new Array<Dest>(onY).fill(A(step.y)), { value: step.indices }]);
}

/** The limbed advice families of a norm step, in arena column order (src/prover/graph/nodes/norm.ts). */
const NORM_FAMILIES = ["mu", "remMu", "remMuC", "variance", "remVariance", "remVarianceC"] as const;

/**
 * A norm step (NormStep.sol): the arena piece (limbs, r, v; Σq and Σc² carried), the requantization of y and the
 * channel-affine part (the steps library's AFFINE), the weights' Reshape selectors, the z and v
 * requantizations, then the variance limbs and the batched sums.
 */
function normInstructions(step: NormNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice: a, columns: c } = step;
  const geo = normGeometry(spec);
  const carry = `${step.node}:carry`;
  const limbColumns = NORM_FAMILIES.flatMap((f) => c[f]);
  loadRegister(e, w, step.node, [...limbColumns.map((i): [number, number] => [i, 0]), [c.rsqrt, 0], [c.rsqrt, 1]], null);
  const arena = new ProgramWriter().u8(ATTENTION_OP.normArena, "attention op");
  arena.u8(geo.limbs.mu, "u limbs").u8(geo.limbs.rem, "remainder limbs").u8(geo.limbs.variance, "V limbs").u8(spec.limbBits, "limb bits");
  arena.word(Fr.reduce(BigInt(geo.n)), "n").word(Fr.reduce(geo.muOffset), "2^(b-1)").word(Fr.reduce(step.rsqrtPad), "RSQRT pad");
  indicatorFactor(arena, geo.rowShape, allAxes(geo.rowShape));
  e.extension(w, "attention", arena.bytes(), 0);
  e.route(w, [...NORM_FAMILIES.flatMap((f) => a[f].map(A)), A(a.r), { value: step.v.y }, { value: carry }, { value: carry }]);
  e.requant(w, step.requant);
  e.extension(w, "steps", affineProgram(step.affine), affineWords(step.affine));
  e.route(w, [{ value: step.affine.beta }, { value: step.affine.x }, { value: step.affine.gamma }]);
  if (step.reshape) {
    for (const v of [step.reshape.gamma, step.reshape.beta]) {
      if (e.take(w, v.tensor) !== 1) throw new ProgramError(`norm: expected one claim on "${v.tensor}"`);
      e.extension(w, "attention", new ProgramWriter().u8(ATTENTION_OP.reshape, "attention op").append(reindexProgram(v.layer)).bytes(), reindexWords(v.layer));
      e.route(w, [{ value: v.weight }]);
    }
  }
  e.requant(w, step.z);
  e.routeAll(w, carry, 1);
  e.requant(w, step.v);
  e.routeAll(w, carry, 1);
  e.take(w, carry);
  const sums = new ProgramWriter().u8(ATTENTION_OP.normSums, "attention op").u8(geo.layout.numVars, "norm variables").u8(geo.innerVars, "inner variables");
  sums.u8(geo.limbs.mu, "u limbs").u8(geo.limbs.variance, "V limbs").u8(spec.limbBits, "limb bits");
  sums.word(Fr.reduce(geo.muOffset), "2^(b-1)").word(Fr.reduce(geo.varianceOffset), "2^(b-1+2t)");
  indicatorFactor(sums, geo.rowShape, allAxes(geo.rowShape));
  // 1_inner on x's point: the group axes (from `axis` on) of x's layout.
  indicatorFactor(sums, spec.x, spec.x.map((_, i) => i).filter((i) => i >= spec.axis));
  // A degree-3 sum-check over x's variables and its evaluations (x, r, u limbs), then V's limbs but the top one.
  e.extension(w, "attention", sums.bytes(), sumcheckWords(geo.layout.numVars, 3) + 2 + geo.limbs.mu + geo.limbs.variance - 1);
  e.route(w, [...a.variance.map(A), { value: step.x }, A(a.r), ...a.mu.map(A)]);
}

/** A division (DivStep.sol): the requantization of y (→ q in A), the limbs' arena claims, then the zero-check. */
function divInstructions(step: DivNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice: a, columns: c } = step;
  const geo = divGeometry(spec);
  e.requant(w, step.requant);
  e.route(w, [A(a.quotient)]);
  c.rem.forEach((col, j) => e.arena(w, col, 0, A(a.rem[j])));
  c.t.forEach((col, j) => e.arena(w, col, 0, A(a.t[j])));
  const section = new ProgramWriter().u8(ATTENTION_OP.div, "attention op").u8(geo.layout.numVars, "div variables").u8(geo.limbs, "div limbs").u8(geo.limbBits, "limb bits");
  section.word(Fr.fromSigned(2n * spec.multiplier), "2M").word(Fr.pow(2n, BigInt(spec.shift)), "2^s");
  writeBroadcastGather(section, spec.out, spec.a, 0, "div a point");
  writeFactor(section, spec.out, spec.a);
  writeBroadcastGather(section, spec.out, spec.b, 0, "div b point");
  writeFactor(section, spec.out, spec.b);
  indicatorFactor(section, spec.out, allAxes(spec.out));
  // A degree-3 zero-check over the output's variables, then its evaluations (a, b, sign, q, rem and t limbs).
  e.extension(w, "attention", section.bytes(), sumcheckWords(geo.layout.numVars, 3) + 4 + 2 * geo.limbs);
  e.route(w, [{ value: step.a }, { value: step.b }, A(a.sign), A(a.quotient), ...a.rem.map(A), ...a.t.map(A)]);
}

/**
 * A constant-condition Where (WhereStep.mask): when y holds claims, MERGEMANY, EXT, ROUTE (the mask → W, the sent
 * data inputs); then the rescales. Section: u8 n; the mask's broadcast gather and factor; per data input u8 form
 * (0 sent: gather + factor; 1 fill: word c + factor).
 */
function maskWhereInstructions(step: MaskWhereNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const n = layoutOf(step.out).numVars;
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, n);
    const section = new ProgramWriter().u8(ATTENTION_OP.whereMask, "attention op").u8(n, "where variables");
    writeBroadcastGather(section, step.out, step.mask.shape, 0, "where mask point");
    writeFactor(section, step.out, step.mask.shape);
    step.data.forEach((d, j) => {
      if (d.fill !== null) section.u8(1, "fill").word(Fr.fromSigned(d.fill), `where input ${j} fill`);
      else writeBroadcastGather(section.u8(0, "sent"), step.out, d.shape, 0, `where input ${j} point`);
      writeFactor(section, step.out, d.shape);
    });
    // A degree-3 sum-check over y's variables, then the mask's and each sent input's evaluation.
    const sent = step.data.filter((d) => d.fill === null).length;
    e.extension(body, "attention", section.bytes(), sumcheckWords(n, 3) + 1 + sent);
    e.route(body, [{ value: step.mask.tensor }, ...step.data.filter((d) => d.fill === null).map((d): Dest => ({ value: d.tensor }))]);
  });
  for (const input of step.data) {
    if (!input.rescale) continue;
    e.requant(w, input.rescale.requant);
    e.route(w, [{ value: input.rescale.input }]);
  }
}

/** Copies by public maps (WhereStep.run; constant-index Scatter): when y holds claims, MERGEMANY, EXT, ROUTE; then the rescales. */
function whereInstructions(step: WhereNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const n = layoutOf(step.out).numVars;
  e.guarded(w, step.outputs[0], (body) => {
    e.mergeMany(body, n);
    const section = new ProgramWriter().u8(ATTENTION_OP.where, "attention op").u8(step.inputs.length, "where inputs");
    // The parts but the last, then one selector per input.
    let words = step.inputs.length - 1;
    step.inputs.forEach((input, j) => {
      const selector = gatherSelector(input.spec, symbols(0, layoutOf(input.spec.out).numVars));
      writeSelector(section, selector, `where input ${j}`);
      words += selectorWords(selector);
    });
    e.extension(body, "attention", section.bytes(), words);
    e.route(body, step.inputs.map((input) => ({ value: input.tensor })));
  });
  for (const input of step.inputs) {
    if (!input.rescale) continue;
    e.requant(w, input.rescale.requant);
    e.route(w, [{ value: input.rescale.input }]);
  }
}

/** ArgMax (ArgmaxStep.sol): the register = the limb columns' arena claims, then the claims on idx. */
function argmaxInstructions(step: ArgmaxNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const geo = argmaxGeometry(step.spec);
  loadRegister(e, w, step.node, step.columns.map((col): [number, number] => [col, 0]), step.outputs[0]);
  const section = new ProgramWriter().u8(LLM_OP.argmax, "llm op").u8(geo.numVars, "argmax variables").u8(geo.colVars, "column variables");
  section.u8(geo.limbs, "gap limbs").u8(REQUANT_LIMB_BITS, "limb bits").u32(step.spec.rows, "rows").u32(step.spec.vocab, "vocabulary");
  section.word(Fr.fromSigned(geo.qmin), "qmin").word(Fr.inv(2n ** BigInt(geo.colVars)), "2^-colVars");
  // The gap limbs' and the one-hot's evaluations, a degree-3 sum-check over the logits' variables, two finals.
  e.extension(w, "llm", section.bytes(), geo.limbs + 2 + sumcheckWords(geo.numVars, 3) + 2);
  const limbs = step.advice.limbs.map(A);
  e.route(w, [...limbs, { value: step.x }, { value: step.x }, ...limbs, A(step.advice.onehot)]);
}

/**
 * A Split: per output with claims (in output order), an aligned part re-gathers each claim's point with the axis'
 * high bits inserted (EXT POINTS), any other part merges its claims and runs its Slice selector (EXT RESHAPE).
 */
function splitInstructions(step: SplitNodeStep, e: StepEmitter, w: ProgramWriter): void {
  step.parts.forEach((part, j) => {
    const n = layoutOf(part.shape).numVars;
    e.guarded(w, step.outputs[j], (body, taken) => {
      if (part.slice === null) {
        const point = alignedPoint(step, part, symbols(0, n));
        const indices = point.map((x) => (x === 0n ? n : x === 1n ? n + 1 : poolIndices([x], "split point")[0]));
        e.extension(body, "attention", new ProgramWriter().u8(ATTENTION_OP.points, "attention op").gather(indices, "split point").bytes(), 0);
        e.routeAll(body, step.x, taken);
        return;
      }
      e.mergeMany(body, n);
      e.extension(body, "attention", new ProgramWriter().u8(ATTENTION_OP.reshape, "attention op").append(reindexProgram(part.slice)).bytes(), reindexWords(part.slice));
      e.route(body, [{ value: step.x }]);
    });
  });
}

/** The attention and LLM libraries' steps by handler name (model.ts spreads this into its extension steps). */
export const ATTENTION_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = {
  softmax: softmaxInstructions as ExtensionStepCompiler,
  "log-softmax": logSoftmaxInstructions as ExtensionStepCompiler,
  "causal-softmax": causalInstructions as ExtensionStepCompiler,
  rmsnorm: rmsNormInstructions as ExtensionStepCompiler,
  rope: ropeInstructions as ExtensionStepCompiler,
  embedding: embeddingInstructions as ExtensionStepCompiler,
  norm: normInstructions as ExtensionStepCompiler,
  div: divInstructions as ExtensionStepCompiler,
  where: whereInstructions as ExtensionStepCompiler,
  [MASK_WHERE_HANDLER]: maskWhereInstructions as ExtensionStepCompiler,
  argmax: argmaxInstructions as ExtensionStepCompiler,
  split: splitInstructions as ExtensionStepCompiler,
};
