/**
 * The verifier plan: a model compiled into plain data (numbers, bigints, strings, arrays — no closures), the
 * list of everything the verifier does in exact transcript order. The TypeScript verifier executes it
 * (./verify.ts, `executePlan`); the Solidity generator serializes the same plan into a byte program. Field
 * meanings: docs/prover.md ("The whole-model proof", "The verifier plan").
 *
 * Execution order: statement absorb → advice commitment A (when `advice` is not null) → the arena (`arena`) →
 * output claims (`outputs`, in order) → `nodes` in order (already reverse topological) → graph-input claims
 * (`inputs`) → the batch opening of `opening.polys`.
 *
 * Claim routing is by tensor name: every step consumes ALL claims collected so far on its `outputs` (from the
 * output step, from consumers processed earlier, from the arena's claims on its columns) and adds claims on its
 * inputs (a tensor name: collected for its producer or, for a graph input, evaluated by the verifier), on W
 * (a slot name in `weights`) or on A (a slot name in `advice`). Claims on one tensor are kept in the order they
 * were added.
 */
import type { ArenaShape } from "../../lookup/arena-types";
import type { ConcatSpec } from "../layers/concat";
import type { ConvSpec } from "../layers/conv";
import type { MatMulSpec } from "../layers/matmul";
import type { ReindexSpec } from "../layers/reindex";
import type { PublicRange } from "./statement";

/** Format tag of {@link VerifierPlan}; bumped on any change of meaning. */
export const VERIFIER_PLAN_FORMAT = "deepprove-verifier-plan/v1";

/** A runtime tensor the plan names: graph inputs/outputs and every activation that carries claims. */
export interface PlanTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Variables of its axis-padded layout (docs/prover.md, "Tensor layout"). */
  readonly numVars: number;
}

/** One slot of a slotted polynomial (W or A): the table `name` lives at (point ‖ selector). */
export interface PlanSlot {
  readonly name: string;
  /** Tensor shape for weights and advice columns; [2^n] for a table column. */
  readonly shape: readonly number[];
  readonly numVars: number;
  readonly offset: number;
  /** The slot's selector bits (little-endian), appended to a point on the slot to get a point on the polynomial. */
  readonly selector: readonly number[];
}

/** A slotted polynomial's layout. */
export interface PlanSlottedPoly {
  readonly numVars: number;
  readonly slots: readonly PlanSlot[];
}

/**
 * A graph input or output of the statement (packed in this order, each value in `width` bytes; `lo`, `hi`: the
 * range the model declares for it, src/prover/graph/statement.ts `publicRange`).
 */
export interface PlanValue extends PlanTensor, PublicRange {
  /** Float-typed inputs must hold values in [qmin, qmax] (the verifier checks the public bytes). */
  readonly clamped: boolean;
  /** Bool-typed values: the verifier checks an input's public values are 0 or 1 (exact logic relies on it). */
  readonly boolean?: true;
  /** For a graph output that is a constant: its integer values (checked against the output bytes, no claim). */
  readonly constant?: readonly number[];
}

/**
 * One requantization (docs/prover.md, "Requantization"): a list of claims on `y` (its tensor) → one sum-check
 * (`numVars` rounds, `degree`) → one claim on acc at ρ′ and openings of A for σ, rem and e at ρ′. The arena
 * columns `clampColumn` (y, σ) and `rangeColumns` (rem limbs, scaled top limb when `scaledTop`, e limbs) are the
 * step's; their claims become a claim on y (CLAMP component 0) and openings of A (σ, limbs).
 */
export interface PlanRequant {
  /** The tensor requantized (the claims consumed). */
  readonly y: string;
  readonly shape: readonly number[];
  readonly numVars: number;
  readonly multiplier: bigint;
  readonly shift: number;
  readonly bits: number;
  readonly accBound: bigint;
  /** Clamp bounds of y (qmin, qmax unless a ReLU / Clip is fused in). */
  readonly lo: bigint;
  readonly hi: bigint;
  /** Limb width L of every range-checked limb (the model's, `chooseLimbBits`). */
  readonly limbBits: number;
  readonly remLimbs: number;
  readonly remTopBits: number;
  readonly eLimbs: number;
  /** Limbs of u = y − lo and of ū = hi − y each. */
  readonly uLimbs: number;
  readonly degree: number;
  /**
   * The step's A slots, the groups of its advice tables (`requantGroupShapes`: [2^(m_g), ...shape], m_0 > m_1 > …,
   * k's binary decomposition): the saturation flags p, q, rem limbs, e limbs, u limbs, committed ū limbs (each low
   * first) in that order across the groups, a group's table j at j·2^n.
   */
  readonly advice: readonly string[];
  /** Arena column indices (RANGE; widths `requantRangeWidths`): rem limbs, e limbs, u limbs, ū limbs or the derived ū. */
  readonly rangeColumns: readonly number[];
}

