import { expect } from "chai";
import fc from "fast-check";
import { HALF } from "../../src/lookup";
import { proveSizedSumcheck, type SizedGroup } from "../../src/lookup/arena-sumcheck";
import { proveSumcheck, type ProductTerm } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

/** v repeated to 2^n entries: the table extended as a constant in its high variables. */
const extend = (v: readonly bigint[], n: number) => Array.from({ length: 2 ** n }, (_, x) => v[x % v.length]);

/**
 * The arena's sized zero-check prover is the generic sum-check prover on tables replicated to 2^N: same claim,
 * rounds, point and (per table) final evaluations, with the same transcript.
 */
describe("lookup arena: the sized zero-check equals proveSumcheck on replicated tables", () => {
  it("random groups of 0..4 variables, eq weights at τ and at (½, …, ½), N = 0..5", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ n: fc.nat(), tables: fc.integer({ min: 1, max: 3 }), terms: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (N, spec, seed) => {
          const tau = randomFrs(N, `tau${seed}`);
          const half = new Array<bigint>(N).fill(HALF);
          const groups: SizedGroup[] = spec.map((g, gi) => {
            const n = g.n % (N + 1);
            const tables = Array.from({ length: g.tables }, (_, t) => randomFrs(2 ** n, `t${seed}/${gi}/${t}`));
            const terms: ProductTerm[] = g.terms.map((r, ti) => ({
              coeff: randomFrs(1, `c${seed}/${gi}/${ti}`)[0],
              factors: r % 3 === 0 ? [r % g.tables] : [r % g.tables, (r >> 2) % g.tables],
              eqPoint: r % 2 === 0 ? tau : half,
            }));
            return { numVars: n, tables, terms };
          });
          const sized = proveSizedSumcheck({ numVars: N, degree: 3, groups, transcript: new Transcript("sized") });
          const flat: bigint[][] = [];
          const terms: ProductTerm[] = [];
          for (const g of groups) {
            const base = flat.length;
            flat.push(...g.tables.map((t) => extend(t, N)));
            terms.push(...g.terms.map((t) => ({ ...t, factors: t.factors.map((k) => base + k) })));
          }
          const generic = proveSumcheck({ tables: flat, terms, numVars: N, degree: 3, transcript: new Transcript("sized") });
          expect(sized.claim).to.equal(generic.claim);
          expect(sized.proof).to.deep.equal(generic.proof);
          expect(sized.point).to.deep.equal(generic.point);
          expect(sized.finalEvaluations.flat()).to.deep.equal(generic.finalEvaluations);
        },
      ),
      { numRuns: 40 },
    );
  });
});
