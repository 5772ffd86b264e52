/**
 * The three forms of a runtime-gather step (./int-gather.ts) and what differs between them: H's shape, the rows
 * view (../../layers/int-gather.ts), the index components and where their claims go, the column each row selects
 * and the gathered values the witness checks.
 * - narrow: Gather, and GatherElements whose non-gathered data axes all have size 1 (`spec` alone): H [K, n];
 * - elements: GatherElements over wide data axes (`step.elements`): H [...index, n], the selection sum-check of
 *   ../../layers/int-gather-elements.ts;
 * - nd: GatherND, batch_dims 0 (`step.nd`): H [K, n′] over the padded coordinates, C index components
 *   (../../layers/int-gather-nd.ts), the selection by the MatMul IOP as for narrow.
 */
import type { IntGatherSpec, OneHotRowsView } from "../../layers/int-gather";
import { narrowRowsView } from "../../layers/int-gather";
import { gatherElementsGeometry, type GatherElementsSpec } from "../../layers/int-gather-elements";
import { gatherNdGeometry, ndColumn, ndIndexPoint, type GatherNdGeometry } from "../../layers/int-gather-nd";
import { forEachIndex, LayoutError, layoutOf, reshapePoint } from "../../tensor";

/** The form-specific fields of a runtime-gather step (added to the narrow step's; absent for narrow). */
export interface IntGatherForm {
  readonly spec: IntGatherSpec;
  /** Wide GatherElements: the gathered axis. */
  readonly elements?: { readonly axis: number };
  /** GatherND: the data dims d_0 … d_{C−1} the index components address. */
  readonly nd?: { readonly dims: readonly number[] };
}

export function elementsSpec(step: IntGatherForm): GatherElementsSpec {
  return { data: step.spec.data, index: step.spec.index, axis: step.elements!.axis };
}

export function ndGeometry(step: IntGatherForm): GatherNdGeometry {
  return gatherNdGeometry(step.spec.data, step.spec.index, step.spec.out);
}

/** The shape of H (its A slot). */
export function oneHotShape(step: IntGatherForm): number[] {
  const { spec } = step;
  return step.elements ? [...spec.index, spec.n] : [spec.k, spec.n];
}

/** The rows view of H. */
export function rowsView(step: IntGatherForm): OneHotRowsView {
  if (step.elements) return { kShape: step.spec.index, componentBits: [gatherElementsGeometry(elementsSpec(step)).jVars] };
  if (step.nd) return ndGeometry(step).view;
  return narrowRowsView(step.spec);
}

/** The index components, each one value per row of H's K part (row-major). */
export function indexComponents(step: IntGatherForm, index: ArrayLike<number>): ArrayLike<number>[] {
  if (!step.nd) return [index];
  const c = step.nd.dims.length;
  const k = step.spec.k;
  return step.nd.dims.map((_, comp) => Array.from({ length: k }, (__, row) => index[row * c + comp]));
}

/** The points on the index tensor of the components' values at ρ_K. */
export function indexPoints(step: IntGatherForm, rhoK: readonly bigint[]): bigint[][] {
  const { spec } = step;
  if (step.elements) return [[...rhoK]];
  if (step.nd) {
    const geo = ndGeometry(step);
    return step.nd.dims.map((_, c) => ndIndexPoint(geo, spec.index, c, rhoK));
  }
  return [reshapePoint(spec.index, [spec.k], rhoK)];
}

/**
 * H's padded table, after checking every index component lies in its axis ([0, n) or [0, d_c)).
 * @throws {LayoutError} naming the first index outside (negative runtime indices are not proved)
 */
export function oneHotTableOf(step: IntGatherForm, index: ArrayLike<number>): bigint[] {
  const view = rowsView(step);
  const colVars = view.componentBits.reduce((a, b) => a + b, 0);
  const limits = step.nd ? step.nd.dims : [step.spec.n];
  const comps = indexComponents(step, index);
  const out = new Array<bigint>(layoutOf(oneHotShape(step)).paddedSize).fill(0n);
  forEachIndex(layoutOf(view.kShape), (flat, padded) => {
    const coords = comps.map((comp, c) => {
      const i = comp[flat];
      if (!Number.isInteger(i) || i < 0 || i >= limits[c]) throw new LayoutError(`index ${i} at position ${flat}${step.nd ? ` (component ${c})` : ""} is outside [0, ${limits[c]}) (negative runtime indices are not proved)`);
      return i;
    });
    const column = step.nd ? ndColumn(ndGeometry(step), coords) : coords[0];
    out[padded * 2 ** colVars + column] = 1n;
  });
  return out;
}

