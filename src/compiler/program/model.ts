/**
 * The whole-model verifier program: a {@link VerifierPlan} serialized for `contracts/verifier/ModelVerifier.sol`.
 * Header (constants: digest, W commitment, SRS G2 elements, statement sizes, slot tables, the arena's shape),
 * then one instruction sequence that replays `executePlan` step by step — output claims, every node step in plan
 * order (requantizations, linear IOPs, activation tables, movements), graph-input claims — ending in END (the
 * batch opening follows implicitly). Format: docs/verifier-gen.md; instruction semantics: ModelVerifierOps.sol.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { WORD_BYTES } from "../../curve/bn254";
import { arenaProofWords, arenaVerifierShape } from "../../lookup/arena-encoding";
import * as Fr from "../../field/fr";
import type { MovementNodeStep, NodeStep, PlanLinear, PlanRequant, PlanSlottedPoly, RequantNodeStep, TableNodeStep, VerifierPlan } from "../../prover/graph/plan";
import { requantGeometry } from "../../prover/layers/requant-spec";
import { groupOf, requantGroupVars, requantLimbCount } from "../../prover/layers/requant";
import { requantSpec } from "../../prover/graph/nodes/requant-step";
import { planRequants, requantAccTensor } from "../../prover/graph/requant-batch";
import { chunkedPlanRefusal } from "../../prover/graph/chunks";
import { mergesPublicClaims } from "../../prover/graph/public-claims";
import { packedBytes, packTensors, type PublicWidth } from "../../prover/graph/statement";
import { layoutOf, reshapePoint, transposePoint } from "../../prover/tensor";
import { concatProgram, convProgram, hadamardProgram, linearProgram, matmulProgram, reindexProgram } from "./layers";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";
import { EXT_OP, type Dest, type ExtensionLibrary, type ExtensionStepCompiler, type StepEmitter } from "./extension";
import { affineProgram, affineWords, indexSection, STEP_COMPILERS } from "./steps";
import { ATTENTION_STEPS } from "./attention";
import { EXACT_STEPS } from "./exact";
import { INDEXED_STEPS } from "./indexed";
import { TREE_STEPS } from "./tree";

/**
 * Interpreter version the program is written for (ModelVerifier.PROGRAM_VERSION). 2 since session 6: every EXT
 * instruction and the arena carry the proof bytes they read (docs/verifier-gen.md, "Proof byte counts"); 3 since
 * session 7: INPUT (0x2d) checks the claims a TAKE (and a MERGEMANY, when merged) left in the register, and the
 * requantization's zero-check sits at the arena point; 4 since session 8: one batched zero-check of every
 * requantization (REQUANTS, 0x2e) before the output claims, and REQUANT (0x2f) keeps only the claims on y; 5 since session 9: REQUANTS carries each step's constants as one
 * fixed-layout block with hi − lo and 2^s·lo precomputed.
 */
export const PROGRAM_VERSION = 5;

/** Instruction codes (ModelVerifierOps.sol). */
export const MODEL_OP = {
  end: 0x00,
  output: 0x20,
  constOutput: 0x21,
  take: 0x22,
  route: 0x23,
  routeAll: 0x24,
  layer: 0x25,
  // 0x26: the REQUANT of programs before session 8 (the whole requantization in walk order); retired as 0x2b.
  table: 0x27,
  pointMap: 0x28,
  skipEmpty: 0x29,
  mergeMany: 0x2a,
  // 0x2b: the INPUT of programs before session 7 (it took the tensor's claims itself); retired, so that a program
  // and an interpreter of different sides of the change revert (ProgramOpUnknown) instead of skipping the check.
  arena: 0x2c,
  input: 0x2d,
  requants: 0x2e,
  requant: 0x2f,
} as const;

/**
 * Node steps the extension libraries run (./extension.ts), by handler name: each entry writes the step's
 * instructions through the compiler's {@link StepEmitter}. One spread per extension library.
 */
const EXTENSION_STEPS: Readonly<Record<string, ExtensionStepCompiler>> = { ...STEP_COMPILERS, ...ATTENTION_STEPS, ...EXACT_STEPS, ...INDEXED_STEPS, ...TREE_STEPS };

