/**
 * The verifier-cost model of the transformer and LLM steps (ModelVerifierAttention.sol, ModelVerifierLlm.sol),
 * for `estimateVerifier` (./verifier-estimate.ts): per step, the proof words it reads, its sum-checks, the
 * table entries it evaluates (selectors, eq tables), its requantizations, EXT calls and openings of W. Word counts
 * follow the handlers' verify phases (src/prover/graph/nodes/*.ts) exactly; gas comes from the estimate's units.
 */
import type { ArgmaxNodeStep } from "../prover/graph/nodes/argmax";
import type { CausalSoftmaxNodeStep } from "../prover/graph/nodes/causal-softmax";
import type { DivNodeStep } from "../prover/graph/nodes/div";
import type { EmbeddingNodeStep } from "../prover/graph/nodes/gather-embedding";
import type { LogSoftmaxNodeStep } from "../prover/graph/nodes/log-softmax";
import type { NormNodeStep } from "../prover/graph/nodes/norm";
import type { RmsNormNodeStep } from "../prover/graph/nodes/rmsnorm";
import type { RopeNodeStep } from "../prover/graph/nodes/rope";
import type { SoftmaxNodeStep } from "../prover/graph/nodes/softmax";
import type { SplitNodeStep } from "../prover/graph/nodes/split";
import type { WhereNodeStep } from "../prover/graph/nodes/where";
import { MASK_WHERE_DEGREE, MASK_WHERE_HANDLER, type MaskWhereNodeStep } from "../prover/graph/nodes/where-mask";
import type { NodeStep, PlanRequant } from "../prover/graph/plan";
import { argmaxGeometry } from "../prover/layers/argmax";
import { divGeometry } from "../prover/layers/div";
import { normGeometry } from "../prover/layers/norm";
import { rmsNormGeometry } from "../prover/layers/rmsnorm";
import { ropeGeometry } from "../prover/layers/rope";
import { softmaxGeometry, type SoftmaxSpec } from "../prover/layers/softmax";
import { layoutOf } from "../prover/tensor";

/** What a step adds to the estimate (./verifier-estimate.ts keeps the totals). */
export interface CostSink {
  /** A sum-check of n rounds of degree d (its n·d words included). */
  sumcheck(n: number, d: number): void;
  /** Other proof words (evaluations, values). */
  words(k: number): void;
  /** Selector / eq-table entries the verifier evaluates. */
  entries(k: number): void;
  /** A requantization (its sum-check and words included). */
  requant(r: PlanRequant): void;
  /** EXT calls. */
  extension(k: number): void;
  /** Openings of W the step makes (each a batch-opening claim). */
  weightClaims(k: number): void;
}

/** Handlers the attention and LLM libraries run. */
export const ATTENTION_HANDLERS: ReadonlySet<string> = new Set(["softmax", "log-softmax", "causal-softmax", "norm", "div", "where", MASK_WHERE_HANDLER, "split", "rmsnorm", "rope", "embedding", "argmax"]);

/** A selector over x (the sum-check, its value, ~4 entries per padded index of each axis). */
function selector(shape: readonly number[], c: CostSink): void {
  const layout = layoutOf(shape);
  c.sumcheck(layout.numVars, 2);
  c.words(1);
  c.entries(4 * layout.paddedShape.reduce((acc, d) => acc + d, 0));
}

/** The row sum and the row max every softmax-like step ends with (y~ of the max, two selectors). */
function rowReductions(spec: SoftmaxSpec, c: CostSink): void {
  selector(spec.x, c);
  selector(spec.x, c);
  c.words(1);
}

function softmax(step: SoftmaxNodeStep, c: CostSink): void {
  const geo = softmaxGeometry(step.spec);
  c.extension(1);
  c.words(2 + 3 + geo.limbs);
  c.sumcheck(geo.layout.numVars, 3);
  rowReductions(step.spec, c);
}

