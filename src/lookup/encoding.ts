/**
 * Byte encoding of a LogUp proof: 32-byte big-endian words in message order, each message's words contiguous
 * and in the order the transcript absorbs them (a Solidity verifier hashes calldata in place):
 *
 *   C_m (2) | C_h_1..C_h_k, C_g (2k + 2) | S_1..S_k, S_g (k + 1) | zero-check sum-check (3·n, n = max(n_f, n_t)) |
 *   h_1(rho)..h_k(rho), f_{1,0}(rho)..f_{k,a-1}(rho), g(rho), m(rho), t_c(rho) for the committed columns
 *   (k + k·a + 2 + c)
 *
 * G1 points as (x, y), infinity as (0, 0). The shape (k, a, n_f, n_t, c) is not encoded: the verifier knows it.
 */
import { concatBytes, decodeG1, encodeG1, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { decodeSumcheckProof, encodeSumcheckProof, SumcheckError } from "../sumcheck";
import { lookupShape } from "./protocol";
import { LookupError, type LookupProof, type LookupTable } from "./types";

const WORD = 32;
/** Degree of the joint zero-check (eq · h · f). */
const ZERO_CHECK_DEGREE = 3;

/** What the verifier knows of a proof's shape. */
export interface LookupProofShape {
  /** Witness columns k. */
  readonly columns: number;
  /** Table arity a. */
  readonly arity: number;
  /** Committed table columns c. */
  readonly committedColumns: number;
  /** Witness variables n_f and table variables n_t. */
  readonly witnessVars: number;
  readonly tableVars: number;
}

/** The proof shape of a lookup into `table` from witness columns of the given lengths. */
export function lookupProofShape(table: LookupTable, lengths: readonly number[]): LookupProofShape {
  return {
    columns: lengths.length,
    arity: table.columns.length,
    committedColumns: table.columns.filter((c) => c.kind === "committed").length,
    witnessVars: lookupShape(lengths).witnessVars,
    tableVars: table.numVars,
  };
}

/** Encoded size: 32 · (7 + 4k + k·a + 3·max(n_f, n_t) + c) bytes. */
export function lookupProofBytes(s: LookupProofShape): number {
  const words =
    7 +
    4 * s.columns +
    s.columns * s.arity +
    ZERO_CHECK_DEGREE * Math.max(s.witnessVars, s.tableVars) +
    s.committedColumns;
  return words * WORD;
}

/** Encodes a proof. */
export function encodeLookupProof(p: LookupProof): Uint8Array {
  const scalars = (xs: readonly bigint[]) => concatBytes(...xs.map(Fr.toBytes));
  return concatBytes(
    encodeG1(p.multiplicities),
    ...p.witnessHelpers.map(encodeG1),
    encodeG1(p.tableHelper),
    scalars([...p.witnessSums, p.tableSum]),
    encodeSumcheckProof(p.sumcheck),
    scalars([...p.witnessHelperEvals, ...p.witnessColumnEvals.flat()]),
    scalars([p.tableHelperEval, p.multiplicityEval, ...p.tableColumnEvals]),
  );
}

/** Decodes a proof of the given shape; refuses a wrong length or a malformed word, naming it and its offset. */
export function decodeLookupProof(bytes: Uint8Array, s: LookupProofShape): LookupProof {
  const expected = lookupProofBytes(s);
  if (bytes.length !== expected) throw new LookupError(`lookup proof: ${bytes.length} bytes, expected ${expected}`);
  let at = 0;
  const point = (what: string): G1Point => {
    try {
      return decodeG1(bytes, at);
    } catch {
      throw new LookupError(`lookup proof: ${what} (byte ${at}) is not a valid G1 point`);
    } finally {
      at += 2 * WORD;
    }
  };
  const scalar = (what: string): bigint => {
    try {
      return Fr.fromBytes(bytes, at);
    } catch {
      throw new LookupError(`lookup proof: ${what} (byte ${at}) is not canonical (>= r)`);
    } finally {
      at += WORD;
    }
  };
  const zeroCheckProof = (numVars: number) => {
    try {
      const proof = decodeSumcheckProof(bytes, numVars, ZERO_CHECK_DEGREE, at);
      at += numVars * ZERO_CHECK_DEGREE * WORD;
      return proof;
    } catch (e) {
      if (e instanceof SumcheckError) throw new LookupError(`lookup proof: zero-check: ${e.message}`);
      throw e;
    }
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const multiplicities = point("multiplicity commitment");
  const witnessHelpers = range(s.columns).map((i) => point(`witness helper commitment ${i}`));
  const tableHelper = point("table helper commitment");
  const witnessSums = range(s.columns).map((i) => scalar(`witness sum ${i}`));
  const tableSum = scalar("table sum");
  const sumcheck = zeroCheckProof(Math.max(s.witnessVars, s.tableVars));
  const witnessHelperEvals = range(s.columns).map((i) => scalar(`witness helper evaluation ${i}`));
  const witnessColumnEvals = range(s.columns).map((i) =>
    range(s.arity).map((c) => scalar(`witness column ${i} component ${c} evaluation`)),
  );
  const tableHelperEval = scalar("table helper evaluation");
  const multiplicityEval = scalar("multiplicity evaluation");
  const tableColumnEvals = range(s.committedColumns).map((j) => scalar(`table column evaluation ${j}`));
  return {
    multiplicities,
    witnessHelpers,
    tableHelper,
    witnessSums,
    tableSum,
    sumcheck,
    witnessHelperEvals,
    witnessColumnEvals,
    tableHelperEval,
    multiplicityEval,
    tableColumnEvals,
  };
}