/** How a requantization range-checks ū (RequantStep.sol UC_*; `RequantGeometry.ucMode`). */
const UC_MODE = { none: 0, derived: 1, committed: 2 } as const;

/** Claim destinations (Machine.sol DEST_*). */
const DEST = { tensor: 0, weight: 1, advice: 2 } as const;

/** A plan step this interpreter does not run yet (the generator refuses the model, naming the step). */
export class UnsupportedStepError extends ProgramError {}

const hexWords = (hex: string, n: number, what: string): bigint[] => {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (body.length !== 64 * n) throw new ProgramError(`${what}: ${body.length / 2} bytes, expected ${32 * n}`);
  return Array.from({ length: n }, (_, i) => BigInt(`0x${body.slice(64 * i, 64 * i + 64)}`));
};

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * A public tensor's u32 program field (INPUT / OUTPUT: its byte offset; an input range: its element count) with
 * the tensor's width in its top two bits: code k = log2(4 / width), so 4 >> k bytes (0: int32, as programs made
 * before packed statements read). ModelVerifierPcs._split decodes it.
 */
const WIDTH_FIELD_BITS = 30;
function widthField(value: number, width: PublicWidth, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** WIDTH_FIELD_BITS) throw new ProgramError(`${what}: ${value} does not fit ${WIDTH_FIELD_BITS} bits`);
  return value + Math.log2(4 / width) * 2 ** WIDTH_FIELD_BITS;
}

/** Compiles a plan into the program bytes a generated verifier embeds. @throws {UnsupportedStepError} */
export function modelProgram(plan: VerifierPlan): Uint8Array {
  const chunked = chunkedPlanRefusal(plan);
  if (chunked !== null) throw new ProgramError(chunked);
  return new ModelCompiler(plan).compile();
}

/**
 * How many claims each graph input carries when the walk ends (the count its INPUT instruction checks, before
 * any merge), by input name in graph order: fixed by the plan. @throws {UnsupportedStepError}
 */
export function publicInputClaims(plan: VerifierPlan): Map<string, number> {
  const compiler = new ModelCompiler(plan);
  compiler.compile();
  return compiler.inputClaims;
}

class ModelCompiler implements StepEmitter {
  private readonly w = new ProgramWriter();
  private readonly tensorIds = new Map<string, number>();
  private readonly weightSlots: Map<string, number>;
  private readonly adviceSlots: Map<string, number>;
  /**
   * Claims pending per tensor and the words of every opening record, tracked while the instructions are emitted
   * (claim counts are fixed by the plan, not by the proof): the interpreter allocates its record buffer once.
   */
  private readonly pending = new Map<string, number>();
  private recordWords = 0;
  /** Claims on each graph input at its INPUT instruction (filled by {@link compile}). */
  readonly inputClaims = new Map<string, number>();

  constructor(private readonly plan: VerifierPlan) {
    this.weightSlots = new Map(plan.weights.slots.map((s, i) => [s.name, i]));
    this.adviceSlots = new Map((plan.advice?.slots ?? []).map((s, i) => [s.name, i]));
    for (const t of [...plan.inputs, ...plan.outputs, ...plan.tensors]) this.tensor(t.name);
    for (const step of plan.nodes) {
      for (const o of step.outputs) this.tensor(o);
      if (step.handler === "movement") (step as MovementNodeStep).rescale.forEach((r) => r && this.tensor(r.y));
    }
  }

  compile(): Uint8Array {
    const { plan } = this;
    const body = this.instructions();
    const w = this.w;
    w.u8(PROGRAM_VERSION, "version").rawWord(BigInt(plan.digest), "digest");
    for (const x of hexWords(plan.commitment, 2, "W commitment")) w.rawWord(x, "W commitment");
    for (const x of [...hexWords(plan.g2, 4, "g2"), ...hexWords(plan.tauG2, 4, "tauG2")]) w.rawWord(x, "G2 element");
    w.u32(packedBytes(plan.inputs), "input bytes");
    w.u32(packedBytes(plan.outputs), "output bytes");
    this.inputRanges();
    w.u32(this.recordWords + this.arenaRecordWords(), "opening record words").u16(this.tensorIds.size, "tensors");
    this.slots(plan.weights);
    w.u8(plan.advice ? 1 : 0, "advice");
    if (plan.advice) this.slots(plan.advice);
    const hasArena = plan.arena.columns.length > 0;
    w.u8(hasArena ? 1 : 0, "arena");
    if (hasArena) this.arenaSection();
    w.append(body);
    return w.bytes();
  }

