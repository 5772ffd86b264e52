/**
 * The verifier-cost model of the tree models' integer steps (ModelVerifierTree.sol; program fragments in
 * ./program/tree.ts), and of the exact kinds a tree is otherwise made of (compare, logic, exact:
 * ModelVerifierExact.sol, ./program/exact.ts; the estimate counted only their fixed overhead before, which left
 * `xgboost` at 0.84× its measured gas), for `estimateVerifier` (./verifier-estimate.ts): per step, the proof words
 * it reads, its sum-checks, the eq-table entries it evaluates (a carried constant's MLE), its EXT calls and its
 * openings of W. Word counts follow the handlers' verify phases (src/prover/graph/nodes/{int-*,compare,logic,
 * exact}.ts) with ONE claim on each output (the plan does not say how many consumers claim it: a merge, when
 * several do, is one more sum-check); gas comes from the estimate's units.
 */
import type { ExactNodeStep } from "../prover/graph/nodes/exact";
import type { IntEqualNodeStep } from "../prover/graph/nodes/int-equal";
import type { IntGatherNodeStep } from "../prover/graph/nodes/int-gather";
import { rowsView } from "../prover/graph/nodes/int-gather-forms";
import type { IntConcatNodeStep } from "../prover/graph/nodes/int-move";
import type { IntMatMulNodeStep } from "../prover/graph/nodes/int-matmul";
import type { IntOneHotNodeStep } from "../prover/graph/nodes/int-onehot";
import type { LogicNodeStep } from "../prover/graph/nodes/logic";
import type { NodeStep } from "../prover/graph/plan";
import { intGatherGeometry, type IntGatherSpec } from "../prover/layers/int-gather";
import { matmulGeometry } from "../prover/layers/matmul";
import { layoutOf } from "../prover/tensor";
import type { CostSink } from "./attention-estimate";

/** A carried constant's MLE: one eq table over its padded layout. */
function constantEntries(shape: readonly number[], c: CostSink): void {
  c.entries(layoutOf(shape).paddedSize);
}

/** The one-hot rows IOP (EXT ROWS / inside ONEHOT): I~(ρ_K), a κ-round degree-2 sum-check, H~. */
function rows(spec: IntGatherSpec, c: CostSink): void {
  c.sumcheck(intGatherGeometry(spec).jVars, 2);
  c.words(2);
}

/** The rows IOP of a form (EXT ROWSC): C index values, a κ′-round degree-2 sum-check, H~. */
function formRows(step: IntGatherNodeStep, c: CostSink): void {
  const bits = rowsView(step).componentBits;
  c.sumcheck(bits.reduce((a, b) => a + b, 0), 2);
  c.words(bits.length + 1);
}

/**
 * A wide GatherElements (EXT SELECT: a (κ + m)-round degree-3 sum-check, H~ and E) or a GatherND (EXT MATMUL over
 * the padded columns, a carried table evaluated as D′ [n′, R]), then EXT ROWSC.
 */
function gatherFormCost(s: IntGatherNodeStep, c: CostSink, isWeight: (name: string) => boolean): void {
  c.extension(2);
  if (s.elements) c.sumcheck(layoutOf([...s.spec.index, s.spec.n]).numVars, 3);
  else c.sumcheck(layoutOf([s.spec.n]).numVars, 2);
  c.words(2);
  if (s.constant) constantEntries(s.elements ? s.spec.data : [s.spec.n, s.spec.r], c);
  else if (isWeight(s.data)) c.weightClaims(1);
  formRows(s, c);
}

