/**
 * Sliding-window pooling over 1-3 spatial axes. One kernel reports, per output element, the max, the sum and
 * the number of in-bounds elements of its window; the operators build MaxPool and AveragePool from these
 * (exact on integers: max and sum only).
 */
import type { Tensor } from "../ir";

export interface PoolGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
  readonly outSpatial: readonly number[];
}

export interface PoolResult {
  readonly max: Float64Array;
  readonly sum: Float64Array;
  /** In-bounds elements per window (excludes padding). */
  readonly count: Float64Array;
  /** Window size counting padding but not the part beyond the padded input (count_include_pad). */
  readonly padded: Float64Array;
  readonly shape: number[];
}

function to3(xs: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - xs.length).fill(fill), ...xs];
}

/** Runs every window once. */
export function pool(x: Tensor, g: PoolGeometry): PoolResult {
  const [N, C] = x.shape;
  const [ID, IH, IW] = to3(x.shape.slice(2), 1);
  const [KD, KH, KW] = to3(g.kernel, 1);
  const [SD, SH, SW] = to3(g.strides, 1);
  const [DD, DH, DW] = to3(g.dilations, 1);
  const [PD, PH, PW] = to3(g.padsBegin, 0);
  const [ED, EH, EW] = to3(g.padsEnd, 0);
  const [OD, OH, OW] = to3(g.outSpatial, 1);
  const outPlane = OD * OH * OW;
  const n = N * C * outPlane;
  const max = new Float64Array(n);
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const padded = new Float64Array(n);
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * ID * IH * IW;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let m = -Infinity;
          let s = 0;
          let c = 0;
          let p = 0;
          for (let kd = 0; kd < KD; kd++) {
            const id = od * SD + kd * DD - PD;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * SH + kh * DH - PH;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * SW + kw * DW - PW;
                if (id < ID + ED && ih < IH + EH && iw < IW + EW) p++;
                if (id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW) continue;
                const v = x.data[base + (id * IH + ih) * IW + iw];
                if (v > m) m = v;
                s += v;
                c++;
              }
            }
          }
          max[o] = m;
          sum[o] = s;
          count[o] = c;
          padded[o] = p;
          o++;
        }
      }
    }
  }
  return { max, sum, count, padded, shape: [N, C, ...g.outSpatial] };
}
