/**
 * Program fragments of the exact integer kinds — `compare` (Less / Greater / LessOrEqual / GreaterOrEqual),
 * `logic` (Not / And / Or / Xor, and the copy form of Cast) and `exact` (integer Add / Sub / Mul) — run on-chain by
 * the extension library `contracts/verifier/ModelVerifierExact.sol`. Each fragment is the step's instructions
 * (ModelVerifierOps.sol, through the {@link StepEmitter}) around one EXT whose section holds the parameters in the
 * order the Solidity twin reads them (NatSpec of contracts/verifier/layers/{CompareStep,LogicStep,ExactStep}.sol;
 * docs/verifier-gen.md, "ModelVerifierExact"). The linear-combination and Hadamard IOPs inside the steps are
 * LayerOps' LINEAR / HADAMARD instruction bytes (./layers.ts), so their geometry has one writer.
 */
import * as Fr from "../../field/fr";
import type { CompareNodeStep } from "../../prover/graph/nodes/compare";
import type { ExactNodeStep } from "../../prover/graph/nodes/exact";
import type { LogicNodeStep } from "../../prover/graph/nodes/logic";
import { compareGeometry } from "../../prover/layers/compare";
import { forEachIndex, layoutOf } from "../../prover/tensor";
import type { Dest, ExtensionStepCompiler, StepEmitter } from "./extension";
import { hadamardProgram, linearProgram, writeBroadcastGather, writeFactor } from "./layers";
import { loadRegister } from "./steps";
import { ProgramError, ProgramWriter } from "./writer";
import { hadamardWords, linearWords } from "./proof-words";

/** Sub-opcodes of ModelVerifierExact.sol (the section's first byte). */
export const EXACT_OP = { compare: 1, logic: 2, exact: 3 } as const;

/** LogicStep.sol's forms (the copy form runs no step: its claims are routed as they are). */
const LOGIC_FORM = { not: 1, and: 2, or: 3, xor: 4 } as const;

/** k of the or / xor relation y = a + b + k·a⊙b (src/prover/graph/nodes/logic.ts). */
const LOGIC_PRODUCT_COEFF = { or: -1n, xor: -2n } as const;

/** ExactStep.sol's forms. */
const EXACT_FORM = { linear: 1, hadamard: 2, addConstant: 3, mulConstant: 4 } as const;

/** Widest constant entry the program encodes (bytes, two's complement): ExactStep reads up to 31. */
const MAX_CONSTANT_WIDTH = 8;

const A = (slot: string): Dest => ({ advice: slot });

/** `dests` repeated once per claim (a step hands on the same claims for every claim on its output). */
const perClaim = (dests: readonly Dest[], count: number): Dest[] => Array.from({ length: count }, () => dests).flat();

/** The real-entry indicator 1_real on a layout (Broadcast.sol format: every axis whose size is not a power of two). */
function writeRealIndicator(w: ProgramWriter, shape: readonly number[]): void {
  const layout = layoutOf(shape);
  const axes = shape.map((d, a) => ({ d, ...layout.axes[a] })).filter((x) => 2 ** x.count !== x.d);
  w.u8(axes.length, "real indicator axes");
  for (const x of axes) w.u32(x.d, "real indicator dim").u8(x.start, "real indicator start").u8(x.count, "real indicator bits");
}

/**
 * An integer constant as ExactStep reads it: u8 variables, u8 byte width, u16 count, then per non-zero entry its
 * u32 index in the padded layout and its value (two's complement, big-endian).
 */
export function writeConstant(w: ProgramWriter, shape: readonly number[], data: readonly number[], what: string): void {
  const layout = layoutOf(shape);
  const entries: { padded: number; value: bigint }[] = [];
  forEachIndex(layout, (flat, padded) => {
    const v = data[flat];
    if (!Number.isSafeInteger(v)) throw new ProgramError(`${what}: entry ${flat} (${v}) is not a safe integer`);
    if (v !== 0) entries.push({ padded, value: BigInt(v) });
  });
  let width = 1;
  for (const { value } of entries) while (value < -(1n << BigInt(8 * width - 1)) || value >= 1n << BigInt(8 * width - 1)) width++;
  if (width > MAX_CONSTANT_WIDTH) throw new ProgramError(`${what}: an entry needs ${width} bytes (at most ${MAX_CONSTANT_WIDTH})`);
  w.u8(layout.numVars, `${what}: variables`).u8(width, `${what}: width`).u16(entries.length, `${what}: entries`);
  const mod = 1n << BigInt(8 * width);
  for (const { padded, value } of entries) {
    w.u32(padded, `${what}: index`);
    const raw = (value + mod) % mod;
    w.append(Uint8Array.from({ length: width }, (_, i) => Number((raw >> BigInt(8 * (width - 1 - i))) & 0xffn)));
  }
}

/**
 * A comparison (CompareStep.sol): the register = the arena's claims on the u limbs and g, then every claim on c;
 * EXT; ROUTE g per claim on c, the limbs and g at ρ to A, then qa and qb (their producers, or W for a constant).
 */
