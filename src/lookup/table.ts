/**
 * Lookup tables: building them (range, function, arbitrary) and evaluating their columns. A range column is
 * never committed — its MLE has the closed form lo + sum_i 2^i·y_i — so a range check or the input side of a
 * full-domain activation table costs the verifier O(n) field operations and nothing in the batch opening.
 */
import { G1 } from "../curve/bn254";
import * as Fr from "../field/fr";
import { HyperKZG } from "../pcs/hyperkzg";
import type { Srs } from "../pcs/srs";
import { LookupError, type LookupTable, type TableColumn } from "./types";

/** Largest table this module builds in memory (2^24 rows; an activation over 16-bit inputs is 2^16). */
export const MAX_TABLE_VARS = 24;

/** The range table [lo, lo + 2^bits): one range column (a range check). */
export function rangeTable(lo: bigint | number, bits: number): LookupTable {
  assertBits(bits);
  return { numVars: bits, columns: [{ kind: "range", lo: Fr.fromSigned(lo) }] };
}

/**
 * The table of a function on the full input domain [lo, lo + 2^bits): row y is (x, fn_1(x), fn_2(x), ...) with
 * x = lo + y as a signed integer. The input column is a range column; every output column is committed.
 * Outputs are integers (negative ones map to r - |v|).
 */
export function functionTable(
  srs: Srs,
  lo: bigint | number,
  bits: number,
  ...fns: readonly ((x: bigint) => bigint | number)[]
): LookupTable {
  assertBits(bits);
  if (fns.length === 0) throw new RangeError("functionTable: give at least one output function");
  const start = BigInt(lo);
  const outputs = fns.map((fn) => Array.from({ length: 2 ** bits }, (_, y) => Fr.fromSigned(fn(start + BigInt(y)))));
  return {
    numVars: bits,
    columns: [{ kind: "range", lo: Fr.fromSigned(start) }, ...outputs.map((v) => committedColumn(srs, v))],
  };
}

/**
 * An arbitrary table from its columns (all of one length >= 1, canonical Fr), every column committed. A length
 * that is not a power of two is padded by repeating row 0: a repeated row adds no new tuple to the table.
 */
export function committedTable(srs: Srs, columns: readonly (readonly bigint[])[]): LookupTable {
  if (columns.length === 0) throw new RangeError("committedTable: no columns");
  const rows = columns[0].length;
  if (rows === 0) throw new RangeError("committedTable: empty table");
  columns.forEach((c, j) => {
    if (c.length !== rows)
      throw new RangeError(`committedTable: column ${j} has ${c.length} rows, column 0 has ${rows}`);
  });
  let numVars = 0;
  while (2 ** numVars < rows) numVars++;
  assertBits(numVars);
  const padded = columns.map((c) => [...c, ...new Array<bigint>(2 ** numVars - rows).fill(c[0])]);
  return { numVars, columns: padded.map((v) => committedColumn(srs, v)) };
}

/** A committed column with its values (prover side). */
export function committedColumn(srs: Srs, values: readonly bigint[]): TableColumn {
  return { kind: "committed", commitment: HyperKZG.commit(srs, values), values };
}

/** The verifier's view of a table: committed columns without their values. */
export function verifierTable(table: LookupTable): LookupTable {
  return {
    numVars: table.numVars,
    columns: table.columns.map((c) => (c.kind === "range" ? c : { kind: "committed", commitment: c.commitment })),
  };
}

/** The 2^numVars values of column `index` of `table` (a committed column must carry its values). */
export function columnValues(table: LookupTable, index: number): bigint[] {
  const column = table.columns[index];
  const size = 2 ** table.numVars;
  if (column.kind === "range") {
    const out = new Array<bigint>(size);
    for (let y = 0; y < size; y++) out[y] = Fr.reduce(column.lo + BigInt(y));
    return out;
  }
  if (!column.values)
    throw new LookupError(`lookup table column ${index} is committed but has no values (prover side)`);
  if (column.values.length !== size) {
    throw new LookupError(
      `lookup table column ${index} has ${column.values.length} values, expected 2^${table.numVars}`,
    );
  }
  column.values.forEach((v, y) => Fr.assertFr(v, `lookup table column ${index}, row ${y}`));
  return [...column.values];
}

/** Checks a table's shape (variable count, at least one column, canonical range bounds, valid points). */
export function assertTableShape(table: LookupTable): void {
  if (!Number.isInteger(table.numVars) || table.numVars < 0 || table.numVars > MAX_TABLE_VARS) {
    throw new LookupError(`lookup table has ${table.numVars} variables, expected an integer in [0, ${MAX_TABLE_VARS}]`);
  }
  if (table.columns.length === 0) throw new LookupError("lookup table has no columns");
  table.columns.forEach((c, j) => {
    if (c.kind === "range") {
      Fr.assertFr(c.lo, `lookup table column ${j} (range) lo`);
    } else if (c.kind === "committed") {
      try {
        if (!c.commitment.equals(G1.ZERO)) c.commitment.assertValidity();
      } catch {
        throw new LookupError(`lookup table column ${j}: the commitment is not a point on the curve`);
      }
    } else {
      throw new LookupError(`lookup table column ${j} has an unknown kind`);
    }
  });
}

function assertBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_TABLE_VARS) {
    throw new RangeError(`lookup table: ${bits} variables, expected an integer in [0, ${MAX_TABLE_VARS}]`);
  }
}