  /**
   * The inputs' range checks (run before the transcript starts): offset, count with the width code, qmin, qmax —
   * each input whose declared range ([−2^(b−1), 2^(b−1)) for a clamped input, [0, 1] for a bool input: the
   * statement check of `executePlan`) is narrower than its width holds. An input whose width is its range (8-bit
   * values in one byte) needs none: every byte string reads as a value inside.
   */
  private inputRanges(): void {
    const ranges: { at: number; count: number; width: PublicWidth; lo: number; hi: number }[] = [];
    let at = 0;
    for (const inp of this.plan.inputs) {
      const full = 2 ** (8 * inp.width - 1);
      if (inp.lo > -full || inp.hi < full - 1) ranges.push({ at, count: sizeOf(inp.shape), width: inp.width, lo: inp.lo, hi: inp.hi });
      at += inp.width * sizeOf(inp.shape);
    }
    this.w.u8(ranges.length, "input ranges");
    for (const r of ranges) this.w.u32(r.at, "offset").u32(widthField(r.count, r.width, "input range count"), "count").uint(r.lo >>> 0, 4, "qmin").uint(r.hi >>> 0, 4, "qmax");
  }

  /** Words of the arena's opening records: h per column, g and m per table, each external table column on W. */
  private arenaRecordWords(): number {
    if (this.plan.arena.columns.length === 0) return 0;
    const shape = arenaVerifierShape(this.plan.arena);
    const external = this.plan.tableSlots.reduce((n, cols) => n + cols.filter((c) => c !== null).length, 0);
    return (shape.columns.length + shape.tables.length) * (shape.hVars + 3) + shape.tables.length * (shape.mVars + 3) + external * (this.plan.weights.numVars + 3);
  }

  /** `times` openings of A. */
  private adviceOpens(times: number): void {
    this.recordWords += times * ((this.plan.advice?.numVars ?? 0) + 3);
  }

  /** Takes every pending claim on a tensor; returns how many there were. */
  private takeAll(name: string): number {
    const n = this.pending.get(name) ?? 0;
    this.pending.set(name, 0);
    return n;
  }

  private tensor(name: string): number {
    let id = this.tensorIds.get(name);
    if (id === undefined) {
      id = this.tensorIds.size;
      this.tensorIds.set(name, id);
    }
    return id;
  }

  private slots(poly: PlanSlottedPoly): void {
    this.w.u8(poly.numVars, "poly variables").u16(poly.slots.length, "slots");
    for (const s of poly.slots) {
      const index = s.selector.reduce((acc, bit, j) => acc + bit * 2 ** j, 0);
      this.w.u8(s.numVars, `slot ${s.name}: variables`).u32(index, `slot ${s.name}: index`);
    }
  }

  private arenaSection(): void {
    const shape = arenaVerifierShape(this.plan.arena);
    // The shape is its own section (u32 length first): ModelVerifierPcs decodes it.
    const w = new ProgramWriter();
    w.u8(shape.numVars, "arena N").u8(shape.mVars, "arena M variables").u8(shape.hVars, "arena H variables").u8(shape.tables.length, "arena tables");
    for (const t of shape.tables) {
      w.u8(t.numVars, "table variables").u8(t.columns.length / 2, "table columns");
      for (let c = 0; c < t.columns.length; c += 2) w.u8(Number(t.columns[c]), "column kind").word(Fr.reduce(t.columns[c + 1]), "column lo");
      w.u32(t.mSlot, "table M slot").u32(t.hSlot, "table H slot");
    }
    w.u16(shape.columns.length, "arena columns");
    for (const c of shape.columns) w.u8(c.table, "column table").u8(c.numVars, "column variables").u32(c.hSlot, "column H slot");
    const section = w.bytes();
    this.w.u32(section.length, "arena section").append(section);
    // The arena's proof bytes (fixed by its shape): ModelVerifier._arenaCall sends the library only those.
    this.w.u32(WORD_BYTES * arenaProofWords(this.plan.arena), "arena proof bytes");
    this.plan.tableSlots.forEach((cols, t) =>
      cols.forEach((slot, c) => {
        if (slot === null) {
          this.w.u16(0xffff, "range column");
          return;
        }
        const id = this.weightSlots.get(slot);
        if (id === undefined) throw new ProgramError(`arena table ${t} column ${c}: no W slot "${slot}"`);
        this.w.u16(id, "table column slot");
      }),
    );
  }

