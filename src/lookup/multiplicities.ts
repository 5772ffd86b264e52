/**
 * Multiplicities: m(y) = how many witness entries equal table row y. Computed before any challenge (tuples are
 * matched component-wise, not compressed), so an entry that is in no row is found here and refused by name.
 */
import { LookupError, type WitnessColumn } from "./types";

/**
 * m over the table rows for the given witness columns (only the real entries; padding is not a lookup). A
 * tuple that occurs in several rows is counted on its first row.
 *
 * @param tableColumns the table's component columns (each 2^n_t values)
 * @throws {LookupError} naming the column and entry whose value is not a table row
 */
export function computeMultiplicities(
  tableColumns: readonly (readonly bigint[])[],
  columns: readonly WitnessColumn[],
): bigint[] {
  const rows = tableColumns[0].length;
  const index = new Map<string, number>();
  for (let y = rows - 1; y >= 0; y--) index.set(rowKey(tableColumns, y), y);
  const counts = new Array<number>(rows).fill(0);
  columns.forEach((column, i) => {
    for (let x = 0; x < column[0].length; x++) {
      const y = index.get(rowKey(column, x));
      if (y === undefined) {
        const tuple = column.map((c) => c[x].toString()).join(", ");
        throw new LookupError(`lookup: witness column ${i}, entry ${x} = (${tuple}) is not a row of the table`);
      }
      counts[y]++;
    }
  });
  return counts.map(BigInt);
}

function rowKey(components: readonly (readonly bigint[])[], x: number): string {
  if (components.length === 1) return components[0][x].toString(16);
  return components.map((c) => c[x].toString(16)).join(":");
}