function compareInstructions(step: CompareNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const { spec, advice, columns } = step;
  const geo = compareGeometry(spec);
  const arena = [...columns.u.map((c): [number, number] => [c, 0]), [columns.g, 0] as [number, number]];
  const onC = loadRegister(e, w, step.node, arena, step.outputs[0]);
  const s = new ProgramWriter().u8(EXACT_OP.compare, "exact op").u8(geo.limbs, "compare limbs").u8(spec.limbBits, "limb bits");
  s.u8(spec.negate ? 1 : 0, "negate");
  if (spec.negate) writeRealIndicator(s, spec.out);
  const operands = [
    { shape: spec.a, coeff: Fr.fromSigned(spec.ca) },
    { shape: spec.b, coeff: Fr.fromSigned(spec.cb) },
  ];
  s.append(linearProgram(spec.out, operands));
  e.extension(w, "exact", s.bytes(), linearWords(operands.length));
  e.route(w, [...new Array<Dest>(onC).fill(A(advice.g)), ...advice.u.map(A), A(advice.g), { value: step.a }, { value: step.b }]);
}

/** Logic (LogicStep.sol): TAKE y; copy routes its claims to x; the other forms run one EXT over every claim. */
function logicInstructions(step: LogicNodeStep, e: StepEmitter, w: ProgramWriter): void {
  const [a, b] = step.operands;
  const count = e.take(w, step.outputs[0]);
  if (count === 0) return;
  if (step.form === "copy") {
    e.routeAll(w, a.tensor, count);
    return;
  }
  const s = new ProgramWriter().u8(EXACT_OP.logic, "exact op").u8(LOGIC_FORM[step.form], "logic form");
  if (step.form === "not") {
    writeRealIndicator(s, step.out);
    e.extension(w, "exact", s.bytes(), 0);
    e.route(w, perClaim([{ value: a.tensor }], count));
    return;
  }
  const operands: Dest[] = [{ value: a.tensor }, { value: b.tensor }];
  if (step.form !== "and") s.word(Fr.inv(Fr.fromSigned(LOGIC_PRODUCT_COEFF[step.form])), "k inverse");
  s.append(hadamardProgram(step.out, a.shape, b.shape));
  // Per claim: (a, b) for or / xor, then the Hadamard.
  e.extension(w, "exact", s.bytes(), count * ((step.form === "and" ? 0 : 2) + hadamardWords(layoutOf(step.out).numVars)));
  e.route(w, perClaim(step.form === "and" ? operands : [...operands, ...operands], count));
}

/** Exact Add / Sub / Mul (ExactStep.sol): TAKE y, then one EXT over every claim, ROUTE its operands per claim. */
function exactInstructions(step: ExactNodeStep, e: StepEmitter, w: ProgramWriter, what: string): void {
  const count = e.take(w, step.outputs[0]);
  if (count === 0) return;
  const { linear, constant } = step;
  const s = new ProgramWriter().u8(EXACT_OP.exact, "exact op");
  let dests: Dest[];
  // Proof words per claim: the linear combination's values, or the Hadamard's sum-check and evaluations.
  const words = linear.iop === "lincomb" ? linearWords(linear.operands.length) : hadamardWords(layoutOf(step.out).numVars);
  if (linear.iop === "lincomb" && !constant) {
    s.u8(EXACT_FORM.linear, "exact form").append(linearProgram(step.out, linear.operands));
    dests = linear.operands.map((o) => ({ value: o.tensor }));
  } else if (linear.iop === "hadamard" && !constant) {
    s.u8(EXACT_FORM.hadamard, "exact form").append(hadamardProgram(step.out, linear.aShape, linear.bShape));
    dests = [{ value: linear.a }, { value: linear.b }];
  } else if (linear.iop === "lincomb" && constant) {
    s.u8(EXACT_FORM.addConstant, "exact form").u8(constant.sign < 0 ? 1 : 0, "negative");
    writeBroadcastGather(s, step.out, constant.shape, 0, `${what}: constant point`);
    writeFactor(s, step.out, constant.shape);
    writeConstant(s, constant.shape, constant.data, `${what}: constant`);
    s.append(linearProgram(step.out, linear.operands));
    dests = [{ value: linear.operands[0].tensor }];
  } else if (linear.iop === "hadamard" && constant) {
    s.u8(EXACT_FORM.mulConstant, "exact form").append(hadamardProgram(step.out, linear.aShape, constant.shape));
    writeConstant(s, constant.shape, constant.data, `${what}: constant`);
    dests = [{ value: linear.a }];
  } else {
    throw new ProgramError(`${what}: exact linear part "${linear.iop}" is not an exact step`);
  }
  e.extension(w, "exact", s.bytes(), count * words);
  e.route(w, perClaim(dests, count));
}

/** ModelVerifierExact's steps by handler name (model.ts spreads this into its extension steps). */
export const EXACT_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = {
  compare: compareInstructions as ExtensionStepCompiler,
  logic: logicInstructions as ExtensionStepCompiler,
  exact: exactInstructions as ExtensionStepCompiler,
};