  /** Every instruction after the arena, as bytes. */
  private instructions(): Uint8Array {
    const w = new ProgramWriter();
    this.requants(w);
    let at = 0;
    this.plan.outputs.forEach((o) => {
      const bytes = o.width * sizeOf(o.shape);
      if (o.constant) {
        const packed = packTensors([{ data: o.constant }], [o]);
        w.u8(MODEL_OP.constOutput, "op").u32(at, "offset").u32(bytes, "length").rawWord(BigInt(keccakHex(packed)), "hash");
      } else {
        w.u8(MODEL_OP.output, "op").u16(this.tensor(o.name), "tensor").u8(o.numVars, "variables").u32(widthField(at, o.width, "output offset"), "offset");
        this.pending.set(o.name, (this.pending.get(o.name) ?? 0) + 1);
        this.shape(w, o.shape);
      }
      at += bytes;
    });
    for (const step of this.plan.nodes) w.append(this.step(step));
    at = 0;
    this.plan.inputs.forEach((inp) => {
      // TAKE, MERGEMANY when merging the claims pays (the walk's decision, from the same counts), INPUT.
      const claims = this.take(w, inp.name);
      this.inputClaims.set(inp.name, claims);
      if (mergesPublicClaims(inp.shape, claims)) this.mergeMany(w, layoutOf(inp.shape).numVars);
      w.u8(MODEL_OP.input, "op").u16(this.tensor(inp.name), "tensor").u32(widthField(at, inp.width, "input offset"), "offset");
      this.shape(w, inp.shape);
      at += inp.width * sizeOf(inp.shape);
    });
    w.u8(MODEL_OP.end, "op");
    return w.bytes();
  }

  private shape(w: ProgramWriter, shape: readonly number[]): void {
    w.u8(shape.length, "rank");
    shape.forEach((d) => w.u32(d, "dim"));
  }

  /** A claim destination: a W slot when the value is a weight, else the tensor's claim list. */
  private dest(w: ProgramWriter, name: string, times = 1): void {
    const slot = this.weightSlots.get(name);
    if (slot !== undefined) {
      w.u8(DEST.weight, "dest").u16(slot, "W slot");
      this.recordWords += times * (this.plan.weights.numVars + 3);
    } else {
      w.u8(DEST.tensor, "dest").u16(this.tensor(name), "tensor");
      this.pending.set(name, (this.pending.get(name) ?? 0) + times);
    }
  }

  private adviceSlot(name: string): number {
    const id = this.adviceSlots.get(name);
    if (id === undefined) throw new ProgramError(`no A slot "${name}"`);
    return id;
  }

  private step(step: NodeStep): Uint8Array {
    const w = new ProgramWriter();
    const what = `node ${step.node} (${step.op})`;
    switch (step.handler) {
      case "requant": {
        const s = step as RequantNodeStep;
        this.requant(w, s.requant);
        this.linear(w, s.linear, s.requant.shape, what);
        break;
      }
      case "table":
        this.table(w, step as TableNodeStep);
        break;
      case "movement":
        this.movement(w, step as MovementNodeStep, what);
        break;
      default: {
        const ext = EXTENSION_STEPS[step.handler];
        if (ext) {
          ext(step as never, this, w, what);
          break;
        }
        throw new UnsupportedStepError(`${what}: the on-chain verifier does not run "${step.handler}" steps yet`);
      }
    }
    return w.bytes();
  }

