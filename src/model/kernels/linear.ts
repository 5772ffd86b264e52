/**
 * Linear kernels: batched matrix product and N-D (1-D/2-D/3-D) convolution and transposed convolution. They
 * sum products in float64, so on quantized integers they are exact while every partial sum stays below
 * 2^53 (the quantizer checks that bound from the shapes before running them).
 */
import type { Tensor } from "../ir";
import { sizeOf } from "../ir";
import { broadcastIndex, broadcastShapes } from "./broadcast";
import { make } from "./util";

/** C[m,n] += A[m,k] B[k,n] on flat row-major buffers at the given offsets. */
function gemmInto(a: Float64Array, ao: number, b: Float64Array, bo: number, c: Float64Array, co: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const crow = co + i * n;
    for (let p = 0; p < k; p++) {
      const av = a[ao + i * k + p];
      if (av === 0) continue;
      const brow = bo + p * n;
      for (let j = 0; j < n; j++) c[crow + j] += av * b[brow + j];
    }
  }
}

/** numpy.matmul semantics, including 1-D promotion and batch broadcasting. */
export function matmul(a: Tensor, b: Tensor, what: string): Tensor {
  const aShape = a.shape.length === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.shape.length === 1 ? [b.shape[0], 1] : [...b.shape];
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const n = bShape[bShape.length - 1];
  if (bShape[bShape.length - 2] !== k) {
    throw new Error(`${what}: cannot multiply [${a.shape.join(", ")}] by [${b.shape.join(", ")}]`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes([aBatch, bBatch], what);
  const nb = sizeOf(batch);
  const ai = broadcastIndex(aBatch, batch);
  const bi = broadcastIndex(bBatch, batch);
  const out = new Float64Array(nb * m * n);
  for (let t = 0; t < nb; t++) {
    const ta = ai === null ? t : ai[t];
    const tb = bi === null ? t : bi[t];
    gemmInto(a.data, ta * m * k, b.data, tb * k * n, out, t * m * n, m, k, n);
  }
  const shape = [...batch];
  if (a.shape.length !== 1) shape.push(m);
  if (b.shape.length !== 1) shape.push(n);
  return make(a.dtype, shape, out);
}

/** Convolution geometry, every list of length = number of spatial axes. */
export interface ConvGeometry {
  readonly group: number;
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Padding at the start of each spatial axis (ONNX pads' first half). */
  readonly padsBegin: readonly number[];
  readonly outSpatial: readonly number[];
}

/** Pads a spatial shape up to 3 axes (depth, height, width) with leading 1s / 0s. */
function to3(xs: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - xs.length).fill(fill), ...xs];
}

/**
 * y[n, oc, o...] = sum_{ic in group, k...} x[n, ic, o*stride + k*dilation - pad] * w[oc, ic, k...] (+ bias).
 * x: [N, C, spatial...], w: [M, C/group, kernel...].
 */
export function conv(x: Tensor, w: Tensor, bias: Float64Array | undefined, g: ConvGeometry): Tensor {
  const [N, C] = x.shape;
  const M = w.shape[0];
  const cg = C / g.group;
  const mg = M / g.group;
  const [ID, IH, IW] = to3(x.shape.slice(2), 1);
  const [KD, KH, KW] = to3(g.kernel, 1);
  const [SD, SH, SW] = to3(g.strides, 1);
  const [DD, DH, DW] = to3(g.dilations, 1);
  const [PD, PH, PW] = to3(g.padsBegin, 0);
  const [OD, OH, OW] = to3(g.outSpatial, 1);
  const inPlane = ID * IH * IW;
  const outPlane = OD * OH * OW;
  const out = new Float64Array(N * M * outPlane);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < M; oc++) {
      const grp = Math.floor(oc / mg);
      const obase = (n * M + oc) * outPlane;
      if (bias) out.fill(bias[oc], obase, obase + outPlane);
      for (let icg = 0; icg < cg; icg++) {
        const ic = grp * cg + icg;
        const ibase = (n * C + ic) * inPlane;
        for (let kd = 0; kd < KD; kd++) {
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const wv = w.data[(((oc * cg + icg) * KD + kd) * KH + kh) * KW + kw];
              if (wv === 0) continue;
              for (let od = 0; od < OD; od++) {
                const id = od * SD + kd * DD - PD;
                if (id < 0 || id >= ID) continue;
                for (let oh = 0; oh < OH; oh++) {
                  const ih = oh * SH + kh * DH - PH;
                  if (ih < 0 || ih >= IH) continue;
                  const orow = obase + (od * OH + oh) * OW;
                  const irow = ibase + (id * IH + ih) * IW;
                  for (let ow = 0; ow < OW; ow++) {
                    const iw = ow * SW + kw * DW - PW;
                    if (iw >= 0 && iw < IW) out[orow + ow] += wv * x.data[irow + iw];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return make(x.dtype, [N, M, ...g.outSpatial], out);
}

/**
 * Transposed convolution (the adjoint of {@link conv}): every input element scatters x * w into
 * y[n, oc, i*stride + k*dilation - pad]. w: [C, M/group, kernel...].
 */
export function convTranspose(x: Tensor, w: Tensor, bias: Float64Array | undefined, g: ConvGeometry): Tensor {
  const [N, C] = x.shape;
  const mg = w.shape[1];
  const M = mg * g.group;
  const cg = C / g.group;
  const [ID, IH, IW] = to3(x.shape.slice(2), 1);
  const [KD, KH, KW] = to3(g.kernel, 1);
  const [SD, SH, SW] = to3(g.strides, 1);
  const [DD, DH, DW] = to3(g.dilations, 1);
  const [PD, PH, PW] = to3(g.padsBegin, 0);
  const [OD, OH, OW] = to3(g.outSpatial, 1);
  const inPlane = ID * IH * IW;
  const outPlane = OD * OH * OW;
  const out = new Float64Array(N * M * outPlane);
  for (let n = 0; n < N; n++) {
    if (bias) for (let oc = 0; oc < M; oc++) out.fill(bias[oc], (n * M + oc) * outPlane, (n * M + oc + 1) * outPlane);
    for (let ic = 0; ic < C; ic++) {
      const grp = Math.floor(ic / cg);
      const ibase = (n * C + ic) * inPlane;
      for (let ocg = 0; ocg < mg; ocg++) {
        const oc = grp * mg + ocg;
        const obase = (n * M + oc) * outPlane;
        for (let kd = 0; kd < KD; kd++) {
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const wv = w.data[(((ic * mg + ocg) * KD + kd) * KH + kh) * KW + kw];
              if (wv === 0) continue;
              for (let id = 0; id < ID; id++) {
                const od = id * SD + kd * DD - PD;
                if (od < 0 || od >= OD) continue;
                for (let ih = 0; ih < IH; ih++) {
                  const oh = ih * SH + kh * DH - PH;
                  if (oh < 0 || oh >= OH) continue;
                  for (let iw = 0; iw < IW; iw++) {
                    const ow = iw * SW + kw * DW - PW;
                    if (ow >= 0 && ow < OW) out[obase + (od * OH + oh) * OW + ow] += wv * x.data[ibase + (id * IH + ih) * IW + iw];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return make(x.dtype, [N, M, ...g.outSpatial], out);
}
