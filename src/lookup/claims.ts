/**
 * The claims a LogUp proof reduces to, derived identically by prover and verifier from the proof's messages
 * and the zero-check point rho.
 */
import * as Fr from "../field/fr";
import type { OpeningClaim } from "../pcs/batch";
import { halfPoint, type LookupShape } from "./protocol";
import type { LookupClaims, LookupProof, LookupTable } from "./types";

/**
 * The claims a lookup proof reduces to (the verifier calls this after its checks): openings of m, g, h_i and
 * each committed table column at the zero-check point rho with the sent values, of h_i and g at (1/2, ...) with
 * S/2^n; and the witness claims f_{i,c}(rho).
 */
export function lookupClaims(
  table: LookupTable,
  shape: LookupShape,
  proof: LookupProof,
  point: readonly bigint[],
): LookupClaims {
  const k = shape.lengths.length;
  const mIndex = 0;
  const gIndex = k + 1;
  const witnessHalf = halfPoint(shape.witnessVars);
  const tableHalf = halfPoint(table.numVars);
  const openings: OpeningClaim[] = [
    { poly: mIndex, point, value: proof.multiplicityEval },
    { poly: gIndex, point, value: proof.tableHelperEval },
    { poly: gIndex, point: tableHalf.point, value: Fr.mul(proof.tableSum, tableHalf.scale) },
  ];
  for (let i = 0; i < k; i++) {
    openings.push({ poly: 1 + i, point, value: proof.witnessHelperEvals[i] });
    openings.push({ poly: 1 + i, point: witnessHalf.point, value: Fr.mul(proof.witnessSums[i], witnessHalf.scale) });
  }
  const commitments = [proof.multiplicities, ...proof.witnessHelpers, proof.tableHelper];
  let next = 0;
  for (const column of table.columns) {
    if (column.kind !== "committed") continue;
    openings.push({ poly: commitments.length, point, value: proof.tableColumnEvals[next++] });
    commitments.push(column.commitment);
  }
  return {
    commitments,
    openings,
    witnessPoint: [...point],
    witnessClaims: proof.witnessColumnEvals.map((r) => [...r]),
  };
}