  /**
   * REQUANTS (RequantBatch.sol): every requantization's batched zero-check, before the output claims — per step one
   * block the interpreter reads in place by offset (no decoding into memory): five words (M, 2^s, 2^(s−1), hi − lo
   * and 2^s·lo, the last two precomputed here), eleven header bytes (acc tensor u16, variables, limb bits, rem / e /
   * u limbs, ū mode, committed limb tables, group slots, range columns), the group slots and RANGE columns (u16
   * each), then the indicator factor (Broadcast format). It leaves the claim on acc on the step's acc tensor and
   * opens its group slots.
   */
  private requants(w: ProgramWriter): void {
    const requants = planRequants(this.plan);
    if (requants.length === 0) return;
    const geos = requants.map((r) => requantGeometry(requantSpec(r)));
    const n = requants.reduce((best, r) => Math.max(best, r.numVars), 0);
    const cols = geos.reduce((best, geo) => Math.max(best, requantGroupVars(geo)[0]), 0);
    w.u8(MODEL_OP.requants, "op").u16(requants.length, "requantizations").u8(n, "variables").u8(cols, "column challenges");
    requants.forEach((r, i) => {
      const geo = geos[i];
      this.pending.set(requantAccTensor(r), 1);
      this.adviceOpens(r.advice.length);
      const two = (k: number) => Fr.pow(2n, BigInt(k));
      const [lo, hi] = [Fr.fromSigned(r.lo), Fr.fromSigned(r.hi)];
      w.word(Fr.fromSigned(r.multiplier), "multiplier").word(two(r.shift), "2^s").word(r.shift === 0 ? 0n : two(r.shift - 1), "2^(s-1)");
      w.word(Fr.sub(hi, lo), "hi - lo").word(Fr.mul(two(r.shift), lo), "2^s·lo");
      w.u16(this.tensor(requantAccTensor(r)), "acc tensor").u8(r.numVars, "variables");
      w.u8(r.limbBits, "limb bits").u8(geo.remLimbs, "rem limbs").u8(geo.eLimbs, "e limbs").u8(geo.uLimbs, "u limbs");
      w.u8(UC_MODE[geo.ucMode], "ū mode").u8(requantLimbCount(geo), "committed limb tables");
      w.u8(r.advice.length, "group slots").u8(r.rangeColumns.length, "range columns");
      r.advice.forEach((g) => w.u16(this.adviceSlot(g), "group slot"));
      r.rangeColumns.forEach((c) => w.u16(c, "range column"));
      indicator(w, r.shape);
    });
  }

  /**
   * REQUANT (RequantStep.sol), in walk order: every claim on y consumed, each as one opening per u limb (y = lo + U,
   * docs/prover.md "Requantization"); the register then holds the claim on acc the batch left.
   */
  requant(w: ProgramWriter, r: PlanRequant): void {
    const geo = requantGeometry(requantSpec(r));
    w.u8(MODEL_OP.requant, "op").u16(this.tensor(r.y), "y").u16(this.tensor(requantAccTensor(r)), "acc tensor");
    this.adviceOpens(this.takeAll(r.y) * geo.uLimbs);
    this.takeAll(requantAccTensor(r));
    w.u8(r.limbBits, "limb bits").u8(geo.uLimbs, "u limbs").word(Fr.fromSigned(r.lo), "clamp lo");
    const first = 2 + geo.remLimbs + geo.eLimbs;
    for (let j = 0; j < geo.uLimbs; j++) {
      const { group, index, vars } = groupOf(geo, first + j);
      w.u16(this.adviceSlot(r.advice[group]), "u limb slot").u8(vars, "u limb group variables").u8(index, "u limb index");
    }
  }