/** The linear part of a node, acc = f(inputs), proved by one IOP from a claim on acc. */
export type PlanLinear =
  | { readonly iop: "matmul"; readonly spec: MatMulSpec; readonly x: string; readonly w: string; readonly bias: string | null; readonly rounds: number; readonly degree: number }
  | { readonly iop: "conv"; readonly spec: ConvSpec; readonly x: string; readonly w: string; readonly bias: string | null }
  | {
      readonly iop: "lincomb";
      readonly outShape: readonly number[];
      /** acc = Σ_i coeff_i·operand_i (broadcast). The last operand's value is derived, the others sent. */
      readonly operands: readonly { readonly tensor: string; readonly shape: readonly number[]; readonly coeff: bigint }[];
    }
  | { readonly iop: "hadamard"; readonly outShape: readonly number[]; readonly a: string; readonly aShape: readonly number[]; readonly b: string; readonly bShape: readonly number[] }
  | { readonly iop: "window"; readonly spec: ReindexSpec; readonly x: string }
  /**
   * acc = x ⊙ γ + β with γ, β committed as flat tensors of x's size (channel-affine): the prover sends β at the
   * claim's point, then a Hadamard of x and γ on the rest; flat points map to x's layout by `reshapePoint`.
   */
  | { readonly iop: "affine"; readonly outShape: readonly number[]; readonly x: string; readonly gamma: string; readonly beta: string; readonly flatShape: readonly number[] }
  | { readonly iop: "identity"; readonly x: string };

/** Base of every node step: which node, and which tensors' claims it consumes. */
export interface NodeStepBase {
  readonly node: string;
  readonly op: string;
  /** The plan kind (docs/quantization.md). */
  readonly kind: string;
  /** The handler that executes the step (src/prover/graph/nodes/index.ts). */
  readonly handler: string;
  /** Tensors whose claims the step consumes. */
  readonly outputs: readonly string[];
}

/** `requant(linear(inputs))`: linear, add, scale, mul, avgpool. */
export interface RequantNodeStep extends NodeStepBase {
  readonly handler: "requant";
  readonly requant: PlanRequant;
  readonly linear: PlanLinear;
}

/**
 * A unary activation table: y committed in A (`y`), one arena column (x + c·pad, y) against table `table`
 * (`padOffset` = c, or null when T[0] = 0 and no offset is needed). Claims on y are openings of A; the arena's
 * component-0 claim minus c·pad(ρ) is the claim on x.
 */
export interface TableNodeStep extends NodeStepBase {
  readonly handler: "table";
  readonly x: string;
  readonly shape: readonly number[];
  readonly y: string;
  readonly column: number;
  readonly padOffset: bigint | null;
}

/**
 * A re-indexing node: claims on the output become claims on the inputs (rescaled first when `rescale[j]` is not
 * null: the input's requant then turns the claims on the rescaled copy into claims on the input itself).
 * `map`: "point" maps each claim's point (Transpose, power-of-two-aligned Reshape, Identity, Squeeze, Unsqueeze,
 * Gather of one constant index, Expand: no messages); "reindex" merges the claims (when several) and runs one selector sum-check; "concat" merges and
 * runs Concat's parts + selectors.
 */
export interface MovementNodeStep extends NodeStepBase {
  readonly handler: "movement";
  readonly outShape: readonly number[];
  readonly map:
    | { readonly kind: "point"; readonly op: "reshape" | "transpose"; readonly inShape: readonly number[]; readonly perm: readonly number[] }
    /** Gather of one constant index on `axis`: the input point is the output point with the index's bits inserted. */
    | { readonly kind: "point"; readonly op: "index"; readonly inShape: readonly number[]; readonly axis: number; readonly index: number }
    | { readonly kind: "reindex"; readonly layer: ReindexSpec }
    | { readonly kind: "concat"; readonly spec: ConcatSpec };
  /** The data inputs (tensor names), in order. */
  readonly inputs: readonly string[];
  /** Per input: the tensor name of its rescaled copy and its requant, or null. */
  readonly rescale: readonly (PlanRequant | null)[];
}

/**
 * Any node step: {@link RequantNodeStep}, {@link TableNodeStep}, {@link MovementNodeStep}, or a step of another
 * handler (each node file documents its own step interface extending {@link NodeStepBase}).
 */
export type NodeStep = NodeStepBase;

/** The whole plan. */
export interface VerifierPlan {
  readonly format: typeof VERIFIER_PLAN_FORMAT;
  /** The model digest (the plan is compiled from the model that hashes to it). */
  readonly digest: string;
  /** W's commitment (0x + 128 hex digits, x ‖ y) and the SRS's G2 elements (0x + 256 hex digits, `encodeG2`). */
  readonly commitment: string;
  readonly g2: string;
  readonly tauG2: string;
  readonly bits: number;
  /** Graph inputs / outputs in graph order (the packed statement bytes follow this order). */
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  /** Every activation tensor that carries claims. */
  readonly tensors: readonly PlanTensor[];
  /** W: weights and fixed table columns (`table:<id>:<column>`). Poly id "W". */
  readonly weights: PlanSlottedPoly;
  /** A: per-proof advice columns (`<node>:<column>`); null when there are none (nothing committed or absorbed). */
  readonly advice: PlanSlottedPoly | null;
  /** The arena: tables (external columns name their W slots in `tableSlots`) and witness columns in order. */
  readonly arena: ArenaShape;
  /** Per arena table (same order): the W slot of each column, or null for a range column. */
  readonly tableSlots: readonly (readonly (string | null)[])[];
  /** Node steps in walk order (reverse topological). */
  readonly nodes: readonly NodeStep[];
  /** The batch opening's polynomials in commitment order: "W", then "A", "M", "H" when present. */
  readonly opening: { readonly polys: readonly ("W" | "A" | "M" | "H")[] };
  /**
   * Chunk width c (log2 of entries) of the per-proof commitments, or null (unchunked: every ONNX model). When
   * set, A, M and H of more than 2^c entries are each committed as 2^(n−c) chunk commitments (src/pcs/chunked.ts,
   * docs/hyperkzg.md "Chunked commitments"); W stays one commitment. Fixed by the model digest (the statement's
   * `chunkBits`).
   */
  readonly chunkBits: number | null;
}