/** H as row-major integers [K, n] (the MatMul prover's X; narrow and nd forms). */
export function oneHotMatrix(step: IntGatherForm, index: ArrayLike<number>): number[] {
  const { spec } = step;
  const comps = indexComponents(step, index);
  const geo = step.nd ? ndGeometry(step) : null;
  const out = new Array<number>(spec.k * spec.n).fill(0);
  for (let k = 0; k < spec.k; k++) out[k * spec.n + (geo ? ndColumn(geo, comps.map((c) => c[k])) : index[k])] = 1;
  return out;
}

/** The flat data position each output entry reads (for the witness's check of the trace), in output order. */
export function gatheredPositions(step: IntGatherForm, index: ArrayLike<number>): number[] {
  const { spec } = step;
  const strides = (s: readonly number[]) => s.map((_, a) => s.slice(a + 1).reduce((p, d) => p * d, 1));
  if (step.elements) {
    const axis = step.elements.axis;
    const ds = strides(spec.data);
    const is = strides(spec.index);
    const total = spec.index.reduce((p, d) => p * d, 1);
    return Array.from({ length: total }, (_, flat) =>
      spec.index.reduce((at, _d, a) => at + (a === axis ? index[flat] : Math.floor(flat / is[a]) % spec.index[a]) * ds[a], 0),
    );
  }
  const rows = step.nd ? ndRows(step, index) : Array.from({ length: spec.k }, (_, k) => index[k]);
  return rows.flatMap((row) => Array.from({ length: spec.r }, (_, t) => row * spec.r + t));
}

/** Per index row of a GatherND, the flat row of D (as [Π d_c, R]) it reads. */
function ndRows(step: IntGatherForm, index: ArrayLike<number>): number[] {
  const dims = step.nd!.dims;
  const c = dims.length;
  return Array.from({ length: step.spec.k }, (_, k) => dims.reduce((at, d, comp) => at * d + index[k * c + comp], 0));
}

/**
 * Test hook of a dishonest prover (the driver's `unsafe`): H as the traced output would have it — each row's one
 * at the first column whose data equals the traced output there (the index's column when none does or when the
 * output is the honest one). A forged output that copies another data entry then passes the selection, and only
 * the rows IOP can reject it. `matrix` is D as the selection reads it ([n, R] for narrow / nd, D for elements).
 */
export function tracedOneHot(step: IntGatherForm, index: ArrayLike<number>, matrix: ArrayLike<number>, y: ArrayLike<number>): bigint[] {
  const honest = oneHotTableOf(step, index);
  const view = rowsView(step);
  const colVars = view.componentBits.reduce((a, b) => a + b, 0);
  const { spec } = step;
  const out = new Array<bigint>(honest.length).fill(0n);
  if (step.elements) {
    const positions = gatheredPositions(step, index);
    const stride = spec.data.slice(step.elements.axis + 1).reduce((p, d) => p * d, 1);
    forEachIndex(layoutOf(spec.index), (flat, padded) => {
      const base = positions[flat] - index[flat] * stride;
      let col = index[flat];
      if (matrix[positions[flat]] !== y[flat]) for (let j = spec.n - 1; j >= 0; j--) if (matrix[base + j * stride] === y[flat]) col = j;
      out[padded * 2 ** colVars + col] = 1n;
    });
    return out;
  }
  const rowEquals = (j: number, k: number) => Array.from({ length: spec.r }, (_, t) => matrix[j * spec.r + t] === y[k * spec.r + t]).every(Boolean);
  for (let k = 0; k < spec.k; k++) {
    let col = honest.slice(k * 2 ** colVars, (k + 1) * 2 ** colVars).indexOf(1n);
    if (!rowEquals(col, k)) for (let j = spec.n - 1; j >= 0; j--) if (rowEquals(j, k)) col = j;
    out[k * 2 ** colVars + col] = 1n;
  }
  return out;
}

/** H's padded table as the row-major [K, n] integers the MatMul prover takes (narrow and nd forms). */
export function matrixOfTable(step: IntGatherForm, table: readonly bigint[]): number[] {
  const { spec } = step;
  const colVars = rowsView(step).componentBits.reduce((a, b) => a + b, 0);
  return Array.from({ length: spec.k * spec.n }, (_, i) => Number(table[Math.floor(i / spec.n) * 2 ** colVars + (i % spec.n)]));
}