  /** The linear part on the register's claim on acc, and where its claims go. */
  private linear(w: ProgramWriter, linear: PlanLinear, outShape: readonly number[], what: string): void {
    const layer = (bytes: Uint8Array) => w.u8(MODEL_OP.layer, "op").append(bytes);
    const route = (names: readonly string[]) => {
      w.u8(MODEL_OP.route, "op").u8(names.length, "claims");
      names.forEach((n) => this.dest(w, n));
    };
    switch (linear.iop) {
      case "matmul":
        layer(matmulProgram(linear.spec));
        route([linear.x, linear.w, ...(linear.bias ? [linear.bias] : [])]);
        return;
      case "conv":
        layer(convProgram(linear.spec));
        route([linear.x, linear.w, ...(linear.bias ? [linear.bias] : [])]);
        return;
      case "lincomb":
        layer(linearProgram(linear.outShape, linear.operands));
        route(linear.operands.map((o) => o.tensor));
        return;
      case "hadamard":
        layer(hadamardProgram(linear.outShape, linear.aShape, linear.bShape));
        route([linear.a, linear.b]);
        return;
      case "window":
        layer(reindexProgram(linear.spec));
        route([linear.x]);
        return;
      case "identity":
        route([linear.x]);
        return;
      case "affine":
        this.extension(w, "steps", affineProgram(linear), affineWords(linear));
        route([linear.beta, linear.x, linear.gamma]);
        return;
      default:
        throw new UnsupportedStepError(`${what}: linear part "${(linear as { iop: string }).iop}" is not run on-chain yet (${outShape.join("x")})`);
    }
  }

  // StepEmitter (./extension.ts): the instructions extension steps are written with, counts kept exact.

  take(w: ProgramWriter, tensor: string): number {
    w.u8(MODEL_OP.take, "op").u16(this.tensor(tensor), "tensor");
    return this.takeAll(tensor);
  }

  arena(w: ProgramWriter, column: number, component: number, to: string | Dest): void {
    w.u8(MODEL_OP.arena, "op").u16(column, "arena column").u8(component, "component");
    this.to(w, typeof to === "string" ? { value: to } : to);
  }

  routeAll(w: ProgramWriter, tensor: string, count: number): void {
    w.u8(MODEL_OP.routeAll, "op");
    this.dest(w, tensor, count);
  }

  route(w: ProgramWriter, dests: readonly Dest[]): void {
    w.u8(MODEL_OP.route, "op").u8(dests.length, "claims");
    dests.forEach((d) => this.to(w, d));
  }

  extension(w: ProgramWriter, library: ExtensionLibrary, section: Uint8Array, words: number): void {
    w.u8(EXT_OP[library], "op").u32(section.length, "section length").append(section).u32(WORD_BYTES * words, "proof bytes");
  }

  guarded(w: ProgramWriter, tensor: string, body: (w: ProgramWriter, taken: number) => void): void {
    const taken = this.takeAll(tensor);
    const saved = { words: this.recordWords, pending: new Map(this.pending) };
    const inner = new ProgramWriter();
    body(inner, taken);
    // The body runs only when the tensor holds claims: otherwise its claims and records never happen.
    if (taken === 0) {
      this.recordWords = saved.words;
      this.pending.clear();
      saved.pending.forEach((v, k) => this.pending.set(k, v));
    }
    const bytes = inner.bytes();
    w.u8(MODEL_OP.take, "op").u16(this.tensor(tensor), "tensor");
    w.u8(MODEL_OP.skipEmpty, "op").u32(bytes.length, "length").append(bytes);
  }

  mergeMany(w: ProgramWriter, numVars: number): void {
    w.u8(MODEL_OP.mergeMany, "op").u8(numVars, "merge variables");
  }

  /** A {@link Dest}: a value (tensor or W slot), or an opening of A. */
  private to(w: ProgramWriter, d: Dest): void {
    if ("value" in d) this.dest(w, d.value);
    else {
      w.u8(DEST.advice, "dest").u16(this.adviceSlot(d.advice), "A slot");
      this.adviceOpens(1);
    }
  }

  /** TABLE (ModelVerifierOps._table). */
  table(w: ProgramWriter, step: Pick<TableNodeStep, "column" | "y" | "outputs" | "padOffset" | "shape" | "x">): void {
    w.u8(MODEL_OP.table, "op").u16(step.column, "column").u16(this.adviceSlot(step.y), "y slot").u16(this.tensor(step.outputs[0]), "y tensor");
    this.adviceOpens(1 + this.takeAll(step.outputs[0]));
    w.u8(step.padOffset === null ? 0 : 1, "pad");
    if (step.padOffset !== null) {
      w.word(Fr.reduce(step.padOffset), "pad offset");
      indicator(w, step.shape);
    }
    this.dest(w, step.x);
  }

