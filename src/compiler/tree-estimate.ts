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
    default:
      return exactStepCost(step, c);
  }
}