/** Adds the cost of one attention / LLM step; returns false for a handler these libraries do not run. */
export function attentionStepCost(step: NodeStep, c: CostSink): boolean {
  switch (step.handler) {
    case "softmax":
      softmax(step as SoftmaxNodeStep, c);
      return true;
    case "causal-softmax": {
      const s = step as CausalSoftmaxNodeStep;
      softmax(s.inner, c);
      const layout = layoutOf(s.inner.spec.x);
      c.extension(1);
      c.sumcheck(layout.numVars, 3);
      c.words(2);
      // The masks: T prefix indicators and an eq table over one T axis, per claim and at the end.
      c.entries(3 * layout.paddedShape[1] * (1 + layout.axes[1].count));
      return true;
    }
    case "log-softmax": {
      const s = step as LogSoftmaxNodeStep;
      c.extension(2);
      c.requant(s.requant);
      c.words(2 + (s.reduce ? 1 : 2));
      rowReductions(s.spec, c);
      return true;
    }
    case "norm": {
      const s = step as NormNodeStep;
      const geo = normGeometry(s.spec);
      c.extension(3 + (s.reshape ? 2 : 0));
      for (const r of [s.requant, s.z, s.v]) c.requant(r);
      c.sumcheck(geo.layout.numVars, 3); // the affine part's Hadamard
      c.words(3);
      if (s.reshape) for (const v of [s.reshape.gamma, s.reshape.beta]) selector(v.layer.spec.x, c);
      c.words(geo.limbs.variance - 1 + 2 + geo.limbs.mu);
      c.sumcheck(geo.layout.numVars, 3);
      return true;
    }
    case "div": {
      const s = step as DivNodeStep;
      const geo = divGeometry(s.spec);
      c.extension(1);
      c.requant(s.requant);
      c.sumcheck(geo.layout.numVars, 3);
      c.words(4 + 2 * geo.limbs);
      return true;
    }
    case "where": {
      const s = step as WhereNodeStep;
      c.extension(1);
      c.sumcheck(layoutOf(s.out).numVars, 2); // a merge, when several claims reach the node
      c.words(s.inputs.length);
      for (const input of s.inputs) {
        selector(input.spec.x, c);
        c.entries(input.spec.out.reduce((p, d) => p * d, 1));
        if (input.rescale) c.requant(input.rescale.requant);
      }
      return true;
    }
    case MASK_WHERE_HANDLER: {
      // A merge when several claims reach y, one degree-3 sum-check, m~ and the sent values; m~ opens W.
      const s = step as MaskWhereNodeStep;
      const n = layoutOf(s.out).numVars;
      c.extension(1);
      c.sumcheck(n, 2);
      c.sumcheck(n, MASK_WHERE_DEGREE);
      c.words(1 + s.data.filter((d) => d.fill === null).length);
      c.weightClaims(1);
      for (const d of s.data) if (d.rescale) c.requant(d.rescale.requant);
      return true;
    }
    case "split": {
      // Per part: an aligned one re-gathers points (one EXT); any other merges and runs its Slice selector.
      const s = step as SplitNodeStep;
      for (const part of s.parts) {
        c.extension(1);
        if (part.slice === null) continue;
        c.sumcheck(layoutOf(part.shape).numVars, 2);
        c.words(1);
        selector(s.inShape, c);
      }
      return true;
    }
    case "rmsnorm": {
      const s = step as RmsNormNodeStep;
      const geo = rmsNormGeometry(s.spec);
      c.extension(1);
      c.requant(s.requant);
      c.sumcheck(geo.numVars, 4);
      c.sumcheck(geo.rowVars, 4);
      c.sumcheck(geo.numVars, 3);
      c.words(2 + geo.rLimbs + 1 + geo.rLimbs + 2 * geo.slackLimbs + 1);
      c.weightClaims(1);
      return true;
    }
    case "rope": {
      const s = step as RopeNodeStep;
      c.extension(1);
      c.requant(s.requant);
      c.sumcheck(ropeGeometry(s.spec).numVars, 3);
      c.words(3);
      c.weightClaims(2);
      return true;
    }
    case "embedding":
      void (step as EmbeddingNodeStep);
      c.extension(1);
      return true;
    case "argmax": {
      const geo = argmaxGeometry((step as ArgmaxNodeStep).spec);
      c.extension(1);
      c.words(geo.limbs + 2 + 2);
      c.sumcheck(geo.numVars, 3);
      return true;
    }
    default:
      return false;
  }
}