  /** A movement: TAKE, then (when there are claims) the map, then each rescaled input's requant. */
  private movement(w: ProgramWriter, step: MovementNodeStep, what: string): void {
    const source = (j: number) => step.rescale[j]?.y ?? step.inputs[j];
    const body = new ProgramWriter();
    const { map } = step;
    // The body runs only when the output holds claims; count its claims only then.
    const taken = this.takeAll(step.outputs[0]);
    const counted = (run: () => void) => {
      const saved = { words: this.recordWords, pending: new Map(this.pending) };
      run();
      if (taken === 0) {
        this.recordWords = saved.words;
        this.pending.clear();
        saved.pending.forEach((v, k) => this.pending.set(k, v));
      }
    };
    if (map.kind === "point" && map.op === "index") {
      this.extension(body, "steps", indexSection(map, step.outShape, what), 0);
      body.u8(MODEL_OP.routeAll, "op");
      counted(() => this.dest(body, source(0), taken));
    } else if (map.kind === "point") {
      if (map.op !== "reshape" && map.op !== "transpose") throw new UnsupportedStepError(`${what}: point map "${map.op}" is not run on-chain yet`);
      const outVars = layoutOf(step.outShape).numVars;
      const sym = symbols(0, outVars);
      const point = map.op === "transpose" ? transposePoint(layoutOf(map.inShape), map.perm, sym) : reshapePoint(map.inShape, step.outShape, sym);
      body.u8(MODEL_OP.pointMap, "op").gather(poolIndices(point, `${what}: point map`), `${what}: point map`);
      body.u8(MODEL_OP.routeAll, "op");
      counted(() => this.dest(body, source(0), taken));
    } else if (map.kind === "reindex" || map.kind === "concat") {
      body.u8(MODEL_OP.mergeMany, "op").u8(layoutOf(step.outShape).numVars, "merge variables");
      if (map.kind === "reindex") {
        body.u8(MODEL_OP.layer, "op").append(reindexProgram(map.layer));
        body.u8(MODEL_OP.route, "op").u8(1, "claims");
        counted(() => this.dest(body, source(0)));
      } else {
        body.u8(MODEL_OP.layer, "op").append(concatProgram(map.spec));
        body.u8(MODEL_OP.route, "op").u8(step.inputs.length, "claims");
        counted(() => step.inputs.forEach((_, j) => this.dest(body, source(j))));
      }
    } else {
      // A map kind this interpreter does not know yet (the plan grows with the prover).
      const other = map as { kind: string; op?: string };
      throw new UnsupportedStepError(`${what}: movement "${other.kind}" (${other.op ?? "?"}) is not run on-chain yet`);
    }
    const bytes = body.bytes();
    w.u8(MODEL_OP.take, "op").u16(this.tensor(step.outputs[0]), "tensor");
    w.u8(MODEL_OP.skipEmpty, "op").u32(bytes.length, "length").append(bytes);
    step.rescale.forEach((r, j) => {
      if (!r) return;
      this.requant(w, r);
      w.u8(MODEL_OP.route, "op").u8(1, "claims");
      this.dest(w, step.inputs[j]);
    });
  }
}

/** Π_a prefixIndicator(d_a, p_a) over every axis (Broadcast.sol format; power-of-two axes contribute 1). */
function indicator(w: ProgramWriter, shape: readonly number[]): void {
  const layout = layoutOf(shape);
  const axes = shape.map((d, a) => ({ d, ...layout.axes[a] })).filter((x) => 2 ** x.count !== x.d);
  w.u8(axes.length, "indicator axes");
  for (const x of axes) w.u32(x.d, "indicator dim").u8(x.start, "indicator start").u8(x.count, "indicator bits");
}

function keccakHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(keccak_256(bytes)).toString("hex")}`;
}