/** An integer Concat (EXT CONCAT): each constant's MLE over Y, the sent parts, one selector per activation input. */
function intConcatCost(s: IntConcatNodeStep, c: CostSink): void {
  c.extension(1);
  const activations = s.parts.flatMap((p, j) => ("tensor" in p ? [s.spec.inShapes[j]] : []));
  c.words(activations.length - 1);
  for (const p of s.parts) if ("constant" in p) constantEntries(s.out, c);
  for (const shape of activations) {
    // A selector sum-check, its value and ~4 entries per padded index of each axis (as attention-estimate counts).
    const layout = layoutOf(shape);
    c.sumcheck(layout.numVars, 2);
    c.words(1);
    c.entries(4 * layout.paddedShape.reduce((acc, d) => acc + d, 0));
  }
}

/** True when an operand of `step` is a committed constant (an opening of W): named `<input>@<node>` by its compiler. */
function committed(step: NodeStep, name: string): boolean {
  return name.endsWith(`@${step.node}`);
}

/** A Hadamard IOP over `shape`: n rounds of degree 3, a and b. */
function hadamard(shape: readonly number[], c: CostSink): void {
  c.sumcheck(layoutOf(shape).numVars, 3);
  c.words(2);
}

/** The exact kinds (ModelVerifierExact): one EXT and the linear part's messages per claim; false for other handlers. */
function exactStepCost(step: NodeStep, c: CostSink): boolean {
  switch (step.handler) {
    case "compare":
      // δ's linear combination: qa's value (qb's is derived); the limbs and g are arena columns, counted there.
      c.extension(1);
      c.words(1);
      return true;
    case "logic": {
      const s = step as LogicNodeStep;
      if (s.form === "copy" || s.form === "not") {
        c.extension(s.form === "not" ? 1 : 0);
        return true;
      }
      c.extension(1);
      if (s.form !== "and") c.words(2); // a(r), b(r) of or / xor
      hadamard(s.out, c);
      return true;
    }
    case "exact": {
      const s = step as ExactNodeStep;
      c.extension(1);
      if (s.linear.iop === "hadamard") hadamard(s.out, c);
      else if (s.linear.iop === "lincomb") c.words(s.linear.operands.length - 1);
      if (s.constant) constantEntries(s.constant.shape, c);
      return true;
    }
    default:
      return false;
  }
}

/** Adds the cost of one tree step; returns false for a handler ModelVerifierTree / ModelVerifierExact do not run. */
export function treeStepCost(step: NodeStep, c: CostSink): boolean {
  const isWeight = (name: string) => committed(step, name);
  switch (step.handler) {
    case "int-gather": {
      const s = step as IntGatherNodeStep;
      if (s.elements || s.nd) {
        gatherFormCost(s, c, isWeight);
        return true;
      }
      // The selection Y = H·D (EXT MATMUL): κ rounds, H~ and D~.
      c.extension(1);
      c.sumcheck(intGatherGeometry(s.spec).jVars, 2);
      c.words(2);
      if (s.constant) constantEntries(s.spec.data, c);
      else if (isWeight(s.data)) c.weightClaims(1);
      if (s.column !== null) {
        c.extension(1);
        rows(s.spec, c);
      }
      return true;
    }
    case "int-onehot": {
      const s = step as IntOneHotNodeStep;
      c.extension(1);
      rows(s.spec, c);
      return true;
    }
    case "int-matmul": {
      const s = step as IntMatMulNodeStep;
      const g = matmulGeometry(s.spec);
      c.extension(1);
      c.sumcheck(g.kVars + g.batch.numVars, g.batchAxes > 0 ? 3 : 2);
      c.words(2);
      if (s.constant) constantEntries(s.spec.w, c);
      return true;
    }
    case "int-equal": {
      const s = step as IntEqualNodeStep;
      c.extension(1);
      c.sumcheck(layoutOf(s.out).numVars, 3);
      c.words(3 + s.operands.length - 1);
      if (s.constant) constantEntries(s.constant.shape, c);
      c.weightClaims(s.operands.filter((o) => isWeight(o.tensor)).length);
      return true;
    }
    case "int-concat":
      intConcatCost(step as IntConcatNodeStep, c);
      return true;
    default:
      return exactStepCost(step, c);
  }
}
