/** Helpers of the select / reduce / prelu IOP tests: true claims, tampered proof copies, MLE checks. */
import { expect } from "chai";
import { MODULUS } from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import type { Claim } from "../../src/prover/claims";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { randomFrs } from "./helpers";

/** A true claim on `t` at a seeded random point. */
export function claimOn(t: { shape: readonly number[]; data: ArrayLike<number> }, seed: string): Claim {
  const layout = layoutOf(t.shape);
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateTensor(layout, t.data, point) };
}

/** True when the tensor's MLE takes the claimed value. */
export function tensorHolds(t: { shape: readonly number[]; data: ArrayLike<number> }, c: Claim): boolean {
  return evaluateTensor(layoutOf(t.shape), t.data, c.point) === c.value;
}

/** True when the padded table's MLE takes the claimed value. */
export function tableHolds(table: readonly bigint[], c: Claim): boolean {
  return c.point.length === Math.log2(table.length) && evaluateMle(table, c.point) === c.value;
}

export function expectTensorClaim(t: { shape: readonly number[]; data: ArrayLike<number> }, c: Claim, what: string): void {
  expect(evaluateTensor(layoutOf(t.shape), t.data, c.point), what).to.equal(c.value);
}

/** Every copy of `proof` with one bigint leaf changed (+1 mod r), labelled by its path. */
export function tamperedCopies<P>(proof: P): { path: string; proof: P }[] {
  const out: { path: string; proof: P }[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (typeof node === "bigint") {
      out.push({ path: path.join("."), proof: replaceAt(proof, path, (node + 1n) % MODULUS) as P });
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
    } else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    }
  };
  walk(proof, []);
  return out;
}

function replaceAt(node: unknown, path: readonly (string | number)[], value: bigint): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(node)) return node.map((v, i) => (i === head ? replaceAt(v, rest, value) : v));
  const obj = node as Record<string, unknown>;
  return { ...obj, [head]: replaceAt(obj[head], rest, value) };
}

export { randomFrs };
