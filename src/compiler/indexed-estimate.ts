/**
 * The verifier-cost model of the steps ModelVerifierIndexed.sol runs (integer Div by a constant, runtime-condition
 * Where, TopK, Scatter at runtime indices), for `estimateVerifier` (./verifier-estimate.ts): per step, the proof
 * words it reads, its sum-checks, the table entries it evaluates (eq tables of ramps and carried constants), its
 * requantizations, EXT calls and openings of W. Word counts follow the handlers' verify phases
 * (src/prover/graph/nodes/{exact-div,where-runtime,topk,scatter-runtime}.ts) with one claim on each output (the
 * plan alone does not say how many reach it).
 */
import type { CopiedInput } from "../prover/graph/nodes/copied-input";
import type { ExactDivNodeStep } from "../prover/graph/nodes/exact-div";
import type { RuntimeScatterNodeStep } from "../prover/graph/nodes/scatter-runtime";
import type { TopkNodeStep } from "../prover/graph/nodes/topk";
import type { RuntimeWhereNodeStep } from "../prover/graph/nodes/where-runtime";
import type { NodeStep } from "../prover/graph/plan";
import { exactDivGeometry } from "../prover/layers/exact-div";
import { scatterGeometry } from "../prover/layers/scatter";
import { topkGeometry } from "../prover/layers/topk";
import { layoutOf } from "../prover/tensor";
import type { CostSink } from "./attention-estimate";

/** Degree of the merge sum-check (several claims on an output become one) and of the Hadamard / selection ones. */
const MERGE_DEGREE = 2;
const PRODUCT_DEGREE = 3;

/** A committed constant operand (`<value>@<node>`, docs/prover.md) is opened on W at each of its claims. */
const isWeight = (tensor: string): boolean => tensor.includes("@");

/** The merge of several claims on an output of n variables (its sum-check and merged value). */
function merge(n: number, c: CostSink): void {
  c.sumcheck(n, MERGE_DEGREE);
  c.words(1);
}

/** The rescaled inputs' requantizations and the W openings of committed operands, `claims` each. */
function operands(inputs: readonly { op: CopiedInput; claims: number }[], c: CostSink): void {
  for (const { op, claims } of inputs) {
    if (op.rescale) c.requant(op.rescale.requant);
    if (isWeight(op.tensor)) c.weightClaims(claims);
  }
}

/** Adds the cost of one indexed step; returns false for a handler ModelVerifierIndexed does not run. */
export function indexedStepCost(step: NodeStep, c: CostSink): boolean {
  switch (step.handler) {
    case "exact-div": {
      // The quotient's m + 1 limb values per claim on y; no sum-check (the relations are linear at ρ).
      c.extension(1);
      c.words(exactDivGeometry((step as ExactDivNodeStep).spec).signLimbs + 1);
      return true;
    }
    case "where-runtime": {
      const s = step as RuntimeWhereNodeStep;
      const n = layoutOf(s.out).numVars;
      c.extension(1);
      merge(n, c);
      // P, Q; then two Hadamard IOPs (sum-check, both values).
      c.words(2);
      for (let i = 0; i < 2; i++) {
        c.sumcheck(n, PRODUCT_DEGREE);
        c.words(2);
      }
      operands([{ op: s.data[0], claims: 1 }, { op: s.data[1], claims: 2 }], c);
      return true;
    }
    case "topk": {
      const geo = topkGeometry((step as TopkNodeStep).spec);
      c.extension(1);
      // x, V, I at ρ; V, I at s'; the selection sum-check, H and x; the zero-check, H.
      c.words(5);
      c.sumcheck(geo.x.numVars, PRODUCT_DEGREE);
      c.words(2);
      c.sumcheck(geo.cube.numVars, PRODUCT_DEGREE);
      c.words(1);
      // The ramps c ↦ c on the first n (and k) entries, through eq tables.
      c.entries(geo.cube.paddedShape[1] + geo.cube.paddedShape[2]);
      return true;
    }
    case "scatter-runtime": {
      const s = step as RuntimeScatterNodeStep;
      const geo = scatterGeometry(s.spec);
      c.extension(1);
      merge(geo.data.numVars, c);
      // (Y): parts, the Hadamard of T and D, the update sum-check; (T), (O): T, I, the rows sum-check, S.
      c.words(3);
      c.sumcheck(geo.data.numVars, PRODUCT_DEGREE);
      c.words(2);
      c.sumcheck(geo.cube.numVars, PRODUCT_DEGREE);
      c.words(2 + 2);
      c.sumcheck(geo.data.numVars, PRODUCT_DEGREE);
      c.words(1);
      // A carried constant is evaluated through an eq table at each of its claims (data twice, updates once).
      if (s.data.kind === "constant") c.entries(2 * geo.data.paddedSize);
      if (s.updates.kind === "constant") c.entries(geo.index.paddedSize);
      const copied = [
        { op: s.data, claims: 2 },
        { op: s.updates, claims: 1 },
      ].flatMap(({ op, claims }) => (op.kind === "tensor" ? [{ op, claims }] : []));
      operands(copied, c);
      return true;
    }
    default:
      return false;
  }
}
