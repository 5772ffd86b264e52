/**
 * The background MSM queue (src/msm/queue.ts, native/src/msm_queue.cc): every queued MSM equals `msm` on the same
 * bases and scalars — random and edge scalars (0, 1, r − 1, small negatives), sizes 1 and odd, base offsets, many
 * jobs — in push order, with the native queue and with the portable backend (pushes run at once); wait() empties
 * the queue for reuse; a non-canonical scalar is reported by wait(); close() drops pending jobs.
 */
import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { G1Bases, loadNative, msm } from "../../src/msm";
import { MsmQueue } from "../../src/msm/queue";
import { insecureDevSrs } from "../../src/pcs/srs";
import { randomFrs } from "../prover/helpers";

const R = Fr.MODULUS;
const native = loadNative();
const srs = insecureDevSrs(256);

/** Packed canonical words of bigints. */
function pack(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  values.forEach((v, i) => {
    for (let b = 0; b < 32; b++) out[i * 32 + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  });
  return out;
}

const edge = [0n, 1n, R - 1n, R - 2n, 5n, R - 7n, (R - 1n) / 2n];
const jobs: { offset: number; scalars: bigint[] }[] = [
  { offset: 0, scalars: [1n] },
  { offset: 3, scalars: edge },
  { offset: 0, scalars: randomFrs(33, "queue-a") },
  { offset: 17, scalars: randomFrs(101, "queue-b") },
  { offset: 255, scalars: [R - 1n] },
  { offset: 40, scalars: new Array<bigint>(64).fill(0n) },
  { offset: 128, scalars: Array.from({ length: 128 }, (_, i) => Fr.fromSigned((i * 7919) % 4001 - 2000)) },
];
const expected = () => jobs.map((j) => msm(G1Bases.fromPoints(srs.g1Powers.toPoints().slice(j.offset, j.offset + j.scalars.length)), j.scalars));

function withBackend<T>(name: string, body: () => T): T {
  const saved = process.env.DEEPPROVE_MSM_BACKEND;
  process.env.DEEPPROVE_MSM_BACKEND = name;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
    else process.env.DEEPPROVE_MSM_BACKEND = saved;
  }
}

function runQueue(queue: MsmQueue) {
  for (const j of jobs) queue.push(srs.g1Powers, j.offset, pack(j.scalars));
  return queue.wait();
}

describe("MsmQueue", () => {
  it("runs in the background with the native backend", function () {
    if (!native) this.skip();
    expect(new MsmQueue().background).to.equal(true);
  });

  it("equals msm() on every job, in push order, and is reusable after wait()", function () {
    if (!native) this.skip();
    const want = expected();
    const queue = new MsmQueue();
    const first = runQueue(queue);
    first.forEach((p, i) => expect(p.equals(want[i]), `job ${i}`).to.equal(true));
    const second = runQueue(queue);
    second.forEach((p, i) => expect(p.equals(want[i]), `job ${i} again`).to.equal(true));
    expect(queue.wait()).to.deep.equal([]);
    expect(first[5].equals(G1.ZERO)).to.equal(true);
  });

  it("gives the same points with the portable backend (pushes run at once)", () => {
    const want = withBackend("native", () => (native ? expected() : null)) ?? expected();
    const got = withBackend("portable", () => {
      const queue = new MsmQueue();
      expect(queue.background).to.equal(false);
      return runQueue(queue);
    });
    got.forEach((p, i) => expect(p.equals(want[i]), `job ${i}`).to.equal(true));
  });

  it("reports a non-canonical scalar at wait(), naming the job", function () {
    if (!native) this.skip();
    const queue = new MsmQueue();
    queue.push(srs.g1Powers, 0, pack([1n, 2n]));
    queue.push(srs.g1Powers, 0, pack([3n, R]));
    expect(() => queue.wait()).to.throw(RangeError, /job 1: scalar 1 is not a canonical Fr element/);
    queue.push(srs.g1Powers, 0, pack([2n]));
    expect(queue.wait()[0].equals(G1.BASE.multiply(2n))).to.equal(true);
  });

  it("refuses scalars past the bases and bad byte lengths", () => {
    const queue = new MsmQueue();
    expect(() => queue.push(srs.g1Powers, 250, pack(randomFrs(7, "past")))).to.throw(RangeError, /7 scalars at base 250, but only 256 bases/);
    expect(() => queue.push(srs.g1Powers, 0, new Uint8Array(33))).to.throw(RangeError, /not whole 32-byte words/);
    queue.close();
  });

  it("close() drops pending jobs and leaves the queue usable", function () {
    if (!native) this.skip();
    const queue = new MsmQueue();
    for (let i = 0; i < 20; i++) queue.push(srs.g1Powers, 0, pack(randomFrs(200, `close-${i}`)));
    queue.close();
    queue.close();
    queue.push(srs.g1Powers, 1, pack([1n]));
    expect(queue.wait()[0].equals(srs.g1Powers.at(1))).to.equal(true);
  });
});
